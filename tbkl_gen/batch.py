"""Render many notices: plan, check everything first, render what changed, write safely.

The output folder keeps a small manifest (`.tbkl-manifest.json`): for each output, the hash of its
source bytes, of the office defaults, of the template and the tool version. A notice whose four
hashes are unchanged and whose output exists is skipped without even being parsed, so a no-op run
over a thousand notices costs a thousand file reads. A missing or unreadable manifest means
"render everything".
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import OutputFailed, OutputLocked, Place, Problem, TbklError
from .write import TEMP_SUFFIX, remove_stale_temporaries, write_atomic

MANIFEST_NAME = ".tbkl-manifest.json"
SOURCE_SUFFIXES = (".yaml", ".yml")
# Below this many notices a process pool costs more than it saves.
POOL_THRESHOLD = 16


@dataclass(frozen=True)
class Job:
    """One notice to render: its source, its output, and the name the manifest knows it by."""

    source: Path
    output: Path
    key: str  # output path relative to the output folder, with forward slashes


@dataclass
class BatchResult:
    made: list[Job] = field(default_factory=list)
    unchanged: list[Job] = field(default_factory=list)
    failed: list[Job] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    pruned: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems)


def find_sources(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """Return (source, its path relative to the folder given) for every notice under paths."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            for source in sorted(path.rglob("*")):
                if source.suffix in SOURCE_SUFFIXES and source.is_file() and not _hidden(source, path):
                    found.append((source, source.relative_to(path)))
        else:
            found.append((path, Path(path.name)))
    return found


def _hidden(source: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in source.relative_to(root).parts)


def plan(paths: Iterable[Path], out_dir: Path) -> list[Job]:
    """Return a job per notice, its output mirroring the sub-folders of the folder given."""
    jobs = []
    for source, relative in find_sources(paths):
        output = out_dir / relative.with_suffix(".docx")
        jobs.append(Job(source, output, relative.with_suffix(".docx").as_posix()))
    return jobs


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def read_manifest(out_dir: Path) -> dict[str, dict[str, str]]:
    """Return the manifest's entries, or nothing when it is missing or unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        entries = data["entries"]
        if isinstance(entries, dict) and all(isinstance(v, dict) for v in entries.values()):
            return entries
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {}


def write_manifest(out_dir: Path, entries: dict[str, dict[str, str]]) -> None:
    body = json.dumps({"tbkl": __version__, "entries": dict(sorted(entries.items()))}, ensure_ascii=False, indent=1)
    write_atomic(out_dir / MANIFEST_NAME, body.encode("utf-8"))


@dataclass
class Settings:
    """How a batch runs; the CLI fills it from its flags."""

    out_dir: Path
    force: bool = False
    jobs: int = 0
    keep_going: bool = False
    prune: bool = False
    strict: bool = False
    template: str | None = None
    progress: Callable[[int], None] | None = None


def render_batch(jobs: list[Job], settings: Settings) -> BatchResult:
    """Render jobs: everything checked before the first write, unchanged notices skipped."""
    from .workspace import find_workspace

    started = time.perf_counter()
    result = BatchResult()
    out_dir = settings.out_dir
    remove_stale_temporaries(out_dir)
    manifest = {} if settings.force else read_manifest(out_dir)
    fresh_manifest: dict[str, dict[str, str]] = {}
    template_hashes: dict[Path, str] = {}
    workspace_cache: dict[Path, object] = {}

    def workspace_for(source: Path):  # noqa: ANN202
        folder = source.resolve().parent
        if folder not in workspace_cache:
            workspace_cache[folder] = find_workspace(folder)
        return workspace_cache[folder]

    pending: list[tuple[Job, dict[str, str]]] = []
    for job in jobs:
        workspace = workspace_for(job.source)
        try:
            source_bytes = job.source.read_bytes()
        except OSError:
            source_bytes = b""
        defaults_hash = _digest(workspace.config_path.read_bytes()) if workspace and workspace.config_path else ""
        stamp = {"nguon": _digest(source_bytes), "mac_dinh": defaults_hash, "phien_ban": __version__}
        previous = manifest.get(job.key)
        if (
            previous is not None
            and all(previous.get(k) == v for k, v in stamp.items())
            and job.output.is_file()
            and _template_unchanged(previous, out_dir, template_hashes)
        ):
            result.unchanged.append(job)
            fresh_manifest[job.key] = previous
            continue
        pending.append((job, stamp))

    loaded = _load_pending(pending, settings, workspace_for, result)
    if result.problems and any(p.is_error for p in result.problems) and not settings.keep_going:
        result.failed.extend(job for job, *_ in pending)
        result.seconds = time.perf_counter() - started
        return result
    if settings.strict and result.problems and not settings.keep_going:
        result.failed.extend(job for job, *_ in pending)
        result.seconds = time.perf_counter() - started
        return result

    try:
        for job, stamp, error in _render_all(loaded, settings):
            if error is not None:
                result.failed.append(job)
                result.problems.append(error)
                continue
            result.made.append(job)
            fresh_manifest[job.key] = stamp
            if settings.progress:
                settings.progress(1)
    finally:
        _finish_manifest(out_dir, jobs, manifest, fresh_manifest, settings, result)
    result.seconds = time.perf_counter() - started
    return result


def _relative(path: Path, out_dir: Path) -> str:
    """Return path as the manifest keeps it: relative to the output folder when it can be."""
    try:
        return Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


def _template_unchanged(previous: dict[str, str], out_dir: Path, cache: dict[Path, str]) -> bool:
    if not previous.get("mau_tep"):
        return False
    path = out_dir / previous["mau_tep"]
    if path not in cache:
        try:
            cache[path] = _digest(path.read_bytes())
        except OSError:
            cache[path] = ""
    return cache[path] == previous.get("mau")


def _load_pending(pending, settings: Settings, workspace_for, result: BatchResult):  # noqa: ANN001, ANN202
    """Load and check every pending notice; return (job, stamp, notice, template path)."""
    from .load import load_notice
    from .render import find_template
    from .validate import validate

    loaded = []
    for job, stamp in pending:
        workspace = workspace_for(job.source)
        if workspace is not None and workspace.problems:
            result.problems.extend(p for p in workspace.problems if p not in result.problems)
        defaults = workspace.defaults if workspace is not None else None
        loaded_notice = load_notice(job.source, defaults)
        notice, problems = loaded_notice.notice, loaded_notice.problems
        if notice is not None:
            problems += validate(notice, loaded_notice.source)
        result.problems.extend(problems)
        if notice is None or any(p.is_error for p in problems):
            result.failed.append(job)
            continue
        name = settings.template or notice.mau or (workspace.template if workspace else None)
        try:
            template = find_template(name, workspace.templates_dir if workspace else None)
        except TbklError as exc:
            result.problems.append(Problem(Place(job.source, None, None, "mau"), str(exc), code="template"))
            result.failed.append(job)
            continue
        stamp = {**stamp, "mau_tep": _relative(template, settings.out_dir), "mau": _digest(template.read_bytes())}
        loaded.append((job, stamp, notice, template))
    return loaded


def render_one(notice, template: Path) -> bytes:  # noqa: ANN001
    """Return the .docx bytes of one notice through one template."""
    from .layout import lay_out
    from .render import prepared
    from .write import package

    return package(prepared(template.resolve()).render_parts(lay_out(notice)))


def _watch_parent() -> None:
    """Exit this worker when the batch process that started it dies (killed, even with SIGKILL)."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.2)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _render_task(item):  # noqa: ANN001, ANN202
    job, stamp, notice, template = item
    return job, stamp, render_one(notice, template)


def _render_all(loaded, settings: Settings):  # noqa: ANN001, ANN202
    """Yield (job, stamp, problem or None) as each notice is rendered and written."""
    workers = settings.jobs or os.cpu_count() or 1
    if workers > 1 and len(loaded) >= POOL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, initializer=_watch_parent) as pool:
            try:
                chunk = max(1, len(loaded) // (workers * 8))
                for job, stamp, data in pool.map(_render_task, loaded, chunksize=chunk):
                    yield job, stamp, _write(job, data)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    else:
        for item in loaded:
            job, stamp, data = _render_task(item)
            yield job, stamp, _write(job, data)


def _write(job: Job, data: bytes) -> Problem | None:
    try:
        write_atomic(job.output, data)
    except (OutputLocked, OutputFailed) as exc:
        return Problem(Place(job.output), str(exc).split(": ", 1)[1], code="output")
    return None


def _finish_manifest(out_dir, jobs, manifest, fresh, settings: Settings, result: BatchResult) -> None:  # noqa: ANN001
    planned = {job.key for job in jobs}
    for key in sorted(set(manifest) - planned):
        stale = out_dir / key
        if not stale.exists():
            continue
        if settings.prune:
            stale.unlink()
            result.pruned.append(stale)
        else:
            result.stale.append(stale)
            fresh[key] = manifest[key]
    for job in result.failed:
        if job.key in manifest and job.key not in fresh:
            fresh[job.key] = {}
    if fresh or manifest:
        write_manifest(out_dir, fresh)


def leftover_temporaries(out_dir: Path) -> list[Path]:
    return sorted(out_dir.rglob(f"*{TEMP_SUFFIX}")) if out_dir.is_dir() else []
