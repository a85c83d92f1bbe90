"""Write rendered documents: reproducible zip bytes, and files replaced atomically.

The same parts always give the same bytes: entries keep the template's order, every entry has
the same fixed time and attributes, and nothing depends on the clock, the time zone, the locale
or the folder. Files are written by tbkl_gen.files (a new file with a random name beside the
target, renamed into place); here a batch flushes its staged files in threads and holds its
output folder with a lock.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from tbkl_gen.errors import FolderBusy, LockNotAFile, OutputFailed
from tbkl_gen.files import discard, is_temporary, kind_of, reason, sync_file

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LOCK_NAME = ".tbkl-lock"


def package(parts: dict[str, bytes]) -> bytes:
    """Return the .docx bytes of parts, identical for identical parts.

    A plain zip written by hand: every entry deflated, with the same fixed time and no extra
    fields. The parts a template gives unchanged to every notice (styles, theme, settings…) are
    compressed, and their headers packed, once per process (`_entry`), which is most of the cost
    of writing a small document.
    """
    names = sorted(parts, key=lambda name: name != "[Content_Types].xml")
    if len(names) > _ZIP_MAX_ENTRIES:
        raise ValueError(f"{len(names)} parts need zip64, which package() does not write")
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name in names:
        size = len(parts[name])
        entry, compressed, record = _entry(name, parts[name])
        if max(size, offset + compressed) > _ZIP_MAX_BYTES:
            raise ValueError(f"{name}: sizes and offsets beyond 4 GiB need zip64, which package() does not write")
        local.append(entry)
        central.append(record[0])
        central.append(_OFFSET.pack(offset))
        central.append(record[1])
        offset += len(entry)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(names), len(names), len(directory), offset, 0)
    return b"".join([*local, directory, end])


_OFFSET = struct.Struct("<I")


@lru_cache(maxsize=64)
def _entry(name: str, data: bytes) -> tuple[bytes, int, tuple[bytes, bytes]]:
    """Return a part's local entry (header, name, deflated data), the length of its deflated data,
    and its central record without the entry's offset: what comes before it and after it."""
    encoded = name.encode("utf-8")
    crc, compressed = _deflated(data)
    size = len(data)
    header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, _DOS_TIME, _DOS_DATE, crc, len(compressed), size, len(encoded), 0)
    record = struct.pack(
        "<IHHHHHHIIIHHHHHI",
        0x02014B50,
        20,
        20,
        0,
        8,
        _DOS_TIME,
        _DOS_DATE,
        crc,
        len(compressed),
        size,
        len(encoded),
        0,
        0,
        0,
        0,
        0,
    )  # fmt: skip
    return header + encoded + compressed, len(compressed), (record, encoded)


# The plain zip format counts entries in 16 bits and sizes and offsets in 32. Nothing real comes
# near: a template passes the limits of tbkl_gen.wordfile (2,000 parts, 100 MB) and a notice's
# source is at most 1 MB. Past them the bytes would be a broken zip, so it is a bug that must fail
# loudly (a zip64 writer would only hide it).
_ZIP_MAX_ENTRIES = 0xFFFF
_ZIP_MAX_BYTES = 0xFFFFFFFF

_DOS_DATE = (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2]
_DOS_TIME = ZIP_TIME[3] << 11 | ZIP_TIME[4] << 5 | ZIP_TIME[5] // 2


# zlib level 3: on a notice's document part, less than half the time of the default level 6
# for a file about 5 % larger (measured on the benchmark's notices: 0.14 against 0.32 ms).
DEFLATE_LEVEL = 3


def _deflated(data: bytes) -> tuple[int, bytes]:
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


class Flusher:
    """Flush staged files to disk in a few threads while the caller goes on with other work.

    Flushing waits on the disk, not the processor: a batch hands each staged file over as soon
    as it is written and collects the failures before the first rename. Files go to the threads
    a few at a time, which wakes them less often.

    Why a flush per file, when the outputs are derived and the manifest could be trusted to one
    flush of the whole file system before the renames (Linux's syncfs): that was tried and
    measured (7 December 2026, 1,000 notices, `--jobs 2`, eleven rounds alternating the two on
    the shared 2-CPU machine): one syncfs at the end took 0.03–0.1 s against the threads' 0.4–0.9 s
    of flushing, but the whole run took 1.4–1.9× longer in every round, at the same CPU time.
    The likely cause: without a flush, ext4 gathers every file the workers create into one large
    journal transaction, and committing it holds up the workers' next creations, while flushes as
    the files come keep each commit small. So every output is flushed (fsync) before its rename, and the manifest
    is written (fresh, flushed, renamed) only after the renames: a crash leaves the old outputs or
    new ones whole, and a manifest that vouches only for what is on the disk.
    """

    GROUP = 8

    def __init__(self) -> None:
        self._pool: Any = None  # started with the first group: a run with nothing to write needs no threads
        self._group: list[tuple[Path | str, Path | str]] = []
        self._jobs: list[Any] = []

    def add(self, temp: Path | str, target: Path | str) -> None:
        """Flush temp, staged for target, in a thread (paths or names: a failure names target as a `Path`)."""
        self._group.append((temp, target))
        if len(self._group) >= self.GROUP:
            self._submit()

    def _submit(self) -> None:
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=4)
        self._jobs.append(self._pool.submit(_sync_group, self._group))
        self._group = []

    def failures(self) -> dict[Path | str, OutputFailed]:
        """Wait for every flush; return the files that could not be flushed, by temporary file (as it was added)."""
        last = _sync_group(self._group)  # here: a run of a few files starts no thread at all
        self._group = []
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        return {temp: failure for job in self._jobs for temp, failure in job.result()} | dict(last)


def _sync_group(group: list[tuple[Path | str, Path | str]]) -> list[tuple[Path | str, OutputFailed]]:
    return [(temp, OutputFailed(Path(target), reason(error))) for temp, target in group if (error := sync_file(temp)) is not None]


def remove_stale_temporaries(folder: Path, files: set[str] | None = None) -> int:
    """Delete temporary files left by a killed run; return how many there were.

    One walk of the folder (links to folders are not entered); files, when given, receives the
    names relative to folder ("/" between folders) of the regular files met on the way, which is
    how a batch knows its outputs are there without a call per output.
    """
    count = 0
    pending = [(os.fspath(folder), "")]
    while pending:
        top, prefix = pending.pop()
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{name}/"))
                elif _stale_name(name) and not entry.is_dir():  # a link to a folder named so is not ours
                    discard(Path(entry.path))
                    count += 1
                elif files is not None and entry.is_file():
                    files.add(prefix + name)
            except OSError:
                continue
    return count


_OLD_TEMP_SUFFIX = ".tbkl-tmp"


def _stale_name(name: str) -> bool:
    """Tell whether a file name is one of our temporary files', now or before the short names (`.x.tbkl-tmp`)."""
    if not name.startswith("."):  # every output: no call made
        return False
    return is_temporary(Path(name)) or (name.endswith(_OLD_TEMP_SUFFIX) and len(name) > len(_OLD_TEMP_SUFFIX))


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder for one run: a second run into it at the same time is refused.

    The lock is the operating system's (a record lock on `.tbkl-lock` in the folder), so it goes
    with the process however the process ends: a killed run leaves nothing to clean up. A folder
    that cannot hold the lock file (read-only, or a file in its place) runs unlocked; writing
    the outputs then explains what is wrong. A lock that is not a regular file (a folder, a pipe,
    a link) could not be locked, or would lock something else: the run is refused. Folders made
    here for a run that wrote nothing (every notice refused) are removed again.
    """
    made = [p for p in (folder, *folder.parents) if not p.exists()]  # deepest first
    lock = folder / LOCK_NAME
    _refuse_odd_lock(lock)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = _open_lock(lock)
    except LockNotAFile:
        raise
    except OSError:
        yield
        return
    try:
        if not _try_lock(handle):
            raise FolderBusy(folder)
        yield
    finally:
        handle.close()
        if made and [p.name for p in folder.iterdir()] == [LOCK_NAME]:
            try:
                (folder / LOCK_NAME).unlink()
                for empty in made:
                    empty.rmdir()
            except OSError:
                pass


def _refuse_odd_lock(lock: Path) -> None:
    try:
        mode = lock.lstat().st_mode
    except OSError:
        return  # not there (made below), or a folder that cannot be read: runs unlocked
    if not stat.S_ISREG(mode):
        raise LockNotAFile(lock, kind_of(mode, short=True))


def _open_lock(lock: Path) -> io.BufferedRandom:
    """Open (or make) the lock file without following a link or waiting on a pipe."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(lock, flags, 0o644)
    except OSError as exc:
        if lock.is_symlink() or lock.is_dir():  # it changed since it was looked at
            raise LockNotAFile(lock, kind_of(lock.lstat().st_mode, short=True)) from exc
        raise
    handle = open(descriptor, "r+b")  # noqa: SIM115 - closed by folder_lock, which releases the lock
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        raise LockNotAFile(lock, kind_of(mode, short=True))
    return handle


def _try_lock(handle: io.BufferedRandom) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # a process's lock: forked workers do not hold it
    except OSError:
        return False
    return True
