"""How the lines of a YAML file nest, judged from their indentation alone.

YAML reports an indentation mistake where parsing broke, often a line after the one the drafter
got wrong; reading (a value that swallowed the lines below it) and the explanation of syntax
errors (`yaml_errors`) both ask this module which line is off and what it should have been.
No yaml here: only the text's lines.
"""

from __future__ import annotations

import re

from tbkl_gen.notice.kinds import all_keys

# A line that YAML would read as a key or a list item, had the value above it been closed.
KEY_LINE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*:(?:\s|$)")


def indent_of(line: str) -> int:
    """Return the number of spaces a line starts with."""
    return len(line) - len(line.lstrip(" "))


# Characters an editor shows as blank but YAML does not count as indentation: pasted from Word,
# a web page or a Chinese or Japanese input method. The name says which one to delete.
INVISIBLE_SPACES = {
    "\t": "ký tự tab (U+0009)",
    "\u00a0": "dấu cách không ngắt (U+00A0)",
    "\u2002": "dấu cách rộng nửa khổ (U+2002)",
    "\u2003": "dấu cách rộng một khổ (U+2003)",
    "\u2007": "dấu cách chữ số (U+2007)",
    "\u2009": "dấu cách mảnh (U+2009)",
    "\u200b": "dấu cách độ rộng 0 (U+200B)",
    "\u202f": "dấu cách hẹp không ngắt (U+202F)",
    "\u3000": "dấu cách toàn khổ (U+3000)",
}
# The blanks and dashes that open a line, then one of the characters above.
_INVISIBLE_IN_INDENT = re.compile(r"^(?:[ ]|-(?=[^-]))*?([" + "".join(INVISIBLE_SPACES) + "])")


def invisible_indent(line: str) -> int | None:
    """Return the 0-based column of the first invisible space in a line's indentation, or None.

    The indentation is what stands before the line's first visible character, the dashes of
    list items included: `-` then a non-breaking space then `khoan:` was meant as `- khoan:`.
    """
    match = _INVISIBLE_IN_INDENT.match(line)
    return match.start(1) if match else None


def invisible_indent_message(line: str, number: int) -> tuple[int, str, str] | None:
    """Return (0-based column, message, hint) for an invisible space in the indentation of line number."""
    column = invisible_indent(line)
    if column is None:
        return None
    where = "ở đầu dòng" if column == 0 else f"ở cột {column + 1}, trong phần thụt lề"
    return (
        column,
        f"dòng {number} có một {INVISIBLE_SPACES[line[column]]} {where}, YAML không coi là dấu cách",
        "hãy xóa rồi gõ lại bằng phím cách",
    )


KEY_WITH_VALUE = re.compile(r"^\s*(?:-\s+)*[A-Za-z_][A-Za-z0-9_]*\s*:+\s+\S")
_FIRST_WORD = re.compile(r"^\s*(?:-\s+)*([A-Za-z_][A-Za-z0-9_]*)(?:\s|$)")
_KEY_NAME = re.compile(r"^\s*(?:-\s+)*([A-Za-z_][A-Za-z0-9_]*)\s*:")


def swallowed_key(line: str, indent: int) -> bool:
    """Tell a line inside a quoted value that was surely meant as a key of the notice."""
    if not KEY_LINE.match(line):
        return False
    if indent_of(line) <= indent:
        return True
    match = _KEY_NAME.match(line)
    return match is not None and match.group(1) in all_keys()


def key_without_colon(line: str) -> bool:
    """Tell a line that starts with one of the notice's keys but has no colon: `ho_ten Lê A`."""
    match = _FIRST_WORD.match(line)
    return match is not None and match.group(1) in all_keys() and not line[match.end(1) :].lstrip().startswith(":")


class Indentation:
    """Judge which of two lines meant as siblings is mis-indented, from the file's indent step.

    YAML reports an indentation mistake where parsing broke, often the line after the one the
    drafter got wrong. A child sits one step (the file's usual indent, mostly two spaces) to the
    right of its parent's key; of a first child and a later sibling that disagree, the one off
    that step is the culprit.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.step = self._step()

    def significant(self, index: int) -> bool:
        text = self.lines[index].strip()
        return bool(text) and not text.startswith("#")

    def _step(self) -> int:
        counts: dict[int, int] = {}
        previous = None
        for index, line in enumerate(self.lines):
            if not self.significant(index):
                continue
            if previous is not None and self.lines[previous].rstrip().endswith(":"):
                delta = indent_of(line) - indent_of(self.lines[previous])
                if delta > 0:
                    counts[delta] = counts.get(delta, 0) + 1
            previous = index
        return max(counts, key=lambda d: (counts[d], -d)) if counts else 2

    def content_column(self, index: int) -> int:
        """Return the column children of this line are measured from: its key, past any "- "."""
        line = self.lines[index]
        column, rest = indent_of(line), line.lstrip(" ")
        while rest.startswith("- "):
            inner = rest[2:]
            stripped = inner.lstrip(" ")
            if not KEY_LINE.match(stripped):
                break
            column += 2 + len(inner) - len(stripped)
            rest = stripped
        return column

    def expected(self, parent: int | None, child: int) -> set[int]:
        if parent is None:
            return {0}
        column = self.content_column(parent)
        allowed = {column + self.step}
        if self.lines[child].lstrip().startswith("-") and self.lines[parent].rstrip().endswith(":"):
            allowed.add(column)
        return allowed

    def parent_of(self, index: int) -> int | None:
        """Return the nearest significant line above index that is indented less."""
        indent = indent_of(self.lines[index])
        return next((j for j in range(index - 1, -1, -1) if self.significant(j) and indent_of(self.lines[j]) < indent), None)

    def first_child(self, parent: int | None, before: int) -> int | None:
        start = 0 if parent is None else parent + 1
        return next((j for j in range(start, before) if self.significant(j)), None)

    def culprit(self, index: int, sibling: int | None = None) -> tuple[int, int, int] | None:
        """Return (line, its indent, the indent expected) when an earlier sibling is the one off.

        The sibling is the first child of index's parent, or the line given (where YAML says the
        block that index broke began).
        """
        candidates = [self.first_child(self.parent_of(index), index)]
        if sibling is not None:
            candidates.append(sibling)
        target = indent_of(self.lines[index])
        for first in candidates:
            if first is None or first == index:
                continue
            expected = self.expected(self.parent_of(first), first)
            indent = indent_of(self.lines[first])
            if indent not in expected and target in expected:
                return first, indent, target
            key_column = self.content_column(first)
            if key_column != indent and not self.lines[index].lstrip().startswith("-"):
                # "- khoan: …" then its own keys below: those align with the key, not the dash
                shift = key_column - indent
                if indent not in expected and target - shift in expected:
                    return first, indent, target - shift
        return None

    def sibling_level(self, index: int) -> int | None:
        """Return the indent of the open block a line most likely belongs to: the nearest level of
        the same kind (key or list item) among the lines above it, the deeper one on a tie."""
        previous = next((j for j in range(index - 1, -1, -1) if self.significant(j)), None)
        item = self.lines[index].lstrip().startswith("-")
        levels: set[int] = set()
        while previous is not None:
            line = self.lines[previous]
            if line.lstrip().startswith("-"):
                if item:
                    levels.add(indent_of(line))
                elif self.content_column(previous) != indent_of(line):
                    levels.add(self.content_column(previous))
            elif not item:
                levels.add(indent_of(line))
            previous = self.parent_of(previous)
        if not levels:
            return None
        found = indent_of(self.lines[index])
        return min(levels, key=lambda level: (abs(level - found), -level))

    def off_step(self, index: int) -> bool:
        """Tell whether a line is indented off the step under its parent."""
        return indent_of(self.lines[index]) not in self.expected(self.parent_of(index), index)
