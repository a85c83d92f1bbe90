"""Text pasted on the drafting page (from Word, an e-mail, a web page) as body blocks.

The clipboard holds HTML (Word, Outlook, Gmail, a browser) and plain text. Both become the
paragraphs of `labels.build_body`, the importer's one set of label rules: a typed "1.", "a)",
"-" becomes structure, as it does when a Word file is imported. Bold and italic are read from
the HTML's tags and inline styles; HTML lists (`<ol>`, `<ul>`) give their items the label a
reader sees. Characters are cleaned as the importer cleans a Word paragraph: NFC, tabs and
breaks one space, runs of spaces one space; non-breaking and zero-width spaces too, which HTML
uses to hold a layout.
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tbkl_gen.importer.inline import Char, cleaned, single_spaced
from tbkl_gen.importer.labels import BodyPara, TableItem, build_body
from tbkl_gen.importer.report import FileReport
from tbkl_gen.nd30 import words as vn

MAX_PASTE_CHARS = 1_000_000
"""A paste longer than this is refused: a notice is far shorter."""

# Spaces HTML and e-mail use to hold a layout: a plain space in the source.
_SPACES = {"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u2009": " "}
# Characters that show nothing: left out.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}

_BLOCK_TAGS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre",
    "section", "article", "header", "footer", "table", "ul", "ol", "dd", "dt",
}  # fmt: skip
_SKIPPED_TAGS = {"head", "style", "script", "title", "xml", "template", "noscript", "object"}
_VOID_TAGS = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"}


def paste_blocks(html: str | None, text: str | None) -> tuple[list[Any], list[str]]:
    """Return the body blocks a paste stands for (as `noi_dung` holds them), and what was corrected.

    HTML is read when there is any, else the plain text, one paragraph a line. A paste longer
    than MAX_PASTE_CHARS gives nothing.
    """
    if len(html or "") > MAX_PASTE_CHARS or len(text or "") > MAX_PASTE_CHARS:
        return [], [f"đoạn dán quá dài (hơn {MAX_PASTE_CHARS:,} ký tự); chưa dán".replace(",", ".")]
    paragraphs = _html_paragraphs(html) if html and html.strip() else None
    if not paragraphs:
        paragraphs = [[Char(c) for c in line] for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    report = FileReport(Path("dán"))
    paras: list[BodyPara | TableItem] = []
    for index, chars in enumerate(paragraphs, start=1):
        chars, _ = single_spaced(cleaned(_normalised(chars)))
        if chars:
            paras.append(BodyPara(f"đoạn dán {index}", chars, None))
    if not paras:
        return [], []
    blocks = build_body(paras, report)
    return blocks, [finding.message for finding in report.findings]


def _normalised(chars: list[Char]) -> list[Char]:
    """Return chars in NFC with layout spaces made plain and invisible characters left out."""
    out: list[Char] = []
    for char in chars:
        if char.ch in _INVISIBLE:
            continue
        out.append(Char(_SPACES.get(char.ch, char.ch), char.bold, char.italic, char.note))
    # NFC joins a letter with the marks typed after it (NFD from a Mac mail): per stretch of one emphasis.
    merged: list[Char] = []
    index = 0
    while index < len(out):
        end = index
        while end < len(out) and (out[end].bold, out[end].italic, out[end].note) == (out[index].bold, out[index].italic, out[index].note):
            end += 1
        if out[index].note is not None:
            merged += out[index:end]
        else:
            text = unicodedata.normalize("NFC", "".join(c.ch for c in out[index:end]))
            merged += [Char(c, out[index].bold, out[index].italic) for c in text]
        index = end
    return merged


def _html_paragraphs(html: str) -> list[list[Char]]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.end_paragraph()
    return reader.paragraphs


class _Reader(HTMLParser):
    """Paragraphs of characters with their emphasis, from clipboard HTML (never trusted, never run)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[Char]] = []
        self.current: list[Char] = []
        # Each open element: (tag, bold or None, italic or None, skipped).
        self.stack: list[tuple[str, bool | None, bool | None, bool]] = []
        self.lists: list[list[Any]] = []  # open lists: [ordered, count, type]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): value or "" for name, value in attrs}
        if tag == "br":
            self.end_paragraph()
            return
        if tag in _BLOCK_TAGS:
            self.end_paragraph()
        if tag in ("ol", "ul"):
            self.lists.append([tag == "ol", _start(attributes.get("start")), attributes.get("type", "1")])
        if tag in _VOID_TAGS:
            return
        style = _style(attributes.get("style", ""))
        bold: bool | None = True if tag in ("b", "strong") or tag in ("h1", "h2", "h3", "h4", "h5", "h6") else None
        italic: bool | None = True if tag in ("i", "em") else None
        weight = style.get("font-weight")
        if weight is not None:
            bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
        slant = style.get("font-style")
        if slant is not None:
            italic = slant in ("italic", "oblique")
        skipped = tag in _SKIPPED_TAGS or style.get("display") == "none"
        self.stack.append((tag, bold, italic, skipped))
        if tag == "li" and self.lists:
            ordered, count, kind = self.lists[-1]
            self.lists[-1][1] = count + 1
            self.handle_data(_item_label(ordered, count, kind) + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.end_paragraph()
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if any(skipped for _, _, _, skipped in self.stack):
            return
        bold = italic = False
        for _, b, i, _ in self.stack:
            bold = b if b is not None else bold
            italic = i if i is not None else italic
        # White space in HTML source is layout: a line break there is a space.
        self.current += [Char(" " if c in "\r\n" else c, bold, italic) for c in data]

    def end_paragraph(self) -> None:
        if self.current:
            self.paragraphs.append(self.current)
        self.current = []


def _style(text: str) -> dict[str, str]:
    out = {}
    for declaration in text.split(";"):
        name, _, value = declaration.partition(":")
        if value:
            out[name.strip().lower()] = value.strip().lower().removesuffix("!important").strip()
    return out


def _start(value: str | None) -> int:
    return int(value) - 1 if value and value.isdigit() and int(value) < 10_000 else 0


def _item_label(ordered: bool, index: int, kind: str) -> str:
    """Return the label a reader sees before the list item: "1.", "a)" or "-"."""
    if not ordered:
        return "-"
    if kind == "a":
        return vn.point_label(index) + ")"
    if kind == "I":
        return vn.roman(index + 1) + "."
    return f"{index + 1}."
