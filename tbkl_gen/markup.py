"""The inline markup of drafter text: its grammar, its parse, and the marks it leaves unpaired.

Inside the text of a body block, `**đậm**` is bold, `*nghiêng*` italic, `^[chú thích]` a footnote,
and a backslash keeps the next character literal (`\\*`). The grammar is written once here: the
layout reads `parse_inline` to print the text, the checks read `unpaired_marks` to name the marks
the same grammar leaves printed as typed, so the two cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from tbkl_gen.nd30.patterns import lazy

INLINE = lazy(
    r"\\(?P<escaped>.)"
    r"|\*\*(?P<bold>(?:\\.|[^\\])+?)\*\*"
    r"|\*(?P<italic>(?!\s)(?:\\.|[^\\*])+?(?<!\s))\*"
    r"|\^\[(?P<note>(?:\\.|[^\]\\])*)\]",
    re.DOTALL,
)
"""One piece of markup: an escaped character, bold, italic, or a footnote."""


@dataclass(frozen=True)
class Span:
    """A piece of text with one emphasis, or a footnote reference when `footnote` is set."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    footnote: int | None = None


@dataclass(frozen=True)
class Footnote:
    """A footnote (`^[…]`): its number in the document and its text."""

    id: int
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def has_markup(text: str) -> bool:
    """Return whether text holds any character the grammar reads (most text holds none)."""
    return "*" in text or "^" in text or "\\" in text


def parse_inline(text: str, footnotes: list[Footnote], *, bold: bool = False, italic: bool = False) -> list[Span]:
    """Split text into spans by **bold**, *italic* and ^[footnote] markup."""
    if not has_markup(text):
        return [Span(text, bold, italic)] if text else []
    spans: list[Span] = []
    position = 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()], bold, italic))
        if match.group("escaped") is not None:
            spans.append(Span(match.group("escaped"), bold, italic))
        elif match.group("bold") is not None:
            spans.extend(parse_inline(match.group("bold"), footnotes, bold=True, italic=italic))
        elif match.group("italic") is not None:
            spans.extend(parse_inline(match.group("italic"), footnotes, bold=bold, italic=True))
        else:
            note_id = len(footnotes) + 1
            footnotes.append(Footnote(note_id, ()))
            note_spans = tuple(parse_inline(match.group("note").strip(), footnotes))
            footnotes[note_id - 1] = Footnote(note_id, note_spans)
            spans.append(Span(footnote=note_id))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:], bold, italic))
    return _merge(spans)


def plain_text(text: str) -> str:
    """Return the text as printed in its paragraph: markup read, footnotes left out."""
    if not has_markup(text):
        return text
    return "".join(span.text for span in parse_inline(text, []) if span.footnote is None)


# A run of stars the grammar left as typed, and what stands on each side of it.
_STARS = lazy(r"(?<!\*)\*+(?!\*)")


def unpaired_marks(text: str) -> Iterator[tuple[str, int]]:
    """Yield (mark, offset) for each "**", "*" or "^[" the grammar prints as typed.

    A star counts only where a drafter opens or closes emphasis, a word on one side only
    ("**Sở Tài chính", "chủ trì*"); one standing apart or inside a word ("(*)", "5 * 3", "7*7")
    is text.
    """
    if not has_markup(text):
        return
    yield from _unpaired(text, 0)


def _unpaired(text: str, offset: int) -> Iterator[tuple[str, int]]:
    position = 0
    for match in INLINE.finditer(text):
        yield from _literal_marks(text, position, match.start(), offset)
        for name in ("bold", "italic", "note"):
            if match.group(name) is not None:
                yield from _unpaired(match.group(name), offset + match.start(name))
        position = match.end()
    yield from _literal_marks(text, position, len(text), offset)


def _literal_marks(text: str, start: int, end: int, offset: int) -> Iterator[tuple[str, int]]:
    """Yield the marks in text[start:end], a stretch the grammar prints as typed."""
    gap = text[start:end]
    marks = []
    for stars in _STARS.finditer(gap):
        before = text[start + stars.start() - 1] if start + stars.start() > 0 else ""
        after = text[start + stars.end()] if start + stars.end() < len(text) else ""
        # A star against the star of a pair the grammar did read is half of a "**" the drafter
        # typed: "**giao ban*" prints "*" and then "giao ban" in italics.
        glued_after = after == "*" and stars.end() == len(gap)
        glued_before = before == "*" and stars.start() == 0
        opens = (after.isalnum() or glued_after) and not (before.isalnum() or glued_before)
        closes = (before.isalnum() or glued_before) and not (after.isalnum() or glued_after)
        if opens or closes:
            typed = len(stars.group()) + (glued_after or glued_before)
            marks.append((stars.start(), "**" if typed >= 2 else "*"))
    index = gap.find("^[")
    while index != -1:
        marks.append((index, "^["))
        index = gap.find("^[", index + 2)
    for index, mark in sorted(marks):
        yield mark, offset + start + index


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if (
            merged
            and span.footnote is None
            and merged[-1].footnote is None
            and (merged[-1].bold, merged[-1].italic) == (span.bold, span.italic)
        ):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic)
        elif span.footnote is not None or span.text:
            merged.append(span)
    return merged
