"""The audit: any Word notice read and held to the decree's format rules (nd30.md §11-12).

`audit_docx` is the one entry. The work is split by job: `reader` turns a .docx into paragraphs
with resolved formatting (`styles` resolves the style chain and list numbering, `ooxml` reads
attribute values), `locate` finds the parts of a notice, `geometry` measures widths and lines,
`rules` holds the 26 rules (reading the decree's values from tbkl_gen.nd30), `report` tells
the outcome in Vietnamese.
"""

from __future__ import annotations

from pathlib import Path

import docx

from tbkl_gen.audit.reader import read_document
from tbkl_gen.audit.report import RuleResult, format_report
from tbkl_gen.audit.rules import RULE_TITLES, check_document
from tbkl_gen.wordfile import open_word_file

__all__ = ["RULE_TITLES", "RuleResult", "audit_docx", "format_report", "read_lines", "read_paragraphs"]


def audit_docx(path: Path, *, symbol_abbrev: str | None = None) -> list[RuleResult]:
    """Check every rule on one .docx; never raise on a malformed-but-readable docx (report instead)."""
    # A file python-docx cannot open at all is not a notice to report on: that error propagates.
    document = docx.Document(open_word_file(path).stream())  # parse only bytes that passed the limits
    return check_document(document, symbol_abbrev)


def read_paragraphs(path: Path) -> list[tuple[str, str]]:
    """Return (story, text) of each paragraph as Word shows it, in reading order.

    The body first (table cells row by row, left to right, as the audit reads them), then the
    footnotes, endnotes and footers; a paragraph's text includes its automatic number.
    """
    doc = read_document(docx.Document(open_word_file(path).stream()))
    return [(para.story, para.text) for para in (*doc.body, *doc.other_stories)]


TABLE_CELL_SEPARATOR = " | "


def read_lines(path: Path) -> list[tuple[str, str]]:
    """Return (story, text) of each paragraph as read_paragraphs does, a row of a table of content on one line.

    The tables that lay out the header and the closing block keep one line a paragraph; in a
    table of content (a task list, inspection results) each row is one line, its cells' text
    joined by " | " (a cell of several paragraphs by spaces), so a changed cell is seen in its row.
    """
    from tbkl_gen.audit.locate import locate

    doc = read_document(docx.Document(open_word_file(path).stream()))
    layout = locate(doc, None).layout_tables()
    lines: list[tuple[str, str]] = []
    row_at: dict[tuple[int, int], int] = {}
    cells: dict[int, dict[int, list[str]]] = {}
    for para in doc.body:
        if para.cell is None or para.cell.table in layout:
            lines.append((para.story, para.text))
            continue
        key = (para.cell.table, para.cell.row)
        if key not in row_at:
            row_at[key] = len(lines)
            lines.append((para.story, ""))
            cells[row_at[key]] = {}
        cells[row_at[key]].setdefault(para.cell.col, []).append(" ".join(para.text.split()))
    for index, by_column in cells.items():
        lines[index] = ("body", TABLE_CELL_SEPARATOR.join(" ".join(t for t in texts if t) for _, texts in sorted(by_column.items())))
    return [*lines, *((para.story, para.text) for para in doc.other_stories)]
