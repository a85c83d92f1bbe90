"""WordprocessingML names and attribute values: namespaces, on/off flags, lengths in any unit."""

from __future__ import annotations

import re

from lxml import etree

from tbkl_gen.nd30.units import EMU_PER_MM, MM_PER_INCH, MM_PER_PT, TWIPS_PER_INCH, TWIPS_PER_MM, TWIPS_PER_PT

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


W = f"{{{_W_NS}}}"


WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"


V = "{urn:schemas-microsoft-com:vml}"


O = "{urn:schemas-microsoft-com:office:office}"


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def is_on(element: etree._Element | None) -> bool:
    """Return the value of an on/off property element (present without w:val means on)."""
    if element is None:
        return False
    value = element.get(W + "val")
    return value is None or value.strip().lower() not in ("0", "false", "off")


_UNIT_TWIPS = {
    "pt": float(TWIPS_PER_PT),
    "in": float(TWIPS_PER_INCH),
    "cm": 10 * TWIPS_PER_MM,
    "mm": TWIPS_PER_MM,
    "pc": 12.0 * TWIPS_PER_PT,
    "pi": 12.0 * TWIPS_PER_PT,
}


def to_twips(value: str | None) -> float | None:
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


def half_points(value: str | None) -> float | None:
    """Return a size in half-points (w:sz); "14pt" is accepted too."""
    twips = to_twips(value)
    if twips is None:
        return None
    return twips / 10 if value is not None and value.strip().endswith("pt") else twips


def emu_to_mm(value: str | None) -> float | None:
    """Return a DrawingML length in EMU as mm; None when absent or not a number."""
    try:
        return int(value) / EMU_PER_MM if value is not None else None
    except ValueError:
        return None


def vml_length_mm(value: str | None) -> float | None:
    """Return a VML/CSS length in mm; a bare number is in pixels (CSS default)."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(-?\d*\.?\d+)\s*(pt|in|cm|mm|px|emu)?\s*", value)
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2) or "px"
    per_mm = {"pt": 1 / MM_PER_PT, "in": 1 / MM_PER_INCH, "cm": 0.1, "mm": 1.0, "px": 96 / MM_PER_INCH, "emu": EMU_PER_MM}
    return number / per_mm[unit]


def css(style: str | None) -> dict[str, str]:
    """Return the properties of a VML style attribute ("width:60pt;…") by lower-case name."""
    out = {}
    for item in (style or "").split(";"):
        if ":" in item:
            key, _, value = item.partition(":")
            out[key.strip().lower()] = value.strip()
    return out


def on_attr(value: str | None) -> bool:
    """Return whether an on/off attribute value is on (absent means off)."""
    return value is not None and value.strip().lower() in ("1", "true", "on")


def int_val(element: etree._Element | None, default: int) -> int:
    """Return the w:val of element as a whole number, or default when absent or not a number."""
    try:
        return int(element.get(W + "val", str(default))) if element is not None else default
    except ValueError:
        return default
