"""A workspace's history in git: every save a commit by the person who saved.

git is driven through its command (`git` on PATH). One operation at a time per workspace: a lock
per workspace in this process, and a lock file beside the workspace's files (created with
O_EXCL, so it works on Windows too) that `tbkl` commands and the server both take, so they never
collide. A commit names only the files it is about (`git commit -- paths`), so whatever else lies
changed in the folder (another person's work in progress, the page's `.nhap` drafts) never rides
along. A file that differs from its last commit before the service writes it was edited on the
server's disk by hand (or by a tool): it is committed first, as the service itself, saying so, so
that the next person's commit holds only their change and the history stays truthful.

Pushing to the office's remote (when the workspace has one) never loses a commit: a push that
fails leaves the commits here, says why in Vietnamese, and the next push sends them all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tbkl_gen.commands.text import Hunk, word_diff
from tbkl_gen.errors import HistoryBusy, HistoryFailed, LockBusy, OutputFailed
from tbkl_gen.files import Holding, held
from tbkl_gen.nd30.words import shown_day, shown_moment
from tbkl_gen.service.people import LOCAL, Person
from tbkl_gen.source.names import CATALOG_FILE

GIT_TIMEOUT_SECONDS = 60
PUSH_TIMEOUT_SECONDS = 30
# The cross-process lock: a file held with files.held in the workspace (hidden, so check and render
# skip it, and ignored by git). A holder refreshes its time before every git operation; a lock
# older than LOCK_STALE_SECONDS, or whose process is gone (same machine, POSIX), was left by a
# process that died and is taken over.
LOCK_NAME = ".tbkl-git.lock"
LOCK_STALE_SECONDS = 2 * GIT_TIMEOUT_SECONDS + 30
LOCK_WAIT_SECONDS = LOCK_STALE_SECONDS + 30
# The page's drafts: the unsaved work of someone, never committed.
DRAFT_SUFFIX = ".nhap"
# What `git init` here writes when the workspace has no .gitignore: drafts, outputs, the lock.
GITIGNORE = (
    "# Bản nháp trang soạn thảo giữ cạnh thông báo đến khi lưu: không đưa vào lịch sử\n"
    f"*{DRAFT_SUFFIX}\n"
    "# Tệp Word, PDF in ra từ nguồn: dựng lại được bất cứ lúc nào\n"
    "out/\n"
    f"{LOCK_NAME}\n"
    "# Danh mục văn bản trang soạn thảo giữ để mở danh sách nhanh: dựng lại được từ các tệp nguồn\n"
    f"{CATALOG_FILE}\n"
)
# Who commits a file found edited on the server's disk: the service itself, never a person.
SERVER = Person(login="", name="Máy chủ văn phòng", email="tbkl@may-chu.invalid")
HAND_EDIT_MESSAGE = "Sửa trực tiếp trên máy chủ (ngoài trang soạn thảo): {paths}"
START_MESSAGE = "Bắt đầu ghi lịch sử của thư mục làm việc (các tệp có sẵn trên máy chủ)"
RESTORE_MESSAGE = "Khôi phục phiên bản {short} ({when}, {author}) của {path}"
GRAPH_TIMEOUT_SECONDS = 600
_COMMIT_ID = re.compile(r"[0-9a-f]{7,64}")

_locks: dict[Path, threading.RLock] = {}
_held: dict[Path, tuple[Holding, int]] = {}  # the lock file this process holds for a workspace, and how deep
_locks_guard = threading.Lock()


def lock_for(root: Path) -> threading.RLock:
    """Return the lock that serialises git operations on the workspace at root (in this process)."""
    key = root.resolve()
    with _locks_guard:
        return _locks.setdefault(key, threading.RLock())


@contextmanager
def serialised(root: Path) -> Iterator[None]:
    """Hold the workspace's history for one operation: this process's lock, then the lock file (re-entrant in a thread)."""
    key = root.resolve()
    with lock_for(key):
        if key in _held:
            holding, depth = _held[key]
            _held[key] = (holding, depth + 1)
            try:
                yield
            finally:
                _held[key] = (holding, depth)
            return
        lock_file = key / LOCK_NAME
        with ExitStack() as stack:
            try:
                holding = stack.enter_context(
                    held(lock_file, what="lịch sử", wait=LOCK_WAIT_SECONDS, stale_after=LOCK_STALE_SECONDS, refreshed=True)
                )
            except LockBusy as exc:
                raise HistoryBusy(
                    f"lịch sử của thư mục làm việc đang bận quá {LOCK_WAIT_SECONDS} giây (tệp khóa {lock_file.name}); hãy thử lại sau"
                ) from exc
            except OutputFailed as exc:
                raise HistoryFailed(f"không tạo được tệp khóa {lock_file.name} ({exc.reason})") from exc
            _held[key] = (holding, 1)
            try:
                yield
            finally:
                del _held[key]


def _refresh(root: Path) -> None:
    """Tell waiters on the workspace's lock file that its holder (this process) is still at work, before a git operation."""
    entry = _held.get(root.resolve())
    if entry is not None:
        entry[0].refresh()


def _environment(person: Person | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in ("GIT_SSH_COMMAND", "GIT_SSH")}
    env["GIT_TERMINAL_PROMPT"] = "0"  # a remote asking for a password fails at once, never waits
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env["LC_ALL"] = "C.UTF-8"
    if person is not None:
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"] = person.name
            env[f"GIT_{role}_EMAIL"] = person.email
    return env


def git(
    root: Path,
    *args: str,
    person: Person | None = None,
    check: bool = True,
    timeout: int = GIT_TIMEOUT_SECONDS,
    given: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `git args` in the workspace at root (given on its standard input) and return its result (bytes)."""
    _refresh(root)
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "core.autocrlf=false", *args],
            cwd=root,
            env=_environment(person),
            input=given,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise HistoryFailed("không tìm thấy chương trình git trên máy chủ; hãy cài git") from exc
    except subprocess.TimeoutExpired as exc:
        raise HistoryFailed(f"git không trả lời sau {timeout} giây") from exc
    if check and done.returncode != 0:
        raise HistoryFailed("git báo lỗi: " + _last_words(done))
    return done


def _last_words(done: subprocess.CompletedProcess[bytes]) -> str:
    """Return what git said went wrong: its first `fatal:` or `error:` line (the reason), else its last line."""
    said = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    reasons = [line for line in said if line.startswith(("fatal:", "error:"))]
    return reasons[0] if reasons else said[-1] if said else f"mã {done.returncode}"


# Workspaces known to be repositories with a first commit: neither goes away under a running
# service, and asking git again would cost a process for every save. Each is remembered with the
# repository's folder, which is looked at (cheaply) before it is trusted.
_known: dict[Path, Path] = {}
_known_with_head: set[Path] = set()


def is_repository(root: Path) -> bool:
    """Return whether the workspace at root is (inside) a git repository."""
    key = root.resolve()
    known = _known.get(key)
    if known is not None and known.is_dir():
        return True
    done = git(root, "rev-parse", "--absolute-git-dir", check=False)
    if done.returncode != 0:
        _known.pop(key, None)
        _known_with_head.discard(key)
        return False
    _known[key] = Path(done.stdout.decode("utf-8", "replace").strip())
    return True


def ensure_repository(root: Path, leave: Sequence[str] = ()) -> bool:
    """Make the workspace a git repository if it is none (with a .gitignore for drafts and outputs); True when made.

    Its first commit, as the service, holds what the folder held, except drafts and the files in
    leave (relative to root: new files that are about to be committed as their author's).
    """
    from tbkl_gen.files import write_file

    with serialised(root):
        if is_repository(root):
            return False
        git(root, "init", "-q", "-b", "main")
        ignore = root / ".gitignore"
        if not ignore.exists() and not ignore.is_symlink():
            write_file(ignore, GITIGNORE.encode("utf-8"), inside=root)
        # What the folder holds when its history begins, as the service found it: never a draft, nor the
        # service's own folder (the page's catalog, accounts; git refuses to exclude an ignored file by name).
        kept_out = [f":(exclude,literal){name}" for name in leave]
        git(
            root,
            "add",
            "-A",
            "--",
            ".",
            f":(exclude,glob)**/*{DRAFT_SUFFIX}",
            f":(exclude){LOCK_NAME}",
            f":(exclude,glob){LOCK_NAME}.*",  # files.held's breaking lock, for an instant
            f":(exclude,literal){CATALOG_FILE.split('/')[0]}",
            *kept_out,
        )
        if git(root, "diff", "--cached", "--name-only").stdout.strip():
            git(root, "commit", "-q", "--no-verify", "-m", START_MESSAGE, person=SERVER)
            _committed(root)
        return True


def _relative(root: Path, path: Path) -> str:
    """Return path relative to the workspace (POSIX), refusing a path outside it or a draft."""
    base = root.resolve()
    absolute = path if path.is_absolute() else base / path
    absolute = absolute.parent.resolve() / absolute.name
    try:
        relative = absolute.relative_to(base).as_posix()
    except ValueError:
        raise HistoryFailed(f"“{path.as_posix()}” nằm ngoài thư mục làm việc; không ghi vào lịch sử") from None
    if absolute.name.endswith(DRAFT_SUFFIX):
        raise HistoryFailed(f"“{relative}” là bản nháp chưa lưu; bản nháp không bao giờ được ghi vào lịch sử")
    return relative


def _has_head(root: Path) -> bool:
    key = root.resolve()
    if key in _known_with_head and is_repository(root):
        return True
    if git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0:
        return False
    _known_with_head.add(key)
    return True


def changed_on_disk(root: Path, paths: Sequence[Path]) -> list[str]:
    """Return those of paths whose file on disk differs from their last commit (edited, new or removed), relative to root."""
    relative = [_relative(root, p) for p in paths]
    if not relative:
        return []
    with serialised(root):
        if not is_repository(root):
            return [r for r in relative if (root / r).exists()]
        done = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *relative)
    entries = [e for e in done.stdout.decode("utf-8", "replace").split("\0") if e]
    named = {entry[3:] for entry in entries if len(entry) > 3}
    return [r for r in relative if r in named]


def identity(root: Path, person: Person) -> Person:
    """Return who a commit is recorded as: the person, or for the single-user page's one person, the name git is configured with."""
    if person != LOCAL:
        return person
    done = git(root, "config", "--get-regexp", r"^user\.(name|email)$", check=False)
    said = dict(line.split(" ", 1) for line in done.stdout.decode("utf-8", "replace").splitlines() if " " in line)
    name, email = said.get("user.name", "").strip(), said.get("user.email", "").strip()
    return Person(person.login, name or person.name, email or person.email, person.roles)


def commit(root: Path, paths: Sequence[Path], person: Person, message: str) -> str | None:
    """Commit the given files (added, changed or removed) as person; return the new commit, or None if nothing changed."""
    relative = [_relative(root, p) for p in paths]
    with serialised(root):
        ensure_repository(root, leave=relative)
        git(root, "add", "-A", "--", *relative)
        if _has_head(root) and git(root, "diff", "--cached", "--quiet", "HEAD", "--", *relative, check=False).returncode == 0:
            return None
        if not _has_head(root) and not git(root, "diff", "--cached", "--name-only", "--", *relative).stdout.strip():
            return None
        git(root, "commit", "-q", "--no-verify", "-m", message, "--", *relative, person=identity(root, person))
        _committed(root)
        return git(root, "rev-parse", "HEAD").stdout.decode().strip()


def adopt_hand_edits(root: Path, paths: Sequence[Path]) -> str | None:
    """Commit, as the service, those of paths edited on the server's disk since their last commit; return the commit or None."""
    with serialised(root):
        ensure_repository(root)
        edited = changed_on_disk(root, paths)
        if not edited:
            return None
        return commit(root, [Path(r) for r in edited], SERVER, HAND_EDIT_MESSAGE.format(paths=", ".join(edited)))


@dataclass
class Recorded:
    """What became of a change in the history: the commit, the hand edit committed before it, the push."""

    commit: str | None = None
    hand_edit: str | None = None
    push: Pushed | None = None


@contextmanager
def saving(root: Path, paths: Sequence[Path], person: Person, message: str) -> Iterator[Recorded]:
    """Write paths inside this block; they are committed as person when it ends (nothing when it raises).

    The history is held the whole time: a hand edit of paths is committed first (as the service),
    then the block writes, then only paths are committed, so no other change rides along.
    """
    recorded = Recorded()
    with serialised(root):
        recorded.hand_edit = adopt_hand_edits(root, paths)
        yield recorded
        recorded.commit = commit(root, paths, person, message)


# --- reading the history -------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One commit that touched a file: who, when, what they said, and the file's name then."""

    commit: str
    author: str
    email: str
    when: dt.datetime
    message: str
    path: str
    removed: bool = False

    @property
    def short(self) -> str:
        return self.commit[:8]

    @property
    def shown_when(self) -> str:
        """The time as Vietnamese write it, in the server's time zone: `07/12/2026 14:05`."""
        return shown_moment(self.when.astimezone())

    def as_dict(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "ngan": self.short,
            "nguoi": self.author,
            "email": self.email,
            "luc": self.shown_when,
            "luc_iso": self.when.isoformat(),
            "loi_nhan": self.message,
            "tep": self.path,
            "da_xoa": self.removed,
        }


_LOG_FORMAT = "--format=%x1e%H%x1f%an%x1f%ae%x1f%at%x1f%s"


def log(root: Path, path: Path, limit: int = 500) -> list[Version]:
    """Return the commits that touched the file at path, newest first, following its renames.

    What `git log --follow` gives, asked differently: `git log --follow` cannot use the commit
    graph's changed-path filters and reads every commit's tree (seconds on an office's fifty
    thousand commits), so the file's own log is read without it, and where that log begins with
    the file added, the one commit that added it is asked whether it renamed another file (`git
    diff-tree -M`, as --follow does); if so, the log goes on from its parent under the old name.
    Unlike --follow, a file added as a near copy of another is not given that other's past: in an
    office where notices are made from one another, that past would be another document's.
    """
    relative = _relative(root, path)
    with serialised(root):
        if not is_repository(root) or not _has_head(root):
            return []
        head = git(root, "rev-parse", "HEAD").stdout.decode().strip()
        key = (root.resolve(), relative, head, limit)
        if key in _logs:
            return list(_logs[key])
        versions: list[Version] = []
        name, start, seen = relative, head, set()
        while len(versions) < limit and name not in seen:
            seen.add(name)
            done = git(root, "log", "-z", "--name-status", f"--max-count={limit - len(versions)}", _LOG_FORMAT, start, "--", name)
            found = _versions(done.stdout, name)
            if not found:
                break
            versions.extend(found)
            oldest = found[-1]
            if oldest.removed:
                break
            earlier = _renamed_from(root, oldest.commit, name)
            if earlier is None:
                break
            name, start = earlier, f"{oldest.commit}^"
        if len(_logs) > 64:
            _logs.clear()
        _logs[key] = versions
        return list(versions)


_logs: dict[tuple[Path, str, str, int], list[Version]] = {}  # a file's log per HEAD: the panel and a comparison ask twice


def _versions(output: bytes, relative: str) -> list[Version]:
    versions = []
    for record in output.decode("utf-8", "replace").split("\x1e"):
        if not record.strip():
            continue
        header, _, rest = record.partition("\0")
        sha, author, email, at, message = (header.split("\x1f") + [""] * 5)[:5]
        status = [part for part in rest.lstrip("\n").split("\0") if part]
        name = status[-1] if len(status) >= 2 else relative
        when = dt.datetime.fromtimestamp(int(at or 0), tz=dt.timezone.utc)
        versions.append(Version(sha, author, email, when, message, name, removed=bool(status) and status[0].startswith("D")))
    return versions


def _renamed_from(root: Path, commit: str, relative: str) -> str | None:
    """Return the file commit renamed into relative (as git's rename detection sees it), or None when it added it anew."""
    done = git(root, "diff-tree", "-M", "-r", "-z", "--root", "--no-commit-id", "--name-status", commit, check=False)
    parts = done.stdout.decode("utf-8", "replace").split("\0")
    index = 0
    while index < len(parts):
        status = parts[index]
        if status.startswith(("R", "C")) and index + 2 < len(parts):
            if status.startswith("R") and parts[index + 2] == relative:
                return parts[index + 1]
            index += 3
        else:
            index += 2
    return None


# The commit graph with changed-path filters: written by one thread of the process, one workspace
# at a time (on two cores, two writes of tens of thousands of commits would slow every request).
# A write asked for while one of that workspace runs is made once more after it (it may have
# missed the newest commits); asked for many times meanwhile, once.
_graph_state = threading.Condition()
_graph_asked: dict[Path, int] = {}  # writes asked for, per workspace
_graph_done: dict[Path, int] = {}  # of those, how many a finished write answered
_graph_queue: list[Path] = []  # workspaces waiting for a write, in the order asked
_graph_writer: list[threading.Thread] = []  # the writing thread, while there is one
_graph_kept: set[Path] = set()  # workspaces whose graph this process writes again after each of its commits


def keep_graph(root: Path, *, wait: bool = False) -> None:
    """Bring the repository's commit graph, with its changed-path filters, up to date in the background.

    With it a file's log reads only the commits that may have touched the file (a tenth of a
    second on fifty thousand commits, against two seconds); commits made since it was written are
    read as before. git's own incremental `commit-graph write --split` appends the commits it
    does not hold yet (nothing to do: a few milliseconds; the first write on fifty thousand
    commits: seconds) and takes its own lock; a failure only costs speed. With wait, return once
    a write asked for now has ended.
    """
    key = root.resolve()
    with _graph_state:
        asked = _graph_asked[key] = _graph_asked.get(key, 0) + 1
        if key not in _graph_queue:
            _graph_queue.append(key)
        if not _graph_writer:
            writer = threading.Thread(target=_write_graphs, name="tbkl-commit-graph", daemon=True)
            _graph_writer.append(writer)
            writer.start()
        if wait:
            _graph_state.wait_for(lambda: _graph_done.get(key, 0) >= asked)


def graph_settled(root: Path, timeout: float | None = None) -> bool:
    """Wait until every write of root's commit graph asked for so far has ended; False when timeout (seconds) passed first."""
    key = root.resolve()
    with _graph_state:
        return _graph_state.wait_for(lambda: _graph_done.get(key, 0) >= _graph_asked.get(key, 0), timeout)


def keep_graph_current(root: Path) -> None:
    """Keep the commit graph of the workspace at root current from now on, as the service does: written now (in the
    background) and again after each commit this process makes there. A repository changed from outside (a pull) is
    served all the same: the commits the graph lacks are read without filters until the next write."""
    key = root.resolve()
    with _graph_state:
        _graph_kept.add(key)
    if is_repository(key):
        keep_graph(key)


def _committed(root: Path) -> None:
    """After a commit of this process: the graph gets the new commit, if this process keeps the workspace's graph."""
    key = root.resolve()
    if key in _graph_kept:
        keep_graph(key)


def _write_graphs() -> None:
    """The writing thread: write the graph of each workspace asked for, until none waits."""
    while True:
        with _graph_state:
            if not _graph_queue:
                _graph_writer.clear()
                return
            key = _graph_queue.pop(0)
            asked = _graph_asked[key]
        try:
            git(key, "commit-graph", "write", "--reachable", "--changed-paths", "--split", check=False, timeout=GRAPH_TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001 - no git, no folder any more, no answer in time: the graph only costs speed
            pass
        with _graph_state:
            _graph_done[key] = max(_graph_done.get(key, 0), asked)
            _graph_state.notify_all()


def version_of(root: Path, path: Path, given: object) -> Version:
    """Return the version of the file at path a request names by its commit (full or abbreviated), refusing any other."""
    if not isinstance(given, str) or not _COMMIT_ID.fullmatch(given.lower()):
        raise HistoryFailed("mã phiên bản không hợp lệ")
    found = [v for v in log(root, path) if v.commit.startswith(given.lower())]
    if len(found) != 1:
        raise HistoryFailed(f"không có phiên bản {given[:12]} trong lịch sử của {_relative(root, path)}")
    return found[0]


def content_at(root: Path, version: Version) -> str | None:
    """Return the file's text at version (None when that commit removed it)."""
    if version.removed:
        return None
    with serialised(root):
        _refuse_too_large(root, [version])
        done = git(root, "show", f"{version.commit}:./{version.path}", check=False)
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8-sig", "replace")


# --- the word diff, as a drafter reads it --------------------------------------------------------


def readable_lines(text: str | None, path: Path) -> list[str]:
    """Return a notice's text as a drafter reads it: one line a value, named by its field's label (not its key).

    A text that is no readable notice is given line by line, as written.
    """
    from tbkl_gen.notice.kinds import DEFAULT, kind_named
    from tbkl_gen.source.read import read_text

    if not text:
        return []
    try:
        source, _ = read_text(text, path)
    except Exception:  # noqa: BLE001 - a version that no longer reads still has its lines
        source = None
    if source is None or not isinstance(source.data, dict):
        return [line.rstrip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    kind = kind_named(source.data.get("loai")) or DEFAULT
    lines: list[str] = []
    _walk(kind.model, (), source.data, lines)
    return lines


def _walk(model: type, path: tuple[Any, ...], value: Any, lines: list[str]) -> None:  # noqa: ANN401
    from tbkl_gen.notice.kinds import kind_named
    from tbkl_gen.notice.paths import declared_label

    if isinstance(value, dict):
        for key, inner in value.items():
            _walk(model, (*path, str(key)), inner, lines)
        return
    if isinstance(value, list):
        for index, inner in enumerate(value):
            _walk(model, (*path, index), inner, lines)
        return
    names = [part for part in path if isinstance(part, str)]
    words = (declared_label(model, path) or names[-1].replace("_", " ")) if names else ""
    numbers = [part + 1 for part in path if isinstance(part, int)]
    where = (words[:1].upper() + words[1:]) + (f" ({'.'.join(str(n) for n in numbers)})" if numbers else "")
    if path == ("loai",) and (kind := kind_named(value)) is not None:
        value = kind.name  # the kind's name, not its key
    lines.append(f"{where}: {_shown_value(value)}")


def _shown_value(value: Any) -> str:  # noqa: ANN401
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dt.datetime):
        return shown_moment(value)
    if isinstance(value, dt.date):
        return shown_day(value)
    if value is None:
        return ""
    return " ".join(str(value).split())


def compare(root: Path, path: Path, old: Version | None, new: Version | None) -> list[Hunk]:
    """Return the word diff from version old to version new of the file at path (None: nothing before; the file on disk now)."""
    before = content_at(root, old) if old is not None else None
    if new is None:
        from tbkl_gen.files import read_regular
        from tbkl_gen.source.read import MAX_SOURCE_BYTES

        absolute = root / _relative(root, path)
        after: str | None = read_regular(absolute, MAX_SOURCE_BYTES, follow_links=False).decode("utf-8-sig", "replace")
    else:
        after = content_at(root, new)
    return word_diff(readable_lines(before, path), readable_lines(after, path))


def changes(root: Path, path: Path, versions: Sequence[Version]) -> list[tuple[Version, list[Hunk]]]:
    """Return each version with its word diff against the version before it (the first against nothing).

    Every version's text is read by one `git cat-file --batch` (not a git process a version), and
    each read as a notice once.
    """
    texts = contents_at(root, versions)
    lines = [readable_lines(text, path) for text in texts]
    return [
        (version, word_diff(lines[index + 1] if index + 1 < len(versions) else [], lines[index])) for index, version in enumerate(versions)
    ]


def _blob_names(versions: Sequence[Version]) -> bytes:
    """Return what `git cat-file --batch` is asked for the file at each version: relative to root, one a line."""
    return "".join(f"{v.commit}:./{v.path}\n" for v in versions).encode("utf-8")


def _refuse_too_large(root: Path, versions: Sequence[Version]) -> None:
    """Refuse (HistoryFailed) a version whose file is larger than a source may be, by the size git gives: it is never read."""
    from tbkl_gen.files import too_big
    from tbkl_gen.source.read import MAX_SOURCE_BYTES

    wanted = [v for v in versions if not v.removed and "\n" not in v.path]
    if not wanted:
        return
    said = git(root, "cat-file", "--batch-check", given=_blob_names(wanted)).stdout.split(b"\n")
    for version, line in zip(wanted, said, strict=False):  # git ends its answer with a newline
        header = line.split(b" ")  # "<id> blob <size>", or "<name> missing"
        if len(header) == 3 and header[2].isdigit() and int(header[2]) > MAX_SOURCE_BYTES:
            raise HistoryFailed(f"{version.path} ở phiên bản {version.short}: {too_big(int(header[2]), MAX_SOURCE_BYTES)}")


def contents_at(root: Path, versions: Sequence[Version]) -> list[str | None]:
    """Return the file's text at each version, as `content_at` does, asking git once."""
    wanted = [v for v in versions if not v.removed and "\n" not in v.path]
    if not wanted:
        return [None] * len(versions)
    request = _blob_names(wanted)  # as content_at: relative to root
    with serialised(root):
        _refuse_too_large(root, wanted)
        _refresh(root)
        try:
            done = subprocess.run(
                ["git", "cat-file", "--batch"],
                cwd=root,
                env=_environment(None),
                input=request,
                capture_output=True,
                timeout=GIT_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.TimeoutExpired):
            return [content_at(root, v) for v in versions]
    if done.returncode != 0:
        return [content_at(root, v) for v in versions]
    found: dict[int, str | None] = {}
    output, at = done.stdout, 0
    for version in wanted:
        end = output.find(b"\n", at)
        header = output[at:end].split(b" ")
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":  # "<name> missing", or not a file there
            found[id(version)] = None
            continue
        size = int(header[2])
        found[id(version)] = output[at : at + size].decode("utf-8-sig", "replace")
        at += size + 1
    return [found.get(id(v)) for v in versions]


# --- restoring, pushing ---------------------------------------------------------------------------


def restore(root: Path, path: Path, given: object, person: Person) -> Recorded:
    """Write the file's text at an earlier version back (through the writer of new files) and commit it as person."""
    from tbkl_gen.files import write_file

    relative = _relative(root, path)
    with serialised(root):
        version = version_of(root, path, given)
        text = content_at(root, version)
        if text is None:
            raise HistoryFailed(f"phiên bản {version.short} không có nội dung của {relative} (tệp đã bị xóa ở phiên bản đó)")
        message = RESTORE_MESSAGE.format(short=version.short, when=version.shown_when, author=version.author, path=relative)
        with saving(root, [Path(relative)], person, message) as recorded:
            write_file(root / relative, _committed_bytes(root, version), inside=root.resolve())
    return recorded


def _committed_bytes(root: Path, version: Version) -> bytes:
    _refuse_too_large(root, [version])
    return git(root, "show", f"{version.commit}:./{version.path}").stdout


@dataclass(frozen=True)
class Pushed:
    """The outcome of a push: to which remote, whether it went, the message to show, commits still waiting."""

    remote: str
    ok: bool
    message: str
    waiting: int = 0


_remotes: dict[Path, tuple[int, list[str]]] = {}


def remote_of(root: Path) -> str | None:
    """Return the remote the workspace pushes to (`origin`, else its only remote), or None when none is configured."""
    with serialised(root):
        if not is_repository(root):
            return None
        config = _known[root.resolve()] / "config"
        try:
            stamp = config.stat().st_mtime_ns
        except OSError:
            stamp = None
        cached = _remotes.get(config)
        if stamp is not None and cached is not None and cached[0] == stamp:
            names = cached[1]
        else:  # the remotes, asked again whenever the repository's configuration changed
            names = git(root, "remote").stdout.decode("utf-8", "replace").split()
            if stamp is not None:
                _remotes[config] = (stamp, names)
    if "origin" in names:
        return "origin"
    return names[0] if len(names) == 1 else None


def waiting(root: Path, remote: str) -> int:
    """Return how many commits of the current branch the remote does not have yet."""
    with serialised(root):
        if not _has_head(root):
            return 0
        done = git(root, "rev-list", "--count", "HEAD", "--not", f"--remotes={remote}", check=False)
    return int(done.stdout.strip() or 0) if done.returncode == 0 else 0


_push_locks: dict[Path, threading.Lock] = {}
_push_wanted: dict[Path, bool] = {}


def push(root: Path, *, wait: bool = True) -> Pushed | None:
    """Push the current branch to the workspace's remote; None when it has none. A failure is reported, never raised.

    A push runs beside the history's lock (git updates a ref atomically, so commits go on while
    it talks to the remote), one push at a time per workspace. With wait=False a push already
    under way is not waited for: it goes on pushing while commits arrive, so it sends this one too.
    """
    remote = remote_of(root)
    if remote is None:
        return None
    key = root.resolve()
    with _locks_guard:
        lock = _push_locks.setdefault(key, threading.Lock())
    _push_wanted[key] = True
    outcome: Pushed | None = None
    while _push_wanted.get(key):
        if not lock.acquire(blocking=wait):  # the push under way sees the wish after it finishes
            return outcome or Pushed(remote, True, f"đang gửi lên kho chung “{remote}”", waiting(root, remote))
        try:
            while _push_wanted.get(key):
                _push_wanted[key] = False
                outcome = _push_once(root, remote)
                if not outcome.ok:
                    break
        finally:
            lock.release()
        if outcome is not None and not outcome.ok:
            break
    return outcome or Pushed(remote, True, f"đã gửi lên kho chung “{remote}”", waiting(root, remote))


def _push_once(root: Path, remote: str) -> Pushed:
    if not _has_head(root):
        return Pushed(remote, True, "chưa có phiên bản nào để gửi")
    try:
        # --follow-tags: the tags (annotated, on commits of the branch) go with their commits.
        done = git(root, "push", "-q", "--porcelain", "--follow-tags", remote, "HEAD", check=False, timeout=PUSH_TIMEOUT_SECONDS)
        said = _last_words(done) if done.returncode != 0 else ""
    except HistoryFailed as exc:  # no answer in time
        said = str(exc)
    left = waiting(root, remote)
    if not said:
        return Pushed(remote, True, f"đã gửi lên kho chung “{remote}”", left)
    return Pushed(
        remote,
        False,
        f"chưa gửi được lên kho chung “{remote}” (git báo: {said}). Các phiên bản vẫn được giữ trên máy chủ "
        f"({left} phiên bản chưa gửi) và sẽ được gửi lại ở lần lưu sau",
        left,
    )
