"""Text as the audit compares and quotes it: NFC on one line, folded for finding headings, numbers the Vietnamese way."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tbkl_gen.errors import shortened
from tbkl_gen.nd30.units import TWIPS_PER_MM


def mm_text(twips: float) -> str:
    """Return a length in twips as mm, the Vietnamese way ("20,0")."""
    return decimal(twips / TWIPS_PER_MM, 1)


def decimal(value: float, digits: int = 1) -> str:
    """Return a number the Vietnamese way: decimal comma."""
    return f"{value:.{digits}f}".replace(".", ",")


def pt_text(size: float) -> str:
    """Return a size in points without a needless decimal ("14", "10,5")."""
    return str(int(size)) if float(size).is_integer() else decimal(size, 1)


def range_text(values: Iterable[float]) -> str:
    """Return a range of the decree in points the way it writes it: "13–14", or "13" for one value."""
    ordered = sorted(set(values))
    return pt_text(ordered[0]) if len(ordered) == 1 else f"{pt_text(ordered[0])}–{pt_text(ordered[-1])}"


def cm_text(twips: float) -> str:
    """Return a length in twips as cm to the hundredth, without needless zeros ("1", "1,27")."""
    return decimal(twips / TWIPS_PER_MM / 10, 2).rstrip("0").rstrip(",")


def pts_text(sizes: Iterable[float]) -> str:
    """Return sizes in points, smallest first, joined by "/"."""
    return "/".join(pt_text(s) for s in sorted(set(sizes)))


def norm(text: str) -> str:
    """Return text in NFC on one line, runs of white space collapsed, ends trimmed."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Return text reduced to upper-case ASCII letters and digits, for locating headings."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]", "", plain.upper())


def quoted(text: str, limit: int = 45) -> str:
    """Return text on one line in «», cut to limit characters, to quote in a finding."""
    text = norm(text)
    return f"«{shortened(text, limit - 1)}»"


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def is_upper(text: str) -> bool:
    """Return whether text has letters and reads the same in capitals."""
    return _has_letters(text) and text == text.upper()
