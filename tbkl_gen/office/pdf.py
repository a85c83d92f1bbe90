"""Read what tbkl needs from a PDF (its page count) and draw its pages as PNG images.

Pages are drawn by poppler's pdftocairo in grey: a notice is black on white (ND30 wants black
text), and a grey PNG is a third of the size of a colour one and quicker to write, which counts
when a drafting page asks for a preview after every change.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tbkl_gen.errors import RendererMissing, TbklError
from tbkl_gen.files import copy_file, make_folders

DEFAULT_DPI = 110
"""Enough to read 13-14 pt text on a screen; a page is about 910 x 1290 pixels."""
# LibreOffice writes each page object as "/Type/Page/Parent …", never in a compressed object stream.
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")

# A notice's PDF is tens to hundreds of kilobytes; one of a 50-page notice with photographs a few
# megabytes. A file beyond this is not read, nor copied into the user's folder.
MAX_PDF_BYTES = 256 * 1024 * 1024


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF written by LibreOffice."""
    return len(_PAGE_OBJECT.findall(pdf))


def draw_pages(pdf: Path, folder: Path, stem: str, *, dpi: int = DEFAULT_DPI, timeout: float = 120.0) -> list[Path]:
    """Write folder/stem-N.png for each page of pdf; return them in page order.

    poppler draws into a private folder; each page then goes into folder through the tool's one
    writer, so a link planted at a page's name in a shared folder is replaced, never followed.
    """
    binary = shutil.which("pdftocairo")
    if binary is None:
        raise RendererMissing()
    make_folders(folder)
    for old in _pages(folder, stem):  # an earlier, longer version's last pages must not linger
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="tbkl-pages-") as work:
        try:
            subprocess.run(
                [binary, "-png", "-gray", "-r", str(dpi), str(pdf), str(Path(work) / stem)],
                capture_output=True,
                check=True,
                timeout=timeout,
            )
        except subprocess.CalledProcessError as exc:
            raise TbklError(f"{pdf.as_posix()}: không vẽ được trang ({exc.stderr.decode('utf-8', 'replace').strip()})") from exc
        except subprocess.TimeoutExpired as exc:
            raise TbklError(f"{pdf.as_posix()}: vẽ trang quá {timeout:g} giây nên đã dừng") from exc
        for page in _pages(Path(work), stem):
            copy_file(page, folder / page.name, MAX_PDF_BYTES)
    return _pages(folder, stem)


def _pages(folder: Path, stem: str) -> list[Path]:
    """Return folder/stem-N.png in page order; poppler pads N to the width of the last number."""
    pages = [p for p in folder.glob(f"{stem}-*.png") if p.stem[len(stem) + 1 :].isdigit()]
    return sorted(pages, key=lambda p: int(p.stem[len(stem) + 1 :]))
