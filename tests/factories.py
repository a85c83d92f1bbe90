"""Valid notice sources for tests, so that each test changes only the field it is about.

`notice_yaml()` returns the text of a valid notice whose lines never move: changing one scalar
for another keeps every line number, which lets a test pin the exact `file:line:col` of a
message. The default text, with its line numbers:

     1  phien_ban: 1
     2  co_quan:
     3    ten:
     4      - ỦY BAN NHÂN DÂN
     5      - TỈNH QUẢNG NAM
     6    viet_tat: UBND
     7  so: '28'
     8  dia_danh: Quảng Nam
     9  ngay: 2021-12-24
    10  ngay_hop: 2021-12-22
    11  trich_yeu: Kết luận của đồng chí Hồ Quang Bửu, Phó Chủ tịch UBND tỉnh tại Hội nghị
    12  noi_dung:
    13    - Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị.
    14    - khoan: Các Sở, ngành tiếp tục tuyên truyền về công tác đối ngoại.
    15    - khoan: Sở Thông tin và Truyền thông chủ trì xây dựng Đề án.
    16  noi_nhan:
    17    - CT, các PCT UBND tỉnh
    18    - Các Sở, Ban, ngành
    19  luu: VT, KGVX
    20  nguoi_ky:
    21    quyen_han:
    22      - TL. CHỦ TỊCH
    23      - KT. CHÁNH VĂN PHÒNG
    24    chuc_vu: PHÓ CHÁNH VĂN PHÒNG
    25    ho_ten: Võ Văn Viên

Overrides are keywords: `so=Raw("012")` writes the YAML text as typed, `nguoi_ky__ho_ten="…"`
reaches into a mapping, `ngay_hop=DROP` removes a key, and a key the notice does not have is
added at the end of its mapping.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Raw:
    """YAML text written exactly as given, for the traps a drafter types (`so: 012`)."""

    text: str


DROP = object()
"""An override that removes the key."""

SAMPLE: dict[str, Any] = {
    "phien_ban": 1,
    "co_quan": {"ten": ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"], "viet_tat": "UBND"},
    "so": "28",
    "dia_danh": "Quảng Nam",
    "ngay": dt.date(2021, 12, 24),
    "ngay_hop": dt.date(2021, 12, 22),
    "trich_yeu": "Kết luận của đồng chí Hồ Quang Bửu, Phó Chủ tịch UBND tỉnh tại Hội nghị",
    "noi_dung": [
        "Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị.",
        {"khoan": "Các Sở, ngành tiếp tục tuyên truyền về công tác đối ngoại."},
        {"khoan": "Sở Thông tin và Truyền thông chủ trì xây dựng Đề án."},
    ],
    "noi_nhan": ["CT, các PCT UBND tỉnh", "Các Sở, Ban, ngành"],
    "luu": "VT, KGVX",
    "nguoi_ky": {
        "quyen_han": ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"],
        "chuc_vu": "PHÓ CHÁNH VĂN PHÒNG",
        "ho_ten": "Võ Văn Viên",
    },
}


def notice_data(**overrides: Any) -> dict[str, Any]:
    """Return the sample notice as data with overrides applied (see the module docstring)."""
    data = copy.deepcopy(SAMPLE)
    for name, value in overrides.items():
        *parents, key = name.split("__")
        target = data
        for part in parents:
            target = target[int(part) - 1] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            index = int(key) - 1
            if value is DROP:
                del target[index]
            else:
                target[index] = value
        elif value is DROP:
            target.pop(key, None)
        else:
            target[key] = value
    return data


def notice_yaml(template: str | None = None, **overrides: Any) -> str:
    """Return valid notice YAML, or template dedented; overrides change single fields."""
    if template is not None:
        if overrides:
            raise TypeError("give a template or overrides, not both")
        return textwrap.dedent(template).lstrip("\n")
    return dump(notice_data(**overrides))


def write_notice(folder: Path, name: str = "a.yaml", text: str | bytes | None = None, **overrides: Any) -> Path:
    """Write a notice (the sample with overrides, or text) into folder and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body = notice_yaml(**overrides) if text is None else text
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def dump(data: dict[str, Any]) -> str:
    """Return data as block YAML, one scalar a line, in the order of its keys."""
    return "".join(_lines(data, 0))


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{key}:\n")
                out.extend(_lines(item, indent + 2))
            else:
                out.append(f"{pad}{key}: {_scalar(item)}\n".replace(": \n", ":\n"))
        return out
    for item in value:
        if isinstance(item, dict) and item:
            first, *rest = _lines(item, indent + 2)
            out.append(f"{pad}- {first[indent + 2 :]}")
            out.extend(rest)
        elif isinstance(item, list) and item:
            out.append(f"{pad}-\n")
            out.extend(_lines(item, indent + 2))
        else:
            out.append(f"{pad}- {_scalar(item)}\n")
    return out


def _scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return "{}" if isinstance(value, dict) else "[]"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(value, allow_unicode=True, width=10**6).removesuffix("\n")
    text = text.removesuffix("\n...")
    if isinstance(value, str) and _UNSAFE.search(text):
        return double_quoted(value)  # keep every value on its own line, so line numbers never move
    return text


# Characters YAML reads as line breaks or refuses raw in a file; written as escapes instead.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def double_quoted(text: str) -> str:
    """Return text as a one-line YAML double-quoted scalar, escaping what a file cannot hold."""
    out = []
    for character in text:
        if character in '\\"':
            out.append("\\" + character)
        elif _UNSAFE.match(character) or character == "\t":
            out.append(f"\\u{ord(character):04X}")
        else:
            out.append(character)
    return '"' + "".join(out) + '"'
