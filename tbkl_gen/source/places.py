"""A source as plain data with the place of every key and value: what loading hands on.

No yaml here: validation, which only needs to say where a value was written, reads these types
without pulling in the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import re
from typing import Any

from tbkl_gen.errors import Place, Problem

Path_ = tuple[Any, ...]

_KEY_AT = re.compile(r"^(-?\s*[\w.]+)\s*:(?:\s|$)")


@dataclass
class Source:
    """Plain data read from one YAML file, with the place of every key and value."""

    path: Path
    data: dict[str, Any]
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    raw_plain: dict[Path_, str] = field(default_factory=dict)
    origins: dict[Path_, Path] = field(default_factory=dict)
    """Values merged in from another file (office defaults), by path: that file."""
    problems: list[Problem] = field(default_factory=list)
    """Problems found while reading the file that did not stop the reading."""
    broken: set[Path_] = field(default_factory=set)
    """Paths whose value is already reported; the model's complaints about them are noise."""
    flow: set[Path_] = field(default_factory=set)
    """Paths of values written in brackets (`[a, b]`, `{a: b}`), often text YAML misread."""
    comments: dict[Path_, str] = field(default_factory=dict)
    """Comments written right after a value on its line: YAML dropped them from the text."""

    def place(self, path: Path_, *, key: bool = False) -> Place:
        """Return where the value (or key) at path was written, or its nearest parent."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe:
            if probe in marks:
                return Place(self.file_of(probe), *marks[probe], field_path(path))
            if not key and probe in self.key_marks:
                return Place(self.file_of(probe), *self.key_marks[probe], field_path(path))
            probe = probe[:-1]
        line, column = self.value_marks.get((), (1, 1))
        return Place(self.path, line, column, field_path(path))

    def written(self, path: Path_) -> Any:
        """Return the value at path as this file wrote it, or None when it is not written in this file."""
        if self.file_of(path) != self.path:
            return None
        value: Any = self.data
        for part in path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return None
        return value

    def file_of(self, path: Path_) -> Path:
        """Return the file the value at path was written in."""
        for end in range(len(path), 0, -1):
            origin = self.origins.get(path[:end])
            if origin is not None:
                return origin
        return self.path


def field_path(path: Path_) -> str:
    """Return a path as drafters read it: `noi_dung[2].khoan`, counting items from 1."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def span_end(lines: list[str], line: int | None, column: int | None) -> tuple[int, int] | None:
    """Return where the value or key written at (line, column) ends on its line, 1-based, the end
    excluded: a quoted value to its closing quote, a key (`dia_dahn:`) to its colon, anything else
    to the comment or the end of the line. None for a place outside the lines."""
    if line is None or not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    start = min(max((column or 1) - 1, 0), len(text))
    rest = text[start:]
    if rest[:1] in ("'", '"'):
        close = rest.find(rest[0], 1)
        length = close + 1 if close > 0 else len(rest.rstrip())
    else:
        key = _KEY_AT.match(rest)
        if key is not None:
            length = len(key.group(1))
        else:
            comment = rest.find(" #")
            length = len((rest if comment < 0 else rest[:comment]).rstrip())
    if length == 0:  # an empty value: the line's own text, or one character
        start = len(text) - len(text.lstrip())
        length = max(len(text.rstrip()) - start, 1)
    return line, start + length + 1
