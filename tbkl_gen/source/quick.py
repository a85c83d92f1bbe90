"""Compose the common shape of a notice's YAML without a YAML parser, exactly as libyaml does.

`read` reads with `Composer` first (made, through its hooks, into the source's data rather than
nodes: see `read._Reading`); `compose` returns the node tree libyaml's composer (`yaml.CSafeLoader`)
would return for the text, with the same tag, value, style, flow style and marks (index, line,
column) on every node, or None when the text leaves the subset below, and the file goes the
usual way (libyaml, then PyYAML's Python parser for the errors). A test holds both compositions
equal on the repository's notices, generated notices and thousands of mutated ones.

The subset is what `tbkl new`, the importer, the page's save and `yaml.dump` write:
- block mappings whose keys are plain words (`[A-Za-z_][A-Za-z0-9_]*`) followed by ": " or
  the line's end, and block sequences (`- `, indented or at their key's column);
- plain scalars, on one line or folded over more indented lines (blank lines between kept as
  line breaks), that start with no indicator, hold no ": " and end with no ":";
- single-quoted scalars, folded likewise; double-quoted ones on one line, with the escapes
  `\\\\ \\" \\/ \\n \\t \\r \\b \\f \\uXXXX` only;
- block scalars `|`, `|-`, `|+`, `>`, `>-`, `>+` without an indentation indicator nor a
  comment on their header, no whitespace-only line, and (folded) no more indented line;
- empty values (`so:`, `-`), the empty flows `[]` and `{}`, comments on their own lines and
  after a value (after a space);
- a text that ends with a line break and holds no tab, carriage return or byte order mark.
Anything else (anchors, tags, other flows, documents, explicit keys, a value more indented on
the next line, odd indentation, a comment inside a plain value, nesting deeper than half
`MAX_DEPTH`…) is refused: libyaml reads it or explains why not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any, NoReturn

from tbkl_gen.nd30.patterns import lazy
from tbkl_gen.source import implicit


class Mark:
    """A place in the text, read as PyYAML's `Mark` is: name, index, line, column (from 0)."""

    __slots__ = ("name", "index", "line", "column", "buffer", "pointer")

    def __init__(self, name: str, index: int, line: int, column: int, buffer: None, pointer: None) -> None:
        self.name = name
        self.index = index
        self.line = line
        self.column = column
        self.buffer = buffer
        self.pointer = pointer


class ScalarNode:
    """A scalar, read as PyYAML's `ScalarNode` is."""

    __slots__ = ("tag", "value", "start_mark", "end_mark", "style")
    id = "scalar"

    def __init__(self, tag: str, value: str, start_mark: Mark, end_mark: Mark, style: str) -> None:
        self.tag = tag
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.style = style


class _KeyNode(ScalarNode):
    """A key: a plain word on one line, whose end is made when asked for (the reader seldom asks)."""

    __slots__ = ()

    def __init__(self, tag: str, value: str, start_mark: Mark) -> None:
        self.tag = tag
        self.value = value
        self.start_mark = start_mark
        self.style = ""

    @property
    def end_mark(self) -> Mark:  # type: ignore[override]  # a slot of ScalarNode, here computed
        start, length = self.start_mark, len(self.value)
        return Mark(start.name, start.index + length, start.line, start.column + length, None, None)


class SequenceNode:
    """A sequence, read as PyYAML's `SequenceNode` is: its value is the list of its items."""

    __slots__ = ("tag", "value", "start_mark", "end_mark", "flow_style")
    id = "sequence"

    def __init__(self, tag: str, value: list[Any], start_mark: Mark, end_mark: Mark, flow_style: bool) -> None:
        self.tag = tag
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.flow_style = flow_style


class MappingNode(SequenceNode):
    """A mapping, read as PyYAML's `MappingNode` is: its value is the list of (key, value) nodes."""

    __slots__ = ()
    id = "mapping"


class Constructor:
    """Build the value of a plain scalar that is not text, as PyYAML's safe loader does.

    `implicit` builds the common forms; the others (an octal number, a float…) are built by
    PyYAML's SafeConstructor, imported then. Its errors are given as ValueError.
    """

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        return self.construct(node.tag, node.value)

    def construct(self, tag: str, raw: str) -> Any:
        """Return the value of the plain scalar raw resolved to tag."""
        value = implicit.construct(tag, raw)
        if value is not implicit.NOT_SIMPLE:
            return value
        import yaml

        try:
            return yaml.constructor.SafeConstructor().construct_object(yaml.ScalarNode(tag, raw), deep=True)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc)) from None

    def dispose(self) -> None:
        """Nothing to release: no parser was made."""


# A plain value starting otherwise is text: no resolver is tried for it.
_STARTS = implicit.STARTS
# nor for one longer than any word its first character may start (yes, null…)
_WORD_STARTS, _WORD_LONGEST = implicit.WORD_STARTS, implicit.WORD_LONGEST
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
# The name libyaml's loader gives the marks of a text read from a str.
_NAME = "<unicode string>"
# Notices nest sections, items, points and dashes a handful of levels deep; far deeper nesting
# is an attack on the recursive composer, refused before Python's recursion limit (by `compose`).
MAX_DEPTH = 40
# `quick` leaves far less deep nesting to `compose` (whose count takes in the empty flows too).
_QUICK_DEPTH = MAX_DEPTH // 2

# a key: a plain word, far shorter than the 1,024 characters libyaml allows a key on its line
_KEY = lazy(r"([A-Za-z_][A-Za-z0-9_]{0,127}):(?: +|$)")
# A plain scalar may not start with one of these (YAML's indicators, and white space).
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_BLOCK_HEADERS = frozenset({"|", "|-", "|+", ">", ">-", ">+"})
_DOUBLE = lazy(r'"((?:[^"\\]|\\["\\/nrtbf]|\\u[0-9a-fA-F]{4})*)"')
_ESCAPE = lazy(r"\\(u[0-9a-fA-F]{4}|.)")
# a line break inside a plain value, with the next line's indentation (see `Composer.plain`)
_FOLD = lazy(r"\n +")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


_CONTINUATIONS: dict[int, re.Pattern[str]] = {}
# The columns whose pattern is kept: a notice's collections sit within a few dozen columns; a
# column further right (a file made to be odd) is compiled for its file only, so that the texts a
# long-running server is sent cannot grow the table without end.
_KEPT_COLUMNS = 80


def _continuation(context: int, spaced: bool = False) -> re.Pattern[str]:
    """Return the pattern of the lines that go on a plain value held by a collection at column
    context: each indented more, not a comment (a comment line ends the value), none blank.

    Unless spaced, a line ending with a space (yaml.dump writes none) is not taken whole: the
    match stops inside it, before no line break, and the caller asks for the spaced pattern.
    """
    key = -1 - context if spaced else context
    pattern = _CONTINUATIONS.get(key)
    if pattern is None:
        ending = r"[^\n]*" if spaced else r"(?:[^\n]*[^ \n])?"
        pattern = re.compile(r"(?:\n[ ]{%d,}[^ \n#]%s)*" % (context + 1, ending))
        if context < _KEPT_COLUMNS:
            _CONTINUATIONS[key] = pattern
    return pattern


class _Refuse(Exception):
    """The text leaves the subset: the usual reading takes it."""


def compose(text: str, plain_tag: Callable[[str], str]) -> Any:
    """Return libyaml's root node for text, or None when text is outside the subset.

    plain_tag gives the tag of a plain scalar's value (the safe loader's implicit resolution).
    """
    return composed(Composer(text, plain_tag)) if may_hold(text) else None


def may_hold(text: str) -> bool:
    """Return whether text may be of the subset (a composer tells): none of what it never holds."""
    return text.endswith("\n") and "\t" not in text and "\r" not in text and "\ufeff" not in text


def composed(composer: Composer) -> Any:
    """Return what composer makes of its text (its `root`), or None when the text leaves the subset."""
    try:
        return composer.root()
    except (_Refuse, IndexError, RecursionError):
        return None


def _escaped(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) == 1:
        return _ESCAPES[code]
    point = int(code[1:], 16)
    if 0xD800 <= point <= 0xDFFF:
        raise _Refuse
    return chr(point)


class Composer:
    """Read a text of the subset line by line, making libyaml's nodes of what it reads.

    What is made goes through the hooks below (`begin`, `key`, `put`, `mapping_made`,
    `sequence_made`, `scalar`, `empty_flow`); a subclass may make something else of the same
    reading (`read` makes the source's data and places). path is the place of the value being
    read (keys and item numbers from the root) when `ROOT` is a tuple; nodes need none (None).
    """

    ROOT: tuple[Any, ...] | None = None

    def __init__(self, text: str, plain_tag: Callable[[str], str], lines: list[str] | None = None) -> None:
        """lines: text.split("\\n"), when the caller has made it."""
        self.text = text
        self.lines = lines = text.split("\n") if lines is None else lines
        self.end = len(lines) - 1  # the empty "line" after the last line break: the text's end
        # where each line starts in text
        self.starts = list(accumulate(map((1).__add__, map(len, lines)), initial=0))
        self.plain_tag = plain_tag
        self.depth = 0

    def mark(self, line: int, column: int) -> Any:
        return Mark(_NAME, self.starts[line] + column, line, column, None, None)

    def next_content(self, number: int) -> int:
        """Return the number of the first line from number on that is neither blank nor a comment."""
        lines, end = self.lines, self.end
        while number < end:
            stripped = lines[number].lstrip(" ")
            if stripped and stripped[0] != "#":
                return number
            number += 1
        return end

    def following(self, after: int) -> tuple[int, int]:
        """Return the line where the content after a value ending before line after resumes, and its
        indent: after itself when it holds content, else the next such line; (end, 0) at the end."""
        line = self.lines[after]
        stripped = line.lstrip(" ")
        if stripped and stripped[0] != "#" and after != self.end:
            return after, len(line) - len(stripped)
        following = self.next_content(after)
        if following == self.end:
            return following, 0
        line = self.lines[following]
        return following, len(line) - len(line.lstrip(" "))

    def decline(self) -> NoReturn:
        """Leave the text to the usual reading (a hook that cannot make what it was given)."""
        raise _Refuse

    # --- the hooks: libyaml's nodes -------------------------------------------------------------

    def begin(self, number: int, column: int, path: Any) -> Any:
        """A collection starts at (number, column): return what `mapping_made`/`sequence_made` get."""
        return self.mark(number, column)

    def mapping_pairs(self) -> Any:
        """Return what a mapping's pairs are gathered in."""
        return []

    def key(self, pairs: Any, key: str, number: int, column: int, path: Any) -> tuple[Any, Any]:
        """A key (a plain word) at (number, column): return what `put` gets, and its value's path."""
        tag = self.plain_tag(key) if key[0] in _STARTS else _STR_TAG
        return _KeyNode(tag, key, Mark(_NAME, self.starts[number] + column, number, column, None, None)), None

    def put(self, pairs: Any, key: Any, value: Any) -> None:
        pairs.append((key, value))

    def mapping_made(self, pairs: Any, start: Any, end_line: int, end_column: int) -> Any:
        return MappingNode(_MAP_TAG, pairs, start, self.mark(end_line, end_column), False)

    def sequence_made(self, items: list[Any], start: Any, end_line: int, end_column: int) -> Any:
        return SequenceNode(_SEQ_TAG, items, start, self.mark(end_line, end_column), False)

    def scalar(self, tag: str, value: str, line: int, column: int, end_line: int, end_column: int, style: str, path: Any) -> Any:
        return ScalarNode(tag, value, self.mark(line, column), self.mark(end_line, end_column), style)

    def empty_flow(self, sequence: bool, number: int, position: int, path: Any) -> Any:
        """`[]` (sequence) or `{}` at (number, position)."""
        start, end = self.mark(number, position), self.mark(number, position + 2)
        if sequence:
            return SequenceNode(_SEQ_TAG, [], start, end, True)
        return MappingNode(_MAP_TAG, [], start, end, True)

    # --- the reading -----------------------------------------------------------------------------

    def root(self) -> Any:
        first = self.next_content(0)
        if first == self.end:
            raise _Refuse
        line = self.lines[first]
        column = len(line) - len(line.lstrip(" "))
        node, after = self.mapping(first, column, self.ROOT)
        if after != self.end:
            raise _Refuse
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _QUICK_DEPTH:
            raise _Refuse

    def mapping(self, number: int, column: int, path: Any, first: re.Match[str] | None = None) -> tuple[Any, int]:
        """Compose the block mapping whose first key is at (number, column); first: `_KEY`'s
        match of that key, when the caller has made it."""
        self.enter()
        lines, end_of_text = self.lines, self.end
        continuation = _continuation(column)
        start = self.begin(number, column, path)
        pairs = self.mapping_pairs()
        key_of, put = self.key, self.put
        match = first
        while True:
            line = lines[number]
            if match is None:
                match = _KEY.match(line, column)
                if match is None:
                    raise _Refuse
            key = match.group(1)
            key_end = column + len(key)
            made, child = key_of(pairs, key, number, column, path)
            position = match.end()
            if position < len(line) and line[position] not in _NOT_PLAIN_START:
                value, after = self.plain(number, position, column, continuation, child)
            else:
                value, after = self.value(number, position, key_end + 1, column, True, child)
            put(pairs, made, value)
            following, indent = self.following(after)
            if following == end_of_text:
                break
            if indent > column:
                raise _Refuse
            if indent < column:
                break
            number = following
            match = None
        self.depth -= 1
        return self.mapping_made(pairs, start, following, indent), following

    def sequence(self, number: int, column: int, indentless: bool, path: Any) -> tuple[Any, int]:
        """Compose the block sequence whose first "-" is at (number, column)."""
        self.enter()
        lines, end_of_text = self.lines, self.end
        continuation = _continuation(column)
        start = self.begin(number, column, path)
        items: list[Any] = []
        while True:
            child = None if path is None else (*path, len(items))
            line = lines[number]
            size = len(line)
            after_dash = column + 1
            position = after_dash
            if position < size:
                if line[position] != " ":
                    raise _Refuse
                position += 1  # the common item: one space after its dash, and the value
                if position < size and line[position] == " ":
                    position = size - len(line[position:].lstrip(" "))
            if position < size and line[position] not in _NOT_PLAIN_START:
                first = _KEY.match(line, position)
                if first is not None:
                    item, after = self.mapping(number, position, child, first)
                else:
                    item, after = self.plain(number, position, column, continuation, child)
            else:
                item, after = self.value(number, position, after_dash, column, False, child)
            items.append(item)
            following, indent = self.following(after)
            if following == end_of_text:
                break
            line = lines[following]
            if indent > column:
                raise _Refuse
            if indent == column:
                if line[column] == "-" and (len(line) == column + 1 or line[column + 1] == " "):
                    number = following
                    continue
                if not indentless:
                    raise _Refuse
            break
        self.depth -= 1
        return self.sequence_made(items, start, following, indent), following

    def value(self, number: int, position: int, indicator_end: int, context: int, after_key: bool, path: Any) -> tuple[Any, int]:
        """Compose the value that starts at (number, position), after a key's ":" or a "-".

        indicator_end is the column after that ":" or "-" (an empty value's place); context is
        the column of the collection that holds the value. Return the node and the number of
        the line after it.
        """
        line = self.lines[number]
        rest = line[position:]
        if not rest or rest[0] == "#":
            if rest and line[position - 1] != " ":
                raise _Refuse
            following = self.next_content(number + 1)
            if following != self.end:
                below = self.lines[following]
                indent = len(below) - len(below.lstrip(" "))
                is_entry = below[indent] == "-" and (len(below) == indent + 1 or below[indent + 1] == " ")
                if indent > context:
                    if is_entry:
                        return self.sequence(following, indent, False, path)
                    key = _KEY.match(below, indent)
                    if key is not None:
                        return self.mapping(following, indent, path, key)
                    raise _Refuse
                if indent == context and after_key and is_entry:
                    return self.sequence(following, indent, True, path)
            empty = self.scalar(self.plain_tag(""), "", number, indicator_end, number, indicator_end, "", path)
            return empty, number + 1
        first = rest[0]
        if first == "'":
            return self.single_quoted(number, position, context, path)
        if first == '"':
            return self.double_quoted(number, position, path)
        if first in "|>":
            return self.block(number, position, context, path)
        if rest[:2] in ("[]", "{}"):
            self.nothing_after(line, position + 2)
            return self.empty_flow(first == "[", number, position, path), number + 1
        if first in _NOT_PLAIN_START:
            raise _Refuse
        return self.plain(number, position, context, _continuation(context), path)

    def nothing_after(self, line: str, position: int) -> None:
        """_Refuse anything after a value's end but spaces and a comment after a space."""
        rest = line[position:]
        stripped = rest.lstrip(" ")
        if stripped and (stripped[0] != "#" or stripped == rest):
            raise _Refuse

    def plain(self, number: int, position: int, context: int, continuation: re.Pattern[str], path: Any) -> tuple[Any, int]:
        """Compose the plain value that starts at (number, position) in a collection at column
        context, whose lines going on the value continuation finds (see `_continuation`)."""
        lines = self.lines
        line = lines[number]
        # (a text beyond Latin-1, as Vietnamese is, is searched for one character far faster than
        # for two, and most values hold no "#" nor ":": the two are looked for only then)
        comment = line.find(" #", position) if "#" in line else -1
        piece = (line[position:] if comment < 0 else line[position:comment]).rstrip(" ")
        if ":" in piece and (": " in piece or piece[-1] == ":"):
            raise _Refuse
        if comment >= 0:
            tag = (
                _STR_TAG if piece[0] not in _STARTS or (len(piece) > _WORD_LONGEST and piece[0] in _WORD_STARTS) else self.plain_tag(piece)
            )
            return self.scalar(tag, piece, number, position, number, position + len(piece), "", path), number + 1
        following = lines[number + 1]
        # A line going on the value is indented past context: most values' next line is not (a
        # key or an item at context or less), and the pattern is not run for them.
        more, spaced = "", False
        if len(following) > context + 1 and following[context] == " ":
            text, start = self.text, self.starts[number] + len(line)
            found: Any = continuation.match(text, start)  # "*" always matches
            more = found.group()
            if text[found.end()] != "\n":  # a line of the value ends with a space
                more, spaced = _continuation(context, True).match(text, start).group(), True  # type: ignore[union-attr]
        if not more:
            if number + 1 < self.end and not following.strip(" "):
                return self.plain_lines(number, position, context, piece, path)  # a blank line may be inside
            tag = (
                _STR_TAG if piece[0] not in _STARTS or (len(piece) > _WORD_LONGEST and piece[0] in _WORD_STARTS) else self.plain_tag(piece)
            )
            return self.scalar(tag, piece, number, position, number, position + len(piece), "", path), number + 1
        end_line = number + more.count("\n")
        if end_line + 1 < self.end and not lines[end_line + 1].strip(" "):
            return self.plain_lines(number, position, context, piece, path)  # a blank line may be inside
        if ("#" in more and " #" in more) or (":" in more and (": " in more or ":\n" in more or more[-1] == ":")):
            raise _Refuse
        if spaced:
            value = " ".join([part.strip(" ") for part in (piece + more).split("\n")])
            end_column = len(lines[end_line].rstrip(" "))
        else:  # no line ends with a space: each line break and the indentation after it make one
            value = piece + _FOLD.sub(" ", more)
            end_column = len(lines[end_line])
        tag = _STR_TAG if value[0] not in _STARTS or (len(value) > _WORD_LONGEST and value[0] in _WORD_STARTS) else self.plain_tag(value)
        return self.scalar(tag, value, number, position, end_line, end_column, "", path), end_line + 1

    def plain_lines(self, number: int, position: int, context: int, value: str, path: Any) -> tuple[Any, int]:
        """Compose a plain value line by line: the rare one that blank lines may go through."""
        lines = self.lines
        end_line, end_column = number, position + len(value)
        following = number + 1
        breaks = 0
        end = self.end
        while following < end:
            line = lines[following]
            stripped = line.lstrip(" ")
            if not stripped:
                breaks += 1
                following += 1
                continue
            indent = len(line) - len(stripped)
            if indent <= context or stripped[0] == "#":
                break
            comment = stripped.find(" #")
            if comment >= 0:
                stripped = stripped[:comment]
            stripped = stripped.rstrip(" ")
            if ": " in stripped or stripped.endswith(":"):
                raise _Refuse
            value += (" " if not breaks else "\n" * breaks) + stripped
            breaks = 0
            end_line, end_column = following, indent + len(stripped)
            following += 1
            if comment >= 0:
                break
        tag = self.plain_tag(value)
        return self.scalar(tag, value, number, position, end_line, end_column, "", path), end_line + 1

    def single_quoted(self, number: int, position: int, context: int, path: Any) -> tuple[Any, int]:
        lines, end = self.lines, self.end
        line = lines[number]
        search = position + 1
        pieces: list[str] = []  # each line's part, and "" for a blank line
        current = number
        while True:
            quote = line.find("'", search)
            while quote >= 0 and line[quote + 1 : quote + 2] == "'":
                quote = line.find("'", quote + 2)
            if quote >= 0:
                pieces.append(line[search:quote])
                break
            pieces.append(line[search:])
            current += 1
            if current >= end:
                raise _Refuse
            line = lines[current]
            stripped = line.lstrip(" ")
            if stripped and len(line) - len(stripped) <= context:
                raise _Refuse
            search = len(line) - len(stripped)
        self.nothing_after(line, quote + 1)
        if len(pieces) == 1:
            value = pieces[0]
        else:
            value = pieces[0].rstrip(" ")
            breaks = 0
            last = len(pieces) - 1
            for index in range(1, last + 1):
                piece = pieces[index]
                if index < last:
                    piece = piece.rstrip(" ")
                    if not piece:
                        breaks += 1
                        continue
                value += (" " if not breaks else "\n" * breaks) + piece
                breaks = 0
        value = value.replace("''", "'")
        return self.scalar(_STR_TAG, value, number, position, current, quote + 1, "'", path), current + 1

    def double_quoted(self, number: int, position: int, path: Any) -> tuple[Any, int]:
        line = self.lines[number]
        match = _DOUBLE.match(line, position)
        if match is None:
            raise _Refuse
        self.nothing_after(line, match.end())
        value = match.group(1)
        if "\\" in value:
            value = _ESCAPE.sub(_escaped, value)
        return self.scalar(_STR_TAG, value, number, position, number, match.end(), '"', path), number + 1

    def block(self, number: int, position: int, context: int, path: Any) -> tuple[Any, int]:
        lines, end = self.lines, self.end
        header = lines[number][position:].rstrip(" ")
        if header not in _BLOCK_HEADERS:
            raise _Refuse
        literal = header[0] == "|"
        chomping = header[1:]
        current = number + 1
        leading = 0
        while current < end and not lines[current]:
            leading += 1
            current += 1
        if current >= end:
            raise _Refuse
        line = lines[current]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped or indent <= context:
            raise _Refuse
        parts = ["\n" * leading]
        breaks = -1  # none before the first line
        while current < end:
            line = lines[current]
            if not line:
                breaks += 1
                current += 1
                continue
            stripped = line.lstrip(" ")
            if not stripped:
                raise _Refuse
            shift = len(line) - len(stripped)
            if shift < indent:
                break
            if shift > indent and not literal:
                raise _Refuse
            if breaks >= 0:
                if literal:
                    parts.append("\n" * (breaks + 1))
                else:
                    parts.append("\n" * breaks if breaks else " ")
            parts.append(line[indent:])
            breaks = 0
            current += 1
        if chomping == "":
            parts.append("\n")
        elif chomping == "+":
            parts.append("\n" * (breaks + 1))
        value = "".join(parts)
        style = header[0]
        return self.scalar(_STR_TAG, value, number, position, current, 0, style, path), current
