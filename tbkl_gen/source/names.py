"""The names of source files: which files are sources, and a notice's summary turned into a file name anyone can type."""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from tbkl_gen.errors import Place, Problem, Severity

SOURCE_SUFFIXES = (".yaml", ".yml")
"""The suffixes of a source, in lower case: `A.YAML` is a source too, as Windows and macOS see it."""

DOCX_SUFFIXES = (".docx", ".docm")
"""The suffixes of a Word file the tool reads itself (Office Open XML), in lower case."""

WORD_SUFFIXES = (*DOCX_SUFFIXES, ".doc")
"""The suffixes of every Word file the tool reads: an old .doc through LibreOffice, saved as .docx first."""

NOTICES_DIR = "notices"
"""The workspace's folder of sources; a new one goes into the folder of its year (`year_folder`)."""

CATALOG_FILE = ".tbkl-service/danh-muc.json"
"""The page's catalog of a workspace's documents (page/catalog.py), relative to the workspace: a cache, never history."""


def year_folder(root: Path, year: int) -> Path:
    """Return the folder a new source of that year goes into in the workspace at root: notices/<năm>/."""
    return root / NOTICES_DIR / str(year)


def is_source_name(name: str) -> bool:
    """Tell whether a file name is a notice's source (not hidden, a YAML suffix in any case)."""
    return name.lower().endswith(SOURCE_SUFFIXES) and not name.startswith(".")


def find_sources(paths: Iterable[Path], problems: list[Problem] | None = None) -> list[tuple[Path, Path]]:
    """Return (source, its path relative to the folder given) for every notice under paths.

    Hidden files and folders (a leading ".") are skipped; the order is the same on every system.
    Inside a folder, a link that loops or leads out of the folder is skipped, never read, with a
    warning added to problems.
    """
    return [(Path(source), Path(relative)) for source, relative in source_names(paths, problems)]


def source_names(paths: Iterable[Path], problems: list[Problem] | None = None) -> list[tuple[str, str]]:
    """Return what `find_sources` returns as strings: each source's path, and its path relative to
    the folder given with "/" between folders. For a caller of tens of thousands (`tbkl render` on an
    office's workspace), where making two `Path` objects a source cost more than the walk."""
    found: list[tuple[str, str, str]] = []
    for path in paths:
        if not path.is_dir():
            found.append((path.name, str(path), path.name))
            continue
        root = path.resolve()
        for folder, relative, subfolders, files in _walk(str(path), ()):
            for name in subfolders:
                if Path(folder, name).is_symlink():  # not followed; say so when it leads astray
                    _check_link(Path(folder, name), root, problems)
            # Sorted as Path.parts sort: folder by folder. No name holds "\0", so the names joined
            # by it compare as the tuples of names do, for less than a tuple a file costs.
            order = "".join(f"{part}\0" for part in relative)
            prefix = "".join(f"{part}/" for part in relative)
            for name, is_link, source in files:
                if is_source_name(name):
                    if is_link and not _check_link(Path(source), root, problems):
                        continue
                    found.append((order + name, source, prefix + name))
    found.sort(key=lambda item: item[0])
    return [(source, relative) for _, source, relative in found]


def _walk(top: str, relative: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...], list[str], list[tuple[str, bool, str]]]]:
    """Walk as os.walk(top) does (top down, links to folders not entered, unreadable folders passed
    over), hidden folders skipped and each level sorted; yield each folder's files with whether each
    is a link (from the folder's listing: no call per file, for an office's tens of thousands) and
    its path, and the folder's path relative to top as its names."""
    try:
        with os.scandir(top) as listing:
            entries = list(listing)
    except OSError:
        return
    subfolders: list[str] = []
    files: list[tuple[str, bool, str]] = []
    entered: dict[str, str] = {}  # the sub-folders walked into (links to folders are not), and their paths
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if not is_folder:
            try:
                files.append((entry.name, entry.is_symlink(), entry.path))
            except OSError:
                files.append((entry.name, False, entry.path))
        elif not entry.name.startswith("."):
            subfolders.append(entry.name)
            try:
                if not entry.is_symlink():
                    entered[entry.name] = entry.path
            except OSError:
                pass
    subfolders.sort()
    files.sort()
    yield top, relative, subfolders, files
    for name in subfolders:
        if name in entered:
            yield from _walk(entered[name], (*relative, name))


def _check_link(link: Path, root: Path, problems: list[Problem] | None) -> bool:
    """Tell whether a link inside root leads to a place inside root; warn about it when not."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # a loop, before Python 3.13
        message = "liên kết vòng (trỏ về chính nó); bỏ qua"
    except OSError as exc:
        message = "liên kết vòng (trỏ về chính nó); bỏ qua" if exc.errno == errno.ELOOP else "liên kết trỏ tới chỗ không có; bỏ qua"
    else:
        if target == root or root in target.parents:
            return True
        message = f"liên kết trỏ ra ngoài thư mục “{root.as_posix()}”; bỏ qua, không đọc"
    if problems is not None:
        problems.append(Problem(Place(link), message, Severity.WARNING, code="link"))
    return False


def slugify(title: str) -> str:
    """Return a file name from a Vietnamese title: "Kết luận họp" → "ket-luan-hop"."""
    text = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:80].rstrip("-") or "thong-bao"


def free_name(folder: Path, stem: str, taken: Callable[[Path], bool] = Path.exists) -> Path:
    """Return folder/<stem>.yaml, or <stem>-2.yaml, -3, … : the first one not taken."""
    target = folder / f"{stem}.yaml"
    number = 2
    while taken(target):
        target = folder / f"{stem}-{number}.yaml"
        number += 1
    return target
