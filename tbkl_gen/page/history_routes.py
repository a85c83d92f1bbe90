"""The page's side of a workspace's history: every change made through the page a commit by its person, and the history panel.

A save, a new notice, a copy, an import or a restore through the page becomes a commit authored
by `access.person()` (`service.history`); then, when the workspace has a remote, a push. A
failure of git or of the push never undoes the save: the answer carries a Vietnamese warning
(`lich_su.canh_bao`) that the page shows, and the commits wait for the next push.

The routes of the history panel: the versions of a notice (reading needs "doc"), one version's
text and preview, the word diff between two, a restore (needs "soan").
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from starlette.requests import Request
from starlette.routing import Route

from tbkl_gen.errors import HistoryBusy, HistoryFailed, Refused
from tbkl_gen.page import access
from tbkl_gen.service import history, register

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from starlette.routing import BaseRoute

    from tbkl_gen.commands.text import Hunk
    from tbkl_gen.source.workspace import Workspace


class Served(Protocol):
    """What the history's routes use of the page (`page.server.Page`), named here so this module does not import it."""

    root: Path
    save_lock: threading.Lock

    def notice_path(self, given: object) -> Path: ...
    def shown(self, path: Path) -> str: ...
    def workspace(self) -> Workspace | None: ...
    def after_save(self, path: Path, commit: str | None) -> None: ...


LOG = logging.getLogger("tbkl_gen.page")


@dataclass
class Note:
    """What the history made of one change through the page, for its answer."""

    commit: str | None = None
    hand_edit: str | None = None
    push: history.Pushed | None = None
    warnings: list[str] = field(default_factory=list)

    def failed(self, exc: HistoryFailed) -> None:
        LOG.warning("Chưa ghi được vào lịch sử: %s", exc)
        self.warnings.append(f"Đã lưu tệp nhưng chưa ghi được vào lịch sử: {exc}")

    def pushed(self, root: Path) -> None:
        try:
            self.push = history.push(root, wait=False)
        except HistoryFailed as exc:
            self.push = history.Pushed("", False, f"chưa gửi được lên kho chung ({exc})")
        if self.push is not None and not self.push.ok:
            self.warnings.append(self.push.message[:1].upper() + self.push.message[1:])

    @property
    def answer(self) -> dict[str, Any]:
        """The `lich_su` part of the page's answer."""
        pushed = None if self.push is None else {"ok": self.push.ok, "thong_bao": self.push.message, "cho_gui": self.push.waiting}
        return {
            "lich_su": {
                "phien_ban": self.commit,
                "sua_tay": self.hand_edit,
                "gui": pushed,
                "canh_bao": ". ".join(self.warnings) or None,
            }
        }


@contextmanager
def recording(root: Path, paths: Sequence[Path], message: str) -> Iterator[Note]:
    """Write paths inside this block; they are committed as the request's person when it ends, then pushed.

    A hand edit of paths is committed first, as the service; the history is held while the block
    writes, so saves of a workspace go one at a time. Nothing is committed when the block raises.
    """
    access.require("soan")
    note = Note()
    saving = history.saving(root, paths, access.person(), message)
    try:
        recorded = saving.__enter__()
    except HistoryBusy as exc:  # written now, the save would pass for a hand edit: not written, said so
        raise Refused(503, f"chưa lưu: {exc}") from None
    except HistoryFailed as exc:  # no git on this machine: the file is saved all the same, and said so
        note.failed(exc)
        yield note
        return
    try:
        yield note
    except BaseException:
        if not saving.__exit__(*sys.exc_info()):
            raise
    else:
        try:
            saving.__exit__(None, None, None)
        except HistoryFailed as exc:  # the commit, after the file was written: the file stays saved
            note.failed(exc)
    note.commit, note.hand_edit = recorded.commit, recorded.hand_edit
    if recorded.commit is not None:
        note.pushed(root)


def record(root: Path, paths: Sequence[Path], message: str) -> dict[str, Any]:
    """Commit files the page has just made (a new notice, a copy, an import) as the request's person; return the answer's part."""
    note = Note()
    try:
        note.commit = history.commit(root, paths, access.person(), message)
    except HistoryFailed as exc:
        note.failed(exc)
    if note.commit is not None:
        note.pushed(root)
    return note.answer


def _hunks(hunks: list[Hunk]) -> list[dict[str, Any]]:
    return [{"dong_cu": h.old_start, "dong_moi": h.new_start, "dong": [[list(piece) for piece in line] for line in h.lines]} for h in hunks]


def routes(page: Served, handled: Callable[..., Callable[[Request], Any]]) -> list[BaseRoute]:
    """Return the history panel's routes over the page's workspace; handled wraps a handler as create_app's routes are."""

    def versions(request: Request) -> dict[str, Any]:
        access.require("doc")
        path = page.notice_path(request.query_params.get("path"))
        try:
            history.adopt_hand_edits(page.root, [path])  # a hand edit shows as what it is, before anyone saves
        except HistoryFailed as exc:
            raise Refused(503, f"chưa đọc được lịch sử: {exc}") from None
        history.keep_graph(page.root)  # in the background: later logs read only the commits that touched the file
        found = history.log(page.root, path)
        remote = history.remote_of(page.root)
        return {
            "path": page.shown(path),
            "phien_ban": [v.as_dict() for v in found],
            "kho_chung": None if remote is None else {"ten": remote, "cho_gui": history.waiting(page.root, remote)},
        }

    def version(request: Request) -> dict[str, Any]:
        from tbkl_gen.page import engine
        from tbkl_gen.page.preview import page_html

        access.require("doc")
        path = page.notice_path(request.query_params.get("path"))
        chosen = history.version_of(page.root, path, request.query_params.get("commit"))
        text = history.content_at(page.root, chosen)
        if text is None:
            raise Refused(404, f"phiên bản {chosen.short} không có nội dung của {page.shown(path)} (tệp đã bị xóa ở phiên bản đó)")
        layout = engine.check_text(text, path, page.workspace()).layout
        return {
            "phien_ban": chosen.as_dict(),
            "text": text,
            "dong": history.readable_lines(text, path),
            "preview": page_html(layout) if layout is not None else None,
        }

    def compare(request: Request) -> dict[str, Any]:
        access.require("doc")
        path = page.notice_path(request.query_params.get("path"))
        old = request.query_params.get("cu")
        new = request.query_params.get("moi")
        before = history.version_of(page.root, path, old) if old else None
        after = history.version_of(page.root, path, new) if new else None  # none: the file as it is on disk
        return {"khac_biet": _hunks(history.compare(page.root, path, before, after))}

    def restore(body: dict[str, Any]) -> dict[str, Any]:
        person = access.require("soan")
        path = page.notice_path(body.get("path"))
        with page.save_lock:
            register.refuse_if_issued(page.root, path, page.shown(path))  # an issued document is frozen: no version comes back (409)
            recorded = history.restore(page.root, path, body.get("commit"), person)
            page.after_save(path, recorded.commit)  # a restore is a save: an approved notice restored is edited after its approval
        note = Note(commit=recorded.commit, hand_edit=recorded.hand_edit)
        if recorded.commit is not None:
            note.pushed(page.root)
        return {"path": page.shown(path), **note.answer}  # the page opens the notice again, as it now is

    return [
        Route("/api/history", handled(versions)),
        Route("/api/history/version", handled(version)),
        Route("/api/history/compare", handled(compare)),
        Route("/api/history/restore", handled(restore, body=True), methods=["POST"]),
    ]
