"""The names of source files: a notice's summary turned into a file name anyone can type."""

from __future__ import annotations

import re
import unicodedata


def slugify(title: str) -> str:
    """Return a file name from a Vietnamese title: "Kết luận họp" → "ket-luan-hop"."""
    text = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:80].rstrip("-") or "thong-bao"
