"""The user's cache: where it is, when it may be trusted, and what a start compiles, kept compiled.

What the cache holds is compiled code (jinja's templates, `word.render`; below, the dataclasses'
methods and the regular expressions a start compiles), so it is read only from a folder that is
this user's own and writable by nobody else, and only from files this user owns and nobody else
may write: the trust Python gives its own .pyc files. Anything else (another user's folder, a
link, a file others may write, a file that does not read back) and the code is made again as if
there were no cache; a cache only ever costs or saves time.

**What a start compiles** (benchmarks/README.md, "Fifth pass, cold start"). `dataclasses` writes the source
text of each method it generates (`__init__`, `__repr__`, `__eq__`, `__hash__`, a frozen class's
`__setattr__` and `__delattr__`) and runs it through the built-in `exec`, which compiles it:
~250 compiles, 15–20 ms of every `tbkl check`. And `re` compiles every pattern a start uses
(PyYAML's, click's, the decree's grammars): ~50 patterns, ~10 ms. `serve` installs two small
stand-ins, each keyed by the whole text it is given, so what it serves is what Python would
have made from that very text:

* `dataclasses` gets its own `exec` (a module's global shadows the built-in of that name): the
  method text of a class of tbkl's is looked up, and the code compiled from it the last time is
  run; else it is compiled as `exec` compiles it (no flags inherited) and kept. Other modules'
  classes go to the built-in `exec` unchanged.
* `re`'s compiler gets its own `compile`: for a pattern (text and flags) seen before, the regular
  expression engine is given the program compiled from it the last time (`_sre.compile`, which
  validates it); else `re` compiles it as always (its `_code`, which makes the program, is
  watched to note it), and when the command ends the program is kept only if the engine makes
  from it a pattern equal (same flags, program and text) to the one `re` made. Patterns whose
  program depends on the locale are left alone.

Each file is named by the interpreter's bytecode tag and exact version, the optimisation level
and, for the patterns, the engine's own version, so no other interpreter reads it. Python 3.10 to
3.14 compile that way (tests/test_cache.py holds it on the running one); on any other interpreter
nothing is installed.

This module imports nothing of tbkl (it is the lowest layer, beside `errors`), so that the CLI can
install it before any class or pattern of tbkl is made; the files are written through
`files.stage` and `files.commit` when the command ends (`lane.keep_compiled`).
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import re
import stat
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

_sre: Any = __import__("_sre")  # the regular expression engine `re` compiles for (it has no type stubs)

SERVED_VERSIONS = ((3, 10), (3, 14))
"""The Pythons whose `dataclasses` compile every generated method with `exec(text, globals, locals)`
and whose `re` compiles through `compile(pattern, flags)` of its compiler module, which calls its `_code`."""

FOLDER = "khoi-dong"
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_KEPT = 4000
"""Past this many kept methods or patterns (tbkl's classes change over versions), a file keeps only a process's own."""

_OWN = "tbkl_gen."
_NOT_KEPT_FLAGS = re.DEBUG | re.LOCALE


def cache_dir() -> Path:
    """Return the folder for tbkl's caches: $TBKL_CACHE_DIR, or the platform's user cache."""
    override = os.environ.get("TBKL_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tbkl-gen"


def own_folder(name: str) -> Path | None:
    """Return the cache's folder name, or None when it is not the user's alone.

    A folder that another user owns or may write into (a shared $TBKL_CACHE_DIR) is not used at
    all, nor a link there (planted in a shared $TBKL_CACHE_DIR, it would send the cache into any
    folder of the user's, which passes the owner check). A missing folder is made by the first write.
    """
    folder = cache_dir() / name
    if sys.platform == "win32":  # no owner check on Windows: the profile folder is the user's
        return folder
    try:
        status = folder.lstat()
    except FileNotFoundError:
        return folder
    except OSError:
        return None
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None
    return folder


class _Methods:
    """The dataclasses' compiled methods of this process: those read from the cache and those compiled here."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.path: Path | None = None
        self.kept: dict[str, bytes] = {}  # text → marshalled code, as read from the file
        self.made: dict[str, bytes] = {}  # compiled in this process, not in the file
        self.served = 0  # methods of tbkl's classes served from the cache in this process
        self.compiled = 0  # and compiled

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:  # noqa: A002 - exec's own names
        """Run source as the built-in exec would, from the cache when source is a method of tbkl's."""
        if globals is None:  # exec's default: the globals of its caller, i.e. the dataclasses module
            globals = vars(dataclasses)  # noqa: A001
        if type(source) is str and type(globals) is dict and str(globals.get("__name__", "")).startswith(_OWN):
            blob = self.kept.get(source)
            code = None
            if blob is not None:
                try:
                    code = marshal.loads(blob)
                except (EOFError, ValueError, TypeError):
                    code = None
            if type(code) is not types.CodeType:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                self.compiled += 1
                if self.path is not None and len(self.made) < MAX_KEPT:
                    self.made[source] = marshal.dumps(code)
            else:
                self.served += 1
            source = code
        builtins.exec(source, globals, locals)

    def to_save(self) -> bytes | None:
        if not self.made:
            return None
        kept = {**self.kept, **self.made} if len(self.kept) + len(self.made) <= MAX_KEPT else dict(self.made)
        self.kept, self.made = kept, {}
        return marshal.dumps(kept)


def _compiler() -> Any:
    """Return the module whose `compile(pattern, flags)` `re` calls (`re._compiler`; `sre_compile` before 3.11)."""
    return sys.modules.get("re._compiler") or sys.modules["sre_compile"]


class _Patterns:
    """The regular expressions' compiled programs of this process: those read from the cache, and those compiled here."""

    def __init__(self) -> None:
        self.original: Callable[..., Any] | None = None  # re's own compile and _code, once replaced
        self.original_code: Callable[..., Any] | None = None
        self.program: list[int] | None = None  # the program the last _code returned
        self.reset()

    def reset(self) -> None:
        self.path: Path | None = None
        self.kept: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}  # (text, flags) → _sre.compile's arguments after the text
        self.made: dict[tuple[str | bytes, int], tuple[Any, Any]] = {}  # (text, flags) → (the pattern re made, its program)
        self.served = 0
        self.compiled = 0

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        """Compile pattern as `re`'s compiler does, from the cache when it holds its program."""
        assert self.original is not None
        if type(pattern) not in (str, bytes) or type(flags) is not int or flags & _NOT_KEPT_FLAGS:
            return self.original(pattern, flags)
        key = (pattern, flags)
        arguments = self.kept.get(key)
        if arguments is not None:
            try:
                compiled = _sre.compile(pattern, *arguments)
            except (TypeError, ValueError, RuntimeError, OverflowError):  # RuntimeError: "invalid SRE code"
                pass
            else:
                self.served += 1
                return compiled
        self.compiled += 1
        self.program = None
        made = self.original(pattern, flags)
        if self.path is not None and self.program is not None and len(self.made) < MAX_KEPT:
            self.made[key] = (made, self.program)
        return made

    def code(self, parsed: Any, flags: int) -> Any:
        """Return the program `re`'s compiler makes of a parsed pattern, noting it for `compile`."""
        assert self.original_code is not None
        self.program = program = self.original_code(parsed, flags)
        return program

    def to_save(self) -> bytes | None:
        made = {}
        for key, (pattern, program) in self.made.items():
            arguments = _arguments(pattern, program)
            if arguments is not None:
                made[key] = arguments
        self.made = {}
        if not made:
            return None
        kept = {**self.kept, **made} if len(self.kept) + len(made) <= MAX_KEPT else made
        self.kept = kept
        return marshal.dumps(kept)


def _arguments(made: Any, program: Any) -> tuple[Any, ...] | None:
    """Return what `_sre.compile` is given after the text to make the pattern made, or None when that cannot be shown.

    What `re` gave the engine is read back from the pattern (flags, groups and their names) and
    the program noted while it was compiled; it is kept only if the engine makes from it a pattern
    equal to the one `re` made (`Pattern.__eq__` compares the flags, the program and the text), so
    a program noted from another thread's compile, or an engine that takes other arguments, is not.
    """
    try:
        names = [None] * (made.groups + 1)
        for name, index in made.groupindex.items():
            names[index] = name
        arguments = (made.flags, [int(op) for op in program], made.groups, dict(made.groupindex), tuple(names))
        if _sre.compile(made.pattern, *arguments) == made:
            return arguments
    except Exception:  # noqa: BLE001 - whatever fails, this pattern is only not kept
        pass
    return None


_methods = _Methods()
_patterns = _Patterns()


def serving() -> bool:
    """Say whether this interpreter's `dataclasses` and `re` can be served (see the module's text)."""
    return sys.implementation.name == "cpython" and SERVED_VERSIONS[0] <= sys.version_info[:2] <= SERVED_VERSIONS[1]


def files() -> tuple[Path, Path] | None:
    """Return this interpreter's files of compiled methods and of compiled patterns in the user's own cache, or None."""
    folder = own_folder(FOLDER)
    tag = sys.implementation.cache_tag
    if folder is None or tag is None:
        return None
    interpreter = f"{tag}-{sys.hexversion:x}-O{sys.flags.optimize}"  # each release (its bytecode's magic number changes with some)
    return folder / f"lop-{interpreter}.marshal", folder / f"regex-{interpreter}-sre{_sre.MAGIC}.marshal"


def serve() -> None:
    """Serve the dataclasses' methods and the regular expressions from the user's cache, from now on in this process.

    Call it before importing tbkl's modules: a class or a pattern already made is not made again.
    """
    if not serving():
        return
    paths = files()
    methods_path, patterns_path = paths if paths is not None else (None, None)
    if methods_path != _methods.path:
        _methods.path, _methods.kept, _methods.made = methods_path, _read(methods_path, _methods_table), {}
    if patterns_path != _patterns.path:
        _patterns.path, _patterns.kept, _patterns.made = patterns_path, _read(patterns_path, _patterns_table), {}
    vars(dataclasses).setdefault("exec", _methods.exec)
    compiler = _compiler()
    if _patterns.original is None and callable(getattr(compiler, "compile", None)) and callable(getattr(compiler, "_code", None)):
        _patterns.original, _patterns.original_code = compiler.compile, compiler._code
        compiler.compile, compiler._code = _patterns.compile, _patterns.code


def stop_serving() -> None:
    """Give `dataclasses` and `re` their own exec and compile back, and forget what was read (the tests use it)."""
    if vars(dataclasses).get("exec") == _methods.exec:
        del vars(dataclasses)["exec"]
    compiler = _compiler()
    if _patterns.original is not None and compiler.compile == _patterns.compile:
        compiler.compile, compiler._code = _patterns.original, _patterns.original_code
        _patterns.original = _patterns.original_code = None
    _methods.reset()
    _patterns.reset()


def counted() -> dict[str, tuple[int, int]]:
    """Return, for the methods of tbkl's classes and for the patterns, how many this process was served and compiled."""
    return {"methods": (_methods.served, _methods.compiled), "patterns": (_patterns.served, _patterns.compiled)}


def to_save() -> list[tuple[Path, bytes]]:
    """Return each cache file to write and its new bytes: those of which this process compiled something new."""
    pending = []
    for path, kept in ((_methods.path, _methods), (_patterns.path, _patterns)):
        data = kept.to_save() if path is not None else None
        if path is not None and data is not None:
            pending.append((path, data))
    return pending


def _methods_table(kept: Any) -> bool:
    return type(kept) is dict and all(type(key) is str and type(value) is bytes for key, value in kept.items())


def _patterns_table(kept: Any) -> bool:
    return type(kept) is dict and all(
        type(key) is tuple and len(key) == 2 and type(key[0]) in (str, bytes) and type(key[1]) is int and type(value) is tuple
        for key, value in kept.items()
    )


def _read(path: Path | None, fits: Callable[[Any], bool]) -> dict[Any, Any]:
    """Return the table kept in path, or {} when it is missing, not the user's own, or does not read back as one that fits.

    The file is read here rather than by `files.read_regular`, whose module imports the errors
    (and makes their classes) first; it is opened the same way: no link followed, without
    blocking, a regular file of this user's that nobody else may write, checked once open.
    """
    if path is None:
        return {}
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return {}
    try:
        with open(descriptor, "rb", closefd=True) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return {}
            if sys.platform != "win32" and (info.st_uid != os.getuid() or info.st_mode & 0o022):
                return {}
            kept = marshal.loads(handle.read(MAX_FILE_BYTES + 1))
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return kept if fits(kept) else {}
