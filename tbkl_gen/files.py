"""Reading and writing files in folders that others may write to: one reader, one writer.

Notices, outputs and reports live in shared office folders and in `/tmp`, where another user can
put a link or a pipe at any name. So every file the tool writes goes through `write_file` (or its
two halves, `stage` and `commit`): the bytes go to a new file with a random name, created the way
`tempfile.mkstemp` creates one, in the target's folder (`O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600:
a name someone planted makes it pick another name, never write through a link; `create_fresh`),
flushed to disk, and renamed over the
target in one step. A rename replaces a link planted at the target itself and never follows it. A
folder on the way that is a link, below the folder the caller names as the top of its output tree,
is refused: writing through it would put the file wherever the link points.

Every file the tool reads from such folders goes through `read_regular`: it is opened without
blocking (a FIFO would wait forever), optionally without following a link, checked to be a
regular file once open, and read up to a limit.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tbkl_gen.errors import LockBusy, NotReadable, OutputFailed, OutputLocked, UnsafeFolder

TEMP_PREFIX = ".tbkl-"
TEMP_SUFFIX = ".tmp"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _read_umask() -> int:
    # a fresh file is readable by its owner only (0600); an output gets the mode a plain open
    # would have given it. The mask is read once, at import, before any thread runs.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
_FILE_MODE = 0o666 & ~_UMASK


# What a file that is not a regular file may be: its test, its name, and what follows the name in a sentence.
_NOT_REGULAR: tuple[tuple[Callable[[int], bool], str, str], ...] = (
    (stat.S_ISDIR, "thư mục", ""),
    (stat.S_ISLNK, "liên kết", ""),
    (stat.S_ISFIFO, "ống dẫn", " (FIFO)"),
    (lambda mode: stat.S_ISCHR(mode) or stat.S_ISBLK(mode), "thiết bị", ""),
    (stat.S_ISSOCK, "socket", ""),
)


def kind_of(mode: int, *, short: bool = False) -> str:
    """Return what a file that is not a regular file is, in Vietnamese words: "một ống dẫn (FIFO)";
    short, the bare name ("ống dẫn"), as a message that names it once ("đây là ống dẫn") says it."""
    for test, name, note in _NOT_REGULAR:
        if test(mode):
            return name if short else f"một {name}{note}"
    return "đối tượng đặc biệt" if short else "một đối tượng đặc biệt"


def read_regular(path: Path, limit: int, *, follow_links: bool = True, own: bool = False) -> bytes:
    """Return the bytes of the regular file at path, at most limit of them; raise NotReadable otherwise.

    A FIFO, a device or a folder is refused by its kind before it is opened, and opened without
    blocking and checked again once open, in case the path was swapped in between. With
    follow_links False, a link at path itself is refused (a file in a folder others write to).
    With own, a file that another user owns or may write to is refused (not checked on Windows).
    """
    try:
        info = path.lstat() if not follow_links else path.stat()
    except FileNotFoundError:
        raise NotReadable("không tìm thấy tệp", missing=True) from None
    except OSError as exc:
        raise NotReadable(f"không đọc được tệp ({describe(exc)})") from None
    _check_regular(info, limit)
    flags = os.O_RDONLY | _BINARY | _NONBLOCK | (0 if follow_links else _NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotReadable("đây là một liên kết, không phải một tệp") from None
        raise NotReadable(f"không đọc được tệp ({describe(exc)})") from None
    try:
        try:
            info = os.fstat(descriptor)
            _check_regular(info, limit)
            if own and sys.platform != "win32" and (info.st_uid != os.getuid() or info.st_mode & 0o022):
                raise NotReadable("tệp không phải của riêng người dùng này (người khác sở hữu hoặc có quyền ghi)")
            data = _read_up_to(descriptor, min(info.st_size, limit) + 1)  # room for n bytes is made: ask for what is there
            if len(data) > info.st_size:  # it grew since: read on, as far as the limit
                data += _read_up_to(descriptor, limit + 1 - len(data))
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise NotReadable(f"không đọc được tệp ({describe(exc)})") from None
    if len(data) > limit:
        raise NotReadable(too_big(len(data), limit), size=len(data))
    return data


def _read_up_to(descriptor: int, size: int) -> bytes:
    """Return the next size bytes of an open file, fewer at its end: a buffered file's read(size), without
    the file object (its own fstat, a terminal's ioctl and a seek: three system calls a file, and one
    read more, for each source a batch hashes)."""
    data = os.read(descriptor, size)
    if len(data) == size or not data:
        return data
    chunks = [data]
    while size := size - len(data):
        data = os.read(descriptor, size)
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def read_regular_or_none(path: Path, limit: int, *, follow_links: bool = True) -> bytes | None:
    """Return what `read_regular` returns, or None when it refuses the file."""
    try:
        return read_regular(path, limit, follow_links=follow_links)
    except NotReadable:
        return None


def _check_regular(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise NotReadable(f"đây là {kind_of(info.st_mode)}, không phải một tệp")
    if info.st_size > limit:
        raise NotReadable(too_big(info.st_size, limit), size=info.st_size)


def too_big(size: int, limit: int) -> str:
    return f"tệp quá lớn ({_megabytes(size)}; tối đa {_megabytes(limit)})"


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} byte".replace(",", ".")
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


# --- writing -----------------------------------------------------------------------------------


def write_file(target: Path, data: bytes, *, inside: Path | None = None, private: bool = False) -> None:
    """Replace target with data so that no reader ever sees a half-written file and no link is followed.

    inside is the top of the caller's output tree (the output folder): folders between it and
    target that are links are refused. Missing folders are made. A private file (accounts,
    sessions) keeps the mode it is created with (`create_fresh`), readable and writable by its owner only (0600).
    """
    commit(stage(target, data, inside=inside, private=private), target)


def stage(target: Path, data: bytes, *, inside: Path | None = None, sync: bool = True, private: bool = False) -> Path:
    """Write data to a new file with a random name beside target; return its path.

    The file is flushed to disk before it is returned, unless sync is False: then the caller
    flushes it (`sync_file`) before `commit`.
    """
    make_folders(target.parent, inside=inside, target=target)
    try:
        # an output is created with the mode a plain open gives it (it was made 0600 and changed with
        # fchmod before its first byte: one system call more for each of a batch's outputs)
        descriptor, temp = create_fresh(target.parent, 0o600 if private else _FILE_MODE)
    except OSError as exc:
        raise OutputFailed(target, reason(exc)) from exc
    try:
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked (a signal, a nearly full disk)
                view = view[os.write(descriptor, view) :]
            if sync:
                os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        discard(temp)
        raise OutputFailed(target, reason(exc)) from exc
    except BaseException:
        discard(temp)
        raise
    return temp


_FRESH_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
_FRESH_TRIES = 10_000


def create_fresh(folder: Path, mode: int = 0o600) -> tuple[int, Path]:
    """Create a new file with a random temporary name in folder; return its open descriptor and its path.

    `tempfile.mkstemp`'s own recipe (the same flags and, by default, mode; a new random name while the name is
    taken, as many tries), without importing tempfile (with shutil, bz2, lzma and random: ~5 ms
    of a cold `tbkl render`, benchmarks/README.md "Fifth pass, cold start"). The name comes from os.urandom.
    O_EXCL fails on any name that exists, a link there included (even one pointing nowhere), so
    nothing is ever written through a planted link; the descriptor is not inherited by children.
    """
    folder = folder.absolute()
    for _ in range(_FRESH_TRIES):
        path = folder / f"{TEMP_PREFIX}{os.urandom(6).hex()}{TEMP_SUFFIX}"
        try:
            return os.open(path, _FRESH_FLAGS, mode), path
        except FileExistsError:
            continue
        except PermissionError:
            # Windows says this when a folder has the name (as mkstemp, try another)
            if os.name == "nt" and folder.is_dir() and os.access(folder, os.W_OK):
                continue
            raise
    raise FileExistsError(errno.EEXIST, "không tìm được tên tệp tạm chưa dùng")


def sync_file(temp: Path | str) -> OSError | None:
    """Flush a staged file to disk; return the error, or None. The file is opened without following a link."""
    try:
        descriptor = os.open(temp, os.O_RDWR | _NOFOLLOW | _NONBLOCK | _BINARY)  # Windows flushes only a handle open for writing
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return OSError(errno.EINVAL, "không phải tệp thường")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        return exc
    return None


def commit(temp: Path | str, target: Path | str) -> None:
    """Rename a staged file over target in one step (a link at target is replaced, not followed).

    The temporary file never outlives a failure. Names may be given as strings (a batch renames a
    thousand outputs it knows by name: no `Path` made for each).
    """
    try:
        os.replace(temp, target)  # noqa: PTH105 - a name or a Path: no Path made for each of a batch's outputs
    except PermissionError as exc:
        discard(temp)
        raise OutputLocked(Path(target)) from exc
    except OSError as exc:
        discard(temp)
        raise OutputFailed(Path(target), reason(exc)) from exc


def copy_file(source: Path, target: Path, limit: int, *, inside: Path | None = None) -> None:
    """Copy the regular file source to target through `read_regular` and `write_file`."""
    try:
        data = read_regular(source, limit)
    except NotReadable as exc:
        raise OutputFailed(target, f"không đọc được {source.as_posix()}: {exc.reason}") from None
    write_file(target, data, inside=inside)


def make_folders(folder: Path, *, inside: Path | None = None, target: Path | None = None) -> None:
    """Make folder and the folders above it that are missing; refuse one below inside that is a link.

    Folders are made one at a time (mkdir never follows a link at its own name), and each one
    below inside is looked at without following links: a link there, planted by someone who can
    write to the output folder, would send the files elsewhere. inside itself may be a link: it
    is the folder the user named. Errors name target, the file to be written, when given.
    """
    named = target or folder
    top = Path(inside) if inside is not None else None
    if top is not None and top != folder and top not in folder.parents:
        top = None
    if top is None or top == folder:
        # No folder below inside to look at: when folder is already a folder (not a link), every
        # folder above it is one or a link to one, which the walk below would pass without a
        # word. A batch writing a thousand outputs into one folder asks this a thousand times.
        try:
            if stat.S_ISDIR(os.lstat(folder).st_mode):
                return
        except OSError:
            pass  # the walk below says what is wrong, or makes it
    for current in reversed([folder, *folder.parents]):
        below = top is not None and top in current.parents
        try:
            info = current.lstat()
        except FileNotFoundError:
            try:
                current.mkdir()
            except FileExistsError:
                pass
            except OSError as exc:
                raise OutputFailed(named, reason(exc)) from exc
            try:
                info = current.lstat()
            except OSError as exc:
                raise OutputFailed(named, reason(exc)) from exc
        except OSError as exc:
            raise OutputFailed(named, reason(exc)) from exc
        if stat.S_ISLNK(info.st_mode):
            if below:
                raise UnsafeFolder(target or folder, current)
            continue  # the user's own folders above the output tree, and the output folder itself
        if stat.S_ISREG(info.st_mode):
            raise OutputFailed(named, reason(NotADirectoryError()))
        if not stat.S_ISDIR(info.st_mode):
            raise OutputFailed(named, f"{current.as_posix()} là {kind_of(info.st_mode)}, không phải thư mục")


def reason(exc: OSError, *, reading: bool = False) -> str:
    """Say in Vietnamese why a write (or, reading, a read) failed."""
    if reading:
        if isinstance(exc, FileNotFoundError):
            return "không tồn tại"
        if isinstance(exc, PermissionError):
            return "không có quyền đọc"
        if isinstance(exc, IsADirectoryError):
            return "là một thư mục"
        return exc.strerror or "lỗi hệ thống"
    number = getattr(exc, "errno", None)
    if number == errno.ENOSPC:
        return "ổ đĩa đầy: không còn chỗ trống"
    if number is not None and number == getattr(errno, "EDQUOT", None):
        return "ổ đĩa đầy: đã dùng hết hạn mức dung lượng của người dùng"
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "một tệp trùng tên đang chiếm chỗ thư mục"
    if isinstance(exc, IsADirectoryError):
        return "một thư mục trùng tên đang chiếm chỗ tệp"
    if isinstance(exc, FileNotFoundError):
        return "tệp hoặc thư mục bị xóa trong lúc ghi"
    if isinstance(exc, PermissionError):
        return "không có quyền ghi vào thư mục"
    if number == errno.EROFS:
        return "ổ đĩa chỉ cho đọc"
    return describe(exc)


def describe(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def disk_full(exc: BaseException) -> bool:
    """Tell whether an error says the disk (or the user's quota on it) is full."""
    number = getattr(exc, "errno", None)
    return number is not None and number in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def discard(path: Path | str) -> None:
    """Delete a temporary file if it is still there (unlink never follows a link)."""
    try:
        os.unlink(path)  # noqa: PTH108 - a name or a Path
    except OSError:
        pass


def is_temporary(path: Path) -> bool:
    """Tell whether path is named like a temporary file of ours."""
    name = path.name
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX) and len(name) > len(TEMP_PREFIX) + len(TEMP_SUFFIX)


# --- a lock between processes ------------------------------------------------------------------
# Held by creating a file with O_EXCL: the one call that both Windows and POSIX make atomic on
# every local and network file system. The file says who holds it (host, process, since when,
# a random mark); a lock whose process is gone (same host) or that is older than stale_after (from
# its note's time, or the file's own when its holders refresh it) is taken over, so a process killed
# while holding it blocks the others for no longer than that. Taking one over is itself done under
# a second lock file (BREAKING_SUFFIX): the lock is judged again there and removed only if it is
# still stale, so two waiters that both judged it stale never remove each other's fresh lock.

LOCK_WAIT_SECONDS = 120.0
LOCK_STALE_SECONDS = 600.0
BREAKING_SUFFIX = ".pha"
# A breaking lock is held for the few file operations of a takeover: one older than this was left
# by a process that died in them.
BREAKING_STALE_SECONDS = 10.0
_LOCK_LIMIT = 4096


class Holding:
    """A lock file held by `held`: refresh() tells waiters the holder is still at work."""

    def __init__(self, lock: Path, mark: str) -> None:
        self.lock = lock
        self.mark = mark

    def refresh(self) -> None:
        """Start the lock's age again (its file's time), if the lock is still this holder's; a holder of long work calls it between steps."""
        holder = _holder(self.lock)
        if holder is None or holder.get("mark") != self.mark:
            return
        try:
            if os.utime in os.supports_follow_symlinks:
                os.utime(self.lock, follow_symlinks=False)
            else:
                os.utime(self.lock)
        except OSError:
            pass


@contextmanager
def held(
    lock: Path, *, what: str, wait: float = LOCK_WAIT_SECONDS, stale_after: float = LOCK_STALE_SECONDS, refreshed: bool = False
) -> Iterator[Holding]:
    """Hold the lock file at lock while the block runs, waiting up to wait seconds for another holder.

    what names what the lock guards, in Vietnamese, for the message when the wait runs out
    (LockBusy). Threads of one process wait for each other as processes do. refreshed says that
    the holders of this lock refresh it during long work (Holding.refresh): its age is then counted
    from the file's time when that is later than the note's.
    """
    make_folders(lock.parent)
    mark = os.urandom(16).hex()  # what secrets.token_hex(16) returns, without importing secrets
    deadline = time.monotonic() + wait
    pause = 0.02
    while not _take(lock, mark):
        holder = _holder(lock)
        if holder is not None and _stale(lock, holder, stale_after, refreshed=refreshed):
            _take_over(lock, mark, stale_after, refreshed=refreshed)
            continue
        if time.monotonic() >= deadline:
            raise LockBusy(lock, what, _describe_holder(holder))
        time.sleep(pause)
        pause = min(pause * 2, 0.25)
    try:
        yield Holding(lock, mark)
    finally:
        holder = _holder(lock)
        if holder is not None and holder.get("mark") == mark:  # still ours: not taken over as stale
            discard(lock)


def _take(lock: Path, mark: str) -> bool:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    try:
        descriptor = os.open(lock, flags, 0o644)
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputFailed(lock, reason(exc)) from exc
    import json  # the lock's helpers import what only locking needs (a cold `tbkl check` takes no lock)
    import socket

    try:
        note = {"host": socket.gethostname(), "pid": os.getpid(), "since": time.time(), "mark": mark}
        os.write(descriptor, json.dumps(note).encode("utf-8"))
    finally:
        os.close(descriptor)
    return True


def _holder(lock: Path) -> dict[str, object] | None:
    """Return what the lock file says of its holder ({} while it is being written or unreadable), or None when there is none."""
    try:
        data = read_regular(lock, _LOCK_LIMIT, follow_links=False)
    except NotReadable as exc:
        return None if exc.missing else {}
    import json

    try:
        note = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return note if isinstance(note, dict) else {}


def _stale(lock: Path, holder: dict[str, object], stale_after: float, *, refreshed: bool = False) -> bool:
    try:  # the file's own time: when it was written, or (refreshed) last refreshed by its holder
        touched = lock.lstat().st_mtime
    except OSError:
        return False
    since = holder.get("since")
    if not isinstance(since, (int, float)):  # being written this instant, or damaged: judged by the file's age
        return time.time() - touched > min(stale_after, 5.0)
    if time.time() - (max(since, touched) if refreshed else since) > stale_after:
        return True
    import socket

    pid = holder.get("pid")
    return holder.get("host") == socket.gethostname() and isinstance(pid, int) and not _alive(pid)


def _alive(pid: int) -> bool:
    """Return whether the process pid runs on this machine (on Windows, assumed: only the age of a lock tells)."""
    if sys.platform == "win32" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _take_over(lock: Path, mark: str, stale_after: float, *, refreshed: bool) -> None:
    """Remove a lock judged stale, under the breaking lock, only if it is still stale there (else another waiter took it over first)."""
    breaking = lock.with_name(lock.name + BREAKING_SUFFIX)
    if not _take(breaking, mark):  # another waiter is taking it over: the caller looks again (one that died doing so is cleared)
        other = _holder(breaking)
        if other is not None and _stale(breaking, other, BREAKING_STALE_SECONDS):
            discard(breaking)
        time.sleep(0.005)
        return
    try:
        holder = _holder(lock)
        if holder is not None and _stale(lock, holder, stale_after, refreshed=refreshed):
            discard(lock)
    finally:
        discard(breaking)


def _describe_holder(holder: dict[str, object] | None) -> str:
    if not holder:
        return "một tiến trình khác đang giữ khóa"
    since = holder.get("since")
    when = time.strftime("%H:%M:%S", time.localtime(since)) if isinstance(since, (int, float)) else "?"
    return f"tiến trình {holder.get('pid')} trên máy {holder.get('host')} giữ khóa từ {when}"


# --- digests ----------------------------------------------------------------------------------------

# Bytes a process hashes with the interpreter's own SHA-256 before it turns to hashlib's (OpenSSL's).
BUILTIN_HASHING_BYTES = 1 << 20
_hashed = 0


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of data in hex: hashlib's digest, without loading OpenSSL for a short command.

    `import hashlib` loads OpenSSL's library and tries each of its algorithms, ~3 ms of a cold render
    (benchmarks/README.md, "Sixth pass, cold start"). The first megabyte a process hashes goes
    through the interpreter's built-in SHA-256 (`_sha2` since Python 3.12, `_sha256` before: the same
    function, slower on long inputs); anything after it, or once hashlib is imported anyway, through
    hashlib, so a batch of thousands of notices hashes at OpenSSL's speed.
    """
    global _hashed
    if "hashlib" not in sys.modules and _hashed + len(data) <= BUILTIN_HASHING_BYTES:
        builtin = _builtin_sha256()
        if builtin is not None:
            _hashed += len(data)
            return str(builtin(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _builtin_sha256() -> Callable[[bytes], Any] | None:
    """Return the interpreter's own SHA-256, looked for once: on Python 3.11, `_sha2` does not exist, and
    importing it again for every hash searched sys.path each time (~37 us and five stats a hash)."""
    if not _BUILTIN:
        _BUILTIN.append(_find_builtin_sha256())
    return _BUILTIN[0]


_BUILTIN: list[Callable[[bytes], Any] | None] = []


def _find_builtin_sha256() -> Callable[[bytes], Any] | None:
    for name in ("_sha2", "_sha256"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        function = getattr(module, "sha256", None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    return None
