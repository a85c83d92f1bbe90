"""The page's one door into the rest of tbkl: check, lay out and render a notice from its text.

Everything the drafting page asks of the pipeline, the office (LibreOffice) and the importer goes
through the functions here:

- `check_text` and `render_text`: through `tbkl_gen.pipeline`, as `tbkl check` and `tbkl render`;
- `exact_pages`: through `tbkl_gen.office` (one LibreOffice kept warm for the server's life);
- `import_word`: through `tbkl_gen.importer`, as `tbkl import` reads a Word file;
- `pasted_blocks`: text pasted on the page, through the importer's label rules.

The page never shows a second set of rules: its problems are the pipeline's, with the words and
order of `tbkl check`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from pathlib import Path

from tbkl_gen.errors import NotRendered, Place, Problem
from tbkl_gen.files import write_file
from tbkl_gen.notice.model import MEETING_KEY
from tbkl_gen.wordfile import MAX_FILE_BYTES
from tbkl_gen.source.workspace import Workspace, find_config, find_workspace, read_workspace
from tbkl_gen.word.layout import Layout

if TYPE_CHECKING:
    from tbkl_gen.office.server import Office
    from tbkl_gen.pipeline import NumberKey
    from tbkl_gen.source.places import Source

    NumberAt = tuple[NumberKey, Place]

# Seconds LibreOffice may take for one notice, its start included.
OFFICE_TIMEOUT = 120
# An uploaded Word file larger than this is refused before it is read (the importer's limit).
MAX_UPLOAD_BYTES = MAX_FILE_BYTES


@dataclass
class Checked:
    """What the checks of one notice found: every problem, and its layout if it could be drawn."""

    problems: list[Problem]
    layout: Layout | None
    linked: tuple[Path, ...] = ()
    """The other sources the notice shares its meeting with (`cuoc_hop: giay-moi.yaml`), in the order followed."""
    meeting: dict[str, Any] | None = None
    """The meeting's facts the notice takes from the last of them (chu_tri, thoi_gian, dia_diem), when it could."""

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


# --- what a preview refresh reads only when it changed -------------------------------------------
# The page checks the notice after every pause in typing. The office's settings (tbkl.yaml, its
# defaults) and the workspace's own problems (its `mau`, every template in templates/) are read
# again only when a file they come from changed: a file is known by its size, modification time
# and inode (a saved file is a new one renamed into place). A few workspaces are kept, no more.

_KEPT = 8
_CACHE_LOCK = threading.Lock()
_WORKSPACES: OrderedDict[tuple[Any, ...], Workspace] = OrderedDict()
_WORKSPACE_PROBLEMS: OrderedDict[tuple[Any, ...], list[Problem]] = OrderedDict()


def _signature(path: Path) -> tuple[Any, ...]:
    """Return what tells one version of a file from another without reading it."""
    try:
        status = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino)


def _folder_signature(folder: Path) -> tuple[Any, ...]:
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return (str(folder), None)
    return (_signature(folder), *(_signature(folder / name) for name in names))


def _kept(cache: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> Any:
    with _CACHE_LOCK:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
        return found


def _keep(cache: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    with _CACHE_LOCK:
        cache[key] = value
        while len(cache) > _KEPT:
            cache.popitem(last=False)


def workspace_of(root: Path) -> Workspace | None:
    """Return the workspace of root as `find_workspace` reads it, read again only when its tbkl.yaml changed.

    The tbkl.yaml is looked for (and held to its owner and rights) on every call; only its reading is kept.
    """
    config = find_config(root)
    if config is None:
        return None
    key = _signature(config)
    workspace: Workspace | None = _kept(_WORKSPACES, key)
    if workspace is None:
        workspace = read_workspace(config)
        _keep(_WORKSPACES, key, workspace)
    return workspace


def _problems_of_workspace(workspace: Workspace) -> list[Problem]:
    """Return `pipeline.problems_of_workspace`, checked again only when tbkl.yaml or a file in templates/ changed."""
    from tbkl_gen.pipeline import problems_of_workspace

    if workspace.config_path is None:
        return problems_of_workspace(workspace)
    key = (_signature(workspace.config_path), _folder_signature(workspace.templates_dir), id(workspace))
    problems = _kept(_WORKSPACE_PROBLEMS, key)
    if problems is None:
        problems = problems_of_workspace(workspace)
        _keep(_WORKSPACE_PROBLEMS, key, problems)
    return list(problems)


def check_text(
    text: str, path: Path, workspace: Workspace | None, numbers_before: Callable[[], Iterable[NumberAt | None]] | None = None
) -> Checked:
    """Return the problems `tbkl check` reports for this text saved at path, the notice and its layout.

    The text goes through `tbkl_gen.pipeline.run`, as every notice of `tbkl check` and `tbkl
    render` does; the workspace's own problems come first, as `tbkl check` prints them.
    numbers_before gives the numbers of the workspace's notices that `tbkl check` reads before
    path, in its order (None for one without a number): a number already used by one of them is
    reported here as it is there. It is asked only for a notice with a number (the page gives
    them from its catalog: `server.Page.numbers_before`). The layout is drawn even for a notice
    with mistakes in its meaning, so the preview follows the drafter's typing.
    """
    from tbkl_gen.pipeline import NumberRegistry, register_number, run
    from tbkl_gen.word.layout import lay_out

    outcome = run(text, path, workspace, until="layout")
    if outcome.number is not None and numbers_before is not None:
        registry = NumberRegistry()
        for known in numbers_before():
            if known is not None:
                registry.add(*known)
        register_number(outcome, registry)
    problems = outcome.problems
    if workspace is not None:
        problems = [*_problems_of_workspace(workspace), *outcome.notice_problems]
    layout = outcome.layout
    if layout is None and outcome.notice is not None:
        try:
            layout = lay_out(outcome.notice)
        except Exception:  # noqa: BLE001 - a notice with errors may not lay out; its problems say why
            layout = None
    shared = outcome.source.data.get(MEETING_KEY) if outcome.linked and outcome.source is not None else None
    return Checked(problems, layout, outcome.linked, shared if isinstance(shared, dict) else None)


def number_of(source: Source, workspace: Workspace | None) -> NumberAt | None:
    """Return the number of the notice read into source (`source.read.read_text`), and where it is
    written, as `tbkl check` registers it (`pipeline.Outcome.number`); None for a notice without one.
    The source is the pipeline's from then on (its data may be replaced)."""
    from tbkl_gen.pipeline import run_read

    return run_read(source, workspace, until="check").number


_NUMBERS: dict[tuple[Path, int, int], NumberAt | None] = {}


def known_number(other: Path, workspace: Workspace | None) -> NumberAt | None:
    """Return another notice's number and where it is written (`number_of`), read once per version of the file."""
    from tbkl_gen.pipeline import run_file

    try:
        status = other.stat()
    except OSError:
        return None
    key = (other, status.st_mtime_ns, status.st_size)
    with contextlib.suppress(KeyError):  # one lookup: another request's thread may clear the table between two
        return _NUMBERS[key]
    if len(_NUMBERS) > 50_000:  # bounded: an office's notices (tens of thousands), their old versions forgotten
        _NUMBERS.clear()
    number = _NUMBERS[key] = run_file(other, workspace, until="check").number
    return number  # not read back: another request's thread may have cleared the table meanwhile


def render_text(text: str, path: Path, workspace: Workspace | None) -> bytes:
    """Return the .docx bytes of the notice in text, as `tbkl render` would write them."""
    from tbkl_gen.pipeline import run

    outcome = run(text, path, workspace, until="document")
    errors = sum(p.is_error for p in outcome.problems)
    if outcome.document is None or errors:
        raise NotRendered(f"thông báo còn {errors} lỗi; sửa lỗi rồi tải lại")
    return outcome.document


_OFFICE_LOCK = threading.Lock()


_OFFICE: Office | None = None


def _office() -> Office:
    """Return the page's LibreOffice, started on first use and kept warm for the next request."""
    from tbkl_gen.office.server import Office

    global _OFFICE
    if _OFFICE is None:
        _OFFICE = Office(timeout=OFFICE_TIMEOUT, what="xem trang in chính xác")
    return _OFFICE


@contextmanager
def warm_office() -> Iterator[Office]:
    """Hold the page's warm LibreOffice for one piece of work (issuing a document's PDF/A), as the exact page does."""
    with _OFFICE_LOCK:
        yield _office()


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
        write_file(source, docx)
        (conversion,) = _office().convert([(source, target)])
        if conversion.error is not None:
            from tbkl_gen.errors import OfficeFailed

            raise OfficeFailed(conversion.error)
        data = target.read_bytes()
        if not pages:
            return data, []
        images = draw_pages(target, work / "trang", "trang")
        return data, [image.read_bytes() for image in images]


def pasted_blocks(html: str | None, text: str | None) -> tuple[list[Any], list[str]]:
    """Return the body blocks text pasted on the page stands for, and what was corrected on the way.

    Clipboard HTML (Word, an e-mail) or plain text goes through `tbkl_gen.importer.clipboard`,
    so a typed "1.", "a)" or "-" becomes structure by the rules a Word file is imported with.
    """
    from tbkl_gen.importer.clipboard import paste_blocks

    return paste_blocks(html, text)


@dataclass
class Imported:
    """What importing a Word file gave: the new notice's path (None when refused), and the report."""

    path: Path | None
    message: str
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)
    """Each finding of the report: its kind (sửa, cảnh báo, cần sửa tay, ND30), its place, its message, the text at that place."""


def import_word(data: bytes, name: str, workspace_root: Path) -> Imported:
    """Turn an uploaded Word file into a notice source in notices/<year>/, as `tbkl import` does.

    The file is opened through the importer, so within `tbkl_gen.wordfile`'s limits (size, parts,
    ratio, depth); the report lists every correction and warning, as `tbkl import` prints it.
    """
    import datetime as dt

    from tbkl_gen.source.names import NOTICES_DIR, free_name, slugify, year_folder
    from tbkl_gen.errors import CannotImport
    from tbkl_gen.importer import import_file
    from tbkl_gen.importer.report import FileReport

    if len(data) > MAX_UPLOAD_BYTES:
        return Imported(None, f"tệp “{name}” quá lớn; tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    folder = year_folder(workspace_root, dt.date.today().year)
    target = free_name(folder, slugify(Path(name).stem))
    base = Path(name).name
    if base in ("", ".", "..") or not base.lower().endswith((".docx", ".doc")):
        return Imported(None, f"“{name}” không phải tệp Word .docx")
    with tempfile.TemporaryDirectory(prefix="tbkl-upload-") as work:
        upload = Path(work) / base
        write_file(upload, data)
        report = FileReport(Path(name))
        try:
            # notices/<năm>/ made if missing; a link there (planted in notices/) refused, never written through
            made = import_file(upload, target, report, workspace=find_workspace(workspace_root), inside=workspace_root / NOTICES_DIR)
        except CannotImport as refused:
            return Imported(None, f"{name}: không nhập được: {refused.reason}")
    shown = made.relative_to(workspace_root).as_posix()
    report.target = Path(shown)
    return Imported(made, report.text(), [(f.kind, f.where, f.message, report.texts.get(f.where, "")) for f in report.findings])
