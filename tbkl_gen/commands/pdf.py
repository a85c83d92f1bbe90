"""PDF after a render (`tbkl render --pdf/--pdfa/--sidecar`) and page previews (`tbkl preview`).

The render writes its .docx files first; this step then hands the ones that changed (and those
whose PDF is missing, or is not PDF/A when --pdfa asks for it) to LibreOffice: one for the whole
batch, or one per CPU for a large batch (each takes the next file as it finishes one; LibreOffice
converts on one core). With --sidecar, `<name>.json` beside each PDF holds what a clerk types into the e-office
form (VNPT iOffice, Viettel VOffice): `sidecar_schema()` documents each field.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbkl_gen.errors import OutputFailed, OutputLocked, TbklError
from tbkl_gen.nd30.document_types import THONG_BAO
from tbkl_gen.nd30.format import APPENDIX_WORD
from tbkl_gen.notice.kinds import KINDS
from tbkl_gen.word import contract
from tbkl_gen.office.pdf import DEFAULT_DPI, MAX_PDF_BYTES, draw_pages, page_count
from tbkl_gen.files import read_regular_or_none, write_file

if TYPE_CHECKING:
    from tbkl_gen.commands.batch import Job
    from tbkl_gen.office.server import Conversion, Office
    from tbkl_gen.word.layout import Layout

SIDECAR_VERSION = 1
FILES_PER_OFFICE = 8
"""A batch gets one more LibreOffice for every this many files to convert (up to one per CPU):
starting one costs about as much as converting a few files."""
MAX_OFFICES = 4
"""LibreOffices at most, whatever the CPUs: each holds a few hundred MB."""
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


def export_pdfs(
    made: list[Job], unchanged: list[Job], *, pdfa: bool = False, sidecar: bool = False, office: Office | None = None
) -> PdfOutcome:
    """Write the PDF (and the sidecar) of each rendered job; jobs are batch.Job (source, output).

    office: a LibreOffice the caller keeps warm (and uses one conversion at a time), instead of
    ones started for these jobs and stopped after them (the service's issuing: no start to wait).
    Raises LibreOfficeMissing when a PDF is needed and LibreOffice is not installed.
    """
    from tbkl_gen.commands.batch import pause_for_test, stop_on_signals

    outcome = PdfOutcome()
    todo = list(made) + [job for job in unchanged if _needs_pdf(job.output, pdfa)]
    if todo:
        outcome.warnings += font_warnings()
        pairs = [(job.output, pdf_path(job.output)) for job in todo]
        if office is not None:
            conversions = office.convert(pairs, pdfa=pdfa)
        else:
            count = office_count(len(todo))
            with stop_on_signals() as signals, _offices(signals, count, placed=lambda: pause_for_test("pdf", signals)) as offices:
                conversions = convert_on(offices, pairs, pdfa=pdfa)
                outcome.starts = sum(started.starts for started in offices)
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


def office_count(files: int, cpus: int | None = None) -> int:
    """Return how many LibreOffices to convert this many files with: one per FILES_PER_OFFICE, one per CPU at most."""
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_OFFICES, files // FILES_PER_OFFICE))


def convert_on(offices: list[Office], pairs: list[tuple[Path, Path]], *, pdfa: bool = False) -> list[Conversion]:
    """Convert each (source .docx, target .pdf) on offices, in the order given; each takes the next pair when it is free.

    One office, or offices without UNO (one `soffice --convert-to` for the whole batch), convert
    on the first office alone. A LibreOffice that cannot start raises its error here.
    """
    if len(offices) == 1 or not offices[0].warm:
        return offices[0].convert(pairs, pdfa=pdfa)
    results: list[Conversion | None] = [None] * len(pairs)
    failures: list[BaseException] = []
    taken = iter(range(len(pairs)))
    lock = threading.Lock()

    def work(office: Office) -> None:
        try:
            while not failures:
                with lock:
                    index = next(taken, None)
                if index is None:
                    return
                results[index] = office.convert([pairs[index]], pdfa=pdfa)[0]
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(office,), daemon=True) for office in offices]
    for thread in threads:
        thread.start()
    for thread in threads:  # Ctrl-C interrupts the wait; the caller then stops every LibreOffice
        thread.join()
    if failures:
        raise failures[0]
    return [result for result in results if result is not None]


@contextmanager
def _offices(signals: Any, count: int, *, what: str = "xuất PDF", placed: Callable[[], None] | None = None) -> Iterator[list[Office]]:
    """Run count LibreOffices of our own (`_office`), all stopped and removed when the block ends, however it ends."""
    from tbkl_gen.office.server import Office

    offices: list[Office] = []
    try:
        for _ in range(count):
            with signals.held():
                offices.append(Office(what=what, placed=placed))
        yield offices
    finally:
        with signals.held():
            for office in offices:
                office.close()


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

_FROM_CONTRACT = ("loai", "ky_hieu", "trich_yeu", "kinh_gui", "nguoi_ky", "noi_nhan", "luu", "do_khan")
"""The sidecar's fields that are the template's variables of the same name: their value, type and
description come from the template contract (`word.contract`), which derives them from the declaration."""


def _contract_field(name: str) -> tuple[dict[str, Any], str]:
    variable = contract.variable(name)
    schema = dict(variable.json or {})
    attributes = variable.attributes()
    if attributes:
        schema["properties"] = {a.name: {**a.json, "description": a.doc} for a in attributes}
        schema["required"] = [a.name for a in attributes]
        schema["additionalProperties"] = False
    doc = variable.doc()
    return schema, doc[:1].upper() + doc[1:] + "."


def sidecar_fields() -> dict[str, tuple[Any, str]]:
    """Return the sidecar's fields in their order, each with its JSON type and description."""
    kinds = list(KINDS.values())
    coded = ", ".join(f"“{kind.document_type.code}”" for kind in kinds if kind.document_type.code)
    uncoded = ", ".join(kind.name.lower() for kind in kinds if not kind.document_type.code)
    own = ", ".join(
        f"{kind.name.lower()}: {', '.join(k.spec.label for k in kind.own_keys() if k.name in contract.own_keys())}" for kind in kinds
    )
    fields: dict[str, tuple[Any, str]] = {
        "phien_ban": ({"type": "integer", "const": SIDECAR_VERSION}, "Phiên bản của định dạng tệp này."),
        "loai": _contract_field("loai"),
        "loai_van_ban": ({"type": "string"}, "Tên loại văn bản, như trên e-office: " + ", ".join(f"“{k.name}”" for k in kinds) + "."),
        "ma_loai": (
            {"type": "string"},
            f"Chữ viết tắt của loại văn bản ({APPENDIX_WORD} III NĐ 30): {coded}" + (f"; trống với {uncoded}." if uncoded else "."),
        ),
        "so": ({"type": "string"}, "Số văn bản như khi in (“05”); để trống khi văn thư chưa cấp số."),
        "ky_hieu": _contract_field("ky_hieu"),
        "so_ky_hieu": (
            {"type": "string"},
            f"Số và ký hiệu như ô “Số/Ký hiệu” của e-office (“05/{THONG_BAO.symbol('VP')}”); trống khi chưa có số.",
        ),
        "ngay_ban_hanh": ({"type": "string"}, "Ngày ban hành YYYY-MM-DD; trống khi ngày hoặc tháng còn để trống."),
        "dia_danh": ({"type": "string"}, "Địa danh ghi trước ngày tháng."),
        "co_quan_chu_quan": ({"type": "string"}, "Tên cơ quan chủ quản (dòng trên tên cơ quan ban hành); trống khi không có."),
        "co_quan_ban_hanh": ({"type": "string"}, "Tên cơ quan ban hành, các dòng nối bằng dấu cách."),
        "trich_yeu": _contract_field("trich_yeu"),
        "kinh_gui": _contract_field("kinh_gui"),
        "nguoi_ky": _contract_field("nguoi_ky"),
        "noi_nhan": _contract_field("noi_nhan"),
        "luu": _contract_field("luu"),
        "do_khan": _contract_field("do_khan"),
        "rieng": (
            {"type": "object"},
            f"Các trường riêng của loại văn bản như trong tệp nguồn ({own}); chỉ có các trường đã ghi.",
        ),
        "so_trang": ({"type": "integer", "minimum": 1}, "Số trang của bản PDF."),
        "tep_pdf": ({"type": "string"}, "Tên tệp PDF nằm cùng thư mục."),
        "nguon_sha256": ({"type": "string", "pattern": "^[0-9a-f]{64}$"}, "SHA-256 của tệp nguồn .yaml: bản PDF làm từ đúng nguồn này."),
    }
    return fields


def sidecar_schema() -> dict[str, Any]:
    """Return the JSON Schema of the sidecar, built from the template contract and each kind's own fields."""
    from tbkl_gen.notice.validation import model_for

    fields = sidecar_fields()
    properties = {name: {**spec, "description": text} for name, (spec, text) in fields.items()}
    properties["loai"]["enum"] = list(KINDS)
    own: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    for kind in KINDS.values():
        schema = model_for(kind.model).model_json_schema(mode="serialization")
        definitions.update(schema.get("$defs", {}))
        for key in kind.own_keys():
            if key.name in contract.own_keys():
                own.setdefault(key.name, schema["properties"][key.name])
    properties["rieng"] = {**properties["rieng"], "properties": own, "additionalProperties": False}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tbkl e-office sidecar",
        "description": "Những gì văn thư nhập vào biểu mẫu của hệ thống quản lý văn bản điều hành khi phát hành bản PDF.",
        "type": "object",
        "properties": properties,
        "required": list(fields),
        "additionalProperties": False,
        "$defs": definitions,
    }


def own_fields(layout: Layout) -> dict[str, Any]:
    """Return the fields of the document's kind that the source gave (not None, not empty)."""
    return {key: value for key, value in layout.rieng.items() if value not in (None, [], "")}


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
    printed = {name: contract.variable(name).value(layout, None) for name in _FROM_CONTRACT}
    data = {
        "phien_ban": SIDECAR_VERSION,
        "loai": printed["loai"],
        "loai_van_ban": kind.name,
        "ma_loai": kind.document_type.code,
        "so": number,
        "ky_hieu": printed["ky_hieu"],
        "so_ky_hieu": f"{number}/{layout.ky_hieu}" if number else "",
        "ngay_ban_hanh": date.isoformat() if date else "",
        "dia_danh": notice.dia_danh,
        "co_quan_chu_quan": layout.chu_quan or "",
        "co_quan_ban_hanh": " ".join(layout.co_quan),
        "trich_yeu": printed["trich_yeu"],
        "kinh_gui": printed["kinh_gui"],
        "nguoi_ky": printed["nguoi_ky"],
        "noi_nhan": printed["noi_nhan"],
        "luu": printed["luu"],
        "do_khan": printed["do_khan"],
        "rieng": own_fields(layout),
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
    from tbkl_gen.commands.text import render_source
    from tbkl_gen.source.names import DOCX_SUFFIXES, SOURCE_SUFFIXES
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
