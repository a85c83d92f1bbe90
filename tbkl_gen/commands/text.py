"""The notice as plain text (`tbkl text`, a git textconv) and word-level differences (`tbkl diff`).

A .docx is read with the audit's Word reader, so any Word notice works, ours or typed by hand. A
.yaml is rendered first (through the same batch pipeline as `tbkl render`, into a temporary
folder) and its .docx read the same way: the text of a source and of its rendered file are the
same by construction, and `tbkl diff a.yaml a.docx` prints nothing.

The text is one paragraph a line in reading order (the header table cell by cell, the body, the
recipients, the signature, the appendices), a row of a table of content on one line with its
cells joined by " | ", white space collapsed, empty paragraphs and page-number headers
left out, then the footnotes numbered under "Chú thích:". It depends only on what the document
shows, so it is stable from one run or machine to the next.
"""

from __future__ import annotations

import difflib
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tbkl_gen.errors import NoticeInvalid, Problem, TbklError, UnreadableDocx
from tbkl_gen.files import write_file
from tbkl_gen.source.names import DOCX_SUFFIXES, SOURCE_SUFFIXES
from tbkl_gen.wordfile import refuse_unless_regular

NOTES_HEADING = "Chú thích:"


def render_source(source: Path, folder: Path) -> tuple[Path, list[Problem]]:
    """Render one notice into folder through the pipeline; return its .docx and warnings.

    Raises NoticeInvalid with every problem when the notice cannot be rendered.
    """
    from tbkl_gen.pipeline import run_file
    from tbkl_gen.source.workspace import find_workspace

    workspace = find_workspace(source.resolve().parent)
    outcome = run_file(source, workspace, until="document")
    if outcome.document is None or not outcome.valid:
        raise NoticeInvalid(outcome.problems)
    target = folder / f"{source.stem}.docx"
    write_file(target, outcome.document)
    return target, outcome.problems


def _docx_lines(path: Path) -> list[str]:
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    from tbkl_gen.audit import read_lines

    try:
        paragraphs = read_lines(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        # python-docx's own words are English and may hold a memory address: name the kind only.
        raise UnreadableDocx(
            path, f"cấu trúc văn bản Word bị hỏng hoặc thiếu phần ({type(exc).__name__}); hãy mở bằng Word và lưu lại"
        ) from exc
    body = [_squeeze(text) for story, text in paragraphs if story == "body"]
    notes = [_squeeze(text) for story, text in paragraphs if story in ("footnote", "endnote")]
    lines = [line for line in body if line]
    notes = [note for note in notes if note]
    if notes:
        lines += ["", NOTES_HEADING, *(f"[{number}] {note}" for number, note in enumerate(notes, start=1))]
    return lines


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def notice_lines(path: Path) -> tuple[list[str], list[Problem]]:
    """Return the notice at path (.yaml or .docx) as lines of text, and the source's warnings."""
    if not path.exists():
        raise TbklError(f"không tìm thấy “{path.as_posix()}”")
    refuse_unless_regular(path)
    suffix = path.suffix.lower()
    if suffix in SOURCE_SUFFIXES:
        with tempfile.TemporaryDirectory(prefix="tbkl-text-") as folder:
            docx_path, warnings = render_source(path, Path(folder))
            return _docx_lines(docx_path), warnings
    if suffix in DOCX_SUFFIXES:
        return _docx_lines(path), []
    raise TbklError(f"{path.as_posix()}: cần tệp thông báo .yaml hoặc tệp Word .docx")


def notice_text(path: Path) -> str:
    """Return the notice at path as text, one paragraph a line, ending with a newline."""
    lines, _ = notice_lines(path)
    return "\n".join(lines) + "\n" if lines else ""


# --- word-level differences ---------------------------------------------------------------------

SAME, REMOVED, ADDED = "=", "-", "+"


@dataclass(frozen=True)
class Hunk:
    """A run of changed lines: where it starts on each side, and its lines as (kind, text) pieces."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: list[list[tuple[str, str]]]

    @property
    def header(self) -> str:
        return f"@@ -{self.old_start},{self.old_count} +{self.new_start},{self.new_count} @@"


_TOKEN = re.compile(r"\S+|\n")


def word_diff(old: list[str], new: list[str]) -> list[Hunk]:
    """Return the changed lines of new against old, each marked word by word; [] when the same."""
    hunks = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = _TOKEN.findall("\n".join(old[i1:i2])), _TOKEN.findall("\n".join(new[j1:j2]))
        pieces: list[tuple[str, str]] = []
        words = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for word_tag, a1, a2, b1, b2 in words.get_opcodes():
            if word_tag == "equal":
                pieces += [(SAME, token) for token in before[a1:a2]]
                continue
            pieces += [(REMOVED, token) for token in before[a1:a2]]
            pieces += [(ADDED, token) for token in after[b1:b2]]
        hunks.append(Hunk(i1 + 1, i2 - i1, j1 + 1, j2 - j1, _as_lines(pieces)))
    return hunks


def _as_lines(pieces: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Group word pieces into lines; a removed line break counts, an added one starts a line."""
    lines: list[list[tuple[str, str]]] = [[]]
    for kind, token in pieces:
        if token == "\n":
            if kind != REMOVED:
                lines.append([])
            continue
        line = lines[-1]
        if line and line[-1][0] == kind:
            line[-1] = (kind, f"{line[-1][1]} {token}")
        else:
            line.append((kind, token))
    return [line for line in lines if line]


def format_hunk_line(pieces: list[tuple[str, str]], style: Callable[[str, str], str] | None = None) -> str:
    """Return a line with removed words as [-…-] and added ones as {+…+} (or styled by style)."""
    out = []
    for kind, text in pieces:
        if style is not None and kind != SAME:
            out.append(style(text, kind))
        elif kind == REMOVED:
            out.append(f"[-{text}-]")
        elif kind == ADDED:
            out.append(f"{{+{text}+}}")
        else:
            out.append(text)
    return " ".join(out)
