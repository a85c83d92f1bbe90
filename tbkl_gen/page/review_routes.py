"""The page's routes of a notice's review: its state and comments, submit, comment, resolve, ask for changes, approve.

Each route calls `access.require(...)` with its action first; `service.review` then checks the
state, the person's place among the notice's reviewers and the version, so the server refuses a
step whatever the browser shows. Answers speak the drafter's words: states and steps by their
Vietnamese labels, moments as 'HH:MM dd/mm/yyyy', people by name; commits only as the opaque
version the page sends back when approving (never shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from starlette.requests import Request
from starlette.routing import Route

from tbkl_gen.errors import Refused, ReviewRefused
from tbkl_gen.page import access
from tbkl_gen.page.history_routes import Note
from tbkl_gen.service import review
from tbkl_gen.service.people import Person, may


class PageLike(Protocol):
    """What the routes need of the page (`page.server.Page`): its workspace and its checks of a request's path."""

    root: Path

    def notice_path(self, given: object) -> Path: ...

    def shown(self, path: Path) -> str: ...


def people_of(page: PageLike) -> list[Person]:
    """Return the people of the workspace (to offer as reviewers): the accounts holding a role in it, else the one local person."""
    listed = getattr(page, "people", None)
    if callable(listed):
        found = listed()
        if isinstance(found, list) and all(isinstance(p, Person) for p in found):
            return found
    return [access.person()]


def pushed(page: PageLike, answer: dict[str, Any]) -> dict[str, Any]:
    """Return a step's answer once its commit (the review record) is sent to the office's remote; a failed push is said in it."""
    note = Note()
    note.pushed(page.root)
    return {**answer, **note.answer}


def _who(who: review.Who) -> dict[str, str]:
    return {"ten": who.name, "dang_nhap": who.login}


def _step(step: review.Step) -> str:
    return review.STEP_LABELS[step]


def status_json(page: PageLike, path: Path, data: object = None) -> dict[str, Any]:
    """Return a notice's review for the panel: state, reviewers, timeline, comments beside their blocks, what the person may do."""
    person = access.person()
    found = review.status(page.root, path)
    record = found.record
    if data is None:
        data = review.saved_data(page.root, record.path) if record.comments else {}
    placed = {anchor.comment.id: anchor for anchor in review.anchors(record.comments, data)}
    reviewer = review.is_reviewer_of(person, record)
    approved_by_me = any(a.by.login == person.login for a in record.approvals) and not found.changed_since_approval
    waiting = found.state == "cho-duyet"
    approved = record.approved if found.state in ("da-duyet", "da-phat-hanh") else None
    return {
        "path": page.shown(path),
        "trang_thai": found.state,
        "nhan": found.label,
        "sua_sau_duyet": _edited_after_approval(found),
        "ban_da_luu": found.saved,
        "phien_ban": found.commit,  # opaque: sent back with an approval, so the version approved is the one read
        "nguoi_duyet": [_who(w) for w in record.reviewers],
        "moi_nguoi_duyet": not record.reviewers,
        "da_duyet": [{**_who(a.by), "luc": review.shown_time(a.at)} for a in record.approvals if not found.changed_since_approval],
        "ban_duyet": None
        if approved is None
        else {**_who(approved.by), "luc": review.shown_time(approved.at), "ban_luu": _saved_at(page, approved)},
        "phat_hanh": None if record.issued is None else {"so": record.issued.get("so", ""), "ngay": record.issued.get("ngay", "")},
        "nhat_ky": [
            {**_who(e.by), "viec": _step(e.step), "luc": review.shown_time(e.at), "ghi_chu": e.note} for e in reversed(record.events)
        ],
        "gop_y": [
            {
                "ma": c.id,
                **_who(c.by),
                "luc": review.shown_time(c.at),
                "khoi": placed[c.id].block,
                "khoi_da_sua": placed[c.id].changed,
                "trich": c.quote,
                "noi_dung": c.text,
                "xong": None if c.resolved_by is None else {**_who(c.resolved_by), "luc": review.shown_time(c.resolved_at or "")},
            }
            for c in record.comments
        ],
        "co_the": {
            "trinh": may(person, "gui-duyet") and found.state in review.TRANSITIONS["gui-duyet"][1],
            "gop_y": may(person, "duyet") and found.state != "da-phat-hanh",
            "duyet": waiting and reviewer and not approved_by_me,
            "yeu_cau_sua": found.state in ("cho-duyet", "da-duyet") and reviewer,
            "xong_gop_y": may(person, "xu-ly-gop-y"),
        },
        "nguoi_co_the_duyet": [_who(review.Who.of(p)) for p in review.reviewers_among(people_of(page))],
    }


def routes(page: PageLike, handled: Callable[..., Callable[[Request], Any]]) -> list[Route]:
    """Return the review's routes over page; handled is the page's wrapper of a handler (errors, threads)."""

    def refused_as_page(function: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def run(argument: Any) -> dict[str, Any]:  # noqa: ANN401 - a request or a JSON body, as handled gives
            try:
                return function(argument)
            except ReviewRefused as refused:
                raise Refused(refused.status, refused.message) from None

        return run

    def text(body: dict[str, Any], key: str) -> str:
        value = body.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            raise Refused(400, "dữ liệu gửi lên không hợp lệ")
        return value

    def version(body: dict[str, Any], key: str) -> str | None:
        value = body.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 100):
            raise Refused(400, "dữ liệu gửi lên không hợp lệ")
        return value

    @refused_as_page
    def show(request: Request) -> dict[str, Any]:
        access.require("doc")
        return status_json(page, page.notice_path(request.query_params.get("path")))

    @refused_as_page
    def placed(body: dict[str, Any]) -> dict[str, Any]:
        """The panel's comments placed against the drafter's unsaved data (blocks added, moved or edited in the page)."""
        access.require("doc")
        path = page.notice_path(body.get("path"))
        data = body.get("data")
        if not isinstance(data, dict):
            raise Refused(400, "dữ liệu gửi lên không hợp lệ")
        record = review.read(page.root, path)
        return {"gop_y": [{"ma": a.comment.id, "khoi": a.block, "khoi_da_sua": a.changed} for a in review.anchors(record.comments, data)]}

    @refused_as_page
    def submit(body: dict[str, Any]) -> dict[str, Any]:
        person = access.require("gui-duyet")
        path = page.notice_path(body.get("path"))
        chosen = body.get("nguoi_duyet") or []
        if not isinstance(chosen, list) or not all(isinstance(login, str) for login in chosen) or len(chosen) > 50:
            raise Refused(400, "dữ liệu gửi lên không hợp lệ")
        review.submit(
            page.root,
            path,
            person,
            reviewers=chosen,
            people=people_of(page),
            version=version(body, "version"),
            note=text(body, "ghi_chu"),
        )
        return pushed(page, status_json(page, path))

    @refused_as_page
    def comment(body: dict[str, Any]) -> dict[str, Any]:
        person = access.require("duyet")
        path = page.notice_path(body.get("path"))
        block = body.get("khoi")
        review.add_comment(page.root, path, person, block=block if isinstance(block, str) else "", text=text(body, "noi_dung"))
        return pushed(page, status_json(page, path))

    @refused_as_page
    def resolve(body: dict[str, Any]) -> dict[str, Any]:
        person = access.require("xu-ly-gop-y")
        path = page.notice_path(body.get("path"))
        review.resolve_comment(page.root, path, person, text(body, "ma"))
        return pushed(page, status_json(page, path))

    @refused_as_page
    def approve(body: dict[str, Any]) -> dict[str, Any]:
        person = access.require("duyet")
        path = page.notice_path(body.get("path"))
        review.approve(page.root, path, person, seen=version(body, "phien_ban"), note=text(body, "ghi_chu"))
        return pushed(page, status_json(page, path))

    @refused_as_page
    def ask_changes(body: dict[str, Any]) -> dict[str, Any]:
        person = access.require("duyet")
        path = page.notice_path(body.get("path"))
        review.ask_changes(page.root, path, person, note=text(body, "ghi_chu"), seen=version(body, "phien_ban"))
        return pushed(page, status_json(page, path))

    @refused_as_page
    def listing(request: Request) -> dict[str, Any]:
        """Every notice's state for the list, and the notices waiting for the person's review ("chờ tôi duyệt")."""
        person = access.require("doc")
        found = review.states(page.root)
        mine = review.waiting_for(page.root, person, found)
        return {
            "trang_thai": {path: {"ma": s.state, "nhan": s.label} for path, s in found.items()},
            "cho_toi_duyet": [_waiting(s) for s in sorted(mine, key=lambda s: s.record.events[-1].at if s.record.events else "")],
        }

    return [
        Route("/api/review", handled(show)),
        Route("/api/review/list", handled(listing)),
        Route("/api/review/placed", handled(placed, body=True), methods=["POST"]),
        Route("/api/review/submit", handled(submit, body=True), methods=["POST"]),
        Route("/api/review/comment", handled(comment, body=True), methods=["POST"]),
        Route("/api/review/resolve", handled(resolve, body=True), methods=["POST"]),
        Route("/api/review/approve", handled(approve, body=True), methods=["POST"]),
        Route("/api/review/changes", handled(ask_changes, body=True), methods=["POST"]),
    ]


def _saved_at(page: PageLike, approved: review.Approval) -> str | None:
    """When the approved version was saved, as the drafter reads it (the commit itself is never shown)."""
    at = review.committed_at(page.root, approved.commit)
    return None if at is None else review.shown_time(at)


def _submitted(record: review.Record) -> review.Event | None:
    """The event that put the notice up for review this round: a submission, or an edit after its approval."""
    return next((e for e in reversed(record.events) if e.step in ("gui-duyet", "sua-sau-duyet")), None)


def _edited_after_approval(found: review.Status) -> bool:
    """Whether the notice was edited after its approval: on disk since (the state is read from the file), or
    this round began with that edit (a save or a restore through the page, which reopened the review)."""
    submitted = _submitted(found.record)
    return found.changed_since_approval or (submitted is not None and submitted.step == "sua-sau-duyet")


def _waiting(found: review.Status) -> dict[str, Any]:
    record = found.record
    submitted = _submitted(record)
    return {
        "path": record.path,
        "nguoi_trinh": None if submitted is None else submitted.by.name,
        "luc": None if submitted is None else review.shown_time(submitted.at),
        "sua_sau_duyet": _edited_after_approval(found),
    }


__all__: Sequence[str] = ("routes", "status_json", "people_of")
