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
from typing import TYPE_CHECKING

from tbkl_gen import __version__
from tbkl_gen.errors import OutputFailed, OutputLocked, Place, Problem, TbklError
from tbkl_gen.source.workspace import Workspace
from tbkl_gen.word.write import Flusher, commit, discard, folder_lock, remove_stale_temporaries, stage, write_atomic

if TYPE_CHECKING:
    from tbkl_gen.pipeline import Outcome

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
    """Return (source, its path relative to the folder given) for every notice under paths.

    Hidden files and folders (a leading ".") are skipped; the order is the same on every system.
    """
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if not path.is_dir():
            found.append((path, Path(path.name)))
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            relative = Path(os.path.relpath(folder, path))
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES) and not name.startswith("."):
                    found.append((Path(folder, name), relative / name))
    return sorted(found, key=lambda pair: pair[1].parts)


def plan(paths: Iterable[Path], out_dir: Path) -> list[Job]:
    """Return a job per notice, its output mirroring the sub-folders of the folder given."""
    jobs = []
    for source, relative in find_sources(paths):
        key = relative.with_suffix(".docx").as_posix()
        jobs.append(Job(source, out_dir / key, key))
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
    """Write the manifest: one output a line, so that it reads and diffs well."""
    lines = ",\n".join(
        f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(entries[key], ensure_ascii=False)}" for key in sorted(entries)
    )
    body = f'{{"tbkl": {json.dumps(__version__)}, "entries": {{\n{lines}\n}}}}\n'
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
    """Render jobs: unchanged notices skipped, every other one checked before the first write.

    The output folder is held for the whole run (a second run into it is refused), and Ctrl-C
    leaves no temporary file behind.
    """
    with folder_lock(settings.out_dir):
        try:
            return _render_batch(jobs, settings)
        except KeyboardInterrupt:
            remove_stale_temporaries(settings.out_dir)  # ours: the folder is held, nobody else writes here
            raise


def _render_batch(jobs: list[Job], settings: Settings) -> BatchResult:
    started = time.perf_counter()
    _WORKSPACES.clear()  # tbkl.yaml or a template may have changed since an earlier batch
    _TEMPLATES.clear()
    result = BatchResult()
    out_dir = settings.out_dir
    remove_stale_temporaries(out_dir)
    manifest = {} if settings.force else read_manifest(out_dir)
    fresh_manifest: dict[str, dict[str, str]] = {}
    pending = _changed(jobs, manifest, out_dir, result, fresh_manifest)
    flusher = Flusher()
    outcomes = _process_all(pending, settings, flusher)
    if outcomes:  # with nothing new, the numbers were checked when the outputs were made
        _check_numbers(result.unchanged, fresh_manifest, outcomes)
    seen: set[tuple[object, str]] = set()
    for outcome in outcomes:
        for problem in outcome.problems:
            if (problem.place, problem.message) not in seen:
                seen.add((problem.place, problem.message))
                result.problems.append(problem)
    blocked = [o for o in outcomes if not o.valid or (settings.strict and o.problems)]
    try:
        if blocked and not settings.keep_going:
            result.failed.extend(o.job for o in blocked)
            flusher.failures()  # let the flushes finish before their files go
            for outcome in outcomes:
                if outcome.staged is not None:
                    discard(outcome.staged)
            return result
        unsynced = flusher.failures()
        for outcome in outcomes:
            if outcome in blocked or outcome.staged is None:
                result.failed.append(outcome.job)
                if outcome.staged is not None:
                    discard(outcome.staged)
                continue
            try:
                if outcome.staged in unsynced:
                    discard(outcome.staged)
                    raise unsynced[outcome.staged]
                commit(outcome.staged, outcome.job.output)
            except (OutputLocked, OutputFailed) as exc:
                result.failed.append(outcome.job)
                result.problems.append(_output_problem(outcome.job, exc))
            else:
                result.made.append(outcome.job)
                fresh_manifest[outcome.job.key] = outcome.stamp
    finally:
        _finish_manifest(out_dir, jobs, manifest, fresh_manifest, settings, result)
        result.seconds = time.perf_counter() - started
    return result


def _check_numbers(unchanged: list[Job], manifest: dict[str, dict], outcomes: list[_Outcome]) -> None:
    """Refuse a number already used by another notice of the same body and year (Điều 15).

    Unchanged notices are not parsed again; the manifest remembers their numbers. The others are
    registered as `tbkl check` registers them, invalid ones included, so both say the same.
    """
    from tbkl_gen.pipeline import NumberRegistry

    registry = NumberRegistry()
    for job in unchanged:
        number = manifest.get(job.key, {}).get("so")
        if isinstance(number, dict) and isinstance(number.get("khoa"), list):
            registry.add(tuple(number["khoa"]), Place(job.source, number.get("dong"), number.get("cot"), "so"))
    for outcome in outcomes:
        if outcome.found.number is None:
            continue
        problem = registry.add(*outcome.found.number)
        if problem is not None:
            outcome.found.add(problem)
            outcome.valid = False


def _changed(jobs, manifest, out_dir: Path, result: BatchResult, fresh) -> list[tuple[Job, dict[str, str]]]:  # noqa: ANN001
    """Return the jobs whose source, defaults, template or tool version changed since last time.

    Cheap on purpose: no YAML is parsed here, only files read and hashed.
    """
    from tbkl_gen.source.workspace import find_config

    configs: dict[Path, str] = {}
    template_hashes: dict[str, str] = {}
    pending = []
    for job in jobs:
        folder = job.source.parent
        if folder not in configs:
            config = find_config(folder)
            configs[folder] = _digest(config.read_bytes()) if config else ""
        try:
            # a pipe or a device named .yaml would never end; loading refuses it with a message
            source_hash = _digest(job.source.read_bytes()) if job.source.is_file() else ""
        except OSError:
            source_hash = ""
        stamp = {"nguon": source_hash, "mac_dinh": configs[folder], "phien_ban": __version__}
        previous = manifest.get(job.key)
        if (
            previous is not None
            and all(previous.get(k) == v for k, v in stamp.items())
            and job.output.is_file()
            and _template_unchanged(previous, out_dir, template_hashes)
        ):
            result.unchanged.append(job)
            fresh[job.key] = previous
        else:
            pending.append((job, stamp))
    return pending


def _relative(path: Path, out_dir: Path) -> str:
    """Return path as the manifest keeps it: relative to the output folder when it can be."""
    try:
        return Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


def _template_unchanged(previous: dict[str, str], out_dir: Path, cache: dict[str, str]) -> bool:
    name = previous.get("mau_tep")
    if not name:
        return False
    if name not in cache:
        try:
            cache[name] = _digest((out_dir / name).read_bytes())
        except OSError:
            cache[name] = ""
    return cache[name] == previous.get("mau")


@dataclass
class _Outcome:
    """What became of one job: the pipeline's outcome, and the output staged beside the target."""

    job: Job
    stamp: dict[str, str]
    found: Outcome
    """The pipeline's outcome, without the notice and its document (see `Outcome.summary`)."""
    valid: bool
    staged: Path | None = None
    output_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [*self.found.problems, *self.output_problems]


# Looked up once per batch (each worker process fills its own): workspaces by folder, and
# templates by (name, workspace templates folder) with what the manifest records of them.
_WORKSPACES: dict[Path, Workspace | None] = {}
_TEMPLATES: dict[tuple[str | None, Path | None], tuple[Path, str, str]] = {}


def _workspace_for(source: Path) -> Workspace | None:
    from tbkl_gen.source.workspace import find_workspace

    folder = source.parent
    if folder not in _WORKSPACES:
        _WORKSPACES[folder] = find_workspace(folder)
    return _WORKSPACES[folder]


def _template_for(name: str | None, templates_dir: Path | None, out_dir: Path) -> tuple[Path, str, str]:
    """Return the template file, its path as the manifest keeps it, and its content hash."""
    from tbkl_gen.word.render import find_template

    key = (name, templates_dir)
    if key not in _TEMPLATES:
        path = find_template(name, templates_dir).resolve()
        _TEMPLATES[key] = (path, _relative(path, out_dir), _digest(path.read_bytes()))
    return _TEMPLATES[key]


def _process(task: tuple[Job, dict[str, str], str | None, Path]) -> _Outcome:
    """Send one notice through the pipeline and stage its document (in a worker process or in this one)."""
    from tbkl_gen.pipeline import run_file

    job, stamp, template_name, out_dir = task
    chosen: list[tuple[Path, str, str]] = []

    def find_template(name: str | None, templates_dir: Path | None) -> Path:
        chosen.append(_template_for(name, templates_dir, out_dir))
        return chosen[-1][0]

    found = run_file(job.source, _workspace_for(job.source), template=template_name, find_template=find_template)
    if found.document is None:
        return _Outcome(job, stamp, found.summary(), valid=False)
    _, template_key, template_hash = chosen[-1]
    stamp = {**stamp, "mau_tep": template_key, "mau": template_hash}
    if found.number is not None:
        number, place = found.number
        stamp["so"] = {"khoa": list(number), "dong": place.line, "cot": place.column}
    # Written beside the target now, in this worker; renamed into place only once every notice
    # of the batch has passed its checks.
    _exit_if_orphaned()
    try:
        staged = stage(job.output, found.document, sync=False)  # flushed to disk with the others before the renames
    except (OutputLocked, OutputFailed) as exc:
        return _Outcome(job, stamp, found.summary(), valid=True, output_problems=[_output_problem(job, exc)])
    return _Outcome(job, stamp, found.summary(), valid=True, staged=staged)


_PARENT: int | None = None


def _exit_if_orphaned() -> None:
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def _start_worker() -> None:
    """Prepare a worker: Ctrl-C is the parent's to handle, and exit when the parent dies."""
    import signal
    import threading

    global _PARENT
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _PARENT = os.getppid()

    def watch() -> None:
        # A batch killed with SIGKILL cannot stop its workers; they notice and leave.
        while True:
            time.sleep(0.05)
            _exit_if_orphaned()

    threading.Thread(target=watch, daemon=True).start()


def _process_all(pending, settings: Settings, flusher: Flusher) -> list[_Outcome]:  # noqa: ANN001
    """Process every pending job, in parallel when it pays; keep the order of the jobs.

    Each output, staged by the process that rendered it, is handed to flusher at once."""
    tasks = [(job, stamp, settings.template, settings.out_dir) for job, stamp in pending]
    workers = min(settings.jobs or os.cpu_count() or 1, max(1, len(tasks)))
    outcomes: list[_Outcome] = []
    if workers > 1 and len(tasks) >= POOL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        from tbkl_gen import pipeline  # noqa: F401 - imported here once, inherited by forked workers
        from tbkl_gen.word import layout, render, write  # noqa: F401
        from tbkl_gen.word.render import find_template, prepared

        for name in {task[2] for task in tasks}:  # the template named on the command line, or the default
            try:
                prepared(find_template(name).resolve())
            except TbklError:
                pass  # each notice reports it with its place

        pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker)
        try:
            chunk = max(1, min(8, len(tasks) // (workers * 8)))  # small chunks: no worker idles long at the end
            for outcome in pool.map(_process, tasks, chunksize=chunk):
                outcomes.append(outcome)
                if outcome.staged is not None:
                    flusher.add(outcome.staged, outcome.job.output)
                if settings.progress:
                    settings.progress(1)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            raise
        pool.shutdown()
    else:
        for task in tasks:
            outcomes.append(_process(task))
            if outcomes[-1].staged is not None:
                flusher.add(outcomes[-1].staged, outcomes[-1].job.output)
            if settings.progress:
                settings.progress(1)
    return outcomes


def _output_problem(job: Job, exc: OutputLocked | OutputFailed) -> Problem:
    return Problem(Place(job.output), str(exc).split(": ", 1)[1], code="output")


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
    if fresh != manifest:
        write_manifest(out_dir, fresh)
