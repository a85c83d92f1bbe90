"""A workspace's history in git: every save a commit by the person who saved.

git is driven through its command (`git` on PATH), one operation at a time per workspace. A
commit names only the files it is about (`git commit -- paths`), so whatever else lies changed
in the folder (another person's work in progress) never rides along.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from tbkl_gen.errors import HistoryFailed
from tbkl_gen.service.people import Person

GIT_TIMEOUT_SECONDS = 60

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def lock_for(root: Path) -> threading.Lock:
    """Return the lock that serialises git operations on the workspace at root (in this process)."""
    key = root.resolve()
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _environment(person: Person | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C.UTF-8"
    if person is not None:
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"] = person.name
            env[f"GIT_{role}_EMAIL"] = person.email
    return env


def git(root: Path, *args: str, person: Person | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run `git args` in the workspace at root and return its result (bytes)."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            env=_environment(person),
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as exc:
        raise HistoryFailed("không tìm thấy chương trình git trên máy chủ; hãy cài git") from exc
    except subprocess.TimeoutExpired as exc:
        raise HistoryFailed(f"git không trả lời sau {GIT_TIMEOUT_SECONDS} giây") from exc
    if check and done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryFailed("git báo lỗi: " + (said[-1] if said else f"mã {done.returncode}"))
    return done


def is_repository(root: Path) -> bool:
    """Return whether the workspace at root is (inside) a git repository."""
    return git(root, "rev-parse", "--is-inside-work-tree", check=False).returncode == 0


def commit(root: Path, paths: Sequence[Path], person: Person, message: str) -> str | None:
    """Commit the given files (added, changed or removed) as person; return the new commit, or None if nothing changed."""
    relative = [p.resolve().relative_to(root.resolve()).as_posix() if p.is_absolute() else p.as_posix() for p in paths]
    with lock_for(root):
        if not is_repository(root):
            git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A", "--", *relative)
        if git(root, "diff", "--cached", "--quiet", "--", *relative, check=False).returncode == 0:
            return None
        git(root, "commit", "-q", "--no-verify", "-m", message, "--", *relative, person=person)
        return git(root, "rev-parse", "HEAD").stdout.decode().strip()
