"""The issuer's column in the header of each built-in template, declared once.

templates/build_templates.py builds each template's header table from these widths; the checks
measure the issuer's lines against the column they will print in, so a line that would wrap is
named before anything is written.
"""

from __future__ import annotations

from typing import Final

from tbkl_gen.nd30.units import TWIPS_PER_MM, WORD_CELL_MARGIN

ISSUER_COLUMN: Final[dict[str, int]] = {
    "ubnd-tinh": 3515,
    "ubnd-tinh-lanh-dao": 3515,
    "van-phong": 3515,
    "so-nganh": 3970,
    "ubnd-xa": 3515,
}
"""Twips: the width of the header's left cell (issuer), margins included, by built-in template."""


def issuer_column_mm(template: str | None) -> float:
    """Return the width the issuer's lines print in, in mm.

    For a template that is not built in (or not named in the notice) the widest built-in column
    is taken: a line wider than it wraps in every built-in template, so the warning is never wrong.
    """
    width = ISSUER_COLUMN.get(template or "", max(ISSUER_COLUMN.values()))
    return (width - 2 * WORD_CELL_MARGIN) / TWIPS_PER_MM
