"""The review of a notice: who submitted it, who reviews it, their comments, the approved version.

A notice moves through five states: đang soạn (no record yet, or taken back), chờ duyệt
(submitted), cần sửa (a reviewer asked for changes), đã duyệt (approved: who, when and which
commit of the source), đã phát hành (the clerk issued it; `mark_issued`, called by the register).
`TRANSITIONS` is the one table of which step leaves which state, and each step's action in
`service.people.ALLOWED` says who may take it; the functions here check both, so the page and
the command line cannot bypass them.

A submission names its reviewers (people whose roles allow "duyet") or goes to every reviewer:
then one approval is enough; with named reviewers, each of them approves the same version. An
edit saved after an approval (the page's save calls `after_save`) sends the notice back to chờ
duyệt; an edit made on the server's disk by hand is seen as well, as the approved version is a
git blob compared with the file (`approval(...).current`).

Records are one JSON file per notice under the workspace's hidden `.duyet/` folder (hidden files
are skipped by check and render; the page never lists them), e.g. `.duyet/notices/2026/x.yaml.json`
for `notices/2026/x.yaml`, written with `files.write_file` and committed with `history.commit`, so
the office's remote backs them up. A record from disk (or from a remote) is untrusted: it is read
within a size limit, without following a link, and checked value by value.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import itertools
import json
import re
import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal, cast

from tbkl_gen.errors import HistoryFailed, NotReadable, OutputFailed, ReviewRefused
from tbkl_gen.nd30.words import shown_date
from tbkl_gen.service import history
from tbkl_gen.service.people import Action, Person, may, not_allowed

State = Literal["dang-soan", "cho-duyet", "can-sua", "da-duyet", "da-phat-hanh"]
Step = Literal["gui-duyet", "yeu-cau-sua", "duyet", "sua-sau-duyet", "phat-hanh"]

NOT_SUBMITTED: State = "dang-soan"
"""The state of a notice with no review record: being drafted, never submitted."""

STATE_LABELS: dict[State, str] = {
    "dang-soan": "đang soạn",
    "cho-duyet": "chờ duyệt",
    "can-sua": "cần sửa",
    "da-duyet": "đã duyệt",
    "da-phat-hanh": "đã phát hành",
}

STEP_LABELS: dict[Step, str] = {
    "gui-duyet": "trình duyệt",
    "yeu-cau-sua": "yêu cầu sửa",
    "duyet": "duyệt",
    "sua-sau-duyet": "sửa sau khi đã duyệt, trình duyệt lại",
    "phat-hanh": "phát hành",
}

# step -> (the action of service.people that allows it, the states it may leave)
TRANSITIONS: dict[Step, tuple[Action, frozenset[State]]] = {
    "gui-duyet": ("gui-duyet", frozenset({"dang-soan", "cho-duyet", "can-sua"})),
    "yeu-cau-sua": ("duyet", frozenset({"cho-duyet", "da-duyet"})),
    "duyet": ("duyet", frozenset({"cho-duyet"})),
    "phat-hanh": ("phat-hanh", frozenset({"da-duyet"})),
}

RECORDS_FOLDER = ".duyet"
RECORD_FORMAT = 1
MAX_RECORD_BYTES = 4_000_000
MAX_COMMENT_CHARS = 4000
MAX_QUOTE_CHARS = 400
MAX_NOTE_CHARS = 2000
# A comment whose block was edited stays beside the block most like its quote, down to this likeness.
ANCHOR_LIKENESS = 0.6
# What placing comments reads of a notice's data (which may come from a request): blocks, their depth, their words.
MAX_BLOCKS = 5000
MAX_BLOCK_DEPTH = 12

_BLOCK_PATH = re.compile(r"[a-z_]{1,40}(\[\d{1,5}\])?(\.[a-z_]{1,40}(\[\d{1,5}\])?){0,12}")
_STEP_OF_PATH = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@dataclass(frozen=True)
class Who:
    """A person as a record keeps them: the login, the name and the e-mail git records."""

    login: str
    name: str
    email: str

    @staticmethod
    def of(person: Person) -> Who:
        return Who(person.login, person.name, person.email)


@dataclass(frozen=True)
class Approval:
    """An approval: who, when (ISO 8601, UTC), the source's commit and its blob; current when the source still is that blob."""

    by: Who
    at: str
    commit: str
    blob: str
    current: bool = True


@dataclass(frozen=True)
class Comment:
    """A reviewer's comment on a block: the block's path in the data when written and a quote of its text."""

    id: str
    by: Who
    at: str
    block: str
    quote: str
    text: str
    commit: str | None
    resolved_by: Who | None = None
    resolved_at: str | None = None


@dataclass(frozen=True)
class Event:
    """One step in a notice's review, for its timeline."""

    step: Step
    by: Who
    at: str
    commit: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Record:
    """What the workspace keeps about one notice's review (its JSON file under .duyet/)."""

    path: str  # the notice, relative to the workspace, with /
    state: State = NOT_SUBMITTED
    reviewers: tuple[Who, ...] = ()  # named by the submission; none: every reviewer
    approvals: tuple[Approval, ...] = ()  # of this round (the version last submitted)
    approved: Approval | None = None
    submitted_by: Who | None = None
    submitted_commit: str | None = None
    comments: tuple[Comment, ...] = ()
    events: tuple[Event, ...] = ()
    issued: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Status:
    """A notice's review as the page shows it: the record and what the disk says now."""

    record: Record
    state: State  # the record's, or chờ duyệt for an approved notice whose source changed since
    changed_since_approval: bool
    commit: str | None  # the source's last commit (None: never committed)
    saved: bool  # the source on disk is its last commit's content

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Anchor:
    """Where a comment sits in the data now: its block's path (None: the block is gone) and whether its text changed."""

    comment: Comment
    block: str | None
    changed: bool


# --- places --------------------------------------------------------------------------------------


def relative_path(root: Path, path: Path) -> str:
    """Return the notice's path relative to the workspace (with /), refusing one outside it or in a hidden folder."""
    base = root.resolve()
    full = path if path.is_absolute() else base / path
    full = full.parent.resolve() / full.name
    try:
        relative = full.relative_to(base)
    except ValueError:
        raise ReviewRefused(403, f"“{path.as_posix()}” nằm ngoài thư mục làm việc") from None
    if not relative.parts or any(part.startswith(".") for part in relative.parts):
        raise ReviewRefused(403, f"“{path.as_posix()}” không phải một văn bản của thư mục làm việc")
    return relative.as_posix()


def record_path(root: Path, path: Path) -> Path:
    """Return the file that keeps the review of the notice at path: `.duyet/<its path>.json`."""
    return root.resolve() / RECORDS_FOLDER / PurePosixPath(relative_path(root, path) + ".json")


_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(record: Path) -> threading.Lock:
    """One step at a time on a notice's record (in this process): two reviewers at once lose nothing."""
    with _locks_guard:
        return _locks.setdefault(record, threading.Lock())


# --- the source in git ----------------------------------------------------------------------------


def _blob_of(data: bytes) -> str:
    """Return git's object name of a file with these bytes (as `git hash-object` gives without filters)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _disk_blob(root: Path, relative: str) -> str | None:
    from tbkl_gen.files import read_regular
    from tbkl_gen.source.read import MAX_SOURCE_BYTES

    try:
        return _blob_of(read_regular(root / relative, MAX_SOURCE_BYTES, follow_links=False))
    except NotReadable:
        return None


def _same_as_blob(root: Path, relative: str, blob: str) -> bool:
    """Return whether the file on disk is blob, as git would store it (its filters, line endings, applied)."""
    on_disk = _disk_blob(root, relative)
    if on_disk is None:
        return False
    if on_disk == blob:
        return True
    hashed = history.git(root, "hash-object", "--", relative, check=False)
    return hashed.returncode == 0 and hashed.stdout.decode().strip() == blob


def _committed(root: Path, relative: str) -> tuple[str, str] | None:
    """Return the source's last commit and its blob there, or None when git holds no version of it."""
    if not history.is_repository(root):
        return None
    last = history.git(root, "rev-list", "-1", "HEAD", "--", relative, check=False)
    sha = last.stdout.decode().strip() if last.returncode == 0 else ""
    if not sha:
        return None
    blob = history.git(root, "rev-parse", "--verify", "-q", f"HEAD:{relative}", check=False)
    if blob.returncode != 0:
        return None  # removed since
    return sha, blob.stdout.decode().strip()


def committed_at(root: Path, commit: str) -> str | None:
    """Return when a commit was made (ISO 8601), or None when git does not know it."""
    if not _SHA.fullmatch(commit):
        return None
    done = history.git(root, "show", "-s", "--format=%cI", commit, check=False)
    at = done.stdout.decode().strip() if done.returncode == 0 else ""
    return at or None


# --- reading and writing records ---------------------------------------------------------------------


def read(root: Path, path: Path) -> Record:
    """Return the review record of the notice at path (a fresh đang soạn one when it has none)."""
    return _read(root.resolve(), relative_path(root, path))


def _read(base: Path, relative: str) -> Record:
    """Return the record of the notice at relative (checked) in the workspace at base (resolved)."""
    from tbkl_gen.files import read_regular

    file = base / RECORDS_FOLDER / PurePosixPath(relative + ".json")
    try:
        raw = read_regular(file, MAX_RECORD_BYTES, follow_links=False)
    except NotReadable as refused:
        if refused.missing:
            return Record(path=relative)
        raise ReviewRefused(500, f"{_shown_record(base, file)}: {refused.reason}; hồ sơ duyệt này không đọc được") from None
    try:
        return _record_from(json.loads(raw.decode("utf-8")), relative)
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise ReviewRefused(500, f"{_shown_record(base, file)}: hồ sơ duyệt bị hỏng ({_why(exc)}); hãy khôi phục tệp từ lịch sử") from None


def _shown_record(root: Path, file: Path) -> str:
    return file.relative_to(root.resolve()).as_posix()


def _why(exc: Exception) -> str:
    return str(exc) if isinstance(exc, (ValueError, KeyError)) and str(exc) else type(exc).__name__


def _write(root: Path, record: Record, person: Person, message: str, *, commit: bool = True) -> str | None:
    """Write the record's file and commit it as person (unless commit is False); return the commit."""
    from tbkl_gen.files import disk_full, write_file

    file = record_path(root, Path(record.path))
    data = (json.dumps(_record_json(record), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    try:
        write_file(file, data, inside=root.resolve())
    except OutputFailed as exc:
        full = exc.__cause__ is not None and disk_full(exc.__cause__)
        raise ReviewRefused(507 if full else 500, f"chưa ghi được hồ sơ duyệt {_shown_record(root, file)} ({exc.reason})") from None
    return history.commit(root, [file], person, message) if commit else None


def _who_json(who: Who) -> dict[str, str]:
    return {"dang_nhap": who.login, "ho_ten": who.name, "email": who.email}


def _approval_json(approval: Approval) -> dict[str, str]:
    return {**_who_json(approval.by), "luc": approval.at, "commit": approval.commit, "blob": approval.blob}


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "phien_ban": RECORD_FORMAT,
        "van_ban": record.path,
        "trang_thai": record.state,
        "nguoi_duyet": [_who_json(who) for who in record.reviewers],
        "da_duyet_vong_nay": [_approval_json(a) for a in record.approvals],
        "ban_da_duyet": None if record.approved is None else _approval_json(record.approved),
        "nguoi_trinh": None if record.submitted_by is None else _who_json(record.submitted_by),
        "commit_trinh": record.submitted_commit,
        "gop_y": [
            {
                "ma": c.id,
                **_who_json(c.by),
                "luc": c.at,
                "khoi": c.block,
                "trich": c.quote,
                "noi_dung": c.text,
                "commit": c.commit,
                "xong": None if c.resolved_by is None else {**_who_json(c.resolved_by), "luc": c.resolved_at},
            }
            for c in record.comments
        ],
        "nhat_ky": [{"viec": e.step, **_who_json(e.by), "luc": e.at, "commit": e.commit, "ghi_chu": e.note} for e in record.events],
        "phat_hanh": None if record.issued is None else dict(record.issued),
    }


def _text(value: object, name: str, *, limit: int = 10_000, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"“{name}” không phải một chuỗi hợp lệ")
    return value


def _sha(value: object, name: str) -> str:
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise ValueError(f"“{name}” không phải mã commit hợp lệ")
    return value


def _who_from(value: object) -> Who:
    if not isinstance(value, dict):
        raise ValueError("người ghi trong hồ sơ không hợp lệ")
    return Who(
        _text(value["dang_nhap"], "dang_nhap", limit=200),
        _text(value["ho_ten"], "ho_ten", limit=200),
        _text(value["email"], "email", limit=320),
    )


def _approval_from(value: object) -> Approval:
    if not isinstance(value, dict):
        raise ValueError("lần duyệt ghi trong hồ sơ không hợp lệ")
    return Approval(_who_from(value), _text(value["luc"], "luc", limit=40), _sha(value["commit"], "commit"), _sha(value["blob"], "blob"))


def _items(value: object, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"“{name}” không phải một danh sách")
    return value


def _record_from(value: object, relative: str) -> Record:
    if not isinstance(value, dict):
        raise ValueError("tệp không phải một bảng")
    if value.get("phien_ban") != RECORD_FORMAT:
        raise ValueError(f"phiên bản hồ sơ {value.get('phien_ban')!r} không được hỗ trợ")
    if value.get("van_ban") != relative:
        raise ValueError(f"hồ sơ ghi cho văn bản khác ({str(value.get('van_ban'))[:80]})")
    state = value.get("trang_thai")
    if state not in STATE_LABELS:
        raise ValueError(f"trạng thái “{str(state)[:40]}” không có")
    comments = []
    for item in _items(value.get("gop_y", []), "gop_y"):
        if not isinstance(item, dict):
            raise ValueError("góp ý không hợp lệ")
        done = item.get("xong")
        comments.append(
            Comment(
                id=_text(item["ma"], "ma", limit=40),
                by=_who_from(item),
                at=_text(item["luc"], "luc", limit=40),
                block=_block_path(item["khoi"]),
                quote=_text(item["trich"], "trich", limit=MAX_QUOTE_CHARS),
                text=_text(item["noi_dung"], "noi_dung", limit=MAX_COMMENT_CHARS),
                commit=None if item.get("commit") is None else _sha(item["commit"], "commit"),
                resolved_by=None if done is None else _who_from(done),
                resolved_at=None if done is None else _text(cast("dict[str, Any]", done)["luc"], "luc", limit=40),
            )
        )
    events = []
    for item in _items(value.get("nhat_ky", []), "nhat_ky"):
        if not isinstance(item, dict) or item.get("viec") not in STEP_LABELS:
            raise ValueError("một dòng nhật ký không hợp lệ")
        events.append(
            Event(
                step=item["viec"],
                by=_who_from(item),
                at=_text(item["luc"], "luc", limit=40),
                commit=None if item.get("commit") is None else _sha(item["commit"], "commit"),
                note=_text(item.get("ghi_chu"), "ghi_chu", limit=MAX_NOTE_CHARS, optional=True),
            )
        )
    issued = value.get("phat_hanh")
    if issued is not None and not (isinstance(issued, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in issued.items())):
        raise ValueError("“phat_hanh” không hợp lệ")
    approved = value.get("ban_da_duyet")
    submitted_by = value.get("nguoi_trinh")
    submitted_commit = value.get("commit_trinh")
    return Record(
        path=relative,
        state=state,
        reviewers=tuple(_who_from(item) for item in _items(value.get("nguoi_duyet", []), "nguoi_duyet")),
        approvals=tuple(_approval_from(item) for item in _items(value.get("da_duyet_vong_nay", []), "da_duyet_vong_nay")),
        approved=None if approved is None else _approval_from(approved),
        submitted_by=None if submitted_by is None else _who_from(submitted_by),
        submitted_commit=None if submitted_commit is None else _sha(submitted_commit, "commit_trinh"),
        comments=tuple(comments),
        events=tuple(events),
        issued=issued,
    )


# --- what the page and the register read ----------------------------------------------------------------


def status(root: Path, path: Path, *, in_git: bool = True) -> Status:
    """Return the notice's review now: its record, and its state as the disk has it.

    in_git=False leaves out the source's commit (None) and whether it is saved (False): the list
    of every notice's state needs neither, and asks git nothing for an unchanged approved file.
    """
    return _status(root.resolve(), relative_path(root, path), in_git=in_git)


def _status(base: Path, relative: str, *, in_git: bool) -> Status:
    record = _read(base, relative)
    committed = _committed(base, relative) if in_git else None
    saved = committed is not None and _same_as_blob(base, relative, committed[1])
    changed = False
    state = record.state
    if record.approved is not None and state == "da-duyet":
        changed = not _same_as_blob(base, relative, record.approved.blob)
        if changed:
            state = "cho-duyet"  # an edit after approval (by hand on the server's disk, say) sends it back
    return Status(record=record, state=state, changed_since_approval=changed, commit=committed[0] if committed else None, saved=saved)


def approval(root: Path, path: Path) -> Approval | None:
    """Return the notice's approval (who, when, which commit), or None when it is not approved.

    `current` tells whether the source on disk still is the approved commit's content; the clerk
    issues only a current approval (`mark_issued` refuses any other).
    """
    record = read(root, path)
    if record.approved is None or record.state not in ("da-duyet", "da-phat-hanh"):
        return None
    return replace(record.approved, current=_same_as_blob(root, record.path, record.approved.blob))


def records(root: Path) -> Iterator[str]:
    """Yield the notices (paths relative to the workspace, with /) that have a review record and still exist."""
    base = root.resolve()
    folder = base / RECORDS_FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return
    for file in sorted(folder.rglob("*.json")):
        relative = file.relative_to(folder).as_posix().removesuffix(".json")
        if any(part.startswith(".") or part == ".." for part in relative.split("/")):
            continue
        if file.is_file() and not file.is_symlink() and (base / relative).is_file():
            yield relative  # a notice removed or renamed since keeps its record in the history, unlisted


def states(root: Path) -> dict[str, Status]:
    """Return the review of every notice that has a record, by its path (one without is đang soạn)."""
    base = root.resolve()
    found: dict[str, Status] = {}
    for relative in records(base):
        try:
            found[relative] = _status(base, relative, in_git=False)
        except (ReviewRefused, HistoryFailed):  # a broken record: said when that notice is opened
            continue
    return found


def is_reviewer_of(person: Person, record: Record) -> bool:
    """Return whether person is one of the record's named reviewers, or any reviewer when none is named."""
    if not may(person, "duyet"):
        return False
    return not record.reviewers or any(who.login == person.login for who in record.reviewers)


def waiting_for(root: Path, person: Person, known: Mapping[str, Status] | None = None) -> list[Status]:
    """Return the notices waiting for person's review ("chờ tôi duyệt"): submitted to them, not yet approved by them.

    known: the workspace's states when the caller has just read them (`states`).
    """
    if not may(person, "duyet"):
        return []
    return [
        found
        for found in (states(root) if known is None else known).values()
        if found.state == "cho-duyet"
        and is_reviewer_of(person, found.record)
        and (found.changed_since_approval or not any(a.by.login == person.login for a in found.record.approvals))
    ]


# --- the steps -----------------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def shown_time(at: str) -> str:
    """Return a recorded moment as the office reads it: 'HH:MM dd/mm/yyyy' in the server's time zone."""
    try:
        moment = dt.datetime.fromisoformat(at).astimezone()
    except ValueError:
        return at
    return f"{moment:%H:%M} {shown_date(moment.year, moment.month, moment.day)}"


def _check_step(person: Person, step: Step, record: Record, state: State) -> None:
    action, leaves = TRANSITIONS[step]
    if not may(person, action):
        raise ReviewRefused(403, not_allowed(action))
    if state not in leaves:
        raise ReviewRefused(409, f"{record.path} đang ở trạng thái “{STATE_LABELS[state]}”: không {STEP_LABELS[step]} được lúc này")


def _saved_version(root: Path, relative: str, step: str) -> tuple[str, str]:
    """Return the source's commit and blob; the source must be saved as that commit (else the step is refused)."""
    committed = _committed(root, relative)
    if committed is None or not _same_as_blob(root, relative, committed[1]):
        raise ReviewRefused(409, f"{relative} có thay đổi chưa lưu vào lịch sử; hãy lưu văn bản rồi {step}")
    return committed


def submit(
    root: Path,
    path: Path,
    person: Person,
    *,
    reviewers: Sequence[str] = (),
    people: Sequence[Person] = (),
    version: str | None = None,
    note: str = "",
) -> Record:
    """Submit the notice for review, to the named reviewers (logins among people) or to every reviewer.

    The source as it is on disk is what is submitted: version, when given, is the sha256 of the
    file the drafter's page holds (the page's version), and a file changed since is refused. A
    source not yet in the history is committed first, as the submitter's.
    """
    relative = relative_path(root, path)
    named = []
    for login in dict.fromkeys(reviewers):
        match = next((p for p in people if p.login == login), None)
        if match is None or not may(match, "duyet"):
            raise ReviewRefused(400, f"“{login[:80]}” không phải người duyệt của thư mục làm việc này")
        named.append(Who.of(match))
    file = record_path(root, path)
    with _lock(file):
        current = status(root, path)
        _check_step(person, "gui-duyet", current.record, current.state)
        source = root.resolve() / relative
        if version is not None:
            on_disk = _read_source(source, relative)
            if hashlib.sha256(on_disk).hexdigest() != version:
                raise ReviewRefused(409, f"{relative} đã được sửa ở nơi khác sau khi mở; hãy tải lại rồi trình duyệt")
        if not current.saved:
            history.commit(root, [source], person, f"Lưu {relative} để trình duyệt")
        commit, _ = _saved_version(root, relative, "trình duyệt")
        record = replace(
            current.record,
            state="cho-duyet",
            reviewers=tuple(named),
            approvals=(),
            approved=None,
            submitted_by=Who.of(person),
            submitted_commit=commit,
            events=(*current.record.events, Event("gui-duyet", Who.of(person), _now(), commit, _limited(note, MAX_NOTE_CHARS, "ghi chú"))),
        )
        _write(root, record, person, f"Trình duyệt {relative}")
        return record


def _read_source(source: Path, relative: str) -> bytes:
    from tbkl_gen.files import read_regular
    from tbkl_gen.source.read import MAX_SOURCE_BYTES

    try:
        return read_regular(source, MAX_SOURCE_BYTES, follow_links=False)
    except NotReadable as refused:
        raise ReviewRefused(404 if refused.missing else 422, f"{relative}: {refused.reason}") from None


def _limited(text: str, limit: int, name: str) -> str:
    if len(text) > limit:
        raise ReviewRefused(400, f"{name} dài quá {limit} ký tự")
    return text.strip()


def _decider(person: Person, record: Record) -> None:
    if not is_reviewer_of(person, record):
        names = ", ".join(who.name for who in record.reviewers)
        raise ReviewRefused(403, f"{record.path} được trình cho {names}; bạn không phải người duyệt văn bản này")


def approve(root: Path, path: Path, person: Person, *, seen: str | None = None, note: str = "") -> Record:
    """Approve the notice's current version as person; the record keeps who, when and the source's commit.

    seen, when given, is the commit the reviewer read: a version saved since is refused, so what
    is approved is what was read. With named reviewers the notice is đã duyệt once each of them
    has approved this version; else one approval makes it so.
    """
    relative = relative_path(root, path)
    file = record_path(root, path)
    with _lock(file):
        current = status(root, path)
        record = current.record
        if current.changed_since_approval:
            record = _reopened(record)
        _check_step(person, "duyet", record, current.state)
        _decider(person, record)
        commit, blob = _saved_version(root, relative, "duyệt")
        if seen is not None and seen != commit:
            raise ReviewRefused(409, f"{relative} đã được sửa sau khi bạn mở; hãy xem bản mới rồi duyệt")
        approvals = [a for a in record.approvals if a.blob == blob]  # those of an older version no longer count
        if any(a.by.login == person.login for a in approvals):
            raise ReviewRefused(409, f"bạn đã duyệt bản này của {relative}")
        given = Approval(Who.of(person), _now(), commit, blob)
        approvals.append(given)
        everyone = not record.reviewers or {who.login for who in record.reviewers} <= {a.by.login for a in approvals}
        record = replace(
            record,
            state="da-duyet" if everyone else "cho-duyet",
            approvals=tuple(approvals),
            approved=given if everyone else None,
            events=(*record.events, Event("duyet", Who.of(person), given.at, commit, _limited(note, MAX_NOTE_CHARS, "ghi chú"))),
        )
        _write(root, record, person, f"Duyệt {relative}")
        return record


def ask_changes(root: Path, path: Path, person: Person, *, note: str = "", seen: str | None = None) -> Record:
    """Send the notice back to its drafter (cần sửa), with a note; the approvals of this round are dropped."""
    relative = relative_path(root, path)
    file = record_path(root, path)
    with _lock(file):
        current = status(root, path)
        record = _reopened(current.record) if current.changed_since_approval else current.record
        _check_step(person, "yeu-cau-sua", record, current.state)
        _decider(person, record)
        if seen is not None and current.commit is not None and seen != current.commit:
            raise ReviewRefused(409, f"{relative} đã được sửa sau khi bạn mở; hãy xem bản mới")
        record = replace(
            record,
            state="can-sua",
            approvals=(),
            approved=None,
            events=(
                *record.events,
                Event("yeu-cau-sua", Who.of(person), _now(), current.commit, _limited(note, MAX_NOTE_CHARS, "ghi chú")),
            ),
        )
        _write(root, record, person, f"Yêu cầu sửa {relative}")
        return record


def _reopened(record: Record) -> Record:
    return replace(record, state="cho-duyet", approvals=(), approved=None)


def after_save(root: Path, path: Path, person: Person, commit: str | None) -> Record | None:
    """Take a saved edit into the review (the page's save calls this); return the record when it changed.

    An edit of an approved notice sends it back to chờ duyệt, to the same reviewers; the approvals
    given in this round to a version that is no longer the file are dropped. Other states are kept:
    the drafter submits again when ready.
    """
    file = record_path(root, path)
    with _lock(file):
        record = read(root, path)
        relative = record.path
        if record.state == "da-duyet" and record.approved is not None:
            if _same_as_blob(root, relative, record.approved.blob):
                return None
            reopened = replace(
                _reopened(record),
                submitted_commit=commit or record.submitted_commit,
                events=(*record.events, Event("sua-sau-duyet", Who.of(person), _now(), commit)),
            )
            _write(root, reopened, person, f"{relative} được sửa sau khi đã duyệt: trình duyệt lại")
            return reopened
        if record.state == "cho-duyet" and record.approvals:
            kept = tuple(a for a in record.approvals if _same_as_blob(root, relative, a.blob))
            if kept != record.approvals:
                changed = replace(record, approvals=kept, submitted_commit=commit or record.submitted_commit)
                _write(root, changed, person, f"{relative} được sửa khi đang chờ duyệt")
                return changed
        return None


def mark_issued(
    root: Path, path: Path, person: Person, *, number: str, date: str, approved_commit: str | None = None, commit: bool = True
) -> Path:
    """Record that the clerk issued the notice (number and date as issued); return the record's file.

    Only an approved notice is issued, and only the version approved: the source on disk must be
    the approved commit's content, unless approved_commit names that commit (the caller checked the
    source against it before writing the number and date into it, as an issue does). With
    commit=False the record is written but not committed: the caller commits it with its own
    files (the source, the register's row) in one commit, and puts it back if the issue fails.
    """
    relative = relative_path(root, path)
    file = record_path(root, path)
    with _lock(file):
        current = status(root, path)
        record = current.record
        state: State = record.state if approved_commit is not None else current.state
        if approved_commit is None and current.changed_since_approval and may(person, "phat-hanh"):
            raise ReviewRefused(409, f"{relative} đã được sửa sau khi duyệt; cần duyệt lại trước khi phát hành")
        _check_step(person, "phat-hanh", record, state)
        approved = record.approved
        if approved is None:
            raise ReviewRefused(409, f"{relative} chưa được duyệt; chỉ phát hành văn bản đã duyệt")
        if approved_commit is not None and approved_commit != approved.commit:
            raise ReviewRefused(409, f"{relative}: bản phát hành không phải bản đã duyệt; cần duyệt lại trước khi phát hành")
        at = _now()
        issued = {"so": number, "ngay": date, **_who_json(Who.of(person)), "luc": at, "commit": approved.commit}
        record = replace(
            record,
            state="da-phat-hanh",
            issued=issued,
            events=(*record.events, Event("phat-hanh", Who.of(person), at, approved.commit, f"số {number}, ngày {date}")),
        )
        _write(root, record, person, f"Phát hành {relative}: số {number}, ngày {date}", commit=commit)
        return file


# --- comments -----------------------------------------------------------------------------------------


def _block_path(value: object) -> str:
    if not isinstance(value, str) or not _BLOCK_PATH.fullmatch(value):
        raise ValueError("đường dẫn khối không hợp lệ")
    return value


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) - 1 for name, index in _STEP_OF_PATH.findall(path)]


def value_at(data: object, path: str) -> object:
    """Return the value at a field path of the page (`noi_dung[2].noi_dung[1]`, counted from 1), or None."""
    value = data
    for step in _steps(path):
        if isinstance(step, int):
            if not isinstance(value, list) or not 0 <= step < len(value):
                return None
            value = value[step]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            return None
    return value


def block_text(value: object) -> str:
    """Return the words of a block: a paragraph's text, a numbered block's own line, a table's cells."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        if isinstance(value.get("bang"), list):
            cells = [cell.get("o") if isinstance(cell, dict) else cell for row in value["bang"] if isinstance(row, list) for cell in row]
            return " ".join(" ".join(str(c) for c in cells if c is not None).split())
        own = [str(v) for k, v in value.items() if k != "noi_dung" and isinstance(v, str)]
        return " ".join(" ".join(own).split())
    return ""


def blocks(data: object) -> Iterator[tuple[str, str]]:
    """Yield (path, text) of every block of the body and the appendices, in order."""

    def walk(items: object, prefix: str, depth: int) -> Iterator[tuple[str, str]]:
        if not isinstance(items, list) or depth > MAX_BLOCK_DEPTH:
            return
        for index, item in enumerate(items, start=1):
            here = f"{prefix}noi_dung[{index}]"
            yield here, block_text(item)
            if isinstance(item, dict):
                yield from walk(item.get("noi_dung"), here + ".", depth + 1)

    if not isinstance(data, dict):
        return
    yield from walk(data.get("noi_dung"), "", 0)
    appendices = data.get("phu_luc")
    if isinstance(appendices, list):
        for number, appendix in enumerate(appendices, start=1):
            if isinstance(appendix, dict):
                yield from walk(appendix.get("noi_dung"), f"phu_luc[{number}].", 0)


def block_of(path: str) -> str:
    """Return the block a field path belongs to: a numbered block's text field (`noi_dung[2].khoan`) is its block."""
    head, _, last = path.rpartition(".")
    if head and re.fullmatch(r"(.*\.)?noi_dung\[\d+\]", head) and "[" not in last and last != "noi_dung":
        return head
    return path


def add_comment(root: Path, path: Path, person: Person, *, block: str, text: str, data: object = None) -> Comment:
    """Add a reviewer's comment on a block; the quote is the block's text in the saved source (or in data, when given)."""
    relative = relative_path(root, path)
    try:
        block = block_of(_block_path(block))
    except ValueError:
        raise ReviewRefused(400, "khối được góp ý không hợp lệ") from None
    text = _limited(text, MAX_COMMENT_CHARS, "góp ý")
    if not text:
        raise ReviewRefused(400, "góp ý đang trống")
    if not may(person, "duyet"):
        raise ReviewRefused(403, not_allowed("duyet"))
    file = record_path(root, path)
    with _lock(file):
        current = status(root, path)
        if current.state == "da-phat-hanh":
            raise ReviewRefused(409, f"{relative} đã phát hành: không góp ý thêm được")
        source = data if data is not None else saved_data(root, relative)
        quote = block_text(value_at(source, block))
        if not quote and value_at(source, block) is None:
            raise ReviewRefused(
                400, f"{relative}: không tìm thấy khối được góp ý trong bản đã lưu (có thể vừa bị xóa); hãy tải lại văn bản"
            )
        comment = Comment(
            id=secrets.token_hex(6),
            by=Who.of(person),
            at=_now(),
            block=block,
            quote=quote[:MAX_QUOTE_CHARS],
            text=text,
            commit=current.commit,
        )
        record = replace(current.record, comments=(*current.record.comments, comment))
        _write(root, record, person, f"Góp ý {relative}")
        return comment


def resolve_comment(root: Path, path: Path, person: Person, comment_id: str) -> Comment:
    """Mark a comment as dealt with: by the drafter who fixed it, or a reviewer ("xu-ly-gop-y")."""
    relative = relative_path(root, path)
    if not may(person, "xu-ly-gop-y"):
        raise ReviewRefused(403, not_allowed("xu-ly-gop-y"))
    file = record_path(root, path)
    with _lock(file):
        record = read(root, path)
        found = next((c for c in record.comments if c.id == comment_id), None)
        if found is None:
            raise ReviewRefused(404, f"không có góp ý này trong hồ sơ duyệt của {relative}")
        if found.resolved_by is not None:
            return found
        done = replace(found, resolved_by=Who.of(person), resolved_at=_now())
        record = replace(record, comments=tuple(done if c.id == comment_id else c for c in record.comments))
        _write(root, record, person, f"Đã xử lý góp ý trên {relative}")
        return done


def saved_data(root: Path, relative: str) -> object:
    from tbkl_gen.source.read import read_text

    raw = _read_source(root / relative, relative)
    try:
        source, _ = read_text(raw.decode("utf-8-sig"), root / relative)
    except UnicodeDecodeError:
        raise ReviewRefused(422, f"{relative}: tệp không phải UTF-8") from None
    return source.data if source is not None else {}


def _key(text: str) -> str:
    """Return what a block's words are matched by: as much as a quote keeps of them, spaces and case aside."""
    return " ".join(text.split())[:MAX_QUOTE_CHARS].rstrip().casefold()


def anchors(comments: Sequence[Comment], data: object) -> list[Anchor]:
    """Return where each comment sits in data: at its block when it still says the quote, else at the block
    that says it now (blocks added or moved above), else at the block most like it (its text edited), else nowhere.
    """
    found = list(itertools.islice(blocks(data), MAX_BLOCKS))
    texts = {path: _key(text) for path, text in found}
    placed = []
    for comment in comments:
        quote = _key(comment.quote)
        here = value_at(data, comment.block)
        if here is not None and _key(block_text(here)) == quote:
            placed.append(Anchor(comment, comment.block, changed=False))
            continue
        same = [path for path, text in texts.items() if text == quote]
        if same:
            placed.append(Anchor(comment, min(same, key=lambda p: _distance(p, comment.block)), changed=False))
            continue
        best, likeness = None, 0.0
        for path, text in texts.items():
            matcher = difflib.SequenceMatcher(None, quote, text, autojunk=False)
            if matcher.real_quick_ratio() < ANCHOR_LIKENESS or matcher.quick_ratio() < ANCHOR_LIKENESS:
                continue
            ratio = matcher.ratio()
            if ratio > likeness or (
                ratio == likeness and best is not None and _distance(path, comment.block) < _distance(best, comment.block)
            ):
                best, likeness = path, ratio
        placed.append(Anchor(comment, best if likeness >= ANCHOR_LIKENESS else None, changed=True))
    return placed


def _distance(path: str, other: str) -> int:
    return 0 if path == other else 1 + abs(len(path) - len(other)) + sum(a != b for a, b in zip(path, other, strict=False))


def reviewers_among(people: Sequence[Person]) -> list[Person]:
    """Return the people whose roles let them review."""
    return [p for p in people if may(p, "duyet")]
