"""The notice object: what every step after validation reads, whoever made it.

Plain frozen dataclasses with no third-party import. Layout, rendering and the meaning checks
read these; a later importer of Word files or a drafting page will produce them. The rules a
source must follow (types, required keys, limits) and their JSON Schema live in `model`, which
builds on pydantic.

`from_data` builds a notice straight from source data that follows those rules, without
importing pydantic (whose import and set-up cost more than the rest of a one-notice run). It
answers None as soon as anything is unusual; `model` then validates the data and explains the
mistake. Tests hold the two to the same result on every example, the hostile corpus and
generated notices.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Union

from tbkl_gen.notice.vocabulary import BLOCK_KEYS, SCHEMA_VERSION, URGENCY_LEVELS

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")

YEAR_RANGE = (1945, 2100)


def parse_date(value: Any) -> Any:
    """Accept a YAML date, a year, or the text YYYY, YYYY-MM or YYYY-MM-DD as date fields."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return {"nam": value.year, "thang": value.month, "ngay": value.day}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"nam": value}
    if isinstance(value, str):
        match = _DATE_RE.match(value.strip())
        if match is None:
            return value
        year, month, day = (int(g) if g else None for g in match.groups())
        return {"nam": year, "thang": month, "ngay": day}
    return value


@dataclass(frozen=True, kw_only=True)
class NgayThang:
    """A date of issue; month and day may still be blank on a draft."""

    nam: int
    thang: int | None = None
    ngay: int | None = None

    def as_date(self) -> dt.date | None:
        """Return the full date, or None while day or month is still blank."""
        if self.thang is None or self.ngay is None:
            return None
        return dt.date(self.nam, self.thang, self.ngay)


@dataclass(frozen=True, kw_only=True)
class CoQuan:
    ten: tuple[str, ...]
    viet_tat: str
    chu_quan: str | None = None


@dataclass(frozen=True, kw_only=True)
class NguoiKy:
    chuc_vu: str
    ho_ten: str
    quyen_han: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Muc:
    muc: str
    noi_dung: tuple[Block, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Khoan:
    khoan: str
    tieu_de: bool = False
    noi_dung: tuple[Block, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Diem:
    diem: str
    noi_dung: tuple[Block, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Gach:
    gach: str
    noi_dung: tuple[Block, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Cong:
    cong: str
    noi_dung: tuple[Block, ...] = ()


Block = Union[str, Muc, Khoan, Diem, Gach, Cong]
"""A paragraph (plain text) or a numbered block holding blocks of its own."""

BLOCK_CLASSES: dict[str, type] = {"muc": Muc, "khoan": Khoan, "diem": Diem, "gach": Gach, "cong": Cong}


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One Thông báo kết luận; the field meanings are documented in `model`."""

    co_quan: CoQuan
    dia_danh: str
    ngay: NgayThang
    trich_yeu: str
    noi_dung: tuple[Block, ...]
    luu: str
    nguoi_ky: NguoiKy
    phien_ban: int = SCHEMA_VERSION
    mau: str | None = None
    so: str | None = None
    ky_hieu: str | None = None
    ngay_hop: dt.date | None = None
    do_khan: str | None = None
    noi_nhan: tuple[str, ...] = ()

    @property
    def symbol(self) -> str:
        """Return the symbol after the number: given, or TB- and the issuer's abbreviation."""
        return self.ky_hieu or f"TB-{self.co_quan.viet_tat}"


# ---------------------------------------------------------------------------------------------
# from_data: the model's rules for well-formed data, without pydantic. Every check mirrors a
# declaration in `model`; anything it is not sure of is refused, never guessed.


class _Unsure(Exception):
    """The data is not plainly valid: the model decides and explains."""


def from_data(data: Any) -> Notice | None:
    """Return the notice for data that plainly follows the model's rules, else None."""
    try:
        return _notice(data)
    except (_Unsure, RecursionError):
        return None


def _fields(value: Any, required: frozenset[str], allowed: frozenset[str]) -> dict[str, Any]:
    if type(value) is not dict or not required <= value.keys() or not value.keys() <= allowed:
        raise _Unsure
    return value


def _text(value: Any) -> str:
    """A required text: a non-empty string (`Field(min_length=1)`)."""
    if type(value) is not str or not value:
        raise _Unsure
    return value


def _optional_text(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise _Unsure
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if type(value) is not list or any(type(item) is not str for item in value):
        raise _Unsure
    return tuple(value)


def _lines(value: Any) -> tuple[str, ...]:
    """`model.Lines`: a list of strings, or one string standing for a list of one."""
    return (value,) if type(value) is str else _strings(value)


def _number(value: Any, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise _Unsure
    return value


_DATE_KEYS = frozenset({"nam", "thang", "ngay"})


def _date(value: Any) -> NgayThang:
    fields = _fields(parse_date(value), frozenset({"nam"}), _DATE_KEYS)
    month, day = fields.get("thang"), fields.get("ngay")
    return NgayThang(
        nam=_number(fields["nam"], *YEAR_RANGE),
        thang=None if month is None else _number(month, 1, 12),
        ngay=None if day is None else _number(day, 1, 31),
    )


def _blocks(value: Any) -> tuple[Block, ...]:
    if type(value) is not list:
        raise _Unsure
    return tuple(_block(item) for item in value)


def _block(value: Any) -> Block:
    if type(value) is str:
        return value
    if type(value) is not dict:
        raise _Unsure
    kinds = [key for key in BLOCK_KEYS if key in value]
    if len(kinds) != 1:
        raise _Unsure
    kind = kinds[0]
    _fields(value, frozenset(), _BLOCK_FIELDS[kind])
    extra = {}
    if kind == "khoan" and "tieu_de" in value:
        if type(value["tieu_de"]) is not bool:
            raise _Unsure
        extra["tieu_de"] = value["tieu_de"]
    children = _blocks(value["noi_dung"]) if "noi_dung" in value else ()
    return BLOCK_CLASSES[kind](**{kind: _text(value[kind])}, noi_dung=children, **extra)


_BLOCK_FIELDS = {kind: frozenset({kind, "noi_dung"}) for kind in BLOCK_KEYS} | {"khoan": frozenset({"khoan", "tieu_de", "noi_dung"})}
_CO_QUAN_KEYS = frozenset({"chu_quan", "ten", "viet_tat"})
_NGUOI_KY_KEYS = frozenset({"quyen_han", "chuc_vu", "ho_ten"})
_NOTICE_REQUIRED = frozenset({"co_quan", "dia_danh", "ngay", "trich_yeu", "noi_dung", "luu", "nguoi_ky"})
_NOTICE_KEYS = _NOTICE_REQUIRED | {"phien_ban", "mau", "so", "ky_hieu", "ngay_hop", "do_khan", "noi_nhan"}


def _co_quan(value: Any) -> CoQuan:
    fields = _fields(value, frozenset({"ten", "viet_tat"}), _CO_QUAN_KEYS)
    names = _lines(fields["ten"])
    if not names:
        raise _Unsure
    return CoQuan(ten=names, viet_tat=_text(fields["viet_tat"]), chu_quan=_optional_text(fields.get("chu_quan")))


def _nguoi_ky(value: Any) -> NguoiKy:
    fields = _fields(value, frozenset({"chuc_vu", "ho_ten"}), _NGUOI_KY_KEYS)
    return NguoiKy(
        chuc_vu=_text(fields["chuc_vu"]),
        ho_ten=_text(fields["ho_ten"]),
        quyen_han=_lines(fields["quyen_han"]) if "quyen_han" in fields else (),
    )


def _notice(value: Any) -> Notice:
    fields = _fields(value, _NOTICE_REQUIRED, _NOTICE_KEYS)
    version = fields.get("phien_ban", SCHEMA_VERSION)
    if type(version) is not int or version != SCHEMA_VERSION:
        raise _Unsure
    meeting = fields.get("ngay_hop")
    if meeting is not None and type(meeting) is not dt.date:
        raise _Unsure
    urgency = fields.get("do_khan")
    if urgency is not None and (type(urgency) is not str or urgency not in URGENCY_LEVELS):
        raise _Unsure
    body = _blocks(fields["noi_dung"])
    if not body:
        raise _Unsure
    return Notice(
        co_quan=_co_quan(fields["co_quan"]),
        dia_danh=_text(fields["dia_danh"]),
        ngay=_date(fields["ngay"]),
        trich_yeu=_text(fields["trich_yeu"]),
        noi_dung=body,
        luu=_text(fields["luu"]),
        nguoi_ky=_nguoi_ky(fields["nguoi_ky"]),
        phien_ban=version,
        mau=_optional_text(fields.get("mau")),
        so=_optional_text(fields.get("so")),
        ky_hieu=_optional_text(fields.get("ky_hieu")),
        ngay_hop=meeting,
        do_khan=urgency,
        noi_nhan=_strings(fields["noi_nhan"]) if "noi_nhan" in fields else (),
    )
