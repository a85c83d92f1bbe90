"""The body of a notice from its paragraphs: typed or automatic labels become structure.

A paragraph's kind comes from our own templates' paragraph style when the file was rendered by
tbkl (exact), else from its label: "I." a section, "1." an item, "a)" a point, "-" a dash item,
"+" a plus item, anything else a plain paragraph. Items nest by kind (section > item > point >
dash > plus); plain paragraphs belong to the innermost section, item or point above them, except
the closing paragraphs, which stand at the top. Labels are computed again by the layout; every
typed label that prints differently (a skipped letter, an item numbered on from the previous
section) is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tbkl_gen.importer.inline import Char, all_bold, plain, to_markup
from tbkl_gen.importer.report import CORRECTION, WARNING, FileReport
from tbkl_gen.nd30 import words as vn
from tbkl_gen.nd30.grammar import all_caps
from tbkl_gen.notice.model import BLOCK_KEYS

KIND_BY_STYLE = {
    "TBNoiDung": "doan",
    "TBMuc": "muc",
    "TBKhoanTieuDe": "khoan_tieu_de",
    "TBKhoan": "khoan",
    "TBDiem": "diem",
    "TBGach": "gach",
    "TBCong": "cong",
}
"""Paragraph styles of the built-in templates, by the kind of paragraph the layout gives them."""

LEVEL = {kind: depth for depth, kind in enumerate(BLOCK_KEYS)}

_NESTED_NUMBER = re.compile(r"^\d+\.\d+(\.\d+)*\.?\s")
_LABELS = (
    ("muc", re.compile(r"^(?P<n>[IVXLC]+)\s?\.\s*(?=\S)")),
    ("khoan", re.compile(r"^(?P<n>\d{1,3})\s?[.)]\s*(?=\S)")),
    ("diem", re.compile(r"^(?P<n>[a-zđ]{1,2})\s?\)\s*(?=\S)")),
    ("cong", re.compile(r"^(?P<n>\+)\s*(?=\S)")),
    ("gach", re.compile(r"^(?P<n>[-–—•·∙◦▪‐‑−\uf000-\uf0ff])\s*(?=\S)")),
)
# Exactly what our layout prints before each kind of paragraph.
_PRINTED = {
    "muc": re.compile(r"^(?P<n>[IVXLCDM]+)\. "),
    "khoan": re.compile(r"^(?P<n>\d+)\. "),
    "khoan_tieu_de": re.compile(r"^(?P<n>\d+)\. "),
    "diem": re.compile(r"^(?P<n>[a-zđ]+)\) "),
    "gach": re.compile(r"^(?P<n>-) "),
    "cong": re.compile(r"^(?P<n>\+) "),
}
_CLOSING = re.compile(
    r"^(Trên đây là|Trân trọng|Văn phòng .{0,80}thông báo|.{0,200}\bthông báo\b.{0,200}\b(biết|thực hiện)\b)", re.IGNORECASE
)


@dataclass
class BodyPara:
    """One body paragraph: where it is, its characters (cleaned), its style id."""

    where: str
    chars: list[Char]
    style_id: str | None


@dataclass
class _Block:
    kind: str
    where: str
    typed: str
    data: dict[str, Any]
    children: list[Any] = field(default_factory=list)


def recognise(para: BodyPara) -> tuple[str, str, list[Char]]:
    """Return the paragraph's kind, its typed label ("e", "1", "-"; "" for text) and its content."""
    text = plain(para.chars)
    styled = KIND_BY_STYLE.get(para.style_id or "")
    if styled is not None:
        if styled == "doan":
            return "doan", "", para.chars
        match = _PRINTED[styled].match(text)
        if match is not None:
            return styled, match.group("n"), para.chars[match.end() :]
    if _NESTED_NUMBER.match(text):
        return "doan", "", para.chars
    for kind, pattern in _LABELS:
        match = pattern.match(text)
        if match is not None:
            return kind, match.group("n"), para.chars[match.end() :]
    return "doan", "", para.chars


@dataclass
class TableItem:
    """A table among the body's paragraphs, already read into its source data (`{"bang": …}`)."""

    where: str
    data: dict[str, Any]


def build_body(items: list[BodyPara | TableItem], report: FileReport) -> list[Any]:
    """Return the notice's `noi_dung` from its body paragraphs and tables, reporting every correction.

    A table belongs where it stands: inside the item or point above it, like a paragraph.
    """
    tables = {index: item for index, item in enumerate(items) if isinstance(item, TableItem)}
    paras = [item for item in items if isinstance(item, BodyPara)]
    placed: dict[int, list[TableItem]] = {}  # index of the paragraph a table follows (-1: first) -> tables
    count = -1
    for index in range(len(items)):
        if index in tables:
            placed.setdefault(count, []).append(tables[index])
        else:
            count += 1
    root: list[Any] = []
    stack: list[_Block] = []
    for table in placed.get(-1, []):
        root.append(table.data)
    recognised = [(para, *recognise(para)) for para in paras]
    last_labelled = max((i for i, (_, kind, _, _) in enumerate(recognised) if kind != "doan"), default=-1)
    closing_from = len(recognised) - 1
    for index in range(last_labelled + 1, len(recognised)):
        if _CLOSING.match(plain(recognised[index][3])):
            closing_from = index
            break
    for index, (para, kind, typed, content) in enumerate(recognised):
        if index > 0:
            _place_tables(placed.get(index - 1, []), stack, root)
        if kind == "doan":
            text, lost = to_markup(content)
            _note_lost(report, para.where, lost)
            if _NESTED_NUMBER.match(plain(content)) and KIND_BY_STYLE.get(para.style_id or "") is None:
                report.add(WARNING, para.where, "số nhiều cấp (1.1., 1.2.…) không có trong thể thức; giữ nguyên trong đoạn văn")
            if not text:
                continue
            if index >= closing_from or index > last_labelled and index == len(recognised) - 1:
                stack.clear()
            holder = next((b for b in reversed(stack) if LEVEL[b.kind] <= LEVEL["diem"]), None)
            (holder.children if holder else root).append(text)
            continue
        title = kind == "khoan_tieu_de"
        if kind == "khoan" and KIND_BY_STYLE.get(para.style_id or "") is None and all_bold(content):
            title = True
        kind = "khoan" if kind == "khoan_tieu_de" else kind
        text, lost = to_markup(content, base_bold=title or kind == "muc")
        _note_lost(report, para.where, lost)
        if kind == "muc" and KIND_BY_STYLE.get(para.style_id or "") is None and text.endswith(":"):
            text = text[:-1].rstrip()
            report.add(CORRECTION, para.where, f"bỏ dấu «:» cuối tên mục «{typed}. {text}»")
        if not text:
            report.add(WARNING, para.where, f"nhãn «{typed}» đứng một mình, không có nội dung; giữ làm đoạn văn")
            holder = next((b for b in reversed(stack) if LEVEL[b.kind] <= LEVEL["diem"]), None)
            (holder.children if holder else root).append(typed)
            continue
        data: dict[str, Any] = {kind: text}
        if title:
            data["tieu_de"] = True
        block = _Block(kind, para.where, typed, data)
        while stack and LEVEL[stack[-1].kind] >= LEVEL[kind]:
            stack.pop()
        (stack[-1].children if stack else root).append(block)
        stack.append(block)
    if recognised:
        _place_tables(placed.get(len(recognised) - 1, []), stack, root)
    _check_labels(root, report)
    return [_as_data(item) for item in root]


def _place_tables(tables: list[TableItem], stack: list[_Block], root: list[Any]) -> None:
    """Put tables where a paragraph after the current block would go."""
    holder = next((b for b in reversed(stack) if LEVEL[b.kind] <= LEVEL["diem"]), None)
    for table in tables:
        (holder.children if holder else root).append(table.data)


def headings_as_typed(paras: list[BodyPara], report: FileReport) -> bool:
    """Return whether section headings print as typed (`muc_in_hoa: false`) rather than in capitals.

    Headings typed in sentence case ("I. Nhiệm vụ chung") are kept so; headings in capitals (typed
    so, or shown so by All Caps) stay as today, in capitals. A heading without lower-case letters
    prints the same either way, so one heading with lower-case letters decides: the import then
    prints every heading as the file shows it, and a file that mixes the two is named in the report.
    """
    titles: list[tuple[str, str]] = []
    for para in paras:
        kind, _, content = recognise(para)
        if kind == "muc":
            titles.append((para.where, plain([c for c in content if c.note is None]).strip()))
    typed = [(where, text) for where, text in titles if any(c.islower() for c in text)]
    if not typed:
        return False
    capitals = [text for _, text in titles if all_caps(text)]
    if capitals:
        report.add(
            WARNING,
            typed[0][0],
            f"tiêu đề mục gõ lẫn chữ in hoa («{capitals[0]}») và chữ thường («{typed[0][1]}»): in đúng như đã gõ "
            "(muc_in_hoa: false); muốn in hoa tất cả như mẫu Nghị định 30 thì xóa dòng muc_in_hoa",
        )
    return True


def _note_lost(report: FileReport, where: str, lost: bool) -> None:
    if lost:
        report.add(WARNING, where, "chữ vừa đậm vừa nghiêng ở cuối đoạn đậm: giữ đậm, bỏ nghiêng (cú pháp nguồn không viết được)")


def _as_data(item: Any) -> Any:
    if isinstance(item, str | dict):  # a paragraph, or a table's data
        return item
    data = dict(item.data)
    if item.children:
        data["noi_dung"] = [_as_data(child) for child in item.children]
    return data


def _check_labels(blocks: list[Any], report: FileReport) -> None:
    """Report every typed label that the layout prints differently, counting as the layout does."""
    sections = items = points = 0
    for block in blocks:
        if isinstance(block, str | dict):
            continue
        if block.kind == "muc":
            sections += 1
            items = 0
            _compare(report, block, vn.roman(sections), "mục", ".")
        elif block.kind == "khoan":
            items += 1
            _compare(report, block, str(items), "khoản", ".")
        elif block.kind == "diem":
            _compare(report, block, vn.point_label(points), "điểm", ")")
            points += 1
        elif block.kind == "gach" and block.typed != "-":
            # Symbol-font bullets are private-use characters: show them as the bullet they draw.
            shown = "•" if "\uf000" <= block.typed <= "\uf0ff" else block.typed
            report.add(CORRECTION, block.where, f"dấu đầu dòng «{shown}» in lại thành «-»")
        _check_labels(block.children, report)


def _compare(report: FileReport, block: _Block, printed: str, name: str, mark: str) -> None:
    if block.typed != printed:
        report.add(CORRECTION, block.where, f"{name} «{block.typed}{mark}» in lại thành «{printed}{mark}»")
