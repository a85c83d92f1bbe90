"""The names of source files: a notice's summary turned into a file name anyone can type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

SOURCE_SUFFIXES = (".yaml", ".yml")
"""The suffixes of a source, in lower case: `A.YAML` is a source too, as Windows and macOS see it."""


def is_source_name(name: str) -> bool:
    """Tell whether a file name is a notice's source (not hidden, a YAML suffix in any case)."""
    return name.lower().endswith(SOURCE_SUFFIXES) and not name.startswith(".")


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
