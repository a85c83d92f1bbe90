"""WordprocessingML snippets for what a template cannot hold as literal text.

The runs of a body paragraph (emphasis and footnote references), the footnotes, and the lines
whose length depends on the notice (under the issuing body and under the summary) are produced
here as XML strings, with every piece of drafter text escaped. Styles come from the template, so
an office that restyles "TB Đường kẻ" or "TB Nội dung" in Word changes what we produce too.
"""

from __future__ import annotations

from collections.abc import Iterable

from tbkl_gen.markup import Footnote, Span
from tbkl_gen.nd30.units import TWIPS_PER_MM
from tbkl_gen.word.layout import Table, TableCell

ADDRESSEE_SPACE_AFTER = 120
"""The space after the "Kính gửi" block, in twips: what the built-in style TB Kính gửi has after its line."""


class Drawn(str):
    """WordprocessingML drawn here (the drafter's text in it escaped already): a template prints it as it is.

    The built-in templates' filler (`word.fill`) prints it unescaped; jinja's sandbox (`word.render`)
    is given it as markupsafe's `Markup`, as before, so a user's template reads the same value. A mark
    of its own, not `Markup`, keeps markupsafe (~1.5 ms of a cold render) out of a built-in template's render."""

    __slots__ = ()

    def __html__(self) -> str:  # what an escaper asks of text already escaped (markupsafe, jinja)
        return str(self)


def escape(text: str) -> str:
    """Escape text for an XML element (what xml.sax.saxutils.escape does, without its imports)."""
    # Most drafter text holds none of the three: looking for each (a character search) is about a
    # fifth of the three replaces, each of which counts over the text first (0.44 against 0.09 us
    # a run of body text; tests/test_fill.py holds both equal).
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def runs(spans: Iterable[Span]) -> str:
    """Return the runs of spans: bold and italic as direct formatting, footnotes as references."""
    out = []
    for span in spans:
        if span.footnote is not None:
            out.append(f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{span.footnote}"/></w:r>')
            continue
        props = ("<w:b/><w:bCs/>" if span.bold else "") + ("<w:i/><w:iCs/>" if span.italic else "")
        props_xml = f"<w:rPr>{props}</w:rPr>" if props else ""
        out.append(f'<w:r>{props_xml}<w:t xml:space="preserve">{escape(span.text)}</w:t></w:r>')
    return "".join(out)


def broken_lines(lines: Iterable[str], size_pt: int | None = None) -> str:
    """Return runs of lines joined by line breaks: one paragraph, broken where the drafter chose;
    size_pt, when given, sets the runs' size over the paragraph's style."""
    props = f'<w:rPr><w:sz w:val="{size_pt * 2}"/><w:szCs w:val="{size_pt * 2}"/></w:rPr>' if size_pt else ""
    return "<w:r><w:br/></w:r>".join(f'<w:r>{props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' for line in lines)


def footnote(note: Footnote) -> str:
    """Return one w:footnote element for the footnotes part."""
    return (
        f'<w:footnote w:id="{note.id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{runs(note.spans)}</w:p></w:footnote>'
    )


def centred_line(style: str, length_mm: float, width_twips: int) -> str:
    """Return an empty paragraph whose bottom border draws a centred line of length_mm."""
    indent = max(0, round((width_twips - length_mm * TWIPS_PER_MM) / 2))
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:ind w:left="{indent}" w:right="{indent}"/></w:pPr></w:p>'


def boxed(style: str, text: str, width_mm: float, column_twips: int) -> str:
    """Return a paragraph framed by its borders, width_mm wide, centred in its column."""
    indent = max(0, round((column_twips - width_mm * TWIPS_PER_MM) / 2))
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:ind w:left="{indent}" w:right="{indent}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def addressees(lines: tuple[str, ...], indents_mm: tuple[float, float, float], styles: tuple[str, str], after_twips: int) -> str:
    """Return the "Kính gửi" paragraphs: one centred line, or the head and the list under its colon.

    lines are printed lines (`Layout.kinh_gui_dong`), indents_mm the head's and the list's left
    indents and the dash's width (`Layout.kinh_gui_indents_in`), styles the head's and the items',
    after_twips the space after the block.
    """
    if not lines:
        return ""
    head_style, item_style = styles
    if len(lines) == 1:
        # Centred also where a template made before ô 9a lacks the style: the decree centres it.
        return (
            f'<w:p><w:pPr><w:pStyle w:val="{head_style}"/><w:jc w:val="center"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{escape(lines[0])}</w:t></w:r></w:p>'
        )
    head, items, dash = (round(value * TWIPS_PER_MM) for value in indents_mm)
    out = [
        f'<w:p><w:pPr><w:pStyle w:val="{head_style}"/><w:keepNext/><w:spacing w:after="0"/>'
        f'<w:ind w:left="{head}" w:firstLine="0"/><w:jc w:val="left"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(lines[0])}</w:t></w:r></w:p>'
    ]
    for index, line in enumerate(lines[1:], start=1):
        # The list keeps together, and the space after the block is the head's, as after one line.
        keep = "<w:keepNext/>" if index < len(lines) - 1 else f'<w:spacing w:after="{after_twips}"/>'
        out.append(
            f'<w:p><w:pPr><w:pStyle w:val="{item_style}"/>{keep}<w:ind w:left="{items + dash}" w:hanging="{dash}"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        )
    return "".join(out)


# Table styles of the built-in templates: a cell's paragraph, and a header cell's (bold, centred).
TABLE_STYLE = "TBBang"
TABLE_HEADER_STYLE = "TBBangTieuDe"
_CELL_MARGIN_TWIPS = 85  # 1.5 mm each side, what Word gives a new table
_BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def table(layout: Table) -> str:
    """Return a w:tbl for a laid-out table: ruled, fixed widths filling the text width, header rows repeated.

    A cell merged across columns is one w:tc with a gridSpan; a cell merged down starts a vMerge
    and every row below it holds an empty continuing cell in its columns, as Word requires.
    """
    widths = [round(w * TWIPS_PER_MM) for w in layout.widths_mm]
    borders = "".join(_BORDER.format(side=side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    margins = (
        f'<w:tblCellMar><w:left w:w="{_CELL_MARGIN_TWIPS}" w:type="dxa"/><w:right w:w="{_CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>'
    )
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/>{margins}<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        f'w:lastColumn="0" w:noHBand="0" w:noVBand="0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    continuing: dict[int, TableCell] = {}  # first column -> the cell merged down into this row
    for index, row in enumerate(layout.rows):
        header = index < layout.header_rows
        props = "<w:cantSplit/><w:tblHeader/>" if header else "<w:cantSplit/>"
        cells: list[tuple[int, str]] = []
        for cell in row:
            cells.append((cell.column, _cell(cell, widths, "restart" if cell.rows > 1 else None)))
            if cell.rows > 1:
                for below in range(index + 1, index + cell.rows):
                    continuing[below * 10_000 + cell.column] = cell
        for key in [k for k in continuing if k // 10_000 == index]:
            cell = continuing.pop(key)
            cells.append((cell.column, _cell(TableCell((), index, cell.column, cell.columns, 1, cell.header), widths, "continue")))
        out.append(f"<w:tr><w:trPr>{props}</w:trPr>{''.join(xml for _, xml in sorted(cells, key=lambda item: item[0]))}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _cell(cell: TableCell, widths: list[int], merge: str | None) -> str:
    width = sum(widths[cell.column : cell.column + cell.columns])
    span = f'<w:gridSpan w:val="{cell.columns}"/>' if cell.columns > 1 else ""
    vmerge = '<w:vMerge w:val="restart"/>' if merge == "restart" else ("<w:vMerge/>" if merge == "continue" else "")
    style = TABLE_HEADER_STYLE if cell.header else TABLE_STYLE
    text = cell.text.strip()
    centred = (
        '<w:jc w:val="center"/>' if cell.header or (text and len(text) <= 4 and not any(ch.isalpha() for ch in text.rstrip("."))) else ""
    )
    paragraph = f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{centred}</w:pPr>{runs(cell.spans)}</w:p>'
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{vmerge}<w:vAlign w:val="center"/></w:tcPr>{paragraph}</w:tc>'


def section_break(section: str) -> str:
    """Return an empty paragraph that ends a section with the properties section (a w:sectPr)."""
    return f"<w:p><w:pPr>{section}</w:pPr></w:p>"
