"""Opening a Word file from anyone: every limit checked before anything parses it.

A .docx is a zip of XML parts, and a file from someone else can be built to hurt whoever opens it:
a zip bomb (a gigabyte of zeros in one megabyte), a part count or a central directory that
exhausts memory before a single part is read, entry names that climb out of a folder, XML with
an entity bomb or an external entity, XML nested or repeated millions of times, or no file at
all (a folder, a FIFO, /dev/zero). `open_word_file` is the one way the tool opens a Word file
(templates, `tbkl check --docx`, and later the importer and page uploads): it reads the file
once, checks it in bounded time and memory, and returns the checked bytes and parts. Callers
parse only what it returns, never the path again, so what they parse is what was checked.

Each refusal is a `WordFileRefused` naming the file and what is wrong, in Vietnamese.
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbkl_gen.errors import NotReadable, WordFileRefused, shortened
from tbkl_gen.files import kind_of, read_regular

if TYPE_CHECKING:
    import zipfile

MIB = 1024 * 1024

# The limits. A real notice is a few dozen kilobytes in 15-40 parts (the two real Word originals
# of tests/test_wordfile.py: 33 and 59 KB, 15 and 20 parts, parts compressed at most 15x, XML at
# most 25 levels deep and 12,000 elements in all). Each limit is far above what a 50-page notice
# with photographs needs, and low enough that a refusal costs well under a second and a bounded
# amount of memory.

MAX_FILE_BYTES = 20 * MIB
"""Size of the .docx itself: a 50-page notice with a dozen photographs is 2-5 MB."""

MAX_PARTS = 2_000
"""Entries in the zip: a notice has 15-40 parts, plus one per picture."""

MAX_DIRECTORY_BYTES = MAX_PARTS * 512
"""The zip's central directory (about 50-100 bytes an entry), read before any entry count is known."""

MAX_PART_BYTES = 50 * MIB
"""One part uncompressed: the body of a 50-page notice is 1-3 MB, a photograph a few MB."""

MAX_TOTAL_BYTES = 100 * MIB
"""All parts uncompressed together; the file itself is at most 20 MB and pictures barely compress."""

MAX_RATIO = 200
"""Uncompressed over compressed size of one part: Word's XML compresses 2-15x; a zip bomb 1,000x."""

RATIO_FREE_BYTES = 1 * MIB
"""Parts this small are not held to MAX_RATIO: at worst they cost a megabyte each."""

MAX_XML_DEPTH = 256
"""Nesting of XML elements: Word's own documents nest under 30 levels (about 60 with tables in
tables); deeper XML only serves to exhaust readers that walk the tree recursively."""

MAX_XML_ELEMENTS = 250_000
"""Elements in all XML parts together: the real originals have 7,000-12,000, a 50-page notice
about 40,000. Counting costs about a microsecond an element (the parser hands each one to Python with
its attributes), so this also bounds the time of a refusal (a quarter of a second) and the tree
python-docx builds afterwards."""

MAX_TEXT_BYTES = 10_000_000
"""Bytes (UTF-8) of one run of text between two tags: libxml2's own limit (XML_MAX_TEXT_LENGTH),
past which lxml, and so python-docx and our readers, refuse the part as broken XML. A whole
50-page notice holds about 200,000 characters of text."""

MAX_ATTRIBUTE_BYTES = 1_000_000
"""Bytes of one attribute's value: Word writes a few dozen (a drawing's path a few thousand);
libxml2 refuses a little under 10,000,000."""

MAIN_PART = "word/document.xml"
REQUIRED_PARTS = ("[Content_Types].xml", "_rels/.rels", MAIN_PART)
"""Parts every Word document has: the content types, the package's relationships, the body."""

_CHUNK = 64 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 files, and .docx files with a password
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_DECLARATION = re.compile(rb"^<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DRIVE = re.compile(r"^[A-Za-z]:")
# Only stored (0) and deflated (8) entries: Word writes nothing else, and each other method is one
# more decompressor to trust.
_METHODS = (0, 8)


@dataclass(frozen=True)
class WordFile:
    """A Word file that passed every check: its bytes as read, and its parts in the zip's order."""

    path: Path
    data: bytes
    parts: dict[str, bytes]

    def stream(self) -> io.BytesIO:
        """Return the checked bytes as a file object, for python-docx or docxtpl to read."""
        return io.BytesIO(self.data)


def open_word_file(path: Path) -> WordFile:
    """Read and check the Word file at path; raise WordFileRefused if it is not safe to parse."""
    import zipfile  # here, not at the top: the batch imports this module on its no-op path

    path = Path(path)
    data = read_regular_file(path, MAX_FILE_BYTES)
    _check_directory(path, data)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, struct.error, EOFError, OSError, NotImplementedError) as exc:
        raise WordFileRefused(path, "gói zip bị hỏng, không đọc được mục lục của gói") from exc
    with package:
        entries = _checked_entries(path, package)
        return WordFile(path, data, _read_parts(path, package, entries))


def read_regular_file(path: Path, limit: int) -> bytes:
    """Return the bytes of the regular file at path (`tbkl_gen.files.read_regular`), refusing an empty one."""
    try:
        data = read_regular(path, limit)
    except NotReadable as exc:
        raise WordFileRefused(path, _too_big(exc.size, limit) if exc.size is not None else exc.reason) from None
    if not data:
        raise WordFileRefused(path, "tệp rỗng (0 byte)")
    return data


def refuse_unless_regular(path: Path) -> None:
    """Raise WordFileRefused naming what path is when it exists but is no regular file (a FIFO, a device, a folder)."""
    try:
        info = path.stat()
    except OSError:
        return  # missing or unreadable: the caller says so in its own words
    _check_kind(path, info)


def _check_kind(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise WordFileRefused(path, f"đây là {kind_of(info.st_mode)}, không phải một tệp")


def _check_directory(path: Path, data: bytes) -> None:
    """Refuse what is not a zip, and a zip whose directory is too long, before zipfile reads it."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD.size - 0xFFFF))
    if end < 0 or end + _EOCD.size > len(data):
        if data.startswith(_OLE_MAGIC):
            raise WordFileRefused(
                path,
                "đây là tệp Word 97-2003 (.doc) hoặc tệp .docx có mật khẩu; hãy mở bằng Word và lưu lại dạng .docx không đặt mật khẩu",
            )
        if data.startswith(b"PK"):
            raise WordFileRefused(path, "gói zip bị cắt cụt hoặc hỏng (không có mục lục ở cuối gói)")
        raise WordFileRefused(path, "không phải tệp Word .docx (tệp .docx là một gói zip; tệp này có thể là loại khác bị đổi đuôi)")
    _, disk, directory_disk, _, entries, size, _, _ = _EOCD.unpack_from(data, end)
    locator = end - _ZIP64_LOCATOR.size
    if locator >= _ZIP64_EOCD.size and data[locator : locator + 4] == b"PK\x06\x07":
        record = locator - _ZIP64_EOCD.size
        if data[record : record + 4] == b"PK\x06\x06":
            _, _, _, _, disk, directory_disk, _, entries, size, _ = _ZIP64_EOCD.unpack_from(data, record)
    if disk or directory_disk:
        raise WordFileRefused(path, "gói zip chia thành nhiều tập; tệp Word chỉ có một tập")
    # The directory's length first: without zip64 the count of entries wraps at 65,536, but the
    # directory zipfile would read is always as long as it says.
    if size > MAX_DIRECTORY_BYTES:
        raise WordFileRefused(
            path,
            f"mục lục của gói zip dài {_number(size)} byte, quá giới hạn {_number(MAX_DIRECTORY_BYTES)} byte (quá nhiều phần hoặc tên phần quá dài)",
        )
    if entries > MAX_PARTS:
        raise WordFileRefused(path, _too_many(entries))


def _checked_entries(path: Path, package: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Return the entries that are parts, after checking names, methods and declared sizes."""
    entries = package.infolist()
    if len(entries) > MAX_PARTS:
        raise WordFileRefused(path, _too_many(len(entries)))
    seen: set[str] = set()
    parts = []
    total = 0
    for info in entries:
        name = info.filename
        problem = _name_problem(name)
        if problem:
            raise WordFileRefused(path, f"tên phần “{_shown(name)}” không hợp lệ ({problem})")
        key = name.casefold()  # part names are compared without case (ECMA-376 Part 2, 9.1.1.1)
        if key in seen:
            raise WordFileRefused(path, f"phần “{_shown(name)}” có hai lần trong gói")
        seen.add(key)
        if name.endswith("/"):
            if info.file_size:
                raise WordFileRefused(path, f"tên phần “{_shown(name)}” không hợp lệ (thư mục có nội dung)")
            continue
        if info.flag_bits & 0x1:
            raise WordFileRefused(path, f"phần “{_shown(name)}” được mã hóa; hãy mở bằng Word và lưu lại không đặt mật khẩu")
        if info.compress_type not in _METHODS:
            raise WordFileRefused(path, f"phần “{_shown(name)}” nén theo kiểu Word không dùng (kiểu {info.compress_type})")
        if info.file_size > MAX_PART_BYTES:
            raise WordFileRefused(path, _part_too_big(name, info.file_size))
        if info.file_size > RATIO_FREE_BYTES and info.file_size > MAX_RATIO * info.compress_size:
            raise WordFileRefused(path, _bomb(name, info.file_size, info.compress_size))
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise WordFileRefused(path, _total_too_big())
        parts.append(info)
    present = {info.filename for info in parts}
    for required in REQUIRED_PARTS:
        if required not in present:
            raise WordFileRefused(path, f"thiếu phần {required}: đây không phải văn bản Word .docx hoặc tệp đã hỏng")
    return parts


def _name_problem(name: str) -> str:
    """Return why an entry name cannot be a part name of a Word file, or "" when it can."""
    if not name:
        return "tên rỗng"
    if name.startswith("/"):
        return "đường dẫn tuyệt đối"
    if _DRIVE.match(name):
        return "có tên ổ đĩa"
    if "\\" in name:
        return "có dấu “\\”"
    if any(ord(character) < 32 or character == "\x7f" for character in name):
        return "có ký tự điều khiển"
    segments = name.rstrip("/").split("/")
    if any(segment in (".", "..") for segment in segments):
        return "có “..” hoặc “.”"
    if any(not segment for segment in segments):
        return "có đoạn tên rỗng"
    return ""


def _read_parts(path: Path, package: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    """Return every part decompressed, each XML part checked as soon as it is; the content types first."""
    budget = _Budget()
    types_entry = next(info for info in entries if info.filename == "[Content_Types].xml")
    types_blob = _read_part(path, package, types_entry, budget, xml=True)
    types = _content_types(types_blob)
    blobs = {types_entry.filename: types_blob}
    for info in entries:
        if info is not types_entry:
            blobs[info.filename] = _read_part(path, package, info, budget, xml=_is_xml(info.filename, types))
    return {info.filename: blobs[info.filename] for info in entries}


class _Budget:
    """What is left of the limits that hold for the whole file."""

    def __init__(self) -> None:
        self.bytes = MAX_TOTAL_BYTES
        self.elements = MAX_XML_ELEMENTS


def _read_part(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, *, xml: bool) -> bytes:
    """Return one part, decompressed a chunk at a time under the limits, checked if it is XML.

    The sizes written in the zip were checked already, but they are the attacker's words: the
    bytes actually produced are counted against the limits as they come.
    """
    import zipfile

    name = info.filename
    limit = min(MAX_PART_BYTES, budget.bytes)
    chunks = []
    size = 0
    try:
        with package.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise WordFileRefused(path, _part_too_big(name) if limit == MAX_PART_BYTES else _total_too_big())
                if size > RATIO_FREE_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
                    raise WordFileRefused(path, _bomb(name, size, info.compress_size))
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error, NotImplementedError, RuntimeError) as exc:
        raise WordFileRefused(path, f"phần “{_shown(name)}” bị hỏng, không giải nén được") from exc
    budget.bytes -= size
    blob = b"".join(chunks)
    if xml:
        check_xml(path, name, blob, budget)
    return blob


_TOO_DEEP = f"lồng sâu hơn {MAX_XML_DEPTH} cấp"
_TOO_MANY_ELEMENTS = f"vượt giới hạn {MAX_XML_ELEMENTS:,} phần tử XML của một tệp Word".replace(",", ".")


class _Refused(Exception):
    """Raised inside the XML parser by a handler, to stop it at once."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_xml(path: Path, name: str, blob: bytes, budget: _Budget | None = None) -> None:
    """Refuse an XML part that is not UTF-8, not well-formed, has a DTD, or is too deep or too big.

    Expat (the standard library's parser, in C) is used without building anything: handlers only
    count depth and elements, and a DOCTYPE stops it where the declaration starts, before any
    entity is declared, let alone expanded; expat never fetches anything. Importing it costs a
    fraction of a millisecond, so rendering with a template imports no lxml. The whole part is
    parsed in one call: expat before 2.6 re-scans a long token from its start on every chunk fed.
    """
    from xml.parsers import expat

    budget = budget or _Budget()
    if blob.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WordFileRefused(path, _not_utf8(name))
    declaration = _DECLARATION.match(blob.removeprefix(b"\xef\xbb\xbf")[:200])
    if declaration and declaration.group(1).lower() not in (b"utf-8", b"utf8"):
        raise WordFileRefused(path, _not_utf8(name))
    if not blob.strip():
        raise WordFileRefused(path, f"phần “{_shown(name)}” rỗng, không phải XML")
    parser = expat.ParserCreate("UTF-8", " ")  # namespace processing on: an unbound prefix is an error
    parser.ordered_attributes = True  # a list is cheaper to build than a dict, and nothing reads it
    depth = 0

    def start(tag: str, attributes: list[str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(_TOO_DEEP)
        budget.elements -= 1
        if budget.elements < 0:
            raise _Refused(_TOO_MANY_ELEMENTS)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1

    # Only a part larger than a limit can hold a text or an attribute past it. A notice's parts are
    # smaller, and are read without the cost of these handlers.
    text_bytes = 0  # of the text since the last tag, as lxml counts it (UTF-8)

    def start_large(tag: str, attributes: list[str]) -> None:
        nonlocal depth, text_bytes
        text_bytes = 0
        depth += 1  # as start does (a call more for each element costs a tenth of the time of a large part)
        if depth > MAX_XML_DEPTH:
            raise _Refused(_TOO_DEEP)
        budget.elements -= 1
        if budget.elements < 0:
            raise _Refused(_TOO_MANY_ELEMENTS)
        if attributes and max(map(len, attributes)) * 4 > MAX_ATTRIBUTE_BYTES:  # one call in C for most elements
            if max(len(value.encode("utf-8")) for value in attributes) > MAX_ATTRIBUTE_BYTES:
                raise _Refused(
                    f"có một thuộc tính XML dài hơn {_number(MAX_ATTRIBUTE_BYTES)} byte, quá giới hạn của một thuộc tính trong tệp Word"
                )

    def end_large(tag: str) -> None:
        nonlocal depth, text_bytes
        text_bytes = 0
        depth -= 1

    def text(data: str) -> None:
        nonlocal text_bytes
        text_bytes += len(data) if data.isascii() else len(data.encode("utf-8"))
        if text_bytes > MAX_TEXT_BYTES:
            raise _Refused(f"có một đoạn chữ liền dài hơn {_number(MAX_TEXT_BYTES)} byte, quá giới hạn {_text_limit()}")

    def doctype(*_: Any) -> None:
        raise _Refused("có khai báo DOCTYPE (DTD, thực thể); tệp Word không bao giờ có, và đó là cách của bom thực thể")

    large = len(blob) > MAX_ATTRIBUTE_BYTES
    parser.StartElementHandler = start_large if large else start
    parser.EndElementHandler = end_large if large else end
    if len(blob) > MAX_TEXT_BYTES:
        parser.buffer_text = True  # text between two tags comes in few calls
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(blob, True)
    except _Refused as refusal:
        raise WordFileRefused(path, f"phần “{_shown(name)}” {refusal.reason}") from None
    except expat.ExpatError as error:
        raise WordFileRefused(path, f"phần “{_shown(name)}” không phải XML hợp lệ (dòng {error.lineno}, cột {error.offset + 1})") from None


def _text_limit() -> str:
    return "của một đoạn chữ trong tệp Word mà trình đọc XML chấp nhận; một thông báo 50 trang có khoảng 200.000 chữ"


def _not_utf8(name: str) -> str:
    return f"phần “{_shown(name)}” không mã hóa UTF-8 (Word luôn lưu UTF-8; hãy mở bằng Word và lưu lại)"


@dataclass(frozen=True)
class _ContentTypes:
    """A package's content types: by extension, and by part name."""

    defaults: dict[str, str]
    overrides: dict[str, str]


def _content_types(blob: bytes) -> _ContentTypes:
    """Return the content types by extension and by part name; the part was checked already."""
    from xml.parsers import expat

    defaults, overrides = {}, {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("ContentType", "").split(";")[0].strip().lower()
        if tag.endswith(" Default"):
            defaults[attributes.get("Extension", "").lower()] = kind
        elif tag.endswith(" Override"):
            overrides[attributes.get("PartName", "").lstrip("/").casefold()] = kind

    parser = expat.ParserCreate("UTF-8", " ")
    parser.StartElementHandler = start
    parser.Parse(blob, True)
    return _ContentTypes(defaults, overrides)


def _is_xml(name: str, types: _ContentTypes) -> bool:
    """Say whether a part is XML that python-docx or our renderer may parse.

    By name (.xml, .rels) or by content type: python-docx picks its parser by content type, so a
    part named otherwise is still checked. Pictures (SVG) and VML drawings are never parsed by
    either, and Word's VML is often not well-formed XML, so they are left alone.
    """
    if name.lower().endswith((".xml", ".rels")):
        return True
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    kind = types.overrides.get(name.casefold()) or types.defaults.get(extension, "")
    return kind.endswith("xml") and not kind.startswith("image/")


def _shown(name: str) -> str:
    """Return an entry name as it may be printed: control characters escaped, cut after 77 characters."""
    text = name.encode("unicode_escape").decode("ascii") if any(ord(c) < 32 or c == "\x7f" for c in name) else name
    return shortened(text, 77)


def _number(value: int) -> str:
    """Return an integer with Vietnamese thousands separators: 1.000.000."""
    return f"{value:,}".replace(",", ".")


def _megabytes(size: int) -> str:
    return f"{_number(math.ceil(size / MIB))} MB"


def _too_big(size: int, limit: int) -> str:
    return f"tệp lớn {_megabytes(size)}, quá giới hạn {_megabytes(limit)} của một tệp Word"


def _too_many(count: int) -> str:
    return f"gói có {_number(count)} phần, quá giới hạn {_number(MAX_PARTS)} phần"


def _part_too_big(name: str, size: int | None = None) -> str:
    """Say that a part is too big: by its declared size, or (size None) as it decompressed."""
    amount = _megabytes(size) if size is not None else f"hơn {_megabytes(MAX_PART_BYTES)}"
    return f"phần “{_shown(name)}” giải nén ra {amount}, quá giới hạn {_megabytes(MAX_PART_BYTES)} một phần"


def _total_too_big() -> str:
    return f"các phần giải nén ra hơn {_megabytes(MAX_TOTAL_BYTES)}, quá giới hạn của một tệp Word"


def _bomb(name: str, size: int, compressed: int) -> str:
    ratio = size // max(compressed, 1)
    return f"phần “{_shown(name)}” nén {_number(ratio)} lần, quá giới hạn {MAX_RATIO} lần (dấu hiệu bom nén)"
