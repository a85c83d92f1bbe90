"""The names of source files: which files are sources, and a notice's summary turned into a file name anyone can type."""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from tbkl_gen.errors import Place, Problem, Severity

SOURCE_SUFFIXES = (".yaml", ".yml")
"""The suffixes of a source, in lower case: `A.YAML` is a source too, as Windows and macOS see it."""

CATALOG_FILE = ".tbkl-service/danh-muc.json"
"""The page's catalog of a workspace's documents (page/catalog.py), relative to the workspace: a cache, never history."""


def is_source_name(name: str) -> bool:
    """Tell whether a file name is a notice's source (not hidden, a YAML suffix in any case)."""
    return name.lower().endswith(SOURCE_SUFFIXES) and not name.startswith(".")


def find_sources(paths: Iterable[Path], problems: list[Problem] | None = None) -> list[tuple[Path, Path]]:
    """Return (source, its path relative to the folder given) for every notice under paths.

    Hidden files and folders (a leading ".") are skipped; the order is the same on every system.
    Inside a folder, a link that loops or leads out of the folder is skipped, never read, with a
    warning added to problems.
    """
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if not path.is_dir():
            found.append((path, Path(path.name)))
            continue
        root = path.resolve()
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in subfolders:
                if Path(folder, name).is_symlink():  # not followed (os.walk); say so when it leads astray
                    _check_link(Path(folder, name), root, problems)
            relative = Path(os.path.relpath(folder, path))
            for name in sorted(files):
                if is_source_name(name):
                    source = Path(folder, name)
                    if source.is_symlink() and not _check_link(source, root, problems):
                        continue
                    found.append((source, relative / name))
    return sorted(found, key=lambda pair: pair[1].parts)


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
