"""`tbkl check`: every notice through the pipeline (checked, not rendered), plus checks across files.

Every problem of every file is collected; nothing is written. Across files: two notices of the
same issuing body and year with the same number and symbol (`pipeline.NumberRegistry`), and the
Word templates an office keeps in its workspace.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tbkl_gen.source.names import find_sources
from tbkl_gen.errors import Fix, NotReadable, OutputFailed, Place, Problem, WordFileRefused
from tbkl_gen.files import read_regular, read_regular_or_none, write_file
from tbkl_gen.pipeline import NumberRegistry, Outcome, problems_of_workspace, register_number, run_file
from tbkl_gen.source.places import span_end
from tbkl_gen.source.read import MAX_SOURCE_BYTES
from tbkl_gen.source.workspace import Workspace, find_workspace

if TYPE_CHECKING:
    from tbkl_gen.audit.report import RuleResult


@dataclass
class CheckOutcome:
    """The notices checked and every problem found in them."""

    files: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_sources(paths: list[Path]) -> CheckOutcome:
    """Return every problem in the notices under paths, and in the workspaces they belong to.

    Each notice goes through the pipeline (`pipeline.run_file`) as `tbkl render` sends it, so
    both print the same problems for it. Problems come file by file, each file's in line order;
    a notice that the loader could only partly read is still checked for meaning, so one run
    shows every mistake it can see.
    """
    outcome = CheckOutcome()
    workspaces: dict[Path, Workspace | None] = {}
    numbers = NumberRegistry()
    seen_configs: set[Path | None] = set()
    # A mistake in the office defaults shows in every notice that inherits it: report it once.
    inherited: set[tuple[Path | None, int | None, int | None, str]] = set()
    sources = [source for source, _ in find_sources(paths, outcome.problems)]  # links that lead astray: warned, not read
    for source, found in zip(sources, _checked(sources, workspaces), strict=True):
        outcome.files += 1
        workspace = workspaces[source.resolve().parent]
        if workspace is not None and workspace.config_path not in seen_configs:
            seen_configs.add(workspace.config_path)
            # printed once here; the same problems in each notice's outcome are then dropped
            for problem in problems_of_workspace(workspace):
                outcome.problems.append(problem)
                inherited.add(_key(problem))
        register_number(found, numbers)
        for problem in found.problems:
            if problem.place.file not in (None, source):
                if _key(problem) in inherited:
                    continue
                inherited.add(_key(problem))
            outcome.problems.append(problem)
    return outcome


# Below this many notices one process checks them all (a pool's start costs more than it saves).
POOL_THRESHOLD = 200
POOL_CHUNK = 32


def _checked(sources: list[Path], workspaces: dict[Path, Workspace | None]) -> Iterator[Outcome]:
    """Yield each source's outcome of `run_file(..., until="check")`, in the order of sources.

    Many notices are checked by a pool of processes, one per CPU (each notice is independent; what
    crosses files, the numbers used twice and the workspace's own problems, is done by the caller
    in this order, so the output is the same as one process gives). workspaces is filled with the
    workspace of each source's folder as each is reached.
    """
    for source in sources:
        folder = source.resolve().parent
        if folder not in workspaces:
            workspaces[folder] = find_workspace(folder)
    workers = min(os.cpu_count() or 1, len(sources) // POOL_THRESHOLD)
    if workers < 2:
        for source in sources:
            yield run_file(source, workspaces[source.resolve().parent], until="check")
        return
    from concurrent.futures import ProcessPoolExecutor

    from tbkl_gen.commands.batch import _start_worker

    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker) as pool:
        yield from pool.map(_check_in_worker, sources, chunksize=POOL_CHUNK)


_worker_workspaces: dict[Path, Workspace | None] = {}


def _check_in_worker(source: Path) -> Outcome:
    """Check one source in a worker process: its workspace read once per folder, the outcome without its notice."""
    folder = source.resolve().parent
    if folder not in _worker_workspaces:
        _worker_workspaces[folder] = find_workspace(folder)
    return run_file(source, _worker_workspaces[folder], until="check").summary()


# How the text of a source changes with fixes applied: `tbkl_gen.service.yamlsave.fixed`, the page's
# round-trip writer, handed in by the command line (the page sits above the commands).
Applier = Callable[[str, list[Fix]], tuple[str, list[Fix]]]

# A fix can reveal another (a value with two slips gets one fix a round); past this many rounds
# what is left needs a person.
MAX_ROUNDS = 5


@dataclass
class FixOutcome:
    """What `fix_sources` applied, could not apply, and what a check found afterwards."""

    fixed: list[Problem] = field(default_factory=list)
    """The problems whose fix was applied, with the place they were found at."""
    failed: list[Problem] = field(default_factory=list)
    """A file that could not be read or written back, as a problem to print."""
    remaining: CheckOutcome = field(default_factory=CheckOutcome)


def fix_sources(paths: list[Path], apply: Applier, frozen: dict[Path, str] | None = None) -> FixOutcome:
    """Apply every problem's fix to the notices under paths, then check them again.

    Each round checks, applies at most one fix to a value (a value with two slips is fixed again
    from what the first fix wrote) and writes each changed file through the one writer
    (`files.write_file`); the last check is what remains. frozen maps the (resolved) sources that
    must not change, issued documents, to why: they are named, never written.
    """
    outcome = FixOutcome()
    refused: set[Path] = set()
    held = frozen or {}
    for _ in range(MAX_ROUNDS):
        checked = check_sources(paths)
        outcome.remaining = checked
        by_file: dict[Path, list[Problem]] = {}
        for problem in checked.problems:
            if problem.fix is not None and problem.place.file is not None and problem.place.file not in refused:
                by_file.setdefault(problem.place.file, []).append(problem)
        changed = False
        for path, problems in by_file.items():
            why = held.get(path.resolve())
            if why is not None:
                refused.add(path)
                outcome.failed.append(Problem(Place(path), f"không sửa: {why}", code="frozen"))
                continue
            chosen: dict[tuple[str | int, ...], Problem] = {}
            for problem in problems:
                assert problem.fix is not None
                chosen.setdefault(problem.fix.path, problem)
            try:
                text, bom, crlf = _read_text(path)
                new, applied = apply(text, [p.fix for p in chosen.values() if p.fix is not None])
                if applied and new != text:
                    new = new.replace("\n", "\r\n") if crlf else new
                    write_file(path, (bom + new).encode("utf-8"))
            except (NotReadable, OutputFailed, OSError, UnicodeDecodeError) as exc:
                refused.add(path)
                reason = exc.reason if isinstance(exc, (NotReadable, OutputFailed)) else str(exc)
                outcome.failed.append(Problem(Place(path), f"không sửa được tệp: {reason}", code="io"))
                continue
            if applied and new != text:
                done = {id(fix) for fix in applied}
                outcome.fixed += [p for p in chosen.values() if id(p.fix) in done]
                changed = True
        if not changed:
            break
    else:
        outcome.remaining = check_sources(paths)
    return outcome


def _read_text(path: Path) -> tuple[str, str, bool]:
    """Return a source's text without its byte-order mark, the mark, and whether its lines end in CRLF."""
    text = read_regular(path, MAX_SOURCE_BYTES, follow_links=False).decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom) :]
    crlf = "\r\n" in text
    return text.replace("\r\n", "\n"), bom, crlf


def problem_dicts(problems: list[Problem], base: Path | None) -> list[dict[str, object]]:
    """Return the problems as `--format json` prints them: `Problem.to_dict` with where the value
    ends (`end_line`, `end_column`: 1-based, the end excluded; as `tbkl lsp` underlines it)."""
    lines_of: dict[Path, list[str]] = {}
    found = []
    for problem in problems:
        entry = problem.to_dict(base)
        end = None
        if problem.place.file is not None:
            lines = lines_of.get(problem.place.file)
            if lines is None:
                raw = read_regular_or_none(problem.place.file, MAX_SOURCE_BYTES)
                text = raw.decode("utf-8", "replace").removeprefix("\ufeff") if raw is not None else ""
                lines = lines_of[problem.place.file] = text.splitlines()
            end = span_end(lines, problem.place.line, problem.place.column)
        entry["end_line"], entry["end_column"] = end if end is not None else (None, None)
        found.append(entry)
    return found


def _key(problem: Problem) -> tuple[Path | None, int | None, int | None, str]:
    return (problem.place.file, problem.place.line, problem.place.column, problem.message)


def check_docx_files(paths: list[Path]) -> Iterator[tuple[Path, list[RuleResult] | WordFileRefused]]:
    """Yield each Word file with its per-rule results against ND30, or why it was refused unread.

    A .doc is read as LibreOffice saves it as .docx (`office.server.doc_as_docx`), as `tbkl import`
    reads it. A refused file does not stop the others: each file gets its own report or its own reason.
    """
    if not paths:
        return
    for path in paths:
        try:
            outcome: list[RuleResult] | WordFileRefused = _audited(path)
        except WordFileRefused as refusal:
            outcome = refusal
        except Exception as error:  # noqa: BLE001 - python-docx could not make a document of a file within the limits
            outcome = WordFileRefused(path, f"không đọc được cấu trúc văn bản Word ({type(error).__name__}); hãy mở bằng Word và lưu lại")
        yield path, outcome


def _audited(path: Path) -> list[RuleResult]:
    """Return the audit of the Word file at path; an old .doc is converted by LibreOffice first."""
    from tbkl_gen.audit import audit_docx

    if path.suffix.lower() != ".doc":
        return audit_docx(path)
    import contextlib

    from tbkl_gen.office.server import doc_as_docx

    with contextlib.ExitStack() as stack:
        return audit_docx(doc_as_docx(path, stack))
