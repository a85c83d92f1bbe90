"""Measure text set in Times New Roman, for line lengths and column fits.

Advance widths come from Liberation Serif (metric-compatible with Times New Roman), read once
from LiberationSerif-Regular.ttf and LiberationSerif-Bold.ttf with fontTools and embedded here so
that measuring needs no font file and no fontTools at run time.
"""

from __future__ import annotations

import unicodedata

from tbkl_gen.nd30.units import MM_PER_PT

# Vietnamese letters with tone or shape marks have the advance of their base letter (checked
# over the whole alphabet in both weights); only the horned and barred letters differ.
_HORN = "\u031b"
# Used for characters outside the table (rare symbols): about the width of a lower-case "n".
_FALLBACK = 500

# Advance widths in 1/1000 em, regular weight.
# fmt: off
_REGULAR: dict[str, int] = {
    " ": 250, "!": 333, '"': 408, "#": 500, "$": 500, "%": 833, "&": 778, "'": 180, "(": 333,
    ")": 333, "*": 500, "+": 564, ",": 250, "-": 333, ".": 250, "/": 278, "0": 500, "1": 500,
    "2": 500, "3": 500, "4": 500, "5": 500, "6": 500, "7": 500, "8": 500, "9": 500, ":": 278,
    ";": 278, "<": 564, "=": 564, ">": 564, "?": 444, "@": 921, "A": 722, "B": 667, "C": 667,
    "D": 722, "E": 611, "F": 556, "G": 722, "H": 722, "I": 333, "J": 389, "K": 722, "L": 611,
    "M": 889, "N": 722, "O": 722, "P": 556, "Q": 722, "R": 667, "S": 556, "T": 611, "U": 722,
    "V": 722, "W": 944, "X": 722, "Y": 722, "Z": 611, "[": 333, "\\": 278, "]": 333, "^": 469,
    "_": 500, "`": 333, "a": 444, "b": 500, "c": 444, "d": 500, "e": 444, "f": 333, "g": 500,
    "h": 500, "i": 278, "j": 278, "k": 500, "l": 278, "m": 778, "n": 500, "o": 500, "p": 500,
    "q": 500, "r": 333, "s": 389, "t": 278, "u": 500, "v": 500, "w": 722, "x": 500, "y": 500,
    "z": 444, "{": 480, "|": 200, "}": 480, "~": 541, "Đ": 722, "đ": 500, "Ơ": 722, "ơ": 529,
    "Ư": 776, "ư": 542, "\u00a0": 250, "\u2013": 500, "\u2014": 1000, "…": 1000, "“": 444,
    "”": 444, "‘": 333, "’": 333, "«": 500, "»": 500, "•": 350, "°": 400, "§": 500, "·": 333,
}
# fmt: on

# Advance widths in 1/1000 em, bold weight.
# fmt: off
_BOLD: dict[str, int] = {
    " ": 250, "!": 333, '"': 555, "#": 500, "$": 500, "%": 1000, "&": 833, "'": 278, "(": 333,
    ")": 333, "*": 500, "+": 570, ",": 250, "-": 333, ".": 250, "/": 278, "0": 500, "1": 500,
    "2": 500, "3": 500, "4": 500, "5": 500, "6": 500, "7": 500, "8": 500, "9": 500, ":": 333,
    ";": 333, "<": 570, "=": 570, ">": 570, "?": 500, "@": 930, "A": 722, "B": 667, "C": 722,
    "D": 722, "E": 667, "F": 611, "G": 778, "H": 778, "I": 389, "J": 500, "K": 778, "L": 667,
    "M": 944, "N": 722, "O": 778, "P": 611, "Q": 778, "R": 722, "S": 556, "T": 667, "U": 722,
    "V": 722, "W": 1000, "X": 722, "Y": 722, "Z": 667, "[": 333, "\\": 278, "]": 333, "^": 581,
    "_": 500, "`": 333, "a": 500, "b": 556, "c": 444, "d": 556, "e": 444, "f": 333, "g": 500,
    "h": 556, "i": 278, "j": 333, "k": 556, "l": 278, "m": 833, "n": 556, "o": 500, "p": 556,
    "q": 556, "r": 444, "s": 389, "t": 333, "u": 556, "v": 500, "w": 722, "x": 500, "y": 500,
    "z": 444, "{": 394, "|": 220, "}": 394, "~": 520, "Đ": 722, "đ": 556, "Ơ": 778, "ơ": 554,
    "Ư": 796, "ư": 600, "\u00a0": 250, "\u2013": 500, "\u2014": 1000, "…": 1000, "“": 500,
    "”": 500, "‘": 333, "’": 333, "«": 500, "»": 500, "•": 350, "°": 400, "§": 500, "·": 333,
}
# fmt: on


def char_width_em(char: str, *, bold: bool) -> float:
    """Return the advance of one character in em; combining marks take no space."""
    table = _BOLD if bold else _REGULAR
    if char in table:
        return table[char] / 1000
    if unicodedata.combining(char):
        return 0.0
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    if _HORN in decomposed:
        base = unicodedata.normalize("NFC", base + _HORN)
    if base in table:
        return table[base] / 1000
    if unicodedata.combining(base):
        return 0.0
    return _FALLBACK / 1000


def text_width_mm(text: str, size_pt: float, bold: bool) -> float:
    """Return the width of text in millimetres at size_pt, without kerning (Word's default)."""
    key = (text, size_pt, bold)
    found = _WIDTHS.get(key)
    if found is not None:  # an issuer's lines, measured by the checks and the layout of each of its notices
        return found
    text = unicodedata.normalize("NFC", text)
    known = _KNOWN[bold]
    em = 0.0
    for char in text:
        width = known.get(char)
        if width is None:
            width = known[char] = char_width_em(char, bold=bold)
        em += width
    found = em * size_pt * MM_PER_PT
    if len(_WIDTHS) >= _WIDTHS_KEPT:
        _WIDTHS.clear()
    _WIDTHS[key] = found
    return found


# Widths of the texts measured last (a bounded memo: a batch measures the same lines notice after notice).
_WIDTHS: dict[tuple[str, float, bool], float] = {}
_WIDTHS_KEPT = 4096


def wrapped_widths_mm(text: str, size_pt: float, bold: bool, available_mm: float) -> list[float]:
    """Return the width of each line a column available_mm wide sets text on, breaking at spaces.

    Word and LibreOffice fill a line greedily and break at a space; a word wider than the column
    stays whole on its own line. The audit measures printed lines the same way.
    """
    space = text_width_mm(" ", size_pt, bold)
    lines: list[float] = []
    current: float | None = None
    for word in text.split(" "):
        width = text_width_mm(word, size_pt, bold)
        if current is not None and current + space + width > available_mm + 1e-6:
            lines.append(current)
            current = None
        current = width if current is None else current + space + width
    lines.append(current or 0.0)
    return lines


# Widths of the characters met so far, regular and bold: most of a notice is a few dozen letters.
_KNOWN: dict[bool, dict[str, float]] = {False: {}, True: {}}
