"""The page's routes of issuing and the register: the clerk's dialog (`static/issue.js`) and the register's view.

Every route asks `access.require` first: anyone who may read the workspace sees the register and
downloads issued files; only the clerk (and the administrator) issues.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tbkl_gen.errors import IssuedUntagged, IssueUndoIncomplete, NotReadable, Refused
from tbkl_gen.files import read_regular
from tbkl_gen.nd30.words import shown_date
from tbkl_gen.page import access, engine
from tbkl_gen.page.history_routes import Note
from tbkl_gen.service import register
from tbkl_gen.service.issue import issue, parse_date, plan
from tbkl_gen.service.people import may

LOG = logging.getLogger("tbkl_gen.page")
MAX_ISSUED_BYTES = 64 * 1024 * 1024
_MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _entry(entry: register.Entry | None) -> dict[str, Any] | None:
    return None if entry is None else {**dataclasses.asdict(entry), "so_ky_hieu": entry.number_and_symbol}


def _year(value: object) -> int | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not value.isdigit() or len(value) != 4:
        raise Refused(400, f"năm “{value}” không hợp lệ: cần bốn chữ số")
    return int(value)


def _download(data: bytes, name: str, kind: str) -> Response:
    from urllib.parse import quote

    return Response(data, media_type=_MEDIA[kind], headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def routes(page: Any, handled: Callable[..., Callable[[Request], Any]]) -> list[Route]:
    """Return the routes of issuing and the register over the page's workspace (`server.Page`)."""
    root: Path = page.root

    def issue_plan(request: Request) -> dict[str, Any]:
        access.require("doc")
        path = page.notice_path(request.query_params.get("path"))
        today = dt.date.today()
        planned = plan(path, today)
        return {
            "path": planned.path,
            "loai": planned.kind,
            "ten_loai": planned.kind_name,
            "ky_hieu": planned.symbol,
            "day_so": planned.sequence,
            "nam": planned.year,
            "so_tiep": planned.next_number,
            "hom_nay": shown_date(today.year, today.month, today.day),
            "phat_hanh": _entry(planned.issued),
            "duoc_phat_hanh": may(access.person(), "phat-hanh"),
        }

    def issue_now(body: dict[str, Any]) -> dict[str, Any]:
        person = access.require("phat-hanh")
        path = page.notice_path(body.get("path"))
        number, date = body.get("so"), body.get("ngay")
        if number is not None and not isinstance(number, str):
            raise Refused(400, "số văn bản cần là chữ số")
        if not isinstance(date, str) or not date.strip():
            raise Refused(400, "cần ngày ban hành (ngày/tháng/năm, ví dụ 07/12/2026)")
        typed = number.strip() if isinstance(number, str) and number.strip() else None  # none: the register's next
        day = parse_date(date)
        with ExitStack() as marked:
            with page.save_lock:  # a save under way ends first; a save of this notice from now on is refused
                marked.enter_context(register.issuing(path))
            with engine.warm_office() as office:  # LibreOffice kept running for the service: no start to wait for
                try:
                    done = issue(path, person, number=typed, date=day, office=office)
                except (IssuedUntagged, IssueUndoIncomplete) as exc:  # the commands and commits are for the server's keeper
                    LOG.error("%s", exc)
                    raise Refused(500, exc.for_the_page) from None
        note = Note(commit=done.commit)
        note.pushed(root)  # the issue's commit and its tag, to the office's remote when there is one
        return {"phat_hanh": _entry(done.entry), "commit": done.commit, "nhan": done.tag, **note.answer}

    def issued_file(request: Request) -> Response:
        access.require("doc")
        path = page.notice_path(request.query_params.get("path"))
        kind = request.query_params.get("dang", "docx")
        if kind not in ("docx", "pdf"):
            raise Refused(400, "chỉ tải được bản .docx hoặc .pdf")
        entry = register.entry_of(root, path)
        if entry is None:
            raise Refused(404, f"{page.shown(path)}: văn bản chưa phát hành")
        target = root / (entry.tep_docx if kind == "docx" else entry.tep_pdf)
        issued = (root / register.ISSUED_DIR).resolve()
        if not target.parent.resolve().is_relative_to(issued):
            raise Refused(403, f"{target.name}: tệp phát hành phải nằm trong thư mục {register.ISSUED_DIR}/")
        try:
            data = read_regular(target, MAX_ISSUED_BYTES, follow_links=False)
        except NotReadable as exc:
            raise Refused(404, f"{register.relative(root, target)}: {exc.reason}") from None
        return _download(data, target.name, kind)

    def register_view(request: Request) -> dict[str, Any]:
        access.require("doc")
        year = _year(request.query_params.get("nam"))
        return {
            "nam": register.years(root),
            "dong": [_entry(e) for e in register.entries(root, year)],
            "cot": register.HEADINGS,
        }

    def register_export(request: Request) -> Response:
        access.require("doc")
        year = _year(request.query_params.get("nam"))
        kind = request.query_params.get("dang", "xlsx")
        if kind not in ("xlsx", "csv"):
            raise Refused(400, "chỉ xuất được .xlsx hoặc .csv")
        data = register.xlsx_bytes(root, year) if kind == "xlsx" else register.csv_bytes(root, year)
        return _download(data, f"so-dang-ky-van-ban-di{f'-{year}' if year else ''}.{kind}", kind)

    return [
        Route("/api/issue/plan", handled(issue_plan)),
        Route("/api/issue", handled(issue_now, body=True), methods=["POST"]),
        Route("/api/issue/file", handled(issued_file)),
        Route("/api/register", handled(register_view)),
        Route("/api/register/export", handled(register_export)),
    ]
