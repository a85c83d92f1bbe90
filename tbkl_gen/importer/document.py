"""Open a Word file given to `tbkl import`: a .docx directly, an old .doc through LibreOffice first.

The input is untrusted: it is opened in one place (`open_document`) so that the limits for every
Word file we open can be applied there, and converted in one place (`convert_doc`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from tbkl_gen.errors import TbklError, WordFileRefused
from tbkl_gen.office.locate import find_soffice
from tbkl_gen.wordfile import open_word_file

# LibreOffice needs a while to start; a document that takes longer than this is not a notice.
CONVERT_TIMEOUT_SECONDS = 120


class CannotImport(TbklError):
    """A file given to `tbkl import` cannot be read as a Word notice."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.as_posix()}: không nhập được: {reason}")


def open_document(path: Path):  # noqa: ANN201 (a python-docx Document)
    """Return the python-docx document of a .docx file, or raise CannotImport with the reason."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        checked = open_word_file(path)
    except WordFileRefused as exc:
        raise CannotImport(path, exc.reason) from None
    try:
        return docx.Document(checked.stream())
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise CannotImport(path, "tệp .docx hỏng hoặc không phải văn bản Word") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        if type(exc).__module__.startswith(("lxml", "docx")):
            raise CannotImport(path, "tệp .docx có phần XML hỏng") from None
        raise


def soffice_binary() -> str | None:
    """Return the LibreOffice program to convert with (as `--pdf` finds it), or None when it is not installed."""
    found = find_soffice()
    return None if found is None else str(found)


def convert_doc(path: Path, workdir: Path) -> Path:
    """Convert an old Word .doc into a .docx in workdir with LibreOffice; return the .docx path."""
    binary = soffice_binary()
    if binary is None:
        raise CannotImport(path, "cần LibreOffice (soffice) để đọc tệp .doc; hãy cài LibreOffice hoặc lưu tệp thành .docx trong Word")
    profile = Path(tempfile.mkdtemp(prefix="tbkl-lo-profile-", dir=workdir))
    # Copy under a plain name: LibreOffice names its output after the input, and some names
    # (leading dashes, odd characters) confuse its command line.
    plain = workdir / "input.doc"
    shutil.copyfile(path, plain)
    command = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "docx",
        "--outdir",
        str(workdir),
        str(plain),
    ]
    env = dict(os.environ, HOME=str(profile))
    try:
        subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise CannotImport(path, f"LibreOffice không chuyển xong tệp .doc trong {CONVERT_TIMEOUT_SECONDS} giây") from None
    except OSError as exc:
        raise CannotImport(path, f"không chạy được LibreOffice ({exc.strerror or exc})") from None
    converted = workdir / "input.docx"
    if not converted.is_file():
        raise CannotImport(path, "LibreOffice không chuyển được tệp .doc (tệp hỏng hoặc không phải văn bản Word)")
    return converted
