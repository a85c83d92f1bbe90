"""Read a notice source: path → bytes → text → YAML nodes → plain data with places (→ `shape`).

The nodes come from `quick` when the text has the common shape of a notice (what `tbkl new`,
the importer, the page and `yaml.dump` write: block mappings of plain-word keys and block
sequences; plain, single-quoted, one-line double-quoted and block scalars; comments; empty
values and the empty flows `[]`, `{}`): the node tree libyaml would compose, made in Python
without importing PyYAML (a cold `tbkl render` saves its import), its plain values' types
resolved and built by `implicit` as PyYAML's safe loader does. Any other text (anchors, tags,
flows, tabs, a byte order mark…, and every text with an error) goes to `compose`: libyaml when
the text is plainly well-formed, else PyYAML's Python parser, whose errors `yaml_errors`
explains. Both ways give the same `Source` (a test holds them to it on thousands of texts).
A text `quick` reads is read straight into the data (`_read_quick`): its composer calls the
builder's methods for each key and value as it reads them (`_Reading`), no node made; the walk
over nodes calls the same methods, so every check is made once, the same way.
It reads with the safe loader only, refuses tags, anchors and aliases, duplicate keys, oversized
files and characters Word cannot hold before building anything, keeps the line and column of
every value so that each problem can point at it, and reports YAML 1.1 surprises (`so: 012` read
as 10, `NO` as false) with the quoting that fixes them. A file (`read_source`) and a text held in
memory (`read_text`, for a page or an importer) are read alike, with the same messages. Every
message is Vietnamese; nothing the drafter can type ends in a traceback.
"""

from __future__ import annotations

import bisect
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tbkl_gen.errors import Place, Problem, Severity, in_order, shortened
from tbkl_gen.files import reason
from tbkl_gen.notice.kinds import all_keys
from tbkl_gen.notice.model import BLOCK_KEYS
from tbkl_gen.source.dates import impossible_date
from tbkl_gen.source.indentation import (
    INVISIBLE_SPACES,
    KEY_WITH_VALUE,
    Indentation,
    indent_of,
    invisible_indent_message,
    swallowed_key,
)
from tbkl_gen.source import implicit, quick
from tbkl_gen.source.places import Path_, Source, field_path
from tbkl_gen.nd30.patterns import lazy


MAX_SOURCE_BYTES = 1_000_000
MAX_DEPTH = quick.MAX_DEPTH
# Past this many problems in one file the rest are noise from the same few mistakes.
MAX_PROBLEMS = 100

_STR_TAG = "tag:yaml.org,2002:str"
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}  # fmt: skip

# Characters XML 1.0 cannot hold (a Word file with one of them does not open), or that YAML
# refuses in a file, or that YAML reads as a line break where an editor shows none.
_FORBIDDEN_IN_FILE = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_XML_INVALID = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_SEPARATORS = {"\x85": "NEL", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
# A line that is a list item ("- …", or "-" alone) after any blank, in lines joined with and
# between "\n" ("\n" + "\n".join(lines) + "\n"): one search instead of a test a line.
ITEM_LINE = lazy(r"\n[^\S\n]*-(?: |\n)")

_ALL_KEYS = all_keys()
# Keys that are no Vietnamese word: a value starting with one of them lost its colon.
_KEY_WORDS = frozenset({*BLOCK_KEYS, *(key for key in _ALL_KEYS if "_" in key)})


class _LoadFailed(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def read_source(path: Path, *, fast: bool = True, raw: bytes | None = None) -> tuple[Source | None, list[Problem]]:
    """Read one YAML file into plain data with places; return problems instead of raising.

    fast=False never uses libyaml; both ways give the same result (a test holds them to it).
    raw, when given, is what the caller just read of the regular file at path (a batch that
    hashed it): it is read as the file's bytes would be, the file not read again.
    """
    return _read(path, lambda: _decode(path, _file_bytes(path) if raw is None else _held_bytes(path, raw)), fast)


def read_text(text: str, path: Path, *, fast: bool = True) -> tuple[Source | None, list[Problem]]:
    """Read a notice's text as if it were the file at path (which need not exist).

    The text gets the checks its file would: the size limit counts its UTF-8 bytes, a leading
    byte order mark is dropped, line ends are normalised; every message is the file's.
    """
    return _read(path, lambda: _as_read(path, text), fast)


def _read(path: Path, text_of: Callable[[], str], fast: bool) -> tuple[Source | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        source = _parse(path, text_of(), problems, fast)
    except _LoadFailed as failed:
        return None, capped(path, in_order(path, [*problems, failed.problem]))
    source.problems = in_order(path, problems)
    return source, source.problems


def capped(path: Path, problems: list[Problem]) -> list[Problem]:
    """Return the first MAX_PROBLEMS problems, and one line saying how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    more = Problem(Place(path), f"còn {rest} vấn đề khác trong tệp này", hint="sửa các lỗi trên rồi kiểm tra lại", code="more")
    return [*problems[:MAX_PROBLEMS], more]


# --- reading: bytes → text → nodes → plain data ------------------------------------------------


def _file_bytes(path: Path) -> bytes:
    """Return the bytes of a regular file no larger than a notice may be."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise _LoadFailed(Problem(Place(path), "không phải tệp văn bản thường (là thiết bị, ống dẫn hay ổ cắm)", code="io"))
        if status.st_size > MAX_SOURCE_BYTES:
            raise _LoadFailed(_too_large(path, status.st_size))
        with path.open("rb") as handle:
            # read(n) makes room for n bytes first (a megabyte a notice): ask for what stat saw
            raw = handle.read(status.st_size + 1)
            if len(raw) > status.st_size:  # it grew since: read on, as far as the limit
                raw += handle.read(MAX_SOURCE_BYTES + 1 - len(raw))
        if len(raw) > MAX_SOURCE_BYTES:  # the file grew after stat
            raise _LoadFailed(Problem(Place(path, 1, 1), "tệp quá lớn", code="too_large"))
    except OSError as exc:
        raise _LoadFailed(Problem(Place(path), f"không đọc được tệp: {reason(exc, reading=True)}", code="io")) from None
    return raw


def _held_bytes(path: Path, raw: bytes) -> bytes:
    """Return the bytes a caller read of the regular file at path, if no larger than a notice may be."""
    if len(raw) > MAX_SOURCE_BYTES:
        raise _LoadFailed(_too_large(path, len(raw)))
    return raw


def _as_read(path: Path, text: str) -> str:
    """Return text as `_decode` returns a file's: checked for size, without BOM, with "\\n" ends."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        raise _LoadFailed(_too_large(path, size))
    if text.startswith("\ufeff"):
        text = text[1:]
    return _line_ends(text)


def _too_large(path: Path, size: int) -> Problem:
    return Problem(
        Place(path, 1, 1),
        f"tệp quá lớn ({_thousands(size)} byte); một thông báo không vượt quá {_thousands(MAX_SOURCE_BYTES)} byte",
        hint="kiểm tra lại tệp: có thể đã chọn nhầm tệp",
        code="too_large",
    )


def _parse(path: Path, text: str, problems: list[Problem], fast: bool = True) -> Source:
    """Build the source from decoded text; problems that do not stop the reading go to problems."""
    if _only_comments(text):
        raise _LoadFailed(_empty_file(path))
    lines = text.split("\n")
    # Most texts are printable line by line: then they hold no forbidden character nor invisible
    # space, none of which is printable (tests/test_patterns.py holds it), and neither is looked for.
    printable = all(map(str.isprintable, lines))
    forbidden: list[tuple[int, str]] = []
    if not printable:
        text, forbidden = _mask_forbidden(text)
    owners: dict[int, Path_] = {}
    builder = _read_quick(path, text, lines) if fast and not forbidden else None
    if builder is None:
        builder = _read_nodes(path, text, problems, fast, forbidden, owners)
    problems.extend(builder.source.problems)
    invisible = _invisible_indents(path, text, builder.source) if not printable else []
    problems.extend(invisible)
    builder.source.problems = []
    builder.source.broken.update(owners.values())
    return builder.source


def _read_nodes(
    path: Path, text: str, problems: list[Problem], fast: bool, forbidden: list[tuple[int, str]], owners: dict[int, Path_]
) -> _Builder:
    """Build the source from the node tree of `quick`, libyaml or PyYAML (the first that takes the text)."""
    composed = _compose_quick(text) if fast and not forbidden else None
    if composed is None:
        from tbkl_gen.source import compose  # PyYAML: for a text outside `quick`'s shape

        composed = compose.compose_fast(text) if fast and not forbidden else None
    loader = composed[1] if composed is not None else compose.Loader(text)
    try:
        root = _check_root(path, composed[0]) if composed is not None else _compose(path, text, loader)
        builder = _Builder(Source(path, {}), loader, text.split("\n"), forbidden, owners)
        builder.source.data = builder.build(root, ())
    finally:
        loader.dispose()
        # reported whatever happened next, each with the field that holds it when known
        problems.extend(_forbidden_problems(path, text, forbidden, owners))
    return builder


def _only_comments(text: str) -> bool:
    """Return whether every line of text is blank or a comment (a file with nothing to read).

    Most files answer on one of their first lines, a key: the lines are looked at one by one up to
    it, without splitting the whole text; a line holding another line break than its end (which
    `str.splitlines` counts) sends the whole text to the full reading.
    """
    start = 0
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if len(line.splitlines()) > 1:
            return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())
        if line.strip() and not line.lstrip().startswith("#"):
            return False
        if end < 0:
            return True
        start = end + 1


def _invisible_indents(path: Path, text: str, source: Source) -> list[Problem]:
    """Report spaces YAML does not count in the indentation of a file it could still read.

    Such a line parses as something else than the drafter sees (a non-breaking space before
    `ho_ten: A` makes a key of its own, one after a `-` makes text, not an item), so the slip is named where it was typed. Only a
    line where a key or a value begins is looked at: inside a block of text (`|`, `>`) or a
    quoted value, a leading space of any kind is the text itself.
    """
    problems: list[Problem] = []
    if not any(character in text for character in INVISIBLE_SPACES):
        return problems
    starts = {line for marks in (source.key_marks, source.value_marks) for line, _ in marks.values()}
    lines = text.split("\n")
    for number in sorted(starts):
        found = invisible_indent_message(lines[number - 1], number) if 0 < number <= len(lines) else None
        if found is not None:
            column, message, hint = found
            problems.append(Problem(Place(path, number, column + 1), message, hint=hint, code="invisible_space"))
    # a key read with the invisible space in its name is the same slip: not "unknown key" again
    reported = {problem.place.line for problem in problems}
    source.broken.update(key for key, (line, _) in source.key_marks.items() if line in reported)
    return problems


def _compose(path: Path, text: str, loader: Any) -> Any:
    """Return the root mapping node, or fail with the Vietnamese reason."""
    import yaml

    from tbkl_gen.source.compose import _Refused

    try:
        root = loader.get_single_node()
    except _Refused as refused:
        raise _LoadFailed(
            Problem(Place(path, refused.line, refused.column), refused.message, hint=refused.hint, code=refused.code)
        ) from None
    except yaml.MarkedYAMLError as exc:
        from tbkl_gen.source.yaml_errors import yaml_problem  # only a file with a syntax error needs it

        raise _LoadFailed(yaml_problem(path, text, exc)) from None
    except yaml.YAMLError:
        raise _LoadFailed(Problem(Place(path, 1, 1), "cú pháp YAML không hợp lệ", code="yaml")) from None
    except RecursionError:
        raise _LoadFailed(Problem(Place(path, 1, 1), "cấu trúc lồng quá sâu", code="too_deep")) from None
    return _check_root(path, root)


def _check_root(path: Path, root: Any) -> Any:
    """Return the root node if it is a mapping, or fail saying what the file holds instead."""
    if root is None or (root.id == "scalar" and root.tag == "tag:yaml.org,2002:null" and not root.value):
        raise _LoadFailed(_empty_file(path))
    if root.id != "mapping":
        kind = "danh sách" if root.id == "sequence" else "một giá trị đơn"
        raise _LoadFailed(
            Problem(
                Place(path, root.start_mark.line + 1, root.start_mark.column + 1),
                f"cấp ngoài cùng của tệp phải là các khóa của thông báo (co_quan:, trich_yeu:, …), không phải {kind}",
                hint="mỗi dòng ở cấp ngoài cùng có dạng “khoa: giá trị”, không thụt lề",
                code="not_mapping",
            )
        )
    return root


def _compose_quick(text: str) -> tuple[Any, Any] | None:
    """Compose text of the common shape with `quick` (libyaml's nodes, without PyYAML); None otherwise."""
    if _resolved_by_pyyaml():
        return None
    root = quick.compose(text, implicit.plain_tag)
    return None if root is None else (root, quick.Constructor())


def _read_quick(path: Path, text: str, lines: list[str] | None = None) -> _Builder | None:
    """Build the source of a text of `quick`'s shape as it is read, without nodes; None otherwise.

    The builder makes the data, places and problems as from `quick`'s nodes (its same methods,
    called by `_Reading`); a text whose reading needs more than they do (a key written twice)
    is declined, and read from the nodes. lines: text.split("\\n") when already made.
    """
    if not quick.may_hold(text) or _resolved_by_pyyaml():
        return None
    lines = text.split("\n") if lines is None else lines
    builder = _Builder(Source(path, {}), quick.Constructor(), lines, [], {})
    data = quick.composed(_Reading(text, lines, builder))
    if data is None:
        return None
    builder.source.data = data
    return builder


def _resolved_by_pyyaml() -> bool:
    """Return whether PyYAML, imported, was told to resolve plain values otherwise (see `compose`)."""
    if sys.modules.get("yaml") is None:
        return False
    from tbkl_gen.source import compose

    return compose.RESOLVE_AS_PYYAML


class _Reading(quick.Composer):
    """`quick`'s reading of a text made straight into the source: the builder's data, places and checks."""

    ROOT = ()

    def __init__(self, text: str, lines: list[str], builder: _Builder) -> None:
        super().__init__(text, implicit.plain_tag, lines)
        self.builder = builder
        # the scalar hook is the builder's own (no call in between, once a value)
        self.scalar = builder.scalar  # type: ignore[method-assign,assignment]  # called by position: the names may differ

    def begin(self, number: int, column: int, path: Any) -> Any:
        self.builder.collection(path, number, column, False)

    def mapping_pairs(self) -> Any:
        return {}

    def key(self, pairs: Any, key: str, number: int, column: int, path: Any) -> tuple[Any, Any]:
        child = self.builder.key(pairs, key, (number + 1, column + 1), path)
        if child is None:  # written twice: its value is not built (the nodes' way skips it)
            self.decline()
        return key, child

    # a key's value goes into its mapping's dict (the dict's own method: no call in between)
    put = staticmethod(dict.__setitem__)  # type: ignore[assignment]  # the pairs are a dict here

    def mapping_made(self, pairs: Any, start: Any, end_line: int, end_column: int) -> Any:
        return pairs

    def sequence_made(self, items: list[Any], start: Any, end_line: int, end_column: int) -> Any:
        return items

    def empty_flow(self, sequence: bool, number: int, position: int, path: Any) -> Any:
        self.builder.collection(path, number, position, True)
        return [] if sequence else {}


def _yaml_error() -> type[Exception]:
    """Return PyYAML's error class once PyYAML is imported (nothing raises it before)."""
    pyyaml = sys.modules.get("yaml")
    return pyyaml.YAMLError if pyyaml is not None else ValueError


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _empty_file(path: Path) -> Problem:
    return Problem(
        Place(path, 1, 1),
        "tệp rỗng: cần các khóa của một thông báo (co_quan, trich_yeu, noi_dung, …)",
        hint="chạy “tbkl new” để tạo một thông báo mẫu",
        code="empty",
    )


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith(b"PK\x03\x04"):
        raise _LoadFailed(
            Problem(
                Place(path, 1, 1),
                "đây là tệp nén (có thể là tệp Word .docx), không phải tệp thông báo YAML",
                hint="chọn tệp .yaml viết bằng trình soạn thảo văn bản",
                code="encoding",
            )
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw[:200]):
        raise _LoadFailed(
            Problem(
                Place(path, 1, 1), "tệp lưu bằng bảng mã UTF-16, không phải UTF-8", hint="lưu lại tệp với bảng mã UTF-8", code="encoding"
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise _LoadFailed(
            Problem(
                Place(path, line, column),
                f"tệp không phải UTF-8 (gặp byte 0x{raw[exc.start]:02X})",
                hint="lưu lại tệp với bảng mã UTF-8; tệp này có thể đang dùng bảng mã cũ như TCVN3, VNI hay Windows-1258",
                code="encoding",
            )
        ) from None
    return _line_ends(text)


def _line_ends(text: str) -> str:
    """Return text with "\\r\\n" and a lone "\\r" made "\\n" (most texts hold neither: not copied)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _looks_utf16(head: bytes) -> bool:
    """Tell UTF-16 without a byte order mark: every other byte of Latin text is zero."""
    half = len(head) // 2
    return half >= 4 and (head[1::2].count(0) >= 0.6 * half or head[0::2].count(0) >= 0.6 * half)


def _mask_forbidden(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Replace characters no notice may hold by U+FFFD, so parsing can go on and name the field."""
    kept = text.replace("\n", "")
    if "\t" in kept:
        kept = kept.replace("\t", "")
    if "\r" in kept:
        kept = kept.replace("\r", "")
    if kept.isprintable():
        # None of them (each is a control, a separator, a surrogate or a noncharacter: not
        # printable), and the pattern, slow to compile for its ranges, is not compiled.
        return text, []
    found = [(m.start(), m.group()) for m in _FORBIDDEN_IN_FILE.finditer(text)]
    if not found:
        return text, []
    return _FORBIDDEN_IN_FILE.sub("\ufffd", text), found


def _forbidden_problems(path: Path, text: str, found: list[tuple[int, str]], owners: dict[int, Path_]) -> list[Problem]:
    if not found:
        return []
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    problems = []
    for offset, character in found:
        line = bisect.bisect_right(line_starts, offset)
        column = offset - line_starts[line - 1] + 1
        owner = owners.get(offset)
        where = field_path(owner) if owner is not None else ""
        if character in _LINE_SEPARATORS:
            message = f"ký tự ngắt dòng đặc biệt U+{ord(character):04X} ({_LINE_SEPARATORS[character]}) không được phép"
            hint = "thay bằng dấu cách, hoặc xuống dòng bằng phím Enter"
        elif not _XML_INVALID.match(character):
            message = f"ký tự điều khiển U+{ord(character):04X} không được phép: ký tự này không in ra được"
            hint = "xóa ký tự này; nó thường lẫn vào khi sao chép từ phần mềm khác"
        else:
            message = f"ký tự điều khiển U+{ord(character):04X} không được phép: Word không mở được văn bản chứa ký tự này"
            hint = "xóa ký tự này; nó thường lẫn vào khi sao chép từ phần mềm khác"
        problems.append(Problem(Place(path, line, column, where), message, hint=hint, code="control_char"))
    return problems


class _Builder:
    """Walk composed nodes into plain data, recording places and collecting problems."""

    def __init__(self, source: Source, loader: Any, lines: list[str], forbidden: list[tuple[int, str]], owners: dict[int, Path_]) -> None:
        self.source = source
        self.loader = loader
        self.lines = lines
        self.forbidden = [offset for offset, _ in forbidden]
        self.owners = owners

    def problem(self, place: Place, message: str, hint: str, code: str, path: Path_ | None) -> None:
        """Record a problem; path, when given, is a value now unreliable for other checks."""
        self.source.problems.append(Problem(place, message, hint=hint, code=code))
        if path is not None:
            self.source.broken.add(path)

    def build(self, node: Any, path: Path_) -> Any:
        """Return the data of a node (PyYAML's or `quick`'s), recording places and problems."""
        mark = node.start_mark
        kind = node.id  # "scalar", "mapping" or "sequence": PyYAML's nodes and `quick`'s alike
        if kind == "scalar":
            end = node.end_mark
            return self.scalar(node.tag, node.value, mark.line, mark.column, end.line, end.column, node.style, path, node)
        if node.tag not in _STANDARD_TAGS:
            self.source.value_marks[path] = (mark.line + 1, mark.column + 1)
            return self._refuse_tag(node.tag, path)
        self.collection(path, mark.line, mark.column, node.flow_style)
        if kind == "mapping":
            return self._mapping(node, path)
        build = self.build
        return [build(item, (*path, index)) for index, item in enumerate(node.value)]

    def collection(self, path: Path_, line: int, column: int, flow: bool) -> None:
        """Record where a mapping or a sequence begins (line and column from 0), and if in brackets."""
        self.source.value_marks[path] = (line + 1, column + 1)
        if flow:
            self.source.flow.add(path)

    def _refuse_tag(self, tag: str, path: Path_) -> None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        self.problem(
            self.source.place(path),
            f"thẻ YAML “{shown}” không được phép",
            "bỏ thẻ bắt đầu bằng “!”; tệp thông báo chỉ chứa chữ, danh sách và bảng",
            "tag",
            path,
        )

    def _mapping(self, node: Any, path: Path_) -> dict[str, Any]:
        source = self.source
        build = self.build
        forbidden = self.forbidden
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            key_mark = (mark.line + 1, mark.column + 1)
            if key_node.id != "scalar":
                if node.flow_style:
                    where = Place(source.path, node.start_mark.line + 1, node.start_mark.column + 1, field_path(path))
                    message, hint = "dấu “{” ở đây bị YAML hiểu là mở một bảng", "nếu đây là chữ, đặt cả giá trị trong ngoặc kép"
                else:
                    where = Place(source.path, *key_mark, field_path(path))
                    message, hint = "khóa phải là một từ, không phải danh sách hay bảng", "mỗi dòng có dạng “khoa: giá trị”"
                self.problem(where, message, hint, "key", path)
                if node.flow_style:
                    return result
                continue
            key = key_node.value
            if key == "" and not key_node.style:  # a stray "?" (YAML's explicit key) or a line opening with ":"
                line = self.lines[mark.line] if mark.line < len(self.lines) else ""
                stray = line.strip()[:1] or "?"
                self.problem(
                    Place(source.path, key_mark[0], len(line) - len(line.lstrip()) + 1, field_path(path)),
                    f"dấu “{stray}” ở đầu dòng tạo ra một khóa trống",
                    f"xóa dấu “{stray}” thừa; nếu đây là chữ, đặt cả giá trị trong ngoặc kép",
                    "key",
                    None,
                )
                continue
            child = (*path, key)
            if forbidden:
                self._claim(key_node, child)
            if key == "<<" or key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(
                    Place(source.path, *key_mark, field_path(path)),
                    "không dùng khóa gộp YAML “<<”",
                    "viết đầy đủ các khóa ở đây",
                    "merge_key",
                    path,
                )
                continue
            if self.key(result, key, key_mark, path) is not None:
                result[key] = build(value_node, child)
        return result

    def key(self, result: dict[str, Any], key: str, key_mark: tuple[int, int], path: Path_) -> Path_ | None:
        """Record a key of the mapping at path whose data so far is result; return its value's path,
        or None when the key is already there (reported; its value is not built)."""
        child = (*path, key)
        if key in result:
            first = self.source.key_marks[child][0]
            self.problem(
                Place(self.source.path, *key_mark, field_path(child)),
                f"khóa “{key}” bị lặp lại (đã có ở dòng {first})",
                "giữ một khóa, xóa khóa còn lại",
                "duplicate_key",
                # the first value stays and is checked as usual, unless it was left empty
                child if result[key] in (None, "") else None,
            )
            return None
        self.source.key_marks[child] = key_mark
        return child

    def scalar(
        self, tag: str, raw: str, line: int, column: int, end_line: int, end_column: int, style: str | None, path: Path_, node: Any = None
    ) -> Any:
        """Return the value of a scalar written from (line, column) to (end_line, end_column), from 0,
        recording its place and its problems; node is its node when read from nodes."""
        source = self.source
        source.value_marks[path] = (line + 1, column + 1)
        if not style and not raw and path and isinstance(path[-1], int):
            # an item left empty (`- ` alone) is placed at its dash, where the drafter sees it
            before = self.lines[line][:column].rstrip()
            if before.endswith("-"):
                source.value_marks[path] = (line + 1, len(before))
        if tag not in _STANDARD_TAGS:
            return self._refuse_tag(tag, path)
        if self.forbidden:
            self._claim(node, path)
        if tag == _STR_TAG:
            value = raw
        else:
            try:
                value = self.loader.construct_object(node, deep=True) if node is not None else self.loader.construct(tag, raw)
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError, _yaml_error()):
                message, hint = _unconstructable(tag, raw)
                self.problem(source.place(path), message, hint, "value", path)
                return raw
        if style:  # quoted, or a block (`|`, `>`)
            if style == '"' and isinstance(value, str):  # escapes are the only way past the file mask
                bad = _XML_INVALID.search(value)
                if bad:
                    self.problem(
                        source.place(path),
                        f"ký tự điều khiển U+{ord(bad.group()):04X} không được phép: Word không mở được văn bản chứa ký tự này",
                        "xóa ký tự này; nó thường lẫn vào khi sao chép từ phần mềm khác",
                        "control_char",
                        path,
                    )
            if line != end_line:  # a value on one line swallowed nothing
                self._check_runaway(path, style, line, column, end_line)
            return value
        # plain
        if not isinstance(value, str):
            source.raw_plain[path] = raw
        if line != end_line:
            self._check_runaway(path, style, line, column, end_line)
        if isinstance(value, str):
            space = value.find(" ")
            if space >= 0 and value[:space] in _KEY_WORDS:
                first_word = value[:space]
                self.problem(
                    source.place(path),
                    f"thiếu dấu “:” sau khóa “{first_word}”",
                    f"viết “{first_word}: …”; nếu đây là chữ, đặt cả giá trị trong ngoặc kép",
                    "key",
                    path,
                )
        if end_line < len(self.lines):  # an empty value at the very end has none
            after = self.lines[end_line][end_column:]
            if after and after.lstrip().startswith("#"):
                source.comments[path] = after.strip()
                if isinstance(value, str) and value and re.match(r" #\S", after):
                    source.problems.append(
                        Problem(
                            source.place(path),
                            f"phần “{after.strip()[:40]}” sau dấu cách và “#” bị YAML coi là ghi chú nên không có trong văn bản",
                            Severity.WARNING,
                            "nếu đây là chữ, đặt cả giá trị trong ngoặc kép",
                            "comment",
                        )
                    )
        return value

    def _claim(self, node: Any, path: Path_) -> None:
        """Remember which field holds each forbidden character, to name it in the message."""
        if not self.forbidden:
            return
        start = bisect.bisect_left(self.forbidden, node.start_mark.index)
        end = bisect.bisect_left(self.forbidden, node.end_mark.index)
        for offset in self.forbidden[start:end]:
            self.owners[offset] = path

    def _check_runaway(self, path: Path_, style: str | None, first: int, column: int, last: int) -> None:
        """Catch a value written from line first (column column) to line last that silently
        swallowed the lines below it."""
        if first == last:
            return
        following = self.lines[first + 1 : last + 1]
        if style in ('"', "'"):
            indent = indent_of(self.lines[first])
            swallowed = next((i for i, line in enumerate(following) if swallowed_key(line, indent)), None)
            if swallowed is not None:
                quote = style
                self.problem(
                    self.source.place(path),
                    f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng, nên đã nuốt cả dòng {first + swallowed + 2}",
                    f"thêm dấu {quote} ở cuối giá trị",
                    "unclosed_quote",
                    path,
                )
        elif not style:
            for line in following:  # a list item's line holds its "-": most values' lines hold none
                if "-" in line:
                    break
            else:
                return
            joined = "\n".join(["", *following, ""])
            item = ITEM_LINE.search(joined)
            if item is not None:  # the first line of the value that is a list item
                offset = joined.count("\n", 0, item.start())
                line = following[offset]
                stripped = line.lstrip()
                below = first + offset + 1
                shape = Indentation(self.lines)
                where = field_path(path)
                if KEY_WITH_VALUE.match(self.lines[first]) and indent_of(line) in shape.expected(first, below):
                    self.problem(
                        Place(self.source.path, first + 1, column + 1, where),
                        f"giá trị ở đây khiến các mục “- ” từ dòng {below + 1} bị gộp vào nó",
                        "nếu các mục “- ” là danh sách của khóa này, bỏ phần giá trị sau dấu “:”",
                        "indent",
                        path,
                    )
                elif (culprit := shape.culprit(below, first)) is not None:
                    self.problem(
                        Place(self.source.path, first + 1, culprit[1] + 1, where),
                        f"thụt lề không khớp: mục danh sách này thụt {culprit[1]} dấu cách, nhưng mục ở dòng {below + 1} thụt {culprit[2]}, nên bị gộp vào mục này",
                        "cho các mục “- ” của cùng danh sách thẳng cột với nhau",
                        "indent",
                        path,
                    )
                else:
                    self.problem(
                        Place(self.source.path, below + 1, len(line) - len(stripped) + 1, where),
                        f"dòng này bị gộp vào giá trị ở dòng {first + 1} vì thụt lề lệch",
                        "cho các mục “- ” của cùng danh sách thẳng cột với nhau",
                        "indent",
                        path,
                    )


def _unconstructable(tag: str, raw: str) -> tuple[str, str]:
    """Explain a scalar YAML resolved to a type but could not build (2021-02-30, !!int abc)."""
    shown = shortened(raw)
    if tag == "tag:yaml.org,2002:timestamp":
        import yaml

        match = yaml.constructor.SafeConstructor.timestamp_regexp.match(raw)
        if match is not None:
            year, month, day = (int(match.group(g)) for g in ("year", "month", "day"))
            return impossible_date(year, month, day)
    if tag == "tag:yaml.org,2002:int" and re.fullmatch(r"[-+]?[0-9_]+", raw):
        return f"số “{shown}” quá dài", "nếu đây là chữ, đặt cả giá trị trong ngoặc kép"
    kind = tag.replace("tag:yaml.org,2002:", "!!")
    return f"không đọc được “{shown}” theo kiểu {kind}", f"bỏ thẻ “{kind}”, hoặc đặt giá trị trong ngoặc kép"
