"""A problem in a drafter's words: the field's label where the command line names a file, a line or a key.

`tbkl check` speaks to people who write the source: it names `tbkl.yaml:25:13`, the key
`nguoi_ky.ho_ten` and the command that wrote a sample. The page speaks to the drafter, who sees
fields with labels: `for_page` turns a Problem into what the page shows, and `drafters_words`
rewrites any message the page shows. The labels come from the notice's declaration
(`tbkl_gen.notice.paths.label`); nothing here restates a rule.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tbkl_gen.errors import Problem, shortened
from tbkl_gen.nd30.format import FONT
from tbkl_gen.nd30.units import twips_to_mm
from tbkl_gen.notice.model import Notice
from tbkl_gen.notice.paths import label

# `notices/2026/a.yaml:25:13: ` opening a line: the place of the problem, which the page shows by its field.
_FILE_PLACE = re.compile(r"^(?:[\w./-]+/)?[\w.-]+\.ya?ml(?::\d+){1,2}:\s*")
# Any other file named: `notices/2026/a-truoc.yaml:4` (another notice), `tbkl.yaml` (the office's settings).
_FILE = re.compile(r"(?:[\w.-]+/)*([\w.-]+)\.ya?ml(?::\d+){0,2}")
# `(ví dụ: ho_ten: Trần Thị Bình)`: an example line of the source; the page shows its value.
_EXAMPLE_KEY = re.compile(r"(ví dụ:?\s*)[a-z][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z][a-z0-9_]*(?:\[\d+\])?)*:\s*")
# A key path: `nguoi_ky.ho_ten`, `noi_dung[3].khoan`, `noi_nhan_them` (a word with "_", "." or "[n]").
_KEY_PATH = re.compile(
    r"“?(?<![\w/.-])[a-z][a-z0-9]*(?:(?:_[a-z0-9]+)+(?:\[\d+\])*(?:\.[a-z][a-z0-9_]*(?:\[\d+\])*)*"
    r"|(?:\[\d+\])+(?:\.[a-z][a-z0-9_]*(?:\[\d+\])*)*|(?:\.[a-z][a-z0-9_]*(?:\[\d+\])*)+)(?![\w/-])”?"
)
# `(so:)`: an empty key line, as the source writes it.
_EMPTY_KEY = re.compile(r"\s*\([a-z][a-z0-9_.]*:\)")
_INDEX = re.compile(r"\[(\d+)\]")
# Tool names and file kinds a drafter never meets on the page, in the words the page uses for them.
_TOOL_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s*của\s+“?tbkl new”?"), ""),
    (re.compile(r"\s*do\s+“?tbkl init”?\s+ghi(?:\s+vào\s+thiết lập chung của văn phòng)?"), ""),
    (re.compile(r"[,;]?\s*hoặc\s+[^,;()]*\btbkl\s+[a-z]+[^,;()]*"), ""),
    (re.compile(r"(?:chạy|dùng)\s+“?tbkl new”?"), "bấm nút “+ Văn bản mới”"),
    (re.compile(r"“?tbkl new”?"), "nút “+ Văn bản mới”"),
    (re.compile(r"“?tbkl serve”?"), "trang soạn thảo"),
    (re.compile(r"“?tbkl(?:\s+[a-z]+)?(?:\s+--?[a-z-]+)*”?"), "công cụ"),
    (re.compile(r"\(?\s*ví dụ\s+(?:trong|bằng)\s+VS Code\s*\)?"), ""),
    (re.compile(r"VS Code"), "trình soạn thảo"),
    (re.compile(r"\bYAML\b"), "tệp nguồn"),
)


# `993 twip (17,5 mm)`: a Word measure with its millimetres; a drafter reads millimetres.
_TWIPS_WITH_MM = re.compile(r"-?\d+(?:[.,]\d+)?\s*twips?\s*\(([^()]*?mm)\)")
# `cần 1134–1418 (20–25 mm)`: a range of twips given with its millimetres.
_TWIP_RANGE_WITH_MM = re.compile(r"\d+\s*[–-]\s*\d+\s*\(([^()]*?mm)\)")
_TWIPS = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*twips?")


def _millimetres(found: re.Match[str]) -> str:
    return f"{twips_to_mm(float(found.group(1).replace(',', '.'))):.1f}".replace(".", ",") + " mm"


# `cần 567 hoặc 720 (±20)`: indents the audit states in twips without a unit.
_TWIPS_OR = re.compile(r"\b(\d{3,5}) hoặc (\d{3,5}) \(±(\d{1,3})\)")
# `cần đúng 567 (1 cm)`: twips given with what they are in centimetres.
_TWIPS_WITH_CM = re.compile(r"\b\d{3,5} \(([\d,]+ cm)\)")
# Word's words for what a drafter calls letters and fonts.
_WORD_JARGON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"vùng (?:ascii|hAnsi|eastAsia|cs) dùng «([^»]+)» ở (\d+) đoạn chạy"), r"\2 chỗ chữ dùng phông «\1»"),
    (
        re.compile(r"vùng (?:ascii|hAnsi|eastAsia|cs) dùng phông chủ đề \w+ \(([^()]+)\) ở (\d+) (?:đoạn chạy|chỗ)"),
        r"\2 chỗ chữ dùng phông «\1»",
    ),
    (
        re.compile(r"vùng (?:ascii|hAnsi|eastAsia|cs) dùng phông chủ đề \w+ ở (\d+) (?:đoạn chạy|chỗ)"),
        r"\1 chỗ chữ dùng phông của chủ đề Word",
    ),
    (re.compile(rf"cần {FONT} cho cả \d vùng [a-zA-Z, ]+"), f"cần phông {FONT} cho mọi chữ"),
    (re.compile(r"(\d+) đoạn chạy không ở dạng Unicode dựng sẵn \(NFC\)"), r"\1 chỗ gõ chữ tổ hợp (dấu tách rời chữ)"),
    (re.compile(r",? ?Unicode NFC"), ""),
    (re.compile(r"\s*\((?:NFC|NFD)\)"), ""),
    (re.compile(r"đoạn chạy"), "chỗ"),
)
_RULE = re.compile(r"^quy tắc \d+$")


def _plain_measures(message: str) -> str:
    """Return a message with Word's units and words put as a drafter reads them: millimetres, fonts, letters."""
    message = _TWIPS_WITH_MM.sub(r"\1", message)
    message = _TWIP_RANGE_WITH_MM.sub(r"\1", message)
    message = _TWIPS_OR.sub(lambda f: f"{_mm(f.group(1))} hoặc {_mm(f.group(2))} (±{_mm(f.group(3))})", message)
    message = _TWIPS_WITH_CM.sub(r"\1", message)
    message = _TWIPS.sub(_millimetres, message)
    for pattern, words in _WORD_JARGON:
        message = pattern.sub(words, message)
    head, colon, parts = message.partition(": ")
    said = list(dict.fromkeys(parts.split("; ")))  # one finding for two of Word's font slots is said once
    return head + colon + "; ".join(said)


def _mm(twips: str) -> str:
    return f"{twips_to_mm(float(twips)):.1f}".replace(".", ",") + " mm"


def import_report(findings: list[tuple[str, str, str, str]]) -> dict[str, list[dict[str, str]]]:
    """Return an import's findings for the page, by kind, in the drafter's words and millimetres (never twips).

    Each finding keeps its place in the Word file (`noi`, "đoạn 12"; none for a rule of the
    decree, whose number means nothing to a drafter) and the text there (`doan`), by which the
    page finds the block it became. A rule's finding said twice (the page number's size under
    two rules) is listed once.
    """
    out: dict[str, list[dict[str, str]]] = {}
    said: set[tuple[str, str]] = set()
    for kind, where, message, text in findings:
        words = drafters_words(_plain_measures(message))
        if _RULE.match(where):
            where = ""
            detail = words.split(": ", 1)[-1]
            if (kind, detail) in said:
                continue
            said.add((kind, detail))
        out.setdefault(kind, []).append({"noi": where, "noi_dung": words, "doan": shortened(text, 90) if text else ""})
    return out


def field_label(field: str) -> str:
    """Return the label of the field at a path as `tbkl check` writes it (`noi_dung[3].khoan`): `khoản thứ 3`."""
    parts: list[str | int] = []
    for name in field.split("."):
        key = _INDEX.sub("", name)
        if key:
            parts.append(key)
        parts.extend(int(index) - 1 for index in _INDEX.findall(name))
    if not parts:
        return ""
    words = label(Notice, tuple(parts))
    if words.startswith("trường “"):  # no label declared (a key mistyped): its words, without the key's "_"
        last = next(str(part) for part in reversed(parts) if isinstance(part, str))
        words = "nội dung" if parts == ["noi_dung"] else last.replace("_", " ")
    index = next((part for part in reversed(parts) if isinstance(part, int)), None)
    return f"{words} (thứ {index + 1})" if index is not None else words


def field_values(data: Any, path: str = "") -> list[tuple[str, str]]:
    """Return each value of a notice's data in order with its field's label: what a drafter compares of two versions.

    A list of lines is one value (its lines joined by "; "); a body block is one value, its
    own blocks follow it. Labels, never key names: `trich_yeu` is "trích yếu", `noi_dung[3].khoan` "khoản (thứ 3)".
    """
    if isinstance(data, dict):
        out: list[tuple[str, str]] = []
        for key, value in data.items():
            out += field_values(value, f"{path}.{key}" if path else str(key))
        return out
    if isinstance(data, list):
        if all(not isinstance(item, (dict, list)) for item in data):
            return [(_capitalised(field_label(path)), "; ".join("" if item is None else str(item) for item in data))] if data else []
        out = []
        for index, item in enumerate(data, 1):
            out += field_values(item, f"{path}[{index}]")
        return out
    if data is None or data == "":
        return []
    return [(_capitalised(field_label(path)), str(data))]


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def drafters_words(text: str) -> str:
    """Return a message with every file place, key and tool name put in the words the page uses."""
    text = _FILE_PLACE.sub("", text)
    text = _FILE.sub(lambda found: "thiết lập chung của văn phòng" if found.group(1) == "tbkl" else f"thông báo “{found.group(1)}”", text)
    for pattern, words in _TOOL_WORDS:
        text = pattern.sub(words, text)
    text = _EXAMPLE_KEY.sub(r"\1", text)
    text = _EMPTY_KEY.sub("", text)
    text = _KEY_PATH.sub(lambda found: f"“{field_label(found.group().strip('“”'))}”", text)
    return re.sub(r"\s+([,.;)])", r"\1", re.sub(r"\(\s*\)", "", re.sub(r"  +", " ", text))).strip()


def for_page(problem: Problem, root: Path, path: Path) -> dict[str, Any]:
    """Return what the page shows of a problem: the field's label, the message and hint in drafter's words.

    `field` stays (the page finds the field's box by it; never shown), with `own` (the problem is in
    this notice, not in the office's defaults). `text` is the whole line, for a problem shown apart
    from any field.
    """
    data = problem.to_dict(root)
    own = problem.place.file is None or problem.place.file == path
    name = field_label(problem.place.field) if problem.place.field else ""
    message = drafters_words(problem.message)
    hint = drafters_words(problem.hint)
    where = name if own else f"thiết lập chung của văn phòng{f', {name}' if name else ''}"
    words = message + (f" ({hint})" if hint else "")
    data.update(
        {
            "file": None if own else "thiết lập chung của văn phòng",
            "line": None,
            "column": None,
            "label": name,
            "message": message,
            "hint": hint,
            "own": own,
            "text": f"{where}: {words}" if where else words,
        }
    )
    return data
