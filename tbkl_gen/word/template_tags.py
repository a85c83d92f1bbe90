"""The jinja tags of a Word template, found where a user sees them: part, table cell, paragraph.

A tag is named to the user by its text and its place ("phần đầu trang (word/header1.xml), bảng
thứ nhất, hàng thứ nhất, ô thứ hai, đoạn thứ nhất"), never by an offset in XML nobody sees. Tags
are read from the text of each paragraph, as Word shows it, before docxtpl cleans them.

An office edits its copy of a template in Word or LibreOffice, and the editor rewrites the tags
without showing it: a tag typed in two goes or spell-checked ends up split across runs (with
proofing marks, bookmarks or other formatting between the pieces), LibreOffice writes `"` as
`&quot;`, autocorrect turns quotes into smart quotes. `repair_tags` undoes all of that inside the
tags, and only there, before a tag is checked or compiled.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from itertools import accumulate
from typing import TYPE_CHECKING
from tbkl_gen.errors import UnreadablePart, shortened

if TYPE_CHECKING:
    from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OPENERS = re.compile(r"\{[{%#]")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
# docxtpl's tags for a whole paragraph, run, table row or cell: `{%p if x %}`, `{{r x }}`.
_DOCXTPL_PREFIX = re.compile(r"^\{([{%])(?:p|r|tr|tc)(?=\s)")
_LOOP = re.compile(r"^\{%-?\s*(?:p|r|tr|tc)?\s*for\s+(.+?)\s+in\s")
_ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
_SHOWN = 60  # characters of a tag shown in a message


@dataclass(frozen=True)
class Tag:
    """One jinja tag as written in a template, and where it sits."""

    part: str
    where: str
    text: str
    closed: bool

    @property
    def cleaned(self) -> str:
        """Return the tag as jinja reads it once docxtpl has removed its p/r/tr/tc prefix."""
        return _DOCXTPL_PREFIX.sub(r"{\1", self.text)

    @property
    def shown(self) -> str:
        """Return the tag as a message shows it: cut after a few dozen characters."""
        return shortened(self.text, _SHOWN)

    @property
    def closer(self) -> str:
        return _CLOSERS[self.text[:2]]

    @property
    def statement(self) -> str:
        """Return the statement of a `{% … %}` tag ("if", "endfor", …), or "" for any other tag."""
        if not (self.closed and self.text.startswith("{%")):
            return ""
        inner = self.cleaned[2:-2].strip().removeprefix("-").removesuffix("-").split(maxsplit=1)
        return inner[0] if inner else ""

    def loop_names(self) -> list[str]:
        """Return the variables a `for` tag defines (none for any other tag)."""
        match = _LOOP.match(self.text)
        if not match:
            return []
        return [name.strip() for name in match.group(1).strip("() ").split(",") if name.strip().isidentifier()]


_ENDS = {"if": "endif", "for": "endfor"}


def loop_scopes(tags: list[Tag]) -> Iterator[tuple[Tag, frozenset[str]]]:
    """Yield each tag with the loop variables in scope where it sits (and "loop" inside a loop).

    A `for` tag's own sequence is read outside its loop, and so is the part after its `else`.
    Blocks left open or closed out of order are told by `unbalanced_blocks`; here an end closes
    the innermost block of its kind.
    """
    blocks: list[tuple[str, list[str]]] = []  # (statement, the loop variables it defines now)
    for tag in tags:
        names = [name for _, defined in blocks for name in defined]
        yield tag, frozenset([*names, "loop"] if names else [])
        word = tag.statement
        if word in _ENDS:
            blocks.append((word, tag.loop_names() if word == "for" else []))
        elif word == "else" and blocks and blocks[-1][0] == "for":
            blocks[-1] = ("for", [])
        elif word in _ENDS.values():
            start = word.removeprefix("end")
            while blocks:
                if blocks.pop()[0] == start:
                    break


def unbalanced_blocks(tags: list[Tag]) -> Iterator[tuple[Tag, str]]:
    """Yield each if/for tag of one part left without its end, and each end or else out of place.

    Jinja compiles a part as a whole and would only say that the part ended too early; the office
    needs the tag to look at.
    """
    open_blocks: list[Tag] = []
    for tag in tags:
        word = tag.statement
        if word in _ENDS:
            open_blocks.append(tag)
        elif word in ("elif", "else"):
            allowed = ("if",) if word == "elif" else ("if", "for")
            if not open_blocks or open_blocks[-1].statement not in allowed:
                yield tag, f"thẻ “{word}” không nằm trong thẻ {' hoặc '.join(allowed)} nào"
        elif word in _ENDS.values():
            start = word.removeprefix("end")
            if not any(block.statement == start for block in open_blocks):
                yield tag, f"không có thẻ “{start}” nào mở trước thẻ đóng này"
                continue
            while open_blocks[-1].statement != start:
                inner = open_blocks.pop()
                yield inner, f"thiếu thẻ đóng “{_ENDS[inner.statement]}” (trước thẻ “{tag.shown}” ở {tag.where})"
            open_blocks.pop()
    for block in open_blocks:
        yield block, f"thiếu thẻ đóng “{_ENDS[block.statement]}”"


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
                yield from _tags_in(part, label, element.text)
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
        yield from _tags_in(part, where, "".join(runs))


def _cell_place(root: etree._Element, cell: etree._Element) -> str:
    """Return "bảng thứ nhất, hàng thứ nhất, ô thứ hai" for a table cell ("ô ngoài bảng" for one outside a table)."""
    row = cell.getparent()
    table = row.getparent() if row is not None else None
    if row is None or table is None or row.tag != f"{W}tr" or table.tag != f"{W}tbl":
        return "ô ngoài bảng"
    number = next(i for i, t in enumerate(root.iter(f"{W}tbl"), start=1) if t is table)
    return f"bảng {ordinal(number)}, hàng {ordinal(_index(table, row, 'tr'))}, ô {ordinal(_index(row, cell, 'tc'))}"


def _index(parent: etree._Element, child: etree._Element, tag: str) -> int:
    return next(i for i, c in enumerate(parent.iterchildren(f"{W}{tag}"), start=1) if c is child)


def _tags_in(part: str, where: str, text: str) -> Iterator[Tag]:
    for start, end, closed in _tag_spans(text):
        yield Tag(part, where, text[start:end] if closed else text[start:end].rstrip(), closed=closed)


def _tag_spans(text: str) -> Iterator[tuple[int, int, bool]]:
    """Yield where each tag of a paragraph's text starts and ends, and whether it is closed there."""
    position = 0
    while True:
        opener = _OPENERS.search(text, position)
        if opener is None:
            return
        end = text.find(_CLOSERS[opener.group()], opener.end())
        if end < 0:
            yield opener.start(), len(text), False
            return
        yield opener.start(), end + 2, True
        position = end + 2


# What an editor puts inside a tag that jinja does not read: typographic quotes for ASCII ones.
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'"})
# A paragraph's boundaries and its text nodes, in the order Word reads them. `<w:t …>` and not
# `<w:tab/>`, `<w:tbl>`, `<w:tc>`; `<w:p …>` and not `<w:pPr>`.
_WORDML_TOKENS = re.compile(r"(?P<boundary><w:p[\s>/]|</w:p>)|(?P<open><w:t(?:\s[^>]*)?>)(?P<text>[^<]*)</w:t>")
# The text of any element, for the parts that are not WordprocessingML (docProps/core.xml).
_ELEMENT_TEXT = re.compile(r">([^<]+)<")
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass(frozen=True)
class _Node:
    """One text node of a part: where its content starts and ends in the XML, its start tag."""

    start: int
    end: int
    open_start: int
    open_tag: str


def repair_tags(part: str, xml: str) -> str:
    """Return a part's XML with every tag whole in one text node and written as jinja reads it.

    A tag split across runs of one paragraph is moved into the text node where it starts, and the
    XML between its pieces (run properties, proofing marks, bookmarks) is kept; inside the tag,
    character references (`&quot;`, `&apos;`, `&#34;`) become the characters and smart quotes
    become ASCII ones; `&`, `<` and `>` stay escaped, as XML needs. Text outside the tags is
    left byte for byte, and a part with nothing to repair is returned as it is.
    """
    if "{" not in xml:
        return xml
    edits: list[tuple[int, int, str]] = []
    if part == "docProps/core.xml":
        for match in _ELEMENT_TEXT.finditer(xml):
            edits.extend(_repair_paragraph(xml, [_Node(match.start(1), match.end(1), match.start(1), "")]))
        return _applied(xml, edits)
    paragraph: list[_Node] = []
    for match in _WORDML_TOKENS.finditer(xml):
        if match.group("boundary") is not None:
            edits.extend(_repair_paragraph(xml, paragraph))
            paragraph = []
        else:
            paragraph.append(_Node(match.start("text"), match.end("text"), match.start("open"), match.group("open")))
    edits.extend(_repair_paragraph(xml, paragraph))
    return _applied(xml, edits)


def _applied(xml: str, edits: list[tuple[int, int, str]]) -> str:
    """Return xml with each (start, end, text) edit made; the edits do not overlap."""
    if not edits:
        return xml
    pieces = []
    position = 0
    for start, end, text in sorted(edits):
        pieces += [xml[position:start], text]
        position = end
    return "".join(pieces) + xml[position:]


def _repair_paragraph(xml: str, nodes: list[_Node]) -> Iterator[tuple[int, int, str]]:
    """Yield the edits (start, end, new text) that make each tag of one paragraph whole and plain."""
    if not any("{" in xml[node.start : node.end] for node in nodes):
        return
    texts = [_Text.read(xml, node) for node in nodes]
    text = "".join(piece.text for piece in texts)
    starts = list(accumulate((len(piece.text) for piece in texts), initial=0))
    for start, end, closed in _tag_spans(text):
        if not closed:
            return
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, end - 1) - 1
        tag_start = texts[first].xml_start(start - starts[first])
        tag_end = texts[last].xml_end(end - 1 - starts[last])
        written = escape(text[start:end].translate(_SMART_QUOTES), quote=False)
        if first == last:
            if xml[tag_start:tag_end] != written:
                yield tag_start, tag_end, written
            continue
        yield tag_start, nodes[first].end, written
        for index in range(first + 1, last):
            yield nodes[index].start, nodes[index].end, ""
        node = nodes[last]
        yield node.start, tag_end, ""
        rest = xml[tag_end : node.end]
        if rest != rest.strip() and "xml:space" not in node.open_tag:  # the spaces that now start or end the node stay
            yield node.open_start, node.start, node.open_tag[:-1] + ' xml:space="preserve">'


@dataclass(frozen=True)
class _Text:
    """The text of one node as Word shows it, and where each of its characters is written."""

    node: _Node
    text: str
    offsets: tuple[int, ...] | None  # where each character starts in the XML, when references make them differ

    @classmethod
    def read(cls, xml: str, node: _Node) -> _Text:
        written = xml[node.start : node.end]
        if "&" not in written:
            return cls(node, written, None)
        chars: list[str] = []
        offsets: list[int] = []
        position = node.start
        while position < node.end:
            reference = _REFERENCE.match(xml, position, node.end) if xml[position] == "&" else None
            end = reference.end() if reference else position + 1
            chars.append(_character(xml[position:end]))
            offsets.append(position)
            position = end
        offsets.append(node.end)
        return cls(node, "".join(chars), tuple(offsets))

    def xml_start(self, index: int) -> int:
        """Return where character index of the node starts in the XML."""
        return self.node.start + index if self.offsets is None else self.offsets[index]

    def xml_end(self, index: int) -> int:
        """Return where character index of the node ends in the XML."""
        return self.node.start + index + 1 if self.offsets is None else self.offsets[index + 1]


def _character(written: str) -> str:
    """Return the character a piece of XML text stands for: itself, or what its reference names."""
    if len(written) == 1:
        return written
    name = written[1:-1]
    if name in _NAMED:
        return _NAMED[name]
    try:
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    except (ValueError, OverflowError):  # not a character: the XML parser refuses the part later
        return "\ufffd"
