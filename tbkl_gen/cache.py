"""The user's cache: where it is, when it may be trusted, and the compiled methods of tbkl's dataclasses.

What the cache holds is compiled code (jinja's templates, `word.render`; the dataclasses' methods,
below), so it is read only from a folder that is this user's own and writable by nobody else, and
only from files this user owns and nobody else may write: the trust Python gives its own .pyc
files. Anything else (another user's folder, a link, a file others may write, a file that does not
read back) and the code is made again as if there were no cache; a cache only ever costs or saves
time.

**The dataclasses' methods.** `dataclasses` writes the source text of each method it generates
(`__init__`, `__repr__`, `__eq__`, `__hash__`, a frozen class's `__setattr__` and `__delattr__`)
and runs it through the built-in `exec`, which compiles it: about 250 compiles, 15–20 ms of every
`tbkl check` or `tbkl render` (benchmarks/README.md, "Fifth pass"). `serve_methods` gives the
`dataclasses` module its own `exec` (a module's global shadows the built-in of that name) that
looks the text up in the cache and runs the code compiled from that very text the last time, or
compiles it as `exec` would (the same flags: nothing inherited) and keeps it for `methods_to_save`.
The key is the whole text, so a served method is the method `dataclasses` would have made,
whatever changed in tbkl or in Python's `dataclasses`; the file is named by the interpreter's
bytecode tag and magic number and the optimisation level, so no other interpreter reads it. Only
the classes of tbkl's own modules are served; every other call goes to the built-in `exec`
unchanged. Python 3.10 to 3.14 call `exec(text, globals, locals)` there (checked by
tests/test_cache.py); on any other interpreter nothing is installed.

This module imports nothing of tbkl (it is the lowest layer, beside `errors`), so that the CLI can
install it before any class of tbkl is made; the file is written by `files.write_file` (the CLI
does it when the command ends, `cli._Group`).
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import stat
import sys
import types
from pathlib import Path
from typing import Any

SERVED_VERSIONS = ((3, 10), (3, 14))
"""The Pythons whose `dataclasses` compile every generated method with `exec(text, globals, locals)`."""

METHODS_FOLDER = "lop"
MAX_METHODS_BYTES = 16 * 1024 * 1024
MAX_METHODS = 4000
"""Past this many kept methods (tbkl's classes change over versions), the file keeps only a process's own."""

_OWN = "tbkl_gen."


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
    """The compiled methods of this process: those read from the cache and those compiled here."""

    def __init__(self) -> None:
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
                if self.path is not None:
                    self.made[source] = marshal.dumps(code)
            else:
                self.served += 1
            source = code
        builtins.exec(source, globals, locals)


_methods = _Methods()


def serving() -> bool:
    """Say whether this interpreter's `dataclasses` can be served (see the module's text)."""
    return sys.implementation.name == "cpython" and SERVED_VERSIONS[0] <= sys.version_info[:2] <= SERVED_VERSIONS[1]


def methods_file() -> Path | None:
    """Return the file of this interpreter's compiled methods in the user's own cache, or None."""
    folder = own_folder(METHODS_FOLDER)
    tag = sys.implementation.cache_tag
    if folder is None or tag is None:
        return None
    from importlib.util import MAGIC_NUMBER  # the number of the interpreter's own .pyc files

    return folder / f"{tag}-{MAGIC_NUMBER.hex()}-O{sys.flags.optimize}.marshal"


def serve_methods() -> None:
    """Serve the methods of tbkl's dataclasses from the user's cache, from now on in this process.

    Call it before importing tbkl's modules: a class already made is not made again.
    """
    if not serving():
        return
    path = methods_file()
    if path != _methods.path:
        _methods.path, _methods.kept, _methods.made = path, _read_methods(path) if path is not None else {}, {}
    vars(dataclasses).setdefault("exec", _methods.exec)


def stop_serving() -> None:
    """Give `dataclasses` the built-in exec back (the tests use it)."""
    if vars(dataclasses).get("exec") == _methods.exec:
        del vars(dataclasses)["exec"]
    _methods.path, _methods.kept, _methods.made, _methods.served, _methods.compiled = None, {}, {}, 0, 0


def methods_counted() -> tuple[int, int]:
    """Return how many methods of tbkl's classes this process was served from the cache, and how many it compiled."""
    return _methods.served, _methods.compiled


def methods_to_save() -> tuple[Path, bytes] | None:
    """Return the cache file and its new bytes when this process compiled methods it did not hold, else None."""
    if _methods.path is None or not _methods.made:
        return None
    kept = {**_methods.kept, **_methods.made} if len(_methods.kept) + len(_methods.made) <= MAX_METHODS else dict(_methods.made)
    _methods.kept, _methods.made = kept, {}
    return _methods.path, marshal.dumps(kept)


def _read_methods(path: Path) -> dict[str, bytes]:
    """Return the methods kept in path, or {} when it is missing, not the user's own, or does not read back.

    The file is read here rather than by `files.read_regular`, whose module imports the errors
    (and makes their classes) first; it is opened the same way: no link followed, without
    blocking, a regular file of this user's that nobody else may write, checked once open.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return {}
    try:
        with open(descriptor, "rb", closefd=True) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_METHODS_BYTES:
                return {}
            if sys.platform != "win32" and (info.st_uid != os.getuid() or info.st_mode & 0o022):
                return {}
            kept = marshal.loads(handle.read(MAX_METHODS_BYTES + 1))
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if type(kept) is not dict or not all(type(key) is str and type(value) is bytes for key, value in kept.items()):
        return {}
    return kept
