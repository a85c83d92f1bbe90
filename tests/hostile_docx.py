"""Hostile Word files, written on demand: nothing large is kept in the repository.

Each case is a function that writes one file (or a FIFO, a folder, a link to a device) into a
given folder and returns its path. The zips are written by hand, so that a case can say what a
normal zip writer would refuse to (names that climb out of a folder, a size that lies) and so that
the big ones cost little: the zip bomb is one compressed megabyte repeated, never a gigabyte in
memory. Used by tests/test_wordfile.py and benchmarks/hostile.py.
"""

from __future__ import annotations

import os
import random
import struct
import sys
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
).encode()
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
).encode()
DOCUMENT = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}">'
    "<w:body><w:p><w:r><w:t>THÔNG BÁO</w:t></w:r></w:p></w:body></w:document>"
).encode()
_DOCUMENT_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'.encode()
_DOCUMENT_TAIL = b"</w:body></w:document>"


@dataclass(frozen=True)
class Entry:
    """One zip entry as written: its name, its raw (compressed) data and what the headers declare."""

    name: str
    raw: Iterable[bytes]
    crc: int
    compressed_size: int
    size: int
    method: int = 8


def stored(name: str, data: bytes) -> Entry:
    return Entry(name, [data], zlib.crc32(data), len(data), len(data), method=0)


def deflated(name: str, data: bytes, level: int = 9) -> Entry:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    raw = compressor.compress(data) + compressor.flush()
    return Entry(name, [raw], zlib.crc32(data), len(raw), len(data))


def repeated(name: str, head: bytes, unit: bytes, count: int, tail: bytes, *, declared: int | None = None) -> Entry:
    """Return an entry of head + unit * count + tail without ever holding it uncompressed.

    Deflate with a full flush forgets everything before it, so one compressed block of many
    units can be repeated as it is: the whole stream is a few blocks and one loop of CRCs.
    """
    per_block = max(1, (1 << 20) // len(unit))
    blocks, rest = divmod(count, per_block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block_data = unit * per_block
    block = compressor.compress(block_data) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(unit * rest + tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(block_data, crc)
    crc = zlib.crc32(unit * rest + tail, crc)
    size = len(head) + len(unit) * count + len(tail)
    raw = [first, *([block] * blocks), last]
    return Entry(name, raw, crc, sum(len(piece) for piece in raw), size if declared is None else declared)


def write_zip(path: Path, entries: Iterable[Entry]) -> Path:
    """Write entries as a zip, exactly as given (names and sizes unchecked); return path."""
    directory = bytearray()
    count = 0
    with open(path, "wb") as handle:
        for entry in entries:
            name = entry.name.encode("utf-8")
            flags = 0x800 if not name.isascii() else 0
            offset = handle.tell()
            fixed = (20, flags, entry.method, 0, 0x21, entry.crc, entry.compressed_size, entry.size, len(name))
            handle.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fixed, 0) + name)
            for piece in entry.raw:
                handle.write(piece)
            directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fixed, 0, 0, 0, 0, 0, offset) + name
            count += 1
        start = handle.tell()
        handle.write(directory)
        handle.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count & 0xFFFF, count & 0xFFFF, len(directory), start, 0))
    return path


def docx_with(path: Path, *extra: Entry, document: Entry | None = None, leave_out: str = "") -> Path:
    """Write a minimal Word file with the given document part and extra entries."""
    entries = [
        deflated("[Content_Types].xml", CONTENT_TYPES),
        deflated("_rels/.rels", RELS),
        document or deflated("word/document.xml", DOCUMENT),
        *extra,
    ]
    return write_zip(path, [entry for entry in entries if entry.name != leave_out])


# --- the cases ------------------------------------------------------------------------------


def not_a_zip(folder: Path) -> Path:
    path = folder / "not-a-zip.docx"
    path.write_bytes("Đây là văn bản thường, không phải tệp Word.\n".encode())
    return path


def empty(folder: Path) -> Path:
    path = folder / "empty.docx"
    path.write_bytes(b"")
    return path


def old_word(folder: Path) -> Path:
    path = folder / "old-word.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def no_document(folder: Path) -> Path:
    return docx_with(folder / "no-document.docx", leave_out="word/document.xml")


def malformed_xml(folder: Path) -> Path:
    broken = f'<?xml version="1.0" encoding="UTF-8"?>\n<w:document xmlns:w="{W_NS}">\n<w:body><w:p>\n</w:document>'
    return docx_with(folder / "malformed-xml.docx", document=deflated("word/document.xml", broken.encode()))


def billion_laughs(folder: Path) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<!DOCTYPE w:document [", ' <!ENTITY lol0 "lol">']
    lines += [f' <!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)]
    lines += ["]>", f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>']
    return docx_with(folder / "billion-laughs.docx", document=deflated("word/document.xml", "\n".join(lines).encode()))


def external_entity(folder: Path) -> Path:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>'
    )
    return docx_with(folder / "external-entity.docx", document=deflated("word/document.xml", xml.encode()))


GIB = 1 << 30


def zip_bomb(folder: Path) -> Path:
    """One entry of 1 GiB of zeros, about 1 MB compressed, its size declared truthfully."""
    return docx_with(folder / "zip-bomb.docx", repeated("word/media/zeros.bin", b"", bytes(1 << 20), 1024, b""))


def zip_bomb_lying_size(folder: Path) -> Path:
    """The same gigabyte of zeros, its headers claiming 1 KiB: the reader must not believe them."""
    return docx_with(folder / "zip-bomb-lying-size.docx", repeated("word/media/zeros.bin", b"", bytes(1 << 20), 1024, b"", declared=1024))


def five_million_paragraphs(folder: Path) -> Path:
    """5 million empty paragraphs: 30 MB of XML in about 53 KB."""
    document = repeated("word/document.xml", _DOCUMENT_HEAD, b"<w:p/>", 5_000_000, _DOCUMENT_TAIL)
    return docx_with(folder / "five-million-paragraphs.docx", document=document)


def many_elements(folder: Path) -> Path:
    """300,000 elements compressed at a modest ratio, so that only the element count stops them."""
    units = [f'<w:p w:rsidR="{i:08X}"/>'.encode() for i in range(300_000)]
    return docx_with(
        folder / "many-elements.docx", document=deflated("word/document.xml", _DOCUMENT_HEAD + b"".join(units) + _DOCUMENT_TAIL)
    )


def two_hundred_thousand_parts(folder: Path) -> Path:
    """200,000 tiny parts, counted in the end record as a writer without zip64 does: modulo 65,536."""
    parts = (stored(f"p/{number:x}", b"") for number in range(200_000))
    return docx_with(folder / "200000-parts.docx", *parts)


def deep_nesting(folder: Path) -> Path:
    """XML nested 100,000 deep: 700 KB, small enough to be read whatever it compresses to."""
    document = repeated("word/document.xml", _DOCUMENT_HEAD, b"<a>", 100_000, b"</a>" * 100_000 + _DOCUMENT_TAIL)
    return docx_with(folder / "deep-nesting.docx", document=document)


def name_parent(folder: Path) -> Path:
    return docx_with(folder / "name-parent.docx", deflated("../../x", b"x"))


def name_absolute(folder: Path) -> Path:
    return docx_with(folder / "name-absolute.docx", deflated("/etc/x", b"x"))


def name_drive(folder: Path) -> Path:
    return docx_with(folder / "name-drive.docx", deflated("C:\\x", b"x"))


def name_duplicate(folder: Path) -> Path:
    return docx_with(folder / "name-duplicate.docx", deflated("Word/Document.xml", DOCUMENT))


def not_utf8(folder: Path) -> Path:
    xml = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>Caf\u00e9</w:t></w:r></w:p></w:body></w:document>'
    )
    return docx_with(folder / "not-utf8.docx", document=deflated("word/document.xml", xml.encode("latin-1")))


def letters(count: int, seed: int = 0) -> bytes:
    """Return count random letters a and b, the same on every run: text that compresses only 8x."""
    return random.Random(seed).randbytes(count).translate(bytes(b"ab"[byte & 1] for byte in range(256)))


def long_paragraph(folder: Path, megabytes: float = 10.5) -> Path:
    """One paragraph of text longer than lxml reads (10,000,000 bytes), in a file within the other limits."""
    text = letters(int(megabytes * 1_000_000))
    document = _DOCUMENT_HEAD + b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>" + _DOCUMENT_TAIL
    return docx_with(folder / "long-paragraph.docx", document=deflated("word/document.xml", document, level=1))  # 9 takes minutes


def long_attribute(folder: Path) -> Path:
    document = _DOCUMENT_HEAD + b'<w:p w:rsidR="' + letters(1_100_000) + b'"/>' + _DOCUMENT_TAIL
    return docx_with(folder / "long-attribute.docx", document=deflated("word/document.xml", document, level=1))


def fifo(folder: Path) -> Path:
    path = folder / "fifo.docx"
    os.mkfifo(path)
    return path


def device(folder: Path) -> Path:
    path = folder / "device.docx"
    path.symlink_to("/dev/zero")
    return path


def directory(folder: Path) -> Path:
    path = folder / "x.docx"
    path.mkdir()
    return path


@dataclass(frozen=True)
class Case:
    name: str
    write: Callable[[Path], Path]
    posix_only: bool = False

    @property
    def available(self) -> bool:
        return not self.posix_only or sys.platform != "win32"


CASES = [
    Case("not-a-zip", not_a_zip),
    Case("empty", empty),
    Case("old-word", old_word),
    Case("no-document", no_document),
    Case("malformed-xml", malformed_xml),
    Case("billion-laughs", billion_laughs),
    Case("external-entity", external_entity),
    Case("zip-bomb", zip_bomb),
    Case("zip-bomb-lying-size", zip_bomb_lying_size),
    Case("five-million-paragraphs", five_million_paragraphs),
    Case("many-elements", many_elements),
    Case("200000-parts", two_hundred_thousand_parts),
    Case("deep-nesting", deep_nesting),
    Case("name-parent", name_parent),
    Case("name-absolute", name_absolute),
    Case("name-drive", name_drive),
    Case("name-duplicate", name_duplicate),
    Case("not-utf8", not_utf8),
    Case("long-paragraph", long_paragraph),
    Case("long-attribute", long_attribute),
    Case("fifo", fifo, posix_only=True),
    Case("device", device, posix_only=True),
    Case("directory", directory),
]


# --- running the tool on a case, measured -------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """How one run of the command line ended: exit code, output, wall time and peak memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float | None
    """Peak resident memory of the child (ru_maxrss), None where the system cannot say (Windows)."""
    cpu_seconds: float | None = None
    """Processor time the command used (user + system), None where the system cannot say (Windows)."""

    @property
    def busy_seconds(self) -> float:
        """The command's own processor time where known, else its wall time.

        Limits are asserted on this: the processor time a command takes does not grow when other
        work loads the machine, so a limit on it holds under load and still catches a slow path.
        """
        return self.seconds if self.cpu_seconds is None else self.cpu_seconds


# Runs the command and reports its own children's peak memory and the command's wall time. The
# measuring goes through this small process because ru_maxrss counts what a child held before it
# started the new program too, which for a child of the test or benchmark process is their memory.
_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
with open(sys.argv[1], "w", encoding="utf-8") as report:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report.write(f"{usage.ru_maxrss} {seconds} {usage.ru_utime + usage.ru_stime}")
sys.exit(code)
"""


def run_measured(args: list[str], cwd: Path, *, timeout: float = 60) -> Measured:
    """Run `python -m tbkl_gen ARGS` in a child process; return its outcome, time and peak memory.

    On POSIX the command runs under a small wrapper process that reports the command's own peak
    resident memory (ru_maxrss), wall time and processor time; elsewhere only the wall time is measured.
    """
    import signal
    import subprocess
    import tempfile
    import time

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "tbkl_gen", *args]
    posix = sys.platform != "win32"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report"
        if posix:
            command = [sys.executable, "-c", _WRAPPER, str(report), *command]
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=posix)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            if posix:
                os.killpg(process.pid, signal.SIGKILL)  # the wrapper and the command it started
            else:
                process.kill()
            process.communicate()
            raise AssertionError(f"tbkl {' '.join(args)} still running after {timeout} s") from expired
        seconds = time.perf_counter() - start
        peak = cpu = None
        if posix and report.exists():
            maxrss, seconds_text, cpu_text = report.read_text(encoding="utf-8").split()
            seconds, cpu = float(seconds_text), float(cpu_text)
            peak = int(maxrss) / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB on Linux
        return Measured(process.returncode, stdout.decode("utf-8"), stderr.decode("utf-8"), seconds, peak, cpu)
