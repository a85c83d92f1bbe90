"""The page's one door into the rest of tbkl: check, lay out and render a notice from its text.

Everything the drafting page asks of the pipeline, the office (LibreOffice) and the importer goes
through the functions here, so that each can be switched to the shared module once it exists:

- `check_text` and `render_text`: `# pipeline: replace with tbkl_gen.pipeline once merged`;
- `exact_pages`: through `tbkl_gen.office` (one LibreOffice kept warm for the server's life);
- `import_word`: through `tbkl_gen.importer`, as `tbkl import` reads a Word file.

The checks are those of `tbkl check` for one file, the same functions in the same order, so the
page never shows a second set of rules.
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from tbkl_gen.errors import Place, Problem, TbklError
from tbkl_gen.wordfile import MAX_FILE_BYTES
from tbkl_gen.notice.model import Notice
from tbkl_gen.source.read import Source
from tbkl_gen.source.workspace import Workspace, find_workspace
from tbkl_gen.word.layout import Layout

# Seconds LibreOffice may take for one notice, its start included.
OFFICE_TIMEOUT = 120
# An uploaded Word file larger than this is refused before it is read (the importer's limit).
MAX_UPLOAD_BYTES = MAX_FILE_BYTES


@dataclass
class Checked:
    """What the checks of one notice found: every problem, the notice if it could be built, its layout."""

    problems: list[Problem]
    notice: Notice | None
    layout: Layout | None
    source: Source | None = None
    """The notice's data merged with the office defaults, with where each value was written."""

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


@dataclass
class _Scratch:
    """A private folder for the text being checked: the reader of sources reads files."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tbkl-page-")))

    def write(self, text: str, suffix: str) -> Path:
        path = self.folder / f"{uuid.uuid4().hex}{suffix}"
        path.write_bytes(text.encode("utf-8"))
        return path


_SCRATCH: _Scratch | None = None
_SCRATCH_LOCK = threading.Lock()
_OFFICE_LOCK = threading.Lock()


def _scratch() -> _Scratch:
    global _SCRATCH
    with _SCRATCH_LOCK:
        if _SCRATCH is None or not _SCRATCH.folder.is_dir():
            _SCRATCH = _Scratch()
        return _SCRATCH


def _moved(problem: Problem, written: Path, path: Path) -> Problem:
    if problem.place.file == written:
        return replace(problem, place=replace(problem.place, file=path))
    return problem


# pipeline: replace with tbkl_gen.pipeline once merged
def check_text(text: str, path: Path, workspace: Workspace | None, others: list[Path] | None = None) -> Checked:
    """Return the problems `tbkl check` reports for this text saved at path, the notice and its layout.

    others are the workspace's notices in the order `tbkl check` reads them: a number already
    used by one read before path is reported here as it is there.
    """
    from tbkl_gen.commands.check import NumberRegistry, _in_order, _outside, _template_choice, _template_problems, _unique
    from tbkl_gen.source.read import build_notice, read_source
    from tbkl_gen.source.shape import read_together
    from tbkl_gen.validate import validate
    from tbkl_gen.word.layout import lay_out

    written = _scratch().write(text, path.suffix or ".yaml")
    try:
        source, problems = read_source(written)
    finally:
        written.unlink(missing_ok=True)
    problems = [_moved(p, written, path) for p in problems]
    found: list[Problem] = []
    if workspace is not None:
        found += workspace.problems
        found += list(_template_problems(workspace))
    notice = None
    shown = None
    merged = None
    if source is not None:
        source.path = path
        source.problems = [_moved(p, written, path) for p in source.problems]
        loaded = build_notice(source, workspace.defaults if workspace else None)
        problems = list(loaded.problems)
        notice = loaded.notice
        shown = loaded.notice or loaded.partial
        merged = loaded.source
        if loaded.notice is not None and loaded.source is not None:
            problems += list(_template_choice(path, loaded.notice, loaded.source, workspace))
        if shown is not None and loaded.source is not None:
            problems += _outside(loaded.source.broken, validate(shown, loaded.source))
            if not read_together(loaded.source.broken) & {("co_quan",), ("so",), ("ky_hieu",), ("ngay",)}:
                registry = NumberRegistry()
                for other in others or []:
                    if other.resolve() == path.resolve():
                        break
                    key = _number_of(other, workspace)
                    registry.add_key(key, Place(other, *_number_mark(other, workspace)))
                duplicate = registry.add(shown, loaded.source.place(("so",)))
                if duplicate is not None:
                    problems.append(duplicate)
    problems = _in_order(path, _unique([*found, *problems]))
    layout = None
    if shown is not None:
        try:
            layout = lay_out(shown)
        except Exception:  # noqa: BLE001 - a stand-in notice may not lay out; the problems say why
            layout = None
    return Checked(problems, notice, layout, merged)


_NUMBERS: dict[tuple[Path, int, int], tuple[object, tuple[int | None, int | None]]] = {}


def _known_number(other: Path, workspace: Workspace | None) -> tuple[object, tuple[int | None, int | None]]:
    from tbkl_gen.commands.check import number_key
    from tbkl_gen.source.read import load_notice

    try:
        status = other.stat()
    except OSError:
        return None, (None, None)
    key = (other, status.st_mtime_ns, status.st_size)
    if key not in _NUMBERS:
        loaded = load_notice(other, workspace.defaults if workspace else None)
        number = number_key(loaded.notice) if loaded.notice is not None else None
        mark = loaded.source.value_marks.get(("so",), (None, None)) if loaded.source is not None else (None, None)
        _NUMBERS[key] = (number, mark)
    return _NUMBERS[key]


def _number_of(other: Path, workspace: Workspace | None):  # noqa: ANN202
    return _known_number(other, workspace)[0]


def _number_mark(other: Path, workspace: Workspace | None) -> tuple[int | None, int | None]:
    return _known_number(other, workspace)[1]


class NotRendered(TbklError):
    """The notice has errors, so no Word file is made."""


# pipeline: replace with tbkl_gen.pipeline once merged
def render_text(text: str, path: Path, workspace: Workspace | None) -> bytes:
    """Return the .docx bytes of the notice in text, as `tbkl render` would write them."""
    from tbkl_gen.commands.batch import render_one, template_request
    from tbkl_gen.word.render import find_template

    checked = check_text(text, path, workspace)
    if checked.notice is None or checked.errors:
        raise NotRendered(f"thông báo còn {checked.errors} lỗi; sửa lỗi rồi tải lại")
    notice = checked.notice
    name, written_in, boundary = template_request(None, notice.mau, checked.source.origins.get(("mau",), path), workspace)
    templates_dir = workspace.templates_dir if workspace is not None else None
    template = find_template(name, templates_dir, written_in=written_in, boundary=boundary)
    return render_one(notice, template)


def workspace_of(root: Path) -> Workspace | None:
    """Return the workspace read afresh (its tbkl.yaml may have changed since the last request)."""
    return find_workspace(root)


class OfficeFailed(TbklError):
    """LibreOffice could not turn the notice into a PDF."""


_OFFICE = None


def _office():  # noqa: ANN202
    """Return the page's LibreOffice, started on first use and kept warm for the next request."""
    from tbkl_gen.office.server import Office

    global _OFFICE
    if _OFFICE is None:
        _OFFICE = Office(timeout=OFFICE_TIMEOUT, what="xem trang in chính xác")
    return _OFFICE


def close_office() -> None:
    """Stop the page's LibreOffice, if one was started (the server calls this on its way out)."""
    global _OFFICE
    with _OFFICE_LOCK:
        if _OFFICE is not None:
            _OFFICE.close()
            _OFFICE = None


def exact_pages(docx: bytes, *, pages: bool = True) -> tuple[bytes, list[bytes]]:
    """Return the PDF LibreOffice prints from the .docx, and each page as a PNG image.

    One LibreOffice serves the page for its whole life (tbkl_gen.office keeps it warm through
    UNO when it can); one conversion at a time, as it is one process.
    """
    from tbkl_gen.office.pdf import draw_pages

    with _OFFICE_LOCK, tempfile.TemporaryDirectory(prefix="tbkl-page-pdf-") as folder:
        work = Path(folder)
        source = work / "thong-bao.docx"
        target = work / "thong-bao.pdf"
        source.write_bytes(docx)
        (conversion,) = _office().convert([(source, target)])
        if conversion.error is not None:
            raise OfficeFailed(conversion.error)
        data = target.read_bytes()
        if not pages:
            return data, []
        images = draw_pages(target, work / "trang", "trang")
        return data, [image.read_bytes() for image in images]


@dataclass
class Imported:
    """What importing a Word file gave: the new notice's path (None when refused), and the report."""

    path: Path | None
    message: str


def import_word(data: bytes, name: str, workspace_root: Path) -> Imported:
    """Turn an uploaded Word file into a notice source in notices/<year>/, as `tbkl import` does.

    The file is opened through the importer, so within `tbkl_gen.wordfile`'s limits (size, parts,
    ratio, depth); the report lists every correction and warning, as `tbkl import` prints it.
    """
    import datetime as dt

    from tbkl_gen.commands.scaffold import slugify
    from tbkl_gen.importer import CannotImport, import_file
    from tbkl_gen.importer.report import FileReport

    if len(data) > MAX_UPLOAD_BYTES:
        return Imported(None, f"tệp “{name}” quá lớn; tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    folder = workspace_root / "notices" / str(dt.date.today().year)
    stem = slugify(Path(name).stem)
    target = folder / f"{stem}.yaml"
    number = 2
    while target.exists():
        target = folder / f"{stem}-{number}.yaml"
        number += 1
    base = Path(name).name
    if base in ("", ".", "..") or not base.lower().endswith((".docx", ".doc")):
        return Imported(None, f"“{name}” không phải tệp Word .docx")
    with tempfile.TemporaryDirectory(prefix="tbkl-upload-") as work:
        upload = Path(work) / base
        upload.write_bytes(data)
        report = FileReport(Path(name))
        try:
            made = import_file(upload, target, report, workspace=find_workspace(workspace_root))
        except CannotImport as refused:
            return Imported(None, f"{name}: không nhập được: {refused.reason}")
    shown = made.relative_to(workspace_root).as_posix()
    report.target = Path(shown)
    return Imported(made, report.text())
