"""The register of documents issued from a workspace (sổ đăng ký văn bản đi), and its numbers.

One CSV file a year under `so-dang-ky/` (`2026.csv`), committed with the issue it records: a row
per document issued, the number either drawn here or typed from the e-office system. Numbers of a
year start at 01 on 1 January (ND30 Điều 15) in each sequence the workspace's `tbkl.yaml` declares
(`day_so`: which kinds and symbols share one); the next number is the largest of its sequence in
that year plus one. Drawing a number and writing its row happen under one lock file
(`so-dang-ky/.khoa`, `tbkl_gen.files.held`), so two clerks issuing at the same moment, from two
requests or two processes, get distinct consecutive numbers.

A source that has a row is frozen: saving it through the page is refused (`refuse_if_issued`) and
`tbkl check` warns when its bytes no longer hash to the row's digest (`changed_since_issue`).
"""

from __future__ import annotations

import _thread
import dataclasses
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tbkl_gen.errors import IssuedFrozen, NotReadable, issued_frozen, Place, Problem, RegisterUnreadable, Severity
from tbkl_gen.files import held, read_regular, sha256_hex, write_file
from tbkl_gen.nd30.words import number_text, read_shown_day
from tbkl_gen.notice.kinds import KINDS

REGISTER_DIR = "so-dang-ky"
ISSUED_DIR = "phat-hanh"
LOCK_NAME = ".khoa"
MAX_REGISTER_BYTES = 32 * 1024 * 1024
ISSUE_WAIT_SECONDS = 300.0
"""How long an issue waits for another one in progress (LibreOffice makes the PDF/A under the lock)."""

FROM_REGISTER = "so-dang-ky"
FROM_EOFFICE = "e-office"
ORIGIN_LABELS = {FROM_REGISTER: "sổ đăng ký này", FROM_EOFFICE: "hệ thống e-office"}


@dataclass(frozen=True)
class Entry:
    """One row of the register: a document issued, as the CSV file holds it (text only)."""

    day_so: str
    so: str
    ky_hieu: str
    ngay: str
    loai: str
    trich_yeu: str
    nguoi_ky: str
    noi_nhan: str
    so_ban: str
    tep_nguon: str
    nguon_sha256: str
    commit: str
    nhan_git: str
    tep_docx: str
    tep_pdf: str
    nguon_so: str
    nguoi_phat_hanh: str
    thoi_gian: str

    @property
    def number_and_symbol(self) -> str:
        return f"{self.so}/{self.ky_hieu}"

    @property
    def date(self) -> dt.date:
        return read_shown_day(self.ngay)


FIELDS = tuple(f.name for f in dataclasses.fields(Entry))

HEADINGS: dict[str, str] = {
    "so": "Số",
    "ky_hieu": "Ký hiệu",
    "ngay": "Ngày ban hành",
    "loai": "Loại văn bản",
    "trich_yeu": "Trích yếu nội dung",
    "nguoi_ky": "Người ký",
    "noi_nhan": "Nơi nhận",
    "so_ban": "Số lượng bản",
    "day_so": "Dãy số",
    "nguon_so": "Số cấp từ",
    "tep_nguon": "Tệp nguồn",
    "nguon_sha256": "Mã SHA-256 của tệp nguồn",
    "commit": "Phiên bản nguồn đã duyệt (commit)",
    "nhan_git": "Nhãn git của lần phát hành",
    "tep_docx": "Tệp Word phát hành",
    "tep_pdf": "Tệp PDF/A phát hành",
    "nguoi_phat_hanh": "Người phát hành",
    "thoi_gian": "Thời điểm ghi sổ",
}
"""The Vietnamese heading of each column in the exports (.csv, .xlsx), in their order after "STT"."""


def register_dir(root: Path) -> Path:
    return root / REGISTER_DIR


def year_file(root: Path, year: int) -> Path:
    return register_dir(root) / f"{year}.csv"


def issued_dir(root: Path, year: int) -> Path:
    return root / ISSUED_DIR / str(year)


@contextmanager
def locked(root: Path, wait: float = ISSUE_WAIT_SECONDS) -> Iterator[None]:
    """Hold the workspace's register: one issue at a time, across threads and processes."""
    with held(register_dir(root) / LOCK_NAME, what="sổ đăng ký văn bản (một lần phát hành khác đang chạy)", wait=wait):
        yield


# --- reading and writing ------------------------------------------------------------------------


def years(root: Path) -> list[int]:
    """Return the years that have a register file, oldest first."""
    folder = register_dir(root)
    if not folder.is_dir():
        return []
    return sorted(int(p.stem) for p in folder.glob("*.csv") if re.fullmatch(r"\d{4}", p.stem))


def entries(root: Path, year: int | None = None) -> list[Entry]:
    """Return the rows of the register (of one year, or of every year), in the order they were written."""
    chosen = [year] if year is not None else years(root)
    found: list[Entry] = []
    for each in chosen:
        found += _read_year(year_file(root, each))
    return found


def _read_year(path: Path) -> list[Entry]:
    try:
        data = read_regular(path, MAX_REGISTER_BYTES, follow_links=False)
    except NotReadable as exc:
        if exc.missing:
            return []
        raise RegisterUnreadable(path, exc.reason) from None
    import csv  # here: a check outside a workspace with a register reads none (benchmarks/README.md, "Sixth pass")

    text = data.decode("utf-8-sig", errors="replace")
    rows: list[Entry] = []
    for row in csv.DictReader(io.StringIO(text, newline="")):
        rows.append(Entry(**{name: (row.get(name) or "") for name in FIELDS}))
    return rows


def append(root: Path, entry: Entry) -> Path:
    """Add entry to its year's file (call under `locked`); return the file."""
    path = year_file(root, entry.date.year)
    import csv

    rows = _read_year(path)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in [*rows, entry]:
        writer.writerow(dataclasses.asdict(row))
    write_file(path, out.getvalue().encode("utf-8"), inside=root)
    ignore = register_dir(root) / ".gitignore"
    if not ignore.exists():
        write_file(ignore, f"/{LOCK_NAME}\n/{LOCK_NAME}.*\n".encode(), inside=root)
    return path


# --- numbers ------------------------------------------------------------------------------------


def next_number(root: Path, year: int, sequence: str) -> str:
    """Return the next number of the sequence in year, as printed ("01" on 1 January)."""
    used = [int(e.so) for e in entries(root, year) if e.day_so == sequence and e.so.isdigit()]
    return number_text(str(max(used, default=0) + 1))


def holder_of(root: Path, year: int, sequence: str, number: str) -> Entry | None:
    """Return the row that already holds number in the sequence that year, if one does."""
    wanted = int(number)
    return next((e for e in entries(root, year) if e.day_so == sequence and e.so.isdigit() and int(e.so) == wanted), None)


# --- frozen documents ---------------------------------------------------------------------------


def relative(root: Path, path: Path) -> str:
    """Return the source's path as the register names it: relative to the workspace, with slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.parent.resolve().joinpath(path.name).relative_to(root.resolve()).as_posix()


def entry_of(root: Path, path: Path) -> Entry | None:
    """Return the register's row of the source at path, if it was issued."""
    name = relative(root, path)
    return next((e for e in reversed(entries(root)) if e.tep_nguon == name), None)


# The sources being issued in this process: a save of one waits for nothing and is refused.
_issuing: Counter[Path] = Counter()
_issuing_guard = _thread.allocate_lock()  # threading.Lock, without importing threading at every check


@contextmanager
def issuing(path: Path) -> Iterator[None]:
    """Mark the source at path as being issued while the block runs (`refuse_if_issued` refuses it)."""
    key = path.resolve()
    with _issuing_guard:
        _issuing[key] += 1
    try:
        yield
    finally:
        with _issuing_guard:
            _issuing[key] -= 1
            if not _issuing[key]:
                del _issuing[key]


def refuse_if_issued(root: Path, path: Path, shown: str | None = None) -> None:
    """Raise IssuedFrozen when the source at path was issued, or is being issued: its text may no longer change."""
    with _issuing_guard:
        busy = path.resolve() in _issuing
    if busy:
        raise IssuedFrozen(shown or relative(root, path), "", "", issuing=True)
    entry = entry_of(root, path)
    if entry is not None:
        raise IssuedFrozen(shown or relative(root, path), entry.number_and_symbol, entry.ngay)


def _issued_entries(sources: list[Path]) -> Iterator[tuple[Path, Entry]]:
    """Yield each issued source among sources with its row: each folder's workspace found once, each register read once."""
    from tbkl_gen.source.workspace import find_config

    roots: dict[Path, Path | None] = {}
    books: dict[Path, dict[str, Entry]] = {}
    for source in sources:
        folder = source.resolve().parent
        if folder not in roots:
            config = find_config(folder)
            roots[folder] = config.parent.resolve() if config is not None else None
        root = roots[folder]
        if root is None:
            continue
        if root not in books:
            books[root] = {e.tep_nguon: e for e in entries(root)}
        if not books[root]:
            continue
        try:
            entry = books[root].get(relative(root, source))
        except ValueError:
            continue
        if entry is not None:
            yield source, entry


def issued_sources(sources: list[Path]) -> dict[Path, str]:
    """Return the issued ones among sources (resolved), each with why it may not change, in Vietnamese."""
    return {source.resolve(): issued_frozen(entry.number_and_symbol, entry.ngay) for source, entry in _issued_entries(sources)}


def digest(data: bytes) -> str:
    return sha256_hex(data)


def changed_since_issue(sources: list[Path]) -> list[Problem]:
    """Return a warning for each issued source whose bytes differ from those the register recorded."""
    found: list[Problem] = []
    for source, entry in _issued_entries(sources):
        try:
            now = digest(read_regular(source, MAX_REGISTER_BYTES, follow_links=False))
        except NotReadable:
            now = ""
        if now != entry.nguon_sha256:
            found.append(
                Problem(
                    Place(source),
                    f"văn bản đã phát hành (số {entry.number_and_symbol}, ngày {entry.ngay}) nhưng tệp nguồn đã thay đổi từ khi phát hành",
                    Severity.WARNING,
                    hint=f"bản phát hành là {entry.tep_docx}; khôi phục nguồn đã phát hành (nhãn git {entry.nhan_git}) hoặc lưu thành văn bản mới",
                    code="issued_changed",
                )
            )
    return found


# --- exports ------------------------------------------------------------------------------------


def _cells(entry: Entry, index: int) -> list[str | int]:
    kind = KINDS.get(entry.loai)
    values: dict[str, str | int] = {
        **dataclasses.asdict(entry),
        "loai": kind.name if kind is not None else entry.loai,
        "nguon_so": ORIGIN_LABELS.get(entry.nguon_so, entry.nguon_so),
    }
    if entry.so_ban.isdigit():
        values["so_ban"] = int(entry.so_ban)
    return [index, *(values[name] for name in HEADINGS)]


def table(root: Path, year: int | None = None) -> tuple[list[str], list[list[str | int]]]:
    """Return the export's headings and rows (STT first)."""
    rows = [_cells(entry, index) for index, entry in enumerate(entries(root, year), start=1)]
    return ["STT", *HEADINGS.values()], rows


def csv_bytes(root: Path, year: int | None = None) -> bytes:
    """Return the register as CSV with Vietnamese headings, UTF-8 with the mark Excel needs to read it as such."""
    import csv

    headings, rows = table(root, year)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(root: Path, year: int | None = None) -> bytes:
    """Return the register as an Excel workbook (openpyxl), one sheet, headings in bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    headings, rows = table(root, year)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Sổ văn bản đi {year}" if year is not None else "Sổ văn bản đi"
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(row)
    widths = {"trich_yeu": 60, "noi_nhan": 40, "nguoi_ky": 28, "nguon_sha256": 20}  # by field; STT is 6, any other 16
    for column, name in enumerate(["STT", *HEADINGS], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = 6 if name == "STT" else widths.get(name, 16)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(root: Path, target: Path, *, year: int | None = None, kind: str = "csv") -> int:
    """Write the register to target as CSV or xlsx through the safe writer; return the number of rows."""
    data = xlsx_bytes(root, year) if kind == "xlsx" else csv_bytes(root, year)
    write_file(target, data)
    return len(entries(root, year))
