"""Dates as drafters write them: what to say about one that is not on the calendar.

Reading (`2021-02-30` in YAML), the shape check and validation all report it in the same words.
"""

from __future__ import annotations

import datetime as dt
import re


def impossible_date(year: int, month: int, day: int) -> tuple[str, str]:
    """Return the message and the hint for a date that is not on the calendar."""
    message = f"ngày không tồn tại: {day:02d}/{month:02d}/{year}"
    if not 1 <= month <= 12:
        return message, "tháng từ 1 đến 12"
    if year < 1:
        return message, "kiểm tra lại năm"
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    last = (following - dt.timedelta(days=1)).day if year < 9999 else 31
    return message, f"tháng {month} năm {year} chỉ có {last} ngày"


# Dates typed the way Vietnamese write them (31/02/2026, 31-02-2026, 31.02.2026) or year first
# with another separator than ISO's (2026/02/31, 2026.02.31).
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})$")


def typed_date_hint(name: str, text: str) -> str | None:
    """Return the hint for a date typed as text in another form than YYYY-MM-DD, or None.

    A date on the calendar gets its ISO form to copy (`viết ngay: 2026-02-03`); one that is not
    gets why (`ngày 31/02/2026 không tồn tại: …`), never an ISO form of an impossible date.
    """
    text = text.strip()
    if match := _DAY_FIRST.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _YEAR_FIRST.match(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    else:
        return None
    try:
        dt.date(year, month, day)
    except ValueError:
        _, why = impossible_date(year, month, day)
        return f"ngày {day:02d}/{month:02d}/{year} không tồn tại: {why}"
    return f"viết {name}: {year:04d}-{month:02d}-{day:02d}"
