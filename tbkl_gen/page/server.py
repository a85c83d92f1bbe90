"""The drafting page's web server: a Starlette app over one workspace, safe by default.

Every request must carry the token the URL was opened with (first as `?token=`, then as a
same-site cookie; requests that change anything also as the `X-Tbkl-Token` header, which a
foreign page cannot send). Requests whose Origin is another site, or whose Host is a name other
than this machine's (DNS rebinding), are refused. Notices are read and written only inside the
workspace's `notices/` folder, whatever path a request names; uploads are size-limited before
they are read. The server binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import datetime as dt
import base64
import hashlib
import hmac
import ipaddress
import json
import os
import queue
import re
import secrets
import errno
import functools
import gc
import logging
import socket
import threading
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path, PurePosixPath
from html import escape as html_escape
from typing import TYPE_CHECKING, Any, Literal, overload

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tbkl_gen.errors import IssuedFrozen, OutputFailed, Problem, Refused, TbklError
from tbkl_gen.nd30.words import date_parts, shown_date, shown_day
from tbkl_gen.page import access, auth, catalog, engine, history_routes, register_routes, review_routes
from tbkl_gen.page.auth import foreign
from tbkl_gen.page.net import in_thread
from tbkl_gen.page.preview import appendix_labels, labels, page_html
from tbkl_gen.page.words import for_page, import_report
from tbkl_gen.service import history, people, register
from tbkl_gen.service.yamlsave import checked_text, editable, updated
from tbkl_gen.source.names import NOTICES_DIR, SOURCE_SUFFIXES
from tbkl_gen.service.people import Person
from tbkl_gen.source.workspace import Workspace

if TYPE_CHECKING:
    from tbkl_gen.page.engine import NumberAt

TOKEN_HEADER = "x-tbkl-token"
TOKEN_REFUSED = "thiếu hoặc sai mã truy cập; hãy mở trang bằng địa chỉ tbkl serve đã in ra"
# The page's own requests are small JSON documents; a notice source is at most 1 MB.
MAX_JSON_BYTES = 2_000_000
MAX_DATA_DEPTH = 40
# A draft of an open notice lives beside it as a hidden file: `.ten.yaml.nhap`. The leading dot
# keeps it out of `tbkl check`/`render` (hidden files are skipped) and `tbkl init`'s .gitignore
# keeps it out of git; it is JSON (the page's data and the text it was edited from), never YAML.
DRAFT_SUFFIX = ".nhap"


def static_dir() -> Path:
    """Return the folder of the page's HTML, CSS and JavaScript."""
    return Path(str(resources.files("tbkl_gen.page") / "static"))


def cookie_name(token: str) -> str:
    """Return the cookie that carries the token: one per server, as cookies ignore the port."""
    return "tbkl-" + hashlib.sha256(token.encode()).hexdigest()[:12]


def local_names() -> set[str]:
    """Return the host names this machine answers to besides IP addresses."""
    names = {"localhost"}
    try:
        names.add(socket.gethostname().lower())
        names.add(socket.getfqdn().lower())
    except OSError:
        pass
    return names


class Guard:
    """ASGI middleware: token, Origin and Host checks before any route runs."""

    def __init__(self, app: ASGIApp, token: str, hosts: set[str]) -> None:
        self.app = app
        self.token = token
        self.hosts = {h.lower() for h in hosts}
        self.cookie = cookie_name(token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        reason = self.refusal(request)
        if reason is not None:
            await _error(403, reason)(scope, receive, send)
            return
        if request.method == "GET" and request.url.path == "/" and "token" in request.query_params:
            # The token leaves the address bar (and the browser's history) for a cookie.
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
            await response(scope, receive, send)
            return
        # The person is access's default, the one person of this machine with every role (LOCAL);
        # a layer outside the guard (a test's) may have named another.
        await self.app(scope, receive, send)

    def refusal(self, request: Request) -> str | None:
        """Return why the request is refused, or None."""
        reason = foreign(request, self.hosts)
        if reason is not None:
            return reason
        given = request.headers.get(TOKEN_HEADER)
        if request.method not in ("GET", "HEAD"):
            if given is None or not hmac.compare_digest(given, self.token):
                return TOKEN_REFUSED
            return None
        for candidate in (given, request.cookies.get(self.cookie), request.query_params.get("token")):
            if candidate is not None and hmac.compare_digest(candidate, self.token):
                return None
        return TOKEN_REFUSED


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"loi": message}, status_code=status)


class Page:
    """The routes of the page over one workspace.

    base is the path the workspace's page is served under: "" in the single-user mode, `/w/<name>`
    with accounts; the page's fetches prefix their paths with it.
    """

    def __init__(self, root: Path, token: str, base: str = "") -> None:
        self.root = root.resolve()
        self.token = token
        self.base = base
        # the people of this workspace (the reviewers a submit offers); None: the one local person
        self.people: Callable[[], list[Person]] | None = None
        self.save_lock = threading.Lock()  # version check and write, one save at a time
        self.render_lock = threading.Lock()  # one render of the workspace at a time
        self.catalog = catalog.Catalog(self.root, self.entry_of)  # the list of documents, refreshed by stat
        self.suggested: tuple[tuple[int, str], dict[str, Any]] | None = None
        self.counts: tuple[tuple[int, str, int], dict[str, dict[str, int]]] | None = None

    # --- places -------------------------------------------------------------------------

    @property
    def notices_dir(self) -> Path:
        return self.root / NOTICES_DIR

    def notice_path(self, given: object) -> Path:
        """Return the notice file a request names, refusing any path outside notices/."""
        if not isinstance(given, str) or not given or len(given) > 1000 or "\x00" in given or "\\" in given:
            raise Refused(400, "đường dẫn thông báo không hợp lệ")
        relative = PurePosixPath(given)
        if relative.is_absolute() or ".." in relative.parts or ":" in relative.parts[0]:
            raise Refused(403, f"“{given}” nằm ngoài thư mục làm việc")
        if relative.suffix.lower() not in SOURCE_SUFFIXES:
            raise Refused(400, f"“{given}” không phải tệp thông báo .yaml")
        path = self.root / relative
        notices = self.notices_dir.resolve()
        if not path.resolve().is_relative_to(notices):
            raise Refused(403, f"“{given}” nằm ngoài thư mục notices/ của thư mục làm việc")
        # The folders are resolved (they lie inside notices/); the file itself is not, so that a
        # link there is refused when it is opened (O_NOFOLLOW), never followed.
        return path.parent.resolve() / path.name

    def shown(self, path: Path) -> str:
        for candidate in (path, path.parent.resolve() / path.name):
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
        return path.name

    def workspace(self) -> Workspace | None:
        return engine.workspace_of(self.root)  # read again whenever tbkl.yaml changed since the last request

    def build_catalog(self) -> None:
        """Bring the catalog up to the disk as the list's first request would (`listing`), outside any request, with
        what that request derives from all of it (the form's suggestions, the filters' counts: a quarter of a second
        at twenty thousand sources), kept until the catalog changes.

        `tbkl serve` calls it in the background when it starts (`Warming`): a drafter's first
        request then finds the catalog ready, or waits on its lock for what remains of this very
        build (`Catalog.refresh` holds the lock while it reads): it is never built twice.
        """
        defaults = defaults_of(self.workspace())
        listing = self.listing(defaults)
        self.suggestions(listing, defaults)
        self.counted(listing, self.states())

    def states(self) -> dict[str, str]:
        """Return the review state of each notice that has one (`service.review`), by its path in the workspace."""
        from tbkl_gen.service import review

        return {path: found.state for path, found in review.states(self.root).items()}

    def numbers_before(self, path: Path, workspace: Workspace | None) -> Iterator[NumberAt | None]:
        """Yield the numbers of the workspace's notices that `tbkl check` reads before the one at path
        (`engine.check_text`), from the catalog: no notice is read again for a preview."""
        defaults = defaults_of(workspace)
        target = self.shown(path)
        for entry in self.listing(defaults).in_check_order():
            if entry.path == target:
                return
            if entry.so_khoa == catalog.UNKNOWN:
                yield engine.known_number(self.root / entry.path, workspace)
            else:
                yield catalog.number_at(entry, self.root / entry.path)

    # --- routes -------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        access.require("doc")
        token = str(request.scope.get("tbkl.csrf", self.token))  # with accounts, the session's CSRF token
        html = (static_dir() / "index.html").read_text(encoding="utf-8")
        html = html.replace("{{TOKEN}}", html_escape(token, quote=True)).replace("{{BASE}}", html_escape(self.base, quote=True))
        html = html.replace("{{WORKSPACE}}", html_escape(self.root.name))
        # What the person may not do, from the one table (service/people.ALLOWED): the page hides those controls
        # (page.css, `body.khong-<action>`) and keeps the form read-only without "soan"; the server refuses them anyway.
        person = access.person()
        html = html.replace("{{KHONG_QUYEN}}", " ".join(f"khong-{action}" for action in people.refused(person)))
        html = html.replace("{{CHI_XEM}}", html_escape(people.read_only_note(person)))
        return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy": _CSP, "Referrer-Policy": "no-referrer"})

    def workspace_info(self, request: Request) -> dict[str, Any]:
        """The workspace for the page: its defaults and kinds, and one page of its list of documents.

        The list comes from the catalog (`page.catalog`: read once, then refreshed by the files'
        stat), filtered by year (nam), kind (loai), review state (trang_thai) and words of the
        summary, number, date or path (q), newest year first; `trang` and `so_dong` choose the page
        of rows sent, with the counts the filters show. The form's suggestions (recipients,
        signers, the documents whose meeting another may share) come from every document.
        """
        access.require("doc")
        from tbkl_gen.service import review

        query = request.query_params
        year = _int_param(query.get("nam"), "nam")
        kind = query.get("loai") or None
        state = query.get("trang_thai") or None
        words = (query.get("q") or "")[:500]
        given_page, given_rows = _int_param(query.get("trang"), "trang"), _int_param(query.get("so_dong"), "so_dong")
        page_number = 1 if given_page is None else given_page
        rows = catalog.PAGE_ROWS if given_rows is None else given_rows
        if page_number < 1 or not 1 <= rows <= catalog.MAX_PAGE_ROWS:
            raise Refused(400, f"trang cần từ 1, số dòng mỗi trang từ 1 đến {catalog.MAX_PAGE_ROWS}")
        if state is not None and state not in review.STATE_LABELS:
            raise Refused(400, f"trạng thái “{state[:40]}” không có; các trạng thái: {', '.join(review.STATE_LABELS)}")
        workspace = self.workspace()
        defaults = defaults_of(workspace)
        listing = self.listing(defaults)
        states = self.states()
        matched = listing.select(year=year, kind=kind, states=states, state=state, words=words)
        first = (page_number - 1) * rows
        suggested = self.suggestions(listing, defaults)
        return {
            "thu_muc": self.root.name,
            "mac_dinh": _plain_value(defaults),
            "thong_bao": [entry.row() for entry in matched[first : first + rows]],
            "tong": len(listing.all()),
            "khop": len(matched),
            "trang": page_number,
            "so_dong": rows,
            "dem": self.counted(listing, states),
            "trang_thai_ten": dict(review.STATE_LABELS),
            **suggested,
            "loai": kind_forms(),
            "chung": shared_fields(),
        }

    def listing(self, defaults: dict[str, Any]) -> catalog.Catalog:
        """Return the catalog brought up to the disk (read afresh whenever the office's defaults changed)."""
        context = hashlib.sha256(json.dumps(_plain_value(defaults), sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
        if self.catalog.context != context:
            self.catalog.reset(context)
        self.catalog.refresh()
        return self.catalog

    def counted(self, listing: catalog.Catalog, states: Mapping[str, str]) -> dict[str, dict[str, int]]:
        """Return the list's counts by year, kind and state, kept until the catalog or a state changes."""
        key = (listing.generation, listing.context, hash(frozenset(states.items())))
        if self.counts is None or self.counts[0] != key:
            self.counts = (key, catalog.counts(listing.all(), states))
        return self.counts[1]

    def suggestions(self, listing: catalog.Catalog, defaults: dict[str, Any]) -> dict[str, Any]:
        """Return the recipients and signers the forms suggest and the documents with a meeting, kept until the catalog changes."""
        key = (listing.generation, listing.context)
        if self.suggested is not None and self.suggested[0] == key:
            return self.suggested[1]
        recipients: dict[str, int] = {}  # how often each is written, in the order first met
        signers: list[dict[str, Any]] = []
        seen: set[str] = set()

        def remember(data: dict[str, Any]) -> None:
            for item in _recipients_in(data):
                recipients[item] = 1 << 40  # the office's defaults: always suggested
            remember_signer(data.get("nguoi_ky"))

        def remember_signer(signer: object) -> None:
            if isinstance(signer, dict) and signer.get("ho_ten"):
                merged = {**(defaults.get("nguoi_ky") or {}), **signer}
                plain = {k: merged.get(k) for k in _signer_keys()}
                said = json.dumps(_plain_value(plain), sort_keys=True, ensure_ascii=False)
                if said not in seen:
                    seen.add(said)
                    signers.append(plain)

        remember(defaults)
        by_path = sorted(listing.all(), key=lambda e: PurePosixPath(e.path).parts)  # the order tbkl check reads them
        for entry in by_path:
            for item in entry.noi_nhan:
                recipients[item] = recipients.get(item, 0) + 1
            remember_signer(entry.nguoi_ky)
        users: dict[str, list[str]] = {}
        for entry in by_path:
            if entry.cuoc_hop_tu is not None:
                users.setdefault(entry.cuoc_hop_tu, []).append(entry.path)
        meetings = [
            {"path": e.path, "so": e.so, "trich_yeu": e.trich_yeu, "loai": e.loai, "co_cuoc_hop": True}
            for e in listing.all()
            if e.co_cuoc_hop
        ][: catalog.MAX_MEETINGS]
        if len(recipients) > catalog.MAX_RECIPIENTS:
            kept = set(sorted(recipients, key=lambda r: -recipients[r])[: catalog.MAX_RECIPIENTS])
            recipients = {r: n for r, n in recipients.items() if r in kept}
        found = {"noi_nhan": list(recipients), "nguoi_ky": signers, "cuoc_hop": meetings, "dung_cuoc_hop": users}
        self.suggested = (key, found)
        return found

    def entry_of(self, path: Path, relative: str) -> catalog.Entry:
        """Return the catalog's entry of the source at path: what the list shows and the forms suggest from it."""
        from tbkl_gen.notice.kinds import DEFAULT, kind_named
        from tbkl_gen.notice.model import MEETING_KEY, SUMMARY_KEY
        from tbkl_gen.source.read import read_text

        workspace = self.workspace()
        defaults = defaults_of(workspace)
        try:
            text = _decode(_read(path, relative), relative)
        except Refused:  # a pipe, a link, a file too large or not UTF-8: listed, not read
            source = None
        else:
            source, _ = read_text(text, path)
        data = source.data if source is not None else {}
        ngay = data.get("ngay", defaults.get("ngay"))
        kind = kind_named(data.get("loai", defaults.get("loai"))) or DEFAULT
        title = data.get(kind.title_key) or data.get(SUMMARY_KEY) or ""
        recipients = _recipients_in(data)
        signer = data.get("nguoi_ky")
        plain_signer = None
        if isinstance(signer, dict) and signer.get("ho_ten"):
            plain_signer = {k: _plain_value(signer[k]) for k in _signer_keys() if k in signer}
        linked = data.get(MEETING_KEY)
        entry = catalog.Entry(
            path=relative,
            nam=_year(ngay),
            so=None if data.get("so") in (None, "") else str(data.get("so")),
            ngay=_shown_day(ngay),
            trich_yeu="; ".join(map(str, title)) if isinstance(title, list) else str(title),
            doc_duoc=source is not None,
            loai=kind.key,
            co_cuoc_hop=isinstance(linked, dict),
            cuoc_hop_tu=self.shown((path.parent / linked).resolve()) if isinstance(linked, str) else None,
            noi_nhan=recipients,
            nguoi_ky=plain_signer,
        )
        if source is not None:
            # A notice without a number, in its file or in the office's defaults (a draft: most of an
            # office's sources), has none to register; the others go on through the pipeline, once,
            # from the source read here (last: the pipeline may replace its data).
            unnumbered = all(v is None or (isinstance(v, str) and not v.strip()) for v in (data.get("so"), defaults.get("so")))
            entry.so_khoa = None if unnumbered else catalog.number_json(engine.number_of(source, workspace), path)
        return entry

    def open_notice(self, request: Request) -> dict[str, Any]:
        access.require("doc")
        path = self.notice_path(request.query_params.get("path"))
        raw = _read(path, self.shown(path))
        text = _decode(raw, self.shown(path))
        data = editable_or_none(text)
        if not data:
            checked = engine.check_text(text, path, self.workspace())
            # A file the page cannot open is mended in a text editor: its line is the one way to find the mistake.
            reasons = [
                f"dòng {p.place.line}: {for_page(p, self.root, path)['text']}" if p.place.line else for_page(p, self.root, path)["text"]
                for p in checked.problems
                if p.is_error
            ][:3]
            detail = "; ".join(reasons) or "tệp không phải một bảng các khóa của thông báo"
            raise Refused(
                422, f"chưa mở được {self.shown(path)} trên trang vì tệp có lỗi: {detail}. Hãy sửa tệp trong trình soạn thảo rồi mở lại"
            )
        draft = self.read_draft(path)
        if draft is not None and draft["data"] == data:
            draft = None  # nothing the file does not already say (a draft written as the file was saved, say)
        return {"path": self.shown(path), "text": text, "data": data, "version": _version(raw), "nhap": draft}

    def check(self, body: dict[str, Any]) -> dict[str, Any]:
        access.require("doc")
        path = self.notice_path(body.get("path"))
        text = self.text_of(body, for_check=True)
        workspace = self.workspace()
        checked = engine.check_text(text, path, workspace, lambda: self.numbers_before(path, workspace))
        problems = [self.problem(p, path) for p in checked.problems]
        layout = checked.layout
        passed_over: list[str] = []
        if layout is None and checked.errors:
            layout, passed_over = self.preview_despite(body, problems, path, workspace)
        answer = {
            "text": text,
            "problems": problems,
            "errors": checked.errors,
            "warnings": checked.warnings,
            "preview": page_html(layout) if layout is not None else None,
            "labels": labels(layout) if layout is not None else None,
            "appendix_labels": appendix_labels(layout) if layout is not None else None,
            "xem_truoc_bo_qua": passed_over,
            "cuoc_hop": self.shared_meeting(checked),
        }
        _settle_heap()
        return answer

    def shared_meeting(self, checked: engine.Checked) -> dict[str, Any] | None:
        """Return what the page shows of the meeting a document shares with an invitation (`cuoc_hop:
        giay-moi.yaml`): the files followed, the one to open (inside notices/), and the facts taken."""
        if not checked.linked:
            return None
        from tbkl_gen.notice.giay_moi import time_text
        from tbkl_gen.notice.model import meeting_time

        facts = checked.meeting or {}
        last = checked.linked[-1]
        try:
            opened = self.shown(self.notice_path(self.shown(last)))
        except Refused:
            opened = None
        when = facts.get("thoi_gian")
        return {
            "tep": [self.shown(path) for path in checked.linked],
            "mo": opened if checked.meeting is not None else None,
            "doc_duoc": checked.meeting is not None,
            "chu_tri": facts.get("chu_tri"),
            "thoi_gian": time_text(when) if isinstance(when, str) else None,
            "ngay": shown_date(day.year, day.month, day.day) if (day := meeting_time(when) if isinstance(when, str) else None) else None,
            "dia_diem": facts.get("dia_diem"),
        }

    def preview_despite(
        self, body: dict[str, Any], problems: list[dict[str, Any]], path: Path, workspace: Workspace | None
    ) -> tuple[Any, list[str]]:
        """Lay out the notice for the preview only, with what stops it set aside; return the layout and the problems set aside.

        The preview never freezes on an error: an empty block (a new one not yet typed) is shown
        as "…" at its place, so the numbering and the labels stay those of the outline; a wrong
        value outside the body (a date written wrongly, say) is shown as the saved file has it.
        Nothing of this reaches the source or a download: only the preview is drawn from it.
        """
        import copy

        data = copy.deepcopy(body["data"])
        saved = editable_or_none(str(body["base"]))
        passed_over = []
        for problem in problems:
            if problem.get("severity") == "canh_bao" or not problem.get("own") or not problem.get("field"):
                continue
            if _set_aside(data, str(problem["field"]), saved):
                passed_over.append(str(problem["message"]))
        if not passed_over:
            return None, []
        try:
            text = checked_text(str(body["base"]), data)
        except Exception:  # noqa: BLE001 - the preview is a courtesy: without it, the last good page stays
            return None, []
        return engine.check_text(text, path, workspace).layout, passed_over

    def text_of(self, body: dict[str, Any], *, for_check: bool = False) -> str:
        base = body.get("base")
        data = body.get("data")
        if not isinstance(base, str) or not isinstance(data, dict) or _depth(data) > MAX_DATA_DEPTH:
            raise Refused(400, "dữ liệu gửi lên không hợp lệ")
        try:
            return checked_text(base, data) if for_check else updated(base, data)
        except Exception as exc:  # noqa: BLE001 - base text the page sent is not YAML it can keep
            raise Refused(400, f"không ghép được nội dung vào tệp nguồn ({type(exc).__name__})") from None

    def problem(self, problem: Problem, path: Path) -> dict[str, Any]:
        return for_page(problem, self.root, path)

    def save(self, body: dict[str, Any]) -> JSONResponse:
        """Write the edited data over the file on disk, unless the file changed since it was opened.

        The data is applied to the text read from disk (the same text the page opened, as the
        version says), so what the request calls its base cannot replace the file.
        """
        access.require("soan")
        path = self.notice_path(body.get("path"))
        self.text_of(body)  # refuse bad data before anything else
        with self.save_lock:
            register.refuse_if_issued(self.root, path, self.shown(path))  # an issued document is frozen (409)
            raw = _read(path, self.shown(path), missing_ok=True)
            if raw is None or _version(raw) != body.get("version"):
                return JSONResponse(self.conflict(path, raw, body), status_code=409)
            on_disk = _decode(raw, self.shown(path))
            if on_disk.strip() and editable_or_none(on_disk) is None:
                raise Refused(422, f"{self.shown(path)}: tệp không phải một bảng các khóa của thông báo; không ghi đè")
            text = self.text_of({**body, "base": on_disk})
            data = text.encode("utf-8")
            with history_routes.recording(self.root, [path], f"Lưu {self.shown(path)}") as note:
                _save(path, data, self.shown(path), kept=True)
            self.drop_draft_at(path)
            self.after_save(path, note.commit)
        return JSONResponse({"version": _version(data), "text": text, "path": self.shown(path), **note.answer})

    def inline(self, body: dict[str, Any]) -> dict[str, Any]:
        """Read the markup of texts for the page's rich text editor (one grammar: tbkl_gen.markup)."""
        access.require("doc")
        from tbkl_gen.page.richtext import MAX_TEXTS, spans_of

        texts = body.get("texts")
        if not isinstance(texts, list) or len(texts) > MAX_TEXTS or not all(isinstance(t, str) for t in texts):
            raise Refused(400, "dữ liệu gửi lên không hợp lệ")
        return {"spans": [spans_of(text) for text in texts]}

    def paste(self, body: dict[str, Any]) -> dict[str, Any]:
        """Turn text pasted from Word or an e-mail into body blocks, through the importer's label rules."""
        access.require("doc")
        from tbkl_gen.page.richtext import pasted

        return pasted(body.get("html"), body.get("text"))

    def after_save(self, path: Path, commit: str | None) -> None:
        """Tell the notice's review of a save (an edit of an approved notice sends it back to review).

        The save itself is done: a failure here is logged, never the save's error; the review
        still sees the changed file, as an approval is compared with the file itself.
        """
        from tbkl_gen.page import access
        from tbkl_gen.service import review

        try:
            review.after_save(self.root, path, access.person(), commit)
        except TbklError as exc:
            LOG.warning("Chưa cập nhật được bước duyệt của %s sau khi lưu: %s", self.shown(path), exc)

    # --- drafts and conflicts ---------------------------------------------------------------

    def conflict(self, path: Path, raw: bytes | None, body: dict[str, Any]) -> dict[str, Any]:
        """Return the answer to a save whose file changed on disk: the word diff from the disk's text to the drafter's.

        The drafter's text is their data applied to the disk's text (as "keep mine" would write
        it), so the diff shows only what the two versions say differently, not comments. The
        disk's version comes back so that "keep mine" overwrites exactly the version shown.
        """
        from tbkl_gen.commands.text import word_diff
        from tbkl_gen.page.words import field_values

        shown = self.shown(path)
        on_disk = "" if raw is None else _decode(raw, shown)
        try:
            mine = self.text_of({**body, "base": on_disk if editable_or_none(on_disk) is not None else body.get("base")})
        except Refused:
            mine = self.text_of(body)
        # compared value by value, each named by its field's label: no YAML line, no key
        theirs, ours = field_values(editable_or_none(on_disk) or {}), field_values(editable_or_none(mine) or {})
        changed = []
        for hunk in word_diff([text for _, text in theirs], [text for _, text in ours]):
            if hunk.old_count == hunk.new_count > 1:  # values edited in place: each under its own label
                for offset in range(hunk.new_count):
                    at = hunk.new_start - 1 + offset
                    changed += [(ours[at][0], one.lines) for one in word_diff([theirs[hunk.old_start - 1 + offset][1]], [ours[at][1]])]
            else:
                changed.append(((ours[hunk.new_start - 1] if hunk.new_count else theirs[hunk.old_start - 1])[0], hunk.lines))
        return {
            "loi": f"tệp {shown} đã được sửa ở nơi khác sau khi mở (trong một trình soạn thảo hoặc một thẻ khác); chưa lưu để không ghi đè. Hãy tải lại tệp",
            "xung_dot": True,
            "mat_tep": raw is None,
            "phien_ban_dia": None if raw is None else _version(raw),
            "khac_biet": [{"truong": label, "dong": lines} for label, lines in changed],
        }

    def draft_path(self, path: Path) -> Path:
        return path.parent / f".{path.name}{DRAFT_SUFFIX}"

    def read_draft(self, path: Path) -> dict[str, Any] | None:
        """Return the draft kept beside path ({luc, base, version, data}), or None when there is none or it is unreadable."""
        draft = self.draft_path(path)
        try:
            raw = _read(draft, self.shown(draft), missing_ok=True)
            found = None if raw is None else json.loads(raw.decode("utf-8"))
        except (Refused, ValueError):  # a link, a pipe, a broken or foreign file: no draft to offer
            return None
        if not isinstance(found, dict):
            return None
        if not (isinstance(found.get("luc"), str) and isinstance(found.get("base"), str) and isinstance(found.get("data"), dict)):
            return None
        if not isinstance(found.get("version"), str) or _depth(found["data"]) > MAX_DATA_DEPTH:
            return None
        return {key: found[key] for key in ("luc", "base", "version", "data")}

    def save_draft(self, body: dict[str, Any]) -> dict[str, Any]:
        """Keep the page's unsaved data beside the notice (never in it), to be offered back after a refresh or a crash."""
        access.require("soan")
        import datetime as dt

        path = self.notice_path(body.get("path"))
        self.text_of(body)  # refuse data that could not be saved into the source
        version = body.get("version")
        if not isinstance(version, str) or len(version) > 100:
            raise Refused(400, "dữ liệu gửi lên không hợp lệ")
        now = dt.datetime.now()
        when = f"{now:%H:%M} {shown_day(now)}"  # the draft's time first: what the drafter looks for
        draft = {"luc": when, "base": body["base"], "version": version, "data": body["data"]}
        _save(self.draft_path(path), json.dumps(draft, ensure_ascii=False).encode("utf-8"), self.shown(self.draft_path(path)), kept=True)
        return {"luc": when}

    def drop_draft(self, body: dict[str, Any]) -> dict[str, Any]:
        access.require("soan")
        self.drop_draft_at(self.notice_path(body.get("path")))
        return {}

    def drop_draft_at(self, path: Path) -> None:
        draft = self.draft_path(path)
        try:
            if draft.is_symlink() or draft.is_file():
                draft.unlink()
        except OSError:  # a draft left behind is offered again, never an error of the save
            logging.getLogger(__name__).warning("could not remove the draft %s", draft)

    def save_copy(self, body: dict[str, Any]) -> dict[str, Any]:
        """Write the drafter's version as a new file beside the notice (the third way out of a conflict)."""
        access.require("soan")
        from tbkl_gen.source.names import free_name

        path = self.notice_path(body.get("path"))
        text = self.text_of(body)
        with self.save_lock:
            target = free_name(path.parent, f"{path.stem}-ban-sao")
            with history_routes.recording(self.root, [target], f"Lưu bản sao {self.shown(target)} của {self.shown(path)}") as note:
                _save(target, text.encode("utf-8"), self.shown(target), kept=False)
            self.drop_draft_at(path)
        return {"path": self.shown(target), **note.answer}

    def new_notice(self, body: dict[str, Any]) -> dict[str, Any]:
        access.require("soan")
        from tbkl_gen.commands.scaffold import new_notice

        from tbkl_gen.notice.kinds import DEFAULT, KINDS

        title = body.get("trich_yeu")
        if not isinstance(title, str) or not title.strip() or len(title) > 2000:
            raise Refused(400, "cần trích yếu của thông báo mới")
        kind = body.get("loai") or DEFAULT.key
        if kind not in KINDS:
            raise Refused(400, f"không có loại văn bản “{str(kind)[:40]}”; các loại: {', '.join(KINDS)}")
        target = new_notice(self.root, unicodedata.normalize("NFC", title.strip()), kind=KINDS[kind])
        return {"path": self.shown(target), **history_routes.record(self.root, [target], f"Tạo {self.shown(target)}")}

    def copy_notice(self, body: dict[str, Any]) -> dict[str, Any]:
        access.require("soan")
        import datetime as dt

        from tbkl_gen.files import make_folders
        from tbkl_gen.source.names import free_name, slugify, year_folder

        path = self.notice_path(body.get("path"))
        text = _decode(_read(path, self.shown(path)), self.shown(path))
        data = editable_or_none(text)
        if data is None:
            raise Refused(422, f"chưa sao được {self.shown(path)}: tệp có lỗi; sửa tệp rồi thử lại")
        year = dt.date.today().year
        data["so"] = None
        data["ngay"] = str(year)
        folder = year_folder(self.root, year)
        target = free_name(folder, slugify(str(data.get("trich_yeu") or path.stem)) + "-ban-sao")
        try:  # the year's folder, made if missing; one that is a link (planted in notices/) is refused, never written through
            make_folders(folder, inside=self.notices_dir, target=target)
        except OutputFailed as exc:
            raise _not_written(exc, self.shown(target), kept=False) from None
        with history_routes.recording(self.root, [target], f"Sao {self.shown(path)} thành {self.shown(target)}") as note:
            _save(target, updated(text, data).encode("utf-8"), self.shown(target), kept=False)
        return {"path": self.shown(target), **note.answer}

    async def import_word(self, request: Request) -> JSONResponse:
        access.require("soan")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > engine.MAX_UPLOAD_BYTES:
            return _error(413, f"tệp quá lớn; tối đa {engine.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        received = bytearray()
        async for chunk in request.stream():
            received += chunk
            if len(received) > engine.MAX_UPLOAD_BYTES:
                return _error(413, f"tệp quá lớn; tối đa {engine.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        name = _file_name(request.headers.get("x-file-name"))
        if not name.lower().endswith(".docx"):
            return _error(400, f"“{name}” không phải tệp Word .docx")
        imported = await in_thread(engine.import_word, bytes(received), name, self.root)
        status = 200 if imported.path is not None else 422
        recorded = (
            {}
            if imported.path is None
            else await in_thread(history_routes.record, self.root, [imported.path], f"Nhập {self.shown(imported.path)} từ tệp Word {name}")
        )
        return JSONResponse(
            {"path": self.shown(imported.path), "thong_bao": imported.message, "bao_cao": import_report(imported.findings), **recorded}
            if imported.path is not None
            else {"path": None, "thong_bao": imported.message},
            status_code=status,
        )

    def docx(self, body: dict[str, Any]) -> Response:
        access.require("doc")
        path = self.notice_path(body.get("path"))
        data = engine.render_text(self.text_of(body), path, self.workspace())
        return _download(data, path.with_suffix(".docx").name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    def pdf(self, body: dict[str, Any]) -> Response:
        access.require("doc")
        path = self.notice_path(body.get("path"))
        data = engine.render_text(self.text_of(body), path, self.workspace())
        pdf, _ = engine.exact_pages(data, pages=False)
        return _download(pdf, path.with_suffix(".pdf").name, "application/pdf")

    def exact(self, body: dict[str, Any]) -> dict[str, Any]:
        access.require("doc")
        path = self.notice_path(body.get("path"))
        data = engine.render_text(self.text_of(body), path, self.workspace())
        _, pages = engine.exact_pages(data)
        return {"pages": ["data:image/png;base64," + base64.b64encode(page).decode("ascii") for page in pages]}

    def render_all(self) -> Iterator[str]:
        """Render the workspace as `tbkl render` does, yielding progress as JSON lines (its route has required "soan")."""
        from tbkl_gen.commands.batch import Settings, plan, render_batch

        workspace = self.workspace()
        out_dir = workspace.output_dir if workspace is not None and workspace.output_dir is not None else self.root / "out"
        found: list[Problem] = []
        jobs = plan([self.notices_dir], out_dir, found)
        events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        total = len(jobs)
        done = [0]

        def progress(step: int = 1) -> None:
            done[0] += step
            events.put({"xong": done[0], "tong": total})

        def run() -> None:
            try:
                with self.render_lock:
                    result = render_batch(jobs, Settings(out_dir, jobs=1, progress=progress))
                events.put(
                    {
                        "ket_qua": f"Đã tạo {len(result.made)}, không đổi {len(result.unchanged)}, lỗi {len(result.failed)}",
                        "van_de": [p.format(self.root) for p in [*found, *result.problems]],
                        "thu_muc_ra": self.shown(out_dir) if out_dir.resolve().is_relative_to(self.root) else out_dir.as_posix(),
                    }
                )
            except (TbklError, KeyboardInterrupt) as exc:
                events.put({"ket_qua": str(exc) or "đã dừng", "van_de": []})
            finally:
                events.put(None)

        threading.Thread(target=run, daemon=True).start()
        yield json.dumps({"xong": 0, "tong": total}) + "\n"
        while (event := events.get()) is not None:
            yield json.dumps(event, ensure_ascii=False) + "\n"


_CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _set_aside(data: dict[str, Any], field: str, saved: dict[str, Any] | None) -> bool:
    """Make data previewable at field (a problem's field path, counted from 1: `noi_dung[3].khoan`); True when something changed.

    An empty text anywhere becomes "…". A wrong value outside the body and the appendices
    becomes the one in the saved file (saved), else is left out. A block of the body is never
    removed: the outline's labels count the blocks.
    """
    steps: list[str | int] = [name if name else int(index) - 1 for name, index in _STEP.findall(field)]  # [1] is the first
    parent, last = _parent_of(data, steps)
    if parent is None:
        return False
    value = parent[last]
    if value is None or (isinstance(value, str) and not value.strip()):
        parent[last] = "…"
        return True
    if steps[0] in ("noi_dung", "phu_luc") or not isinstance(parent, dict):
        return False
    kept, kept_last = _parent_of(saved, steps) if saved is not None else (None, last)
    if kept is not None and kept[kept_last] != value:
        parent[last] = kept[kept_last]
    else:
        del parent[last]
    return True


def _parent_of(data: Any, steps: list[str | int]) -> tuple[Any, str | int]:  # noqa: ANN401
    """Return the container holding the value at steps and its key or index, or (None, _) when there is none."""
    if not steps:
        return None, ""
    parent = data
    try:
        for step in steps[:-1]:
            parent = parent[step]
        parent[steps[-1]]
    except (KeyError, IndexError, TypeError):
        return None, ""
    return parent, steps[-1]


def kind_forms() -> list[dict[str, Any]]:
    """Return each kind for the page: its key and names, where its summary prints, and the fields
    of its own editor part, derived from its declaration (label, hint, a control for its type)."""
    from tbkl_gen.nd30.document_types import SUMMARY_PREFIX
    from tbkl_gen.notice import fields as declaration
    from tbkl_gen.notice.kinds import KINDS
    from tbkl_gen.notice.model import BODY_KEY, SUMMARY_KEY

    def control(path: str, key: declaration.Declared) -> dict[str, Any]:
        tp = declaration.optional_of(key.type) or key.type
        # a paragraph of the document's own (an invitation's opening) gets room; a nested value a line
        shape = (
            "lines" if declaration.item_of(tp) is str else "bool" if tp is bool else "textarea" if tp is str and "." not in path else "text"
        )
        return {"path": path, "label": _label(key), "kind": shape, "hint": key.spec.doc}

    forms = []
    for kind in KINDS.values():
        fields = []
        for key in kind.own_keys():
            if key.name in (SUMMARY_KEY, BODY_KEY):  # the summary and the body have editors of their own
                continue
            nested = declaration.optional_of(key.type) or key.type
            if declaration.item_of(nested) not in (None, str):  # lists of parts (appendices): not a field of the form
                continue
            if declaration.is_declared(nested):
                fields += [control(f"{key.name}.{item.name}", item) for item in declaration.declared(nested)]
            else:
                fields.append(control(key.name, key))
        title = kind.document_type.title
        summary = f"in đậm dưới chữ {title}" if kind.summary == "title" else f"in dưới số và ký hiệu, sau chữ “{SUMMARY_PREFIX}”"
        title_field = declaration.field_named(kind.model, kind.title_key)
        named = title_field.spec.label if title_field is not None and title_field.spec.label else kind.title_key
        summary_field = declaration.field_named(kind.model, SUMMARY_KEY)
        forms.append(
            {
                "loai": kind.key,
                "ten": kind.name,
                "mo_ta": kind.description,
                "trich_yeu": summary,
                "truong": fields,
                "tieu_de": named[:1].upper() + named[1:],
                "nhan_trich_yeu": _label(summary_field) if summary_field is not None else SUMMARY_KEY,  # the summary box's label
            }
        )
    return forms


def _label(key: Any) -> str:
    """Return a declared key's label as a form shows it (capitalised)."""
    label: str = key.spec.label or key.name
    return label[:1].upper() + label[1:]


def shared_fields() -> dict[str, dict[str, Any]]:
    """Return the form fields of the parts every kind shares (header, recipients, signer), by path: label, hint and
    control derived from the declaration, as kind_forms() derives a kind's own; the page lays them out in its sections."""
    from tbkl_gen.notice import fields as declaration
    from tbkl_gen.notice.kind import SHARED_PARTS
    from tbkl_gen.notice.model import SUMMARY_KEY

    def control(path: str, key: declaration.Declared, nested: bool) -> dict[str, Any]:
        tp = declaration.optional_of(key.type) or key.type
        values = declaration.literal_of(tp)
        field: dict[str, Any] = {"path": path, "label": _label(key), "hint": key.spec.doc}
        if values:
            field.update(kind="select", options=[[str(value), str(value)] for value in values])
        elif declaration.item_of(tp) is str:  # a list of lines: the recipients' list editor, or lines of a nested part
            field["kind"] = "lines" if nested else "list"
        else:
            field["kind"] = "bool" if tp is bool else "textarea" if key.name == SUMMARY_KEY else "text"
        return field

    fields: dict[str, dict[str, Any]] = {}
    for part in SHARED_PARTS:
        for key in declaration.declared(part):
            tp = declaration.optional_of(key.type) or key.type
            if declaration.item_of(tp) not in (None, str):  # the body and the appendices have editors of their own
                continue
            fields[key.name] = control(key.name, key, nested=False)
            if declaration.is_declared(tp):
                for item in declaration.declared(tp):
                    fields[f"{key.name}.{item.name}"] = control(f"{key.name}.{item.name}", item, nested=True)
    return fields


_RECIPIENT_KEYS = ("kinh_gui", "noi_nhan_them", "noi_nhan")
"""Where a source or the office's defaults (`mac_dinh`) write recipients, in the order the forms suggest them."""


def _recipients_in(data: dict[str, Any]) -> list[str]:
    """Return the recipients a source's data (or the office's defaults) writes, each once, in order."""
    found: dict[str, None] = {}
    for key in _RECIPIENT_KEYS:
        items = data.get(key) or []
        for item in [items] if isinstance(items, str) else items:
            if isinstance(item, str):
                found[item] = None
    return list(found)


@functools.cache
def _signer_keys() -> tuple[str, ...]:
    """The signer's keys the forms suggest: the declared fields of `nguoi_ky` (NguoiKy)."""
    from tbkl_gen.notice import fields as declaration
    from tbkl_gen.notice.model import NguoiKy

    return tuple(key.name for key in declaration.declared(NguoiKy))


def _int_param(value: str | None, name: str) -> int | None:
    """Return a whole number the list's query gives (nam, trang, so_dong), None when not given; refuse any other text."""
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise Refused(400, f"“{name}” cần là một số nguyên dương")
    return int(value)


def _year(value: Any) -> int | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, dict):
        value = value.get("nam")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    parts = date_parts(value) if isinstance(value, str) else None
    return parts[0] if parts else None


def _shown_day(value: Any) -> Any:
    """Return the date for the list of notices as Vietnamese write it (dd/mm/yyyy); text as written."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return shown_date(value.year, value.month, value.day)
    if isinstance(value, dict) and isinstance(value.get("nam"), int):
        month, day = value.get("thang"), value.get("ngay")
        return shown_date(
            value["nam"], month if isinstance(month, int) else None, day if isinstance(day, int) and isinstance(month, int) else None
        )
    return _plain_value(value)


def _plain_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def editable_or_none(text: str) -> dict[str, Any] | None:
    """Return the source's data for the page, or None when it is no readable mapping."""
    try:
        return editable(text)
    except Exception:  # noqa: BLE001 - any YAML the round-trip reader refuses
        return None


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DATA_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


@overload
def _read(path: Path, shown: str, *, missing_ok: Literal[False] = False) -> bytes: ...
@overload
def _read(path: Path, shown: str, *, missing_ok: bool) -> bytes | None: ...
def _read(path: Path, shown: str, *, missing_ok: bool = False) -> bytes | None:
    """Return the bytes of the notice file at path: the one way the page opens a file.

    Through the package's one reader of regular files, without following a link at path: a
    link, a pipe (FIFO), a device or a socket is named and refused, never followed or waited on
    (the file is opened without blocking and checked again once open). None for a missing file
    when missing_ok.
    """
    from tbkl_gen.errors import NotReadable
    from tbkl_gen.files import read_regular
    from tbkl_gen.source.read import MAX_SOURCE_BYTES

    try:
        return read_regular(path, MAX_SOURCE_BYTES, follow_links=False)
    except NotReadable as refused:
        if refused.missing:
            if missing_ok:
                return None
            raise Refused(404, f"không tìm thấy tệp thông báo {shown}") from None
        if refused.size is not None:
            raise Refused(413, f"{shown}: {refused.reason}; trang không mở tệp này") from None
        raise Refused(422, f"{shown}: {refused.reason}; trang không mở tệp này để khỏi bị treo hay đọc nhầm tệp khác") from None


def _disk_full(error: OSError) -> bool:
    return error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _not_saved(shown: str, error: OSError, *, kept: bool) -> str:
    old = "; tệp cũ vẫn nguyên" if kept else ""
    if _disk_full(error):
        return f"Ổ đĩa đầy: chưa lưu được {shown}{old}. Hãy giải phóng chỗ trống trên ổ đĩa rồi lưu lại"
    return f"chưa lưu được {shown} ({error.strerror or type(error).__name__}){old}"


_heap_settled = threading.Event()


def _settle_heap() -> None:
    """After the first preview, keep what is loaded for good out of the collector's full passes.

    The first check imports the pipeline (rules, templates, YAML, layout: lazily, for a fast
    start); a full garbage collection then walked all of it again now and then, a pause of up to
    150 ms in an edit's preview on a busy machine. gc.freeze() moves every object alive now to a
    generation the collector never scans; what requests create afterwards is collected as usual.
    """
    if not _heap_settled.is_set():
        _heap_settled.set()
        gc.collect()
        gc.freeze()


def _save(path: Path, data: bytes, shown: str, *, kept: bool) -> None:
    """Write data to path through the writer of new files; a full disk or another OS error becomes a message."""
    try:
        _write_atomic(path, data)
    except (OSError, OutputFailed) as exc:
        raise _not_written(exc, shown, kept=kept) from None


def _not_written(exc: OSError | OutputFailed, shown: str, *, kept: bool) -> Refused:
    """Return the page's answer to a file it could not write: 507 for a full disk, else 500."""
    cause = exc if isinstance(exc, OSError) else exc.__cause__
    if isinstance(cause, OSError):
        return Refused(507 if _disk_full(cause) else 500, _not_saved(shown, cause, kept=kept))
    assert isinstance(exc, OutputFailed)
    return Refused(500, f"chưa lưu được {shown} ({exc.reason}){'; tệp cũ vẫn nguyên' if kept else ''}")


def _decode(raw: bytes, shown: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(422, f"{shown}: tệp không phải UTF-8; hãy lưu lại tệp theo bảng mã UTF-8") from None


def _version(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Save a notice through the tool's one writer (random new name, no link followed, renamed into place)."""
    from tbkl_gen.files import write_file

    write_file(path, data)


def _file_name(header: str | None) -> str:
    from urllib.parse import unquote

    name = unquote(header or "tep.docx")
    return PurePosixPath(name.replace("\\", "/")).name[:200] or "tep.docx"


def _download(data: bytes, name: str, media_type: str) -> Response:
    from urllib.parse import quote

    return Response(data, media_type=media_type, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def create_app(root: Path, token: str, hosts: set[str] | None = None, *, warm: bool = False) -> Shield:
    """Return the single-user page's ASGI app over the workspace at root, guarded by token.

    With warm (`tbkl serve`), what a first request would otherwise do itself starts at once in the background (`Warming`).
    """
    page = Page(root, token)
    routes = [*page_routes(page), Mount("/static", StaticFiles(directory=static_dir()), name="static")]
    app = Starlette(routes=routes, exception_handlers={Exception: _unexpected_handler})
    return Shield(Guard(app, token, hosts if hosts is not None else local_names()), Warming([page], start=warm))


def create_service_app(service: auth.Service, *, warm: bool = False) -> Shield:
    """Return the office's ASGI app: every workspace of the service under `/w/<name>/`, to people who log in.

    `/` lists the workspaces the person holds roles in (or opens the only one), `/dang-nhap` is
    the login page; `auth.Gate` checks every request and sets its person. warm: as `create_app`.
    """
    routes: list[BaseRoute] = [*auth.routes(service)]
    pages = []
    for name, root in service.workspaces.items():
        page = Page(root, "", base=auth.workspace_url(name).rstrip("/"))  # as the browser writes it: %-encoded
        page.people = functools.partial(_people_of, service, name)
        pages.append(page)
        routes.append(Mount(f"{auth.WORKSPACE_PREFIX}{name}", routes=page_routes(page)))  # as routing sees it: decoded
    routes.append(Mount("/static", StaticFiles(directory=static_dir()), name="static"))
    app = Starlette(routes=routes, exception_handlers={Exception: _unexpected_handler})
    return Shield(auth.Gate(app, service), Warming(pages, start=warm))


class Warming:
    """What `tbkl serve` starts in the background over its workspaces, so that no drafter's request does it.

    Each workspace's commit graph is written (and kept current after each of the service's
    commits: `history.keep_graph_current`), by git in the history's one writing thread; beside
    it, one thread builds each workspace's catalog in turn (`Page.build_catalog`: at an office's
    twenty thousand sources, every source read once; after a restart, the catalog's file read).
    A request that needs a catalog still being built waits for what remains of that build.
    `done` is set once every catalog is built (or failed: a request then builds it, and says why).
    """

    def __init__(self, pages: Sequence[Page], *, start: bool) -> None:
        self.pages = list(pages)
        self.done = threading.Event()
        if start:
            self.start()

    def start(self) -> None:
        threading.Thread(target=self.build, name="tbkl-catalog", daemon=True).start()

    def build(self) -> None:
        try:
            for page in self.pages:  # first the graphs' writes (git works beside this thread), then the catalogs
                try:
                    history.keep_graph_current(page.root)
                except TbklError:  # no git on this machine: the history panel says so when it is opened
                    pass
            for page in self.pages:
                try:
                    page.build_catalog()
                except Exception as exc:  # noqa: BLE001 - a request builds it again, and answers what went wrong
                    LOG.warning("Chưa dựng được danh mục văn bản của %s khi khởi động: %s", page.root.name, exc)
        finally:
            self.done.set()


def defaults_of(workspace: Workspace | None) -> dict[str, Any]:
    """Return the office's defaults (tbkl.yaml's `mac_dinh`) of a workspace, {} without any."""
    return workspace.defaults.data if workspace is not None and workspace.defaults is not None else {}


def _people_of(service: auth.Service, workspace: str) -> list[Person]:
    """Return the people who hold a role in workspace, as the workspace sees them."""
    return [account.person(workspace) for account in service.accounts.all().values() if workspace in account.workspaces()]


def page_routes(page: Page) -> list[BaseRoute]:
    """Return the routes of one workspace's page (at / in the single-user mode, under /w/<name> with accounts)."""

    def handled(function: Callable[..., Any], *, body: bool = False, raw: bool = False) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                if raw:
                    response: Response = await function(request)
                    return response
                if body:
                    payload = await _json_body(request)
                    result = await in_thread(function, payload)
                else:
                    result = await in_thread(function, request)
            except Refused as refused:
                return _error(refused.status, refused.message)
            except IssuedFrozen as exc:  # a save or restore of an issued document: a conflict with the register
                return _error(409, str(exc))
            except OutputFailed as exc:  # a new notice on a full disk: said as a save says it
                answer = _not_written(exc, page.shown(exc.path), kept=False)
                return _error(answer.status, answer.message)
            except TbklError as exc:
                return _error(422, str(exc))
            if isinstance(result, Response):
                return result
            return JSONResponse(result)

        return endpoint

    async def render_all(request: Request) -> Response:
        try:
            access.require("soan")
        except Refused as refused:
            return _error(refused.status, refused.message)
        return StreamingResponse(_threaded(page.render_all()), media_type="application/x-ndjson")

    return [
        Route("/", handled(page.index, raw=True)),
        Route("/api/toi", handled(auth.who)),
        Route("/api/workspace", handled(page.workspace_info)),
        Route("/api/notice", handled(page.open_notice)),
        Route("/api/check", handled(page.check, body=True), methods=["POST"]),
        Route("/api/save", handled(page.save, body=True), methods=["POST"]),
        Route("/api/new", handled(page.new_notice, body=True), methods=["POST"]),
        Route("/api/draft", handled(page.save_draft, body=True), methods=["POST"]),
        Route("/api/draft/drop", handled(page.drop_draft, body=True), methods=["POST"]),
        Route("/api/save-copy", handled(page.save_copy, body=True), methods=["POST"]),
        Route("/api/copy", handled(page.copy_notice, body=True), methods=["POST"]),
        Route("/api/import", handled(page.import_word, raw=True), methods=["POST"]),
        Route("/api/docx", handled(page.docx, body=True), methods=["POST"]),
        Route("/api/pdf", handled(page.pdf, body=True), methods=["POST"]),
        Route("/api/exact", handled(page.exact, body=True), methods=["POST"]),
        Route("/api/render-all", render_all, methods=["POST"]),
        Route("/api/inline", handled(page.inline, body=True), methods=["POST"]),
        Route("/api/paste", handled(page.paste, body=True), methods=["POST"]),
        *review_routes.routes(page, handled),
        *history_routes.routes(page, handled),
        *register_routes.routes(page, handled),
    ]


async def _threaded(lines: Iterator[str]) -> AsyncIterator[str]:
    while True:
        line = await in_thread(next, lines, None)
        if line is None:
            return
        yield line


LOG = logging.getLogger("tbkl_gen.page")
UNEXPECTED = "lỗi không mong đợi trên trang; thao tác chưa xong, tệp trên đĩa không bị đổi. Hãy thử lại; nếu vẫn lỗi, xem dòng lỗi trong cửa sổ chạy tbkl serve"


class Shield:
    """The outermost ASGI layer: bodies over the limit are refused, and nothing unexpected escapes.

    A request declaring more than MAX_BODY_BYTES is refused before it is read. Any exception an
    inner layer lets through becomes a Vietnamese 500 answer and one line in the log (rate-limited
    there), never uvicorn's bare "Internal Server Error" with a traceback; a client that went away
    is not an error at all.
    """

    def __init__(self, app: ASGIApp, warming: Warming | None = None) -> None:
        self.app = app
        self.running = 0
        self.warming = warming  # what the app's start left running in the background (`Warming`)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from tbkl_gen.page import net

        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > net.MAX_BODY_BYTES:
            await _error(413, f"yêu cầu quá lớn; tối đa {net.MAX_BODY_BYTES // (1024 * 1024)} MB")(scope, receive, send)
            return
        if self.running >= net.MAX_CONCURRENT_REQUESTS:
            await _error(503, "trang đang bận với nhiều yêu cầu cùng lúc; hãy thử lại sau ít giây")(scope, receive, send)
            return
        self.running += 1
        try:
            await self.shielded(scope, receive, send)
        finally:
            self.running -= 1

    async def shielded(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import ClientDisconnect

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except ClientDisconnect:
            return
        except Exception as exc:  # noqa: BLE001 - the one place an unexpected error is logged
            LOG.error("Lỗi không mong đợi ở %s %s: %s: %s", scope.get("method"), scope.get("path"), type(exc).__name__, exc)
            if not started:
                await unexpected(exc)(scope, receive, send)


def unexpected(exc: BaseException) -> JSONResponse:
    """Return the page's answer to an error no route expected: Vietnamese, without a traceback."""
    if isinstance(exc, OSError) and _disk_full(exc):
        return _error(507, "Ổ đĩa đầy: thao tác chưa xong, các tệp cũ vẫn nguyên. Hãy giải phóng chỗ trống trên ổ đĩa rồi thử lại")
    return _error(500, UNEXPECTED)


async def _unexpected_handler(request: Request, exc: Exception) -> Response:
    return unexpected(exc)  # Starlette answers with it, then raises on to Shield, which logs it once


async def _json_body(request: Request) -> dict[str, Any]:
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_JSON_BYTES:
            raise Refused(413, "dữ liệu gửi lên quá lớn")
    try:
        payload = json.loads(received.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Refused(400, "dữ liệu gửi lên không hợp lệ") from None
    if not isinstance(payload, dict):
        raise Refused(400, "dữ liệu gửi lên không hợp lệ")
    return payload


def bind(host: str, port: int) -> socket.socket:
    """Return a listening socket on host:port (port 0: any free port)."""
    from tbkl_gen.page.net import connection_limits

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":  # on Windows this option would let two servers share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(connection_limits()[1])
    except OSError:
        sock.close()
        raise
    return sock


def is_loopback(host: str) -> bool:
    """Tell whether host is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may stand for an address on the network


def plain_http_warning(host: str, *, accounts: bool = False) -> str:
    """Return the warning `tbkl serve` prints when the page listens beyond this machine in plain HTTP."""
    secret = "mật khẩu, phiên đăng nhập" if accounts else "mã truy cập (token)"
    return (
        f"Cảnh báo: trang đang lắng nghe trên {host}, các máy khác trong mạng mở được. Trang dùng HTTP không mã hóa: "
        f"{secret} và nội dung thông báo đi qua mạng ở dạng đọc được, ai nghe lén mạng đều lấy được. "
        "Chỉ dùng trong mạng nội bộ tin cậy; muốn an toàn hơn, để tbkl serve lắng nghe 127.0.0.1 "
        "và đặt phía trước một reverse proxy có TLS (HTTPS), ví dụ Caddy hoặc nginx."
    )


NO_ACCOUNTS_BEYOND_LOOPBACK = (
    "tbkl serve chỉ mở trang ra mạng khi đã có tài khoản: mỗi người đăng nhập bằng tài khoản của mình. "
    "Hãy tạo tài khoản bằng: tbkl users add TÊN --role soan-thao (duyet, van-thu, quan-tri) rồi chạy lại; "
    "hoặc bỏ --host để một người dùng trang trên chính máy này"
)


def serve(
    root: Path,
    host: str,
    port: int,
    *,
    announce: Callable[[str], None],
    open_browser: bool = True,
    warn: Callable[[str], None] | None = None,
    trusted_proxies: tuple[str, ...] = (),
    user_header: str | None = None,
    secure_cookies: bool = False,
    public_names: tuple[str, ...] = (),
) -> None:
    """Run the page over the service root until Ctrl-C or SIGTERM; announce its URL.

    With accounts under root (`tbkl users add`), every workspace of root is served to the people
    who log in (`create_service_app`); the options of a reverse proxy apply. Without accounts,
    root is one workspace served to one person on this machine by a token in the URL, and a host
    beyond this machine is refused (`AccountError`).

    The server is held to the limits of `tbkl_gen.page.net` (connections, time for headers and
    bodies, body size, a quiet log), and stops within SHUTDOWN_TIMEOUT seconds whatever its
    requests are doing. A host beyond this machine in plain HTTP is warned about through warn.
    """
    import webbrowser

    from tbkl_gen.errors import AccountError
    from tbkl_gen.page import net
    from tbkl_gen.service.accounts import Accounts, workspaces

    accounts = Accounts(root)
    with_accounts = accounts.any()
    if not with_accounts and not is_loopback(host):
        raise AccountError(NO_ACCOUNTS_BEYOND_LOOPBACK)
    if not with_accounts and not (root / "tbkl.yaml").is_file():
        names = ", ".join(workspaces(root))
        raise AccountError(
            f"{root} chứa nhiều thư mục làm việc ({names}): mở chúng trên một trang cần tài khoản (tbkl users add TÊN --role …); "
            f"một người trên máy này mở từng thư mục: tbkl serve {root / next(iter(workspaces(root)), '')}"
        )
    if not with_accounts and (trusted_proxies or user_header):
        raise AccountError("--trusted-proxy và --proxy-user-header cần tài khoản; hãy tạo bằng: tbkl users add TÊN --role …")
    proxies = auth.proxies(trusted_proxies)
    if user_header is not None and not proxies:
        raise AccountError("--proxy-user-header chỉ được tin khi đến từ reverse proxy: hãy chỉ địa chỉ của nó bằng --trusted-proxy")
    token = secrets.token_urlsafe(32)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    hosts = local_names() | {name.lower() for name in public_names}
    if host not in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "::"):
        hosts.add(host.lower())
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    tail = "" if with_accounts else f"?token={token}"
    url = f"http://{shown_host}:{port}/{tail}"
    announce(url)
    if host in ("0.0.0.0", "::"):  # an office LAN: the others open it by this machine's name
        announce(f"http://{socket.gethostname()}:{port}/{tail}")
    if not is_loopback(host) and not proxies and not secure_cookies and warn is not None:
        warn(plain_http_warning(host, accounts=with_accounts))
    if with_accounts:
        service = auth.Service(
            accounts=accounts,
            workspaces=workspaces(root),
            hosts=hosts,
            trusted_proxies=proxies,
            user_header=user_header.lower() if user_header else None,
            secure_cookies=secure_cookies,
            sessions=auth.Sessions(path=accounts.folder / auth.SESSIONS_FILE),
        )
        app = create_service_app(service, warm=True)
    else:
        app = create_app(root, token, hosts, warm=True)
    server = net.StoppableServer(net.server_config(app))
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        engine.close_office()
    if server.stopped_by is not None:
        raise KeyboardInterrupt  # the command ends as interrupted, after the office is closed
