"""The units of a Word file and their ratios: twips, points, EMUs, millimetres, declared once.

python-docx's `docx.shared` (Length, Mm, Pt, Twips, Emu) knows the same ratios, but the decree's
package imports nothing outside itself, and the audit and the layout work in plain numbers; every
module that converts a unit reads it here.
"""

from __future__ import annotations

from typing import Final

MM_PER_INCH: Final = 25.4
TWIPS_PER_INCH: Final = 1440
POINTS_PER_INCH: Final = 72
TWIPS_PER_PT: Final = 20
"""A twip is a twentieth of a point; Word writes sizes of spacing, indents and widths in twips."""
HALF_POINTS_PER_PT: Final = 2
"""Word writes font sizes (w:sz) in half-points."""
EMU_PER_MM: Final = 36000
"""English Metric Units (drawings): 914400 a inch."""

TWIPS_PER_MM: Final = TWIPS_PER_INCH / MM_PER_INCH
MM_PER_PT: Final = MM_PER_INCH / POINTS_PER_INCH

WORD_CELL_MARGIN: Final = 108
"""Twips: Word's default left and right margin inside a table cell (1.9 mm), which the built-in
templates keep and which a cell without its own margins has."""


def twips_to_mm(twips: float) -> float:
    return twips / TWIPS_PER_MM


def mm_to_twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def twips_to_pt(twips: float) -> float:
    return twips / TWIPS_PER_PT
