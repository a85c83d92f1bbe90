"""Lay a notice out: numbering, labels, inline emphasis, footnotes, end mark, line lengths.

`lay_out(notice)` turns the structured notice into the flat sequence of paragraphs a document
shows, with every number computed here and nowhere else. The result is plain data, the same for
the Word renderer and for any later consumer (previews, text diffs, e-office export).

Inline markup inside body text (`**đậm**`, `*nghiêng*`, `^[chú thích]`, `\\*`) is read by
`tbkl_gen.markup`, the one home of its grammar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tbkl_gen.markup import Footnote, Span, parse_inline
from tbkl_gen.nd30 import words as vn
from tbkl_gen.nd30.document_types import SUMMARY_PREFIX
from tbkl_gen.nd30.format import (
    ADDRESSEE_HEAD,
    END_MARK,
    PRINTED_ADDRESSEE_SIZE,
    PRINTED_ISSUER_SIZE,
    PRINTED_TEXT_WIDTH_MM,
    PRINTED_TITLE_SIZE,
    PRINTED_UNDER_TEXT_RATIO,
    UNDER_TEXT_RATIO,
)
from tbkl_gen.nd30.grammar import addressee, addressee_lines, appendix_heading, appendix_reference, archive_content, printed_archive
from tbkl_gen.notice.kind import Kind, bare_summary, own_values
from tbkl_gen.notice.kinds import kind_of
from tbkl_gen.notice.model import BODY_KEY, SUMMARY_KEY, Bang, Block, Cong, Diem, Gach, Khoan, Muc, Notice
from tbkl_gen.notice.tables import columns_of, place
from tbkl_gen.nd30.text_width import text_width_mm, wrapped_widths_mm

# Page text width of the built-in templates (A4, left 30 mm, right 20 mm).
TEXT_WIDTH_MM = PRINTED_TEXT_WIDTH_MM
# A line under a title is 1/3-1/2 of the text above it (ND30 Phụ lục I); nd30.format chose the ratio.
UNDERLINE_RATIO = PRINTED_UNDER_TEXT_RATIO


@dataclass(frozen=True)
class TableCell:
    """One cell of a table at its place on the grid (0-based), with the columns and rows it covers."""

    spans: tuple[Span, ...]
    row: int
    column: int
    columns: int = 1
    rows: int = 1
    header: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans if s.footnote is None)


@dataclass(frozen=True)
class Table:
    """A table laid out: column widths in mm (filling the text width), header rows, cells by row."""

    widths_mm: tuple[float, ...]
    header_rows: int
    rows: tuple[tuple[TableCell, ...], ...]
    """The cells that start in each row; a cell merged down is only in its first row."""


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: its kind (doan, muc, khoan, khoan_tieu_de, diem, gach, cong), or a table (bang)."""

    kind: str
    spans: tuple[Span, ...]
    label: str = ""
    table: Table | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans if s.footnote is None)


@dataclass(frozen=True)
class Appendix:
    """An appendix laid out: its computed heading, its title, the line tying it to the notice, its body."""

    heading: str
    title: str
    reference: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Layout:
    """Everything a notice shows, in reading order, ready for a template."""

    chu_quan: str | None
    co_quan: tuple[str, ...]
    so: str
    ky_hieu: str
    dia_danh_ngay: str
    do_khan: str | None
    trich_yeu: str
    """The summary on one line: where the drafter broke it, a space."""
    trich_yeu_dong: tuple[str, ...]
    """The summary by the lines the drafter chose (one item when none was chosen); each may wrap."""
    kinh_gui: tuple[str, ...]
    """The addressees under the summary (ô 9a), without "Kính gửi:", dashes or end marks; often none."""
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...]
    noi_nhan: tuple[str, ...]
    luu: str
    quyen_han: tuple[str, ...]
    chuc_vu: str
    ho_ten: str
    co_quan_line_mm: float
    trich_yeu_line_mm: float
    co_quan_width_mm: float
    trich_yeu_width_mm: float
    kind: Kind
    """The document's kind: what prints as its title, where its summary goes (`ten_loai`, `v_v`)."""
    appendices: tuple[Appendix, ...] = ()
    v_v: tuple[str, ...] = ()
    """The summary under the number by lines, the first starting "V/v ", for a kind whose summary
    prints there (`Kind.summary == "number"`, a Công văn); () for the others."""
    rieng: Mapping[str, Any] = field(default_factory=dict)
    """The kind's own keys (`Kind.own_keys()`) beyond the summary and the body, as plain values
    (text, lists, dates as ISO text, nested parts as mappings); None where the source gave none."""

    @property
    def loai(self) -> str:
        """The document's kind as a source names it (`loai`): thong_bao, cong_van, giay_moi, …"""
        return self.kind.key

    @property
    def ten_loai(self) -> str:
        """The type's name printed as the title ("THÔNG BÁO", "GIẤY MỜI"); "" for a kind with none (Công văn)."""
        return self.kind.document_type.title

    def co_quan_line_in(self, column_mm: float) -> float:
        """Return the length of the line under the issuing body in a header column column_mm wide.

        A line of the name wider than the column wraps (`tbkl check` warns, and still accepts it),
        and the line is then 1/3-1/2 of the widest line as printed, which is what the decree and
        the audit measure. A line only a little wider may still fit in Word or LibreOffice, whose
        cell margins and spacing differ by a millimetre or two: the length is then chosen to be
        1/3-1/2 of both widths, wrapped and not, when one length can be.
        """
        typed = self.co_quan_width_mm
        if typed <= column_mm:
            return self.co_quan_line_mm
        wrapped = max(max(wrapped_widths_mm(line, PRINTED_ISSUER_SIZE, True, column_mm)) for line in self.co_quan)
        low, high = typed * UNDER_TEXT_RATIO[0], wrapped * UNDER_TEXT_RATIO[1]
        if low <= high:
            return round((low + high) / 2, 1)
        return round(wrapped * UNDERLINE_RATIO, 1)

    @property
    def kinh_gui_dong(self) -> tuple[str, ...]:
        """Return the "Kính gửi" lines as printed (`nd30.grammar.addressee_lines`), or none."""
        return addressee_lines(self.kinh_gui)

    def kinh_gui_indents_in(self, column_mm: float) -> tuple[float, float, float]:
        """Return, in mm, where "Kính gửi:" starts, where the dashes under its colon start, and the dash's width.

        The block (the head, then the widest item) is centred in a column column_mm wide, and
        starts at the column's left edge when it is wider; an item that wraps goes on under its
        text, past the dash.
        """
        head = text_width_mm(ADDRESSEE_HEAD.rstrip(":"), PRINTED_ADDRESSEE_SIZE, bold=False)
        widest = max((text_width_mm(line, PRINTED_ADDRESSEE_SIZE, bold=False) for line in self.kinh_gui_dong[1:]), default=0.0)
        left = max(0.0, (column_mm - head - widest) / 2)
        return round(left, 1), round(left + head, 1), round(text_width_mm("- ", PRINTED_ADDRESSEE_SIZE, bold=False), 1)


@dataclass
class _Builder:
    """The paragraphs and footnotes of a notice as they are laid out."""

    capitals: bool = True
    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)

    def inline(self, text: str, *, bold: bool = False) -> list[Span]:
        return parse_inline(clean(text), self.footnotes, bold=bold)


def clean(text: str) -> str:
    """Return text on one line: line breaks and tabs typed in the source become spaces."""
    if "\n" in text or "\t" in text or "\r" in text:
        text = re.sub(r"[ \t]*[\r\n\t][ \t\r\n]*", " ", text)
    return text.strip()


def lay_out(notice: Notice, kind: Kind | None = None) -> Layout:
    """Return the laid-out document of its kind: numbers, labels and the end mark computed."""
    kind = kind or kind_of(notice)
    builder = _Builder(capitals=notice.muc_in_hoa)
    _blocks(builder, kind.body(notice))
    paragraphs = _with_end_mark(builder.paragraphs)
    appendices = _appendices(builder, notice, kind)
    co_quan = tuple(vn.upper(clean(line)) for line in notice.co_quan.ten)
    co_quan_width = max(text_width_mm(line, PRINTED_ISSUER_SIZE, bold=True) for line in co_quan)
    title = kind.document_type.title
    summary = getattr(notice, SUMMARY_KEY, None) or ""
    v_v: tuple[str, ...] = ()
    if kind.summary == "number":
        summary = bare_summary(summary)
        lines = summary_lines(summary)
        v_v = (f"{SUMMARY_PREFIX} {lines[0]}", *lines[1:]) if summary.strip() else ()
    trich_yeu_dong = summary_lines(summary) if summary.strip() else ()
    under_title = trich_yeu_dong if kind.summary == "title" and trich_yeu_dong else (title,) if title else ("",)
    trich_yeu_width = max(min(text_width_mm(line, PRINTED_TITLE_SIZE, bold=True), TEXT_WIDTH_MM) for line in under_title)
    day = notice.ngay
    return Layout(
        chu_quan=vn.upper(clean(notice.co_quan.chu_quan)) if notice.co_quan.chu_quan else None,
        co_quan=co_quan,
        so=vn.number_text(clean(notice.so) if notice.so else None),
        ky_hieu=clean(notice.symbol),
        dia_danh_ngay=vn.date_line(clean(notice.dia_danh), day.nam, day.thang, day.ngay),
        do_khan=notice.do_khan,
        trich_yeu=" ".join(trich_yeu_dong),
        trich_yeu_dong=trich_yeu_dong,
        kinh_gui=tuple(name for name in (addressee(clean(item)) for item in notice.kinh_gui) if name),
        paragraphs=tuple(paragraphs),
        footnotes=tuple(builder.footnotes),
        noi_nhan=tuple(recipient(item) for item in notice.noi_nhan),
        luu=printed_archive(archive(notice.luu), _optional(notice.nguoi_soan), _optional(notice.so_ban)),
        quyen_han=tuple(vn.upper(clean(line)) for line in notice.nguoi_ky.quyen_han if clean(line)),
        chuc_vu=vn.upper(clean(notice.nguoi_ky.chuc_vu)),
        ho_ten=clean(notice.nguoi_ky.ho_ten),
        co_quan_line_mm=round(co_quan_width * UNDERLINE_RATIO, 1),
        trich_yeu_line_mm=round(trich_yeu_width * UNDERLINE_RATIO, 1),
        co_quan_width_mm=co_quan_width,
        trich_yeu_width_mm=trich_yeu_width,
        kind=kind,
        appendices=appendices,
        v_v=v_v,
        rieng=own_values(kind, notice, leaving=(SUMMARY_KEY, BODY_KEY)),
    )


def _appendices(builder: _Builder, notice: Notice, kind: Kind) -> tuple[Appendix, ...]:
    """Lay out the appendices: numbered in order, each tied to the document by its kind, number and date."""
    if not notice.phu_luc:
        return ()
    day = notice.ngay
    date_part = vn.date_line("", day.nam, day.thang, day.ngay).removeprefix(", ")
    issuer = clean(notice.co_quan.ten_goi) if notice.co_quan.ten_goi else None
    reference = appendix_reference(
        kind.name, vn.number_text(clean(notice.so) if notice.so else None), clean(notice.symbol), date_part, issuer
    )
    out = []
    for index, appendix in enumerate(notice.phu_luc, start=1):
        builder.paragraphs = []
        _blocks(builder, appendix.noi_dung)
        title = vn.upper(clean(appendix.ten)) if appendix.ten else ""
        out.append(Appendix(appendix_heading(index), title, reference, tuple(builder.paragraphs)))
    return tuple(out)


def table_widths(table: Bang, text_width_mm: float = TEXT_WIDTH_MM) -> tuple[float, ...]:
    """Return the widths of a table's columns in mm: as given in mm, by proportion, or equal; filling the text width."""
    columns = columns_of(table)
    if not columns:
        return ()
    if table.do_rong_mm and len(table.do_rong_mm) == columns:
        given = [float(w) for w in table.do_rong_mm]
    elif table.do_rong and len(table.do_rong) == columns and sum(table.do_rong) > 0:
        given = [float(w) for w in table.do_rong]
    else:
        given = [1.0] * columns
    total = sum(given) or 1.0
    return tuple(round(w * text_width_mm / total, 2) for w in given)


def summary_lines(text: str) -> tuple[str, ...]:
    """Return the summary by the lines the drafter broke it into (`trich_yeu: |`), each on one line.

    A folded or plain YAML value has no line break left in it, so it is one line that the page
    wraps; a literal block keeps the drafter's breaks, and blank lines between them are dropped.
    """
    lines = tuple(line for line in (clean(piece) for piece in re.split(r"\r\n|\r|\n", text)) if line)
    return lines or ("",)


def _optional(text: str | None) -> str | None:
    return clean(text) or None if text is not None else None


def recipient(text: str) -> str:
    """Return a recipient without the dash and end punctuation the template adds."""
    return clean(text).removeprefix("- ").rstrip(" ;.")


def archive(text: str) -> str:
    """Return the archive line's content: "VT, KGVX" from "Lưu: VT, KGVX." or "VT, KGVX"."""
    return archive_content(clean(text))


def _blocks(builder: _Builder, blocks: Sequence[Block]) -> None:
    """Lay out one container's blocks; numbers count among siblings, restarting in each container."""
    sections = items = points = 0
    for block in blocks:
        if isinstance(block, str):
            builder.paragraphs.append(Paragraph("doan", tuple(builder.inline(block))))
        elif isinstance(block, Muc):
            sections += 1
            items = 0
            label = f"{vn.roman(sections)}. "
            spans = builder.inline(vn.upper(block.muc) if builder.capitals else block.muc, bold=True)
            builder.paragraphs.append(Paragraph("muc", (Span(label, bold=True), *spans), label))
            _blocks(builder, block.noi_dung)
        elif isinstance(block, Khoan):
            items += 1
            label = f"{items}. "
            if block.tieu_de:
                spans = builder.inline(block.khoan, bold=True)
                builder.paragraphs.append(Paragraph("khoan_tieu_de", (Span(label, bold=True), *spans), label))
            else:
                builder.paragraphs.append(Paragraph("khoan", (Span(label), *builder.inline(block.khoan)), label))
            _blocks(builder, block.noi_dung)
        elif isinstance(block, Diem):
            label = f"{vn.point_label(points)}) "
            points += 1
            builder.paragraphs.append(Paragraph("diem", (Span(label), *builder.inline(block.diem)), label))
            _blocks(builder, block.noi_dung)
        elif isinstance(block, Gach):
            builder.paragraphs.append(Paragraph("gach", (Span("- "), *builder.inline(block.gach)), "- "))
            _blocks(builder, block.noi_dung)
        elif isinstance(block, Cong):
            builder.paragraphs.append(Paragraph("cong", (Span("+ "), *builder.inline(block.cong)), "+ "))
            _blocks(builder, block.noi_dung)
        elif isinstance(block, Bang):
            builder.paragraphs.append(Paragraph("bang", (), table=_table(builder, block)))


def _table(builder: _Builder, table: Bang) -> Table:
    """Lay out a table: its cells placed on the grid, header cells bold."""
    grid = place(table.bang, columns_of(table))
    rows: list[list[TableCell]] = [[] for _ in table.bang]
    for cell in grid.cells:
        header = cell.row < table.hang_tieu_de
        spans = tuple(builder.inline(cell.text, bold=header))
        rows[cell.row].append(TableCell(spans, cell.row, cell.column, cell.columns, min(cell.rows, len(rows) - cell.row), header))
    return Table(table_widths(table), min(table.hang_tieu_de, len(rows)), tuple(tuple(row) for row in rows))


def _with_end_mark(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Return paragraphs whose last one ends with "./.", added when the drafter left it out.

    The paragraph as printed decides, not its last run: "*(Đính kèm …).*/." already ends with the
    mark across an italic run and a plain one (as the importer keeps an original's runs), and gets
    no second one. The mark completes the last sentence's full stop (nd30 END_MARK); a paragraph
    ending with another sentence mark never gets here, `tbkl check` refuses it.
    """
    if not paragraphs or paragraphs[-1].text.rstrip().endswith(END_MARK):
        return paragraphs
    if paragraphs[-1].table is not None:  # a notice ending in a table: the end mark follows it
        return [*paragraphs, Paragraph("doan", (Span(END_MARK),))]
    last = paragraphs[-1]
    spans = list(last.spans)
    text_index = max((i for i, s in enumerate(spans) if s.footnote is None), default=None)
    if text_index is not None and text_index == len(spans) - 1:
        tail = spans[text_index]
        spans[text_index] = Span(vn.with_end_mark(tail.text), tail.bold, tail.italic)
    else:
        spans.append(Span(END_MARK))
    return [*paragraphs[:-1], Paragraph(last.kind, tuple(spans), last.label)]
