"""Why a source breaks the rules: the pydantic model's refusals as Vietnamese problems.

`check_shape` hands over the data the pydantic-free builder was unsure of. The model generated
from the declaration (`notice.validation`) either accepts it or refuses it; each refusal becomes
a message at the line of the mistake, with the key that was probably meant and an example of the
right form. The values it refused are then replaced by harmless stand-ins and the model is tried
once more: the stand-in notice lets the meaning checks report the drafter's other mistakes in the
same run. Its refused paths are marked broken, so that no message is ever about a stand-in value.
Only a source with a mistake imports this module (and pydantic).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from tbkl_gen.errors import Fix, Place, Problem, in_order, shortened
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice import paths
from tbkl_gen.notice.kinds import all_keys
from tbkl_gen.notice.model import BLOCK_KEYS, SCHEMA_VERSION, URGENCY_LEVELS, Notice
from tbkl_gen.notice.validation import model_for, to_notice
from tbkl_gen.nd30.words import shown_date
from tbkl_gen.source.dates import date_fix, typed_date_hint
from tbkl_gen.source.places import Path_, Source, field_path
from tbkl_gen.source.read import MAX_PROBLEMS

_KIND_NAMES = (
    (bool, "giá trị đúng/sai"),
    (int, "số nguyên"),
    (float, "số thực"),
    (list, "danh sách"),
    (dict, "bảng khóa–giá trị"),
    (type(None), "giá trị rỗng"),
    (dt.datetime, "ngày giờ"),
    (dt.date, "ngày tháng"),
)


_DOCUMENT: contextvars.ContextVar[type] = contextvars.ContextVar("tbkl_document", default=Notice)
"""The declared class (the kind's model) whose source is being explained: labels, examples, keys."""


def check_with_model(source: Source, data: dict[str, Any], document: type = Notice) -> tuple[Any | None, list[Problem], Any | None]:
    """Return the model's document, or None with the problems and a stand-in document for meaning checks."""
    token = _DOCUMENT.set(document)
    try:
        return _check_with_model(source, data)
    finally:
        _DOCUMENT.reset(token)


def _check_with_model(source: Source, data: dict[str, Any]) -> tuple[Any | None, list[Problem], Any | None]:
    Model = model_for(_DOCUMENT.get())  # noqa: N806 - the pydantic class of the kind being explained
    for _ in range(2):
        try:
            return to_notice(Model.model_validate(data)), [], None
        except ValidationError as exc:
            patched = _accept_plain_numbers(source, data, exc)
            if patched is None:
                return None, _problems_from(source, data, exc), _stand_in(source, data, exc)
            data = patched
    return None, [], None


def _stand_in(source: Source, data: dict[str, Any], exc: ValidationError) -> Any | None:
    Model = model_for(_DOCUMENT.get())  # noqa: N806
    errors = exc.errors()
    if len(errors) > MAX_PROBLEMS:
        return None
    repaired = _deep_copy(data)
    broken: set[Path_] = set()
    for error in errors:
        path, _ = _data_path(data, error["loc"])
        if not path:
            return None
        broken.add(path)
        if error["type"] == "extra_forbidden":
            meant = _suggest(str(path[-1]), _allowed_keys(data_model_path(data, path[:-1])))
            if meant:
                broken.add(path[:-1] + (meant,))
        parent: Any = repaired
        for part in path[:-1]:
            parent = parent[part] if isinstance(parent, (dict, list)) else None
        last = path[-1]
        if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = ""
        elif isinstance(parent, dict):
            # a value that satisfies the model and means nothing; messages about it are dropped
            name = str(last)
            owner = data_model_path(data, path[:-1])
            key = declaration.field_named(owner, name) if owner is not None else paths.key_named(_DOCUMENT.get(), name)
            if error["type"] == "extra_forbidden" or key is None or (not key.required and not _holds_blocks(key)):
                parent.pop(name, None)
            else:
                parent[name] = _deep_copy(paths.stand_in(key))
        else:
            return None
    try:
        notice = Model.model_validate(repaired)
    except (ValidationError, ValueError, TypeError):
        return None
    source.broken.update(broken)
    repaired_notice: Any = to_notice(notice)
    return repaired_notice


def _holds_blocks(key: declaration.Declared) -> bool:
    """Tell whether key holds blocks: standing in with one empty paragraph keeps checks of its owner quiet."""
    item = declaration.item_of(key.type)
    return item is not None and declaration.tagged_members(item) is not None


# Identifiers that drafters type as bare digits: `so: 28` means the text "28".
def _number_fields() -> set[Path_]:
    return {(key.name,) for key in declaration.declared(_DOCUMENT.get()) if key.spec.digits_as_text}


def _accept_plain_numbers(source: Source, data: dict[str, Any], exc: ValidationError) -> dict[str, Any] | None:
    """Let `so: 28` stand for "28": a plain number whose text reads back the same is a string."""
    fixes: list[tuple[Path_, str]] = []
    for error in exc.errors():
        if error["type"] != "string_type":
            continue
        path, _ = _data_path(data, error["loc"])
        raw = source.raw_plain.get(path)
        value = error["input"]
        number = isinstance(value, int) and not isinstance(value, bool)
        cell = _in_table(path) and isinstance(value, int | float) and not isinstance(value, bool)  # `- [1, 2.5]`
        if ((path in _number_fields() and number) or cell) and raw is not None and str(value) == raw:
            fixes.append((path, raw))
    if not fixes:
        return None
    patched: dict[str, Any] = _deep_copy(data)
    for path, raw in fixes:
        target = patched
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = raw
    return patched


def _in_table(path: Path_) -> bool:
    """Tell whether path is a table cell's text: `- [1, Kiểm tra]` means the cell "1"."""
    return (len(path) >= 3 and path[-3] == "bang" and isinstance(path[-1], int)) or (
        len(path) >= 4 and path[-1] == "o" and path[-4] == "bang"
    )


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


_TAGS = {"doan", *BLOCK_KEYS}


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Path_, str]:
    """Map a pydantic error location onto the data: (path that exists, name of the field).

    Union tags (`khoan` after a block index) and validator steps have no place in the source
    and are dropped; a missing key stays as the last part so the message can name it.
    """
    path: list[Any] = []
    current = data
    name = ""
    skip_tag = False
    parts = list(loc)
    for position, part in enumerate(parts):
        if skip_tag and part in _TAGS:
            skip_tag = False
            continue
        skip_tag = False
        if isinstance(part, str) and part.startswith(("function-", "constrained-", "lax-", "strict-")):
            continue
        if isinstance(part, int):
            if isinstance(current, list) and 0 <= part < len(current):
                path.append(part)
                skip_tag = len(path) >= 2 and path[-2] == "noi_dung"
                current = current[part]
                continue
            break
        name = str(part)
        if isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and position == len(parts) - 1:
            path.append(part)
            current = None
        else:
            # the value is not a mapping (a date typed as text): the field is named, not placed
            break
    return tuple(path), name


def _problems_from(source: Source, data: dict[str, Any], exc: ValidationError) -> list[Problem]:
    errors = exc.errors()
    everything = [(*_data_path(data, error["loc"]), error) for error in errors]
    mapped = [(path, name, error) for path, name, error in everything if not any(path[: len(b)] == b for b in source.broken)]
    suggested: set[Path_] = set()
    for path, _name, error in everything[:MAX_PROBLEMS]:
        if error["type"] == "extra_forbidden":
            suggestion = _suggest(str(path[-1]), _allowed_keys(data_model_path(source.data, path[:-1])))
            if suggestion:
                suggested.add(path[:-1] + (suggestion,))
        elif isinstance(error.get("input"), dict) and path and error["type"] not in ("dict_type", "model_type"):
            # keys indented under a value by mistake: the hint there says so, not "missing"
            allowed = _allowed_keys(data_model_path(source.data, path[:-1]))
            suggested.update(path[:-1] + (key,) for key in error["input"] if key in allowed)
    problems: list[Problem] = []
    seen: set[tuple[Path_, str]] = set()
    for index, (path, name, error) in enumerate(mapped):
        if error["type"] == "missing" and path in suggested:
            continue  # the misspelt key beside it already says "did you mean"
        # past the problems that will be shown, only count them: suggestions are slow
        problem = _problem_for(source, path, name, error, suggest=index < MAX_PROBLEMS)
        if (path, problem.message) not in seen:
            seen.add((path, problem.message))
            problems.append(problem)
    return in_order(source.path, problems)


def _problem_for(source: Source, path: Path_, name: str, error: Mapping[str, Any], *, suggest: bool = True) -> Problem:
    kind = error["type"]
    value = error.get("input")
    here = source.place(path)
    if kind == "missing":
        return Problem(_missing_place(source, path), f"thiếu {label(path)}", hint=_example_hint(path), code="missing")
    if kind == "extra_forbidden" and _source_only(source, path):
        # the office defaults take a source-only key of the right type before the model sees it
        return _source_only_problem(here, str(path[-1]), value)
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _allowed_keys(data_model_path(source.data, path[:-1])) if suggest else []
        suggestion = _suggest(key, allowed)
        fix = None
        if suggestion:
            hint = f"có phải ý bạn là “{suggestion}”?"
            if source.file_of(path) == source.path:
                fix = Fix(f"đổi khóa “{key}” thành “{suggestion}”", tuple(path), suggestion, key, rename=True)
        elif allowed:
            hint = "các khóa dùng được ở đây: " + ", ".join(allowed)
        else:
            hint = "xóa khóa này hoặc sửa tên khóa"
        return Problem(source.place(path, key=True), f"khóa không hợp lệ “{key}”", hint=hint, code="unknown_key", fix=fix)
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return _block_problem(source, path, value)
    raw = source.raw_plain.get(path)
    if value is None:
        hint = _example_hint(path)
        if path in source.comments:
            hint = "phần sau dấu “#” là ghi chú của YAML; nếu đây là chữ, đặt cả giá trị trong ngoặc kép"
        return Problem(source.place(path, key=True), f"thiếu {label(path)}", hint=hint, code="missing")
    if kind == "string_type" and raw is not None and not _reads_back(raw, value):
        return Problem(
            here, _trap_message(raw, value), hint=f'viết trong ngoặc kép: {name}: "{raw}"', code="yaml_trap", fix=_quoted(source, path, raw)
        )
    if kind in ("too_short", "string_too_short"):
        if isinstance(value, str):
            return Problem(here, f"thiếu {label(path)}", hint=_example_hint(path), code="missing")
        what = {"noi_dung": "cần ít nhất một đoạn nội dung", "ten": "cần ít nhất một dòng tên cơ quan"}.get(name, "cần ít nhất một mục")
        return Problem(here, what, code="empty_value")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _range_problem(here, name, value)
    if kind == "literal_error":
        return _literal_problem(here, name, value)
    if name in ("ngay", "ngay_hop") and path in (("ngay",), ("ngay_hop",)):
        return _date_problem(here, name, value, source.written(path) is not None)
    if kind.endswith("_type") or kind in ("model_attributes_type", "dataclass_type"):
        expected = _expected(kind, name)
        hint = _type_hint(kind, name, value)
        if path in source.flow and kind == "string_type":
            bracket = "{" if isinstance(value, dict) else "["
            hint = f"giá trị bắt đầu bằng “{bracket}” bị YAML hiểu là {'bảng' if bracket == '{' else 'danh sách'}; nếu đây là chữ, đặt cả giá trị trong ngoặc kép"
        elif isinstance(value, dict) and kind != "dict_type":
            swallowed = [k for k in value if k in _allowed_keys(data_model_path(source.data, path[:-1]))]
            if swallowed:
                hint = f"dòng “{swallowed[0]}:” bị thụt lề nên bị đọc là một phần của “{name}”; cho nó thẳng cột với “{name}:”"
        return Problem(here, f"cần {expected}, nhưng gặp {_describe(value)}", hint=hint, code="type")
    return Problem(here, f"giá trị không hợp lệ: {_describe(value)}", code=kind)


def _source_only(source: Source, path: Path_) -> bool:
    owner = data_model_path(source.data, path[:-1])
    return owner is not None and any(key.source_only and key.name == path[-1] for key in declaration.declared(owner))


# Characters that give a value another meaning inside `[…]`: such text is shown as a dashed item.
_FLOW_SPECIAL = re.compile(r"[,\[\]{}#&*!|>'\"%@`]|: |^[-?:]")


def _source_only_problem(here: Place, name: str, value: Any) -> Problem:
    """Explain a source-only key (a list, `noi_nhan_them`) written as something else: one string."""
    hint = _type_hint("list_type", name, value)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        dashed = f"“{name}:” rồi “- {text}” ở dòng dưới, thụt lề"
        hint = f"viết {name}: [{text}], hoặc {dashed}" if not _FLOW_SPECIAL.search(text) else f"viết {dashed}"
    return Problem(here, f"cần danh sách, nhưng gặp {_describe(value)}", hint=hint, code="type")


def _reads_back(raw: str, value: Any) -> bool:
    """Tell whether YAML kept the drafter's text as typed: 123 is 123, but 012 is 10."""
    return isinstance(value, int) and not isinstance(value, bool) and str(value) == raw


def label(path: Path_) -> str:
    """Return what the field at path is called in messages: `họ tên người ký`."""
    return paths.label(_DOCUMENT.get(), path)


def _example_hint(path: Path_) -> str:
    example = paths.example(_DOCUMENT.get(), path)
    return f"ví dụ: {example}" if example else ""


def _missing_place(source: Source, path: Path_) -> Place:
    parent = source.place(path[:-1])
    return Place(parent.file, parent.line, parent.column, field_path(path))


def _block_problem(source: Source, path: Path_, value: Any) -> Problem:
    here = source.place(path)
    kinds = ", ".join(BLOCK_KEYS)
    if isinstance(value, dict):
        present = [k for k in BLOCK_KEYS if k in value]
        if len(present) > 1:
            both = " và ".join(f"“{k}”" for k in present)
            return Problem(
                here,
                f"một khối có cả {both}; mỗi khối chỉ có một trong các khóa {kinds}",
                hint="tách thành các khối riêng, mỗi khối bắt đầu bằng “- ”",
                code="block",
            )
        if len(value) == 1 and " " in str(next(iter(value))).strip():
            return Problem(
                here,
                "dấu “: ” trong đoạn văn này bị YAML hiểu là khóa và giá trị",
                hint="đặt cả đoạn trong ngoặc kép, hoặc viết “>-” rồi xuống dòng viết đoạn văn thụt lề",
                code="block",
            )
        keys = ", ".join(f"“{k}”" for k in value)
        typo, suggestion = next(((k, s) for k in value if (s := _suggest(str(k), list(BLOCK_KEYS)))), (None, None))
        hint = f"có phải ý bạn là “{suggestion}”?" if suggestion else f"thêm một trong các khóa {kinds}, hoặc viết đoạn văn không có khóa"
        fix = None
        if suggestion and isinstance(typo, str) and source.file_of(path) == source.path:
            fix = Fix(f"đổi khóa “{typo}” thành “{suggestion}”", (*path, typo), suggestion, typo, rename=True)
        return Problem(here, f"khối có khóa {keys} nhưng không có khóa loại khối nào ({kinds})", hint=hint, code="block", fix=fix)
    raw = source.raw_plain.get(path)
    if raw is not None and value is not None and not isinstance(value, (list, dict)):
        message = _trap_message(raw, value) if not _reads_back(raw, value) else f"cần một đoạn văn, nhưng gặp {_describe(value)}"
        return Problem(here, message, hint=f'viết trong ngoặc kép: - "{raw}"', code="yaml_trap", fix=_quoted(source, path, raw))
    if isinstance(value, list):
        return Problem(here, f"cần một đoạn văn hoặc một khối ({kinds}), nhưng gặp danh sách", hint="bỏ bớt một dấu “- ”", code="block")
    return Problem(here, f"cần một đoạn văn hoặc một khối ({kinds}), nhưng gặp {_describe(value)}", code="block")


def _range_problem(here: Place, name: str, value: Any) -> Problem:
    if name == "thang":
        return Problem(here, f"tháng {value} không tồn tại", hint="tháng từ 1 đến 12", code="date")
    if name == "ngay":
        return Problem(here, f"ngày {value} không tồn tại", hint="ngày từ 1 đến 31", code="date")
    if name == "nam":
        return Problem(here, f"năm {value} nằm ngoài khoảng 1945–2100", hint="kiểm tra lại năm ban hành", code="date")
    return Problem(here, f"giá trị {value} nằm ngoài khoảng cho phép", code="range")


def _literal_problem(here: Place, name: str, value: Any) -> Problem:
    if name == "do_khan":
        choices = ", ".join(f"“{level}”" for level in URGENCY_LEVELS)
        hint = ""
        if isinstance(value, str):
            guess = unicodedata.normalize("NFC", value.strip().upper().replace("HOẢ", "HỎA"))
            if guess in URGENCY_LEVELS:
                hint = f"viết do_khan: {guess}"
        return Problem(here, f"cần một trong các mức {choices}, nhưng gặp {_describe(value)}", hint=hint, code="type")
    if name == "phien_ban":
        return Problem(
            here, f"cần phiên bản {SCHEMA_VERSION}, nhưng gặp {_describe(value)}", hint=f"viết phien_ban: {SCHEMA_VERSION}", code="type"
        )
    return Problem(here, f"giá trị không hợp lệ: {_describe(value)}", code="type")


def _date_problem(here: Place, name: str, value: Any, own: bool) -> Problem:
    """Name a date the source cannot read; own: the value is written in this file, so its fix can be offered."""
    path = (name,)
    if isinstance(value, dt.datetime):
        written = shown_date(value.year, value.month, value.day)
        return Problem(
            here,
            f"cần ngày, không kèm giờ, nhưng gặp ngày giờ {written} {value:%H:%M:%S}",
            hint=f"viết {name}: {written}",
            code="date",
            fix=Fix("bỏ giờ, chỉ giữ ngày", path, written, value.isoformat(sep=" ")) if own else None,
        )
    expected = "ngày dạng ngày/tháng/năm như 22/12/2021" + (" (hoặc tháng/năm, năm khi dự thảo chưa có ngày)" if name == "ngay" else "")
    hint = (typed_date_hint(name, value) if isinstance(value, str) else None) or f"ví dụ: {name}: 22/12/2021"
    fix = date_fix(name, value) if own and isinstance(value, str) else None
    return Problem(here, f"cần {expected}, nhưng gặp {_describe(value)}", hint=hint, code="date", fix=fix)


def _quoted(source: Source, path: Path_, raw: str) -> Fix | None:
    """Return the fix that writes raw as the text it shows, in quotes (YAML 1.1 read it as something else)."""
    if source.file_of(path) != source.path:
        return None
    return Fix(f"đặt “{raw}” trong ngoặc kép để đọc đúng là chữ", tuple(path), raw, source.written(path))


def _trap_message(raw: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"YAML đọc “{raw}” thành giá trị đúng/sai ({'true' if value else 'false'}), không phải chữ"
    digits = raw.lstrip("+-").replace("_", "")
    if isinstance(value, int) and digits[:2].lower() == "0x":
        return f"YAML đọc “{raw}” thành số {value} (hệ thập lục phân)"
    if isinstance(value, int) and digits[:2].lower() == "0b":
        return f"YAML đọc “{raw}” thành số {value} (hệ nhị phân)"
    if isinstance(value, (int, float)) and ":" in raw:
        return f"YAML đọc “{raw}” thành số {value} (hệ cơ số 60)"
    if isinstance(value, int) and digits.startswith("0") and len(digits) > 1:
        return f"YAML đọc “{raw}” thành số {value} (số bắt đầu bằng 0 là hệ bát phân)"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"YAML đọc “{raw}” thành ngày tháng, không phải chữ"
    if isinstance(value, (int, float)):
        return f"YAML đọc “{raw}” thành số {value}, không phải chữ"
    return f"YAML đọc “{raw}” thành {_describe(value)}, không phải chữ"


def _expected(kind: str, name: str) -> str:
    if kind == "string_type":
        return f"{label((name,))} (chuỗi văn bản)" if name in all_keys() else "chuỗi văn bản"
    return {
        "int_type": "số nguyên",
        "bool_type": "true hoặc false",
        "list_type": "danh sách",
        "dict_type": "bảng khóa–giá trị",
        "model_type": "bảng khóa–giá trị (các dòng “khoa: giá trị” thụt lề bên dưới)",
        "model_attributes_type": "bảng khóa–giá trị (các dòng “khoa: giá trị” thụt lề bên dưới)",
        "date_type": "ngày dạng ngày/tháng/năm",
    }.get(kind, "giá trị khác")


def _type_hint(kind: str, name: str, value: Any) -> str:
    if kind == "string_type" and isinstance(value, list):
        return "bỏ dấu “- ”, viết giá trị ngay sau dấu “:”"
    if kind == "string_type" and isinstance(value, dict):
        return "giá trị có “: ” bị YAML hiểu là bảng; đặt cả giá trị trong ngoặc kép"
    if kind == "list_type":
        return f"viết “{name}:” rồi mỗi mục một dòng bắt đầu bằng “- ”, thụt lề bên dưới"
    return ""


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"chuỗi “{shortened(value)}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"số {value}"
    for kind, name in _KIND_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _fold(name: str) -> str:
    """Return a key as it would be typed without diacritics: `Nơi nhận` → `noi_nhan`."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[\s\-.]+", "_", text.strip())


def _suggest(name: str, allowed: list[str]) -> str | None:
    folded = _fold(name)
    for candidate in allowed:
        if _fold(candidate) == folded or candidate.replace("_", "") == folded.replace("_", ""):
            return candidate
    matches = difflib.get_close_matches(folded, allowed, n=1, cutoff=0.6)
    return matches[0] if matches and matches[0] != name else None


def data_model_path(data: Any, path: Path_) -> type | None:
    """Return the declared class (of `notice.model`) that the mapping at path is read as."""
    current: Any = _DOCUMENT.get()
    value: Any = data
    for part in path:
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and part < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
        current = paths.step(current, part, value)
        if current is None:
            return None
    return current if declaration.is_declared(current) else None


def _allowed_keys(owner: type | None) -> list[str]:
    return [key.name for key in declaration.declared(owner)] if owner is not None else []
