"""Import Word notices (.docx, .doc) as notice sources: `tbkl import`.

`import_paths` is the one entry: files and folders in, one YAML source per Word file out, and a
`FileReport` per file. The work is split by job: `document` opens the file (and converts a .doc
with LibreOffice), `parts` reads the notice's parts found by the audit's locator, `inline` turns
runs into the source's inline markup, `labels` turns typed and automatic labels into structure,
`emit` writes the YAML, `report` tells what was corrected, set aside or breaks the decree.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tbkl_gen.errors import CannotImport, OutputFailed, OutputLocked, WordFileRefused
from tbkl_gen.importer.document import converted_doc, dropped_content, open_document
from tbkl_gen.wordfile import refuse_unless_regular
from tbkl_gen.importer.emit import notice_yaml
from tbkl_gen.importer.report import CORRECTION, DECREE, TO_FIX, WARNING, FileReport, report_text
from tbkl_gen.nd30.document_types import SUMMARY_PREFIX
from tbkl_gen.notice.fields import declared
from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.kinds import KINDS
from tbkl_gen.notice.model import EXTEND_KEY, CoQuan, NguoiKy
from tbkl_gen.source.names import WORD_SUFFIXES

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["CannotImport", "FileReport", "import_file", "import_paths", "report_text"]

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def key_order(kind: Kind) -> tuple[str, ...]:
    """The order a source of the kind is written in, the recipients added in front just before the recipients."""
    order: tuple[str, ...] = getattr(kind.model, "source_order")  # noqa: B009 - every kind's model declares it
    return tuple(k for key in order for k in ((EXTEND_KEY, key) if key == "noi_nhan" else (key,)))


_SUB_ORDER = {key: tuple(item.name for item in declared(cls)) for key, cls in (("co_quan", CoQuan), ("nguoi_ky", NguoiKy))}


def word_files(paths: list[Path]) -> list[tuple[Path, Path]]:
    """Return (file, folder it was found under) for every Word file in paths, folders walked in order."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and file.suffix.lower() in WORD_SUFFIXES and not file.name.startswith("~$"):
                    found.append((file, path))
        else:
            found.append((path, path.parent))
    return found


# Below this many files a pool of processes costs more to start than it saves.
POOL_THRESHOLD = 8


def import_paths(paths: list[Path], out_dir: Path, *, force: bool = False, jobs: int | None = None) -> tuple[list[FileReport], float]:
    """Import every Word file in paths into out_dir (sub-folders mirrored); return reports and seconds.

    Targets are planned first (two inputs may not write one source); the files are then read in
    parallel when there are many, reports kept in the order of the files.
    """
    from tbkl_gen.source.names import slugify
    from tbkl_gen.source.workspace import find_config

    started = time.perf_counter()
    config = find_config(_existing_ancestor(out_dir))
    reports: list[FileReport] = []
    tasks: list[tuple[int, Path, Path, Path | None, bool, Path]] = []
    taken: set[Path] = set()
    for file, base in word_files(paths):
        relative = file.parent.relative_to(base) if file.parent != base and base in file.parents else Path()
        target = out_dir / relative / f"{slugify(file.stem)}.yaml"
        report = FileReport(file)
        reports.append(report)
        if target in taken:
            report.error = str(CannotImport(file, f"trùng tên nguồn {target.as_posix()} với một tệp khác; hãy đổi tên một trong hai tệp"))
            continue
        taken.add(target)
        tasks.append((len(reports) - 1, file, target, config, force, out_dir))
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers > 1 and len(tasks) >= POOL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(_import_task, tasks, chunksize=max(1, len(tasks) // (workers * 4))))
    else:
        done = [_import_task(task) for task in tasks]
    for (index, *_), report in zip(tasks, done, strict=True):
        reports[index] = report
    return reports, time.perf_counter() - started


def _import_task(task: tuple[int, Path, Path, Path | None, bool, Path]) -> FileReport:
    """Import one planned file; never raise for the drafter's file (the report says why)."""
    _, file, target, config, force, out_dir = task
    report = FileReport(file)
    try:
        import_file(file, target, report, workspace=_workspace(config), force=force, inside=out_dir)
    except (CannotImport, OutputFailed, OutputLocked) as exc:
        report.error = str(exc)
    except (RecursionError, MemoryError):
        report.error = str(CannotImport(file, "tệp quá lớn hoặc lồng quá sâu để đọc"))
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the folder; the type tells the bug
        report.error = str(CannotImport(file, f"lỗi khi đọc tệp, xin báo cho người phát triển tbkl ({type(exc).__name__}: {exc})"))
    return report


@functools.lru_cache(maxsize=4)
def _workspace(config: Path | None) -> Any:
    from tbkl_gen.source.workspace import read_workspace

    return read_workspace(config) if config is not None else None


def _existing_ancestor(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def import_file(
    path: Path, target: Path, report: FileReport, *, workspace: Any = None, force: bool = False, inside: Path | None = None
) -> Path:
    """Import one Word file as the source target; findings go to report. Return the source path.

    inside is the output folder target is in: a folder between them that is a link is refused.
    """
    suffix = path.suffix.lower()
    if suffix not in WORD_SUFFIXES:
        raise CannotImport(path, "chỉ nhập được tệp Word .docx, .docm hoặc .doc")
    if not path.exists():
        raise CannotImport(path, "không tìm thấy tệp")
    try:
        refuse_unless_regular(path)
    except WordFileRefused as exc:
        raise CannotImport(path, exc.reason) from None
    if target.exists() and not force:
        raise CannotImport(path, f"{target.as_posix()} đã có, không ghi đè (dùng --force để ghi đè)")
    with contextlib.ExitStack() as stack:
        docx_path = converted_doc(path, stack) if suffix == ".doc" else path
        document = open_document(docx_path, named=path)
        text, data = source_text(document, path, report, workspace=workspace, target=target)
    from tbkl_gen.files import write_file

    write_file(target, text.encode("utf-8"), inside=inside)
    report.target = target
    _check_source(target, workspace, report)
    return target


def source_text(
    document: DocxDocument, path: Path, report: FileReport, *, workspace: Any = None, target: Path | None = None
) -> tuple[str, dict[str, Any]]:
    """Return the YAML text of the source for an open Word document, and its data."""
    from tbkl_gen.importer.parts import read_notice

    try:
        data, doc, parts = read_notice(document, report)
    except RecursionError:
        raise CannotImport(path, "cấu trúc tệp lồng quá sâu") from None
    if parts.title is None and parts.kind.document_type.title:
        names = ", ".join(f"«{kind.document_type.title}»" for kind in KINDS.values() if kind.document_type.title)
        raise CannotImport(
            path,
            f"không tìm thấy tên loại ({names}) trên một dòng riêng, hay trích yếu «{SUMMARY_PREFIX} …» dưới số: không đọc được như một văn bản",
        )
    decomposed = sum(any(not unicodedata.is_normalized("NFC", run.raw) for run in para.runs) for para in doc.body)
    if decomposed:
        report.add(CORRECTION, "toàn văn", f"{decomposed} đoạn gõ chữ tổ hợp (NFD) chuyển thành chữ dựng sẵn (NFC)")
    for where, what in dropped_content(document):
        report.add(WARNING, where, what)
    for number, title, detail in decree_breaks(parts):
        report.add(DECREE, f"quy tắc {number}", f"{title}: {detail}")
    if workspace is None or workspace.defaults is None:
        template = _template_for(data)
        if template:
            data["mau"] = template
    data = _ordered(parts.kind.read_body(data), parts.kind)
    header = [f"Nhập từ «{path.name}» bằng tbkl import (chỗ đã sửa, cảnh báo: xem báo cáo nhập)."]
    if workspace is not None:
        schema = workspace.root / "notice.schema.json"
        if schema.is_file() and target is not None:
            relative = os.path.relpath(schema.resolve(), target.parent.resolve())
            header.insert(0, f"yaml-language-server: $schema={Path(relative).as_posix()}")
        if workspace.defaults is not None:
            data = without_defaults(data, workspace.defaults.data)
    text = notice_yaml(data, header)
    if yaml.load(text, Loader=_SAFE_LOADER) != data:
        text = notice_yaml(data, header, quoted=True)
        if yaml.load(text, Loader=_SAFE_LOADER) != data:  # a bug in emit, never the drafter's doing
            raise AssertionError(f"imported YAML does not read back as written: {path}")
    return text, data


def decree_breaks(parts: Any) -> list[tuple[int, str, str]]:
    """Return the audit's rules the Word file breaks, read on the parts already located."""
    from tbkl_gen.audit.report import STATUS_FAIL
    from tbkl_gen.audit.rules import RULES

    broken = []
    for number, title, check in RULES:
        try:
            status, detail = check(parts)
        except Exception as error:  # noqa: BLE001 - as check_document: a bug in a rule shows, never crashes the import
            status, detail = STATUS_FAIL, f"không kiểm tra được: {type(error).__name__}: {error}"
        if status == STATUS_FAIL:
            broken.append((number, title, detail))
    return broken


def _template_for(data: dict[str, Any]) -> str | None:
    """Return the built-in template whose header columns fit the issuer, when not the default."""
    names = " ".join(data["co_quan"].get("ten", []))
    if data["co_quan"].get("chu_quan"):
        if names.startswith("VĂN PHÒNG"):
            return "van-phong"
        return "so-nganh"
    if any(word in names for word in ("XÃ ", "PHƯỜNG ", "ĐẶC KHU ")):
        return "ubnd-xa"
    return None


def _ordered(data: dict[str, Any], kind: Kind) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in key_order(kind):
        if key in data:
            value = data[key]
            if key in _SUB_ORDER and isinstance(value, dict):
                value = {k: value[k] for k in _SUB_ORDER[key] if k in value}
            out[key] = value
    return out


def without_defaults(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Return data without the values the office defaults already give (merge rules of `workspace`)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        default = defaults.get(key)
        if key in _SUB_ORDER and isinstance(value, dict) and isinstance(default, dict):
            kept = {k: v for k, v in value.items() if _plain(v) != _plain(default.get(k))}
            if kept:
                out[key] = kept
            continue
        if key == "noi_nhan" and isinstance(default, list) and value != default:
            extra = len(value) - len(default)
            if extra > 0 and [str(v) for v in value[extra:]] == [str(d) for d in default]:
                out["noi_nhan_them"] = value[:extra]
                continue
        if key != "phien_ban" and key in defaults and _plain(value) == _plain(default):
            continue
        out[key] = value
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value


def _check_source(target: Path, workspace: Any, report: FileReport) -> None:
    """Report what `tbkl check` finds in the written source: errors to fix by hand, warnings.

    Problems of the office defaults (tbkl.yaml) are the workspace's, not this file's: left out.
    """
    from tbkl_gen.pipeline import run_file

    for problem in run_file(target, workspace, until="check").notice_problems:
        place = problem.place
        if place.file not in (None, target):
            continue
        at = f"dòng {place.line}" if place.line else ""
        text = (f"{place.field}: " if place.field else "") + problem.message + (f" ({problem.hint})" if problem.hint else "")
        report.add(TO_FIX if problem.is_error else WARNING, at, text)
