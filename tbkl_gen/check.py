"""`tbkl check`: load and validate many notices together, plus checks across files.

Every problem of every file is collected; nothing is written. Across files: two notices of the
same issuing body and year with the same number and symbol.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .batch import find_sources
from .errors import Problem, Severity
from .load import load_notice
from .validate import validate
from .workspace import Workspace, find_workspace


@dataclass
class CheckOutcome:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_sources(paths: list[Path]) -> CheckOutcome:
    """Return every problem in the notices under paths, and in the workspaces they belong to."""
    outcome = CheckOutcome()
    workspaces: dict[Path, Workspace | None] = {}
    numbers: dict[tuple[str, int, str, str], Problem] = {}
    seen_configs: set[Path] = set()
    for source, _ in find_sources(paths):
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
        outcome.problems.extend(loaded.problems)
        if loaded.notice is None:
            continue
        outcome.problems.extend(validate(loaded.notice, loaded.source))
        notice = loaded.notice
        if notice.so:
            key = (" ".join(notice.co_quan.ten).upper(), notice.ngay.nam, notice.so.lstrip("0"), notice.symbol)
            place = loaded.source.place(("so",))
            if key in numbers:
                first = numbers[key].place
                outcome.problems.append(
                    Problem(
                        place,
                        f"số {notice.so}/{notice.symbol} năm {notice.ngay.nam} đã dùng ở {_where(first)}",
                        Severity.ERROR,
                        "mỗi cơ quan đánh số liên tục trong năm, mỗi số chỉ dùng một lần",
                        "duplicate_number",
                    )
                )
            else:
                numbers[key] = Problem(place, "")
    return outcome


def _where(place) -> str:  # noqa: ANN001
    return f"{place.file.as_posix()}:{place.line}" if place.file else "tệp khác"


def _template_problems(workspace: Workspace) -> Iterator[Problem]:
    from .template_check import check_workspace_templates

    yield from check_workspace_templates(workspace)


def check_docx_files(paths: list[Path]) -> Iterator[tuple[Path, list]]:
    """Yield each .docx with its per-rule results against ND30."""
    if not paths:
        return
    from .docx_rules import audit_docx

    for path in paths:
        yield path, audit_docx(path)
