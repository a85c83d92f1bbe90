"""Dates as drafters write them: what to say about one that is not on the calendar.

Reading (`2021-02-30` in YAML), the shape check and validation all report it in the same words.
"""

from __future__ import annotations

import datetime as dt

from tbkl_gen.errors import Fix
from tbkl_gen.nd30.words import date_slip, shown_date


def impossible_date(year: int, month: int, day: int) -> tuple[str, str]:
    """Return the message and the hint for a date that is not on the calendar."""
    message = f"ngày không tồn tại: {shown_date(year, month, day)}"
    if not 1 <= month <= 12:
        return message, "tháng từ 1 đến 12"
    if year < 1:
        return message, "kiểm tra lại năm"
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    last = (following - dt.timedelta(days=1)).day if year < 9999 else 31
    return message, f"tháng {month} năm {year} chỉ có {last} ngày"


def typed_date_hint(name: str, text: str) -> str | None:
    """Return the hint for a date typed in a form the source does not read (21.4.2026, 2026/4/21), or None.

    A date on the calendar gets its form to copy (`viết ngay: 21/4/2026`, the fix of `date_fix`);
    one that is not gets why (`ngày 31/02/2026 không tồn tại: …`), never a form of an impossible date.
    """
    slip = date_slip(text)
    if slip is None:
        return None
    written, (year, month, day) = slip
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        _, why = impossible_date(year, month or 1, day or 1)
        return f"ngày {shown_date(year, month, day)} không tồn tại: {why}"
    return f"viết {name}: {written}"


def date_fix(name: str, text: str) -> Fix | None:
    """Return the fix of a date typed in another form: the same date, day first with slashes; None for an impossible one."""
    slip = date_slip(text)
    if slip is None or typed_date_hint(name, text) != f"viết {name}: {slip[0]}":
        return None
    if name != "ngay" and slip[1][2] is None:  # only the issue date may be a month alone
        return None
    return Fix(f"viết ngày dạng ngày/tháng/năm: {slip[0]}", (name,), slip[0], text)
