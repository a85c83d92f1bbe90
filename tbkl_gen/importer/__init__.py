"""Import Word notices (.docx, .doc) as notice sources: `tbkl import`.

`import_paths` is the one entry: files and folders in, one YAML source per Word file out, and a
`FileReport` per file. The work is split by job: `document` opens the file (and converts a .doc
with LibreOffice), `parts` reads the notice's parts found by the audit's locator, `inline` turns
runs into the source's inline markup, `labels` turns typed and automatic labels into structure,
`emit` writes the YAML, `report` tells what was corrected, set aside or breaks the decree.
"""

from __future__ import annotations

import os
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from tbkl_gen.importer.document import CannotImport, convert_doc, open_document
from tbkl_gen.importer.emit import notice_yaml
from tbkl_gen.importer.report import CORRECTION, DECREE, TO_FIX, FileReport, report_text

__all__ = ["CannotImport", "FileReport", "import_file", "import_paths", "report_text"]

WORD_SUFFIXES = (".docx", ".doc")

KEY_ORDER = (
    "phien_ban", "mau", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "ngay_hop", "do_khan",
    "trich_yeu", "noi_dung", "noi_nhan_them", "noi_nhan", "luu", "nguoi_ky",
)  # fmt: skip
_SUB_ORDER = {"co_quan": ("chu_quan", "ten", "viet_tat"), "nguoi_ky": ("quyen_han", "chuc_vu", "ho_ten")}


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


def import_paths(paths: list[Path], out_dir: Path, *, force: bool = False) -> tuple[list[FileReport], float]:
    """Import every Word file in paths into out_dir (sub-folders mirrored); return reports and seconds."""
    from tbkl_gen.source.workspace import find_workspace

    started = time.perf_counter()
    workspace = find_workspace(_existing_ancestor(out_dir))
    reports: list[FileReport] = []
    taken: set[Path] = set()
    for file, base in word_files(paths):
        relative = file.parent.relative_to(base) if file.parent != base and base in file.parents else Path()
        report = FileReport(file)
        try:
            import_file(file, out_dir / relative, report, workspace=workspace, force=force, taken=taken)
        except CannotImport as exc:
            report.error = str(exc)
        reports.append(report)
    return reports, time.perf_counter() - started


def _existing_ancestor(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def import_file(
    path: Path,
    target_dir: Path,
    report: FileReport,
    *,
    workspace: Any = None,
    force: bool = False,
    taken: set[Path] | None = None,
) -> Path:
    """Import one Word file as target_dir/<name>.yaml; findings go to report. Return the source path."""
    from tbkl_gen.commands.scaffold import slugify

    suffix = path.suffix.lower()
    if suffix not in WORD_SUFFIXES:
        raise CannotImport(path, "chỉ nhập được tệp Word .docx hoặc .doc")
    if not path.is_file():
        raise CannotImport(path, "không tìm thấy tệp")
    target = target_dir / f"{slugify(path.stem)}.yaml"
    taken = taken if taken is not None else set()
    if target in taken:
        raise CannotImport(path, f"trùng tên nguồn {target.as_posix()} với một tệp vừa nhập; hãy đổi tên một trong hai tệp")
    if target.exists() and not force:
        raise CannotImport(path, f"{target.as_posix()} đã có, không ghi đè (dùng --force để ghi đè)")
    with tempfile.TemporaryDirectory(prefix="tbkl-import-") as work:
        docx_path = convert_doc(path, Path(work)) if suffix == ".doc" else path
        document = open_document(docx_path)
        text, data = source_text(document, path, report, workspace=workspace, target=target)
    target.parent.mkdir(parents=True, exist_ok=True)
    from tbkl_gen.word.write import write_atomic

    write_atomic(target, text.encode("utf-8"))
    taken.add(target)
    report.target = target
    _check_source(target, workspace, report)
    return target


def source_text(
    document, path: Path, report: FileReport, *, workspace: Any = None, target: Path | None = None
) -> tuple[str, dict[str, Any]]:  # noqa: ANN001
    """Return the YAML text of the source for an open Word document, and its data."""
    from tbkl_gen.audit.rules import check_document
    from tbkl_gen.importer.parts import read_notice

    try:
        data, doc, parts = read_notice(document, report)
    except RecursionError:
        raise CannotImport(path, "cấu trúc tệp lồng quá sâu") from None
    if parts.title is None and not data["noi_dung"]:
        raise CannotImport(path, "không tìm thấy thông báo trong tệp (không có tên loại «THÔNG BÁO» và nội dung)")
    decomposed = sum(any(not unicodedata.is_normalized("NFC", run.raw) for run in para.runs) for para in doc.body)
    if decomposed:
        report.add(CORRECTION, "toàn văn", f"{decomposed} đoạn gõ chữ tổ hợp (NFD) chuyển thành chữ dựng sẵn (NFC)")
    for result in check_document(document, data["co_quan"].get("viet_tat") or None):
        if result.status == "loi":
            report.add(DECREE, f"quy tắc {result.rule}", f"{result.title}: {result.detail}")
    if workspace is None or workspace.defaults is None:
        template = _template_for(data)
        if template:
            data["mau"] = template
    data = _ordered(data)
    header = [f"Nhập từ «{path.name}» bằng tbkl import; xem báo cáo nhập cho các chỗ đã sửa và cảnh báo."]
    if workspace is not None:
        schema = workspace.root / "notice.schema.json"
        if schema.is_file() and target is not None:
            relative = os.path.relpath(schema.resolve(), target.parent.resolve())
            header.insert(0, f"yaml-language-server: $schema={Path(relative).as_posix()}")
        if workspace.defaults is not None:
            data = without_defaults(data, workspace.defaults.data)
    text = notice_yaml(data, header)
    if yaml.safe_load(text) != data:  # a bug in emit, never the drafter's doing
        raise AssertionError(f"imported YAML does not read back as written: {path}")
    return text, data


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


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in KEY_ORDER:
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
    """Report what `tbkl check` finds in the written source: the drafter's to fix."""
    from tbkl_gen.source.read import load_notice
    from tbkl_gen.validate import validate

    defaults = workspace.defaults if workspace is not None else None
    loaded = load_notice(target, defaults)
    problems = list(loaded.problems)
    if loaded.notice is not None:
        problems += validate(loaded.notice, loaded.source)
    for problem in problems:
        place = problem.place
        at = f"dòng {place.line}" if getattr(place, "line", None) else ""
        report.add(TO_FIX, at, problem.message + (f" ({problem.hint})" if getattr(problem, "hint", None) else ""))
