"""Read any .docx into paragraphs with resolved formatting, in reading order, story by story.

Tables become cells with their widths and offsets, so that geometry can tell where text sits;
headers, footnotes, endnotes and footers are read too, and the first section's page setup.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from lxml import etree

from tbkl_gen.audit.ooxml import MC, A, R, W, int_val, is_on, to_twips
from tbkl_gen.audit.styles import Numbering, ParaFormat, RunFormat, StyleSheet, read_cell_margins
from tbkl_gen.audit.text import norm
from tbkl_gen.nd30.units import WORD_CELL_MARGIN

# Word's cell margin when neither the table nor its style sets one.


@dataclass(frozen=True)
class _Run:
    raw: str
    format: RunFormat

    @property
    def text(self) -> str:
        text = unicodedata.normalize("NFC", self.raw)
        return text.upper() if self.format.caps else text

    @property
    def visible(self) -> bool:
        return bool(self.raw.strip())


@dataclass(frozen=True)
class _Cell:
    table: int
    row: int
    col: int
    width: float
    margin_left: float
    margin_right: float
    offset: float  # left edge of the cell's text area, from the left edge of the page text area

    @property
    def text_width(self) -> float:
        return max(self.width - self.margin_left - self.margin_right, 0.0)


@dataclass
class Para:
    """One paragraph as Word shows it: its story, table cell, resolved format, runs and list label."""

    element: etree._Element
    story: str
    order: int
    cell: _Cell | None
    table_style: str | None
    format: ParaFormat
    runs: list[_Run]
    label: str
    mark: RunFormat

    @property
    def text(self) -> str:
        return self.label + "".join(run.text for run in self.runs)

    @property
    def norm(self) -> str:
        return norm(self.text)

    @property
    def empty(self) -> bool:
        return not self.norm

    @property
    def visible_runs(self) -> list[_Run]:
        """Return the runs that show ink; white space cannot look bold or italic."""
        visible = [run for run in self.runs if run.visible]
        return visible or self.runs

    @property
    def sizes(self) -> set[float]:
        runs = self.visible_runs
        return {run.format.size for run in runs} if runs else {self.mark.size}

    def all_runs(self, attribute: str) -> bool:
        runs = self.visible_runs
        return bool(runs) and all(getattr(run.format, attribute) for run in runs)

    def any_run(self, attribute: str) -> bool:
        return any(getattr(run.format, attribute) for run in self.visible_runs)


@dataclass
class _Section:
    page_width: float | None = None
    page_height: float | None = None
    orient: str | None = None
    top: float | None = None
    bottom: float | None = None
    left: float | None = None
    right: float | None = None
    gutter: float = 0.0
    title_page: bool = False
    header_ids: dict[str, str] = field(default_factory=dict)
    footer_ids: list[str] = field(default_factory=list)
    page_number_format: str | None = None
    page_number_start: str | None = None

    @property
    def text_width(self) -> float:
        if self.page_width is None:
            return 9072.0
        return self.page_width - (self.left or 0) - (self.right or 0) - self.gutter


@dataclass
class Doc:
    """A document read: its style sheet, first section, body, headers and other stories, theme."""

    sheet: StyleSheet
    section: _Section
    body: list[Para]
    headers: dict[str, list[Para]]
    other_stories: list[Para]
    theme_fonts: dict[str, str]
    theme_colors: dict[str, str]
    even_and_odd_headers: bool


class _Reader:
    """Turn one story (body, header, footnotes) into Para objects in reading order."""

    def __init__(self, sheet: StyleSheet, section: _Section) -> None:
        self.sheet = sheet
        self.section = section
        self._tables = 0

    def read(self, root: etree._Element, story: str) -> list[Para]:
        paras: list[Para] = []
        for element, cell, table_style in self._blocks(root, None, None, 0.0):
            paras.append(self._para(element, story, len(paras), cell, table_style))
        return paras

    def _blocks(
        self, parent: etree._Element, cell: _Cell | None, table_style: str | None, offset: float
    ) -> Iterator[tuple[etree._Element, _Cell | None, str | None]]:
        for child in parent:
            if child.tag == W + "p":
                yield child, cell, table_style
            elif child.tag == W + "tbl":
                yield from self._table(child, cell, offset)
            elif child.tag in (W + "sdt", W + "customXml"):
                content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
                if content is not None:
                    yield from self._blocks(content, cell, table_style, offset)

    def _table(
        self, table: etree._Element, outer: _Cell | None, outer_offset: float
    ) -> Iterator[tuple[etree._Element, _Cell | None, str | None]]:
        index = self._tables
        self._tables += 1
        props = table.find(W + "tblPr")
        style_el = props.find(W + "tblStyle") if props is not None else None
        style = style_el.get(W + "val") if style_el is not None else None
        grid = [to_twips(col.get(W + "w")) or 0.0 for col in table.findall(f"{W}tblGrid/{W}gridCol")]
        margins: dict[str, float] = {}
        read_cell_margins(props.find(W + "tblCellMar") if props is not None else None, margins)
        for side, value in self.sheet.table_cell_margins(style).items():
            margins.setdefault(side, value)
        container_width = outer.text_width if outer is not None else self.section.text_width
        base = outer_offset + _table_left(props, sum(grid), container_width)
        for row_index, row in enumerate(table.findall(W + "tr")):
            grid_col = _grid_before(row)
            for col_index, tc in enumerate(row.findall(W + "tc")):
                tc_props = tc.find(W + "tcPr")
                span = _grid_span(tc_props)
                cell_margins: dict[str, float] = {}
                read_cell_margins(tc_props.find(W + "tcMar") if tc_props is not None else None, cell_margins)
                left = cell_margins.get("left", margins.get("left", WORD_CELL_MARGIN))
                right = cell_margins.get("right", margins.get("right", WORD_CELL_MARGIN))
                width = _cell_width(tc_props, grid, grid_col, span)
                cell = _Cell(
                    table=index,
                    row=row_index,
                    col=col_index,
                    width=width,
                    margin_left=left,
                    margin_right=right,
                    offset=base + sum(grid[:grid_col]) + left,
                )
                yield from self._blocks(tc, cell, style, cell.offset)
                grid_col += span

    def _para(self, element: etree._Element, story: str, order: int, cell: _Cell | None, table_style: str | None) -> Para:
        ppr = element.find(W + "pPr")
        fmt = self.sheet.para_format(ppr, table_style)
        runs = []
        for run in own_runs(element):
            run_format = self.sheet.run_format(run.find(W + "rPr"), fmt.style_id, table_style)
            text = _run_text(run)
            if text and not run_format.hidden:
                runs.append(_Run(text, run_format))
        label = self.sheet.numbering.next_label(*fmt.num) if fmt.num else ""
        mark_rpr = ppr.find(W + "rPr") if ppr is not None else None
        mark = self.sheet.run_format(mark_rpr, fmt.style_id, table_style)
        return Para(element, story, order, cell, table_style, fmt, runs, label, mark)


def _table_left(props: etree._Element | None, grid_width: float, container_width: float) -> float:
    if props is None:
        return 0.0
    jc = props.find(W + "jc")
    if jc is not None and jc.get(W + "val") == "center":
        return (container_width - grid_width) / 2
    if jc is not None and jc.get(W + "val") in ("right", "end"):
        return container_width - grid_width
    indent = props.find(W + "tblInd")
    if indent is not None and indent.get(W + "type", "dxa") == "dxa":
        return to_twips(indent.get(W + "w")) or 0.0
    return 0.0


def _grid_before(row: etree._Element) -> int:
    return int_val(row.find(f"{W}trPr/{W}gridBefore"), 0)


def _grid_span(tc_props: etree._Element | None) -> int:
    return max(int_val(tc_props.find(W + "gridSpan") if tc_props is not None else None, 1), 1)


def _cell_width(tc_props: etree._Element | None, grid: list[float], start: int, span: int) -> float:
    width_el = tc_props.find(W + "tcW") if tc_props is not None else None
    if width_el is not None and width_el.get(W + "type", "dxa") == "dxa":
        width = to_twips(width_el.get(W + "w"))
        if width:
            return width
    return sum(grid[start : start + span])


_SKIPPED_CONTAINERS = {W + "del", W + "moveFrom", MC + "Fallback", W + "txbxContent", W + "p"}


def own_runs(paragraph: etree._Element) -> Iterator[etree._Element]:
    """Yield the runs shown in this paragraph: not deleted, not in a text box or fallback copy."""
    for run in paragraph.iter(W + "r"):
        parent = run.getparent()
        while parent is not None and parent is not paragraph and parent.tag not in _SKIPPED_CONTAINERS:
            parent = parent.getparent()
        if parent is paragraph:
            yield run


def _run_text(run: etree._Element) -> str:
    parts = []
    for child in run:
        if child.tag == W + "t":
            parts.append(child.text or "")
        elif child.tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif child.tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif child.tag == W + "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def read_document(document: DocxDocument) -> Doc:
    """Return the document's stories as resolved paragraphs, with its first section's page setup."""
    part = document.part
    root = document.element
    body = root.find(W + "body")
    body = body if body is not None else etree.Element(W + "body")
    section = _read_section(next(body.iter(W + "sectPr"), None))
    numbering = Numbering(related_root(part, RT.NUMBERING))
    sheet = StyleSheet(related_root(part, RT.STYLES), numbering)
    reader = _Reader(sheet, section)
    body_paras = reader.read(body, "body")
    headers = {}
    for kind, rel_id in section.header_ids.items():
        header_root = _root_of(part.related_parts.get(rel_id))
        if header_root is not None:
            headers[kind] = reader.read(header_root, "header")
    others = []
    for reltype, tag in ((RT.FOOTNOTES, "footnote"), (RT.ENDNOTES, "endnote")):
        notes = related_root(part, reltype)
        if notes is not None:
            for note in notes.findall(W + tag):
                if note.get(W + "type") in (None, "normal"):
                    others.extend(reader.read(note, tag))
    for footer_id in section.footer_ids:
        footer_root = _root_of(part.related_parts.get(footer_id))
        if footer_root is not None:
            others.extend(reader.read(footer_root, "footer"))
    settings = related_root(part, RT.SETTINGS)
    even_odd = settings is not None and is_on(settings.find(W + "evenAndOddHeaders"))
    theme = related_root(part, RT.THEME)
    return Doc(sheet, section, body_paras, headers, others, _theme_fonts(theme), _theme_colors(theme), even_odd)


def related_root(part: Part, reltype: str) -> etree._Element | None:
    """Return the root element of the part related to part by reltype, or None (never parsing entities)."""
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return _root_of(rel.target_part)
    return None


def _root_of(target: Part | None) -> etree._Element | None:
    if target is None:
        return None
    element: etree._Element | None = getattr(target, "element", None)
    if element is not None:
        return element
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(target.blob, parser)
    except etree.XMLSyntaxError:
        return None


def _read_section(sect: etree._Element | None) -> _Section:
    section = _Section()
    if sect is None:
        return section
    size = sect.find(W + "pgSz")
    if size is not None:
        section.page_width = to_twips(size.get(W + "w"))
        section.page_height = to_twips(size.get(W + "h"))
        section.orient = size.get(W + "orient")
    margins = sect.find(W + "pgMar")
    if margins is not None:
        for side in ("top", "bottom", "left", "right"):
            value = to_twips(margins.get(W + side))
            setattr(section, side, abs(value) if value is not None else None)
        section.gutter = to_twips(margins.get(W + "gutter")) or 0.0
    section.title_page = is_on(sect.find(W + "titlePg"))
    for ref in sect.findall(W + "headerReference"):
        section.header_ids[ref.get(W + "type", "default")] = ref.get(R + "id", "")
    section.footer_ids = [ref.get(R + "id", "") for ref in sect.findall(W + "footerReference")]
    numbering = sect.find(W + "pgNumType")
    if numbering is not None:
        section.page_number_format = numbering.get(W + "fmt")
        section.page_number_start = numbering.get(W + "start")
    return section


def _theme_fonts(theme: etree._Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if theme is None:
        return out
    for scheme, prefix in (("majorFont", "major"), ("minorFont", "minor")):
        fonts = next(theme.iter(A + scheme), None)
        if fonts is None:
            continue
        for tag, names in (("latin", ("Ascii", "HAnsi")), ("ea", ("EastAsia",)), ("cs", ("Bidi",))):
            element = fonts.find(A + tag)
            typeface = element.get("typeface") if element is not None else None
            for name in names:
                if typeface:
                    out[prefix + name] = typeface
    return out


THEME_COLOR_SLOTS = {
    "text1": "dk1", "dark1": "dk1", "text2": "dk2", "dark2": "dk2", "background1": "lt1", "light1": "lt1",
    "background2": "lt2", "light2": "lt2", "hyperlink": "hlink", "followedHyperlink": "folHlink",
}  # fmt: skip


def _theme_colors(theme: etree._Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    scheme = next(theme.iter(A + "clrScheme"), None) if theme is not None else None
    if scheme is None:
        return out
    for slot in scheme:
        name = etree.QName(slot).localname
        for colour in slot:
            value = colour.get("lastClr") if colour.tag == A + "sysClr" else colour.get("val")
            if value:
                out[name] = value.upper()
    return out
