"""The jinja tags of a Word template, found where a user sees them: part, table cell, paragraph.

A tag is named to the user by its text and its place ("phần đầu trang (word/header1.xml), bảng
thứ nhất, hàng thứ nhất, ô thứ hai, đoạn thứ nhất"), never by an offset in XML nobody sees. Tags
are read from the text of each paragraph, as Word shows it, before docxtpl cleans them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OPENERS = re.compile(r"\{[{%#]")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
# docxtpl's tags for a whole paragraph, run, table row or cell: `{%p if x %}`, `{{r x }}`.
_DOCXTPL_PREFIX = re.compile(r"^\{([{%])(?:p|r|tr|tc)(?=\s)")
_LOOP = re.compile(r"^\{%-?\s*(?:p|r|tr|tc)?\s*for\s+(.+?)\s+in\s")
_ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
_SHOWN = 60  # characters of a tag shown in a message


class UnreadablePart(Exception):
    """A part of the template is not well-formed XML."""


@dataclass(frozen=True)
class Tag:
    """One jinja tag as written in a template, and where it sits."""

    part: str
    where: str
    text: str
    closed: bool
    split: bool

    @property
    def cleaned(self) -> str:
        """Return the tag as jinja reads it once docxtpl has removed its p/r/tr/tc prefix."""
        return _DOCXTPL_PREFIX.sub(r"{\1", self.text)

    @property
    def shown(self) -> str:
        """Return the tag as a message shows it: cut after a few dozen characters."""
        return self.text if len(self.text) <= _SHOWN else self.text[:_SHOWN] + "…"

    @property
    def closer(self) -> str:
        return _CLOSERS[self.text[:2]]

    def loop_names(self) -> list[str]:
        """Return the variables a `for` tag defines (none for any other tag)."""
        match = _LOOP.match(self.text)
        if not match:
            return []
        return [name.strip() for name in match.group(1).strip("() ").split(",") if name.strip().isidentifier()]


def ordinal(number: int) -> str:
    """Return "thứ nhất", "thứ hai", … "thứ mười", then "thứ 11"."""
    return f"thứ {_ORDINALS[number - 1]}" if 0 < number <= len(_ORDINALS) else f"thứ {number}"


def part_label(name: str) -> str:
    """Return a part as a user knows it: "phần thân", "phần đầu trang (word/header1.xml)"."""
    if name == "word/document.xml":
        return "phần thân"
    if name.startswith("word/header"):
        return f"phần đầu trang ({name})"
    if name.startswith("word/footer"):
        return f"phần chân trang ({name})"
    if name == "docProps/core.xml":
        return "thuộc tính tài liệu (docProps/core.xml)"
    return name


def find_tags(part: str, blob: bytes) -> Iterator[Tag]:
    """Yield the tags in one part, paragraph by paragraph, with where each one sits."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(blob, parser)
    except etree.XMLSyntaxError as exc:
        raise UnreadablePart(part) from exc
    label = part_label(part)
    if part == "docProps/core.xml":
        for element in root.iter():
            if isinstance(element.tag, str) and element.text:
                yield from _tags_in(part, label, element.text, [element.text])
        return
    outside_tables = 0
    for paragraph in root.iter(f"{W}p"):
        runs = ["".join(t.text or "" for t in run.iter(f"{W}t")) for run in paragraph.iter(f"{W}r")]
        cell = next((a for a in paragraph.iterancestors(f"{W}tc")), None)
        if cell is None:
            outside_tables += 1
            where = f"{label}, đoạn {ordinal(outside_tables)}"
        else:
            where = f"{label}, {_cell_place(root, cell)}, đoạn {ordinal(_index(cell, paragraph, 'p'))}"
        yield from _tags_in(part, where, "".join(runs), runs)


def _cell_place(root, cell) -> str:  # noqa: ANN001 - lxml elements
    """Return "bảng thứ nhất, hàng thứ nhất, ô thứ hai" for a table cell."""
    row = cell.getparent()
    table = row.getparent()
    number = next(i for i, t in enumerate(root.iter(f"{W}tbl"), start=1) if t is table)
    return f"bảng {ordinal(number)}, hàng {ordinal(_index(table, row, 'tr'))}, ô {ordinal(_index(row, cell, 'tc'))}"


def _index(parent, child, tag: str) -> int:  # noqa: ANN001 - lxml elements
    return next(i for i, c in enumerate(parent.iterchildren(f"{W}{tag}"), start=1) if c is child)


def _tags_in(part: str, where: str, text: str, runs: list[str]) -> Iterator[Tag]:
    position = 0
    while True:
        opener = _OPENERS.search(text, position)
        if opener is None:
            return
        end = text.find(_CLOSERS[opener.group()], opener.end())
        if end < 0:
            yield Tag(part, where, text[opener.start() :].rstrip(), closed=False, split=False)
            return
        tag = text[opener.start() : end + 2]
        yield Tag(part, where, tag, closed=True, split=not any(tag in run for run in runs))
        position = end + 2
