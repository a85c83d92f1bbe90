"""Open a Word file given to `tbkl import`: a .docx directly, an old .doc through LibreOffice first.

The input is untrusted: it is opened in one place (`open_document`) so that the limits for every
Word file we open can be applied there, and converted in one place (`converted_doc`).
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from tbkl_gen.errors import CannotImport, WordFileRefused
from tbkl_gen.office.server import doc_as_docx
from tbkl_gen.wordfile import open_word_file

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

# Content types of a Word file with macros (.docm): its main part, and the macros themselves.
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"


def open_document(path: Path, named: Path | None = None) -> DocxDocument:
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
    stream = checked.stream()
    types = checked.parts["[Content_Types].xml"]
    if MACRO_MAIN.encode() in types:  # a .docm: python-docx reads only the plain type; its text is the same
        stream = _repackaged(checked.parts, {"[Content_Types].xml": types.replace(MACRO_MAIN.encode(), PLAIN_MAIN.encode())})
    try:
        return docx.Document(stream)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise CannotImport(path, "tệp .docx hỏng hoặc không phải văn bản Word") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        if type(exc).__module__.startswith(("lxml", "docx")):
            raise CannotImport(path, "tệp .docx có phần XML hỏng") from None
        raise


def _repackaged(parts: dict[str, bytes], changed: dict[str, bytes]) -> io.BytesIO:
    """Return a zip of parts (already checked) with some of them changed, for python-docx to read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as package:
        for name, blob in parts.items():
            package.writestr(name, changed.get(name, blob))
    buffer.seek(0)
    return buffer


def dropped_content(document: DocxDocument) -> list[tuple[str, str]]:
    """Return (where, what) for what a Word file holds that no source can: macros and content
    inserted from other files (altChunk), which Word merges into the text only when it opens the file.
    """
    from docx.oxml.ns import qn

    found = []
    main = document.part
    for chunk in main.element.body.iter(qn("w:altChunk")):
        relation = main.rels.get(chunk.get(qn("r:id")) or "")
        name = relation.target_part.partname.lstrip("/") if relation is not None and not relation.is_external else "?"
        found.append(
            (
                "nội dung",
                f"nội dung chèn từ phần «{name}» (altChunk) không đưa vào nguồn: Word chỉ ghép nó vào văn bản khi mở tệp; "
                "hãy mở tệp bằng Word, lưu lại rồi nhập lại",
            )
        )
    for part in main.package.iter_parts():
        if part.content_type == VBA_PROJECT or part.partname.lower().endswith("/vbaproject.bin"):
            found.append(("toàn văn", f"macro (phần «{part.partname.lstrip('/')}») không chạy và không đưa vào nguồn"))
    return found


def converted_doc(path: Path, stack: contextlib.ExitStack) -> Path:
    """Convert an old Word .doc into a .docx with LibreOffice (`office.server.doc_as_docx`); return
    the .docx path, which lives until stack closes (with the LibreOffice profile it was made in)."""
    try:
        return doc_as_docx(path, stack)
    except WordFileRefused as exc:
        raise CannotImport(path, exc.reason) from None
