"""The page's rich text: markup read for the editor, and pasted text made into blocks.

The editor shows `**đậm**`, `*nghiêng*` and `^[chú thích]` as formatting, never as marks. It
reads the markup through `tbkl_gen.markup.parse_inline`, the grammar the layout prints with (one
grammar), as a list of spans: `{"t": text, "b": bold, "i": italic}`, or `{"n": [spans]}` for a
footnote with its own text. The page writes markup back from such spans (app.js, `toMarkup`, a
port of the importer's `to_markup`, tested against it and against the parser on random text).
Pasted HTML and plain text become blocks through the importer's label rules.
"""

from __future__ import annotations

from typing import Any

from tbkl_gen.page import engine
from tbkl_gen.markup import Footnote, Span, parse_inline

MAX_TEXTS = 20_000
"""The most texts one request may ask to be read (a notice has a few hundred blocks)."""


def spans_of(text: str) -> list[dict[str, Any]]:
    """Return the editor's spans for one markup text."""
    footnotes: list[Footnote] = []
    spans = parse_inline(text, footnotes)
    return [_span(span, footnotes) for span in spans]


def _span(span: Span, footnotes: list[Footnote]) -> dict[str, Any]:
    if span.footnote is not None:
        note = footnotes[span.footnote - 1]
        return {"n": [_span(inner, footnotes) for inner in note.spans if inner.footnote is None]}
    return {"t": span.text, "b": span.bold, "i": span.italic}


def texts_in(blocks: Any, out: list[str] | None = None) -> list[str]:
    """Return every text of a body (as `noi_dung` holds it), in order."""
    out = [] if out is None else out
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, str):
            out.append(block)
        elif isinstance(block, dict):
            out += [value for key, value in block.items() if isinstance(value, str)]
            texts_in(block.get("noi_dung"), out)
    return out


def pasted(html: Any, text: Any) -> dict[str, Any]:
    """Return the page's answer to a paste: the blocks, each text's spans, what was corrected."""
    blocks, corrections = engine.pasted_blocks(html if isinstance(html, str) else None, text if isinstance(text, str) else None)
    return {"blocks": blocks, "spans": {t: spans_of(t) for t in texts_in(blocks)}, "sua": corrections}
