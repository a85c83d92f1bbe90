"""Read a notice source: path → bytes → YAML nodes → plain data with places → `Notice`.

This is the only module that imports yaml. It reads with the safe loader only, refuses tags,
anchors and aliases, duplicate keys and oversized files before building anything, keeps the line
and column of every value so that each problem can point at it, and reports YAML 1.1 surprises
(`so: 012` read as 10, `NO` as false) with the quoting that fixes them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Place, Problem, Severity
from .model import BLOCK_KEYS, Notice

MAX_SOURCE_BYTES = 1_000_000

Path_ = tuple[Any, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}  # fmt: skip

# Characters XML 1.0 cannot hold; a Word file with one of them does not open.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

FIELD_LABELS = {
    "co_quan": "cơ quan ban hành",
    "ten": "tên cơ quan ban hành",
    "viet_tat": "chữ viết tắt của cơ quan",
    "dia_danh": "địa danh",
    "ngay": "ngày ban hành",
    "nam": "năm ban hành",
    "trich_yeu": "trích yếu",
    "noi_dung": "nội dung",
    "luu": "dòng lưu (ví dụ “VT, KGVX”)",
    "nguoi_ky": "khối người ký",
    "chuc_vu": "chức vụ người ký",
    "ho_ten": "họ tên người ký",
}

_KIND_NAMES = {
    str: "chuỗi văn bản",
    bool: "giá trị đúng/sai",
    int: "số nguyên",
    float: "số thực",
    list: "danh sách",
    dict: "bảng khóa–giá trị",
    type(None): "giá trị rỗng",
    dt.date: "ngày tháng",
    dt.datetime: "ngày giờ",
}


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


class _Loader(yaml.SafeLoader):
    """Safe loader that composes nodes but refuses anchors and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: ANN401
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise _AliasRefused(mark.line + 1, mark.column + 1)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


def read_source(path: Path) -> tuple[Source | None, list[Problem]]:
    """Read one YAML file into plain data with places; return problems instead of raising."""
    try:
        return _read_source(path), []
    except _LoadFailed as failed:
        return None, [failed.problem]


@dataclass
class Loaded:
    """The outcome of loading one notice: the notice if it is valid, and every problem found."""

    path: Path
    notice: Notice | None
    source: Source | None
    problems: list[Problem]


def load_notice(path: Path, defaults: Source | None = None) -> Loaded:
    """Read and validate the shape of one notice, merged over the office defaults when given."""
    source, problems = read_source(path)
    if source is None:
        return Loaded(path, None, None, problems)
    return build_notice(source, defaults)


def build_notice(source: Source, defaults: Source | None = None) -> Loaded:
    """Turn plain data (merged with defaults) into a `Notice`, or the problems that prevent it."""
    from .workspace import merge_defaults

    merged = merge_defaults(source, defaults or Source(source.path, {}))
    notice, problems = _validate(merged)
    return Loaded(source.path, notice, merged, problems)


def _read_source(path: Path) -> Source:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _LoadFailed(Problem(Place(path), f"không đọc được tệp: {_os_reason(exc)}", code="io"))
    if size > MAX_SOURCE_BYTES:
        raise _LoadFailed(
            Problem(
                Place(path),
                f"tệp quá lớn ({size:,} byte); một thông báo không vượt quá {MAX_SOURCE_BYTES:,} byte".replace(",", "."),
                code="too_large",
            )
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _LoadFailed(Problem(Place(path), f"không đọc được tệp: {_os_reason(exc)}", code="io"))
    text = _decode(path, raw)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise _LoadFailed(
            Problem(Place(path, 1, 1), "tệp rỗng: cần các khóa của một thông báo (co_quan, trich_yeu, noi_dung, …)", code="empty")
        )
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except _AliasRefused as refused:
        raise _LoadFailed(
            Problem(
                Place(path, refused.line, refused.column),
                "không dùng neo và bí danh YAML (&, *) trong thông báo",
                hint="viết đầy đủ giá trị ở mỗi chỗ",
                code="alias",
            )
        )
    except yaml.MarkedYAMLError as exc:
        raise _LoadFailed(_yaml_problem(path, exc))
    except yaml.YAMLError as exc:  # ReaderError has no problem_mark
        raise _LoadFailed(_reader_problem(path, text, exc))
    finally:
        loader.dispose()
    if not isinstance(root, yaml.MappingNode):
        kind = "danh sách" if isinstance(root, yaml.SequenceNode) else "một giá trị đơn"
        raise _LoadFailed(
            Problem(
                Place(path, root.start_mark.line + 1, root.start_mark.column + 1),
                f"cấp ngoài cùng của tệp phải là các khóa của thông báo, không phải {kind}",
                code="not_mapping",
            )
        )
    source = Source(path, {})
    source.data = _build(source, loader, root, ())
    return source


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _LoadFailed(
            Problem(
                Place(path, line, column),
                f"tệp không phải UTF-8 (byte 0x{raw[exc.start]:02X})",
                hint="lưu lại tệp với bảng mã UTF-8",
                code="encoding",
            )
        )
    return text.replace("\r\n", "\n")


def _build(source: Source, loader: _Loader, node: Any, path: Path_) -> Any:
    mark = (node.start_mark.line + 1, node.start_mark.column + 1)
    source.value_marks[path] = mark
    if node.tag not in _STANDARD_TAGS:
        raise _LoadFailed(
            Problem(
                source.place(path),
                f"thẻ YAML “{node.tag}” không được phép",
                hint="bỏ thẻ bắt đầu bằng “!”; tệp thông báo chỉ chứa chữ, danh sách và bảng",
                code="tag",
            )
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _LoadFailed(Problem(Place(source.path, *key_mark, field_path(path)), "khóa phải là một từ", code="key"))
            key = key_node.value
            child = path + (key,)
            if key in result:
                first = source.key_marks[child][0]
                raise _LoadFailed(
                    Problem(
                        Place(source.path, *key_mark, field_path(child)),
                        f"khóa “{key}” bị lặp lại (đã có ở dòng {first})",
                        hint="giữ một khóa, xóa khóa còn lại",
                        code="duplicate_key",
                    )
                )
            source.key_marks[child] = key_mark
            result[key] = _build(source, loader, value_node, child)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(source, loader, item, path + (index,)) for index, item in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if node.style is None and not isinstance(value, str):
        source.raw_plain[path] = node.value
    if isinstance(value, str):
        bad = _XML_INVALID.search(value)
        if bad:
            raise _LoadFailed(
                Problem(
                    source.place(path),
                    f"ký tự điều khiển U+{ord(bad.group()):04X} không được phép trong văn bản",
                    hint="xóa ký tự này (thường do sao chép từ phần mềm khác)",
                    code="control_char",
                )
            )
    return value


_YAML_PROBLEMS = (
    ("found character '\\t' that cannot start any token", "dùng ký tự tab để thụt lề", "thụt lề bằng dấu cách, không dùng tab"),
    ("found unexpected end of stream", "thiếu dấu ngoặc kép đóng", "đóng chuỗi bằng dấu ngoặc đã mở"),
    ("found unknown escape character", "chuỗi trong ngoặc kép có ký tự “\\” không hợp lệ", "viết “\\\\” hoặc dùng ngoặc đơn"),
    ("mapping values are not allowed here", "dấu “:” không hợp lệ ở đây", "nếu giá trị có “: ”, hãy đặt cả giá trị trong ngoặc kép"),
    ("could not find expected ':'", "thiếu dấu “:” sau khóa", "mỗi dòng có dạng “khoa: giá trị”"),
    ("did not find expected key", "thụt lề không khớp với các dòng trên", "các khóa cùng cấp phải thẳng cột"),
    ("did not find expected '-' indicator", "thụt lề không khớp trong danh sách", "các mục danh sách phải bắt đầu bằng “- ” thẳng cột"),
    ("expected <document start>", "thụt lề không khớp hoặc có nội dung thừa", "kiểm tra thụt lề của dòng này"),
    ("found undefined alias", "không dùng bí danh YAML (*)", "viết đầy đủ giá trị"),
    ("found unhashable key", "khóa không hợp lệ", "khóa phải là một từ"),
    ("while scanning a simple key", "thiếu dấu “:” sau khóa", "mỗi dòng có dạng “khoa: giá trị”"),
    ("while scanning an alias", "ký tự “*” ở đầu giá trị bị YAML hiểu là bí danh", "đặt giá trị trong ngoặc kép"),
    ("while scanning an anchor", "ký tự “&” ở đầu giá trị bị YAML hiểu là neo", "đặt giá trị trong ngoặc kép"),
    ("while scanning for the next token", "ký tự không được đứng đầu giá trị (như “@”, “`”, “%”)", "đặt giá trị trong ngoặc kép"),
    ("found a tab character", "dùng ký tự tab", "thay tab bằng dấu cách"),
)


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    text = f"{exc.context or ''} {exc.problem or ''}"
    mark = exc.problem_mark or exc.context_mark
    message, hint = "cú pháp YAML không hợp lệ", ""
    for needle, vi_message, vi_hint in _YAML_PROBLEMS:
        if needle in text:
            message, hint = vi_message, vi_hint
            break
    if message == "thiếu dấu ngoặc kép đóng" and exc.context_mark is not None:
        mark = exc.context_mark
        message = f"thiếu dấu ngoặc đóng cho chuỗi mở ở dòng {mark.line + 1}"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(Place(path, line, column), message, hint=hint, code="yaml")


def _reader_problem(path: Path, text: str, exc: yaml.YAMLError) -> Problem:
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    line = column = None
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
    code_point = f"U+{ord(character):04X}" if isinstance(character, str) else "không in được"
    return Problem(
        Place(path, line, column),
        f"ký tự điều khiển {code_point} không được phép trong tệp",
        hint="xóa ký tự này (thường do sao chép từ phần mềm khác)",
        code="control_char",
    )


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "không tồn tại"
    if isinstance(exc, PermissionError):
        return "không có quyền đọc"
    if isinstance(exc, IsADirectoryError):
        return "là một thư mục"
    return exc.strerror or "lỗi hệ thống"


# --- validation against the model -------------------------------------------------------------


def normalise_text(source: Source) -> list[Problem]:
    """Normalise every string to NFC in place; warn where the drafter's text was not NFC."""
    problems: list[Problem] = []

    def walk(value: Any, path: Path_) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, path + (k,)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, path + (i,)) for i, v in enumerate(value)]
        if isinstance(value, str):
            normal = unicodedata.normalize("NFC", value)
            if normal != value:
                problems.append(
                    Problem(
                        source.place(path),
                        "chữ tiếng Việt ở dạng tổ hợp (NFD), đã chuyển sang dạng dựng sẵn (NFC)",
                        Severity.WARNING,
                        hint="lưu tệp với Unicode dựng sẵn để tìm kiếm và so sánh đúng",
                        code="nfd",
                    )
                )
            return normal
        return value

    source.data = walk(source.data, ())
    return problems


def _validate(source: Source) -> tuple[Notice | None, list[Problem]]:
    warnings = normalise_text(source)
    data = source.data
    for _ in range(2):
        try:
            return Notice.model_validate(data), warnings
        except ValidationError as exc:
            patched = _accept_plain_numbers(source, data, exc)
            if patched is None:
                return None, warnings + _problems_from(source, data, exc)
            data = patched
    return None, warnings


def _accept_plain_numbers(source: Source, data: dict[str, Any], exc: ValidationError) -> dict[str, Any] | None:
    """Let `so: 28` stand for "28": a plain number whose text reads back the same is a string."""
    fixes: list[tuple[Path_, str]] = []
    for error in exc.errors():
        if error["type"] != "string_type":
            continue
        path = _data_path(data, error["loc"])
        raw = source.raw_plain.get(path)
        value = error["input"]
        if raw is not None and isinstance(value, int) and not isinstance(value, bool) and str(value) == raw:
            fixes.append((path, raw))
    if not fixes:
        return None
    patched = _deep_copy(data)
    for path, raw in fixes:
        target = patched
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = raw
    return patched


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


_TAGS = {"doan", *BLOCK_KEYS}


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Map a pydantic error location onto the data, dropping union tags and validator names."""
    path: list[Any] = []
    current = data
    for part in loc:
        if isinstance(current, list) and isinstance(part, int) and part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and part not in _TAGS and not part.startswith(("function-", "constrained-")):
            path.append(part)
            current = None
        # anything else is a union tag or a validator step that has no place in the source
    return tuple(path)


def _problems_from(source: Source, data: dict[str, Any], exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[Path_, str]] = set()
    for error in exc.errors():
        path = _data_path(data, error["loc"])
        problem = _problem_for(source, path, error)
        if (path, problem.message) not in seen:
            seen.add((path, problem.message))
            problems.append(problem)
    return sorted(problems, key=lambda p: (p.place.line or 0, p.place.column or 0))


def _problem_for(source: Source, path: Path_, error: dict[str, Any]) -> Problem:
    kind = error["type"]
    value = error.get("input")
    name = str(path[-1]) if path else ""
    if kind == "missing":
        label = FIELD_LABELS.get(name, f"trường “{name}”")
        return Problem(_missing_place(source, path), f"thiếu {label}", code="missing")
    if kind == "extra_forbidden":
        suggestion = _suggest(name, _allowed_keys(data_model_path(source.data, path[:-1])))
        hint = f"có phải ý bạn là “{suggestion}”?" if suggestion else "xóa khóa này hoặc sửa tên khóa"
        return Problem(source.place(path, key=True), f"khóa không hợp lệ “{name}”", hint=hint, code="unknown_key")
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        keys = ", ".join(BLOCK_KEYS)
        return Problem(
            source.place(path),
            f"mỗi khối nội dung là một đoạn văn, hoặc có đúng một trong các khóa: {keys}",
            hint=_block_hint(value),
            code="block",
        )
    raw = source.raw_plain.get(path)
    if kind == "string_type" and raw is not None:
        return Problem(source.place(path), _trap_message(raw, value), hint=f"viết trong ngoặc kép: {name}: \"{raw}\"", code="yaml_trap")
    if kind in ("string_type", "int_type", "bool_type", "list_type", "dict_type", "model_type", "date_type", "model_attributes_type", "literal_error", "date_from_datetime_inexact", "date_parsing") or kind.endswith("_type"):
        expected = _expected(kind, error)
        return Problem(source.place(path), f"cần {expected}, nhưng gặp {_describe(value)}", code="type")
    if kind == "too_short":
        what = "không được để trống" if isinstance(value, str) else "cần ít nhất một mục"
        return Problem(source.place(path), what, code="empty_value")
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = error.get("ctx", {})
        low, high = {"nam": (1945, 2100), "thang": (1, 12), "ngay": (1, 31)}.get(name, (limit.get("ge"), limit.get("le")))
        return Problem(source.place(path), f"giá trị {value} nằm ngoài khoảng {low}–{high}", code="range")
    return Problem(source.place(path), f"giá trị không hợp lệ: {error.get('msg', kind)}", code=kind)


def _missing_place(source: Source, path: Path_) -> Place:
    parent = source.place(path[:-1])
    return Place(parent.file, parent.line, parent.column, field_path(path))


def _trap_message(raw: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"YAML đọc “{raw}” thành giá trị đúng/sai ({'true' if value else 'false'}), không phải chữ"
    if isinstance(value, int) and raw.lstrip("+-").startswith("0") and raw not in ("0",):
        return f"YAML đọc “{raw}” thành số {value} (số bắt đầu bằng 0 là hệ bát phân)"
    if isinstance(value, int) and ":" in raw:
        return f"YAML đọc “{raw}” thành số {value} (hệ cơ số 60)"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"YAML đọc “{raw}” thành ngày tháng, không phải chữ"
    if value is None:
        return f"YAML đọc “{raw}” thành giá trị rỗng"
    return f"YAML đọc “{raw}” thành {_describe(value)}, không phải chữ"


def _expected(kind: str, error: dict[str, Any]) -> str:
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"một trong các giá trị {expected}"
    return {
        "string_type": "chuỗi văn bản",
        "int_type": "số nguyên",
        "bool_type": "true hoặc false",
        "list_type": "danh sách (mỗi mục một dòng bắt đầu bằng “- ”)",
        "dict_type": "bảng khóa–giá trị",
        "model_type": "bảng khóa–giá trị",
        "model_attributes_type": "bảng khóa–giá trị",
        "date_type": "ngày dạng YYYY-MM-DD",
    }.get(kind, "giá trị khác")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"chuỗi “{value[:40]}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"số {value}"
    for kind, name in _KIND_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _block_hint(value: Any) -> str:
    if isinstance(value, dict):
        present = [k for k in BLOCK_KEYS if k in value]
        if len(present) > 1:
            return f"khối này có cả {', '.join(present)}; tách thành các khối riêng"
        keys = ", ".join(str(k) for k in value)
        suggestion = next((s for k in value if (s := _suggest(str(k), list(BLOCK_KEYS)))), None)
        if suggestion:
            return f"khối có khóa {keys}; có phải ý bạn là “{suggestion}”?"
        return f"khối có khóa {keys}"
    return f"gặp {_describe(value)}"


def _suggest(name: str, allowed: list[str]) -> str | None:
    matches = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return matches[0] if matches else None


def data_model_path(data: Any, path: Path_) -> type[BaseModel] | None:
    """Return the model class that the mapping at path is validated as."""
    from . import model as m

    current: type[BaseModel] | None = m.Notice
    value: Any = data
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and part < len(value) else None
            kind = m._block_kind(value)
            current = {"muc": m.Muc, "khoan": m.Khoan, "diem": m.Diem, "gach": m.Gach, "cong": m.Cong}.get(kind or "")
            continue
        value = value.get(part) if isinstance(value, dict) else None
        sub = {"co_quan": m.CoQuan, "nguoi_ky": m.NguoiKy, "ngay": m.NgayThang}.get(part)
        if sub is not None:
            current = sub
        elif part == "noi_dung":
            current = current  # a list follows; the index picks the block model
        else:
            current = None
    return current


def _allowed_keys(model_class: type[BaseModel] | None) -> list[str]:
    if model_class is None:
        return []
    keys = list(model_class.model_fields)
    if model_class is Notice:
        keys.append("noi_nhan_them")
    return keys
