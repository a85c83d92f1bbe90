"""PDF after a render (`tbkl render --pdf/--pdfa/--sidecar`) and page previews (`tbkl preview`).

The render writes its .docx files first; this step then hands the ones that changed (and those
whose PDF is missing, or is not PDF/A when --pdfa asks for it) to one LibreOffice for the whole
batch. With --sidecar, `<name>.json` beside each PDF holds what a clerk types into the e-office
form (VNPT iOffice, Viettel VOffice): `sidecar_schema()` documents each field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbkl_gen.errors import OutputFailed, OutputLocked, TbklError
from tbkl_gen.nd30.authority import PREFIXES
from tbkl_gen.nd30.document_types import THONG_BAO
from tbkl_gen.nd30.format import ADDRESSEE_HEAD, APPENDIX_WORD, ARCHIVE_WORD
from tbkl_gen.office.pdf import DEFAULT_DPI, MAX_PDF_BYTES, draw_pages, page_count
from tbkl_gen.files import read_regular_or_none, write_file

if TYPE_CHECKING:
    from tbkl_gen.commands.batch import Job
    from tbkl_gen.office.server import Office

SIDECAR_VERSION = 1
_PDFA_MARK = b"pdfaid:part>2<"


@dataclass
class PdfOutcome:
    """What the PDF step did: files written, files that failed (with why), and warnings."""

    pdfs: list[Path] = field(default_factory=list)
    sidecars: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    starts: int = 0


def pdf_path(docx: Path) -> Path:
    return docx.with_suffix(".pdf")


def _needs_pdf(docx: Path, pdfa: bool) -> bool:
    pdf = pdf_path(docx)
    try:
        if pdf.stat().st_mtime_ns < docx.stat().st_mtime_ns:
            return True
        if not pdfa:
            return False
        data = read_regular_or_none(pdf, MAX_PDF_BYTES, follow_links=False)  # a link or a pipe planted there: made anew
        return data is None or _PDFA_MARK not in data
    except OSError:
        return True


def font_warnings() -> list[str]:
    """Return the warning to give once a run when Times New Roman is not installed."""
    from tbkl_gen.office.locate import FONT_WARNING, has_times_new_roman

    return [] if has_times_new_roman() else [FONT_WARNING]


def export_pdfs(made: list[Job], unchanged: list[Job], *, pdfa: bool = False, sidecar: bool = False) -> PdfOutcome:
    """Write the PDF (and the sidecar) of each rendered job; jobs are batch.Job (source, output).

    Raises LibreOfficeMissing when a PDF is needed and LibreOffice is not installed.
    """
    from tbkl_gen.commands.batch import pause_for_test, stop_on_signals

    outcome = PdfOutcome()
    todo = list(made) + [job for job in unchanged if _needs_pdf(job.output, pdfa)]
    if todo:
        outcome.warnings += font_warnings()
        with stop_on_signals() as signals, _office(signals, placed=lambda: pause_for_test("pdf", signals)) as office:
            conversions = office.convert([(job.output, pdf_path(job.output)) for job in todo], pdfa=pdfa)
            outcome.starts = office.starts
        for conversion in conversions:
            if conversion.error is None:
                outcome.pdfs.append(conversion.target)
            else:
                outcome.failed.append((conversion.source, conversion.error))
    if sidecar:
        failed = {source for source, _ in outcome.failed}
        for job in [*made, *unchanged]:
            target = job.output.with_suffix(".json")
            if job.output in failed or (job in unchanged and job not in todo and target.is_file()):
                continue
            try:
                write_sidecar(job.source, pdf_path(job.output), target)
            except (OutputLocked, OutputFailed) as exc:
                outcome.failed.append((target, str(exc).split(": ", 1)[-1]))
            except TbklError as exc:
                outcome.failed.append((job.source, str(exc)))
            else:
                outcome.sidecars.append(target)
    return outcome


@contextmanager
def _office(signals: Any, *, what: str = "xuất PDF", placed: Callable[[], None] | None = None) -> Iterator[Any]:
    """Run a LibreOffice of our own that Ctrl-C and SIGTERM stop cleanly: LibreOffice ended, its
    profile folder (tbkl-office-*) removed, then `Interrupted` raised for the CLI to say so.

    The signals are held while LibreOffice's folder is made and while it is removed, so that a
    signal never leaves one half made or half removed.
    """
    from tbkl_gen.office.server import Office

    with signals.held():
        office = Office(what=what, placed=placed)
    try:
        yield office
    finally:
        with signals.held():
            office.close()


# --- the e-office sidecar -----------------------------------------------------------------------

SIDECAR_FIELDS: dict[str, tuple[Any, str]] = {
    "phien_ban": ({"type": "integer", "const": SIDECAR_VERSION}, "Phiên bản của định dạng tệp này."),
    "loai": ({"type": "string"}, "Loại văn bản của tệp nguồn (loai): thong_bao, cong_van, giay_moi."),
    "loai_van_ban": ({"type": "string"}, "Tên loại văn bản, như trên e-office: “Thông báo”, “Công văn”, “Giấy mời”."),
    "ma_loai": ({"type": "string"}, f"Chữ viết tắt của loại văn bản ({APPENDIX_WORD} III NĐ 30): “TB”, “GM”; trống với công văn."),
    "so": ({"type": "string"}, "Số văn bản như khi in (“05”); để trống khi văn thư chưa cấp số."),
    "ky_hieu": ({"type": "string"}, f"Ký hiệu sau dấu /: “{THONG_BAO.symbol('VP')}”."),
    "so_ky_hieu": (
        {"type": "string"},
        f"Số và ký hiệu như ô “Số/Ký hiệu” của e-office (“05/{THONG_BAO.symbol('VP')}”); trống khi chưa có số.",
    ),
    "ngay_ban_hanh": ({"type": "string"}, "Ngày ban hành YYYY-MM-DD; trống khi ngày hoặc tháng còn để trống."),
    "dia_danh": ({"type": "string"}, "Địa danh ghi trước ngày tháng."),
    "co_quan_chu_quan": ({"type": "string"}, "Tên cơ quan chủ quản (dòng trên tên cơ quan ban hành); trống khi không có."),
    "co_quan_ban_hanh": ({"type": "string"}, "Tên cơ quan ban hành, các dòng nối bằng dấu cách."),
    "trich_yeu": ({"type": "string"}, "Trích yếu nội dung, một dòng."),
    "kinh_gui": (
        {"type": "array", "items": {"type": "string"}},
        f"Nơi nhận ở dòng “Kính gửi” dưới trích yếu, mỗi nơi một mục, không có “{ADDRESSEE_HEAD}”, dấu “-”, “;”, “.”; rỗng khi không có.",
    ),
    "nguoi_ky": (
        {
            "type": "object",
            "properties": {
                "quyen_han": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": f"Các dòng thẩm quyền ký ({', '.join(PREFIXES)}).",
                },
                "chuc_vu": {"type": "string", "description": "Chức vụ người ký, như khi in."},
                "ho_ten": {"type": "string", "description": "Họ tên người ký."},
            },
            "required": ["quyen_han", "chuc_vu", "ho_ten"],
            "additionalProperties": False,
        },
        "Người ký: thẩm quyền, chức vụ, họ tên.",
    ),
    "noi_nhan": ({"type": "array", "items": {"type": "string"}}, "Nơi nhận, mỗi nơi một mục, không có dấu “-” và “;”."),
    "luu": ({"type": "string"}, f"Dòng lưu sau “{ARCHIVE_WORD}” (“VT, TH”)."),
    "do_khan": ({"type": "string"}, "Mức độ khẩn (KHẨN, THƯỢNG KHẨN, HỎA TỐC); trống khi thường."),
    "rieng": (
        {"type": "object"},
        "Các trường riêng của loại văn bản như trong tệp nguồn (thông báo: ngày họp; giấy mời: cuộc họp, thành phần mời, …); "
        "chỉ có các trường đã ghi.",
    ),
    "so_trang": ({"type": "integer", "minimum": 1}, "Số trang của bản PDF."),
    "tep_pdf": ({"type": "string"}, "Tên tệp PDF nằm cùng thư mục."),
    "nguon_sha256": ({"type": "string", "pattern": "^[0-9a-f]{64}$"}, "SHA-256 của tệp nguồn .yaml: bản PDF làm từ đúng nguồn này."),
}


def sidecar_schema() -> dict[str, Any]:
    """Return the JSON Schema of the sidecar, built from SIDECAR_FIELDS and each kind's own fields."""
    from tbkl_gen.notice.kinds import KINDS
    from tbkl_gen.notice.validation import model_for

    properties = {name: {**spec, "description": text} for name, (spec, text) in SIDECAR_FIELDS.items()}
    properties["loai"]["enum"] = list(KINDS)
    own: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    for kind in KINDS.values():
        schema = model_for(kind.model).model_json_schema(mode="serialization")
        definitions.update(schema.get("$defs", {}))
        for key in _own_keys(kind):
            own.setdefault(key, schema["properties"][key])
    properties["rieng"] = {**properties["rieng"], "properties": own, "additionalProperties": False}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tbkl e-office sidecar",
        "description": "Những gì văn thư nhập vào biểu mẫu của hệ thống quản lý văn bản điều hành khi phát hành bản PDF.",
        "type": "object",
        "properties": properties,
        "required": list(SIDECAR_FIELDS),
        "additionalProperties": False,
        "$defs": definitions,
    }


# Printed elsewhere in the sidecar: the summary (trich_yeu) and the body are not the clerk's to type.
_NOT_IN_SIDECAR = ("trich_yeu", "noi_dung")


def _own_keys(kind: Any) -> list[str]:
    return [key.name for key in kind.own_keys() if key.name not in _NOT_IN_SIDECAR]


def _plain(value: Any) -> Any:
    """Return a value of a document as JSON: dates as ISO text, parts as objects, lists as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if getattr(value, f.name) is not None}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def own_fields(notice: Any, kind: Any) -> dict[str, Any]:
    """Return the fields of the document's kind that the source gave (not None, not empty)."""
    values = {key: getattr(notice, key) for key in _own_keys(kind)}
    return {key: _plain(value) for key, value in values.items() if value not in (None, (), "")}


def sidecar_data(source: Path, pdf: Path) -> dict[str, Any]:
    """Return the sidecar of the notice at source, whose PDF is pdf."""
    from tbkl_gen.errors import NoticeInvalid
    from tbkl_gen.pipeline import run_file
    from tbkl_gen.source.workspace import find_workspace

    raw = source.read_bytes()
    laid_out = run_file(source, find_workspace(source), until="layout")
    if laid_out.notice is None or laid_out.layout is None or laid_out.kind is None:
        raise NoticeInvalid(laid_out.problems)
    notice, layout, kind = laid_out.notice, laid_out.layout, laid_out.kind
    try:
        pages = page_count(pdf.read_bytes())
    except OSError as exc:
        raise TbklError(f"{pdf.as_posix()}: không đọc được bản PDF ({exc.strerror or exc})") from exc
    number = layout.so.strip()
    date = notice.ngay.as_date()
    data = {
        "phien_ban": SIDECAR_VERSION,
        "loai": kind.key,
        "loai_van_ban": kind.name,
        "ma_loai": kind.document_type.code,
        "so": number,
        "ky_hieu": layout.ky_hieu,
        "so_ky_hieu": f"{number}/{layout.ky_hieu}" if number else "",
        "ngay_ban_hanh": date.isoformat() if date else "",
        "dia_danh": notice.dia_danh,
        "co_quan_chu_quan": layout.chu_quan or "",
        "co_quan_ban_hanh": " ".join(layout.co_quan),
        "trich_yeu": layout.trich_yeu,
        "kinh_gui": list(layout.kinh_gui),
        "nguoi_ky": {"quyen_han": list(layout.quyen_han), "chuc_vu": layout.chuc_vu, "ho_ten": layout.ho_ten},
        "noi_nhan": list(layout.noi_nhan),
        "luu": layout.luu,
        "do_khan": layout.do_khan or "",
        "rieng": own_fields(notice, kind),
        "so_trang": pages,
        "tep_pdf": pdf.name,
        "nguon_sha256": hashlib.sha256(raw).hexdigest(),
    }
    return data


def write_sidecar(source: Path, pdf: Path, target: Path) -> None:
    """Write the sidecar of source's PDF to target, whole or not at all."""
    text = json.dumps(sidecar_data(source, pdf), ensure_ascii=False, indent=2) + "\n"
    write_file(target, text.encode("utf-8"))


# --- previews -----------------------------------------------------------------------------------


@dataclass
class Preview:
    """The page images of one notice, and the warnings met on the way."""

    pages: list[Path]
    warnings: list[str]


def preview_docx(office: Office, docx: Path, folder: Path, *, dpi: int = DEFAULT_DPI) -> list[Path]:
    """Draw each page of docx as folder/<name>-N.png with a running Office; return the pages.

    A drafting page keeps one Office open and calls this for every preview: after the first, a
    one-page notice comes back in a fraction of a second.
    """
    with tempfile.TemporaryDirectory(prefix="tbkl-preview-") as work:
        pdf = Path(work) / f"{docx.stem}.pdf"
        (conversion,) = office.convert([(docx, pdf)])
        if conversion.error is not None:
            raise TbklError(f"{docx.as_posix()}: {conversion.error}")
        return draw_pages(pdf, folder, docx.stem, dpi=dpi)


def preview(path: Path, folder: Path | None = None, *, dpi: int = DEFAULT_DPI) -> Preview:
    """Render the notice at path (.yaml or .docx) and draw its pages into folder (or a new one)."""
    from tbkl_gen.commands.batch import stop_on_signals
    from tbkl_gen.commands.text import DOCX_SUFFIXES, render_source
    from tbkl_gen.source.names import SOURCE_SUFFIXES
    from tbkl_gen.wordfile import open_word_file

    if not path.is_file():
        raise TbklError(f"không tìm thấy “{path.as_posix()}”")
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES + DOCX_SUFFIXES:
        raise TbklError(f"{path.as_posix()}: cần tệp thông báo .yaml hoặc tệp Word .docx")
    folder = folder if folder is not None else Path(tempfile.mkdtemp(prefix="tbkl-trang-"))
    warnings = []
    with tempfile.TemporaryDirectory(prefix="tbkl-render-") as work:
        docx = path
        if suffix in DOCX_SUFFIXES:  # a file from anyone: LibreOffice gets a copy of the bytes that passed the limits
            docx = Path(work) / path.name
            write_file(docx, open_word_file(path).data)
        if suffix in SOURCE_SUFFIXES:
            docx, problems = render_source(path, Path(work))
            warnings += [p.format(Path.cwd()) for p in problems]
        warnings += font_warnings()
        with stop_on_signals() as signals, _office(signals, what="vẽ trang") as office:
            pages = preview_docx(office, docx, folder, dpi=dpi)
    return Preview(pages, warnings)
