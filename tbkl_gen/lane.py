"""`tbkl render` and `tbkl check` as the click commands run them, and a lane to them that needs no click.

The two commands run most (an editor's or a pre-commit hook's check, a Makefile's render) spend a
quarter of a cold start importing click and what it pulls in (benchmarks/README.md, "Sixth pass,
cold start"). Their bodies live here, printing through `echo` (click's own `echo` whenever click is
imported, and whenever a line needs anything but writing: a terminal, colours, an odd stream), so
the click commands of `cli.py` and the lane call the same functions.

`recognise` accepts only the plain shapes of the two commands it is sure of: the command's name,
then existing files or folders and the few options of `LANES`, each at most once. Anything else (an
unknown or repeated option, a missing file, `--`, `-`, an empty word, a value that looks like an
option, shell completion, on Windows a word click would expand) goes to click unchanged, so click's
messages and exit codes stay what they are. `tests/test_lane.py` holds `LANES` to the click
commands' declarations and runs the real CLI both ways (`TBKL_LANE=0` sends everything to click).
"""

from __future__ import annotations

import _thread
import os
import sys
import types
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tbkl_gen.commands.batch import BatchResult
    from tbkl_gen.commands.check import Applier
    from tbkl_gen.errors import Problem

EXIT_PROBLEMS = 1
EXIT_INTERRUPTED = 130

# Objects made between two young passes of the cycle collector in a command of the lane (CPython's
# default: 700). A short command's objects are nearly all modules, classes and functions that live
# as long as it. Click's path imports most of the stdlib with the collector paused (`__main__`); the
# lane imports it during the command, where at 700 a render's objects were walked 22 times over
# (~2 ms). A one-notice render makes ~16,000 objects and a check ~13,000 after this is set: at
# 10,000 one young pass still walked them all (~1.5 ms, benchmarks/README.md, "Seventh pass");
# at 50,000 such a command makes none, and a longer one (a folder checked in one process) still
# has its cycles collected every 50,000 objects, as the batch's workers every 10,000
# (`commands.batch._quiet_collector`).
YOUNG_PASS = 50_000


class Lane:
    """What the lane recognises of one command: its options (option string → parameter, whether it
    takes a value, the values it accepts or None for a path) and every parameter's default.

    (A plain class: a NamedTuple or a dataclass would compile code at every start.)"""

    def __init__(self, *, options: dict[str, tuple[str, bool, tuple[str, ...] | None]], defaults: dict[str, Any]) -> None:
        self.options = options
        self.defaults = defaults


LANES: dict[str, Lane] = {
    "render": Lane(
        options={
            "-o": ("out_dir", True, None),
            "--output": ("out_dir", True, None),
            "--force": ("force", False, None),
            "--keep-going": ("keep_going", False, None),
            "--prune": ("prune", False, None),
            "--strict": ("strict", False, None),
            "-q": ("quiet", False, None),
            "--quiet": ("quiet", False, None),
        },
        defaults={
            "out_dir": None,
            "force": False,
            "jobs": None,
            "keep_going": False,
            "prune": False,
            "strict": False,
            "template": None,
            "quiet": False,
            "pdf": False,
            "pdfa": False,
            "sidecar": False,
        },
    ),
    "check": Lane(
        options={"--strict": ("strict", False, None), "--format": ("output_format", True, ("text", "json"))},
        defaults={"strict": False, "output_format": "text", "docx_files": (), "apply_fixes": False},
    ),
}

# Characters of a word that click, on Windows, expands (~user, $VAR and %VAR%, glob patterns).
_EXPANDED_ON_WINDOWS = frozenset("~$%*?[")


def recognise(argv: list[str]) -> tuple[str, dict[str, Any]] | None:
    """Return the command and its parameters when argv is a plain shape of `render` or `check`, else None (click's)."""
    if not argv or argv[0] not in LANES or os.environ.get("TBKL_LANE") == "0":
        return None
    if any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ):  # shell completion: click's
        return None
    lane = LANES[argv[0]]
    params = dict(lane.defaults)
    paths: list[str] = []
    seen: set[str] = set()
    words = iter(argv[1:])
    for word in words:
        if not word or (sys.platform == "win32" and not _EXPANDED_ON_WINDOWS.isdisjoint(word)):
            return None
        if not word.startswith("-"):
            if not os.path.exists(word):  # noqa: PTH110 - pathlib not yet: as Path(word).exists(), or stricter ("a.yaml/"): click's
                return None  # click says it is missing, in its own words
            paths.append(word)
            continue
        name, equals, value = word.partition("=")
        option = lane.options.get(name)
        if option is None or option[0] in seen or (equals and not option[1]):
            return None
        parameter, takes_value, accepted = option
        seen.add(parameter)
        if takes_value:
            if not equals:
                value = next(words, "")
            if not value or value.startswith("-") or (sys.platform == "win32" and not _EXPANDED_ON_WINDOWS.isdisjoint(value)):
                return None
            if accepted is not None and value not in accepted:
                return None
            params[parameter] = value
        else:
            params[parameter] = True
    if not paths:
        return None  # the workspace's notices: click's (its usage error when there is none)
    defer_unused()  # a command of the lane it is: before pathlib, which imports urllib.parse and ipaddress
    from pathlib import Path

    for parameter, takes_value, accepted in lane.options.values():
        if takes_value and accepted is None and isinstance(params[parameter], str):
            params[parameter] = Path(params[parameter])  # a click.Path(path_type=Path), as the test holds
    params["paths"] = tuple(Path(word) for word in paths)
    return argv[0], params


def run(command: str, params: dict[str, Any]) -> None:
    """Run a recognised command as the click group runs it (the cache served, Windows' console, user
    errors as one line, click's answer to Ctrl-C and a closed pipe); leave with SystemExit as click does."""
    import gc

    defer_unused()  # done by recognise already; for a caller that did not

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_PASS, older, oldest)
    code = 0
    try:
        with command_scope():
            console_utf8()
            (render if command == "render" else check)(**params)
    except (EOFError, KeyboardInterrupt):
        import click

        from tbkl_gen.messages_vi import translate

        click.echo(file=sys.stderr)  # the blank line click writes after the terminal's ^C
        click.echo(translate("Aborted!"), file=sys.stderr)
        code = 1
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        from click import utils

        pacify: Any = vars(utils).get("_PacifyFlushWrapper") or vars(utils)["PacifyFlushWrapper"]  # its name in click 8.5, before
        sys.stdout, sys.stderr = pacify(sys.stdout), pacify(sys.stderr)
        code = 1
    sys.exit(code)


# Modules of the stdlib imported at the top of what a command of the lane uses, and never called by
# it: `dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`: ~4 ms of a cold render) only to
# write a class's signature as the docstring of a dataclass without one (every one of tbkl's on the
# lane's paths has one: tests/test_lane.py); `pathlib` imports `urllib.parse` (~2 ms: 15 classes and
# three named tuples) for one function, `quote_from_bytes`, which only `Path.as_uri` calls; and
# `urllib.parse` imports `ipaddress` (~1 ms) only for a URL whose host is in brackets. Each maps to
# the functions its stand-in lends to `from module import function` (pathlib's, at its import): a
# function that imports the module at its first call and calls the module's own. A Python whose
# `dataclasses` calls inspect at every class imports it at the first one, as before.
DEFERRED: dict[str, tuple[str, ...]] = {"inspect": (), "ipaddress": (), "urllib.parse": ("quote_from_bytes",)}
_deferring = _thread.RLock()


class _Deferred(types.ModuleType):
    """A stand-in for a module in sys.modules: the first attribute asked of it (or the first call of a
    function it lends) imports the module itself, which takes its place there and lends the stand-in
    its namespace, and answers."""

    def __init__(self, name: str, lent: tuple[str, ...] = ()) -> None:
        super().__init__(name)
        for function in lent:
            setattr(self, function, _forwarding(self, function))

    def __getattr__(self, name: str) -> Any:
        if name == "__path__":  # looked for by `from module import name`: a stand-in is for a module, never a package
            raise AttributeError(name)
        return getattr(self._import_itself(), name)

    def _import_itself(self) -> types.ModuleType:
        with _deferring:
            module = sys.modules.get(self.__name__)
            if module is None or module is self:
                sys.modules.pop(self.__name__, None)
                __import__(self.__name__)  # not importlib's import_module: importlib is not imported yet
                module = sys.modules[self.__name__]  # (its package's attribute set to it by the import, for a submodule)
                vars(self).update(vars(module))
        return module


def _forwarding(stand_in: _Deferred, name: str) -> Callable[..., Any]:
    """Return a function that calls the function called name of the module stood in for, importing it at the first call."""

    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(stand_in._import_itself(), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    return forward


def defer_unused() -> None:
    """Put a stand-in for each module of DEFERRED not imported yet (a command of the lane only: one thread, one run)."""
    for name, lent in DEFERRED.items():
        if name not in sys.modules:
            stand_in = sys.modules[name] = _Deferred(name, lent)
            package, _, attribute = name.rpartition(".")
            if package:  # `import urllib.parse` then `urllib.parse.x` finds it as its package's attribute, as an import sets it
                __import__(package)
                setattr(sys.modules[package], attribute, stand_in)


def console_utf8() -> None:
    """Vietnamese text on an old Windows console (the click group's callback, and the lane's)."""
    if sys.platform == "win32":
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8")


@contextmanager
def command_scope() -> Iterator[None]:
    """What every command runs in, through click (`cli._Group`) or the lane: what earlier starts compiled
    served before any class or pattern of tbkl is made (`cache.serve`), a user error said in one line
    (exit 1, no traceback), and what this start compiled anew kept for the next, whatever the end."""
    from tbkl_gen import cache

    cache.serve()
    # after serve: the errors' classes (Place, Fix, Problem) are the first dataclasses of tbkl's a command makes
    from tbkl_gen.errors import TbklError

    try:
        yield
    except TbklError as exc:
        echo(str(exc), err=True)
        sys.exit(EXIT_PROBLEMS)
    finally:
        keep_compiled()


def keep_compiled() -> None:
    """Write what this command compiled anew (dataclasses' methods, patterns) into the user's cache (`cache.serve`)."""
    from tbkl_gen import cache

    pending = cache.to_save()
    if not pending:
        return
    from tbkl_gen.errors import TbklError
    from tbkl_gen.files import commit, stage

    for path, data in pending:
        try:  # not flushed: a cache file that does not read back after a crash is only compiled again
            commit(stage(path, data, sync=False), path)
        except TbklError:
            pass  # a read-only home folder only costs speed


# --- printing ---------------------------------------------------------------------------------


def _plain(stream: Any) -> bool:
    """Whether click's echo would write a line to stream as it is: UTF-8, not a terminal (no styles to keep)."""
    try:
        import codecs

        return not stream.isatty() and codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, TypeError, ValueError, LookupError):
        return False


def echo(message: str = "", *, err: bool = False, color: bool | None = None) -> None:
    """Print one line as `click.echo` prints it; through click itself whenever click is imported or
    the line or stream asks for more than writing (a terminal, an escape, another encoding, no stream)."""
    stream = sys.stderr if err else sys.stdout
    if "click" in sys.modules or "\x1b" in message or stream is None or not _plain(stream):
        import click

        click.echo(message, err=err, color=color)
        return
    stream.write(message + "\n")
    stream.flush()


def _colour() -> bool | None:
    return False if os.environ.get("NO_COLOR") else None


def echo_problem(problem: Problem, *, err: bool = True) -> None:
    from pathlib import Path

    line = problem.format(Path.cwd())
    colour = _colour()
    if colour is None and ("click" in sys.modules or not _plain(sys.stderr if err else sys.stdout)):
        import click  # a terminal's colours (click strips them from anything else)

        line = click.style(line, fg="red" if problem.is_error else "yellow")
    echo(line, err=err, color=colour)


def fail(message: str) -> None:
    echo(message, err=True)
    sys.exit(EXIT_PROBLEMS)


def relative(path: Path) -> str:
    from pathlib import Path

    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# --- render -----------------------------------------------------------------------------------


def render(
    paths: tuple[Path, ...],
    out_dir: Path | None,
    force: bool,
    jobs: int | None,
    keep_going: bool,
    prune: bool,
    strict: bool,
    template: str | None,
    quiet: bool,
    pdf: bool,
    pdfa: bool,
    sidecar: bool,
) -> None:
    """`tbkl render`: write the notices' .docx files (and PDFs); exit 1 on problems."""
    chosen, out = _resolve_paths(paths, out_dir)
    try:
        result = _render(chosen, out, force, jobs, keep_going, prune, strict, template, quiet)
        pdf_ok = _export_pdfs(result, pdfa=pdfa, sidecar=sidecar, quiet=quiet) if pdf or pdfa or sidecar else True
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the batch has removed its temporary files; LibreOffice is stopped
        echo(getattr(exc, "message", "Đã dừng theo yêu cầu (Ctrl-C)."), err=True)
        sys.exit(getattr(exc, "exit_code", EXIT_INTERRUPTED))
    strict_failed = strict and any(not p.is_error for p in result.problems)
    if not result.ok or strict_failed or not pdf_ok:
        sys.exit(EXIT_PROBLEMS)


def _export_pdfs(result: BatchResult, *, pdfa: bool, sidecar: bool, quiet: bool) -> bool:
    """Write the PDFs (and sidecars) of a finished render; return whether all were written."""
    from tbkl_gen.commands.pdf import export_pdfs
    from tbkl_gen.errors import TbklError

    try:
        outcome = export_pdfs(result.made, result.unchanged, pdfa=pdfa, sidecar=sidecar)
    except TbklError as exc:  # no LibreOffice: the .docx files are written all the same
        echo(f"{exc}. Các tệp .docx đã được ghi.", err=True)
        return False
    for warning in outcome.warnings if not quiet else []:
        echo(warning, err=True)
    for path, reason in outcome.failed:
        echo(f"{relative(path)}: {reason}", err=True)
    if not quiet:
        kind = "PDF/A" if pdfa else "PDF"
        summary = f"Đã xuất {len(outcome.pdfs)} bản {kind}"
        if sidecar:
            summary += f", {len(outcome.sidecars)} tệp .json cho e-office"
        echo(summary + (f", lỗi {len(outcome.failed)}." if outcome.failed else "."), err=True)
    return not outcome.failed


def _missing(path: Path) -> Exception:
    import click

    return click.BadParameter(f"không tìm thấy “{path}”", param_hint="PATHS")


def _no_notices() -> Exception:
    import click

    return click.UsageError("cần tệp hoặc thư mục thông báo (hoặc chạy trong thư mục có tbkl.yaml)")


def _render(
    paths: list[Path],
    out_dir: Path,
    force: bool,
    jobs: int | None,
    keep_going: bool,
    prune: bool,
    strict: bool,
    template: str | None,
    quiet: bool,
) -> BatchResult:
    from tbkl_gen.commands.batch import Settings, plan, render_batch

    for path in paths:
        if not path.exists():
            raise _missing(path)
    found: list[Problem] = []  # links in the notices folder that lead astray, skipped
    jobs_list = plan(paths, out_dir, found)
    for problem in found:
        if problem.is_error or not quiet:
            echo_problem(problem)
    if not jobs_list:
        fail("không có tệp thông báo (.yaml) nào để in")
    settings = Settings(out_dir, force=force, jobs=jobs or 0, keep_going=keep_going, prune=prune, strict=strict, template=template)
    if not quiet and sys.stderr.isatty():
        import click  # the progress bar on a terminal is click's

        with click.progressbar(length=len(jobs_list), label="Đang in", file=sys.stderr) as bar:
            settings.progress = bar.update
            result = render_batch(jobs_list, settings)
    else:
        result = render_batch(jobs_list, settings)
    for problem in result.problems:
        if problem.is_error or not quiet:
            echo_problem(problem)
    for stale in result.stale:
        echo(f"{stale.as_posix()}: tệp không còn nguồn (dùng --prune để xóa)", err=True)
    if not quiet:
        failed = len(result.failed)
        seconds = f"{result.seconds:.2f}".replace(".", ",")
        summary = f"Đã tạo {len(result.made)}, không đổi {len(result.unchanged)}, lỗi {failed}"
        if result.pruned:
            summary += f", đã xóa {len(result.pruned)}"
        if failed and not keep_going and not result.made:
            summary += " — chưa ghi tệp nào vì có lỗi"
        echo(f"{summary} ({seconds} giây).", err=True)
    return result


def _resolve_paths(paths: tuple[Path, ...], out_dir: Path | None) -> tuple[list[Path], Path]:
    """Default to the workspace's notices and output folder when none are given."""
    from pathlib import Path

    from tbkl_gen.source.workspace import find_workspace

    if paths and out_dir is not None:
        return list(paths), out_dir
    workspace = find_workspace(Path.cwd())
    if not paths:
        if workspace is None:
            raise _no_notices()
        paths = (workspace.notices_dir,)
    if out_dir is None:
        if workspace is not None and workspace.output_dir is not None:
            out_dir = workspace.output_dir
        elif workspace is not None:
            out_dir = workspace.root / "out"
        else:
            out_dir = Path("out")
    return list(paths), out_dir


# --- check ------------------------------------------------------------------------------------


def check(paths: tuple[Path, ...], strict: bool, output_format: str, docx_files: tuple[Path, ...], apply_fixes: bool) -> None:
    """`tbkl check`: print every problem of the notices (and the audit of Word files); exit 1 on errors."""
    from pathlib import Path

    from tbkl_gen.commands.check import check_docx_files, check_sources, fix_sources, problem_dicts
    from tbkl_gen.source.names import WORD_SUFFIXES
    from tbkl_gen.source.workspace import find_workspace

    if not paths and not docx_files:
        workspace = find_workspace(Path.cwd())
        if workspace is None:
            raise _no_notices()
        paths = (workspace.notices_dir,)
    # A Word file named among the sources is audited as --docx audits it (`tbkl check --docx a.docx b.docx`
    # reads b.docx as one of PATHS: it is checked as a Word file, not refused as a source that is not YAML).
    words = tuple(path for path in paths if path.suffix.lower() in WORD_SUFFIXES and not path.is_dir())
    paths = tuple(path for path in paths if path not in words)
    docx_files = tuple(dict.fromkeys((*docx_files, *words)))
    for path in (*paths, *docx_files):
        if not path.exists():
            raise _missing(path)
    failed = False
    report: dict[str, Any] = {"tep": 0, "van_de": [], "docx": []}
    if paths:
        if apply_fixes:
            fixing = fix_sources(list(paths), _fix_applier(), _issued(list(paths)))
            outcome = fixing.remaining
            report["da_sua"] = [{**p.to_dict(Path.cwd()), "da_sua": p.fix.title if p.fix else ""} for p in fixing.fixed]
            if output_format == "text":
                for problem in fixing.fixed:
                    _echo_fixed(problem)
                for problem in fixing.failed:
                    echo_problem(problem, err=True)
                files = len({p.place.file for p in fixing.fixed})
                echo(f"Đã sửa {len(fixing.fixed)} chỗ trong {files} tệp.")
            failed = bool(fixing.failed)
        else:
            outcome = check_sources(list(paths))
        outcome.problems += _changed_since_issue(list(paths))  # an issued document is frozen
        report["tep"] = outcome.files
        report["van_de"] = problem_dicts(outcome.problems, Path.cwd())
        errors = sum(p.is_error for p in outcome.problems)
        warnings = len(outcome.problems) - errors
        failed = failed or errors > 0 or (strict and warnings > 0)
        if output_format == "text":
            for problem in outcome.problems:
                echo_problem(problem, err=False)
            echo(f"Đã kiểm tra {outcome.files} tệp: {errors} lỗi, {warnings} cảnh báo.")
    for docx_path, results in check_docx_files(list(docx_files)):
        from tbkl_gen.audit import format_report

        if not isinstance(results, list):  # refused unread (tbkl_gen.wordfile): the reason, then the next file
            failed = True
            report["docx"].append({"tep": docx_path.as_posix(), "loi": str(results)})
            if output_format == "text":
                echo(str(results), err=True)
            continue
        bad = [r for r in results if r.status == "loi"]
        failed = failed or bool(bad)
        report["docx"].append({"tep": docx_path.as_posix(), "quy_tac": [r.__dict__ for r in results]})
        if output_format == "text":
            echo(f"{docx_path.as_posix()}:")
            echo(format_report(results))
    if output_format == "json":
        import json

        echo(json.dumps(report, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(EXIT_PROBLEMS)


def _changed_since_issue(paths: list[Path]) -> list[Problem]:
    """Return a warning for each issued source changed on disk since (the register's digest)."""
    from tbkl_gen.service.register import changed_since_issue
    from tbkl_gen.source.names import find_sources

    return changed_since_issue([source for source, _ in find_sources(paths)])


def _issued(paths: list[Path]) -> dict[Path, str]:
    """Return the issued sources under paths, which `--fix` leaves as they are."""
    from tbkl_gen.service.register import issued_sources
    from tbkl_gen.source.names import find_sources

    return issued_sources([source for source, _ in find_sources(paths)])


def _fix_applier() -> Applier:
    """Return the page's round-trip writer, which applies fixes as saving applies edits."""
    try:
        from tbkl_gen.service.yamlsave import fixed
    except ImportError:  # ruamel.yaml, the writer that keeps comments, is not installed
        import click

        raise click.ClickException('“tbkl check --fix” cần gói ruamel.yaml: pip install "tbkl-gen[page]"') from None
    return fixed


def _echo_fixed(problem: Problem) -> None:
    """Print one applied fix at the place its problem was found: `file:line:col: field: đã sửa: what`."""
    from dataclasses import replace
    from pathlib import Path

    from tbkl_gen.errors import Severity

    title = problem.fix.title if problem.fix is not None else ""
    done = replace(problem, message=f"đã sửa: {title}", hint="", severity=Severity.ERROR)
    echo(done.format(Path.cwd()))
