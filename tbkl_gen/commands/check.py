"""`tbkl check`: load and validate many notices together, plus checks across files.

Every problem of every file is collected; nothing is written. Across files: two notices of the
same issuing body and year with the same number and symbol.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tbkl_gen.commands.batch import find_sources, template_request
from tbkl_gen.errors import Place, Problem, Severity, WordFileRefused
from tbkl_gen.source.read import Path_, field_path, load_notice
from tbkl_gen.source.shape import read_together
from tbkl_gen.notice.model import Notice
from tbkl_gen.validate import validate
from tbkl_gen.nd30.words import number_text
from tbkl_gen.source.workspace import Workspace, find_workspace


@dataclass
class CheckOutcome:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)


NumberKey = tuple[str, str, int, str, str]
# The fields a number is unique by; when one of them could not be read, no comparison is made.
_NUMBERED_BY = {("co_quan",), ("so",), ("ky_hieu",), ("ngay",)}


def check_sources(paths: list[Path]) -> CheckOutcome:
    """Return every problem in the notices under paths, and in the workspaces they belong to.

    Problems come file by file, each file's in line order; a notice that the loader could only
    partly read is still checked for meaning, so one run shows every mistake it can see.
    """
    outcome = CheckOutcome()
    workspaces: dict[Path, Workspace | None] = {}
    numbers = NumberRegistry()
    seen_configs: set[Path] = set()
    # A mistake in the office defaults shows in every notice that inherits it: report it once.
    inherited: set[tuple[Path | None, int | None, int | None, str]] = set()
    for source, _ in find_sources(paths, outcome.problems):  # links that lead astray: warned, not read
        outcome.files += 1
        folder = source.resolve().parent
        if folder not in workspaces:
            workspaces[folder] = find_workspace(folder)
        workspace = workspaces[folder]
        if workspace is not None and workspace.config_path not in seen_configs:
            seen_configs.add(workspace.config_path)
            outcome.problems.extend(workspace.problems)
            outcome.problems.extend(_template_problems(workspace))
        loaded = load_notice(source, workspace.defaults if workspace else None)
        problems = list(loaded.problems)
        notice = loaded.notice or loaded.partial
        if loaded.notice is not None and loaded.source is not None:
            problems.extend(_template_choice(source, loaded.notice, loaded.source, workspace))
        if notice is not None and loaded.source is not None:
            problems.extend(_outside(loaded.source.broken, validate(notice, loaded.source)))
            if not read_together(loaded.source.broken) & _NUMBERED_BY:
                duplicate = numbers.add(notice, loaded.source.place(("so",)))
                if duplicate is not None:
                    problems.append(duplicate)
        for problem in _in_order(source, _unique(problems)):
            if problem.place.file not in (None, source):
                key = (problem.place.file, problem.place.line, problem.place.column, problem.message)
                if key in inherited:
                    continue
                inherited.add(key)
            outcome.problems.append(problem)
    return outcome


class NumberRegistry:
    """The numbers given so far, per issuing body and year: each may be used once (Điều 15)."""

    def __init__(self) -> None:
        self._first: dict[NumberKey, Place] = {}

    def add(self, notice: Notice, place: Place) -> Problem | None:
        """Remember the notice's number; return the problem when another notice already has it."""
        return self.add_key(number_key(notice), place)

    def add_key(self, key: NumberKey | None, place: Place) -> Problem | None:
        """Remember a number by its key (see `number_key`); return the problem on a second use."""
        if key is None:
            return None
        first = self._first.setdefault(key, place)
        if first is place:
            return None
        _, _, year, number, symbol = key
        return Problem(
            place,
            f"số {_number_shown(number)}/{symbol} năm {year} đã dùng ở {_where(first)}",
            Severity.ERROR,
            "mỗi cơ quan đánh số liên tục trong năm, mỗi số chỉ dùng một lần",
            "duplicate_number",
        )


def number_key(notice: Notice) -> NumberKey | None:
    """Return what makes a number unique: issuing body, year, number and symbol; None on drafts."""
    number = (notice.so or "").strip()
    if not number:
        return None
    co_quan = notice.co_quan
    if number.isascii() and number.isdigit():
        number = number.lstrip("0") or "0"
    return (_words(co_quan.chu_quan or ""), _words(" ".join(co_quan.ten)), notice.ngay.nam, number, notice.symbol)


def _number_shown(number: str) -> str:
    return number_text(number) if number.isascii() and number.isdigit() and len(number) <= 6 else number[:40]


def _words(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()).upper())


def _where(place: Place) -> str:
    if place.file is None:
        return "một thông báo khác"
    path = place.file
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown}:{place.line}" if place.line else shown


def _outside(broken: set[Path_], problems: list[Problem]) -> list[Problem]:
    """Drop meaning problems about values the loader already reported as unreadable."""
    if not broken:
        return problems
    fields = [field_path(path) for path in read_together(broken)]

    def inside(name: str) -> bool:
        return any(name == f or name.startswith((f + ".", f + "[")) for f in fields)

    return [p for p in problems if not inside(p.place.field)]


def _unique(problems: list[Problem]) -> list[Problem]:
    """Drop a problem that both the loader and validation found at the same place."""
    seen: set[tuple[Place, str, Severity]] = set()
    unique = []
    for problem in problems:
        key = (problem.place, problem.message, problem.severity)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _in_order(source: Path, problems: list[Problem]) -> list[Problem]:
    """Return the notice's own problems in line order, then those in files it inherits from."""
    far = float("inf")
    return sorted(problems, key=lambda p: (p.place.file not in (None, source), p.place.line or far, p.place.column or 0))


def _template_problems(workspace: Workspace) -> Iterator[Problem]:
    from tbkl_gen.word.template_check import check_workspace_templates, template_choice_problem

    if workspace.template and workspace.template_place is not None:
        root = workspace.root.resolve()
        problem = template_choice_problem(workspace.template, workspace.template_place, workspace.templates_dir, root, root)
        if problem is not None:
            yield problem
    yield from check_workspace_templates(workspace)


def _template_choice(path: Path, notice: Notice, source, workspace: Workspace | None) -> Iterator[Problem]:  # noqa: ANN001
    """Yield the problem of the template a notice names in `mau`, when it cannot be used."""
    from tbkl_gen.word.template_check import template_choice_problem

    if not notice.mau:
        return
    name, written_in, boundary = template_request(None, notice.mau, source.origins.get(("mau",), path), workspace)
    templates_dir = workspace.templates_dir if workspace is not None else None
    problem = template_choice_problem(name, source.place(("mau",)), templates_dir, written_in, boundary)
    if problem is not None:
        yield problem


def check_docx_files(paths: list[Path]) -> Iterator[tuple[Path, list | WordFileRefused]]:
    """Yield each .docx with its per-rule results against ND30, or why it was refused unread.

    A refused file does not stop the others: each file gets its own report or its own reason.
    """
    if not paths:
        return
    from tbkl_gen.audit import audit_docx

    for path in paths:
        try:
            outcome: list | WordFileRefused = audit_docx(path)
        except WordFileRefused as refusal:
            outcome = refusal
        except Exception as error:  # noqa: BLE001 - python-docx could not make a document of a file within the limits
            outcome = WordFileRefused(path, f"không đọc được cấu trúc văn bản Word ({type(error).__name__}); hãy mở bằng Word và lưu lại")
        yield path, outcome
