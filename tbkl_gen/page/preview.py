"""Draw a laid-out notice as HTML in the look of the printed page (ND30, A4, Times).

The live preview beside the editor: every number, label, date line and end mark comes from
`tbkl_gen.word.layout`, the same layout the Word file is rendered from, so the preview never
numbers anything itself. Page breaks are LibreOffice's to compute (the exact page, on request).
"""

from __future__ import annotations

from html import escape

from tbkl_gen.nd30.format import ARCHIVE_PREFIX, MOTTO, NATIONAL_NAME, PRINTED_MOTTO_SIZE, RECIPIENTS_HEAD
from tbkl_gen.nd30.text_width import text_width_mm
from tbkl_gen.markup import Span
from tbkl_gen.word.layout import TEXT_WIDTH_MM, Layout, Paragraph, Table

# The motto's underline is as long as the motto (Phụ lục I).
_MOTTO_LINE_MM = round(text_width_mm(MOTTO, PRINTED_MOTTO_SIZE, bold=True), 1)


def _spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        if span.footnote is not None:
            out.append(f'<sup class="fn">{span.footnote}</sup>')
            continue
        text = escape(span.text)
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic:
            text = f"<i>{text}</i>"
        out.append(text)
    return "".join(out)


def page_html(layout: Layout) -> str:
    """Return the notice as an HTML fragment: one `<article class="sheet">`.

    The lengths of the lines under the titles are in `data-mm`: the page sets them, as its
    content security policy allows no inline style.
    """
    parts = ['<article class="sheet" lang="vi">', '<table class="head"><tr><td class="left">']
    if layout.chu_quan:
        parts.append(f'<div class="parent">{escape(layout.chu_quan)}</div>')
    for line in layout.co_quan:
        parts.append(f'<div class="body-name">{escape(line)}</div>')
    parts.append(f'<div class="rule" data-mm="{layout.co_quan_line_mm}"></div>')
    number = escape(layout.so).replace(" ", "&nbsp;")
    parts.append(f'<div class="number">Số:&nbsp;{number}/{escape(layout.ky_hieu)}</div>')
    if layout.v_v:
        parts.append(f'<div class="v-v">{"<br>".join(escape(line) for line in layout.v_v)}</div>')
    if layout.do_khan:
        parts.append(f'<div class="urgency"><span>{escape(layout.do_khan)}</span></div>')
    parts.append('</td><td class="right">')
    parts.append(f'<div class="national">{NATIONAL_NAME}</div><div class="motto">{MOTTO}</div>')
    parts.append(f'<div class="rule" data-mm="{_MOTTO_LINE_MM}"></div>')
    date_line = escape(layout.dia_danh_ngay).replace("  ", "&nbsp;&nbsp;")
    parts.append(f'<div class="date">{date_line}</div></td></tr></table>')
    if layout.ten_loai:
        parts.append(f'<div class="kind">{escape(layout.ten_loai)}</div>')
        if layout.trich_yeu_dong:
            parts.append(f'<div class="summary">{"<br>".join(escape(line) for line in layout.trich_yeu_dong)}</div>')
        parts.append(f'<div class="rule center" data-mm="{layout.trich_yeu_line_mm}"></div>')
    lines = layout.kinh_gui_dong
    if len(lines) == 1:
        parts.append(f'<div class="addressee">{escape(lines[0])}</div>')
    elif lines:
        head, items, dash = layout.kinh_gui_indents_in(TEXT_WIDTH_MM)
        # Indents as data: the page's policy forbids inline styles, its script sets them (data-left, data-hang).
        parts.append(f'<div class="addressees" data-left="{head}">{escape(lines[0])}</div>')
        for index, line in enumerate(lines[1:], start=2):
            last = " last" if index == len(lines) else ""
            parts.append(f'<div class="addressees{last}" data-left="{items + dash}" data-hang="{dash}">{escape(line)}</div>')
    parts.append('<div class="content">')
    parts += _paragraphs(layout.paragraphs)
    parts.append("</div>")
    parts.append('<table class="foot"><tr><td class="recipients">')
    parts.append(f'<div class="to"><b><i>{RECIPIENTS_HEAD}</i></b></div>')
    for recipient in layout.noi_nhan:
        parts.append(f"<div>- {escape(recipient)};</div>")
    parts.append(f"<div>{ARCHIVE_PREFIX}{escape(layout.luu)}.</div>")
    parts.append('</td><td class="signer">')
    for line in layout.quyen_han:
        parts.append(f'<div class="authority">{escape(line)}</div>')
    parts.append(f'<div class="title">{escape(layout.chuc_vu)}</div>')
    parts.append('<div class="signature-space"></div>')
    parts.append(f'<div class="name">{escape(layout.ho_ten)}</div>')
    parts.append("</td></tr></table>")
    for position, appendix in enumerate(layout.appendices):
        parts.append(f'<section class="appendix" data-appendix="{position}">')
        parts.append(f'<div class="pl-head">{escape(appendix.heading)}</div>')
        if appendix.title:
            parts.append(f'<div class="pl-title">{escape(appendix.title)}</div>')
        reference = escape(appendix.reference).replace("  ", "&nbsp;&nbsp;")
        parts.append(f'<div class="pl-reference">{reference}</div><div class="content">')
        parts += _paragraphs(appendix.paragraphs, appendix=position)
        parts.append("</div></section>")
    if layout.footnotes:
        parts.append('<div class="footnotes">')
        for note in layout.footnotes:
            parts.append(f"<p><sup>{note.id}</sup> {_spans(note.spans)}</p>")
        parts.append("</div>")
    parts.append("</article>")
    return "".join(parts)


def _paragraphs(paragraphs: tuple[Paragraph, ...], *, appendix: int | None = None) -> list[str]:
    """Return body paragraphs as HTML, tables as ruled tables; each tagged with its block's index."""
    where = f' data-appendix="{appendix}"' if appendix is not None else ""
    out = []
    for index, paragraph in enumerate(paragraphs):
        if paragraph.table is not None:
            out.append(_table(paragraph.table, f'data-block="{index}"{where}'))
        else:
            out.append(f'<p class="p-{paragraph.kind}" data-block="{index}"{where}>{_spans(paragraph.spans)}</p>')
    return out


def _table(table: Table, attributes: str) -> str:
    """Return a laid-out table as an HTML table: widths in mm, header rows bold, merged cells spanning."""
    columns = "".join(f'<col data-mm="{width}">' for width in table.widths_mm)
    rows = []
    for index, row in enumerate(table.rows):
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            span = (f' colspan="{cell.columns}"' if cell.columns > 1 else "") + (f' rowspan="{cell.rows}"' if cell.rows > 1 else "")
            cells.append(f"<{tag}{span}>{_spans(cell.spans)}</{tag}>")
        rows.append(f'<tr class="{"head" if index < table.header_rows else "row"}">{"".join(cells)}</tr>')
    return f'<table class="grid" {attributes}><colgroup>{columns}</colgroup>{"".join(rows)}</table>'


def labels(layout: Layout) -> list[str]:
    """Return each body block's computed label ("I. ", "1. ", "a) ", "- "), in reading order."""
    return [paragraph.label for paragraph in layout.paragraphs]


def appendix_labels(layout: Layout) -> list[list[str]]:
    """Return the labels of each appendix's blocks, in reading order, as `labels` does for the body."""
    return [[paragraph.label for paragraph in appendix.paragraphs] for appendix in layout.appendices]
