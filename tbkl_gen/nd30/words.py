"""Vietnamese administrative writing rules: dates, numbers, point letters, Roman numerals.

Everything here is pure and follows Decree 30/2020 (Phụ lục I): days below 10 and months 1-2 take
a leading zero, months 3-12 do not; points run a), b), c), d), đ), e), g)… without f, j, w, z.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from tbkl_gen.nd30.format import END_MARK
from tbkl_gen.nd30.patterns import lazy

# Spaces that stand for a day or a month not known yet on a draft ("ngày      tháng 4 năm 2026").
BLANK_DAY = " " * 6
BLANK_MONTH = " " * 6
BLANK_NUMBER = " " * 6

POINT_LETTERS = (
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
    "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y",
)  # fmt: skip


def nfc(text: str) -> str:
    """Return text in precomposed Unicode (TCVN 6909:2001 asks for it)."""
    return unicodedata.normalize("NFC", text)


def upper(text: str) -> str:
    """Return Vietnamese text in capitals, keeping precomposed letters."""
    return nfc(text.upper())


def day_text(day: int) -> str:
    """Return the day as written in a date: two digits below 10."""
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Return the month as written in a date: "01", "02", then 3…12 without a zero."""
    return f"{month:02d}" if month <= 2 else str(month)


def date_line(place: str, year: int, month: int | None, day: int | None) -> str:
    """Return the place-and-date line, leaving unknown day or month blank for the clerk."""
    day_part = day_text(day) if day is not None else BLANK_DAY
    month_part = month_text(month) if month is not None else BLANK_MONTH
    return f"{place}, ngày {day_part} tháng {month_part} năm {year}"


def number_text(number: str | None) -> str:
    """Return the document number as printed: blank on drafts, a leading zero below 10."""
    if number is None:
        return BLANK_NUMBER
    if number.isdigit() and int(number) < 10:
        return f"{int(number):02d}"
    return number


def point_label(index: int) -> str:
    """Return the letter of the index-th point (0-based): a, b, … y, then aa, ab, …"""
    count = len(POINT_LETTERS)
    if index < count:
        return POINT_LETTERS[index]
    return point_label(index // count - 1) + POINT_LETTERS[index % count]


def roman(number: int) -> str:
    """Return number (1-3999) in Roman numerals, as sections are numbered."""
    values = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for value, letters in values:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def with_end_mark(text: str) -> str:
    """Return text ending with the end mark "./." that closes the content of a document (format.END_MARK)."""
    stripped = text.rstrip()
    if stripped.endswith(END_MARK):
        return stripped
    return stripped.rstrip(".") + END_MARK


# --- dates as drafters write them ---------------------------------------------------------------
# Accepted in a source: day first with slashes as Vietnamese write a date (21/4/2026, 21/04/2026,
# the month alone of a draft 4/2026), or ISO (2026-04-21, 2026-04, 2026). A source keeps the form
# its drafter wrote; what the tool writes (a fix, the page's date picker) is dd/mm/yyyy.
DATE_PATTERN = r"(?:\d{1,2}/)?\d{1,2}/\d{4}|\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
"""Every written form of a date, in full or of a draft (JSON Schema patterns are built from it)."""
FULL_DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}"
"""The written forms of a full date (day, month and year)."""
_DATE = lazy(r"^(?:(?:(?P<day>\d{1,2})/)?(?P<month>\d{1,2})/(?P<year>\d{4})|(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?)$")
# Slips: day first with dots or dashes (21.4.2026, 21-4-2026), year first with slashes or dots
# (2026/4/21), the date in words ("ngày 21 tháng 4 năm 2026", "tháng 4 năm 2026").
_DAY_FIRST_SLIP = lazy(r"^(\d{1,2})([.-])(\d{1,2})\2(\d{4})$")
_MONTH_FIRST_SLIP = lazy(r"^(\d{1,2})([.-])(\d{4})$")
_YEAR_FIRST_SLIP = lazy(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$")
_IN_WORDS = lazy(r"^(?:ngày\s+(\d{1,2})\s*,?\s+)?tháng\s+(\d{1,2})\s*,?\s+năm\s+(\d{4})$", re.IGNORECASE)


def date_parts(text: str) -> tuple[int, int | None, int | None] | None:
    """Return (year, month, day) of a date written in an accepted form, month and day None when not written; else None.

    The parts are not checked against the calendar: "31/02/2026" gives (2026, 2, 31), for the
    caller to name as a day that does not exist.
    """
    match = _DATE.match(nfc(text).strip())
    if match is None:
        return None
    if match["year"]:
        return int(match["year"]), int(match["month"]), int(match["day"]) if match["day"] else None
    return int(match["y"]), int(match["m"]) if match["m"] else None, int(match["d"]) if match["d"] else None


def date_slip(text: str) -> tuple[str, tuple[int, int | None, int | None]] | None:
    """Return a date written in another form than the accepted ones, rewritten day first with slashes, and its parts.

    The drafter's digits are kept ("21.04.2026" → "21/04/2026", "ngày 5 tháng 4 năm 2026" →
    "5/4/2026"); None when text is no date in a form this knows.
    """
    text = " ".join(nfc(text).split())
    if match := _DAY_FIRST_SLIP.match(text):
        day, month, year = match[1], match[3], match[4]
    elif match := _YEAR_FIRST_SLIP.match(text):
        year, month, day = match[1], match[3], match[4]
    elif match := _MONTH_FIRST_SLIP.match(text):
        day, month, year = "", match[1], match[3]
    elif match := _IN_WORDS.match(text):
        day, month, year = match[1] or "", match[2], match[3]
    else:
        return None
    written = f"{day}/{month}/{year}" if day else f"{month}/{year}"
    return written, (int(year), int(month), int(day) if day else None)


def shown_date(year: int, month: int | None = None, day: int | None = None) -> str:
    """Return a date as every message shows it: dd/mm/yyyy (mm/yyyy, yyyy while parts are blank)."""
    if month is None:
        return f"{year}"
    if day is None:
        return f"{month:02d}/{year}"
    return f"{day:02d}/{month:02d}/{year}"


def shown_day(day: dt.date) -> str:
    """Return a day as every message shows it: dd/mm/yyyy."""
    return shown_date(day.year, day.month, day.day)


def shown_moment(moment: dt.datetime) -> str:
    """Return a moment as every message shows it: dd/mm/yyyy hh:mm (in the moment's own time zone)."""
    return f"{shown_day(moment)} {moment:%H:%M}"


def read_shown_day(text: str) -> dt.date:
    """Return the day of a text written by shown_day (dd/mm/yyyy); ValueError for anything else."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date()
