"""Vietnamese for the messages click prints itself (usage, help headings, parameter errors).

click looks its strings up through gettext's `_`, bound in each of its modules; `install()`
replaces that lookup with this table (and its `ngettext`, for the messages worded by number, with
PLURALS), so a drafter never meets an English "Usage:", "Error:" or "Did you mean".
Strings not in the table stay as click wrote them.
"""

from __future__ import annotations

import importlib

CATALOG = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: {command} {option}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Aborted!": "Đã dừng.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là tệp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "default: {default}": "mặc định: {default}",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
}

# Messages click words by number (gettext's ngettext): (singular, plural) → Vietnamese, which has
# one form; the plural's words are kept where they differ ("one of").
PLURALS = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Có phải ý bạn là {possibility}?",
        "(Có phải ý bạn là một trong: {possibilities}?)",
    ),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Thừa đối số ({args})",
        "Thừa đối số ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Cần {nargs} giá trị nhưng chỉ có 1.",
        "Cần {nargs} giá trị nhưng có {len}.",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tùy chọn {name!r} cần một giá trị.",
        "Tùy chọn {name!r} cần {nargs} giá trị.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} không phải {choice}.",
        "{value!r} không phải một trong {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} không đúng dạng {format}.",
        "{value!r} không đúng dạng nào trong {formats}.",
    ),
    ("{len_type} values are required, but {len_value} was given.", "{len_type} values are required, but {len_value} were given."): (
        "Cần {len_type} giá trị nhưng có {len_value}.",
        "Cần {len_type} giá trị nhưng có {len_value}.",
    ),
}

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils", "termui")


def translate(message: str) -> str:
    return CATALOG.get(message, message)


def translate_plural(singular: str, plural: str, count: int) -> str:
    forms = PLURALS.get((singular, plural))
    if forms is None:
        return singular if count == 1 else plural
    return forms[0] if count == 1 else forms[1]


def install() -> None:
    """Make click print its own messages in Vietnamese."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        for attribute, function in (("_", translate), ("ngettext", translate_plural)):
            if hasattr(module, attribute):
                setattr(module, attribute, function)
