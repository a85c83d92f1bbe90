"""The rules of a notice source: types, required keys, limits, and their JSON Schema (pydantic).

Field names are the Vietnamese domain words of the YAML source and of the Word template, so one
vocabulary runs from the source file to the rendered document. Field docstrings are shown to
drafters (JSON Schema descriptions in their editor), hence in Vietnamese. Nothing here reads files.

A validated model becomes the plain notice object of `notice` through `to_notice`; that object
is what the rest of the pipeline reads. Well-formed sources skip pydantic altogether
(`notice.from_data`), so this module is imported only to explain a mistake or to write the schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, field_validator

from tbkl_gen.notice import model as plain
from tbkl_gen.notice.model import YEAR_RANGE, parse_date
from tbkl_gen.notice.vocabulary import BLOCK_KEYS, SCHEMA_VERSION, URGENCY_LEVELS  # noqa: F401 - re-exported


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


class NgayThang(_Strict):
    """Ngày ban hành, có thể chưa đủ ngày hoặc tháng khi còn là dự thảo."""

    nam: int = Field(ge=YEAR_RANGE[0], le=YEAR_RANGE[1])
    """Năm."""
    thang: int | None = Field(default=None, ge=1, le=12)
    """Tháng; để trống khi dự thảo chưa biết tháng."""
    ngay: int | None = Field(default=None, ge=1, le=31)
    """Ngày; để trống khi dự thảo chưa biết ngày."""


def _as_list(value: Any) -> Any:
    """Accept one line written as a string where a list of lines is expected."""
    return [value] if isinstance(value, str) else value


Lines = Annotated[list[str], BeforeValidator(_as_list)]
"""Printed lines; a single line may be written as a plain string."""


class CoQuan(_Strict):
    """Cơ quan ban hành (ô 2) và cơ quan chủ quản nếu có."""

    chu_quan: str | None = None
    """Dòng cơ quan chủ quản trực tiếp, không in đậm, ví dụ "UBND TỈNH LÀO CAI"."""
    ten: Lines = Field(min_length=1)
    """Tên cơ quan ban hành theo từng dòng, chữ in hoa, ví dụ ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"]."""
    viet_tat: str = Field(min_length=1)
    """Chữ viết tắt của cơ quan trong ký hiệu văn bản: UBND, VP, SCT, VPCP…"""


class NguoiKy(_Strict):
    """Khối chữ ký (ô 7a, 7b)."""

    quyen_han: Lines = Field(default_factory=list)
    """Các dòng quyền hạn ký, mỗi dòng một chuỗi: ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"]."""
    chuc_vu: str = Field(min_length=1)
    """Chức vụ của người ký, chữ in hoa: "PHÓ CHÁNH VĂN PHÒNG"."""
    ho_ten: str = Field(min_length=1)
    """Họ và tên người ký, không kèm học hàm, học vị: "Võ Văn Viên"."""


class Muc(_Strict):
    """Mục (I., II., …): tiêu đề in hoa, đậm, rồi nội dung của mục."""

    muc: str = Field(min_length=1)
    """Tiêu đề của mục; số La Mã do công cụ đánh."""
    noi_dung: list[Block] = Field(default_factory=list)
    """Các khối bên trong mục."""


class Khoan(_Strict):
    """Khoản đánh số 1., 2., …: một đoạn, hoặc một tiêu đề đậm rồi các khối con."""

    khoan: str = Field(min_length=1)
    """Nội dung (hoặc tiêu đề) của khoản; số thứ tự do công cụ đánh."""
    tieu_de: bool = False
    """true: dòng đánh số là tiêu đề in đậm, nội dung nằm trong noi_dung."""
    noi_dung: list[Block] = Field(default_factory=list)
    """Các đoạn, điểm, gạch đầu dòng thuộc khoản."""


class Diem(_Strict):
    """Điểm a), b), c), d), đ), e)…"""

    diem: str = Field(min_length=1)
    """Nội dung của điểm; chữ cái do công cụ đánh."""
    noi_dung: list[Block] = Field(default_factory=list)
    """Các khối con của điểm."""


class Gach(_Strict):
    """Gạch đầu dòng "- …"."""

    gach: str = Field(min_length=1)
    """Nội dung của gạch đầu dòng."""
    noi_dung: list[Block] = Field(default_factory=list)
    """Các khối con (thường là dấu cộng)."""


class Cong(_Strict):
    """Dấu cộng "+ …"."""

    cong: str = Field(min_length=1)
    """Nội dung của dòng dấu cộng."""
    noi_dung: list[Block] = Field(default_factory=list)
    """Các khối con."""


def _block_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "doan"
    if isinstance(value, dict):
        present = [key for key in BLOCK_KEYS if key in value]
        return present[0] if len(present) == 1 else None
    if isinstance(value, BaseModel):
        return next((key for key in BLOCK_KEYS if hasattr(value, key)), None)
    return None


Block = Annotated[
    Union[
        Annotated[str, Tag("doan")],
        Annotated[Muc, Tag("muc")],
        Annotated[Khoan, Tag("khoan")],
        Annotated[Diem, Tag("diem")],
        Annotated[Gach, Tag("gach")],
        Annotated[Cong, Tag("cong")],
    ],
    Discriminator(_block_kind),
]


class Notice(_Strict):
    """Một thông báo kết luận theo Nghị định 30/2020/NĐ-CP."""

    phien_ban: Literal[1] = SCHEMA_VERSION
    """Phiên bản định dạng tệp nguồn; hiện là 1."""
    mau: str | None = None
    """Tên mẫu Word dùng để in; mặc định lấy từ tbkl.yaml hoặc mẫu chuẩn."""
    co_quan: CoQuan
    """Cơ quan ban hành."""
    so: str | None = None
    """Số văn bản; để trống khi là dự thảo (văn thư cấp số sau khi ký)."""
    ky_hieu: str | None = None
    """Ký hiệu; mặc định "TB-" + chữ viết tắt của cơ quan."""
    dia_danh: str = Field(min_length=1)
    """Địa danh nơi cơ quan đóng trụ sở: "Quảng Nam"."""
    ngay: Annotated[NgayThang, Field()]
    """Ngày ban hành: 2021-12-22, hoặc "2026-04" hay 2026 khi dự thảo chưa có ngày."""
    ngay_hop: dt.date | None = None
    """Ngày họp (để kiểm tra ngày ban hành không sớm hơn ngày họp)."""
    do_khan: Literal["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"] | None = None
    """Mức độ khẩn, nếu có."""
    trich_yeu: str = Field(min_length=1)
    """Trích yếu: "Kết luận của đồng chí … tại …"."""
    noi_dung: list[Block] = Field(min_length=1)
    """Nội dung: các đoạn văn, mục, khoản, điểm, gạch đầu dòng."""
    noi_nhan: list[str] = Field(default_factory=list)
    """Nơi nhận, mỗi mục một dòng, không gõ dấu "-" đầu dòng và ";" cuối dòng."""
    luu: str = Field(min_length=1)
    """Dòng lưu, không có chữ "Lưu:": "VT, KGVX"."""
    nguoi_ky: NguoiKy
    """Người ký."""

    @field_validator("ngay", mode="before")
    @classmethod
    def _parse_ngay(cls, value: Any) -> Any:
        return parse_date(value)


for _model in (Muc, Khoan, Diem, Gach, Cong):
    _model.model_rebuild()


def to_notice(value: Any) -> Any:
    """Return the plain notice object (`notice.Notice`) for a validated model, recursively."""
    if isinstance(value, BaseModel):
        plain_class = getattr(plain, type(value).__name__)
        return plain_class(**{name: to_notice(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return tuple(to_notice(item) for item in value)
    return value
