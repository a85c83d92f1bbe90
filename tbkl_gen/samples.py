"""The sample values the scaffold writes, declared once for the writers and for the checks.

`tbkl init` writes the sample office defaults (templates/index.json, built from these by
templates/build_templates.py) and `tbkl new` writes the skeleton of a notice. A notice that still
holds them is not ready to sign: the checks read the same constants to say so.
"""

from __future__ import annotations

import re
from typing import Final

from tbkl_gen.nd30.patterns import lazy

GAP: Final = "…"
"""What the skeleton leaves where the drafter fills in a date, a name or a task."""

PLACEHOLDER: Final = lazy(
    r"(?<![\w/])(?:[xX]{1,4}/)+(?:[xX]{1,4}|\d{1,4})(?![\w/])"  # xx/xx/2026, xx/2026, x/x/xx
    r"|(?<!\w)(?:[Nn]gày|[Tt]háng|[Nn]ăm|[Ss]ố)\s+x{1,4}(?![\w/])"  # ngày xx tháng xx, số xx (lower-case x: "XX" is twenty)
)
"""What drafters type where a date or a number is not known yet, besides the gap: named as a gap."""

# Every PLACEHOLDER holds "x/" or "X/" (a date) or, after a space, a lone "x" to "xxxx" (a number):
# this finds the second in a fifth of the time the whole pattern takes on a text without either.
# It starts at the "x" and looks back for the space (sre then jumps from one "x" to the next instead
# of trying every character): the same texts as r"\sx{1,4}(?![\w/])", ten times faster.
_LONE_X: Final = lazy(r"x(?<=\sx)x{0,3}(?![\w/])")
# "x/" or "X/" found from its "/" (sre jumps from one "/" to the next): five times faster than two `in` tests.
_X_SLASH: Final = lazy(r"/(?<=[xX]/)")


def find_placeholder(text: str) -> re.Match[str] | None:
    """Return the first PLACEHOLDER in text, or None (the pattern tried only where it can match)."""
    if may_hold_placeholder(text):
        return PLACEHOLDER.search(text)
    return None


def may_hold_placeholder(text: str) -> bool:
    """Tell whether PLACEHOLDER may match text (False: it does not).

    Texts joined by a character that is no word character, no space and no "/" (a NUL) are
    answered for all at once: a placeholder in one of them is found in the joined text too.
    """
    return _X_SLASH.search(text) is not None or _LONE_X.search(text) is not None


SAMPLE_SIGNER: Final = "Nguyễn Văn A"
"""The signer's name in every sample tbkl.yaml (templates/index.json is built from it)."""

SAMPLE_PROVINCE: Final = "Lâm Đồng"
SAMPLE_COMMUNE: Final = "Đức Trọng"
SAMPLE_PLACES: Final = (SAMPLE_PROVINCE, SAMPLE_COMMUNE)
"""The places of the sample offices: each is both the sample dia_danh and part of the issuer's name.
An office that changes one and not the other prints a place that is not its own."""

FIRST_CONCLUSION: Final = "Nội dung kết luận thứ nhất."
SECOND_CONCLUSION: Final = "Nội dung kết luận thứ hai."
STAND_INS: Final = (FIRST_CONCLUSION, SECOND_CONCLUSION)
"""Skeleton sentences that stand in for the conclusions, gap-free, so the gap alone misses them."""

NOTICE_BODY: Final = (
    f"Ngày {GAP}, đồng chí {GAP} chủ trì cuộc họp {GAP} Tham dự cuộc họp có {GAP}",
    f"Sau khi nghe {GAP} báo cáo và ý kiến của các thành phần dự họp, đồng chí {GAP} kết luận như sau:",
    {"khoan": FIRST_CONCLUSION},
    {"khoan": SECOND_CONCLUSION, "noi_dung": [{"gach": f"Việc giao cho {GAP}"}]},
    "Văn phòng thông báo để các cơ quan, đơn vị liên quan biết, thực hiện.",
)
"""The body `tbkl new` writes: the usual opening, two conclusions, the usual closing."""
