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

NUMBER_SHAPE: Final = re.compile(rf"^(?:{NUMBER})$")
PRINTED_NUMBER_SHAPE: Final = re.compile(rf"^(?:{PRINTED_NUMBER})$")


def symbol_shape(kind: DocumentType = THONG_BAO) -> re.Pattern[str]:
    """Return the pattern of a symbol of this document type: "TB-UBND", "TB-UBND-KGVX", "TB-SNV2";
    for a type with no code (Công văn) the issuer alone: "UBND-KGVX", "SNV-TCBC", "BCĐ"."""
    if not kind.code:
        return re.compile(rf"^{ISSUER_ABBREVIATION}$")
    return re.compile(rf"^{re.escape(kind.code)}-{ISSUER_ABBREVIATION}$")


SYMBOL_SHAPE: Final = symbol_shape(THONG_BAO)

NUMBER_LINE: Final = re.compile(r"^Số:(?P<sp1> ?)(?P<num>[^/ ]*)(?P<sp2> ?)/(?P<sym>.*)$")
"""The printed "Số:" line, loosely, so that each slip in it can be told apart."""

# --- date line (nd30.md §3.4, rules 8-9) --------------------------------------------------------

PLACE: Final = r"[^,]+"
"""The place before the date: the comma after it is the date line's, none may be inside it."""
DATE_LINE: Final = re.compile("^(?P<place>" + PLACE + r"), ngày(?: (?P<day>\d{1,2}))? tháng(?: (?P<month>\d{1,2}))? năm (?P<year>\d{4})$")
"""The printed place-and-date line; a draft leaves the day, or the day and the month, blank."""

# --- authority lines (nd30.md §5, rule 14) ------------------------------------------------------

AUTHORITY_PREFIXES: Final = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
"""thay mặt, ký thay, thừa lệnh, thừa ủy quyền, quyền."""
AUTHORITY_RANK: Final[dict[str, int]] = {"TM.": 0, "TL.": 1, "TUQ.": 1, "KT.": 2, "Q.": 3}
"""Where each prefix stands in a stack, top first: TM. → TL./TUQ. → KT. → Q. before the title."""
ALLOWED_AUTHORITY: Final[tuple[tuple[str, ...], ...]] = (
    (), ("TM.",), ("TM.", "KT."), ("TM.", "Q."), ("KT.",), ("TL.",), ("TL.", "KT."), ("TUQ.",), ("Q.",),
)  # fmt: skip
"""The stacks of authority lines the decree allows above the signer's title, first line first."""
AUTHORITY_LINE: Final = re.compile(r"^(TM|KT|TL|TUQ|Q)\. (\S.*)$")
"""An authority line as typed and printed: prefix, dot, one space, the head's title or the body."""
PRINTED_AUTHORITY_LINE: Final = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*(\S.*)?$")
"""An authority line as found in any .docx, where a missing space is not this rule's concern."""

# --- the signer's name (nd30.md §5, rules 15 and 24) --------------------------------------------

ACADEMIC_PREFIX: Final = re.compile(
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
COPY_COUNT: Final = r"[0-9]{1,4}"
"""A number of copies in Arabic digits: "05", "300"."""
COPIES: Final = rf"{COPY_COUNT}|\({COPY_COUNT}\)"
"""The number of copies archived: "05" or "(300)"."""
ARCHIVE: Final = (
    rf"VT(?:, {UNIT})+(?:\.{_NAMES})?"
    rf"(?:(?:, | )(?:{DRAFTER}|\((?:{DRAFTER})\)))?"
    rf"(?:(?:, | |(?<=\.))(?:{COPIES}))?"
)
"""What follows "Lưu:": "VT" (Văn thư), one or more units, then optionally the drafter and copies."""
ARCHIVE_SHAPE: Final = re.compile(rf"^(?:{ARCHIVE})$")
PRINTED_ARCHIVE_LINE: Final = re.compile(rf"^- Lưu: (?:{ARCHIVE})\.$")
ARCHIVE_FORM: Final = "VT, <đơn vị soạn thảo>[, <người soạn thảo>][ <số bản>]"
"""The archive grammar told in words, for messages."""
DRAFTER_SHAPE: Final = re.compile(rf"^(?:{DRAFTER})$")
UNIT_SHAPE: Final = re.compile(rf"^(?:{UNIT})$")
COPY_COUNT_SHAPE: Final = re.compile(rf"^(?:{COPY_COUNT})$")
_PRINTED_PARTS = re.compile(rf"^(?P<units>VT(?:, {UNIT})+)(?:, (?P<drafter>{DRAFTER}))?(?:(?: |(?<=\.))\((?P<copies>{COPY_COUNT})\))?$")

_ARCHIVE_LEAD = re.compile(r"^[-–]\s*")
_ARCHIVE_WORD = re.compile(r"^lưu\s*:?\s*", re.IGNORECASE)
_COMMA = re.compile(r"\s*,\s*")


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


def is_archive(content: str) -> bool:
    """Return whether the archive line's content (after "Lưu: ") follows the decree."""
    return ARCHIVE_SHAPE.match(" ".join(content.split())) is not None
