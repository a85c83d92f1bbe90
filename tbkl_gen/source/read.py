"""Read a notice source: path → bytes → YAML nodes → plain data with places (→ `shape`).

This is the only module that imports yaml. It reads with the safe loader only, refuses tags,
anchors and aliases, duplicate keys, oversized files and characters Word cannot hold before
building anything, keeps the line and column of every value so that each problem can point at
it, and reports YAML 1.1 surprises (`so: 012` read as 10, `NO` as false) with the quoting that
fixes them. Every message is Vietnamese; nothing the drafter can type ends in a traceback.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tbkl_gen.errors import Place, Problem, Severity
from tbkl_gen.notice.model import ALL_KEYS, BLOCK_KEYS, Notice


MAX_SOURCE_BYTES = 1_000_000
# Notices nest sections, items, points and dashes a handful of levels deep; far deeper nesting
# is an attack on the recursive composer, refused before Python's recursion limit.
MAX_DEPTH = 40
# Past this many problems in one file the rest are noise from the same few mistakes.
MAX_PROBLEMS = 100

Path_ = tuple[Any, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}  # fmt: skip

# Characters XML 1.0 cannot hold (a Word file with one of them does not open), or that YAML
# refuses in a file, or that YAML reads as a line break where an editor shows none.
_FORBIDDEN_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_SEPARATORS = {"\x85": "NEL", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
# A line that YAML would read as a key or a list item, had the value above it been closed.
_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*:(?:\s|$)")

_ALL_KEYS = ALL_KEYS
# Keys that are no Vietnamese word: a value starting with one of them lost its colon.
_KEY_WORDS = frozenset({*BLOCK_KEYS, *(key for key in _ALL_KEYS if "_" in key)})


@dataclass
class Source:
    """Plain data read from one YAML file, with the place of every key and value."""

    path: Path
    data: dict[str, Any]
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    raw_plain: dict[Path_, str] = field(default_factory=dict)
    origins: dict[Path_, Path] = field(default_factory=dict)
    """Values merged in from another file (office defaults), by path: that file."""
    problems: list[Problem] = field(default_factory=list)
    """Problems found while reading the file that did not stop the reading."""
    broken: set[Path_] = field(default_factory=set)
    """Paths whose value is already reported; the model's complaints about them are noise."""
    flow: set[Path_] = field(default_factory=set)
    """Paths of values written in brackets (`[a, b]`, `{a: b}`), often text YAML misread."""
    comments: dict[Path_, str] = field(default_factory=dict)
    """Comments written right after a value on its line: YAML dropped them from the text."""

    def place(self, path: Path_, *, key: bool = False) -> Place:
        """Return where the value (or key) at path was written, or its nearest parent."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe:
            if probe in marks:
                return Place(self.file_of(probe), *marks[probe], field_path(path))
            if not key and probe in self.key_marks:
                return Place(self.file_of(probe), *self.key_marks[probe], field_path(path))
            probe = probe[:-1]
        line, column = self.value_marks.get((), (1, 1))
        return Place(self.path, line, column, field_path(path))

    def file_of(self, path: Path_) -> Path:
        """Return the file the value at path was written in."""
        for end in range(len(path), 0, -1):
            origin = self.origins.get(path[:end])
            if origin is not None:
                return origin
        return self.path


def field_path(path: Path_) -> str:
    """Return a path as drafters read it: `noi_dung[2].khoan`, counting items from 1."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _LoadFailed(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


class _Refused(Exception):
    """A construct refused while composing, before any value is built."""

    def __init__(self, mark: Any, message: str, hint: str, code: str) -> None:
        self.line = mark.line + 1
        self.column = mark.column + 1
        self.message = message
        self.hint = hint
        self.code = code


class _Loader(yaml.SafeLoader):
    """Safe loader that composes nodes but refuses anchors, aliases and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                event.start_mark,
                f"không dùng bí danh YAML “*{event.anchor}” trong thông báo",
                "viết đầy đủ giá trị ở mỗi chỗ; nếu “*” là chữ, đặt cả giá trị trong ngoặc kép",
                "alias",
            )
        if getattr(event, "anchor", None):
            raise _Refused(
                event.start_mark,
                f"không dùng neo YAML “&{event.anchor}” trong thông báo",
                "viết đầy đủ giá trị ở mỗi chỗ; nếu “&” là chữ, đặt cả giá trị trong ngoặc kép",
                "alias",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"cấu trúc lồng quá sâu (hơn {MAX_DEPTH} cấp)",
                "một thông báo chỉ có mục, khoản, điểm, gạch đầu dòng lồng vài cấp",
                "too_deep",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass
class Loaded:
    """The outcome of loading one notice: the notice if it is valid, and every problem found.

    `partial` is a notice for meaning checks only, never to be rendered: the one the model
    built although reading found errors it does not see (a duplicate key, a refused tag), or
    one with stand-ins for the values the model refused. Its source's `broken` paths say which
    messages about it are to be dropped.
    """

    path: Path
    notice: Notice | None
    source: Source | None
    problems: list[Problem]
    partial: Notice | None = None


def read_source(path: Path, *, fast: bool = True) -> tuple[Source | None, list[Problem]]:
    """Read one YAML file into plain data with places; return problems instead of raising.

    fast=False never uses libyaml; both ways give the same result (a test holds them to it).
    """
    problems: list[Problem] = []
    try:
        source = _read_source(path, problems, fast)
    except _LoadFailed as failed:
        return None, _capped(path, sorted_by_place([*problems, failed.problem]))
    source.problems = sorted_by_place(problems)
    return source, source.problems


def load_notice(path: Path, defaults: Source | None = None) -> Loaded:
    """Read and validate the shape of one notice, merged over the office defaults when given."""
    source, problems = read_source(path)
    if source is None:
        return Loaded(path, None, None, problems)
    return build_notice(source, defaults)


def build_notice(source: Source, defaults: Source | None = None) -> Loaded:
    """Turn plain data (merged with defaults) into a `Notice`, or the problems that prevent it."""
    from tbkl_gen.source.shape import check_shape
    from tbkl_gen.source.workspace import EXTEND_KEY, merge_defaults

    if defaults is None and EXTEND_KEY not in source.data:
        merged = source
    else:
        merged = merge_defaults(source, defaults or Source(source.path, {}))
        merged.broken = set(source.broken)
        for written in (defaults, source):
            if written is not None:
                mine = [p for p in written.flow | set(written.comments) if merged.file_of(p) == written.path]
                merged.flow |= {p for p in mine if p in written.flow}
                merged.comments.update({p: written.comments[p] for p in mine if p in written.comments})
    notice, problems, stand_in = check_shape(merged)
    problems = _capped(source.path, sorted_by_place([*source.problems, *problems]))
    if any(p.is_error for p in source.problems):
        return Loaded(source.path, None, merged, problems, partial=notice or stand_in)
    return Loaded(source.path, notice, merged, problems, partial=stand_in)


def sorted_by_place(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.place.line or 0, p.place.column or 0))


def _capped(path: Path, problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    more = Problem(Place(path), f"còn {rest} vấn đề khác trong tệp này", hint="sửa các lỗi trên rồi kiểm tra lại", code="more")
    return [*problems[:MAX_PROBLEMS], more]


# --- reading: bytes → text → nodes → plain data ------------------------------------------------


def _read_source(path: Path, problems: list[Problem], fast: bool = True) -> Source:
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise _LoadFailed(Problem(Place(path), "không phải tệp văn bản thường (là thiết bị, ống dẫn hay ổ cắm)", code="io"))
        size = status.st_size
        if size > MAX_SOURCE_BYTES:
            raise _LoadFailed(
                Problem(
                    Place(path, 1, 1),
                    f"tệp quá lớn ({_thousands(size)} byte); một thông báo không vượt quá {_thousands(MAX_SOURCE_BYTES)} byte",
                    hint="kiểm tra lại tệp: có thể đã chọn nhầm tệp",
                    code="too_large",
                )
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
        if len(raw) > MAX_SOURCE_BYTES:  # the file grew after stat
            raise _LoadFailed(Problem(Place(path, 1, 1), "tệp quá lớn", code="too_large"))
    except OSError as exc:
        raise _LoadFailed(Problem(Place(path), f"không đọc được tệp: {_os_reason(exc)}", code="io")) from None
    text = _decode(path, raw)
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise _LoadFailed(_empty_file(path))
    text, forbidden = _mask_forbidden(text)
    owners: dict[int, Path_] = {}
    composed = _compose_fast(text) if fast and not forbidden else None
    loader = composed[1] if composed is not None else _Loader(text)
    try:
        root = _check_root(path, composed[0]) if composed is not None else _compose(path, text, loader)
        builder = _Builder(Source(path, {}), loader, text.split("\n"), forbidden, owners)
        builder.source.data = builder.build(root, ())
    finally:
        loader.dispose()
        # reported whatever happened next, each with the field that holds it when known
        problems.extend(_forbidden_problems(path, text, forbidden, owners))
    problems.extend(builder.source.problems)
    builder.source.problems = []
    builder.source.broken.update(owners.values())
    return builder.source


def _compose(path: Path, text: str, loader: _Loader) -> Any:
    """Return the root mapping node, or fail with the Vietnamese reason."""
    try:
        root = loader.get_single_node()
    except _Refused as refused:
        raise _LoadFailed(
            Problem(Place(path, refused.line, refused.column), refused.message, hint=refused.hint, code=refused.code)
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise _LoadFailed(_yaml_problem(path, text, exc)) from None
    except yaml.YAMLError:
        raise _LoadFailed(Problem(Place(path, 1, 1), "cú pháp YAML không hợp lệ", code="yaml")) from None
    except RecursionError:
        raise _LoadFailed(Problem(Place(path, 1, 1), "cấu trúc lồng quá sâu", code="too_deep")) from None
    return _check_root(path, root)


def _check_root(path: Path, root: Any) -> Any:
    """Return the root node if it is a mapping, or fail saying what the file holds instead."""
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == "tag:yaml.org,2002:null" and not root.value):
        raise _LoadFailed(_empty_file(path))
    if not isinstance(root, yaml.MappingNode):
        kind = "danh sách" if isinstance(root, yaml.SequenceNode) else "một giá trị đơn"
        raise _LoadFailed(
            Problem(
                Place(path, root.start_mark.line + 1, root.start_mark.column + 1),
                f"cấp ngoài cùng của tệp phải là các khóa của thông báo (co_quan:, trich_yeu:, …), không phải {kind}",
                hint="mỗi dòng ở cấp ngoài cùng có dạng “khoa: giá trị”, không thụt lề",
                code="not_mapping",
            )
        )
    return root


def _compose_fast(text: str) -> tuple[Any, Any] | None:
    """Compose with libyaml when the text is plainly well-formed; None sends it the slow way.

    libyaml is about twenty times faster than PyYAML's Python parser, but its error messages and
    its handling of anchors differ. So it only reads files that parse without error and without
    anchors, aliases or deep nesting (checked on the event stream, before anything is built);
    everything else goes through `_Loader`, which explains each mistake. Its plain scalars have
    style "" where the Python parser's have None: the builder reads both as "plain".
    """
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or "\t" in text:  # libyaml takes tabs where PyYAML refuses them
        return None
    depth = 0
    try:
        for event in _events_to_check(text, loader_class):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        loader = loader_class(text)
        root = loader.get_single_node()
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    return root, loader


# A line indented (spaces and "- ") deep enough to hold more than MAX_DEPTH levels of block
# nesting: each level costs at least one column, and at most two levels share one.
_DEEP_LINE = re.compile(r"^[ \-]{%d,}" % (MAX_DEPTH // 2 - 1), re.MULTILINE)
_SPECIAL_CHAR = re.compile(r"[&*\[{]")


def _maybe_special(text: str) -> bool:
    """Return whether YAML could see an anchor or alias ("&a", "*a" after a space or bracket) or
    a flow collection ("[" or "{" starting a value) in text. "**đậm**" and "^[…]" are neither."""
    for match in _SPECIAL_CHAR.finditer(text):
        index = match.start()
        before = text[index - 1] if index else "\n"
        if match.group() in "&*":
            after = text[index + 1 : index + 2]
            if before in " \t\r\n[{," and after and after not in " \t\r\n*":
                return True
        elif before in " \t\r\n:-,[{":
            return True
    return False


def _events_to_check(text: str, loader_class: Any) -> Any:
    """Return the events to look through for anchors, aliases and depth, or none when the text
    cannot hold them (see `_maybe_special` and `_DEEP_LINE`)."""
    if _maybe_special(text) or _DEEP_LINE.search(text):
        return yaml.parse(text, Loader=loader_class)
    return ()


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
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_utf16(head: bytes) -> bool:
    """Tell UTF-16 without a byte order mark: every other byte of Latin text is zero."""
    half = len(head) // 2
    return half >= 4 and (head[1::2].count(0) >= 0.6 * half or head[0::2].count(0) >= 0.6 * half)


def _mask_forbidden(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Replace characters no notice may hold by U+FFFD, so parsing can go on and name the field."""
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

    def __init__(
        self, source: Source, loader: _Loader, lines: list[str], forbidden: list[tuple[int, str]], owners: dict[int, Path_]
    ) -> None:
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
        source = self.source
        source.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode) and not node.style and not node.value and path and isinstance(path[-1], int):
            # an item left empty (`- ` alone) is placed at its dash, where the drafter sees it
            line = self.lines[node.start_mark.line][: node.start_mark.column].rstrip()
            if line.endswith("-"):
                source.value_marks[path] = (node.start_mark.line + 1, len(line))
        if node.tag not in _STANDARD_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(
                source.place(path),
                f"thẻ YAML “{shown}” không được phép",
                "bỏ thẻ bắt đầu bằng “!”; tệp thông báo chỉ chứa chữ, danh sách và bảng",
                "tag",
                path,
            )
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.flow_style:
            source.flow.add(path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: Any, path: Path_) -> dict[str, Any]:
        source = self.source
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
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
                line = self.lines[key_node.start_mark.line] if key_node.start_mark.line < len(self.lines) else ""
                stray = line.strip()[:1] or "?"
                self.problem(
                    Place(source.path, key_mark[0], len(line) - len(line.lstrip()) + 1, field_path(path)),
                    f"dấu “{stray}” ở đầu dòng tạo ra một khóa trống",
                    f"xóa dấu “{stray}” thừa; nếu đây là chữ, đặt cả giá trị trong ngoặc kép",
                    "key",
                    None,
                )
                continue
            self._claim(key_node, path + (key,))
            child = path + (key,)
            if key_node.tag == "tag:yaml.org,2002:merge" or key == "<<":
                self.problem(
                    Place(source.path, *key_mark, field_path(path)),
                    "không dùng khóa gộp YAML “<<”",
                    "viết đầy đủ các khóa ở đây",
                    "merge_key",
                    path,
                )
                continue
            if key in result:
                first = source.key_marks[child][0]
                self.problem(
                    Place(source.path, *key_mark, field_path(child)),
                    f"khóa “{key}” bị lặp lại (đã có ở dòng {first})",
                    "giữ một khóa, xóa khóa còn lại",
                    "duplicate_key",
                    # the first value stays and is checked as usual, unless it was left empty
                    child if result[key] in (None, "") else None,
                )
                continue
            source.key_marks[child] = key_mark
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: Any, path: Path_) -> Any:
        source = self.source
        self._claim(node, path)
        try:
            value = node.value if node.tag == _STR_TAG else self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, yaml.YAMLError):
            message, hint = _unconstructable(node)
            self.problem(source.place(path), message, hint, "value", path)
            return node.value
        if not node.style and not isinstance(value, str):
            source.raw_plain[path] = node.value
        if node.style == '"' and isinstance(value, str):  # escapes are the only way past the file mask
            bad = _XML_INVALID.search(value)
            if bad:
                self.problem(
                    source.place(path),
                    f"ký tự điều khiển U+{ord(bad.group()):04X} không được phép: Word không mở được văn bản chứa ký tự này",
                    "xóa ký tự này; nó thường lẫn vào khi sao chép từ phần mềm khác",
                    "control_char",
                    path,
                )
        self._check_runaway(node, path)
        if not node.style and isinstance(value, str):
            first_word = value.split(" ", 1)[0]
            if first_word in _KEY_WORDS and " " in value:
                self.problem(
                    source.place(path),
                    f"thiếu dấu “:” sau khóa “{first_word}”",
                    f"viết “{first_word}: …”; nếu đây là chữ, đặt cả giá trị trong ngoặc kép",
                    "key",
                    path,
                )
        if not node.style and node.end_mark.line < len(self.lines):  # an empty value at the very end has none
            after = self.lines[node.end_mark.line][node.end_mark.column :]
            if after.lstrip().startswith("#"):
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

    def _check_runaway(self, node: Any, path: Path_) -> None:
        """Catch a value that silently swallowed the lines below it."""
        first, last = node.start_mark.line, node.end_mark.line
        if first == last:
            return
        following = self.lines[first + 1 : last + 1]
        if node.style in ('"', "'"):
            indent = _indent(self.lines[first])
            swallowed = next((i for i, line in enumerate(following) if _swallowed_key(line, indent)), None)
            if swallowed is not None:
                quote = node.style
                self.problem(
                    self.source.place(path),
                    f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng, nên đã nuốt cả dòng {first + swallowed + 2}",
                    f"thêm dấu {quote} ở cuối giá trị",
                    "unclosed_quote",
                    path,
                )
        elif not node.style:
            for offset, line in enumerate(following):
                stripped = line.lstrip()
                if not (stripped.startswith("- ") or stripped == "-"):
                    continue
                below = first + offset + 1
                shape = _Indentation(self.lines)
                where = field_path(path)
                if _KEY_WITH_VALUE.match(self.lines[first]) and _indent(line) in shape.expected(first, below):
                    self.problem(
                        Place(self.source.path, first + 1, node.start_mark.column + 1, where),
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
                return


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_KEY_WITH_VALUE = re.compile(r"^\s*(?:-\s+)*[A-Za-z_][A-Za-z0-9_]*\s*:+\s+\S")
_FIRST_WORD = re.compile(r"^\s*(?:-\s+)*([A-Za-z_][A-Za-z0-9_]*)(?:\s|$)")
_KEY_NAME = re.compile(r"^\s*(?:-\s+)*([A-Za-z_][A-Za-z0-9_]*)\s*:")


def _swallowed_key(line: str, indent: int) -> bool:
    """Tell a line inside a quoted value that was surely meant as a key of the notice."""
    if not _KEY_LINE.match(line):
        return False
    if _indent(line) <= indent:
        return True
    match = _KEY_NAME.match(line)
    return match is not None and match.group(1) in _ALL_KEYS


def _key_without_colon(line: str) -> bool:
    """Tell a line that starts with one of the notice's keys but has no colon: `ho_ten Lê A`."""
    match = _FIRST_WORD.match(line)
    return match is not None and match.group(1) in _ALL_KEYS and not line[match.end(1) :].lstrip().startswith(":")


class _Indentation:
    """Judge which of two lines meant as siblings is mis-indented, from the file's indent step.

    YAML reports an indentation mistake where parsing broke, often the line after the one the
    drafter got wrong. A child sits one step (the file's usual indent, mostly two spaces) to the
    right of its parent's key; of a first child and a later sibling that disagree, the one off
    that step is the culprit.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.step = self._step()

    def significant(self, index: int) -> bool:
        text = self.lines[index].strip()
        return bool(text) and not text.startswith("#")

    def _step(self) -> int:
        counts: dict[int, int] = {}
        previous = None
        for index, line in enumerate(self.lines):
            if not self.significant(index):
                continue
            if previous is not None and self.lines[previous].rstrip().endswith(":"):
                delta = _indent(line) - _indent(self.lines[previous])
                if delta > 0:
                    counts[delta] = counts.get(delta, 0) + 1
            previous = index
        return max(counts, key=lambda d: (counts[d], -d)) if counts else 2

    def content_column(self, index: int) -> int:
        """Return the column children of this line are measured from: its key, past any "- "."""
        line = self.lines[index]
        column, rest = _indent(line), line.lstrip(" ")
        while rest.startswith("- "):
            inner = rest[2:]
            stripped = inner.lstrip(" ")
            if not _KEY_LINE.match(stripped):
                break
            column += 2 + len(inner) - len(stripped)
            rest = stripped
        return column

    def expected(self, parent: int | None, child: int) -> set[int]:
        if parent is None:
            return {0}
        column = self.content_column(parent)
        allowed = {column + self.step}
        if self.lines[child].lstrip().startswith("-") and self.lines[parent].rstrip().endswith(":"):
            allowed.add(column)
        return allowed

    def parent_of(self, index: int) -> int | None:
        """Return the nearest significant line above index that is indented less."""
        indent = _indent(self.lines[index])
        return next((j for j in range(index - 1, -1, -1) if self.significant(j) and _indent(self.lines[j]) < indent), None)

    def first_child(self, parent: int | None, before: int) -> int | None:
        start = 0 if parent is None else parent + 1
        return next((j for j in range(start, before) if self.significant(j)), None)

    def culprit(self, index: int, sibling: int | None = None) -> tuple[int, int, int] | None:
        """Return (line, its indent, the indent expected) when an earlier sibling is the one off.

        The sibling is the first child of index's parent, or the line given (where YAML says the
        block that index broke began).
        """
        candidates = [self.first_child(self.parent_of(index), index)]
        if sibling is not None:
            candidates.append(sibling)
        target = _indent(self.lines[index])
        for first in candidates:
            if first is None or first == index:
                continue
            expected = self.expected(self.parent_of(first), first)
            indent = _indent(self.lines[first])
            if indent not in expected and target in expected:
                return first, indent, target
            key_column = self.content_column(first)
            if key_column != indent and not self.lines[index].lstrip().startswith("-"):
                # "- khoan: …" then its own keys below: those align with the key, not the dash
                shift = key_column - indent
                if indent not in expected and target - shift in expected:
                    return first, indent, target - shift
        return None

    def sibling_level(self, index: int) -> int | None:
        """Return the indent of the open block a line most likely belongs to: the nearest level of
        the same kind (key or list item) among the lines above it, the deeper one on a tie."""
        previous = next((j for j in range(index - 1, -1, -1) if self.significant(j)), None)
        item = self.lines[index].lstrip().startswith("-")
        levels: set[int] = set()
        while previous is not None:
            line = self.lines[previous]
            if line.lstrip().startswith("-"):
                if item:
                    levels.add(_indent(line))
                elif self.content_column(previous) != _indent(line):
                    levels.add(self.content_column(previous))
            elif not item:
                levels.add(_indent(line))
            previous = self.parent_of(previous)
        if not levels:
            return None
        found = _indent(self.lines[index])
        return min(levels, key=lambda level: (abs(level - found), -level))

    def off_step(self, index: int) -> bool:
        """Tell whether a line is indented off the step under its parent."""
        return _indent(self.lines[index]) not in self.expected(self.parent_of(index), index)


def _unconstructable(node: Any) -> tuple[str, str]:
    """Explain a scalar YAML resolved to a type but could not build (2021-02-30, !!int abc)."""
    raw = node.value
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    if node.tag == "tag:yaml.org,2002:timestamp":
        match = yaml.constructor.SafeConstructor.timestamp_regexp.match(raw)
        if match is not None:
            year, month, day = (int(match.group(g)) for g in ("year", "month", "day"))
            return impossible_date(year, month, day)
    if node.tag == "tag:yaml.org,2002:int" and re.fullmatch(r"[-+]?[0-9_]+", raw):
        return f"số “{shown}” quá dài", "nếu đây là chữ, đặt cả giá trị trong ngoặc kép"
    kind = node.tag.replace("tag:yaml.org,2002:", "!!")
    return f"không đọc được “{shown}” theo kiểu {kind}", f"bỏ thẻ “{kind}”, hoặc đặt giá trị trong ngoặc kép"


def impossible_date(year: int, month: int, day: int) -> tuple[str, str]:
    """Return the message and the hint for a date that is not on the calendar."""
    message = f"ngày không tồn tại: {day:02d}/{month:02d}/{year}"
    if not 1 <= month <= 12:
        return message, "tháng từ 1 đến 12"
    if year < 1:
        return message, "kiểm tra lại năm"
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    last = (following - dt.timedelta(days=1)).day if year < 9999 else 31
    return message, f"tháng {month} năm {year} chỉ có {last} ngày"


# --- YAML syntax errors in Vietnamese ----------------------------------------------------------


def _yaml_problem(path: Path, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """Turn a PyYAML syntax error into a Vietnamese message at the place the drafter must fix."""
    runaway = _runaway_quote(text, exc)
    if runaway is not None:
        line, column, quote, swallowed = runaway
        return Problem(
            Place(path, line, column),
            f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng, nên đã nuốt cả dòng {swallowed}",
            hint=f"thêm dấu {quote} ở cuối giá trị",
            code="unclosed_quote",
        )
    context = exc.context or ""
    problem = exc.problem or ""
    mark = exc.problem_mark or exc.context_mark
    lines = text.split("\n")

    def at(m: Any) -> tuple[int, int]:
        return (m.line + 1, m.column + 1) if m is not None else (1, 1)

    def char_at(m: Any) -> str:
        if m is None or m.line >= len(lines) or m.column >= len(lines[m.line]):
            return ""
        return lines[m.line][m.column]

    def line_start(m: Any) -> bool:
        return m is not None and m.line < len(lines) and not lines[m.line][: m.column].strip()

    where = at(mark)
    message, hint = "cú pháp YAML không hợp lệ ở đây", "kiểm tra thụt lề và các dấu ngoặc của dòng này và dòng trên"
    if "found character '\\t' that cannot start any token" in problem:
        if line_start(mark):
            message, hint = "dùng ký tự tab để thụt lề", "thụt lề bằng dấu cách, không dùng tab"
        else:
            message, hint = "ký tự tab không được dùng ở đây", "thay tab bằng dấu cách, hoặc đặt cả giá trị trong ngoặc kép"
    elif "that cannot start any token" in problem:
        character = char_at(mark) or "?"
        message, hint = f"giá trị không được bắt đầu bằng ký tự “{character}”", "đặt cả giá trị trong ngoặc kép"
    elif "quoted scalar" in context:
        quote = char_at(exc.context_mark) or '"'
        where = at(exc.context_mark)
        message, hint = f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng", f"thêm dấu {quote} ở cuối giá trị"
        if "found unknown escape character" in problem:
            where = at(exc.problem_mark)
            message = "chuỗi trong ngoặc kép có dấu “\\” không hợp lệ"
            hint = "viết “\\\\” cho một dấu “\\”, hoặc dùng ngoặc đơn ' '"
        elif "expected escape sequence" in problem:
            where = at(exc.problem_mark)
            message, hint = "mã thoát “\\x”, “\\u” trong ngoặc kép không đúng", "viết “\\\\” cho một dấu “\\”, hoặc dùng ngoặc đơn ' '"
    elif "while parsing a flow sequence" in context or "while parsing a flow mapping" in context:
        closing = "]" if "sequence" in context else "}"
        opening = "[" if closing == "]" else "{"
        where = at(exc.context_mark)
        what = "danh sách" if closing == "]" else "bảng"
        message = f"{what} mở bằng “{opening}” ở đây chưa được đóng bằng “{closing}”"
        hint = f"thêm “{closing}”, hoặc nếu “{opening}” là chữ thì đặt cả giá trị trong ngoặc kép"
    elif "while scanning a simple key" in context and "could not find expected ':'" in problem:
        where = at(exc.context_mark)
        line = lines[exc.context_mark.line]
        above = next((text for text in reversed(lines[: exc.context_mark.line]) if text.strip() and not text.lstrip().startswith("#")), "")
        if exc.problem_mark is not None and exc.problem_mark.column - exc.context_mark.column >= 1024:
            message = "dấu “: ” trong đoạn văn dài này bị YAML hiểu là dấu sau khóa"
            hint = "đặt cả đoạn trong ngoặc kép, hoặc viết “>-” rồi xuống dòng viết đoạn văn thụt lề"
        elif ":" not in line and _indent(above) > _indent(line):
            message = "thụt lề không khớp: dòng này thụt lề ít hơn dòng trên nên không còn thuộc đoạn văn ở trên"
            hint = "thụt lề dòng này bằng các dòng của đoạn văn ở trên"
        else:
            message, hint = "thiếu dấu “:” sau khóa", "mỗi dòng có dạng “khoa: giá trị”, có dấu cách sau dấu “:”"
    elif "mapping values are not allowed here" in problem:
        message = "dấu “: ” không được dùng ở đây"
        hint = "nếu giá trị có “: ”, đặt cả giá trị trong ngoặc kép; nếu đây là khóa, xuống dòng và thụt lề cho đúng"
        started = _plain_start(text, exc.problem_mark)
        if started is not None and started < exc.problem_mark.line:
            below = next((j for j in range(started + 1, len(lines)) if lines[j].strip()), started)
            shape = _Indentation(lines)
            if _key_without_colon(lines[started]):
                where = (started + 1, _indent(lines[started]) + 1)
                message, hint = "thiếu dấu “:” sau khóa, nên các dòng dưới bị gộp vào dòng này", "mỗi dòng có dạng “khoa: giá trị”"
            elif _KEY_WITH_VALUE.match(lines[started]) and _indent(lines[below]) in shape.expected(started, below):
                where = (started + 1, _indent(lines[started]) + 1)
                message = "các dòng thụt lề bên dưới bị gộp vào giá trị ở dòng này"
                hint = (
                    "nếu dòng này là khóa có các khóa con, bỏ phần giá trị sau dấu “:”; nếu không, cho các dòng dưới thẳng cột với dòng này"
                )
            elif (culprit := shape.culprit(exc.problem_mark.line, started)) is not None:
                line, found, expected = culprit
                where = (line + 1, found + 1)
                message = (
                    f"thụt lề không khớp: dòng này thụt {found} dấu cách, nhưng dòng {exc.problem_mark.line + 1} cùng cấp thụt {expected}"
                )
                hint = "các dòng cùng cấp phải thẳng cột; dòng lệch cột bị YAML gộp vào giá trị ở trên"
    elif "sequence entries are not allowed here" in problem:
        message = "mục danh sách “- ” không được viết ở đây"
        hint = "xuống dòng và thụt lề mục danh sách; nếu “-” là chữ, đặt cả giá trị trong ngoặc kép"
    elif "mapping keys are not allowed here" in problem:
        message, hint = "giá trị không được bắt đầu bằng “? ”", "đặt cả giá trị trong ngoặc kép"
    elif "while scanning a block scalar" in context:
        message, hint = "sau “|” hoặc “>” phải xuống dòng", "viết nội dung ở các dòng dưới, thụt lề; hoặc đặt cả giá trị trong ngoặc kép"
    elif "while scanning an alias" in context or "while scanning an anchor" in context:
        character = "*" if "alias" in context else "&"
        where = at(exc.context_mark)
        message = f"ký tự “{character}” ở đầu giá trị bị YAML hiểu là {'bí danh' if character == '*' else 'neo'}"
        hint = "đặt cả giá trị trong ngoặc kép"
    elif "tag" in context or "tag handle" in problem:
        where = at(exc.context_mark or exc.problem_mark)
        message, hint = "ký tự “!” ở đầu giá trị bị YAML hiểu là thẻ", "đặt cả giá trị trong ngoặc kép"
    elif "expected a single document" in context:
        message = "tệp chỉ được chứa một thông báo, nhưng dòng “---” này mở thêm một văn bản YAML"
        hint = "xóa dòng “---”, hoặc tách thành tệp riêng"
    elif "found incompatible YAML document" in problem or "found duplicate YAML directive" in problem:
        where = at(exc.problem_mark or exc.context_mark)
        message, hint = "chỉ thị %YAML không được hỗ trợ", "xóa dòng bắt đầu bằng “%”"
    elif "expected '<document start>'" in problem:
        directive = next((i for i, line in enumerate(lines[: where[0]]) if line.startswith("%")), None)
        document_end = next((i for i, line in enumerate(lines[: where[0]]) if line.rstrip() == "..."), None)
        if document_end is not None:
            message, hint = "có nội dung sau dòng “...” (dấu kết thúc văn bản YAML)", "xóa dòng “...”"
        elif directive is not None:
            where = (directive + 1, 1)
            message, hint = "dòng bắt đầu bằng “%” là chỉ thị YAML, không phải nội dung", "xóa dòng này, hoặc đặt giá trị trong ngoặc kép"
        elif line_start(exc.problem_mark):
            where, message, hint = _misaligned(lines, exc, False)
        else:
            message, hint = "có nội dung thừa ở đây", "kiểm tra thụt lề của dòng này"
    elif "while parsing a flow node" in context:
        opener = _open_flow(lines, exc.problem_mark)
        if opener is not None:
            where = (opener[0] + 1, opener[1] + 1)
            character = lines[opener[0]][opener[1]]
            what = "danh sách" if character == "[" else "bảng"
            message = f"dấu “{character}” ở đây bị YAML hiểu là mở một {what}"
            hint = "nếu đây là chữ, đặt cả giá trị trong ngoặc kép"
        else:
            message, hint = f"giá trị không được bắt đầu bằng “{char_at(exc.problem_mark) or '?'}”", "đặt cả giá trị trong ngoặc kép"
    elif "while parsing a block node" in context and "expected the node content" in problem:
        character = char_at(exc.problem_mark) or "?"
        message, hint = f"giá trị không được bắt đầu bằng “{character}”", "đặt cả giá trị trong ngoặc kép"
    elif "expected <block end>" in problem or "did not find expected key" in problem or "did not find expected '-'" in problem:
        found = problem.rsplit("found", 1)[-1].strip(" '")
        if line_start(exc.problem_mark):
            where, message, hint = _misaligned(lines, exc, found == "-")
        elif found in ("]", "}"):
            message, hint = f"dấu “{found}” thừa", "xóa dấu này, hoặc đặt cả giá trị trong ngoặc kép"
        else:
            message = "có chữ thừa sau giá trị"
            hint = "nếu giá trị bắt đầu bằng dấu ngoặc (\" ' [ {), đặt cả giá trị trong ngoặc kép"
    elif "found unexpected end of stream" in problem:
        message, hint = "tệp kết thúc giữa chừng", "kiểm tra dấu ngoặc chưa đóng"
    return Problem(Place(path, *where), message, hint=hint, code="yaml")


def _open_flow(lines: list[str], mark: Any) -> tuple[int, int] | None:
    """Return (line, column), 0-based, of the bracket still open at mark."""
    depth = 0
    for line_index in range(mark.line, max(mark.line - 50, -1), -1):
        text = lines[line_index]
        end = mark.column if line_index == mark.line else len(text)
        for column in range(end - 1, -1, -1):
            character = text[column]
            if character in "]}":
                depth += 1
            elif character in "[{":
                if depth == 0:
                    return line_index, column
                depth -= 1
    return None


def _misaligned(lines: list[str], exc: yaml.MarkedYAMLError, item: bool) -> tuple[tuple[int, int], str, str]:
    """Place and explain a line that breaks the indentation, naming the indent expected."""
    error = exc.problem_mark.line
    shape = _Indentation(lines)
    context = exc.context_mark
    opened = context.line if context is not None and not lines[context.line][: context.column].strip(" -") else None
    culprit = shape.culprit(error, opened)
    if culprit is not None:
        line, found, expected = culprit
        what = "mục danh sách" if lines[line].lstrip().startswith("-") else "dòng"
        return (
            (line + 1, found + 1),
            f"thụt lề không khớp: {what} này thụt {found} dấu cách, nhưng dòng {error + 1} cùng cấp thụt {expected}",
            "các dòng cùng cấp phải thẳng cột, thụt lề bằng cùng số dấu cách",
        )
    found = _indent(lines[error])
    siblings = shape.sibling_level(error)
    item = item or lines[error].lstrip().startswith("-")
    if item:
        message = "mục danh sách “- ” này lệch cột so với các mục cùng danh sách"
        hint = "cho các mục “- ” của cùng danh sách thẳng cột với nhau"
    else:
        message = "thụt lề không khớp: dòng này lệch cột so với các khóa cùng cấp"
        hint = "các khóa cùng cấp phải thẳng cột, thụt lề bằng cùng số dấu cách"
        if shape.parent_of(error) is None:
            hint = "các khóa ở cấp ngoài cùng không thụt lề"
    if siblings is not None and siblings != found:
        what = "mục danh sách" if item else "dòng"
        message = f"thụt lề không khớp: {what} này thụt {found} dấu cách, các {'mục' if item else 'dòng'} cùng cấp thụt {siblings}"
    return (error + 1, exc.problem_mark.column + 1), message, hint


def _plain_start(text: str, mark: Any) -> int | None:
    """Return the line (0-based) where the plain value that runs into mark began."""
    scanner = yaml.SafeLoader(text)
    last = None
    try:
        while True:
            token = scanner.get_token()
            if token is None or token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    finally:
        scanner.dispose()
    if isinstance(last, yaml.ScalarToken) and last.plain:
        return last.start_mark.line
    return None


def _runaway_quote(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str, int] | None:
    """Find a quoted value that ran past its line into the keys below, causing a later error."""
    if "while scanning a quoted scalar" in (exc.context or ""):
        start = exc.context_mark
        lines = text.split("\n")
        indent = _indent(lines[start.line])
        for offset, line in enumerate(lines[start.line + 1 :]):
            if _swallowed_key(line, indent):
                return start.line + 1, start.column + 1, lines[start.line][start.column], start.line + offset + 2
        return None
    error_line = (exc.problem_mark or exc.context_mark).line if (exc.problem_mark or exc.context_mark) else None
    if error_line is None:
        return None
    scanner = yaml.SafeLoader(text)
    try:
        while True:
            token = scanner.get_token()
            if token is None or token.start_mark.line > error_line:
                return None
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark.line > token.start_mark.line:
                lines = text.split("\n")
                indent = _indent(lines[token.start_mark.line])
                for offset, line in enumerate(lines[token.start_mark.line + 1 : token.end_mark.line + 1]):
                    if _swallowed_key(line, indent):
                        start = token.start_mark
                        return start.line + 1, start.column + 1, token.style, start.line + offset + 2
    except yaml.YAMLError:
        return None
    finally:
        scanner.dispose()


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "không tồn tại"
    if isinstance(exc, PermissionError):
        return "không có quyền đọc"
    if isinstance(exc, IsADirectoryError):
        return "là một thư mục"
    return exc.strerror or "lỗi hệ thống"
