"""Issuing a document (phát hành): its number and date, the final files, the register's row, a tag.

The clerk gives either the number and date the e-office system returned, or none: then the next
number of the workspace's register (`service.register`). Under the register's lock, one issue at
a time: the number and date are written into the source with the round-trip writer (comments and
layout kept), the final .docx goes to `phat-hanh/<năm>/`, LibreOffice makes its PDF/A and the
e-office sidecar beside it (`commands.pdf`, as `tbkl render --pdf --pdfa --sidecar`), a row is
added to the register, and all of it is one commit of the clerk's, tagged. A failure on the way
puts the source back and removes what was written: nothing half issued stays.

Only an approved version is issued (`service.review.approval`): the source on disk must be the
version approved, and the review's record says issued in the same commit (`review.mark_issued`);
`tbkl issue --khong-qua-duyet` alone issues without (a unit approving on paper).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbkl_gen.errors import IssueRefused, NoticeInvalid, NotReadable, TbklError
from tbkl_gen.files import discard, read_regular, write_file
from tbkl_gen.nd30.grammar import NUMBER_SHAPE
from tbkl_gen.nd30.words import date_parts, number_text, shown_date
from tbkl_gen.service import history, register, review
from tbkl_gen.service.people import LOCAL, Person
from tbkl_gen.service.register import FROM_EOFFICE, FROM_REGISTER, Entry
from tbkl_gen.source.names import slugify
from tbkl_gen.source.read import MAX_SOURCE_BYTES
from tbkl_gen.source.workspace import Workspace, find_workspace

if TYPE_CHECKING:
    from tbkl_gen.office.server import Office

MAX_SIDECAR_BYTES = 1024 * 1024
"""The e-office sidecar written beside the PDF/A, read back for the register's row."""


@dataclass(frozen=True)
class Plan:
    """What issuing a source now would give it: for the clerk's dialog before issuing."""

    path: str
    kind: str
    kind_name: str
    symbol: str
    sequence: str
    year: int
    next_number: str
    issued: Entry | None


@dataclass(frozen=True)
class Issued:
    """A document issued: its register row and the files written."""

    entry: Entry
    docx: Path
    pdf: Path
    sidecar: Path
    commit: str
    tag: str


def parse_date(text: str) -> dt.date:
    """Return the date the clerk typed as dd/mm/yyyy (or yyyy-mm-dd); IssueRefused when it is not a day of the calendar."""
    year, month, day = date_parts(text) or (0, None, None)
    if month is None or day is None:
        raise IssueRefused(f"ngày ban hành “{text}” không hợp lệ: cần ngày đủ, dạng ngày/tháng/năm (ví dụ 07/12/2026)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise IssueRefused(f"ngày ban hành “{text}” không có trong lịch") from None


def parse_number(text: str) -> str:
    """Return a number typed from the e-office system as printed ("5" → "05"); IssueRefused when it is no number."""
    typed = text.strip()
    if not NUMBER_SHAPE.match(typed):
        raise IssueRefused(f"số văn bản “{text}” không hợp lệ: cần số Ả Rập từ 1 (ví dụ 5 hoặc 05), không kèm ký hiệu")
    return number_text(typed)


def workspace_of(path: Path) -> Workspace:
    workspace = find_workspace(path.resolve().parent)
    if workspace is None:
        raise IssueRefused(f"{path.as_posix()}: không nằm trong thư mục làm việc có tbkl.yaml, nên không có sổ đăng ký để phát hành")
    return workspace


def _read(path: Path, shown: str, limit: int = MAX_SOURCE_BYTES) -> bytes:
    try:
        return read_regular(path, limit, follow_links=False)
    except NotReadable as exc:
        raise IssueRefused(f"{shown}: {exc.reason}") from None


def _before(path: Path, shown: str, limit: int) -> bytes | None:
    """Return the bytes of a file the issue changes, to put back if it fails (None: there is none yet)."""
    try:
        return read_regular(path, limit, follow_links=False)
    except NotReadable as exc:
        if exc.missing:
            return None
        raise IssueRefused(f"{shown}: {exc.reason}") from None


def _text(raw: bytes, path: Path, workspace: Workspace) -> str:
    """Return the source's text; one that is not UTF-8 is refused with the pipeline's own message (as `tbkl check` says it)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from tbkl_gen.pipeline import run_file

        outcome = run_file(path, workspace, until="check")
        raise NoticeInvalid([p for p in outcome.problems if p.is_error] or outcome.problems) from None


def _laid_out(text: str, path: Path, workspace: Workspace, until: Any = "layout") -> Any:
    from tbkl_gen.pipeline import run

    outcome = run(text, path, workspace, until=until)
    if not outcome.valid or outcome.layout is None or outcome.kind is None or outcome.notice is None:
        raise NoticeInvalid([p for p in outcome.problems if p.is_error] or outcome.problems)
    return outcome


def plan(path: Path, today: dt.date | None = None) -> Plan:
    """Return what issuing the source at path today would give it (kind, symbol, sequence, next number)."""
    workspace = workspace_of(path)
    root = workspace.root
    shown = register.relative(root, path)
    text = _text(_read(path, shown), path, workspace)
    outcome = _laid_out(text, path, workspace)
    year = (today or dt.date.today()).year
    sequence = workspace.sequence_for(outcome.kind.key, outcome.layout.ky_hieu, outcome.notice.co_quan.viet_tat)
    return Plan(
        path=shown,
        kind=outcome.kind.key,
        kind_name=outcome.kind.name,
        symbol=outcome.layout.ky_hieu,
        sequence=sequence,
        year=year,
        next_number=register.next_number(root, year, sequence),
        issued=register.entry_of(root, path),
    )


def _approved_commit(root: Path, path: Path, raw: bytes, shown: str) -> str:
    """Return the approved commit the source on disk is; IssueRefused when it is not approved, or changed since."""
    record = review.approval(root, path)
    if record is None:
        raise IssueRefused(f"{shown}: văn bản chưa được duyệt; chỉ phát hành văn bản đã được lãnh đạo duyệt")
    commit = record.commit
    if not commit:
        raise IssueRefused(f"{shown}: bản ghi duyệt không nêu phiên bản đã duyệt; hãy trình duyệt lại")
    name = register.relative(root, path)
    # its size first: a version of another size is not this one, and is never read (it may be of any size)
    size = history.git(root, "cat-file", "-s", f"{commit}:{name}", check=False)
    same_size = size.returncode == 0 and size.stdout.strip() == str(len(raw)).encode()
    shown_approved = history.git(root, "show", f"{commit}:{name}", check=False) if same_size else None
    if shown_approved is None or shown_approved.returncode != 0 or shown_approved.stdout != raw:
        raise IssueRefused(
            f"{shown}: văn bản đã thay đổi sau khi được duyệt (bản duyệt: {commit[:10]}); hãy trình duyệt lại trước khi phát hành"
        )
    return commit


def _last_commit(root: Path, name: str) -> str:
    if not history.is_repository(root):
        return ""
    done = history.git(root, "log", "-1", "--format=%H", "--", name, check=False)
    return done.stdout.decode().strip() if done.returncode == 0 else ""


def issue(
    path: Path,
    person: Person,
    *,
    number: str | None = None,
    date: dt.date | None = None,
    now: dt.datetime | None = None,
    reviewed: bool = True,
    office: Office | None = None,
) -> Issued:
    """Issue the source at path: number (typed from e-office) or the register's next, date (or today).

    reviewed=False issues a source that went through no review here (`tbkl issue --khong-qua-duyet`,
    for a unit whose leader approves on paper); the commit's message says so. The page never does.
    office: the service's warm LibreOffice for the PDF/A (its caller holds it for this issue);
    none, one is started for it and stopped after (`tbkl issue`).
    """
    from tbkl_gen.commands.batch import Job
    from tbkl_gen.commands.pdf import export_pdfs
    from tbkl_gen.service.yamlsave import editable, updated

    workspace = workspace_of(path)
    root = workspace.root.resolve()
    path = path.parent.resolve() / path.name
    name = register.relative(root, path)
    typed = parse_number(number) if number is not None else None
    moment = now or dt.datetime.now().astimezone()
    day = date or moment.date()
    with register.locked(root), register.issuing(path):
        done = register.entry_of(root, path)
        if done is not None:
            raise IssueRefused(f"{name}: đã phát hành số {done.number_and_symbol} ngày {done.ngay}; không phát hành lại")
        raw = _read(path, name)
        text = _text(raw, path, workspace)
        before = _laid_out(text, path, workspace)  # what is wrong with the document is said first
        approved = _approved_commit(root, path, raw, name) if reviewed else None
        sequence = workspace.sequence_for(before.kind.key, before.layout.ky_hieu, before.notice.co_quan.viet_tat)
        if typed is not None:
            holder = register.holder_of(root, day.year, sequence, typed)
            if holder is not None:
                raise IssueRefused(
                    f"số {typed} năm {day.year} của dãy “{sequence}” đã cấp cho {holder.number_and_symbol} ngày {holder.ngay} ({holder.tep_nguon})"
                )
        chosen = typed or register.next_number(root, day.year, sequence)
        data = editable(text)
        if data is None:
            raise IssueRefused(f"{name}: tệp không phải một bảng các khóa của thông báo")
        written = updated(text, {**data, "so": chosen, "ngay": shown_date(day.year, day.month, day.day)})
        after = _laid_out(written, path, workspace, until="document")
        stem = slugify(f"{chosen}-{after.layout.ky_hieu}")
        folder = register.issued_dir(root, day.year)
        docx = folder / f"{stem}.docx"
        outputs = [docx, docx.with_suffix(".pdf"), docx.with_suffix(".json")]
        taken = [p for p in outputs if p.exists()]
        if taken:
            raise IssueRefused(f"{register.relative(root, taken[0])}: đã có tệp phát hành trùng tên; không ghi đè")
        tag = f"phat-hanh/{day.year}/{stem}"
        if (
            history.is_repository(root)
            and history.git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}", check=False).returncode == 0
        ):
            raise IssueRefused(f"đã có nhãn git “{tag}”; không phát hành trùng")
        written_bytes = written.encode("utf-8")
        book = register.year_file(root, day.year)
        book_before = _before(book, register.relative(root, book), register.MAX_REGISTER_BYTES)
        # The source or the register edited on the server's disk by hand: committed first, as the
        # service, so that the clerk's commit holds only the issue (as a save does).
        history.adopt_hand_edits(root, [path, book])
        record_file = review.record_path(root, path)
        record_before = _before(record_file, register.relative(root, record_file), review.MAX_RECORD_BYTES)
        try:
            write_file(path, written_bytes)
            write_file(docx, after.document, inside=root)
            pdfs = export_pdfs([Job(path, docx, docx.name)], [], pdfa=True, sidecar=True, office=office)
            if pdfs.failed:
                where, why = pdfs.failed[0]
                raise IssueRefused(f"{register.relative(root, where) if where.is_absolute() else where.as_posix()}: {why}")
            sidecar = json.loads(_read(outputs[2], register.relative(root, outputs[2]), MAX_SIDECAR_BYTES).decode("utf-8"))
            entry = Entry(
                day_so=sequence,
                so=chosen,
                ky_hieu=after.layout.ky_hieu,
                ngay=shown_date(day.year, day.month, day.day),
                loai=after.kind.key,
                trich_yeu=sidecar["trich_yeu"],
                nguoi_ky=sidecar["nguoi_ky"]["ho_ten"],
                noi_nhan="; ".join(sidecar["noi_nhan"]),
                so_ban=str(after.notice.so_ban or ""),
                tep_nguon=name,
                nguon_sha256=register.digest(written_bytes),
                commit=approved or _last_commit(root, name),
                nhan_git=tag,
                tep_docx=register.relative(root, docx),
                tep_pdf=register.relative(root, outputs[1]),
                nguon_so=FROM_EOFFICE if typed is not None else FROM_REGISTER,
                nguoi_phat_hanh=person.name,
                thoi_gian=moment.isoformat(timespec="seconds"),
            )
            if sidecar["nguon_sha256"] != entry.nguon_sha256:
                raise IssueRefused(f"{name}: tệp nguồn đổi trong lúc phát hành; hãy thử lại")
            year_file = register.append(root, entry)
            # the review's record says issued (who, when, which approved commit), in the issue's one commit
            if approved is not None:
                review.mark_issued(
                    root, path, person, number=entry.number_and_symbol, date=entry.ngay, approved_commit=approved, commit=False
                )
            message = f"Phát hành số {entry.number_and_symbol} ngày {entry.ngay}: {name}" + (
                "" if reviewed else " (không qua duyệt trên hệ thống)"
            )
            recorded = [record_file] if approved is not None else []
            sha = history.commit(root, [path, *outputs, year_file, year_file.parent / ".gitignore", *recorded], person, message)
            if sha is None:
                raise IssueRefused(f"{name}: git không ghi được lần phát hành (không có gì thay đổi)")
        except BaseException:
            _undo(path, raw, outputs, book, book_before)
            if record_before is not None:
                _put_back(record_file, record_before)
            raise
        with history.serialised(root):
            history.git(root, "tag", "-a", tag, "-m", message, sha, person=person)
    return Issued(entry, docx, outputs[1], outputs[2], sha, tag)


def _put_back(path: Path, data: bytes) -> None:
    try:
        write_file(path, data)
    except TbklError:
        pass


def _undo(path: Path, raw: bytes, outputs: list[Path], book: Path, book_before: bytes | None) -> None:
    """Put the source and the register back and remove the files of an issue that failed before its commit."""
    try:
        write_file(path, raw)
        if book_before is not None:
            write_file(book, book_before)
        else:
            discard(book)
    except TbklError:
        pass
    for output in outputs:
        discard(output)


def local_person(root: Path) -> Person:
    """Return the person of the command line: the one local person, named as git is configured on this machine when it is."""
    return history.identity(root, LOCAL)
