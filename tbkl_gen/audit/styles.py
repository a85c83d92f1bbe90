"""Resolve run and paragraph formatting through Word's style chain, and compute automatic list labels.

The chain is direct formatting → character style → paragraph style → table style → document
defaults, with toggle properties (bold, italic) flipping level by level as Word does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass

from lxml import etree

from tbkl_gen.audit.ooxml import W, half_points, int_val, is_on, on_attr, to_twips
from tbkl_gen.nd30 import words as vn
from tbkl_gen.nd30.units import twips_to_pt

# Word's size when no level of the style chain sets w:sz.
_DEFAULT_SIZE_PT = 10.0


# Word's "HTML auto spacing" before/after a paragraph is 14 pt.
_AUTO_SPACING_TWIPS = 280


@dataclass(frozen=True)
class RunFormat:
    """A run's formatting after the whole style chain is resolved."""

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
class ParaFormat:
    """A paragraph's properties after its style, numbering level, table style and defaults."""

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


FONT_SLOTS = (
    ("ascii", "asciiTheme"),
    ("hAnsi", "hAnsiTheme"),
    ("eastAsia", "eastAsiaTheme"),
    ("cs", "cstheme"),
)


_JC_ALIASES = {"start": "left", "end": "right"}


class StyleSheet:
    """Look up styles and resolve run and paragraph properties through their inheritance chains."""

    def __init__(self, styles: etree._Element | None, numbering: Numbering) -> None:
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
            read_cell_margins(style.find(f"{W}tblPr/{W}tblCellMar"), margins)
        return margins

    def run_format(self, rpr: etree._Element | None, para_style: str | None, table_style: str | None) -> RunFormat:
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
                return is_on(element)
            value = self.rpr_default is not None and is_on(self.rpr_default.find(W + tag))
            for chain in (table_chain, para_chain, char_chain):
                element = _first(chain, tag)
                if element is not None and is_on(element):
                    value = not value
            return value

        size_el = _first(ordered, "sz")
        size = half_points(size_el.get(W + "val")) if size_el is not None else None
        color_el = _first(ordered, "color")
        spacing_el = _first(ordered, "spacing")
        spacing = to_twips(spacing_el.get(W + "val")) if spacing_el is not None else None
        return RunFormat(
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
            spacing_pt=twips_to_pt(spacing or 0),
        )

    def para_format(self, ppr: etree._Element | None, table_style: str | None) -> ParaFormat:
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
        return ParaFormat(
            style_id=style_id,
            jc=_JC_ALIASES.get(jc, jc),
            left=left,
            right=right,
            first_line=first_line,
            before=spacing["before"],
            after=spacing["after"],
            line=spacing["line"],
            line_rule=spacing["rule"],
            contextual=is_on(contextual),
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
        for slot, theme_attr in FONT_SLOTS:
            if slot in out:
                continue
            if theme := fonts.get(W + theme_attr):
                out[slot] = "@" + theme
            elif name := fonts.get(W + slot):
                out[slot] = name
    return out


def _spacing(ordered: list[etree._Element]) -> dict[str, Any]:
    out: dict[str, Any] = {"before": None, "after": None, "line": None, "rule": "auto"}
    line_found = False
    for ppr in ordered:
        spacing = ppr.find(W + "spacing")
        if spacing is None:
            continue
        for side in ("before", "after"):
            if out[side] is None:
                if on_attr(spacing.get(W + side + "Autospacing")):
                    out[side] = float(_AUTO_SPACING_TWIPS)
                elif spacing.get(W + side + "Autospacing") is not None or spacing.get(W + side) is not None:
                    value = to_twips(spacing.get(W + side))
                    if value is not None:
                        out[side] = value
        if not line_found and spacing.get(W + "line") is not None:
            line_found = True
            out["line"] = to_twips(spacing.get(W + "line"))
            out["rule"] = spacing.get(W + "lineRule", "auto")
    out["before"] = out["before"] or 0.0
    out["after"] = out["after"] or 0.0
    return out


def _indents(ordered: list[etree._Element]) -> tuple[float, float, float]:
    left = right = first = None
    for ppr in ordered:
        ind = ppr.find(W + "ind")
        if ind is None:
            continue
        if left is None:
            left = to_twips(ind.get(W + "left") or ind.get(W + "start"))
        if right is None:
            right = to_twips(ind.get(W + "right") or ind.get(W + "end"))
        if first is None:
            hanging = to_twips(ind.get(W + "hanging"))
            first_line = to_twips(ind.get(W + "firstLine"))
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


def read_cell_margins(element: etree._Element | None, into: dict[str, float]) -> None:
    """Add the left and right cell margins set in element to into, keeping those already there."""
    if element is None:
        return
    for side, names in (("left", ("left", "start")), ("right", ("right", "end"))):
        if side in into:
            continue
        for name in names:
            edge = element.find(W + name)
            if edge is not None and (value := to_twips(edge.get(W + "w"))) is not None:
                into[side] = value
                break


class Numbering:
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
        return int_val(level.find(W + "start") if level is not None else None, 1)


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
