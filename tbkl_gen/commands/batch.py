"""Render many notices: plan, check everything first, render what changed, write safely.

The output folder keeps a small manifest (`.tbkl-manifest.json`): for each output, the hash of its
source bytes, of the office defaults, of the template and the tool version. A notice whose four
hashes are unchanged and whose output exists is skipped without even being parsed, so a no-op run
over a thousand notices costs a thousand file reads. A missing manifest means "render everything";
so does a damaged one, with a warning. The manifest is a file anyone can edit: every path read from
it is held inside the output folder, and only regular files are read or deleted.

Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: workers stopped, temporary files removed, the lock
released, and the outputs already renamed into place recorded in the manifest (the renames and
the manifest are written with the signals held, so neither is ever cut in half).

For tests only: TBKL_TEST_PAUSE_AT=STEP:MARKER makes a run stop at STEP (`load`: the first notice
is back from the workers; `stage`: every output is staged; `rename`: the first output is renamed;
`pdf`: the first PDF of `--pdf` is written, LibreOffice still running), create the file MARKER and wait up to 30 seconds, so that a test can send a signal at that step.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from tbkl_gen import __version__
from tbkl_gen.errors import OutputFailed, OutputLocked, Place, Problem, SameOutput, Severity, TbklError
from tbkl_gen.source.names import find_sources as find_sources  # where the page and the tests look for it
from tbkl_gen.source.names import is_source_name, source_names
from tbkl_gen.source.workspace import Workspace
from tbkl_gen.wordfile import MAX_FILE_BYTES
from tbkl_gen.files import commit, discard, sha256_hex, stage, write_file
from tbkl_gen.files import read_regular_or_none as read_regular
from tbkl_gen.word.write import Flusher, folder_lock, remove_stale_temporaries

if TYPE_CHECKING:
    import signal
    from concurrent.futures import ProcessPoolExecutor

    from tbkl_gen.pipeline import Outcome
else:
    # The C module that `signal` re-exports whole (`from _signal import *`): the same functions and
    # constants, without the IntEnum classes `signal` makes of them at its import (~0.6 ms of a cold
    # render, benchmarks/README.md, "Seventh pass"). A handler is given the signal's number either way,
    # and each constant is the int that `signal`'s compares equal to. A Python without it: `signal`.
    try:
        import _signal as signal
    except ImportError:
        import signal

Stamp = dict[str, Any]
"""A manifest entry: the hashes a notice was rendered from (texts), and where its number was written."""

MANIFEST_NAME = ".tbkl-manifest.json"
# Below this many notices a process pool costs more than it saves.
POOL_THRESHOLD = 16
# Larger than any manifest or template we write; a bigger file is not read.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_TEMPLATE_BYTES = MAX_FILE_BYTES  # a bigger template is refused by wordfile anyway
# Sources and tbkl.yaml larger than this are not hashed (the loader refuses far smaller ones).
MAX_HASHED_BYTES = 16 * 1024 * 1024


class Job:
    """One notice to render: its source, its output, and the name the manifest knows it by.

    A run over an office's workspace makes one for each of tens of thousands of sources, nearly
    all unchanged: a job keeps the walk's strings (`source_name`, `output_name`) and makes its
    `Path` objects only when they are asked for. Equal jobs name the same source, output and key.
    """

    __slots__ = ("_output", "_source", "key", "output_name", "source_name")

    def __init__(self, source: Path | str, output: Path | str, key: str) -> None:
        self._source = source if isinstance(source, Path) else None
        self._output = output if isinstance(output, Path) else None
        self.source_name = os.fspath(source)
        self.output_name = os.fspath(output)
        self.key = key  # output path relative to the output folder, with forward slashes

    @property
    def source(self) -> Path:
        if self._source is None:
            self._source = Path(self.source_name)
        return self._source

    @property
    def output(self) -> Path:
        if self._output is None:
            self._output = Path(self.output_name)
        return self._output

    def _fields(self) -> tuple[Path, Path, str]:
        return (self.source, self.output, self.key)

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Job) and self._fields() == other._fields())

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Job(source={self.source!r}, output={self.output!r}, key={self.key!r})"

    def __getstate__(self) -> tuple[str, str, str]:  # sent to the workers: the strings only
        return (self.source_name, self.output_name, self.key)

    def __setstate__(self, state: tuple[str, str, str]) -> None:
        self.source_name, self.output_name, self.key = state
        self._source = self._output = None


@dataclass
class BatchResult:
    """What a render did: the notices made, unchanged and failed, the problems, the outputs without a source (kept or pruned), the time."""

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


def plan(paths: Iterable[Path], out_dir: Path, problems: list[Problem] | None = None) -> list[Job]:
    """Return a job per notice, its output mirroring the sub-folders of the folder given.

    Two notices that would write one output are refused (SameOutput) before anything is written:
    `a.yaml` and `a.yml`, and names that differ only in case or in how their accents are encoded
    (NFC or NFD), which Windows and macOS take for one file. A source named twice is taken once.
    """
    jobs: list[Job] = []
    first: dict[str, Job] = {}  # by the output's name as a file system may fold it
    by_output: dict[str, list[Job]] = {}  # the few names two sources share
    out = str(out_dir)
    out += "" if out.endswith(os.sep) else os.sep
    for source, relative in source_names(paths, problems):
        key = _output_key(relative)
        job = Job(source, out + key, key)
        folded = _folded(key)
        other = first.setdefault(folded, job)
        if other is not job:
            same = by_output.setdefault(folded, [other])
            if any(_same_file(job.source, earlier.source) for earlier in same):
                continue
            same.append(job)
        jobs.append(job)
    clashes = [(group[0].output, [job.source for job in group]) for group in by_output.values() if len(group) > 1]
    if clashes:
        raise SameOutput(clashes)
    return jobs


def _output_key(relative: str) -> str:
    """Return the output's name for a source's relative path: its suffix made .docx (as `Path.with_suffix`)."""
    lower = relative[-5:].lower()
    cut = 5 if lower == ".yaml" else 4 if lower.endswith(".yml") else 0
    name = relative.rpartition("/")[2]
    if cut and len(name) > cut:  # a name that is only ".yaml" has no suffix
        return relative[:-cut] + ".docx"
    return PurePosixPath(relative).with_suffix(".docx").as_posix()


def _folded(key: str) -> str:
    """Return key as a file system that ignores case and accent encoding compares it."""
    if key.isascii():
        return key.casefold()  # no accents to compose: the same as below
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", key).casefold())


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return one == other


def _digest(data: bytes) -> str:
    return sha256_hex(data)[:32]


def read_manifest(out_dir: Path, problems: list[Problem] | None = None) -> dict[str, Stamp]:
    """Return the manifest's entries; nothing when it is missing, or damaged (with a warning).

    An entry whose name leads out of the output folder (`..`, an absolute path, a drive letter)
    or is not a .docx is dropped with a warning naming it: it is never read nor deleted.
    """
    path = out_dir / MANIFEST_NAME
    warnings: list[Problem] = []
    try:
        path.lstat()
    except OSError:
        return {}  # no manifest yet: render everything, nothing to say
    raw = read_regular(path, MAX_MANIFEST_BYTES, follow_links=False)
    entries: dict[str, Stamp] = {}
    if raw is None:
        warnings.append(_manifest_problem(path, "không phải tệp thường hoặc không đọc được"))
    else:
        with _no_collection():
            try:
                data = json.loads(raw.decode("utf-8"))
            except (ValueError, RecursionError):
                data = None
            damage = _manifest_damage(data)
        if damage:
            warnings.append(_manifest_problem(path, damage))
        else:
            for key, entry in data["entries"].items():
                if _inside(key):
                    entries[key] = entry
                else:
                    warnings.append(
                        Problem(
                            Place(path),
                            f"bỏ qua mục “{key}”: không phải tệp .docx trong thư mục đầu ra (không đọc, không xóa)",
                            Severity.WARNING,
                            code="manifest",
                        )
                    )
    if problems is not None:
        problems.extend(warnings)
    return entries


@contextmanager
def _no_collection() -> Iterator[None]:
    """Hold Python's cycle collector while tens of thousands of small objects are made that are all kept:
    it would walk them again and again for nothing (a third of the time of reading an office's manifest)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _manifest_problem(path: Path, detail: str) -> Problem:
    return Problem(Place(path), f"tệp ghi nhớ bị hỏng ({detail}); in lại tất cả", Severity.WARNING, code="manifest")


_TEXT_FIELDS = ("nguon", "mac_dinh", "phien_ban", "mau_tep", "mau")


def _manifest_damage(data: object) -> str:
    """Return what is wrong with the manifest's shape, or "" when every value has its type."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        return "không phải JSON có bảng “entries”"
    for key, entry in data["entries"].items():
        if not isinstance(entry, dict):
            return f"mục “{key}” không phải một bảng"
        for name in _TEXT_FIELDS:
            if name in entry and not isinstance(entry[name], str):
                return f"mục “{key}”: “{name}” không phải chuỗi"
        number = entry.get("so")
        linked = entry.get("lien_ket")
        if linked is not None and not (isinstance(linked, dict) and all(isinstance(v, str) for v in linked.values())):
            return f"mục “{key}”: “lien_ket” sai dạng"
        if number is not None and not _number_shape(number):
            return f"mục “{key}”: “so” sai dạng"
    return ""


def _number_shape(number: object) -> bool:
    """Tell whether a manifest's `so` is {"khoa": [texts and numbers], "dong": line, "cot": column} (an office's
    manifest holds thousands: plain loops, no generator each)."""
    if not isinstance(number, dict):
        return False
    parts = number.get("khoa")
    if not isinstance(parts, list):
        return False
    for part in parts:
        if not isinstance(part, (str, int)):
            return False
    line, column = number.get("dong"), number.get("cot")
    return (line is None or isinstance(line, int)) and (column is None or isinstance(column, int))


def _inside(key: str) -> bool:
    """Tell whether a manifest key names a .docx inside the output folder, on any system."""
    parts = key.split("/")
    return (
        key.lower().endswith(".docx")
        and "\\" not in key  # a separator on Windows; the manifest may have come from there
        and "\0" not in key
        and not (len(key) > 1 and key[1] == ":")  # a drive letter
        and not (sys.platform == "win32" and ":" in key)  # an alternate data stream
        and all(part not in ("", ".", "..") for part in parts)
    )


def _confined(path: Path, out_dir: Path) -> bool:
    """Tell whether path, links followed, is inside the output folder."""
    try:
        folder = out_dir.resolve()
        return folder in path.resolve().parents
    except (OSError, RuntimeError):
        return False


def write_manifest(out_dir: Path, entries: dict[str, Stamp]) -> None:
    """Write the manifest: one output a line, so that it reads and diffs well."""
    from json.encoder import encode_basestring  # json.dumps of a text with ensure_ascii=False, without its set-up per call

    encode = json.JSONEncoder(ensure_ascii=False).encode
    with _no_collection():
        lines = ",\n".join(f"  {encode_basestring(key)}: {encode(entries[key])}" for key in sorted(entries))
    body = f'{{"tbkl": {json.dumps(__version__)}, "entries": {{\n{lines}\n}}}}\n'
    write_file(out_dir / MANIFEST_NAME, body.encode("utf-8"), inside=out_dir)


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


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal: Ctrl-C (SIGINT) or SIGTERM. Exit with 128 + its number."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = 128 + int(signum)
        name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM" if signum == signal.SIGTERM else f"tín hiệu {int(signum)}"
        self.message = f"Đã dừng theo yêu cầu ({name})."
        super().__init__(self.message)


def _in_main_thread() -> bool:
    """Whether this is the main thread; without importing `threading` (~1 ms of a cold render) where it was
    never imported: every thread of this tool (a pool's, the page's) is started through it."""
    threading = sys.modules.get("threading")
    return threading is None or bool(threading.current_thread() is threading.main_thread())


class _Signals:
    """Turn SIGINT and SIGTERM into `Interrupted`, or hold them over steps that must not be cut.

    Held, a signal is only noted; the step looks at `pending` when it can stop, and the run
    raises once the step is over. Handlers are set only from the main thread (Python allows no
    other), and only over the default ones: a run started with Ctrl-C ignored keeps ignoring it.
    """

    def __init__(self) -> None:
        self.pending: int | None = None
        self.holding = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _Signals:
        if _in_main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                if signal.getsignal(signum) in (signal.default_int_handler, signal.SIG_DFL):
                    self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: object) -> None:
        if self.pending is None:
            self.pending = signum
        if not self.holding:
            self.holding = True  # the clean-up that follows is not to be cut either
            raise Interrupted(signum)

    @contextmanager
    def held(self) -> Iterator[None]:
        before, self.holding = self.holding, True
        try:
            yield
        finally:
            self.holding = before

    def check(self) -> None:
        """Raise the signal that arrived while held, if one did."""
        if self.pending is not None:
            self.holding = True
            raise Interrupted(self.pending)


def stop_on_signals() -> _Signals:
    """Return a context in which Ctrl-C and SIGTERM raise `Interrupted` (held over `held()` steps).

    For a step after the batch that has clean-up of its own (the PDF step stops LibreOffice and
    removes its profile): without it, SIGTERM would end the process on the spot.
    """
    return _Signals()


def pause_for_test(step: str, signals: _Signals) -> None:
    """Wait at step when a test asks for it (see the module's docstring)."""
    _test_pause(step, signals)


def render_batch(jobs: list[Job], settings: Settings) -> BatchResult:
    """Render jobs: unchanged notices skipped, every other one checked before the first write.

    The output folder is held for the whole run (a second run into it is refused). Ctrl-C and
    SIGTERM raise `Interrupted` once the workers are stopped and the temporary files removed.
    """
    with _Signals() as signals, folder_lock(settings.out_dir):
        try:
            return _render_batch(jobs, settings, signals)
        except KeyboardInterrupt:
            signals.holding = True
            remove_stale_temporaries(settings.out_dir)  # ours: the folder is held, nobody else writes here
            raise


def _render_batch(jobs: list[Job], settings: Settings, signals: _Signals) -> BatchResult:
    started = time.perf_counter()
    _WORKSPACES.clear()  # tbkl.yaml or a template may have changed since an earlier batch
    _TEMPLATES.clear()
    result = BatchResult()
    out_dir = settings.out_dir
    present: set[str] = set()
    remove_stale_temporaries(out_dir, present)
    damage: list[Problem] = []
    manifest = {} if settings.force else read_manifest(out_dir, damage)
    result.problems.extend(damage)
    rewrite = bool(damage)  # a damaged manifest, or entries dropped: write it anew
    fresh_manifest: dict[str, Stamp] = {}
    pending = _changed(jobs, manifest, out_dir, result, fresh_manifest, present)
    flusher = Flusher()
    outcomes = _process_all(pending, settings, flusher, signals)
    if outcomes:  # with nothing new, the numbers were checked when the outputs were made
        _check_numbers(result.unchanged, fresh_manifest, outcomes)
    seen: set[tuple[object, str]] = set()
    for outcome in outcomes:
        for problem in outcome.problems:
            if (problem.place, problem.message) not in seen:
                seen.add((problem.place, problem.message))
                result.problems.append(problem)
    blocked = [o for o in outcomes if not o.valid or (settings.strict and o.problems)]
    _test_pause("stage", signals)
    # From the first rename to the manifest, a signal stops the renames but lets the manifest
    # record every output already in place.
    with signals.held():
        try:
            _commit_all(outcomes, blocked, settings, flusher, signals, result, fresh_manifest)
        finally:
            if signals.pending is not None:  # a stopped run deletes nothing more
                settings = replace(settings, prune=False)
            _finish_manifest(out_dir, jobs, manifest, fresh_manifest, settings, result, rewrite)
            result.seconds = time.perf_counter() - started
    signals.check()
    return result


def _commit_all(
    outcomes: list[_Outcome],
    blocked: list[_Outcome],
    settings: Settings,
    flusher: Flusher,
    signals: _Signals,
    result: BatchResult,
    fresh_manifest: dict[str, Stamp],
) -> None:
    """Rename every staged output into place, or discard them all when a notice failed."""
    if blocked and not settings.keep_going:
        result.failed.extend(o.job for o in blocked)
        flusher.failures()  # let the flushes finish before their files go
        for outcome in outcomes:
            if outcome.staged is not None:
                discard(outcome.staged)
        return
    unsynced = flusher.failures()
    for outcome in outcomes:
        if signals.pending is not None:
            if outcome.staged is not None:
                discard(outcome.staged)
            continue
        if outcome in blocked or outcome.staged is None:
            result.failed.append(outcome.job)
            if outcome.staged is not None:
                discard(outcome.staged)
            continue
        try:
            if outcome.staged in unsynced:
                discard(outcome.staged)
                raise unsynced[outcome.staged]
            commit(outcome.staged, outcome.job.output_name)
        except (OutputLocked, OutputFailed) as exc:
            result.failed.append(outcome.job)
            result.problems.append(_output_problem(outcome.job, exc))
        else:
            result.made.append(outcome.job)
            fresh_manifest[outcome.job.key] = outcome.stamp
            _test_pause("rename", signals)


_PAUSED: set[str] = set()


def _test_pause(step: str, signals: _Signals) -> None:
    """Wait at step when a test asks for it (TBKL_TEST_PAUSE_AT, see the module's docstring)."""
    wanted = os.environ.get("TBKL_TEST_PAUSE_AT")
    if not wanted or step in _PAUSED or wanted.partition(":")[0] != step:
        return
    _PAUSED.add(step)
    write_file(Path(wanted.partition(":")[2]), step.encode("utf-8"))
    deadline = time.monotonic() + 30
    while signals.pending is None and time.monotonic() < deadline:
        time.sleep(0.01)


def _check_numbers(unchanged: list[Job], manifest: dict[str, Stamp], outcomes: list[_Outcome]) -> None:
    """Refuse a number already used by another notice of the same body and year (Điều 15).

    Unchanged notices are not parsed again; the manifest remembers their numbers. The others are
    registered as `tbkl check` registers them, invalid ones included, so both say the same.
    """
    from tbkl_gen.pipeline import NumberRegistry, register_number

    registry = NumberRegistry()
    wanted = {outcome.found.number[0] for outcome in outcomes if outcome.found.number is not None}
    for job in unchanged:  # only those whose number a new notice has: the others cannot clash with it
        number = manifest.get(job.key, {}).get("so")
        if isinstance(number, dict) and isinstance(number.get("khoa"), list) and (key := tuple(number["khoa"])) in wanted:
            registry.add(key, Place(job.source, number.get("dong"), number.get("cot"), "so"))
    for outcome in outcomes:
        if register_number(outcome.found, registry):
            outcome.valid = False


def _changed(
    jobs: list[Job], manifest: dict[str, Stamp], out_dir: Path, result: BatchResult, fresh: dict[str, Stamp], present: set[str]
) -> list[tuple[Job, Stamp]]:
    """Return the jobs whose source, defaults, template or tool version changed since last time.

    Cheap on purpose: no YAML is parsed here, only files read and hashed; a source whose size,
    modification time and inode are those the manifest recorded, older than the manifest, is not
    even read (an office's twenty thousand notices are stat'ed, not hashed, on a run with one edit),
    and one the manifest does not know is not even looked at: its stamp's "nguon" is None, and the
    worker that renders it fills it in (`_source_stamp`). present holds the outputs found by the
    walk of the output folder (`remove_stale_temporaries`); one it did not find (under a linked
    folder, say) is looked for as before, by its path.
    """
    from tbkl_gen.source.workspace import find_config

    try:  # what the manifest says of a file not changed since it was written is trusted without reading the file
        settled = (out_dir / MANIFEST_NAME).lstat().st_mtime_ns - RACY_NANOSECONDS
    except OSError:
        settled = 0
    configs: dict[str, str] = {}
    template_hashes: dict[str, str] = {}
    linked_hashes: dict[str, str] = {}
    version = __version__
    pending: list[tuple[Job, Stamp]] = []
    for job in jobs:
        name = job.source_name
        folder = name[: name.rfind(os.sep) + 1]  # with its separator: "/" is the root, "" the current folder
        config_hash = configs.get(folder)
        if config_hash is None:
            config = find_config(job.source.parent)
            data = read_regular(config, MAX_HASHED_BYTES) if config else None
            config_hash = configs[folder] = _digest(data) if data is not None else ""
        previous = manifest.get(job.key)
        if previous is None:
            # rendered whatever its bytes: the worker that reads it stats and hashes it (in parallel,
            # and the bytes it hashes are those it renders), not this process before any worker starts
            pending.append((job, {"nguon": None, "mac_dinh": config_hash, "phien_ban": version}))
            continue
        seen = _stat_of(job.source_name)
        recorded = previous.get("tep")
        source_hash = previous.get("nguon")
        if not (seen is not None and recorded == seen and seen[1] < settled and isinstance(source_hash, str)):
            # read unless its size, time and inode are those it had when it was hashed; a pipe or a
            # device named .yaml would never end, nor would a huge file soon: not read here, and
            # refused with a message by the loading that follows
            data = read_regular(job.source, MAX_HASHED_BYTES)
            source_hash = _digest(data) if data is not None else ""
        if (
            previous.get("nguon") == source_hash
            and previous.get("mac_dinh") == config_hash
            and previous.get("phien_ban") == version
            and (job.key in present or job.output.is_file())
            and _template_unchanged(previous, out_dir, template_hashes, result.problems)
            and _links_unchanged(previous, out_dir, linked_hashes)
        ):
            result.unchanged.append(job)
            fresh[job.key] = previous if seen is None or recorded == seen else {**previous, "tep": seen}
        else:
            stamp: Stamp = {"nguon": source_hash, "mac_dinh": config_hash, "phien_ban": version}
            pending.append((job, stamp if seen is None else {**stamp, "tep": seen}))
    return pending


# A file changed within this long before the manifest was written may have been changed again in
# the same tick of the clock (git's "racy" files): its size, time and inode are not trusted, it is read.
RACY_NANOSECONDS = 2_000_000_000


def _stat_of(name: str) -> list[int] | None:
    """Return a regular file's size, modification time (ns) and inode, as the manifest keeps them; None otherwise."""
    try:
        info = os.stat(name)  # noqa: PTH116 - the walk's string: a Path a source costs more than its stat
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_HASHED_BYTES:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _relative(path: Path, out_dir: Path) -> str:
    """Return path as the manifest keeps it: relative to the output folder when it can be."""
    try:
        return Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


def _template_unchanged(previous: Stamp, out_dir: Path, cache: dict[str, str], problems: list[Problem]) -> bool:
    """Tell whether the template an output was made with is unchanged.

    The manifest names it: only a regular .docx file is read (a pipe or a device would never
    end); anything else is named in a warning and the notice is rendered again.
    """
    name = previous.get("mau_tep")
    if not name:
        return False
    if name not in cache:
        path = out_dir / name
        data = read_regular(path, MAX_TEMPLATE_BYTES) if name.lower().endswith(".docx") else None
        cache[name] = _digest(data) if data is not None else ""
        if data is None and (path.is_symlink() or path.exists() or not name.lower().endswith(".docx")):
            problems.append(
                Problem(
                    Place(out_dir / MANIFEST_NAME),
                    f"mẫu “{name}” ghi trong tệp ghi nhớ không phải tệp .docx thường; không đọc, in lại các thông báo dùng nó",
                    Severity.WARNING,
                    code="manifest",
                )
            )
    return cache[name] == previous.get("mau")


def _links_unchanged(previous: Stamp, out_dir: Path, cache: dict[str, str]) -> bool:
    """Tell whether every source a notice was built from besides its own (the invitation whose
    meeting it shares) is unchanged. The manifest names them: only a regular .yaml file is read;
    anything else, gone or changed, renders the notice again (whose loading then says what is wrong)."""
    for name, digest in (previous.get("lien_ket") or {}).items():
        if name not in cache:
            data = read_regular(out_dir / name, MAX_HASHED_BYTES) if is_source_name(name.rsplit("/", 1)[-1]) else None
            cache[name] = _digest(data) if data is not None else ""
        if not cache[name] or cache[name] != digest:
            return False
    return True


def _linked_stamp(linked: Iterable[Path], out_dir: Path) -> dict[str, str]:
    """Return the manifest's record of the other sources a notice was built from: path → hash."""
    stamp = {}
    for path in linked:
        data = read_regular(path, MAX_HASHED_BYTES)
        stamp[_relative(path, out_dir)] = _digest(data) if data is not None else ""
    return stamp


@dataclass
class _Outcome:
    """What became of one job: the pipeline's outcome, and the output staged beside the target."""

    job: Job
    stamp: Stamp
    found: Outcome
    """The pipeline's outcome, without the notice and its document (see `Outcome.summary`)."""
    valid: bool
    staged: str | None = None
    """The staged file's name (a batch renames it by name, `files.commit`)."""
    output_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [*self.found.problems, *self.output_problems]


# Looked up once per batch (each worker process fills its own): workspaces by folder, and
# templates by (name, workspace templates folder) with what the manifest records of them.
_WORKSPACES: dict[Path, Workspace | None] = {}
_TEMPLATES: dict[tuple[str | None, Path | None, Path | None, Path | None], tuple[Path, str, str]] = {}


def _workspace_for(source: Path) -> Workspace | None:
    from tbkl_gen.source.workspace import find_workspace

    folder = source.parent
    if folder not in _WORKSPACES:
        _WORKSPACES[folder] = find_workspace(folder)
    return _WORKSPACES[folder]


def _template_for(
    name: str | None,
    templates_dir: Path | None,
    out_dir: Path,
    written_in: Path | None = None,
    boundary: Path | None = None,
) -> tuple[Path, str, str]:
    """Return the template file, its path as the manifest keeps it, and its content hash.

    written_in and boundary: see `find_template` (None for the command line and the default).
    """
    from tbkl_gen.word.fill import find_template

    key = (name, templates_dir, written_in, boundary)
    if key not in _TEMPLATES:
        path = find_template(name, templates_dir, written_in=written_in, boundary=boundary).resolve()
        data = read_regular(path, MAX_TEMPLATE_BYTES)  # too big or odd: tbkl_gen.wordfile says why when it is opened
        _TEMPLATES[key] = (path, _relative(path, out_dir), _digest(data) if data is not None else "")
    return _TEMPLATES[key]


def _process(task: tuple[Job, Stamp, str | None, Path]) -> _Outcome:
    """Send one notice through the pipeline and stage its document (in a worker process or in this one)."""
    from tbkl_gen.pipeline import run_file

    job, stamp, template_name, out_dir = task
    raw = None
    if stamp["nguon"] is None:  # a notice the manifest does not know (see `_changed`)
        stamp, raw = _source_stamp(job, stamp)
    chosen: list[tuple[Path, str, str]] = []

    def find_template(name: str | None, templates_dir: Path | None, written_in: Path | None, boundary: Path | None) -> Path:
        chosen.append(_template_for(name, templates_dir, out_dir, written_in, boundary))
        return chosen[-1][0]

    # the bytes hashed are the bytes rendered: the file is not read twice
    found = run_file(job.source, _workspace_for(job.source), template=template_name, find_template=find_template, raw=raw)
    if found.document is None:
        return _Outcome(job, stamp, _sent(found), valid=False)
    _, template_key, template_hash = chosen[-1]
    stamp = {**stamp, "mau_tep": template_key, "mau": template_hash}
    if found.linked:
        stamp["lien_ket"] = _linked_stamp(found.linked, out_dir)
    if found.number is not None:
        number, place = found.number
        stamp["so"] = {"khoa": list(number), "dong": place.line, "cot": place.column}
    # Written beside the target now, in this worker; renamed into place only once every notice
    # of the batch has passed its checks.
    _exit_if_orphaned()
    try:
        staged = stage(job.output, found.document, inside=out_dir, sync=False)  # flushed to disk with the others before the renames
    except (OutputLocked, OutputFailed) as exc:
        return _Outcome(job, stamp, _sent(found), valid=True, output_problems=[_output_problem(job, exc)])
    return _Outcome(job, stamp, _sent(found), valid=True, staged=os.fspath(staged))


_Sent = tuple[Stamp, list[Problem] | None, list[Problem] | None, Any, tuple[Path, ...], bool, str | None, list[Problem] | None]
"""What a worker sends back for a notice (`_packed`): the stamp, the problems (None for none), the number, the
linked sources, whether it is valid, the staged file's name, the output's problems. Not the job, which the
parent has: the pickled outcome (the job's strings, two `Path`s rebuilt from their parts, the pipeline's
`Outcome` as a dataclass) cost the worker ~14 us and the parent ~28 us a notice to pickle and unpickle."""


_Task = tuple[Job, Stamp, str | None, Path]
_TASKS: Sequence[_Task] = ()
"""A worker's tasks, given to it once when it starts (`_start_worker`): the pool sends it their indexes only."""


def _process_at(index: int) -> _Sent:
    """`_process` of the task at index in a worker process: its outcome as `_packed` sends it to the parent."""
    return _packed(_process(_TASKS[index]))


def _packed(outcome: _Outcome) -> _Sent:
    found = outcome.found
    return (
        outcome.stamp,
        found.workspace_problems or None,
        found.notice_problems or None,
        found.number,
        found.linked,
        outcome.valid,
        outcome.staged,
        outcome.output_problems or None,
    )


def _unpacked(job: Job, sent: _Sent) -> _Outcome:
    """Return the outcome a worker sent for job (`_packed`), as `_process` made it."""
    from tbkl_gen.pipeline import Outcome

    stamp, workspace_problems, notice_problems, number, linked, valid, staged, output_problems = sent
    found = Outcome(job.source, workspace_problems or [], notice_problems or [], number=number, linked=linked)
    return _Outcome(job, stamp, found, valid, staged, output_problems or [])


def _source_stamp(job: Job, stamp: Stamp) -> tuple[Stamp, bytes | None]:
    """Return stamp with the source's hash and, for a regular file, its size, time and inode (`_stat_of`)
    taken before it is read: the manifest's entry as `_changed` makes it for a changed source; and
    the bytes hashed, None when the file was not read."""
    seen = _stat_of(job.source_name)
    data = read_regular(job.source, MAX_HASHED_BYTES)  # a pipe or a device is not read (see `_changed`)
    stamp = {**stamp, "nguon": _digest(data) if data is not None else ""}
    if seen is not None:
        stamp["tep"] = seen
    return stamp, data


def _sent(found: Outcome) -> Outcome:
    """Return the pipeline's outcome as the batch reads it: the problems, the number, the linked sources.

    Not the kind nor the template: the kind's declaration, pickled by value, was most of what a
    worker sent back (about 1.2 KB a notice) and unpickling it most of the parent's work per notice.
    """
    summary = found.summary()
    summary.kind = summary.template = None
    return summary


_PARENT: int | None = None


def _exit_if_orphaned() -> None:
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def _start_worker(tasks: Sequence[_Task] = ()) -> None:
    """Prepare a worker: Ctrl-C is the parent's to handle, and exit when the parent dies.

    SIGTERM ends a worker at once (the parent's handler, inherited by a fork, is undone): the
    parent stops its workers with it, then removes what they left half-written. tasks: the batch's
    tasks, which the worker then renders by their index (`_process_at`). A forked worker has them
    without any pickling (the pool's arguments are the child's memory); a spawned one (Windows,
    macOS) receives them pickled once, instead of one by one with each chunk.
    """
    global _PARENT, _TASKS
    _TASKS = tasks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _PARENT = os.getppid()
    _quiet_collector()

    def watch() -> None:
        # A batch killed with SIGKILL cannot stop its workers; they notice and leave.
        while True:
            time.sleep(0.05)
            _exit_if_orphaned()

    import threading

    threading.Thread(target=watch, daemon=True).start()


def _quiet_collector() -> None:
    """Spare a worker's cycle collector the modules it inherited and most of its passes over one notice.

    A forked worker holds every object the parent imported (the pipeline, the Word machinery, the
    decree's tables): the collector walked them all again at each full pass, and its young passes ran
    every 700 allocations over a notice's short-lived objects (3–10 % of a worker's time). gc.freeze()
    moves what is alive now out of its sight for good (they live as long as the worker: nothing is
    lost), and a larger first threshold makes the young passes rarer; cycles are still collected.
    Only the worker processes do this: the parent, which may be a long-running service, is untouched.
    """
    import gc

    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(_WORKER_GC_THRESHOLD, second, third)


_WORKER_GC_THRESHOLD = 10_000  # objects allocated between young passes (CPython's default: 700)


def _process_all(pending: list[tuple[Job, Stamp]], settings: Settings, flusher: Flusher, signals: _Signals) -> list[_Outcome]:
    """Process every pending job, in parallel when it pays; keep the order of the jobs.

    Each output, staged by the process that rendered it, is handed to flusher at once."""
    tasks = [(job, stamp, settings.template, settings.out_dir) for job, stamp in pending]
    workers = min(settings.jobs or os.cpu_count() or 1, max(1, len(tasks)))
    outcomes: list[_Outcome] = []
    if workers > 1 and len(tasks) >= POOL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        import hashlib  # noqa: F401 - the workers hash every new source with OpenSSL's SHA-256 at once (files.sha256_hex)

        from tbkl_gen import pipeline  # imported here once, inherited by forked workers
        from tbkl_gen.word import layout, write  # noqa: F401
        from tbkl_gen.word.fill import find_template

        for name in {task[2] for task in tasks}:  # the template named on the command line, or the default
            try:
                pipeline.ready(find_template(name).resolve())
            except TbklError:
                pass  # each notice reports it with its place

        from concurrent.futures.process import BrokenProcessPool

        pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(tasks,))
        try:
            chunk = max(1, min(8, len(tasks) // (workers * 8)))  # small chunks: no worker idles long at the end
            for task, sent in zip(tasks, pool.map(_process_at, range(len(tasks)), chunksize=chunk), strict=True):  # in order
                outcome = _unpacked(task[0], sent)
                outcomes.append(outcome)
                if outcome.staged is not None:
                    flusher.add(outcome.staged, outcome.job.output_name)
                if settings.progress:
                    settings.progress(1)
                _test_pause("load", signals)
        except BaseException as exc:
            signals.holding = True
            _stop_pool(pool)
            if isinstance(exc, BrokenProcessPool) and signals.pending is not None:  # the signal reached a worker first
                raise Interrupted(signals.pending) from None
            raise
        pool.shutdown()
    else:
        for task in tasks:
            outcomes.append(_process(task))
            if outcomes[-1].staged is not None:
                flusher.add(outcomes[-1].staged, outcomes[-1].job.output_name)
            if settings.progress:
                settings.progress(1)
            _test_pause("load", signals)
    return outcomes


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers now and wait until they are gone, so none writes after the clean-up.

    The pool's manager thread is waited for too: once its workers are gone it closes the pool's
    wake-up pipe and ends. Left running, it raced with the exit hook of concurrent.futures, which
    writes to that pipe without the pool's lock: a SIGTERM to the process group then sometimes
    ended with "OSError: [Errno 9] Bad file descriptor" printed at exit.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown() forgets it too
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    if manager is not None:
        manager.join(30)  # the workers are gone: it notices at once, closes its pipes and returns


def _output_problem(job: Job, exc: OutputLocked | OutputFailed) -> Problem:
    return Problem(Place(job.output), str(exc).split(": ", 1)[1], code="output")


def _finish_manifest(
    out_dir: Path,
    jobs: list[Job],
    manifest: dict[str, Stamp],
    fresh: dict[str, Stamp],
    settings: Settings,
    result: BatchResult,
    rewrite: bool = False,
) -> None:
    """Report or prune outputs whose source is gone, and write the manifest if anything changed.

    Only a regular file inside the output folder is pruned (a key that leads elsewhere through
    a linked sub-folder is dropped with a warning), and a sub-folder that pruning empties goes too.
    """
    planned = {job.key for job in jobs}
    for key in sorted(set(manifest) - planned):
        stale = out_dir / key
        try:
            regular = stat.S_ISREG(stale.lstat().st_mode)
        except OSError:
            continue
        if not _confined(stale, out_dir):
            result.problems.append(
                Problem(
                    Place(out_dir / MANIFEST_NAME),
                    f"bỏ qua mục “{key}”: tệp nằm ngoài thư mục đầu ra (không đọc, không xóa)",
                    Severity.WARNING,
                    code="manifest",
                )
            )
            continue
        if not regular:
            continue
        if settings.prune:
            try:
                stale.unlink()
            except OSError as exc:
                result.problems.append(_output_problem(Job(stale, stale, key), OutputFailed(stale, exc.strerror or str(exc))))
                fresh[key] = manifest[key]
                continue
            result.pruned.append(stale)
            _remove_emptied(stale.parent, out_dir)
        else:
            result.stale.append(stale)
            fresh[key] = manifest[key]
    for job in result.failed:
        # an old output that could not be replaced is kept, with no stamp (made again next time);
        # one that is not there is not claimed at all
        if job.key in manifest and job.key not in fresh and os.path.lexists(job.output):
            fresh[job.key] = {}
    if fresh != manifest or rewrite:
        try:
            write_manifest(out_dir, fresh)
        except (OutputLocked, OutputFailed) as exc:  # the old manifest stays, whole: the next run renders again what it cannot vouch for
            result.problems.append(Problem(Place(exc.path), str(exc).split(": ", 1)[1], code="output"))


def _remove_emptied(folder: Path, out_dir: Path) -> None:
    """Remove folder and its parents up to out_dir, as long as they are empty."""
    while len(folder.parts) > len(out_dir.parts):
        try:
            folder.rmdir()
        except OSError:  # not empty: the user's files stay
            return
        folder = folder.parent
