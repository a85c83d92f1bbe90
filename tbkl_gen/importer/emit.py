"""Write source data as YAML that reads like a hand-written notice.

The same key order and layout as the examples and `tbkl new`: short values on the key's line
(plain when YAML reads them back as the same string, else double-quoted like `to_yaml`), long
text folded (`>-`) and wrapped at 100 columns, text with line breaks (a summary broken where the
drafter chose) as a literal block (`|`, one line a line, as the examples write it), dates as YAML
dates, a blank `so:` for a draft.
Every scalar is read back with the safe loader before it is written, so no value can turn into
a YAML 1.1 trap; the whole text is read back once more by the caller.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Any

import yaml

WIDTH = 100

# "2026-04" reads as a string, but a reader takes it for a date: quote it as the examples do.
_LOOKS_LIKE_DATE = re.compile(r"^[0-9][0-9:.-]*$")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_START = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]")
# A line that our loader would read as a forgotten key or list item: never start a folded line so.
_KEY_LINE = re.compile(r"^(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*:(?:\s|$)|^-(\s|$)")


def notice_yaml(data: dict[str, Any], header: list[str], *, quoted: bool = False) -> str:
    """Return the YAML text of a notice, header comment lines first.

    With quoted, every text is a double-quoted string on its key's line, as `to_yaml` writes:
    the form that holds any text, for when the readable one does not read back.
    """
    lines = [f"# {line}" for line in header]
    lines += _mapping(data, 0, quoted)
    return "\n".join(lines) + "\n"


def _mapping(data: dict[str, Any], indent: int, quoted: bool) -> list[str]:
    pad = "  " * indent
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _mapping(value, indent + 1, quoted)
        elif isinstance(value, list):
            if not value:
                lines.append(f"{pad}{key}: []")
            elif all(isinstance(item, int) and not isinstance(item, bool) for item in value):
                lines.append(f"{pad}{key}: [{', '.join(str(item) for item in value)}]")  # a table's column widths
            else:
                lines.append(f"{pad}{key}:")
                lines += _sequence(value, indent + 1, quoted)
        else:
            lines += _scalar_lines(f"{pad}{key}:", value, indent + 1, quoted)
    return lines


def _sequence(items: list[Any], indent: int, quoted: bool) -> list[str]:
    pad = "  " * indent
    lines: list[str] = []
    for item in items:
        if isinstance(item, list):  # a table's row: on one line when it fits, else one cell a line
            flow = f"{pad}- {_flow(item, quoted)}"
            if len(flow) <= WIDTH or not item:
                lines.append(flow)
                continue
            inner = _sequence(item, indent + 1, quoted)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        elif isinstance(item, dict):
            inner = _mapping(item, indent + 1, quoted)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        else:
            lines += _scalar_lines(f"{pad}-", item, indent + 1, quoted)
    return lines


def _flow(items: list[Any], quoted: bool) -> str:
    """Return a list of cells in flow style: `[STT, Nội dung, {o: Phân công, gop_cot: 2}]`."""
    parts = []
    for item in items:
        if isinstance(item, dict):
            parts.append("{" + ", ".join(f"{key}: {_flow_scalar(value, quoted)}" for key, value in item.items()) + "}")
        else:
            parts.append(_flow_scalar(item, quoted))
    return "[" + ", ".join(parts) + "]"


def _flow_scalar(value: Any, quoted: bool) -> str:
    if isinstance(value, bool | int):
        return str(value).lower() if isinstance(value, bool) else str(value)
    text = str(value)
    plain = quote(text) if quoted else _inline(text)
    if not plain.startswith('"') and (any(mark in plain for mark in ",[]{}#") or not plain):
        return quote(text)
    return plain


def _scalar_lines(lead: str, value: Any, indent: int, quoted: bool) -> list[str]:
    if value is None:
        return [lead]
    if isinstance(value, bool):
        return [f"{lead} {'true' if value else 'false'}"]
    if isinstance(value, (int, dt.date)):
        return [f"{lead} {value}" if not isinstance(value, str) else f"{lead} {json.dumps(value)}"]
    text = str(value)
    if quoted:
        return [f"{lead} {quote(text)}"]
    if "\n" in text:
        literal = _literal(text, indent)
        if literal is not None:
            return [f"{lead} {literal[0]}", *literal[1]]
    single = f"{lead} {_inline(text)}"
    if len(single) <= WIDTH:
        return [single]
    folded = _folded(text, indent)
    if folded is None:
        return [single]
    return [f"{lead} >-", *folded]


def _inline(text: str) -> str:
    """Return text as a plain scalar when YAML reads it back unchanged, else double-quoted."""
    if (
        text
        and not _LOOKS_LIKE_DATE.match(text)
        and not _PLAIN_START.match(text)
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
        and "\n" not in text
        and "\t" not in text
        and _writable(text)
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call]  # untyped in the stubs
    ):
        return text
    return quote(text)


# Characters YAML does not take as they are, even inside quotes: escaped as \uXXXX.
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def quote(text: str) -> str:
    """Return text as a double-quoted YAML string: JSON's escapes, and YAML's unprintables escaped."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _writable(text: str) -> bool:
    """Return whether text holds only characters a YAML file shows as they are."""
    if text.isprintable():  # the common case, checked in C
        return True
    return all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in text)


def _reads_back(document: str, text: str) -> bool:
    try:
        return bool(yaml.load(document, Loader=_SAFE_LOADER) == {"k": text})
    except yaml.YAMLError:
        return False


def _folded(text: str, indent: int) -> list[str] | None:
    """Return the lines of a folded block scalar holding text, or None when it cannot hold it.

    A folded line break reads as one space, so lines break only at a single space between two
    other characters; a line may not start with white space (it would be kept as typed).
    """
    if not _writable(text) or text != text.strip():
        return None
    pad = "  " * indent
    room = max(WIDTH - len(pad), 40)
    lines: list[str] = []
    rest = text
    while len(rest) > room:
        cut = _break_at(rest, room)
        if cut is None:
            break
        lines.append(rest[:cut])
        rest = rest[cut + 1 :]
    lines.append(rest)
    block = [pad + line for line in lines]
    if not _reads_back("k: >-\n" + "\n".join("  " + line for line in lines) + "\n", text):
        return None
    return block


def _literal(text: str, indent: int) -> tuple[str, list[str]] | None:
    """Return the indicator and lines of a literal block holding text, or None when it cannot hold it.

    A hand-written summary ends with its last line's break (`|`, read back with one "\n" at the
    end); text without it is written `|-`. A literal line cannot be wrapped, so it stays as long
    as the drafter's line. Text the block would read otherwise (white space at a line's edge, more
    than one break at the end, characters a file does not show) is left to the quoted form.
    """
    if text.endswith("\n\n") or text.startswith("\n"):
        return None
    indicator, body = ("|", text[:-1]) if text.endswith("\n") else ("|-", text)
    lines = body.split("\n")
    if any(line != line.strip() or not _writable(line) for line in lines):
        return None
    pad = "  " * indent
    block = [pad + line if line else "" for line in lines]
    if not _reads_back(f"k: {indicator}\n" + "\n".join("  " + line if line else "" for line in lines) + "\n", text):
        return None
    return indicator, block


def _break_at(text: str, room: int) -> int | None:
    """Return the index of the space to break at: the last usable one within room, else the first."""

    def usable(index: int) -> bool:
        return 0 < index < len(text) - 1 and text[index - 1] != " " and text[index + 1] != " " and not _KEY_LINE.match(text[index + 1 :])

    index = text.rfind(" ", 0, room + 1)
    while index > 0:
        if usable(index):
            return index
        index = text.rfind(" ", 0, index)
    index = text.find(" ", room + 1)
    while index != -1:
        if usable(index):
            return index
        index = text.find(" ", index + 1)
    return None
