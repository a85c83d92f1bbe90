"""Dates as drafters write them: what to say about one that is not on the calendar.

Reading (`2021-02-30` in YAML), the shape check and validation all report it in the same words.
"""

from __future__ import annotations

import datetime as dt


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
