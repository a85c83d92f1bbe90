"""Vietnamese administrative writing rules: dates, numbers, point letters, Roman numerals.

Everything here is pure and follows Decree 30/2020 (Phụ lục I): days below 10 and months 1-2 take
a leading zero, months 3-12 do not; points run a), b), c), d), đ), e), g)… without f, j, w, z.
"""

from __future__ import annotations

import unicodedata

from tbkl_gen.nd30.format import END_MARK

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
