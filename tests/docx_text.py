"""Read the text of a rendered .docx the way a reader meets it, for tests that compare wording.

`document_lines(path)` lists the body's paragraphs in document order (a table's cells row by row,
left to right, where the notice keeps its header and its recipients and signature), then the
footnotes. Paragraphs with no text, such as the ones that only draw a line under a title, are left
out: they carry layout, not wording.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.text.paragraph import Paragraph

_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_NOTE_KINDS_WITHOUT_TEXT = {"separator", "continuationSeparator", "continuationNotice"}


def document_lines(path: Path) -> list[str]:
    """Return the text of every non-empty paragraph of the body, then of every footnote.

    A paragraph broken by a line break (`<w:br/>`, the drafter's chosen break in a summary) gives
    one line for each of its lines, as a reader sees them.
    """
    body = Document(str(path)).element.body
    lines = [line for p in body.iter(qn("w:p")) if not _in_fallback(p) for line in _text(p).split("\n")]
    return [line for line in lines if line.strip()] + footnote_texts(path)


def footnote_texts(path: Path) -> list[str]:
    """Return the text of each real footnote, without its number mark, in the order of the part."""
    with zipfile.ZipFile(path) as package:
        if "word/footnotes.xml" not in package.namelist():
            return []
        part = parse_xml(package.read("word/footnotes.xml"))
    notes = [n for n in part.iterchildren(qn("w:footnote")) if n.get(qn("w:type")) not in _NOTE_KINDS_WITHOUT_TEXT]
    return [" ".join(_text(p) for p in note.iter(qn("w:p"))).strip() for note in notes]


def _text(p: CT_P) -> str:
    return Paragraph(p, None).text


def _in_fallback(p: CT_P) -> bool:
    return any(ancestor.tag == _FALLBACK for ancestor in p.iterancestors())


if __name__ == "__main__":
    # Print a document's lines, as a golden file holds them: python tests/docx_text.py out/a.docx
    import sys

    sys.stdout.reconfigure(encoding="utf-8")
    print("\n".join(document_lines(Path(sys.argv[1]))))
