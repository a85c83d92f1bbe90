"""Open a Word file given to `tbkl import`: a .docx directly, an old .doc through LibreOffice first.

The input is untrusted: it is opened in one place (`open_document`) so that the limits for every
Word file we open can be applied there, and converted in one place (`convert_doc`).
"""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path

from tbkl_gen.errors import TbklError, WordFileRefused
from tbkl_gen.office.locate import LibreOfficeMissing
from tbkl_gen.office.server import Office, OfficeFailed
from tbkl_gen.wordfile import MAX_FILE_BYTES, open_word_file, read_regular_file


class CannotImport(TbklError):
    """A file given to `tbkl import` cannot be read as a Word notice."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.as_posix()}: không nhập được: {reason}")


def open_document(path: Path, named: Path | None = None):  # noqa: ANN201 (a python-docx Document)
    """Return the python-docx document of a .docx file, or raise CannotImport with the reason.

    named is the file the user gave, when path was converted from it (a .doc).
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        checked = open_word_file(path)
    except WordFileRefused as exc:
        raise CannotImport(named or path, exc.reason) from None
    path = named or path
    try:
        return docx.Document(checked.stream())
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise CannotImport(path, "tệp .docx hỏng hoặc không phải văn bản Word") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        if type(exc).__module__.startswith(("lxml", "docx")):
            raise CannotImport(path, "tệp .docx có phần XML hỏng") from None
        raise


def converted_doc(path: Path, stack: contextlib.ExitStack) -> Path:
    """Convert an old Word .doc into a .docx with LibreOffice; return the .docx path, which lives
    until stack closes (with the LibreOffice profile it was made in).

    The .doc is read once, within the size limit of every Word file (tbkl_gen.wordfile), before
    LibreOffice is even looked for: a 2 GB file is refused by its size, unread and uncopied.
    LibreOffice runs through tbkl_gen.office (its own profile, its own process group, stopped
    whole at the time limit).
    """
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except WordFileRefused as exc:
        raise CannotImport(path, exc.reason) from None
    try:
        office = stack.enter_context(Office(warm=False, what="đọc tệp .doc"))
        return office.convert_document(data, ".doc", "docx")
    except LibreOfficeMissing:
        raise CannotImport(
            path, "cần LibreOffice (soffice) để đọc tệp .doc; hãy cài LibreOffice hoặc lưu tệp thành .docx trong Word"
        ) from None
    except OfficeFailed as exc:
        raise CannotImport(path, str(exc)) from None
