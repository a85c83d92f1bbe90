"""The names of source files: a notice's summary turned into a file name anyone can type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path


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
