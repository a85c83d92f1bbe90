"""The signing authority: which stacks of authority lines and titles the decree allows, and why not.

Decree 30/2020/NĐ-CP, Art. 13 and Phụ lục I mục II.7.b (nd30.md §5). One grammar for every
reader: `tbkl check` hands it the lines a source types (`quyen_han`, `chuc_vu`), the audit of a
.docx the lines it reads in the signature cell, and both print what it says. A stack is the
authority lines top first ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG") and the signer's title under
them ("PHÓ CHÁNH VĂN PHÒNG"); the title may itself carry "Q." (an acting head: "Q. CHỦ TỊCH").

The rules, each told with its reason:
- every authority line starts with a prefix: TM. (thay mặt), KT. (ký thay), TL. (thừa lệnh),
  TUQ. (thừa ủy quyền) or Q. (quyền), each at most once;
- "TM." comes first and stands before a collective's name, the others before a head's title
  (not a deputy's, not a collective's);
- "KT." is the last line, right above the deputy's title, and the title is that head's deputy;
  a deputy signs only under "KT." (or as an acting head under "Q.");
- "TL." and "TUQ." exclude each other and "TM."; the one who signs by order or by delegation is
  the head of a unit, not the head himself;
- "TUQ." is not passed on to a deputy (Art. 13.3: no re-delegation), so no "KT." under it;
- what remains must be one of ALLOWED_STACKS.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from tbkl_gen.nd30.patterns import lazy

PREFIXES: Final = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
"""thay mặt, ký thay, thừa lệnh, thừa ủy quyền, quyền."""
PREFIX_NAMES: Final[dict[str, str]] = {"TM.": "thay mặt", "KT.": "ký thay", "TL.": "thừa lệnh", "TUQ.": "thừa ủy quyền", "Q.": "quyền"}
TITLE_PREFIXES: Final = ("Q.",)
"""The prefixes a signer's title may carry itself ("Q. CHỦ TỊCH"); the others belong on a line above."""
ALLOWED_STACKS: Final[tuple[tuple[str, ...], ...]] = (
    (), ("TM.",), ("TM.", "KT."), ("TM.", "Q."), ("KT.",), ("TL.",), ("TL.", "KT."), ("TUQ.",), ("Q.",),
)  # fmt: skip
"""The stacks of authority lines the decree allows above the signer's title, first line first."""

_PREFIX_PATTERN: Final = "|".join(re.escape(p.removesuffix(".")) for p in PREFIXES)
LINE: Final = lazy(rf"^({_PREFIX_PATTERN})\. (\S.*)$")
"""An authority line as typed and printed: prefix, dot, one space, the head's title or the body."""
PRINTED_LINE: Final = lazy(rf"^({_PREFIX_PATTERN})\.\s*(\S.*)?$")
"""An authority line as found in any .docx, where a missing space is not this grammar's concern."""
SLIP: Final = lazy(
    r"^(" + "|".join(r"\s*/?\s*".join(p.removesuffix(".")) for p in PREFIXES) + r")(?:\s*[.:,/]\s*|\s+)(\S.*)$", re.IGNORECASE
)
"""A prefix typed with a slip: "KT CHÁNH VĂN PHÒNG", "K/T", "KT:", "kt.": read, and told how to write."""

# Titles of one person: "TM." (on behalf of a collective) never stands before one of these.
INDIVIDUAL_TITLES: Final = (
    "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "BỘ TRƯỞNG", "THỦ TRƯỞNG",
    "TRƯỞNG BAN", "CHỦ NHIỆM", "TỔNG GIÁM ĐỐC", "VIỆN TRƯỞNG", "CỤC TRƯỞNG", "VỤ TRƯỞNG",
    "CHÁNH THANH TRA", "CHÁNH ÁN", "HIỆU TRƯỞNG", "TỔNG CỤC TRƯỞNG", "THỨ TRƯỞNG",
)  # fmt: skip
# Names of collective bodies: "KT.", "TL.", "TUQ." and "Q." stand before a person's title instead.
COLLECTIVE_NAMES: Final = (
    "ỦY BAN", "UỶ BAN", "HỘI ĐỒNG", "BAN ", "THƯỜNG TRỰC", "ĐOÀN ", "TẬP THỂ", "CHÍNH PHỦ",
    "ĐẢNG ĐOÀN", "VĂN PHÒNG", "SỞ ", "CỤC ", "TỔNG CỤC", "VỤ ", "THANH TRA ",
)  # fmt: skip
DEPUTY_TITLES: Final = ("PHÓ ", "THỨ TRƯỞNG")
MINISTER: Final = "BỘ TRƯỞNG"
DEPUTY_OF_MINISTER: Final = "THỨ TRƯỞNG"
DEPUTY: Final = "PHÓ "


def deputy_of(head: str) -> str:
    """Return the deputy's title for a head's title: PHÓ CHỦ TỊCH, or THỨ TRƯỞNG for a minister."""
    return DEPUTY_OF_MINISTER if head == MINISTER else f"{DEPUTY}{head}"


def head_of(deputy: str) -> str:
    """Return the head's title for a deputy's title: CHỦ TỊCH for PHÓ CHỦ TỊCH, BỘ TRƯỞNG for THỨ TRƯỞNG."""
    return MINISTER if deputy.startswith(DEPUTY_OF_MINISTER) else deputy.removeprefix(DEPUTY)


def is_deputy(title: str) -> bool:
    return title.startswith(DEPUTY_TITLES)


def is_individual(title: str) -> bool:
    return is_deputy(title) or title.startswith(INDIVIDUAL_TITLES) or title.endswith("TRƯỞNG")


def is_collective(title: str) -> bool:
    return not is_individual(title) and title.startswith(COLLECTIVE_NAMES)


def stack_text(stack: Sequence[str]) -> str:
    """Return a stack of prefixes in words: "TL. rồi KT."."""
    return " rồi ".join(stack)


ALLOWED_TEXT: Final = "; ".join(stack_text(stack) for stack in ALLOWED_STACKS if stack)
"""The allowed stacks in words, for messages: "TM.; TM. rồi KT.; …", derived from ALLOWED_STACKS."""
LINE_EXAMPLES: Final = "ví dụ “TL. CHỦ TỊCH”, “KT. CHÁNH VĂN PHÒNG”"


@dataclass(frozen=True)
class Breach:
    """One rule of the signing authority a stack breaks.

    `where` is the index of the authority line at fault, `len(lines)` for the signer's title, or
    None for the stack as a whole; `message` and `hint` are Vietnamese, in the printed terms both
    a source and a Word file share.
    """

    where: int | None
    message: str
    hint: str


def parse_line(text: str) -> tuple[str, str] | None:
    """Return (prefix, what follows) of an authority line written to the grammar, or None."""
    match = LINE.match(" ".join(text.split()))
    return (match.group(1) + ".", match.group(2)) if match else None


def breaches(lines: Sequence[str], title: str) -> list[Breach]:
    """Return every rule of Art. 13 and PL-I II.7.b the stack (authority lines, then title) breaks.

    Lines and title are compared in capitals with single spaces, as printed. An empty list means
    the decree allows the stack.
    """
    found: list[Breach] = []
    parsed: list[tuple[int, str, str]] = []  # (index in lines, prefix, head)
    for index, line in enumerate(lines):
        read = parse_line(line)
        if read is None:
            found.append(
                Breach(index, f"dòng quyền hạn “{line}” phải bắt đầu bằng {', '.join(PREFIXES[:-1])} hoặc {PREFIXES[-1]}", LINE_EXAMPLES)
            )
        else:
            parsed.append((index, *read))
    prefixes = [prefix for _, prefix, _ in parsed]
    for position, (index, prefix, head) in enumerate(parsed):
        if prefix in prefixes[:position]:
            found.append(Breach(index, f"“{prefix}” xuất hiện hai lần", "mỗi cách ký chỉ ghi một lần"))
        if prefix == "TM.":
            if position != 0:
                found.append(Breach(index, "“TM.” (thay mặt) là dòng quyền hạn đầu tiên", "đưa dòng “TM. …” lên đầu"))
            if is_individual(head):
                found.append(
                    Breach(
                        index,
                        f"“TM.” (thay mặt) chỉ đứng trước tên tập thể, không trước chức danh “{head}”",
                        "ví dụ “TM. ỦY BAN NHÂN DÂN”; chức danh cá nhân dùng “KT.”, “TL.”, “TUQ.” hoặc “Q.”",
                    )
                )
            continue
        if is_deputy(head):
            found.append(
                Breach(
                    index,
                    f"sau “{prefix}” là chức vụ của cấp trưởng, không phải cấp phó “{head}”",
                    f"viết “{prefix} {head_of(head)}”" if head.startswith(DEPUTY) else f"ví dụ “KT. {MINISTER}”",
                )
            )
        elif is_collective(head):
            found.append(
                Breach(
                    index,
                    f"sau “{prefix}” là chức vụ của cấp trưởng, không phải tên tập thể “{head}”",
                    "ví dụ “TL. CHỦ TỊCH”; trước tên tập thể dùng “TM.”",
                )
            )
        if prefix == "KT." and position != len(parsed) - 1:
            found.append(
                Breach(index, "“KT.” (ký thay) là dòng quyền hạn cuối cùng, ngay trên chức vụ của cấp phó", "đưa dòng “KT. …” xuống cuối")
            )
    if {"TL.", "TUQ."} <= set(prefixes):
        found.append(Breach(None, "không dùng cùng lúc “TL.” (thừa lệnh) và “TUQ.” (thừa ủy quyền)", "giữ một trong hai"))
    if "TM." in prefixes and {"TL.", "TUQ."} & set(prefixes):
        found.append(Breach(None, "“TM.” (thay mặt) không đi cùng “TL.” hay “TUQ.”", "giữ một trong hai"))
    if "TUQ." in prefixes and "KT." in prefixes:
        found.append(
            Breach(
                None,
                "người ký thừa ủy quyền (TUQ.) không giao lại cho cấp phó ký thay (KT.)",
                "Điều 13 khoản 3 Nghị định 30: người được ủy quyền không ủy quyền lại",
            )
        )
    found += _title_breaches(len(lines), " ".join(title.split()), parsed)
    if not found and tuple(prefixes) not in ALLOWED_STACKS:
        found.append(
            Breach(None, f"cách ghi quyền hạn “{' / '.join(prefixes)}” không có trong Nghị định 30", f"dùng một trong: {ALLOWED_TEXT}")
        )
    return found


def _title_breaches(where: int, title: str, parsed: list[tuple[int, str, str]]) -> list[Breach]:
    """Return what the signer's title breaks under these authority lines."""
    stray = next((p for p in PREFIXES if p not in TITLE_PREFIXES and title.startswith(p)), None)
    if stray is not None:
        return [Breach(where, f"chức vụ người ký không có “{stray}”", f"ghi “{stray} …” thành một dòng quyền hạn, chức vụ chỉ ghi chức vụ")]
    if title.startswith(TITLE_PREFIXES) and any(prefix in TITLE_PREFIXES for _, prefix, _ in parsed):
        return [Breach(where, "“Q.” xuất hiện hai lần", "mỗi cách ký chỉ ghi một lần")]
    last = parsed[-1] if parsed else None
    signs_for = next((line for line in parsed if line[1] == "KT."), None)
    deputy = is_deputy(title)
    if signs_for is not None:
        head = signs_for[2]
        expected = deputy_of(head)
        if not deputy:
            return [Breach(where, f"ký thay (KT.) thì người ký là cấp phó, nhưng chức vụ là “{title}”", f"viết chức vụ: {expected}")]
        if not (is_deputy(head) or is_collective(head)) and title != expected and not title.startswith(expected + " "):
            return [
                Breach(
                    where,
                    f"ký thay “{head}” thì chức vụ là “{expected}”, nhưng gặp “{title}”",
                    f"viết chức vụ: {expected}, hoặc sửa dòng “KT. …” cho đúng cấp trưởng",
                )
            ]
    elif deputy and not any(prefix == "Q." for _, prefix, _ in parsed):
        return [
            Breach(
                where,
                f"cấp phó “{title}” ký thì phải có dòng “KT. …” của cấp trưởng ngay trên",
                f"thêm dòng “KT. {head_of(title)}” ngay trên chức vụ",
            )
        ]
    elif last is not None and last[1] in ("TL.", "TUQ.") and title == last[2]:
        return [
            Breach(
                where,
                f"người ký {PREFIX_NAMES[last[1]]} ({last[1]}) là người đứng đầu đơn vị được giao, không phải chính “{title}”",
                "ví dụ “TL. CHỦ TỊCH” rồi chức vụ CHÁNH VĂN PHÒNG",
            )
        ]
    return []


def read_printed(paragraphs: Sequence[Sequence[str]]) -> tuple[list[str], str]:
    """Return (authority lines, title) of a printed signature block, given its paragraphs' lines.

    The title is the end of the last paragraph after its last prefixed line (all of it when it
    has none), or that prefixed line itself when nothing follows it ("Q. CHỦ TỊCH"). Above it, a
    prefixed line starts an authority line, and a line without one continues the line above it in
    the same paragraph (a long line broken by hand); a paragraph that starts without a prefix is
    an authority line of its own, which `breaches` refuses ("ỦY BAN NHÂN DÂN" over "CHỦ TỊCH" is
    a missing "TM.", not a title on two paragraphs). Each source line prints as a paragraph, so
    this reading gives back the source's lines and title.
    """
    paras = [[_spaced(line) for line in para if line.strip()] for para in paragraphs]
    paras = [para for para in paras if para]
    if not paras:
        return [], ""
    *above, last = paras
    marks = [i for i, line in enumerate(last) if PRINTED_LINE.match(line)]
    cut = marks[-1] + 1 if marks else 0
    if cut == len(last):
        cut -= 1
    title = " ".join(last[cut:])
    lines: list[str] = []
    for para in [*above, last[:cut]]:
        for position, line in enumerate(para):
            if position and not PRINTED_LINE.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
    return lines, title


def _spaced(line: str) -> str:
    """Return a printed line with single spaces and one space after its prefix ("KT.CHÁNH" → "KT. CHÁNH")."""
    text = " ".join(line.split())
    match = PRINTED_LINE.match(text)
    return f"{match.group(1)}. {match.group(2) or ''}".rstrip() if match else text
