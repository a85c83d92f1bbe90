"""Audit any Word notice against the machine-checkable rules 1-26 of Decree 30/2020 (nd30.md §11-12).

This module owns reading a .docx as Word would show it: formatting resolved through the whole
style chain (direct → character style → paragraph style → table style → document defaults),
the parts of a notice found by their text and position (national name, motto, issuing body,
number, date, title, summary, body, recipients, signature, page-number header), and the
horizontal lines under the header and the summary, whether drawn as paragraph borders (as our
generator does) or as DrawingML/VML shapes (as offices do by hand). It works on our own output
and on real office files alike, and reports instead of raising when a readable file is odd.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from tbkl_gen.nd30 import words as vn
from tbkl_gen.nd30.text_width import char_width_em

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{_W_NS}}}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
V = "{urn:schemas-microsoft-com:vml}"
O = "{urn:schemas-microsoft-com:office:office}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

STATUS_PASS = "dat"
STATUS_FAIL = "loi"
STATUS_NOT_APPLICABLE = "khong_ap_dung"

TWIPS_PER_MM = 1440 / 25.4
EMU_PER_MM = 36000
MM_PER_PT = 25.4 / 72
TIMES = "Times New Roman"
# Times New Roman line height in em: (winAscent 1825 + winDescent 443 + lineGap 87) / 2048.
_LINE_HEIGHT_EM = 2355 / 2048
# Word's size when no level of the style chain sets w:sz.
_DEFAULT_SIZE_PT = 10.0
# Word's cell margin when neither the table nor its style sets one.
_DEFAULT_CELL_MARGIN = 108
# Word writes A4 as 11906 x 16838 or, in older versions, 11907 x 16840 (both 210 x 297 mm).
_A4 = (11906, 16838)
_A4_TOLERANCE = 3
# A line counts as centred under its text when its middle is this close to the text's middle.
_CENTRE_TOLERANCE_MM = 1.5
# Slack on the 1/3-1/2 bounds of the lines under the issuing body and the summary.
_RATIO_SLACK_MM = 0.5
# The motto's line may differ from the motto's own width by this fraction.
_MOTTO_LINE_TOLERANCE = 0.10
# Word's "HTML auto spacing" before/after a paragraph is 14 pt.
_AUTO_SPACING_TWIPS = 280

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
POINT_LETTERS = vn.POINT_LETTERS
_ACADEMIC_PREFIXES = ("TSKH", "PGS", "GS", "TS", "ThS", "Th.S", "KS", "BS", "NCS", "CN")
_AUTHORITY_RANK = {"TM": 0, "TL": 1, "TUQ": 1, "KT": 2, "Q": 3}
_AUTHORITY_LINE = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*(\S.*)?$")
_POINT_LABEL = re.compile(r"^([a-zđ]{1,2})\)\s")
_ITEM_LABEL = re.compile(r"^(\d+(\.\d+)*\.|[IVXLCDM]+\.)\s")
_NUMBER_LINE = re.compile(r"^Số:(?P<sp1> ?)(?P<num>[^/ ]*)(?P<sp2> ?)/(?P<sym>.*)$")
_DATE_LINE = re.compile(r"^(?P<place>[^,]+), ngày(?: (?P<day>\d{1,2}))? tháng(?: (?P<month>\d{1,2}))? năm (?P<year>\d{4})$")
_ARCHIVE_LINE = re.compile(r"^- Lưu: VT, (?P<unit>[A-ZĐ][A-ZĐ0-9]*(?:[-/&][A-ZĐ0-9]+)*)(?P<copies> ?\(?\d+\)?)?\.$")


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule of nd30.md on one document."""

    rule: int
    title: str
    status: str
    detail: str


# ---------------------------------------------------------------------------------------------
# Small parsers


def _on(element: etree._Element | None) -> bool:
    """Return the value of an on/off property element (present without w:val means on)."""
    if element is None:
        return False
    value = element.get(W + "val")
    return value is None or value.strip().lower() not in ("0", "false", "off")


_UNIT_TWIPS = {"pt": 20.0, "in": 1440.0, "cm": 1440 / 2.54, "mm": TWIPS_PER_MM, "pc": 240.0, "pi": 240.0}


def _twips(value: str | None) -> float | None:
    """Return a twips measure; strict-OOXML values with a unit ("1.5cm") are converted."""
    if value is None:
        return None
    value = value.strip()
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)([a-z]{2})?", value)
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2)
    if unit is None:
        return number
    return number * _UNIT_TWIPS[unit] if unit in _UNIT_TWIPS else None


def _half_points(value: str | None) -> float | None:
    """Return a size in half-points (w:sz); "14pt" is accepted too."""
    twips = _twips(value)
    if twips is None:
        return None
    return twips / 10 if value is not None and value.strip().endswith("pt") else twips


def _emu_to_mm(value: str | None) -> float | None:
    try:
        return int(value) / EMU_PER_MM if value is not None else None
    except ValueError:
        return None


def _vml_length_mm(value: str | None) -> float | None:
    """Return a VML/CSS length in mm; a bare number is in pixels (CSS default)."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(-?\d*\.?\d+)\s*(pt|in|cm|mm|px|emu)?\s*", value)
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2) or "px"
    per_mm = {"pt": 1 / MM_PER_PT, "in": 1 / 25.4, "cm": 0.1, "mm": 1.0, "px": 96 / 25.4, "emu": EMU_PER_MM}
    return number / per_mm[unit]


def _css(style: str | None) -> dict[str, str]:
    out = {}
    for item in (style or "").split(";"):
        if ":" in item:
            key, _, value = item.partition(":")
            out[key.strip().lower()] = value.strip()
    return out


def _mm(twips: float) -> str:
    return _num(twips / TWIPS_PER_MM, 1)


def _num(value: float, digits: int = 1) -> str:
    """Return a number the Vietnamese way: decimal comma."""
    return f"{value:.{digits}f}".replace(".", ",")


def _pt(size: float) -> str:
    return str(int(size)) if float(size).is_integer() else _num(size, 1)


def _pts(sizes: Iterable[float]) -> str:
    return "/".join(_pt(s) for s in sorted(set(sizes)))


def _norm(text: str) -> str:
    """Return text in NFC on one line, runs of white space collapsed, ends trimmed."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


def _fold(text: str) -> str:
    """Return text reduced to upper-case ASCII letters and digits, for locating headings."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]", "", plain.upper())


def _quote(text: str, limit: int = 45) -> str:
    text = _norm(text)
    return f"«{text if len(text) <= limit else text[: limit - 1] + '…'}»"


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _is_upper(text: str) -> bool:
    return _has_letters(text) and text == text.upper()


# ---------------------------------------------------------------------------------------------
# Styles and numbering


@dataclass(frozen=True)
class _RunFormat:
    bold: bool
    italic: bool
    caps: bool
    hidden: bool
    size: float
    fonts: dict[str, str]
    color: str | None
    theme_color: str | None
    theme_tint: str | None
    theme_shade: str | None
    spacing_pt: float


@dataclass(frozen=True)
class _ParaFormat:
    style_id: str | None
    jc: str
    left: float
    right: float
    first_line: float
    before: float
    after: float
    line: float | None
    line_rule: str
    contextual: bool
    bottom_border: dict[str, str] | None
    top_border: dict[str, str] | None
    frame_x_align: str | None
    num: tuple[str, int] | None


_FONT_SLOTS = (
    ("ascii", "asciiTheme"),
    ("hAnsi", "hAnsiTheme"),
    ("eastAsia", "eastAsiaTheme"),
    ("cs", "cstheme"),
)
_JC_ALIASES = {"start": "left", "end": "right"}


class _StyleSheet:
    """Look up styles and resolve run and paragraph properties through their inheritance chains."""

    def __init__(self, styles: etree._Element | None, numbering: _Numbering) -> None:
        self.numbering = numbering
        self._by_id: dict[str, etree._Element] = {}
        self._default: dict[str, str] = {}
        self.rpr_default: etree._Element | None = None
        self.ppr_default: etree._Element | None = None
        if styles is None:
            return
        for style in styles.iter(W + "style"):
            style_id = style.get(W + "styleId")
            kind = style.get(W + "type", "paragraph")
            if style_id is None:
                continue
            self._by_id.setdefault(style_id, style)
            if style.get(W + "default") in ("1", "true", "on"):
                self._default.setdefault(kind, style_id)
        defaults = styles.find(W + "docDefaults")
        if defaults is not None:
            self.rpr_default = defaults.find(f"{W}rPrDefault/{W}rPr")
            self.ppr_default = defaults.find(f"{W}pPrDefault/{W}pPr")

    def chain(self, style_id: str | None, kind: str) -> list[etree._Element]:
        """Return the style and its basedOn ancestors, nearest first; a missing id means the default."""
        if style_id not in self._by_id and kind in ("paragraph", "table"):
            style_id = self._default.get(kind)
        out: list[etree._Element] = []
        seen: set[str] = set()
        while style_id is not None and style_id in self._by_id and style_id not in seen:
            seen.add(style_id)
            style = self._by_id[style_id]
            out.append(style)
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return out

    def table_cell_margins(self, table_style: str | None) -> dict[str, float]:
        margins: dict[str, float] = {}
        for style in self.chain(table_style, "table"):
            _read_cell_margins(style.find(f"{W}tblPr/{W}tblCellMar"), margins)
        return margins

    def run_format(self, rpr: etree._Element | None, para_style: str | None, table_style: str | None) -> _RunFormat:
        """Return a run's formatting: direct, character style, paragraph style, table style, defaults."""
        char_style = None
        if rpr is not None and (rstyle := rpr.find(W + "rStyle")) is not None:
            char_style = rstyle.get(W + "val")
        char_chain = _props(self.chain(char_style, "character"), "rPr") if char_style else []
        para_chain = _props(self.chain(para_style, "paragraph"), "rPr")
        table_chain = _props(self.chain(table_style, "table"), "rPr")
        ordered = [x for x in [rpr, *char_chain, *para_chain, *table_chain, self.rpr_default] if x is not None]

        def toggle(tag: str) -> bool:
            # Direct formatting sets the value; in styles a "true" flips what the level below gave,
            # which is why a bold character style on a bold paragraph style shows upright in Word.
            if rpr is not None and (element := rpr.find(W + tag)) is not None:
                return _on(element)
            value = self.rpr_default is not None and _on(self.rpr_default.find(W + tag))
            for chain in (table_chain, para_chain, char_chain):
                element = _first(chain, tag)
                if element is not None and _on(element):
                    value = not value
            return value

        size_el = _first(ordered, "sz")
        size = _half_points(size_el.get(W + "val")) if size_el is not None else None
        color_el = _first(ordered, "color")
        spacing_el = _first(ordered, "spacing")
        spacing = _twips(spacing_el.get(W + "val")) if spacing_el is not None else None
        return _RunFormat(
            bold=toggle("b"),
            italic=toggle("i"),
            caps=toggle("caps"),
            hidden=toggle("vanish"),
            size=size / 2 if size else _DEFAULT_SIZE_PT,
            fonts=_resolve_fonts(ordered),
            color=color_el.get(W + "val") if color_el is not None else None,
            theme_color=color_el.get(W + "themeColor") if color_el is not None else None,
            theme_tint=color_el.get(W + "themeTint") if color_el is not None else None,
            theme_shade=color_el.get(W + "themeShade") if color_el is not None else None,
            spacing_pt=(spacing or 0) / 20,
        )

    def para_format(self, ppr: etree._Element | None, table_style: str | None) -> _ParaFormat:
        """Return a paragraph's effective properties, attribute by attribute for spacing and indents."""
        style_id = None
        if ppr is not None and (pstyle := ppr.find(W + "pStyle")) is not None:
            style_id = pstyle.get(W + "val")
        para_chain = _props(self.chain(style_id, "paragraph"), "pPr")
        num = _numbering_reference([x for x in [ppr, *para_chain] if x is not None])
        level_ppr = self.numbering.level_ppr(*num) if num else None
        table_chain = _props(self.chain(table_style, "table"), "pPr")
        ordered = [x for x in [ppr, level_ppr, *para_chain, *table_chain, self.ppr_default] if x is not None]
        jc_el = _first(ordered, "jc")
        jc = jc_el.get(W + "val", "left") if jc_el is not None else "left"
        contextual = _first(ordered, "contextualSpacing")
        frame = _first(ordered, "framePr")
        spacing = _spacing(ordered)
        left, right, first_line = _indents(ordered)
        return _ParaFormat(
            style_id=style_id,
            jc=_JC_ALIASES.get(jc, jc),
            left=left,
            right=right,
            first_line=first_line,
            before=spacing["before"],
            after=spacing["after"],
            line=spacing["line"],
            line_rule=spacing["rule"],
            contextual=_on(contextual),
            bottom_border=_border(ordered, "bottom"),
            top_border=_border(ordered, "top"),
            frame_x_align=frame.get(W + "xAlign") if frame is not None else None,
            num=num,
        )


def _props(styles: list[etree._Element], tag: str) -> list[etree._Element]:
    return [p for s in styles if (p := s.find(W + tag)) is not None]


def _first(elements: Iterable[etree._Element], tag: str) -> etree._Element | None:
    for element in elements:
        found = element.find(W + tag)
        if found is not None:
            return found
    return None


def _resolve_fonts(ordered: list[etree._Element]) -> dict[str, str]:
    """Return slot -> font name, or "@themeName" for a theme font; a theme attribute beats a name."""
    out: dict[str, str] = {}
    for rpr in ordered:
        fonts = rpr.find(W + "rFonts")
        if fonts is None:
            continue
        for slot, theme_attr in _FONT_SLOTS:
            if slot in out:
                continue
            if theme := fonts.get(W + theme_attr):
                out[slot] = "@" + theme
            elif name := fonts.get(W + slot):
                out[slot] = name
    return out


def _spacing(ordered: list[etree._Element]) -> dict:
    out: dict = {"before": None, "after": None, "line": None, "rule": "auto"}
    line_found = False
    for ppr in ordered:
        spacing = ppr.find(W + "spacing")
        if spacing is None:
            continue
        for side in ("before", "after"):
            if out[side] is None:
                if _on_attr(spacing.get(W + side + "Autospacing")):
                    out[side] = float(_AUTO_SPACING_TWIPS)
                elif spacing.get(W + side + "Autospacing") is not None or spacing.get(W + side) is not None:
                    value = _twips(spacing.get(W + side))
                    if value is not None:
                        out[side] = value
        if not line_found and spacing.get(W + "line") is not None:
            line_found = True
            out["line"] = _twips(spacing.get(W + "line"))
            out["rule"] = spacing.get(W + "lineRule", "auto")
    out["before"] = out["before"] or 0.0
    out["after"] = out["after"] or 0.0
    return out


def _on_attr(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "on")


def _indents(ordered: list[etree._Element]) -> tuple[float, float, float]:
    left = right = first = None
    for ppr in ordered:
        ind = ppr.find(W + "ind")
        if ind is None:
            continue
        if left is None:
            left = _twips(ind.get(W + "left") or ind.get(W + "start"))
        if right is None:
            right = _twips(ind.get(W + "right") or ind.get(W + "end"))
        if first is None:
            hanging = _twips(ind.get(W + "hanging"))
            first_line = _twips(ind.get(W + "firstLine"))
            if hanging is not None:
                first = -hanging
            elif first_line is not None:
                first = first_line
    return left or 0.0, right or 0.0, first or 0.0


def _border(ordered: list[etree._Element], side: str) -> dict[str, str] | None:
    for ppr in ordered:
        borders = ppr.find(W + "pBdr")
        if borders is None or (edge := borders.find(W + side)) is None:
            continue
        if edge.get(W + "val", "none") in ("none", "nil"):
            return None
        return {etree.QName(k).localname: v for k, v in edge.attrib.items()}
    return None


def _numbering_reference(ordered: list[etree._Element]) -> tuple[str, int] | None:
    num_id = ilvl = None
    for ppr in ordered:
        num_pr = ppr.find(W + "numPr")
        if num_pr is None:
            continue
        if num_id is None and (el := num_pr.find(W + "numId")) is not None:
            num_id = el.get(W + "val")
        if ilvl is None and (el := num_pr.find(W + "ilvl")) is not None:
            ilvl = el.get(W + "val")
    if num_id in (None, "0"):
        return None
    try:
        return num_id, int(ilvl or 0)
    except ValueError:
        return num_id, 0


def _read_cell_margins(element: etree._Element | None, into: dict[str, float]) -> None:
    if element is None:
        return
    for side, names in (("left", ("left", "start")), ("right", ("right", "end"))):
        if side in into:
            continue
        for name in names:
            edge = element.find(W + name)
            if edge is not None and (value := _twips(edge.get(W + "w"))) is not None:
                into[side] = value
                break


class _Numbering:
    """Compute automatic list labels ("a)", "1.", "-") the way Word numbers paragraphs."""

    def __init__(self, root: etree._Element | None) -> None:
        self._abstract: dict[str, etree._Element] = {}
        self._nums: dict[str, tuple[str | None, dict[int, etree._Element]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for abstract in root.findall(W + "abstractNum"):
            self._abstract[abstract.get(W + "abstractNumId", "")] = abstract
        for num in root.findall(W + "num"):
            abstract_id = num.find(W + "abstractNumId")
            overrides = {}
            for override in num.findall(W + "lvlOverride"):
                level = override.find(W + "lvl")
                ilvl = override.get(W + "ilvl", "0")
                if level is not None and ilvl.isdigit():
                    overrides[int(ilvl)] = level
            self._nums[num.get(W + "numId", "")] = (
                abstract_id.get(W + "val") if abstract_id is not None else None,
                overrides,
            )

    def _level(self, num_id: str, ilvl: int) -> etree._Element | None:
        if num_id not in self._nums:
            return None
        abstract_id, overrides = self._nums[num_id]
        if ilvl in overrides:
            return overrides[ilvl]
        abstract = self._abstract.get(abstract_id or "")
        if abstract is None:
            return None
        for level in abstract.findall(W + "lvl"):
            if level.get(W + "ilvl") == str(ilvl):
                return level
        return None

    def level_ppr(self, num_id: str, ilvl: int) -> etree._Element | None:
        level = self._level(num_id, ilvl)
        return level.find(W + "pPr") if level is not None else None

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Return the label of the next paragraph of this list level, advancing the counters."""
        counters = self._counters.setdefault(num_id, {})
        level = self._level(num_id, ilvl)
        if level is None:
            return ""
        counters[ilvl] = counters.get(ilvl, self._start(level) - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text_el = level.find(W + "lvlText")
        text = text_el.get(W + "val", "") if text_el is not None else ""

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            other = self._level(num_id, index)
            value = counters.get(index, self._start(other) if other is not None else 1)
            return _format_number(value, _num_format(other))

        label = re.sub(r"%([1-9])", number, text)
        if _num_format(level) == "none":
            label = ""
        suffix_el = level.find(W + "suff")
        suffix = suffix_el.get(W + "val", "tab") if suffix_el is not None else "tab"
        return label + {"tab": "\t", "space": " "}.get(suffix, "") if label else ""

    @staticmethod
    def _start(level: etree._Element | None) -> int:
        return _int_val(level.find(W + "start") if level is not None else None, 1)


def _num_format(level: etree._Element | None) -> str:
    fmt = level.find(W + "numFmt") if level is not None else None
    return fmt.get(W + "val", "decimal") if fmt is not None else "decimal"


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        n = value
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = vn.roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


# ---------------------------------------------------------------------------------------------
# The document as paragraphs with resolved formatting


@dataclass(frozen=True)
class _Run:
    raw: str
    format: _RunFormat

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
class _Para:
    element: etree._Element
    story: str
    order: int
    cell: _Cell | None
    table_style: str | None
    format: _ParaFormat
    runs: list[_Run]
    label: str
    mark: _RunFormat

    @property
    def text(self) -> str:
        return self.label + "".join(run.text for run in self.runs)

    @property
    def norm(self) -> str:
        return _norm(self.text)

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

    @property
    def main_size(self) -> float:
        weights: Counter[float] = Counter()
        for run in self.visible_runs:
            weights[run.format.size] += len(run.raw)
        return weights.most_common(1)[0][0] if weights else self.mark.size

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
class _Doc:
    sheet: _StyleSheet
    section: _Section
    body: list[_Para]
    headers: dict[str, list[_Para]]
    other_stories: list[_Para]
    theme_fonts: dict[str, str]
    theme_colors: dict[str, str]
    even_and_odd_headers: bool


class _Reader:
    """Turn one story (body, header, footnotes) into _Para objects in reading order."""

    def __init__(self, sheet: _StyleSheet, section: _Section) -> None:
        self.sheet = sheet
        self.section = section
        self._tables = 0

    def read(self, root: etree._Element, story: str) -> list[_Para]:
        paras: list[_Para] = []
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
        grid = [_twips(col.get(W + "w")) or 0.0 for col in table.findall(f"{W}tblGrid/{W}gridCol")]
        margins: dict[str, float] = {}
        _read_cell_margins(props.find(W + "tblCellMar") if props is not None else None, margins)
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
                _read_cell_margins(tc_props.find(W + "tcMar") if tc_props is not None else None, cell_margins)
                left = cell_margins.get("left", margins.get("left", _DEFAULT_CELL_MARGIN))
                right = cell_margins.get("right", margins.get("right", _DEFAULT_CELL_MARGIN))
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

    def _para(self, element: etree._Element, story: str, order: int, cell: _Cell | None, table_style: str | None) -> _Para:
        ppr = element.find(W + "pPr")
        fmt = self.sheet.para_format(ppr, table_style)
        runs = []
        for run in _own_runs(element):
            run_format = self.sheet.run_format(run.find(W + "rPr"), fmt.style_id, table_style)
            text = _run_text(run)
            if text and not run_format.hidden:
                runs.append(_Run(text, run_format))
        label = self.sheet.numbering.next_label(*fmt.num) if fmt.num else ""
        mark_rpr = ppr.find(W + "rPr") if ppr is not None else None
        mark = self.sheet.run_format(mark_rpr, fmt.style_id, table_style)
        return _Para(element, story, order, cell, table_style, fmt, runs, label, mark)


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
        return _twips(indent.get(W + "w")) or 0.0
    return 0.0


def _int_val(element: etree._Element | None, default: int) -> int:
    """Return the w:val of element as a whole number, or default when absent or not a number."""
    try:
        return int(element.get(W + "val", str(default))) if element is not None else default
    except ValueError:
        return default


def _grid_before(row: etree._Element) -> int:
    return _int_val(row.find(f"{W}trPr/{W}gridBefore"), 0)


def _grid_span(tc_props: etree._Element | None) -> int:
    return max(_int_val(tc_props.find(W + "gridSpan") if tc_props is not None else None, 1), 1)


def _cell_width(tc_props: etree._Element | None, grid: list[float], start: int, span: int) -> float:
    width_el = tc_props.find(W + "tcW") if tc_props is not None else None
    if width_el is not None and width_el.get(W + "type", "dxa") == "dxa":
        width = _twips(width_el.get(W + "w"))
        if width:
            return width
    return sum(grid[start : start + span])


_SKIPPED_CONTAINERS = {W + "del", W + "moveFrom", MC + "Fallback", W + "txbxContent", W + "p"}


def _own_runs(paragraph: etree._Element) -> Iterator[etree._Element]:
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


def _read(document) -> _Doc:
    """Return the document's stories as resolved paragraphs, with its first section's page setup."""
    part = document.part
    root = document.element
    body = root.find(W + "body")
    body = body if body is not None else etree.Element(W + "body")
    section = _read_section(next(body.iter(W + "sectPr"), None))
    numbering = _Numbering(_related_root(part, RT.NUMBERING))
    sheet = _StyleSheet(_related_root(part, RT.STYLES), numbering)
    reader = _Reader(sheet, section)
    body_paras = reader.read(body, "body")
    headers = {}
    for kind, rel_id in section.header_ids.items():
        header_root = _root_of(part.related_parts.get(rel_id))
        if header_root is not None:
            headers[kind] = reader.read(header_root, "header")
    others = []
    for reltype, tag in ((RT.FOOTNOTES, "footnote"), (RT.ENDNOTES, "endnote")):
        notes = _related_root(part, reltype)
        if notes is not None:
            for note in notes.findall(W + tag):
                if note.get(W + "type") in (None, "normal"):
                    others.extend(reader.read(note, tag))
    for footer_id in section.footer_ids:
        footer_root = _root_of(part.related_parts.get(footer_id))
        if footer_root is not None:
            others.extend(reader.read(footer_root, "footer"))
    settings = _related_root(part, RT.SETTINGS)
    even_odd = settings is not None and _on(settings.find(W + "evenAndOddHeaders"))
    theme = _related_root(part, RT.THEME)
    return _Doc(sheet, section, body_paras, headers, others, _theme_fonts(theme), _theme_colors(theme), even_odd)


def _related_root(part, reltype: str) -> etree._Element | None:
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return _root_of(rel.target_part)
    return None


def _root_of(target) -> etree._Element | None:
    if target is None:
        return None
    element = getattr(target, "element", None)
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
        section.page_width = _twips(size.get(W + "w"))
        section.page_height = _twips(size.get(W + "h"))
        section.orient = size.get(W + "orient")
    margins = sect.find(W + "pgMar")
    if margins is not None:
        for side in ("top", "bottom", "left", "right"):
            value = _twips(margins.get(W + side))
            setattr(section, side, abs(value) if value is not None else None)
        section.gutter = _twips(margins.get(W + "gutter")) or 0.0
    section.title_page = _on(sect.find(W + "titlePg"))
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


_THEME_COLOR_SLOTS = {
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


# ---------------------------------------------------------------------------------------------
# Locating the parts of a notice


@dataclass
class _Notice:
    doc: _Doc
    symbol_abbrev: str | None
    national: _Para | None = None
    motto: _Para | None = None
    parent_lines: list[_Para] = field(default_factory=list)
    issuer: list[_Para] = field(default_factory=list)
    number: _Para | None = None
    date: _Para | None = None
    title: _Para | None = None
    summary: list[_Para] = field(default_factory=list)
    body: list[_Para] = field(default_factory=list)
    recipients_head: _Para | None = None
    recipients: list[tuple[str, _Para]] = field(default_factory=list)
    authority: list[tuple[str, _Para]] = field(default_factory=list)
    signer: _Para | None = None

    @property
    def header_block(self) -> list[_Para]:
        return [p for p in (self.national, self.motto) if p is not None]


def _locate(doc: _Doc, symbol_abbrev: str | None) -> _Notice:
    notice = _Notice(doc, symbol_abbrev)
    paras = doc.body
    notice.title = next((p for p in paras if _fold(p.text) == "THONGBAO"), None)
    head_end = notice.title.order if notice.title else len(paras)
    head = paras[:head_end]
    notice.national = next((p for p in head if _fold(p.text) == _fold(NATIONAL_NAME)), None)
    notice.motto = _find_motto(head, notice.national)
    notice.number = next((p for p in head if re.match(r"^Số\s*:", p.norm)), None)
    notice.date = next(
        (p for p in head if re.search(r",\s*ngày\b.*\btháng\b.*\bnăm\b", p.norm) and p is not notice.number),
        None,
    )
    _locate_issuer(notice, head)
    _locate_summary_and_body(notice, paras)
    return notice


def _find_motto(head: list[_Para], national: _Para | None) -> _Para | None:
    candidates = [p for p in head if _fold(p.text) == "DOCLAPTUDOHANHPHUC"]
    if national is not None:
        after = [p for p in candidates if p.order > national.order]
        if after:
            return after[0]
    return candidates[0] if candidates else None


def _locate_issuer(notice: _Notice, head: list[_Para]) -> None:
    taken = {id(p) for p in (notice.national, notice.motto, notice.number, notice.date) if p is not None}
    national = notice.national
    if national is not None and national.cell is not None:
        cell = national.cell
        same_row = [p for p in head if p.cell and (p.cell.table, p.cell.row) == (cell.table, cell.row)]
        other_col = [p for p in same_row if p.cell is not None and p.cell.col != cell.col]
        left_col = min((p.cell.col for p in other_col if p.cell is not None), default=None)
        lines = [p for p in other_col if p.cell is not None and p.cell.col == left_col]
    else:
        stop = notice.number.order if notice.number else (national.order if national else len(head))
        lines = head[:stop]
    issuer: list[_Para] = []
    for para in lines:
        if notice.number is not None and para is notice.number:
            break
        if id(para) in taken or para.empty:
            continue
        issuer.append(para)
    # A parent body line sits above the issuing body and is not bold; a bold line that starts with
    # a common abbreviation ("UBND TỈNH …") is still a parent line, set bold by mistake.
    # When no line is bold there is no bold issuing body to set a parent line apart from.
    any_bold = any(para.all_runs("bold") for para in issuer)
    parents = []
    for para in issuer[:-1]:
        if (any_bold and not para.all_runs("bold")) or re.match(r"^(UBND|HĐND|MTTQ|TAND|VKSND)\b", para.norm):
            parents.append(para)
        else:
            break
    notice.parent_lines = parents
    notice.issuer = issuer[len(parents) :]


def _locate_summary_and_body(notice: _Notice, paras: list[_Para]) -> None:
    if notice.title is not None:
        index = notice.title.order + 1
    else:
        # Without a title the body starts after the last header part that was found.
        found = [p.order for p in (notice.national, notice.motto, notice.number, notice.date, *notice.issuer) if p]
        index = max(found, default=-1) + 1
    summary: list[_Para] = []
    while notice.title is not None and index < len(paras):
        para = paras[index]
        if para.empty or para.cell is not None or _starts_body(para) or len(summary) >= 6:
            break
        # A summary spread over several paragraphs keeps one look; a change of alignment or
        # weight means the body has begun even when no blank line or drawn line separates them.
        if summary and (para.format.jc, para.all_runs("bold")) != (
            summary[0].format.jc,
            summary[0].all_runs("bold"),
        ):
            break
        summary.append(para)
        index += 1
    notice.summary = summary
    notice.recipients_head = next((p for p in paras[index:] if _fold(p.text).startswith("NOINHAN")), None)
    closing = _closing_start(notice, paras, index)
    notice.body = [p for p in paras[index:closing] if p.cell is None and not p.empty]
    _locate_signature(notice, paras, closing)


def _starts_body(para: _Para) -> bool:
    indented = para.format.jc in ("both", "distribute") and para.format.first_line > 0
    return indented or bool(_ITEM_LABEL.match(para.norm)) or para.norm[:1] in ("-", "–", "+", "•")


def _closing_start(notice: _Notice, paras: list[_Para], start: int) -> int:
    head = notice.recipients_head
    if head is not None:
        if head.cell is None:
            return head.order
        return next(p.order for p in paras if p.cell is not None and p.cell.table == head.cell.table)
    for para in paras[start:]:
        if _AUTHORITY_LINE.match(para.norm):
            if para.cell is None:
                return para.order
            return next(p.order for p in paras if p.cell is not None and p.cell.table == para.cell.table)
    return len(paras)


def _locate_signature(notice: _Notice, paras: list[_Para], closing: int) -> None:
    head = notice.recipients_head
    block: list[_Para] = []
    if head is not None and head.cell is not None:
        row = [p for p in paras if p.cell and (p.cell.table, p.cell.row) == (head.cell.table, head.cell.row)]
        in_cell = [p for p in row if p.cell == head.cell]
        after_head = [p for p in in_cell if p.order > head.order]
        notice.recipients = _lines(after_head)
        other_cols = sorted({p.cell.col for p in row if p.cell and p.cell.col != head.cell.col and not p.empty})
        if other_cols:
            block = [p for p in row if p.cell is not None and p.cell.col == other_cols[-1]]
    if not block:
        start = next((p.order for p in paras[closing:] if _AUTHORITY_LINE.match(p.norm)), None)
        if start is not None:
            first = paras[start]
            if first.cell is not None:
                block = [p for p in paras if p.cell == first.cell]
            else:
                block = paras[start:]
        if head is not None and head.cell is None:
            end = start if start is not None else len(paras)
            notice.recipients = _lines([p for p in paras[head.order + 1 : end] if p.cell is None])
    _split_signature(notice, block)


def _lines(paras: list[_Para]) -> list[tuple[str, _Para]]:
    """Return the non-empty visual lines of paragraphs (a line break inside a paragraph splits it)."""
    out = []
    for para in paras:
        for piece in para.text.split("\n"):
            if _norm(piece):
                out.append((_norm(piece), para))
    return out


def _split_signature(notice: _Notice, block: list[_Para]) -> None:
    """Split the signature cell into authority lines (caps, before the blank space) and the name."""
    authority: list[tuple[str, _Para]] = []
    index = 0
    while index < len(block):
        para = block[index]
        if para.empty or para.norm.startswith("(") or not _is_upper(para.norm):
            break
        authority.extend(_lines([para]))
        index += 1
    rest = [p for p in block[index:] if not p.empty and not p.norm.startswith("(")]
    if rest:
        notice.signer = rest[-1]
    elif len(authority) >= 2:
        notice.signer = authority.pop()[1]
    notice.authority = authority


# ---------------------------------------------------------------------------------------------
# Geometry: text widths, vertical bands, horizontal lines


def _container_width(doc: _Doc, para: _Para) -> float:
    return para.cell.text_width if para.cell is not None else doc.section.text_width


def _char_widths(para: _Para) -> list[tuple[str, float]]:
    """Return each shown character with its advance in mm, from its run's size, weight and spacing."""
    out = []
    for run in para.runs:
        size = run.format.size
        for char in run.text:
            if char == "\n":
                out.append((char, 0.0))
                continue
            width = char_width_em(char, bold=run.format.bold) * size * MM_PER_PT
            out.append((char, width + run.format.spacing_pt * MM_PER_PT))
    return out


def _wrapped_widths(para: _Para, available_mm: float) -> list[float]:
    """Return the width of each line Word would set, breaking at spaces (greedy, like Word)."""
    lines: list[float] = []
    for piece in _split_chars(_char_widths(para), "\n"):
        words = _split_words(piece)
        current = 0.0
        pending_space = 0.0
        started = False
        for word_width, space_width in words:
            if started and current + pending_space + word_width > available_mm + 1e-6:
                lines.append(current)
                current, pending_space = word_width, space_width
                continue
            current += (pending_space if started else 0.0) + word_width
            pending_space = space_width
            started = True
        lines.append(current)
    return lines or [0.0]


def _split_chars(chars: list[tuple[str, float]], separator: str) -> list[list[tuple[str, float]]]:
    pieces: list[list[tuple[str, float]]] = [[]]
    for char, width in chars:
        if char == separator:
            pieces.append([])
        else:
            pieces[-1].append((char, width))
    return pieces


def _split_words(chars: list[tuple[str, float]]) -> list[tuple[float, float]]:
    """Return (word width, width of the spaces after it) pairs; leading spaces count as a word."""
    words: list[tuple[float, float]] = []
    word = space = 0.0
    in_space = False
    for char, width in chars:
        if char in " \t\u00a0" and char != "\u00a0":
            in_space = True
            space += width
        else:
            if in_space:
                words.append((word, space))
                word = space = 0.0
                in_space = False
            word += width
    words.append((word, space))
    return words


def _available_mm(doc: _Doc, para: _Para) -> float:
    width = _container_width(doc, para) - para.format.left - para.format.right
    return max(width, 1.0) / TWIPS_PER_MM


def _widest_line_mm(doc: _Doc, paras: list[_Para]) -> float:
    return max((max(_wrapped_widths(p, _available_mm(doc, p))) for p in paras), default=0.0)


def _text_centre_mm(doc: _Doc, para: _Para, width_mm: float) -> float:
    """Return where the middle of the paragraph's text falls, from the container's text-area left."""
    container = _container_width(doc, para) / TWIPS_PER_MM
    left = para.format.left / TWIPS_PER_MM
    right = para.format.right / TWIPS_PER_MM
    if para.format.jc == "center":
        return (left + container - right) / 2
    if para.format.jc == "right":
        return container - right - width_mm / 2
    return left + width_mm / 2


@dataclass(frozen=True)
class _Band:
    top: float
    text_top: float
    text_bottom: float


def _bands(doc: _Doc, para: _Para) -> dict[int, _Band]:
    """Return the vertical band of every paragraph sharing para's container, in mm from its top."""
    story = doc.body if para.story == "body" else [para]
    siblings = [p for p in story if p.cell == para.cell]
    bands: dict[int, _Band] = {}
    y = 0.0
    for sibling in siblings:
        before = sibling.format.before / TWIPS_PER_MM
        after = sibling.format.after / TWIPS_PER_MM
        count = len(_wrapped_widths(sibling, _available_mm(doc, sibling))) if not sibling.empty else 1
        height = count * _line_height_mm(sibling)
        bands[id(sibling)] = _Band(y, y + before, y + before + height)
        y += before + height + after
    return bands


def _line_height_mm(para: _Para) -> float:
    size = max(para.sizes) if not para.empty else para.mark.size
    natural = size * _LINE_HEIGHT_EM * MM_PER_PT
    line = para.format.line
    if line is None:
        return natural
    if para.format.line_rule == "exact":
        return line / 20 * MM_PER_PT
    if para.format.line_rule == "atLeast":
        return max(natural, line / 20 * MM_PER_PT)
    return natural * line / 240


@dataclass(frozen=True)
class _HLine:
    """A horizontal line found under some text, measured in mm in its container's coordinates."""

    kind: str
    length: float
    centre: float | None
    y: float | None
    para: _Para


@dataclass(frozen=True)
class _Shape:
    length: float
    x_ref: str
    x_offset: float | None
    x_align: str | None
    y_ref: str | None
    y_offset: float | None


def _shapes(para: _Para) -> list[_Shape]:
    """Return the straight horizontal line shapes anchored in a paragraph (DrawingML, else VML)."""
    shapes: list[_Shape] = []
    for drawing in para.element.iter(W + "drawing"):
        if _inside(drawing, para.element, MC + "Fallback"):
            continue
        for frame in drawing:
            shape = _drawingml_line(frame)
            if shape is not None:
                shapes.append(shape)
    for pict in para.element.iter(W + "pict"):
        if _inside(pict, para.element, MC + "Fallback"):
            continue
        for element in pict.iter(V + "line", V + "shape"):
            shape = _vml_line(element)
            if shape is not None:
                shapes.append(shape)
    return shapes


def _inside(element: etree._Element, stop: etree._Element, tag: str) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _drawingml_line(frame: etree._Element) -> _Shape | None:
    if frame.tag not in (WP + "anchor", WP + "inline"):
        return None
    extent = frame.find(WP + "extent")
    if extent is None or next(frame.iter(WPS + "wsp"), None) is None:
        return None
    length = _emu_to_mm(extent.get("cx"))
    height = _emu_to_mm(extent.get("cy")) or 0.0
    geometry = next(frame.iter(A + "prstGeom"), None)
    preset = geometry.get("prst", "") if geometry is not None else ""
    xfrm = next(frame.iter(A + "xfrm"), None)
    rotation = int(xfrm.get("rot", "0")) % 10800000 if xfrm is not None and xfrm.get("rot", "0").lstrip("-").isdigit() else 0
    is_line = "line" in preset.lower() or "connector" in preset.lower() or height < 0.3
    if not length or not is_line or height > 1.0 or rotation not in (0,):
        return None
    if frame.tag == WP + "inline":
        return _Shape(length, "inline", None, None, "inline", None)
    h_ref, h_offset, h_align = _position(frame.find(WP + "positionH"))
    v_ref, v_offset, _ = _position(frame.find(WP + "positionV"))
    return _Shape(length, h_ref or "column", h_offset, h_align, v_ref, v_offset)


def _position(element: etree._Element | None) -> tuple[str | None, float | None, str | None]:
    if element is None:
        return None, None, None
    offset = element.find(WP + "posOffset")
    align = element.find(WP + "align")
    return (
        element.get("relativeFrom"),
        _emu_to_mm(offset.text) if offset is not None else None,
        align.text if align is not None else None,
    )


_VML_REFS = {"text": "column", "margin": "margin", "page": "page", "char": "character", "line": "line"}


def _vml_line(element: etree._Element) -> _Shape | None:
    """Return a VML v:line, or a straight-connector v:shape, lying flat; None for anything else."""
    style = _css(element.get("style"))
    h_ref = _VML_REFS.get(style.get("mso-position-horizontal-relative", "text"), "other")
    v_ref = {"text": "paragraph", "line": "line"}.get(style.get("mso-position-vertical-relative", "text"))
    h_align = style.get("mso-position-horizontal")
    h_align = h_align if h_align in ("center", "left", "right") else None
    shift_x = _vml_length_mm(style.get("margin-left")) or _vml_length_mm(style.get("left")) or 0.0
    shift_y = _vml_length_mm(style.get("margin-top")) or _vml_length_mm(style.get("top")) or 0.0
    if element.tag == V + "line":
        start, end = _vml_point(element.get("from")), _vml_point(element.get("to"))
        if start is None or end is None or abs(end[1] - start[1]) > 1.0 or abs(end[0] - start[0]) < 1.0:
            return None
        left = min(start[0], end[0]) + shift_x
        return _Shape(abs(end[0] - start[0]), h_ref, left, h_align, v_ref, start[1] + shift_y)
    connector = "t32" in element.get("type", "") or element.get(O + "connectortype") == "straight"
    width = _vml_length_mm(style.get("width"))
    height = _vml_length_mm(style.get("height")) or 0.0
    if not connector or not width or height > 1.0:
        return None
    return _Shape(width, h_ref, shift_x, h_align, v_ref, shift_y)


def _vml_point(value: str | None) -> tuple[float, float] | None:
    parts = [_vml_length_mm(v) for v in (value or "0,0").split(",")]
    if len(parts) != 2 or parts[0] is None or parts[1] is None:
        return None
    return parts[0], parts[1]


def _frame(doc: _Doc, para: _Para, ref: str) -> tuple[float, float] | None:
    """Return (left, width) in mm of a positioning frame, in the paragraph container's coordinates."""
    cell_offset = (para.cell.offset if para.cell else 0.0) / TWIPS_PER_MM
    page_left = (doc.section.left or 0.0) / TWIPS_PER_MM
    page_width = (doc.section.page_width or 11906) / TWIPS_PER_MM
    if ref == "column":
        return 0.0, _container_width(doc, para) / TWIPS_PER_MM
    if ref == "margin":
        return -cell_offset, doc.section.text_width / TWIPS_PER_MM
    if ref == "page":
        return -cell_offset - page_left, page_width
    if ref == "leftMargin":
        return -cell_offset - page_left, page_left
    return None


def _shape_line(doc: _Doc, para: _Para, shape: _Shape, bands: dict[int, _Band]) -> _HLine:
    band = bands.get(id(para))
    if shape.x_ref == "inline":
        return _HLine("hình vẽ", shape.length, _text_centre_mm(doc, para, shape.length), band and band.text_top, para)
    centre = None
    frame = _frame(doc, para, shape.x_ref)
    if frame is not None:
        left, width = frame
        # An alignment (DrawingML wp:align, VML mso-position-horizontal) overrides any offset.
        if shape.x_align == "center":
            centre = left + width / 2
        elif shape.x_align == "left":
            centre = left + shape.length / 2
        elif shape.x_align == "right":
            centre = left + width - shape.length / 2
        elif shape.x_offset is not None:
            centre = left + shape.x_offset + shape.length / 2
    y = None
    if band is not None and shape.y_offset is not None:
        if shape.y_ref == "paragraph":
            y = band.top + shape.y_offset
        elif shape.y_ref == "line":
            y = band.text_top + shape.y_offset
    return _HLine("hình vẽ", shape.length, centre, y, para)


def _border_line(doc: _Doc, para: _Para, side: str, bands: dict[int, _Band]) -> _HLine:
    container = _container_width(doc, para) / TWIPS_PER_MM
    left = para.format.left / TWIPS_PER_MM
    right = para.format.right / TWIPS_PER_MM
    band = bands.get(id(para))
    border = para.format.bottom_border if side == "bottom" else para.format.top_border
    space = (_twips((border or {}).get("space")) or 0.0) * MM_PER_PT
    y = None
    if band is not None:
        y = band.text_bottom + space if side == "bottom" else band.text_top - space
    return _HLine("viền đoạn", container - left - right, (left + container - right) / 2, y, para)


def _line_under(doc: _Doc, block: list[_Para]) -> _HLine | None:
    """Return the horizontal line drawn under a block of text, or None when there is none."""
    if not block:
        return None
    last = block[-1]
    story = doc.body
    siblings = [p for p in story if p.cell == last.cell and p.order > last.order]
    following: list[_Para] = []
    for para in siblings[:3]:
        following.append(para)
        if not para.empty:
            break
    bands = _bands(doc, last)
    last_band = bands[id(last)]
    for para in [*block, *following]:
        candidates = [_shape_line(doc, para, shape, bands) for shape in _shapes(para)]
        if para is last and para.format.bottom_border:
            candidates.append(_border_line(doc, para, "bottom", bands))
        if para in following and para.empty:
            for side in ("top", "bottom"):
                if (para.format.top_border if side == "top" else para.format.bottom_border) is not None:
                    candidates.append(_border_line(doc, para, side, bands))
        for line in candidates:
            if line.y is None or line.y >= last_band.text_top:
                return line
    return None


@dataclass(frozen=True)
class _LineCheck:
    """What was found about the line under a block of text, split by the rules that judge it."""

    length: list[str]  # missing, or too short or long: rules 5, 10 and 26
    placement: list[str]  # off-centre or touching the text: rule 26 only
    found: str


def _check_line(doc: _Doc, block: list[_Para], *, own_length: bool) -> _LineCheck:
    """Check the line under block: its own width (the motto) or 1/3-1/2 of it, centred, below it."""
    if own_length:
        width = sum(w for _, w in _char_widths(block[0]))
        low, high = width * (1 - _MOTTO_LINE_TOLERANCE), width * (1 + _MOTTO_LINE_TOLERANCE)
    else:
        width = _widest_line_mm(doc, block)
        low, high = width / 3 - _RATIO_SLACK_MM, width / 2 + _RATIO_SLACK_MM
    line = _line_under(doc, block)
    if line is None:
        return _LineCheck(["không có đường kẻ"], [], "không có đường kẻ")
    last = block[-1]
    found = f"{line.kind} dài {_num(line.length)} mm (chữ rộng {_num(width)} mm)"
    length = [] if low <= line.length <= high else [f"{found}, cần {_num(low)}–{_num(high)} mm"]
    placement = []
    if line.centre is not None:
        shift = line.centre - _text_centre_mm(doc, last, width)
        found += f", lệch tâm {_num(abs(shift))} mm"
        if abs(shift) > _CENTRE_TOLERANCE_MM:
            side = "trái" if shift < 0 else "phải"
            placement.append(f"lệch sang {side} {_num(abs(shift))} mm so với giữa dòng chữ (cho phép {_num(_CENTRE_TOLERANCE_MM)} mm)")
    if line.y is not None:
        gap = line.y - _bands(doc, last)[id(last)].text_bottom
        found += f", cách chân chữ {_num(gap)} mm"
        if gap < 0:
            placement.append(f"chạm vào chữ phía trên (nằm trên đáy dòng chữ {_num(-gap)} mm)")
    return _LineCheck(length, placement, found)


# ---------------------------------------------------------------------------------------------
# Formatting checks shared by the rules


def _check_bold(para: _Para, want: bool) -> str | None:
    runs = para.visible_runs
    bold = [run for run in runs if run.format.bold]
    if want and len(bold) < len(runs):
        return "không in đậm" if not bold else "chỉ in đậm một phần"
    if not want and bold:
        return "in đậm, cần không đậm"
    return None


def _check_italic(para: _Para, want: bool) -> str | None:
    runs = para.visible_runs
    italic = [run for run in runs if run.format.italic]
    if want and len(italic) < len(runs):
        plain = [run for run in runs if not run.format.italic]
        if italic:
            return "phần " + ", ".join(_quote(run.text, 20) for run in plain[:3]) + " không in nghiêng"
        return "không in nghiêng"
    if not want and italic:
        return "in nghiêng, cần chữ đứng"
    return None


def _check_sizes(para: _Para, allowed: tuple[float, ...]) -> str | None:
    bad = sorted(s for s in para.sizes if s not in allowed)
    if bad:
        return f"cỡ {_pts(para.sizes)} pt, cần {_allowed(allowed)} pt"
    return None


def _allowed(sizes: tuple[float, ...]) -> str:
    if len(sizes) == 2 and sizes[1] - sizes[0] == 1:
        return f"{_pt(sizes[0])}–{_pt(sizes[1])}"
    return " hoặc ".join(_pt(s) for s in sizes)


def _check_centred(para: _Para) -> str | None:
    if para.format.jc == "center" or para.format.frame_x_align == "center":
        return None
    names = {"left": "căn trái", "right": "căn phải", "both": "căn đều hai bên", "distribute": "dàn đều"}
    return f"{names.get(para.format.jc, para.format.jc)}, cần căn giữa"


def _check_upper(text: str) -> str | None:
    return None if _is_upper(text) else "không viết hoa toàn bộ"


def _checks(para: _Para, *problems: str | None, text: str | None = None) -> list[tuple[str, str]]:
    """Return one finding for a paragraph (or one visual line of it): where, and what is wrong."""
    found = [p for p in problems if p]
    return [(_quote(text if text is not None else para.text), " và ".join(found))] if found else []


def _findings(pairs: list[tuple[str, str]]) -> list[str]:
    """Return findings as text; the same problem on three or more lines is told once with a count."""
    places: dict[str, list[str]] = {}
    for where, problem in pairs:
        places.setdefault(problem, []).append(where)
    out = []
    for problem, wheres in places.items():
        if len(wheres) >= 3:
            out.append(f"{len(wheres)} dòng {problem} (ví dụ {wheres[0]}, {wheres[1]})")
        else:
            out.extend(f"{where}: {problem}" for where in wheres)
    return out


def _describe(para: _Para) -> str:
    bold = "đậm" if para.all_runs("bold") else ("không đậm" if not para.any_run("bold") else "đậm một phần")
    italic = "nghiêng" if para.all_runs("italic") else ("đứng" if not para.any_run("italic") else "nghiêng một phần")
    align = {"center": "căn giữa", "both": "căn đều", "left": "căn trái", "right": "căn phải"}.get(para.format.jc, para.format.jc)
    return f"{bold}, {italic}, cỡ {_pts(para.sizes)} pt, {align}"


def _result(problems: list[str], found: str) -> tuple[str, str]:
    if problems:
        return STATUS_FAIL, "; ".join(problems)
    return STATUS_PASS, found


def _missing(what: str) -> tuple[str, str]:
    return STATUS_FAIL, f"không tìm thấy {what}"


# ---------------------------------------------------------------------------------------------
# The rules (numbers as in nd30.md)


def _rule_01_a4_portrait(n: _Notice) -> tuple[str, str]:
    section = n.doc.section
    width, height = section.page_width, section.page_height
    if width is None or height is None:
        return _missing("khổ giấy (w:pgSz)")
    found = f"{int(width)} × {int(height)} twip ({_mm(width)} × {_mm(height)} mm)"
    portrait = section.orient in (None, "portrait") and width < height
    short, long_ = sorted((width, height))
    is_a4 = abs(short - _A4[0]) <= _A4_TOLERANCE and abs(long_ - _A4[1]) <= _A4_TOLERANCE
    problems = []
    if not is_a4:
        problems.append(f"khổ {found}, cần A4 {_A4[0]} × {_A4[1]} twip (210 × 297 mm)")
    if not portrait:
        problems.append(f"trang nằm ngang ({found}), cần hướng dọc")
    return _result(problems, f"A4 dọc: {found}")


_MARGINS = (
    ("top", "lề trên", 1134, 1418, "20–25"),
    ("bottom", "lề dưới", 1134, 1418, "20–25"),
    ("left", "lề trái", 1701, 1985, "30–35"),
    ("right", "lề phải", 850, 1134, "15–20"),
)


def _rule_02_margins(n: _Notice) -> tuple[str, str]:
    section = n.doc.section
    problems, found = [], []
    for side, name, low, high, mm_range in _MARGINS:
        value = getattr(section, side)
        if value is None:
            problems.append(f"{name} không khai báo, cần {low}–{high} ({mm_range} mm)")
            continue
        if side == "left" and section.gutter:
            value += section.gutter
            name = "lề trái (kể cả gáy sách)"
        found.append(f"{name} {int(value)} twip ({_mm(value)} mm)")
        if not low <= value <= high:
            problems.append(f"{name} {int(value)} twip ({_mm(value)} mm), cần {low}–{high} ({mm_range} mm)")
    return _result(problems, "; ".join(found))


def _all_text_paras(doc: _Doc) -> list[_Para]:
    headers = list(doc.headers.get("default", []))
    if doc.section.title_page:
        headers += doc.headers.get("first", [])
    if doc.even_and_odd_headers:
        headers += doc.headers.get("even", [])
    return [*doc.body, *headers, *doc.other_stories]


def _font_name(doc: _Doc, value: str) -> str:
    if value.startswith("@"):
        theme = value[1:]
        actual = doc.theme_fonts.get(theme)
        return f"phông chủ đề {theme}" + (f" ({actual})" if actual else "")
    return f"«{value}»"


def _effective_colour(doc: _Doc, fmt: _RunFormat) -> str:
    """Return the colour Word paints a run with, as RRGGBB or "AUTO"."""
    base = doc.theme_colors.get(_THEME_COLOR_SLOTS.get(fmt.theme_color or "", fmt.theme_color or ""))
    if base is None or not re.fullmatch(r"[0-9A-F]{6}", base):
        return (fmt.color or "auto").upper()
    channels = [int(base[i : i + 2], 16) for i in (0, 2, 4)]
    if (shade := _hex_byte(fmt.theme_shade)) is not None:
        channels = [round(c * shade / 255) for c in channels]
    if (tint := _hex_byte(fmt.theme_tint)) is not None:
        channels = [round(255 - (255 - c) * tint / 255) for c in channels]
    return "".join(f"{c:02X}" for c in channels)


def _hex_byte(value: str | None) -> int | None:
    return int(value, 16) if value and re.fullmatch(r"[0-9A-Fa-f]{2}", value) else None


def _rule_03_font_colour_nfc(n: _Notice) -> tuple[str, str]:
    fonts: Counter[tuple[str, str]] = Counter()
    font_examples: dict[tuple[str, str], str] = {}
    colours: Counter[str] = Counter()
    not_nfc: list[str] = []
    total = 0
    for para in _all_text_paras(n.doc):
        for run in para.runs:
            if not run.visible:
                continue
            total += 1
            for slot, _ in _FONT_SLOTS:
                # Word falls back to Times New Roman when no level names a font.
                value = run.format.fonts.get(slot, TIMES)
                if value != TIMES:
                    fonts[(slot, value)] += 1
                    font_examples.setdefault((slot, value), run.text)
            colour = _effective_colour(n.doc, run.format)
            if colour not in ("AUTO", "000000"):
                colours[colour] += 1
            if unicodedata.normalize("NFC", run.raw) != run.raw:
                not_nfc.append(run.raw)
    problems = []
    for (slot, value), count in fonts.most_common():
        problems.append(
            f"vùng {slot} dùng {_font_name(n.doc, value)} ở {count} đoạn chạy, ví dụ {_quote(font_examples[(slot, value)], 30)}"
        )
    if fonts:
        problems.append("cần Times New Roman cho cả 4 vùng ascii, hAnsi, eastAsia, cs")
    for colour, count in colours.most_common():
        problems.append(f"màu chữ {colour} ở {count} đoạn chạy, cần đen (auto hoặc 000000)")
    if not_nfc:
        problems.append(f"{len(not_nfc)} đoạn chạy không ở dạng Unicode dựng sẵn (NFC), ví dụ {_quote(not_nfc[0], 30)}")
    return _result(problems, f"{total} đoạn chạy: Times New Roman, màu đen, Unicode NFC")


def _rule_04_national_name(n: _Notice) -> tuple[str, str]:
    para = n.national
    if para is None:
        return _missing(f"Quốc hiệu {_quote(NATIONAL_NAME)}")
    problems = _findings(_checks(para, _check_bold(para, True), _check_italic(para, False), _check_sizes(para, (12, 13))))
    return _result(problems, f"{_quote(para.text)}: {_describe(para)}")


def _rule_05_motto(n: _Notice) -> tuple[str, str]:
    para = n.motto
    if para is None:
        return _missing(f"Tiêu ngữ {_quote(MOTTO)}")
    problems = []
    if para.norm != MOTTO:
        if _fold(para.norm) == _fold(MOTTO) and re.sub(r"[–—]", "-", para.norm) == MOTTO:
            problems.append(f"{_quote(para.text)}: dùng dấu gạch ngang dài «–» thay cho dấu nối «-»")
        else:
            problems.append(f"{_quote(para.text)}: cần đúng {_quote(MOTTO)}")
    if n.national is not None and not _directly_after(n.doc, n.national, para):
        problems.append("Tiêu ngữ không nằm ngay dưới Quốc hiệu")
    problems += _findings(_checks(para, _check_bold(para, True), _check_sizes(para, (13, 14))))
    line = _check_line(n.doc, [para], own_length=True)
    problems += [f"đường kẻ dưới Tiêu ngữ: {p}" for p in line.length]
    return _result(problems, f"{_quote(para.text)}: {_describe(para)}; đường kẻ: {line.found}")


def _directly_after(doc: _Doc, first: _Para, second: _Para) -> bool:
    between = [p for p in doc.body if first.order < p.order < second.order and not p.empty]
    return not between and first.cell == second.cell


def _rule_06_issuer(n: _Notice) -> tuple[str, str]:
    if not n.issuer:
        return _missing("tên cơ quan ban hành")
    findings = []
    for para in n.issuer:
        findings += _checks(para, _check_upper(para.norm), _check_bold(para, True), _check_sizes(para, (12, 13)))
    for para in n.parent_lines:
        findings += _checks(para, _check_bold(para, False))
    problems = _findings(findings)
    names = " / ".join(p.norm for p in n.issuer)
    parent = (
        "dòng cơ quan chủ quản " + " / ".join(_quote(p.text) for p in n.parent_lines) + f" ({_describe(n.parent_lines[0])})"
        if n.parent_lines
        else "không có dòng cơ quan chủ quản"
    )
    return _result(problems, f"«{names}»: {_describe(n.issuer[-1])}; {parent}")


def _rule_07_number(n: _Notice) -> tuple[str, str]:
    para = n.number
    if para is None:
        return _missing("dòng «Số:»")
    text = para.norm
    problems = []
    match = _NUMBER_LINE.match(text)
    if match is None:
        problems.append(f"{_quote(text)}: không có dạng «Số: 05/TB-UBND»")
    else:
        number, symbol = match.group("num"), match.group("sym")
        if number and not re.fullmatch(r"0[1-9]|[1-9]\d+", number):
            problems.append(f"số «{number}» sai dạng, cần 01–09 có số 0 đứng trước, từ 10 trở đi viết thường")
        if number and not match.group("sp1"):
            problems.append("thiếu khoảng trắng sau «Số:»")
        if number and match.group("sp2"):
            problems.append("có khoảng trắng trước «/»")
        expected = f"TB-{n.symbol_abbrev}" if n.symbol_abbrev else None
        if expected is not None and symbol != expected:
            problems.append(f"ký hiệu «{symbol}», cần «{expected}»")
        elif expected is None and not re.fullmatch(r"TB-[A-ZĐ]+", symbol):
            problems.append(f"ký hiệu «{symbol}», cần «TB-» và chữ viết tắt tên cơ quan viết hoa, không có dấu cách")
    problems += _findings(
        _checks(
            para,
            _check_sizes(para, (13,)),
            _check_bold(para, False),
            _check_italic(para, False),
            _check_centred(para),
        )
    )
    draft = " (dự thảo, để trống số)" if match and not match.group("num") else ""
    return _result(problems, f"{_quote(text)}{draft}: {_describe(para)}")


def _date_match(n: _Notice) -> re.Match[str] | None:
    return _DATE_LINE.match(n.date.norm) if n.date is not None else None


def _rule_08_date_line(n: _Notice) -> tuple[str, str]:
    para = n.date
    if para is None:
        return _missing("dòng địa danh, ngày tháng năm")
    problems = []
    match = _date_match(n)
    blanks = []
    if match is None:
        problems.append(f"{_quote(para.text)}: không có dạng «<Địa danh>, ngày DD tháng M năm YYYY»")
    else:
        day, month = match.group("day"), match.group("month")
        if day is None:
            blanks.append("ngày")
        elif not 1 <= int(day) <= 31:
            problems.append(f"ngày «{day}» không hợp lệ")
        if month is None:
            blanks.append("tháng")
        elif not 1 <= int(month) <= 12:
            problems.append(f"tháng «{month}» không hợp lệ")
    problems += _findings(_checks(para, _check_italic(para, True), _check_bold(para, False), _check_sizes(para, (13, 14))))
    number = n.number
    same_row = (
        number is not None
        and number.cell is not None
        and para.cell is not None
        and (number.cell.table, number.cell.row) == (para.cell.table, para.cell.row)
    )
    if number is not None and not same_row:
        problems.append("không cùng hàng bảng với dòng «Số:»")
    draft = f" (dự thảo, để trống {' và '.join(blanks)})" if blanks else ""
    return _result(problems, f"{_quote(para.text)}{draft}: {_describe(para)}, cùng hàng với dòng «Số:»")


def _rule_09_leading_zeros(n: _Notice) -> tuple[str, str]:
    match = _date_match(n)
    if match is None:
        return _missing("ngày tháng đúng dạng để kiểm tra số 0 đứng trước")
    day, month = match.group("day"), match.group("month")
    if day is None and month is None:
        # A draft leaves both blank for the clerk: nothing can lack or carry a zero yet.
        return STATUS_PASS, "ngày và tháng đều để trống (dự thảo), chưa có số nào để xét số 0"
    problems, found = [], []
    if day is not None:
        want = f"{int(day):02d}"
        found.append(f"ngày «{day}»")
        if day != want:
            problems.append(f"ngày «{day}», cần «{want}»")
    if month is not None:
        want = f"{int(month):02d}" if int(month) <= 2 else str(int(month))
        found.append(f"tháng «{month}»")
        if month != want:
            rule = "tháng 1, 2 có số 0 đứng trước" if int(month) <= 2 else "tháng 3–12 không có số 0"
            problems.append(f"tháng «{month}», cần «{want}» ({rule})")
    return _result(problems, ", ".join(found) + " đúng quy định")


def _rule_10_title_summary(n: _Notice) -> tuple[str, str]:
    title = n.title
    if title is None:
        return _missing("tên loại «THÔNG BÁO»")
    findings = _checks(
        title,
        _check_upper(title.norm),
        _check_bold(title, True),
        _check_sizes(title, (13, 14)),
        _check_centred(title),
    )
    if not n.summary:
        return _result([*_findings(findings), "không tìm thấy trích yếu ngay dưới «THÔNG BÁO»"], "")
    for para in n.summary:
        findings += _checks(para, _check_bold(para, True), _check_sizes(para, (13, 14)), _check_centred(para))
    problems = _findings(findings)
    summary_text = " ".join(p.norm for p in n.summary)
    if _is_upper(summary_text):
        problems.append(f"trích yếu {_quote(summary_text)} viết hoa toàn bộ, cần chữ thường")
    line = _check_line(n.doc, n.summary, own_length=False)
    problems += [f"đường kẻ dưới trích yếu: {p}" for p in line.length]
    return _result(
        problems,
        f"«THÔNG BÁO»: {_describe(title)}; trích yếu: {_describe(n.summary[0])}; đường kẻ: {line.found}",
    )


def _body_text_paras(n: _Notice) -> list[_Para]:
    """Return body paragraphs that follow the body-text format (centred part/chapter heads excluded)."""
    return [p for p in n.body if not (p.format.jc == "center" and re.match(r"^(Phần|Chương|Mục|Tiểu mục)\s", p.norm))]


def _grouped(problems: dict[str, list[_Para]]) -> list[str]:
    out = []
    for problem, paras in problems.items():
        examples = ", ".join(_quote(p.text, 30) for p in paras[:2])
        out.append(f"{len(paras)} đoạn {problem} (ví dụ {examples})")
    return out


def _rule_11_body(n: _Notice) -> tuple[str, str]:
    paras = _body_text_paras(n)
    if not paras:
        return _missing("đoạn nội dung")
    problems: dict[str, list[_Para]] = {}
    for para in paras:
        for problem in _body_problems(para):
            problems.setdefault(problem, []).append(para)
    return _result(
        _grouped(problems),
        f"{len(paras)} đoạn nội dung: căn đều, thụt đầu dòng, cỡ 13–14, giãn dòng và cách đoạn đúng",
    )


_SIDES = {"left": "trái", "right": "phải", "center": "giữa"}


def _body_problems(para: _Para) -> list[str]:
    fmt = para.format
    out = []
    if fmt.jc != "both":
        out.append(f"căn {_SIDES.get(fmt.jc, fmt.jc)}, cần căn đều hai bên")
    if not any(abs(fmt.first_line - v) <= 20 for v in (567, 720)):
        out.append(f"thụt đầu dòng {int(fmt.first_line)} twip ({_mm(fmt.first_line)} mm), cần 567 hoặc 720 (±20)")
    if size_problem := _check_sizes(para, (13, 14)):
        out.append(size_problem)
    line, rule = fmt.line, fmt.line_rule
    if line is not None and rule == "auto" and not 240 <= line <= 360:
        out.append(f"giãn dòng {_num(line / 240, 2)} dòng, cần 1–1,5 dòng")
    if line is not None and rule in ("exact", "atLeast") and line < max(para.sizes) * 20:
        out.append(f"giãn dòng cố định {_pt(line / 20)} pt, nhỏ hơn cỡ chữ")
    spacing = 0.0 if fmt.contextual else fmt.before + fmt.after
    if spacing < 120:
        detail = " (bỏ qua vì contextualSpacing)" if fmt.contextual and fmt.before + fmt.after >= 120 else ""
        out.append(f"cách đoạn trước + sau {_pt(spacing / 20)} pt{detail}, cần ≥ 6 pt")
    return out


def _rule_12_point_letters(n: _Notice) -> tuple[str, str]:
    problems = []
    groups: list[list[str]] = []
    expected_index = 0
    for para in n.body:
        text = para.text.lstrip()
        if _ITEM_LABEL.match(text):
            expected_index = 0
            continue
        match = _POINT_LABEL.match(text)
        if match is None:
            continue
        letter = match.group(1)
        if expected_index == 0:
            groups.append([])
        groups[-1].append(letter)
        want = POINT_LETTERS[expected_index] if expected_index < len(POINT_LETTERS) else None
        if letter != want:
            reason = " (không có trong bảng chữ cái tiếng Việt)" if letter in ("f", "j", "w", "z") else ""
            previous = f"sau «{groups[-1][-2]})»" if len(groups[-1]) > 1 else "điểm đầu tiên"
            problems.append(f"{previous} là «{letter})»{reason}, cần «{want})»")
        expected_index += 1
    if not groups:
        return STATUS_PASS, "nội dung không có điểm a), b), c)… nên không có thứ tự nào sai"
    found = "; ".join(f"{g[0]})–{g[-1]})" if len(g) > 1 else f"{g[0]})" for g in groups)
    return _result(problems, f"{len(groups)} nhóm điểm: {found}")


def _rule_13_end_mark(n: _Notice) -> tuple[str, str]:
    if not n.body:
        return _missing("đoạn nội dung")
    last = n.body[-1]
    text = last.norm
    ending = f"«…{text[-30:]}»" if len(text) > 30 else f"«{text}»"
    if text.endswith("./."):
        return STATUS_PASS, f"đoạn cuối kết thúc bằng «./.»: {ending}"
    return STATUS_FAIL, f"đoạn cuối {ending} không kết thúc bằng «./.»"


def _stack_problem(lines: list[str]) -> str | None:
    """Return why a stack of authority lines breaks the decree's order, or None when it is valid."""
    prefixes = [m.group(1) if (m := _AUTHORITY_LINE.match(line)) else None for line in lines]
    if prefixes[-1] not in (None, "Q"):
        return f"dòng cuối «{lines[-1]}» phải là chức vụ người ký, không mang tiền tố {prefixes[-1]}."
    if prefixes[0] is None and any(prefixes):
        first = next(line for line, p in zip(lines, prefixes, strict=True) if p)
        return f"«{first}» phải đứng đầu khối chữ ký"
    ranks = [_AUTHORITY_RANK[p] for p in prefixes if p]
    if ranks != sorted(set(ranks)) or len(ranks) != len(set(ranks)):
        return "thứ tự tiền tố sai, cần TM. → TL./TUQ. → KT. → chức vụ"
    if "Q" in prefixes[:-1] and prefixes.index("Q") != max(i for i, p in enumerate(prefixes) if p):
        return "«Q.» chỉ đứng trước chức vụ của người ký"
    return None


def _rule_14_authority(n: _Notice) -> tuple[str, str]:
    if not n.authority:
        return _missing("dòng quyền hạn, chức vụ người ký")
    lines = [text for text, _ in n.authority]
    problems = []
    if stack := _stack_problem(lines):
        problems.append(stack)
    findings = []
    for text, para in n.authority:
        checks = (
            _check_upper(text),
            _check_bold(para, True),
            _check_sizes(para, (13, 14)),
            _check_centred(para),
        )
        findings += _checks(para, *checks, text=text)
    problems += _findings(findings)
    return _result(problems, " / ".join(lines) + f": {_describe(n.authority[0][1])}")


def _academic_prefix(text: str) -> str | None:
    for prefix in _ACADEMIC_PREFIXES:
        if re.match(rf"^{re.escape(prefix)}\.?\s", text) or re.match(rf"^{re.escape(prefix)}\.", text):
            return prefix
    return None


def _rule_15_signer_name(n: _Notice) -> tuple[str, str]:
    para = n.signer
    if para is None:
        return _missing("họ tên người ký")
    text = para.norm
    problems = _findings(_checks(para, _check_bold(para, True), _check_sizes(para, (13, 14)), _check_centred(para)))
    if _is_upper(text):
        problems.append(f"{_quote(text)}: viết hoa toàn bộ, cần chữ thường viết hoa chữ đầu")
    if prefix := _academic_prefix(text):
        problems.append(f"{_quote(text)}: có học hàm, học vị «{prefix}.» trước tên")
    return _result(problems, f"{_quote(text)}: {_describe(para)}")


def _rule_16_recipients_head(n: _Notice) -> tuple[str, str]:
    para = n.recipients_head
    if para is None:
        return _missing("«Nơi nhận:»")
    problems = []
    if para.norm != "Nơi nhận:":
        problems.append(f"{_quote(para.text)}: cần đúng «Nơi nhận:»")
    problems += _findings(_checks(para, _check_bold(para, True), _check_italic(para, True), _check_sizes(para, (12,))))
    if para.cell is None:
        problems.append("«Nơi nhận:» không nằm trong bảng cùng hàng với chữ ký")
    else:
        first = next((p for p in n.doc.body if p.cell == para.cell and not p.empty), None)
        if first is not para:
            problems.append("«Nơi nhận:» không phải dòng đầu tiên của ô")
        authority = n.authority[0][1] if n.authority else None
        if (
            authority is None
            or authority.cell is None
            or (authority.cell.table, authority.cell.row)
            != (
                para.cell.table,
                para.cell.row,
            )
        ):
            problems.append("«Nơi nhận:» không cùng hàng với dòng quyền hạn đầu tiên")
    return _result(problems, f"«Nơi nhận:»: {_describe(para)}, dòng đầu ô trái, ngang dòng quyền hạn đầu tiên")


def _rule_17_recipient_lines(n: _Notice) -> tuple[str, str]:
    if not n.recipients:
        return _missing("danh sách nơi nhận")
    findings = []
    for index, (text, para) in enumerate(n.recipients):
        dash = None if text.startswith("- ") else "không bắt đầu bằng «- »"
        end = None if index == len(n.recipients) - 1 or text.endswith(";") else "không kết thúc bằng «;»"
        checks = (_check_sizes(para, (11,)), _check_bold(para, False), _check_italic(para, False), dash, end)
        findings += _checks(para, *checks, text=text)
    problems = list(dict.fromkeys(_findings(findings)))
    last = n.recipients[-1][0]
    if not last.startswith("- Lưu: VT"):
        problems.append(f"dòng cuối {_quote(last)} không bắt đầu bằng «- Lưu: VT»")
    if not last.endswith("."):
        problems.append(f"dòng cuối {_quote(last)} không kết thúc bằng «.»")
    problems = list(dict.fromkeys(problems))
    return _result(problems, f"{len(n.recipients)} dòng nơi nhận cỡ 11 pt, dòng cuối {_quote(last)}")


@dataclass(frozen=True)
class _Field:
    para: _Para
    instruction: str
    sizes: set[float]


def _page_fields(doc: _Doc, kind: str) -> list[_Field]:
    """Return the PAGE fields (simple or complex) in the section's header of the given kind."""
    paras = doc.headers.get(kind, [])
    fields = []
    for para in paras:
        for simple in para.element.iter(W + "fldSimple"):
            instruction = simple.get(W + "instr", "")
            if re.match(r"^\s*PAGE\b", instruction):
                sizes = {run.format.size for run in para.runs if run.visible} or {para.mark.size}
                fields.append(_Field(para, instruction, sizes))
        fields.extend(_complex_page_fields(doc.sheet, para))
    return fields


def _complex_page_fields(sheet: _StyleSheet, para: _Para) -> list[_Field]:
    fields = []
    stack: list[dict] = []
    for run in _own_runs(para.element):
        # Field code runs are not in para.runs (they carry no text), so resolve them here.
        fmt = sheet.run_format(run.find(W + "rPr"), para.format.style_id, para.table_style)
        for child in run:
            if child.tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    stack.append({"instr": "", "result": False, "sizes": set(), "first": fmt})
                elif kind == "separate" and stack:
                    stack[-1]["result"] = True
                elif kind == "end" and stack:
                    done = stack.pop()
                    if re.match(r"^\s*PAGE\b", done["instr"]):
                        sizes = done["sizes"] or {done["first"].size}
                        fields.append(_Field(para, done["instr"], sizes))
            elif child.tag == W + "instrText" and stack and not stack[-1]["result"]:
                stack[-1]["instr"] += child.text or ""
            elif child.tag == W + "t" and stack and stack[-1]["result"] and (child.text or "").strip():
                stack[-1]["sizes"].add(fmt.size)
    return fields


def _rule_18_page_numbers(n: _Notice) -> tuple[str, str]:
    doc = n.doc
    fields = _page_fields(doc, "default")
    problems = []
    if not fields:
        problems.append("đầu trang không có trường PAGE")
    for page in fields[:1]:
        if centre := _check_centred(page.para):
            problems.append(f"số trang {centre}")
        if any(s not in (13, 14) for s in page.sizes):
            problems.append(f"số trang cỡ {_pts(page.sizes)} pt, cần 13–14 pt")
    if not doc.section.title_page:
        problems.append("không đặt «trang đầu khác» (w:titlePg), trang 1 sẽ có số trang")
    elif _page_fields(doc, "first"):
        problems.append("đầu trang của trang 1 có trường PAGE, trang 1 không được đánh số")
    found = f"trường PAGE ở đầu trang, căn giữa, cỡ {_pts(fields[0].sizes)} pt; trang 1 không có số" if fields else ""
    return _result(problems, found)


def _rule_19_black(n: _Notice) -> tuple[str, str]:
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    total = 0
    for para in _all_text_paras(n.doc):
        for run in para.runs:
            if not run.visible:
                continue
            total += 1
            fmt = run.format
            if fmt.theme_color:
                key = f"màu chủ đề {fmt.theme_color} (w:themeColor)"
            elif (fmt.color or "auto").upper() not in ("AUTO", "000000"):
                key = f"màu {fmt.color}"
            else:
                continue
            counts[key] += 1
            examples.setdefault(key, run.text)
    problems = [f"{key} ở {count} đoạn chạy, ví dụ {_quote(examples[key], 30)}" for key, count in counts.most_common()]
    if problems:
        problems.append("cần màu tự động hoặc 000000, không dùng màu chủ đề")
    return _result(problems, f"{total} đoạn chạy đều màu đen (auto/000000)")


def _rule_20_header_centred(n: _Notice) -> tuple[str, str]:
    parts = (
        ("Quốc hiệu", n.national),
        ("Tiêu ngữ", n.motto),
        ("dòng «Số:»", n.number),
        ("dòng địa danh, ngày tháng", n.date),
    )
    problems = []
    for name, para in parts:
        if para is None:
            problems.append(f"không tìm thấy {name}")
        elif centre := _check_centred(para):
            problems.append(f"{name} {_quote(para.text)}: {centre}")
    if n.national is not None and "HOÀ" in n.national.norm:
        problems.append(f"Quốc hiệu viết «HOÀ», cần «HÒA»: {_quote(n.national.text)}")
    return _result(problems, "Quốc hiệu, Tiêu ngữ, dòng «Số:», dòng ngày tháng đều căn giữa; Quốc hiệu viết «HÒA»")


def _rule_21_issuer_block(n: _Notice) -> tuple[str, str]:
    if not n.issuer:
        return _missing("tên cơ quan ban hành")
    findings = []
    for para in [*n.parent_lines, *n.issuer]:
        findings += _checks(
            para,
            _check_upper(para.norm),
            _check_sizes(para, (12, 13)),
            _check_centred(para),
            _check_italic(para, False),
            _check_bold(para, para not in n.parent_lines),
            _single_spacing_problem(para),
        )
    for para in n.header_block:
        findings += _checks(para, _single_spacing_problem(para))
    problems = _findings(findings)
    return _result(
        problems,
        f"{len(n.parent_lines) + len(n.issuer)} dòng tên cơ quan: {_describe(n.issuer[-1])}; "
        "giãn dòng đơn trong khối Quốc hiệu và khối tên cơ quan",
    )


def _single_spacing_problem(para: _Para) -> str | None:
    line, rule = para.format.line, para.format.line_rule
    if line is None or (rule == "auto" and abs(line - 240) < 1):
        return None
    if rule == "auto":
        return f"giãn dòng {_num(line / 240, 2)} dòng, cần dòng đơn"
    return f"giãn dòng {'cố định' if rule == 'exact' else 'tối thiểu'} {_pt(line / 20)} pt, cần dòng đơn"


def _rule_22_first_line_indent(n: _Notice) -> tuple[str, str]:
    paras = _body_text_paras(n)
    if not paras:
        return _missing("đoạn nội dung")
    problems: dict[str, list[_Para]] = {}
    values: Counter[int] = Counter()
    for para in paras:
        value = round(para.format.first_line)
        values[value] += 1
        if value not in (567, 720):
            problems.setdefault(f"thụt đầu dòng {value} twip ({_mm(value)} mm), cần đúng 567 (1 cm) hoặc 720 (1,27 cm)", []).append(para)
    found = ", ".join(f"{v} twip × {c}" for v, c in sorted(values.items()))
    return _result(_grouped(problems), f"{len(paras)} đoạn: {found}")


def _rule_23_recipient_style(n: _Notice) -> tuple[str, str]:
    if not n.recipients:
        return _missing("danh sách nơi nhận")
    findings = []
    for text, para in n.recipients:
        findings += _checks(para, _check_italic(para, False), _check_bold(para, False), text=text)
    problems = list(dict.fromkeys(_findings(findings)))
    last = n.recipients[-1][0]
    if not _ARCHIVE_LINE.match(last):
        problems.append(f"dòng cuối {_quote(last)}, cần dạng «- Lưu: VT, <đơn vị soạn thảo>[ <số bản>].»")
    return _result(problems, f"các dòng nơi nhận chữ đứng, không đậm; dòng cuối {_quote(last)}")


def _rule_24_signer_plain(n: _Notice) -> tuple[str, str]:
    para = n.signer
    if para is None:
        return _missing("họ tên người ký")
    text = para.norm
    problems = _findings(_checks(para, _check_italic(para, False), _check_bold(para, True)))
    if prefix := _academic_prefix(text):
        problems.append(f"{_quote(text)}: có học hàm, học vị «{prefix}.» trước tên")
    return _result(problems, f"{_quote(text)}: {_describe(para)}, không có học hàm, học vị")


def _rule_25_page_number_format(n: _Notice) -> tuple[str, str]:
    fields = _page_fields(n.doc, "default")
    if not fields:
        return _missing("trường PAGE ở đầu trang")
    page = fields[0]
    problems = []
    if centre := _check_centred(page.para):
        problems.append(f"đoạn số trang {centre}")
    if any(s not in (13, 14) for s in page.sizes):
        problems.append(f"số trang cỡ {_pts(page.sizes)} pt, cần 13–14 pt")
    switch = re.search(r"\\\*\s*(\w+)", page.instruction.replace("MERGEFORMAT", ""))
    if switch and switch.group(1).lower() in ("roman", "alphabetic", "ordtext", "cardtext", "ordinal", "hex"):
        problems.append(f"trường PAGE có định dạng «\\* {switch.group(1)}», cần chữ số Ả Rập")
    fmt = n.doc.section.page_number_format
    if fmt not in (None, "decimal"):
        problems.append(f"kiểu số trang «{fmt}», cần chữ số Ả Rập (decimal)")
    start = n.doc.section.page_number_start
    if start not in (None, "1"):
        problems.append(f"số trang bắt đầu từ {start}, cần bắt đầu từ 1")
    return _result(problems, f"số trang căn giữa, cỡ {_pts(page.sizes)} pt, chữ số Ả Rập, bắt đầu từ 1")


def _rule_26_lines(n: _Notice) -> tuple[str, str]:
    blocks = (
        ("Tiêu ngữ", [n.motto] if n.motto else [], True),
        ("tên cơ quan", n.issuer, False),
        ("trích yếu", n.summary, False),
    )
    problems, found = [], []
    for name, block, own_length in blocks:
        if not block:
            problems.append(f"không tìm thấy {name}")
            continue
        line = _check_line(n.doc, block, own_length=own_length)
        problems += [f"đường kẻ dưới {name}: {p}" for p in [*line.length, *line.placement]]
        found.append(f"dưới {name}: {line.found}")
    return _result(problems, "; ".join(found))


_RULES: tuple[tuple[int, str, Callable[[_Notice], tuple[str, str]]], ...] = (
    (1, "Khổ giấy A4, hướng dọc", _rule_01_a4_portrait),
    (2, "Lề trang", _rule_02_margins),
    (3, "Phông Times New Roman, màu đen, Unicode NFC", _rule_03_font_colour_nfc),
    (4, "Quốc hiệu", _rule_04_national_name),
    (5, "Tiêu ngữ và đường kẻ dưới", _rule_05_motto),
    (6, "Tên cơ quan ban hành", _rule_06_issuer),
    (7, "Số, ký hiệu", _rule_07_number),
    (8, "Địa danh, ngày tháng năm", _rule_08_date_line),
    (9, "Số 0 đứng trước ngày, tháng", _rule_09_leading_zeros),
    (10, "Tên loại và trích yếu", _rule_10_title_summary),
    (11, "Đoạn nội dung", _rule_11_body),
    (12, "Thứ tự điểm a), b), c)…", _rule_12_point_letters),
    (13, "Dấu kết thúc «./.»", _rule_13_end_mark),
    (14, "Quyền hạn, chức vụ người ký", _rule_14_authority),
    (15, "Họ tên người ký", _rule_15_signer_name),
    (16, "Dòng «Nơi nhận:»", _rule_16_recipients_head),
    (17, "Danh sách nơi nhận", _rule_17_recipient_lines),
    (18, "Đánh số trang", _rule_18_page_numbers),
    (19, "Màu chữ đen", _rule_19_black),
    (20, "Căn giữa phần đầu, chính tả «HÒA»", _rule_20_header_centred),
    (21, "Khối tên cơ quan: chữ hoa, cỡ chữ, giãn dòng đơn", _rule_21_issuer_block),
    (22, "Thụt đầu dòng đúng 1 cm hoặc 1,27 cm", _rule_22_first_line_indent),
    (23, "Nơi nhận: chữ đứng, dòng «Lưu»", _rule_23_recipient_style),
    (24, "Họ tên người ký: chữ đứng, đậm, không học hàm", _rule_24_signer_plain),
    (25, "Số trang: căn giữa, cỡ chữ, chữ số Ả Rập từ 1", _rule_25_page_number_format),
    (26, "Các đường kẻ ngang", _rule_26_lines),
)

RULE_TITLES: dict[int, str] = {number: title for number, title, _ in _RULES}


def audit_docx(path: Path, *, symbol_abbrev: str | None = None) -> list[RuleResult]:
    """Check every rule on one .docx; never raise on a malformed-but-readable docx (report instead)."""
    # A file python-docx cannot open at all is not a notice to report on: that error propagates.
    document = docx.Document(str(path))
    # Past this point an odd office file must yield a report, never a crash; the detail keeps
    # the exception so that a bug in this module still shows what went wrong.
    try:
        notice = _locate(_read(document), symbol_abbrev)
    except Exception as error:  # noqa: BLE001
        detail = f"không đọc được cấu trúc văn bản: {type(error).__name__}: {error}"
        return [RuleResult(number, title, STATUS_FAIL, detail) for number, title, _ in _RULES]
    results = []
    for number, title, check in _RULES:
        try:
            status, detail = check(notice)
        except Exception as error:  # noqa: BLE001
            status, detail = STATUS_FAIL, f"không kiểm tra được: {type(error).__name__}: {error}"
        results.append(RuleResult(number, title, status, detail))
    return results


_STATUS_WORDS = {STATUS_PASS: "ĐẠT", STATUS_FAIL: "LỖI", STATUS_NOT_APPLICABLE: "KHÔNG ÁP DỤNG"}


def format_report(results: list[RuleResult]) -> str:
    """Return a readable Vietnamese report, one line a rule, then a count by status."""
    lines = [
        f"Quy tắc {r.rule} — {r.title}: {_STATUS_WORDS.get(r.status, r.status)}" + (f" — {r.detail}" if r.detail else "") for r in results
    ]
    counts = Counter(r.status for r in results)
    lines.append(f"Tổng cộng: {counts[STATUS_PASS]} đạt, {counts[STATUS_FAIL]} lỗi, {counts[STATUS_NOT_APPLICABLE]} không áp dụng")
    return "\n".join(lines)


def read_paragraphs(path: Path) -> list[tuple[str, str]]:
    """Return (story, text) of each paragraph as Word shows it, in reading order.

    The body first (table cells row by row, left to right, as the audit reads them), then the
    footnotes, endnotes and footers; a paragraph's text includes its automatic number.
    """
    doc = _read(docx.Document(str(path)))
    return [(para.story, para.text) for para in (*doc.body, *doc.other_stories)]
