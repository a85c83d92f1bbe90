"""The decree's grammars: number and symbol, authority lines, the archive line, the signer's name.

Decree 30/2020/NĐ-CP, Art. 13 and 15, Phụ lục I mục II.3, II.7, II.9 and III, Phụ lục III
(nd30.md §3.3, §5, §6, §7). The checks on a source and the audit of a .docx read these, so a
notice the checks accept prints lines the audit accepts. Shapes are written once as pattern
pieces and compiled for each use: a typed value (`so: "5"`) and the printed line ("Số: 05/…").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from tbkl_gen.nd30.document_types import THONG_BAO, DocumentType
from tbkl_gen.nd30.format import ADDRESSEE_HEAD, ADDRESSEE_ITEM_END, ADDRESSEE_LAST_END
from tbkl_gen.nd30.format import APPENDIX_REFERENCE_OPEN, APPENDIX_WORD
from tbkl_gen.nd30.patterns import lazy
from tbkl_gen.nd30.words import roman

# --- letters ------------------------------------------------------------------------------------


def _vietnamese_letters() -> tuple[str, str]:
    """Return the Vietnamese lower- and upper-case letters, each precomposed with every tone."""
    plain = "abcdđefghijklmnopqrstuvwxyzăâêôơư"
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    toned = "aăâeêioôơuưy"
    lower = plain + "".join(unicodedata.normalize("NFC", v + t) for v in toned for t in tones[1:])
    return lower, unicodedata.normalize("NFC", lower.upper())


LOWER_LETTERS, UPPER_LETTERS = _vietnamese_letters()


def all_caps(text: str) -> bool:
    """Return whether text has letters with case and all of them are capitals ("VÕ VĂN A")."""
    return text.isupper()


# --- number and symbol (nd30.md §3.3, rules 7) --------------------------------------------------

NUMBER: Final = r"0[1-9]|[1-9][0-9]{0,5}"
"""A typed number: "5" or "05" (printed "05"), up to six digits; numbering restarts every year."""
PRINTED_NUMBER: Final = r"0[1-9]|[1-9][0-9]{1,5}"
"""A printed number: below 10 with a leading zero."""
ISSUER_ABBREVIATION: Final = r"[A-ZĐ0-9]+(?:[-&][A-ZĐ0-9]+)*"
"""The issuer's abbreviation after the type code: "UBND", "SNV2", parts like "UBND-KGVX", or "SNN&PTNT"."""

NUMBER_SHAPE: Final = lazy(rf"^(?:{NUMBER})$")
PRINTED_NUMBER_SHAPE: Final = lazy(rf"^(?:{PRINTED_NUMBER})$")


def symbol_shape(kind: DocumentType = THONG_BAO) -> re.Pattern[str]:
    """Return the pattern of a symbol of this document type: "TB-UBND", "TB-UBND-KGVX", "TB-SNV2";
    for a type with no code (Công văn) the issuer alone: "UBND-KGVX", "SNV-TCBC", "BCĐ"."""
    return re.compile(_symbol_source(kind))  # re keeps the compiled patterns it made last


def _symbol_source(kind: DocumentType) -> str:
    if not kind.code:
        return rf"^{ISSUER_ABBREVIATION}$"
    return rf"^{re.escape(kind.code)}-{ISSUER_ABBREVIATION}$"


SYMBOL_SHAPE: Final = lazy(_symbol_source(THONG_BAO))

NUMBER_LINE: Final = lazy(r"^Số:(?P<sp1> ?)(?P<num>[^/ ]*)(?P<sp2> ?)/(?P<sym>.*)$")
"""The printed "Số:" line, loosely, so that each slip in it can be told apart."""

# --- date line (nd30.md §3.4, rules 8-9) --------------------------------------------------------

PLACE: Final = r"[^,]+"
"""The place before the date: the comma after it is the date line's, none may be inside it."""
DATE_LINE: Final = lazy("^(?P<place>" + PLACE + r"), ngày(?: (?P<day>\d{1,2}))? tháng(?: (?P<month>\d{1,2}))? năm (?P<year>\d{4})$")
"""The printed place-and-date line; a draft leaves the day, or the day and the month, blank."""

# --- authority lines: nd30/authority.py (the signing-authority grammar) -----------------------

# --- the signer's name (nd30.md §5, rules 15 and 24) --------------------------------------------

ACADEMIC_PREFIX: Final = lazy(
    r"^(?:(?:GS\.\s?TSKH|GS\.\s?TS|PGS\.\s?TS|TSKH|TS|ThS|Th\.S|GS|PGS|KS|BS|CN|NCS|LS)(?:\.\s*|\s+)"
    r"|(?:Tiến sĩ|Thạc sĩ|Giáo sư|Phó Giáo sư|Kỹ sư|Bác sĩ|Cử nhân|Luật sư)\s+)(?=\S)",
    re.IGNORECASE,
)
"""An academic or professional title before the signer's name, which the decree leaves out."""


def academic_prefix(name: str) -> str | None:
    """Return the academic title a name starts with, as written ("TS.", "PGS.TS."), or None."""
    match = ACADEMIC_PREFIX.match(" ".join(name.split()))
    return match.group().strip() if match else None


# --- the archive line (nd30.md §6 and ô 12 in §7, rules 17 and 23) ------------------------------

UNIT: Final = r"[A-ZĐ][A-ZĐ0-9]*(?:[&/-][A-ZĐ0-9]+)*"
"""A unit's abbreviation in capitals: "KGVX", "NN&MT", "SNV2"."""
_NAME_WORD = f"[{UPPER_LETTERS}][{LOWER_LETTERS}]*"
_NAMES = rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}"
_CODE = r"[A-ZĐ]+\."
DRAFTER: Final = rf"(?:{_CODE})?{_NAMES}|{_CODE}"
"""The drafter's mark: a code ("PL."), a name ("Sơn"), or both ("NC.Châu" reads unit NC, drafter Châu)."""
COPY_COUNT: Final = r"(?:0[1-9]|[1-9][0-9]{0,3})"
"""A number of copies in Arabic digits, 1 to 9999: "05", "5", "300"; a leading zero only below 10, as
in the document's number (so "0005" and "0" are refused, not printed "(0005)")."""
COPIES: Final = rf"{COPY_COUNT}|\({COPY_COUNT}\)"
"""The number of copies archived: "05" or "(300)"."""
ARCHIVE: Final = (
    rf"VT(?:, {UNIT})+(?:\.{_NAMES}|(?:, | )(?:{DRAFTER}|\((?:{DRAFTER})\)))?"
    rf"(?:(?:, | |(?<=\.))(?:{COPIES}))?"
)
"""What follows "Lưu:": "VT" (Văn thư), one or more units, then optionally the drafter and copies.

The drafter is named once: joined to the last unit ("VT, NC.Châu") or after it ("VT, KGVX, Sơn"),
never both ("VT, NC.Châu, Sơn" names two drafters)."""
_ARCHIVE_PARTS: Final = lazy(
    rf"^VT(?:, {UNIT})+(?:(?P<joined>\.{_NAMES})|(?:, | )(?P<drafter>{DRAFTER}|\((?:{DRAFTER})\)))?"
    rf"(?:(?:, | |(?<=\.))(?P<copies>{COPIES}))?$"
)
ARCHIVE_SHAPE: Final = _ARCHIVE_PARTS
"""`^(?:ARCHIVE)$`: the parts' pattern is ARCHIVE with its pieces named, so one compiled pattern
serves both (the Vietnamese letters make each of these patterns slow to compile)."""
_UNITS_ONLY: Final = lazy(rf"^VT(?:, {UNIT})+$")
"""The common line, units only ("VT, KGVX"): ARCHIVE matches it with no drafter and no copies (its
units take every code first), and this pattern, with no Vietnamese letters, compiles in a fraction
of the time, so most notices never compile ARCHIVE's."""
PRINTED_ARCHIVE_LINE: Final = lazy(rf"^- Lưu: (?:{ARCHIVE})\.$")
ARCHIVE_FORM: Final = "VT, <đơn vị soạn thảo>[, <người soạn thảo>][ <số bản>]"
"""The archive grammar told in words, for messages."""
DRAFTER_SHAPE: Final = lazy(rf"^(?:{DRAFTER})$")
UNIT_SHAPE: Final = lazy(rf"^(?:{UNIT})$")
COPY_COUNT_SHAPE: Final = lazy(rf"^(?:{COPY_COUNT})$")
_PRINTED_PARTS = lazy(rf"^(?P<units>VT(?:, {UNIT})+)(?:, (?P<drafter>{DRAFTER}))?(?:(?: |(?<=\.))\((?P<copies>{COPY_COUNT})\))?$")

_ARCHIVE_LEAD = lazy(r"^[-–]\s*")
_ARCHIVE_WORD = lazy(r"^lưu\s*:?\s*", re.IGNORECASE)
_COMMA = lazy(r"\s*,\s*")


def archive_content(typed: str) -> str:
    """Return what is printed after "- Lưu: ": the typed line without its dash, "Lưu:" and end mark."""
    text = " ".join(typed.split())
    text = _ARCHIVE_LEAD.sub("", text)
    text = _ARCHIVE_WORD.sub("", text)
    # "VT,KGVX" is the same line as "VT, KGVX": print the comma the decree's examples print.
    return _COMMA.sub(", ", text).rstrip(" ;.,")


def printed_archive(content: str, drafter: str | None = None, copies: str | None = None) -> str:
    """Return the archive line's content with the drafter's mark and the copies (ô 12) after the units.

    The drafter follows the units after ", " ("VT, KGVX, Sơn"); the number of copies follows in
    brackets, straight after a code's dot as in the decree's "PL.(300)", else after a space
    ("VT, KGVX, Sơn (05)", "VT, KGVX (05)"). A code with nothing after it loses its dot to the
    line's full stop, and then reads as a unit.
    """
    text = content
    if drafter:
        # The line's own full stop ends a code with nothing after it: "- Lưu: VT, KGVX, PL."
        text += f", {drafter if copies else drafter.rstrip('.')}"
    if copies:
        text += f"{'' if text.endswith('.') else ' '}({copies})"
    return text


def split_archive(content: str) -> tuple[str, str | None, str | None] | None:
    """Return (units, drafter, copies) of a content `printed_archive` made, or None for another form.

    "VT, KGVX, Sơn (05)" gives ("VT, KGVX", "Sơn", "05"); "VT, KGVX, NC.Châu" gives ("VT, KGVX",
    "NC.Châu", None). A drafter mark that reads as a unit ("NXT") cannot be told from one: it
    stays among the units, which is why the checks ask for a name or a code with a dot.
    """
    match = _PRINTED_PARTS.match(" ".join(content.split()))
    if match is None:
        return None
    return match.group("units"), match.group("drafter"), match.group("copies")


def is_drafter(mark: str) -> bool:
    """Return whether a drafter's mark is a name, a code with its dot, or both, and not a unit."""
    return DRAFTER_SHAPE.match(mark) is not None and UNIT_SHAPE.match(mark) is None


def archive_holds(content: str) -> tuple[bool, bool]:
    """Return whether an archive line's content (ARCHIVE) already names (the drafter, the copies).

    "VT, KGVX, Sơn", "VT, NC.Châu" and "VT, KGVX (Thập)" name the drafter, "VT, KGVX 05" the
    copies; a content outside the grammar names neither.
    """
    content = " ".join(content.split())
    if _UNITS_ONLY.match(content):
        return False, False
    match = _ARCHIVE_PARTS.match(content)
    if match is None:
        return False, False
    return bool(match.group("joined") or match.group("drafter")), bool(match.group("copies"))


def is_archive(content: str) -> bool:
    """Return whether the archive line's content (after "Lưu: ") follows the decree."""
    content = " ".join(content.split())
    return _UNITS_ONLY.match(content) is not None or ARCHIVE_SHAPE.match(content) is not None


# How offices type the drafter's mark and the copies otherwise than the decree prints them: the
# importer reads an original's line through these, and `tbkl check` offers the same as a fix.


def _drafter_in_brackets(content: str) -> str:
    """Return "VT, KGVX, Thập" for "VT, KGVX (Thập)": a drafter's mark is printed after a comma."""
    match = re.match(r"^(.*\S)\s*\(([^()]*)\)$", content)
    if match is None or not is_drafter(match.group(2).strip()):
        return content
    return f"{match.group(1)}, {match.group(2).strip()}"


def _drafter_after_stop(content: str) -> str:
    """Return "VT, XDCT, Khánh" for "VT, XDCT. Khánh": the name after a full stop and a space."""
    return re.sub(r"^(VT(?:, [^,.]+)+)\.\s+(\S.*)$", r"\1, \2", content)


def _bare_copies(content: str) -> str:
    """Return "VT, KGVX, Sơn (05)" for "VT, KGVX, Sơn 05" or "…, Sơn, 05": copies are printed in brackets."""
    return re.sub(r"(?:,\s*|\s+)(\d{1,4})$", r" (\1)", content)


def _drafter_after_space(content: str) -> str:
    """Return "VT, KGVX, Sơn" for "VT, KGVX Sơn" (a name typed on the line below the archive line, say)."""
    return re.sub(r"^(VT(?:, [^\s,]+)+) (?!\()(\S.*)$", r"\1, \2", content)


_ARCHIVE_REWRITES: Final = (_drafter_in_brackets, _drafter_after_stop, _bare_copies, _drafter_after_space)
"""How offices type the drafter and the copies otherwise than printed, tried in turn and together."""


def archive_as_printed(content: str) -> str | None:
    """Return the archive line's content as the decree prints it, or None when no known rewrite makes it so.

    "VT, XDCT(Sơn)" gives "VT, XDCT, Sơn", "VT, KGVX Sơn 05" gives "VT, KGVX, Sơn (05)": each
    rewrite of `_ARCHIVE_REWRITES` tried on top of the ones before until `split_archive` reads it.
    """
    printed = content
    for rewrite in _ARCHIVE_REWRITES:
        if split_archive(printed) is not None:
            break
        printed = rewrite(printed)
    return printed if split_archive(printed) is not None else None


# --- "Kính gửi" and the lines under the heading (nd30.md §3.5, Phụ lục I II.9.d) ---------------

ADDRESSEE_LINE: Final = lazy(
    r"^" + r"\s*".join(re.escape(word) for word in ADDRESSEE_HEAD.rstrip(":").split()) + r"\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
"""A "Kính gửi" line as found in any .docx: what follows the head (one addressee, the first item, or nothing)."""


def addressee_lines(names: tuple[str, ...]) -> tuple[str, ...]:
    """Return the "Kính gửi" lines as printed (Phụ lục I, II.9.d), or none.

    One addressee stands on the line of "Kính gửi:" ("Kính gửi: Sở Tài chính"); two or more go
    below it, one a line, "- " first, ";" after each and "." after the last.
    """
    if not names:
        return ()
    if len(names) == 1:
        return (f"{ADDRESSEE_HEAD} {names[0]}",)
    last = len(names) - 1
    return (ADDRESSEE_HEAD, *(f"- {name}{ADDRESSEE_LAST_END if index == last else ADDRESSEE_ITEM_END}" for index, name in enumerate(names)))


def addressee(typed: str) -> str:
    """Return an addressee as a source holds it: without "Kính gửi:", the dash and the end mark the layout prints."""
    text = " ".join(typed.split())
    match = ADDRESSEE_LINE.match(text)
    if match is not None:
        text = match.group("rest")
    return re.sub(r"^[-–—•+]\s*", "", text).rstrip(" ;.,")


TYPED_RULE: Final = lazy(r"_{3,}|[-–—―─]{4,}")
"""A horizontal line typed with characters instead of drawn ("_____________", "------"), spaces left out."""


def typed_rule(text: str) -> bool:
    """Return whether a line of text is only a typed horizontal line (spaces between the characters allowed)."""
    return TYPED_RULE.fullmatch("".join(text.split())) is not None


# --- appendices (Phụ lục I, Phần I, III.1; nd30.md §7) -------------------------------------------


def appendix_heading(index: int) -> str:
    """Return the heading of the index-th appendix (1-based): "Phụ lục I", "Phụ lục II", …

    The decree numbers appendices in Roman numerals once there are two or more; one appendix is
    numbered too ("Phụ lục I"), as the decree's own single appendices are, so that the body can
    name it the same way whatever is added later.
    """
    return f"{APPENDIX_WORD} {roman(index)}"


def appendix_reference(name: str, number: str, symbol: str, date_part: str, issuer: str | None) -> str:
    """Return the line under an appendix's title: "(Kèm theo Thông báo số 05/TB-UBND ngày … của …)".

    name is the document's kind in running text ("Thông báo", "Công văn"), number is printed as
    the header prints it (blanks on a draft), date_part is "ngày 05 tháng 3 năm 2026" with blanks
    where the draft has none; issuer is the issuing body in normal case.
    """
    tail = f" của {issuer}" if issuer else ""
    return f"{APPENDIX_REFERENCE_OPEN} {name} số {number}/{symbol} {date_part}{tail})"


APPENDIX_HEADING: Final = lazy(
    r"^\s*ph[ụu] l[ụu]c(?:\s+(?:số\s+)?(?P<number>[IVXLCDM]+|\d{1,3}))?\s*(?:[:.\-–]\s*(?P<title>.*))?$", re.IGNORECASE
)
"""A printed appendix heading, as the decree writes it ("Phụ lục I") or as offices do ("PHỤ LỤC 01")."""

APPENDIX_REFERENCE: Final = lazy(r"^\s*\(?\s*(?:kèm|đính kèm|ban hành kèm)\s+theo\b.*?\)?\s*$", re.IGNORECASE | re.DOTALL)
"""The line that ties an appendix to its document: "(Kèm theo Thông báo số …/TB-… ngày …)", brackets sometimes left out."""

APPENDIX_MENTION: Final = lazy(r"\b[Pp]hụ lục\s+(?:số\s+)?(?P<number>[IVXLCDM]+|\d{1,3})\b")
"""An appendix named in the text: "Xem chi tiết Phụ lục 01", "tại Phụ lục II"."""
APPENDIX_MENTION_HOLDS: Final = APPENDIX_WORD[1:]
"""What every APPENDIX_MENTION holds ("hụ lục" of "[Pp]hụ lục"): a text without it names no appendix."""


def appendix_number(written: str) -> int | None:
    """Return the number of an appendix as written ("01", "II"), or None for anything else."""
    if written.isdigit():
        return int(written)
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    if not written or any(letter not in values for letter in written.upper()):
        return None
    total = 0
    letters = written.upper()
    for position, letter in enumerate(letters):
        value = values[letter]
        following = values[letters[position + 1]] if position + 1 < len(letters) else 0
        total += -value if value < following else value
    return total
