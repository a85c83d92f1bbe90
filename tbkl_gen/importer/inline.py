"""A Word paragraph as source text: runs with bold and italic, footnotes, a list label.

Each paragraph becomes a list of characters with their emphasis (`Char`), footnote references
in place. The label (typed "1. " or computed by Word's numbering) is found on the plain text and
cut off; what remains is written in the source's inline markup (`**đậm**`, `*nghiêng*`,
`^[chú thích]`, `\\` before a literal `*`, `^` or `\\`) and checked by reading it back with the
layout's own parser, so the source prints what the file showed.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from lxml import etree

from tbkl_gen.audit.ooxml import W
from tbkl_gen.audit.reader import Para, own_runs
from tbkl_gen.audit.styles import StyleSheet
from tbkl_gen.markup import Footnote, Span, parse_inline

NOTE = "\x00"
"""Stands for a footnote reference in plain text: XML text can never hold it."""


class Char(NamedTuple):
    """One character as shown, with its emphasis (a tuple: paragraphs hold thousands of them)."""

    ch: str
    bold: bool = False
    italic: bool = False
    note: str | None = None
    """A footnote's own source text (markup included) when this is a reference."""


def paragraph_chars(para: Para, sheet: StyleSheet, notes: dict[str, str], *, apply_caps: bool = True) -> list[Char]:
    """Return the characters a paragraph shows, its list label first, in NFC.

    Without apply_caps, text formatted to show in capitals (All Caps) keeps the case it was typed in.
    """
    chars: list[Char] = []
    if para.label:
        chars += [Char(c, para.mark.bold, para.mark.italic) for c in para.label]
    chars += element_chars(para.element, sheet, para.format.style_id, para.table_style, notes, apply_caps=apply_caps)
    return chars


def element_chars(
    element: etree._Element,
    sheet: StyleSheet,
    style_id: str | None,
    table_style: str | None,
    notes: dict[str, str],
    *,
    apply_caps: bool = True,
) -> list[Char]:
    """Return the characters of one w:p: hidden text left out, caps applied, NFC per run."""
    chars: list[Char] = []
    for run in own_runs(element):
        hidden, bold, italic, caps = _emphasis(sheet, run.find(W + "rPr"), style_id, table_style)
        if hidden:
            continue
        caps = caps and apply_caps
        pieces: list[str] = []
        for child in run:
            tag = child.tag
            if tag == W + "t":
                pieces.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                pieces.append("\t")
            elif tag in (W + "br", W + "cr"):
                pieces.append("\n")
            elif tag == W + "noBreakHyphen":
                pieces.append("-")
            elif tag in (W + "footnoteReference", W + "endnoteReference"):
                text = unicodedata.normalize("NFC", "".join(pieces))
                chars += [Char(c.upper() if caps else c, bold, italic) for c in text]
                pieces = []
                note_id = child.get(W + "id", "")
                kind = "e" if tag == W + "endnoteReference" else "f"
                chars.append(Char(NOTE, note=notes.get(kind + note_id, "")))
        text = unicodedata.normalize("NFC", "".join(pieces))
        chars += [Char(c.upper() if caps else c, bold, italic) for c in text]
    return chars


_EMPHASIS_CACHE: dict[tuple[bytes, str | None, str | None], tuple[bool, bool, bool, bool]] = {}
# The style sheet the cache is for, held so that its id cannot pass to another document's sheet.
_CACHE_SHEET: list[StyleSheet] = []


def _emphasis(
    sheet: StyleSheet, rpr: etree._Element | None, style_id: str | None, table_style: str | None
) -> tuple[bool, bool, bool, bool]:
    """Return (hidden, bold, italic, caps) of a run; runs of a document repeat a few formats."""
    if not _CACHE_SHEET or _CACHE_SHEET[0] is not sheet:
        _CACHE_SHEET[:] = [sheet]
        _EMPHASIS_CACHE.clear()
    key = (etree.tostring(rpr) if rpr is not None else b"", style_id, table_style)
    found = _EMPHASIS_CACHE.get(key)
    if found is None:
        fmt = sheet.run_format(rpr, style_id, table_style)
        # Offices type "Times New Roman Bold" as a font name: it prints bold without w:b.
        font = fmt.fonts.get("ascii", "") + fmt.fonts.get("hAnsi", "")
        found = (fmt.hidden, fmt.bold or "Bold" in font, fmt.italic or "Italic" in font, fmt.caps)
        if len(_EMPHASIS_CACHE) > 10_000:
            _EMPHASIS_CACHE.clear()
        _EMPHASIS_CACHE[key] = found
    return found


def plain(chars: list[Char]) -> str:
    return "".join(c.ch for c in chars)


def cleaned(chars: list[Char]) -> list[Char]:
    """Return chars on one line as the layout cleans text: breaks and tabs one space, ends trimmed."""
    out: list[Char] = []
    index = 0
    while index < len(chars):
        char = chars[index]
        if char.ch in "\t\r\n":
            while out and out[-1].ch in " \t":
                out.pop()
            while index < len(chars) and chars[index].ch in " \t\r\n":
                index += 1
            out.append(Char(" ", char.bold, char.italic))
            continue
        out.append(char)
        index += 1
    start = 0
    while start < len(out) and out[start].ch.isspace():
        start += 1
    end = len(out)
    while end > start and out[end - 1].ch.isspace():
        end -= 1
    return out[start:end]


def single_spaced(chars: list[Char]) -> tuple[list[Char], int]:
    """Return chars with every run of spaces made one space, and how many runs there were."""
    out: list[Char] = []
    runs = 0
    for char in chars:
        if char.ch == " " and out and out[-1].ch == " ":
            if len(out) < 2 or out[-2].ch != " ":
                runs += 1
            continue
        out.append(char)
    return out, runs


def all_bold(chars: list[Char]) -> bool:
    """Return whether every visible character is bold (white space cannot look bold)."""
    visible = [c for c in chars if not c.ch.isspace() and c.note is None]
    return bool(visible) and all(c.bold for c in visible)


def _settle_spaces(chars: list[Char], base_bold: bool) -> list[Char]:
    """Return chars with white space at the edges of an emphasised stretch made plain.

    Markup may not open or close on a space (`* x*` is not italic), and a space looks the same
    either way; spaces inside a stretch, or between two stretches, keep what they had.
    """
    out = list(chars)
    index = 0
    while index < len(out):
        end = index
        key = (out[index].bold or base_bold, out[index].italic, out[index].note is None)
        while end < len(out) and (out[end].bold or base_bold, out[end].italic, out[end].note is None) == key:
            end += 1
        if out[index].note is None and (key[0] != base_bold or key[1]):
            left = index
            while left < end and out[left].ch.isspace():
                out[left] = Char(out[left].ch, base_bold, False)
                left += 1
            right = end - 1
            while right >= left and out[right].ch.isspace():
                out[right] = Char(out[right].ch, base_bold, False)
                right -= 1
        index = end
    return out


_ESCAPED = set("\\*^")


def _escape(text: str, extra: str = "") -> str:
    return "".join("\\" + c if c in _ESCAPED or c in extra else c for c in text)


def _markup(chars: list[Char], base_bold: bool, extra_escape: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(chars):
        char = chars[index]
        if char.note is not None:
            out.append("^[" + char.note + "]")
            index += 1
            continue
        bold = char.bold and not base_bold
        end = index
        while end < len(chars) and chars[end].note is None and (chars[end].bold and not base_bold) == bold:
            end += 1
        group = chars[index:end]
        if bold:
            out.append("**" + _italic_markup(group, extra_escape) + "**")
        else:
            out.append(_italic_markup(group, extra_escape))
        index = end
    return "".join(out)


def _italic_markup(chars: list[Char], extra_escape: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(chars):
        italic = chars[index].italic
        end = index
        while end < len(chars) and chars[end].italic == italic:
            end += 1
        text = _escape("".join(c.ch for c in chars[index:end]), extra_escape)
        out.append(f"*{text}*" if italic else text)
        index = end
    return "".join(out)


def _expected_spans(chars: list[Char], base_bold: bool) -> list[tuple[str, bool, bool, str | None]]:
    spans: list[tuple[str, bool, bool, str | None]] = []
    for char in chars:
        if char.note is not None:
            spans.append(("", False, False, char.note))
            continue
        bold = char.bold or base_bold
        if spans and spans[-1][3] is None and spans[-1][1:3] == (bold, char.italic):
            spans[-1] = (spans[-1][0] + char.ch, bold, char.italic, None)
        else:
            spans.append((char.ch, bold, char.italic, None))
    return spans


def _read_back(markup: str, base_bold: bool) -> list[tuple[str, bool, bool, str | None]]:
    footnotes: list[Footnote] = []
    spans: list[Span] = parse_inline(markup, footnotes, bold=base_bold)
    out: list[tuple[str, bool, bool, str | None]] = []
    for span in spans:
        if span.footnote is not None:
            out.append(("", False, False, None))
        else:
            out.append((span.text, span.bold, span.italic, None))
    return out


def to_markup(chars: list[Char], *, base_bold: bool = False, in_note: bool = False) -> tuple[str, bool]:
    """Return chars as source text with inline markup, and whether any emphasis had to be dropped.

    Text that is bold where the paragraph is bold anyway (a section or item title) needs no
    markup; text that is not bold inside such a title cannot be written and prints bold.
    """
    extra = "]" if in_note else ""
    if all(c.note is None and not c.italic and (c.bold or base_bold) == base_bold for c in chars):
        return _escape("".join(c.ch for c in chars), extra), False  # no emphasis: nothing to read back
    settled = _settle_spaces(chars, base_bold)
    markup = _markup(settled, base_bold, extra)
    expected = [(t, b, i, None) for t, b, i, _ in _expected_spans(settled, base_bold)]
    if _read_back(markup, base_bold) == expected:
        return markup, False
    # Bold and italic together at the end of a bold stretch cannot be written in the markup
    # ("***x***" reads otherwise); keep the bold, which carries more meaning, and say so.
    without_italic = [Char(c.ch, c.bold, False, c.note) for c in settled]
    return _markup(_settle_spaces(without_italic, base_bold), base_bold, extra), True
