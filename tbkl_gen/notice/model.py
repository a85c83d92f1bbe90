"""The notice: what a Thông báo kết luận holds, each field declared once.

Plain frozen dataclasses with no third-party import. Each field carries its rules, Vietnamese
description, label and example (`fields.spec`); the builder, the pydantic model that explains
mistakes, the JSON Schema and the allowed keys are derived from them. Layout, rendering and the
meaning checks read these objects; a later importer of Word files or a drafting page will
produce them.

The heading (`Header`), the recipients (`Recipients`) and the signature (`SignerBlock`) are parts
that another document type can be composed of; a source still writes their keys at the top level.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Union, get_args

from tbkl_gen.nd30.document_types import CONG_VAN, GIAY_MOI, THONG_BAO, DocumentType
from tbkl_gen.nd30.format import ADDRESSEE_HEAD, APPENDIX_REFERENCE_OPEN, ARCHIVE_WORD
from tbkl_gen.nd30.grammar import NUMBER
from tbkl_gen.nd30.words import DATE_PATTERN, FULL_DATE_PATTERN, date_parts
from tbkl_gen.notice import fields as declaration
from tbkl_gen.notice.fields import SourceKey, Spec, Unsure, spec
from tbkl_gen.nd30.patterns import lazy

SCHEMA_VERSION: Literal[1] = 1

YEAR_RANGE = (1945, 2100)

Urgency = Literal["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]
URGENCY_LEVELS: tuple[str, ...] = get_args(Urgency)

EXTEND_KEY = "noi_nhan_them"

DEFAULT_KIND = "thong_bao"
"""The kind of a source that says none (`loai:`): every source written before kinds existed."""


def parse_date(value: Any) -> Any:
    """Accept a YAML date, a year, or a date written as text (21/4/2026, 4/2026, 2026-04-21, 2026-04, 2026: `words.date_parts`)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return {"nam": value.year, "thang": value.month, "ngay": value.day}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"nam": value}
    if isinstance(value, str):
        parts = date_parts(value)
        if parts is None:
            return value
        year, month, day = parts
        return {"nam": year, "thang": month, "ngay": day}
    return value


@dataclass(frozen=True, kw_only=True)
class NgayThang:
    """Ngày ban hành, có thể chưa đủ ngày hoặc tháng khi còn là dự thảo."""

    nam: int = field(metadata=spec("Năm.", label="năm ban hành", example="nam: 2021", ge=YEAR_RANGE[0], le=YEAR_RANGE[1], stand_in=2000))
    thang: int | None = field(
        default=None, metadata=spec("Tháng; để trống khi dự thảo chưa biết tháng.", label="tháng ban hành", ge=1, le=12)
    )
    ngay: int | None = field(
        default=None,
        metadata=spec("Ngày; để trống khi dự thảo chưa biết ngày.", label="ngày ban hành (ngày trong tháng)", ge=1, le=31),
    )

    def as_date(self) -> dt.date | None:
        """Return the full date, or None while day or month is still blank."""
        if self.thang is None or self.ngay is None:
            return None
        return dt.date(self.nam, self.thang, self.ngay)


@dataclass(frozen=True, kw_only=True)
class CoQuan:
    """Cơ quan ban hành (ô 2) và cơ quan chủ quản nếu có."""

    chu_quan: str | None = field(
        default=None,
        metadata=spec('Dòng cơ quan chủ quản trực tiếp, không in đậm, ví dụ "UBND TỈNH LÀO CAI".', label="tên cơ quan chủ quản"),
    )
    ten: tuple[str, ...] = field(
        metadata=spec(
            'Tên cơ quan ban hành, mỗi dòng một dòng của tên, chữ in hoa, ví dụ "ỦY BAN NHÂN DÂN" rồi "TỈNH QUẢNG NAM".',
            label="tên cơ quan ban hành",
            example="ten: ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
            min_length=1,
            lines=True,
        )
    )
    viet_tat: str = field(
        metadata=spec(
            "Chữ viết tắt của cơ quan trong ký hiệu văn bản: UBND, VP, SCT, VPCP…",
            label="chữ viết tắt của cơ quan",
            example="viet_tat: UBND",
            min_length=1,
        )
    )
    ten_goi: str | None = field(
        default=None,
        metadata=spec(
            f'Tên cơ quan viết thường như trong câu, in ở cuối dòng “{APPENDIX_REFERENCE_OPEN} … của …)” của phụ lục: "Ủy ban nhân dân tỉnh Quảng Nam".',
            label="tên cơ quan viết thường",
            example="ten_goi: Ủy ban nhân dân tỉnh Quảng Nam",
        ),
    )


@dataclass(frozen=True, kw_only=True)
class NguoiKy:
    """Khối chữ ký (ô 7a, 7b)."""

    quyen_han: tuple[str, ...] = field(
        default=(),
        metadata=spec(
            'Các dòng quyền hạn ký, mỗi dòng một quyền hạn, ví dụ "TL. CHỦ TỊCH" rồi "KT. CHÁNH VĂN PHÒNG".',
            label="dòng quyền hạn ký",
            lines=True,
        ),
    )
    chuc_vu: str = field(
        metadata=spec(
            'Chức vụ của người ký, chữ in hoa: "PHÓ CHÁNH VĂN PHÒNG".',
            label="chức vụ người ký",
            example="chuc_vu: PHÓ CHÁNH VĂN PHÒNG",
            min_length=1,
        )
    )
    ho_ten: str = field(
        metadata=spec(
            'Họ và tên người ký, không kèm học hàm, học vị: "Võ Văn Viên".',
            label="họ tên người ký",
            example="ho_ten: Trần Thị Bình",
            min_length=1,
        )
    )


# A block is named by its first field: `- khoan: …` is a Khoan. A block holds blocks, so its
# `noi_dung` names the union defined after it; every other annotation is evaluated when read.


@dataclass(frozen=True, kw_only=True)
class Muc:
    """Mục (I., II., …): tiêu đề in hoa, đậm, rồi nội dung của mục."""

    muc: str = field(metadata=spec("Tiêu đề của mục; số La Mã do công cụ đánh.", label="tiêu đề mục", min_length=1))
    noi_dung: "tuple[Block, ...]" = field(default=(), metadata=spec("Các khối bên trong mục.", label="nội dung"))


@dataclass(frozen=True, kw_only=True)
class Khoan:
    """Khoản đánh số 1., 2., …: một đoạn, hoặc một tiêu đề đậm rồi các khối con."""

    khoan: str = field(metadata=spec("Nội dung (hoặc tiêu đề) của khoản; số thứ tự do công cụ đánh.", label="nội dung khoản", min_length=1))
    tieu_de: bool = field(
        default=False,
        metadata=spec("true: dòng đánh số là tiêu đề in đậm, nội dung nằm trong noi_dung.", label="đánh dấu tiêu đề khoản"),
    )
    noi_dung: "tuple[Block, ...]" = field(default=(), metadata=spec("Các đoạn, điểm, gạch đầu dòng thuộc khoản.", label="nội dung"))


@dataclass(frozen=True, kw_only=True)
class Diem:
    """Điểm a), b), c), d), đ), e)…"""

    diem: str = field(metadata=spec("Nội dung của điểm; chữ cái do công cụ đánh.", label="nội dung điểm", min_length=1))
    noi_dung: "tuple[Block, ...]" = field(default=(), metadata=spec("Các khối con của điểm.", label="nội dung"))


@dataclass(frozen=True, kw_only=True)
class Gach:
    """Gạch đầu dòng "- …"."""

    gach: str = field(metadata=spec("Nội dung của gạch đầu dòng.", label="nội dung gạch đầu dòng", min_length=1))
    noi_dung: "tuple[Block, ...]" = field(default=(), metadata=spec("Các khối con (thường là dấu cộng).", label="nội dung"))


@dataclass(frozen=True, kw_only=True)
class Cong:
    """Dấu cộng "+ …"."""

    cong: str = field(metadata=spec("Nội dung của dòng dấu cộng.", label="nội dung dòng dấu cộng", min_length=1))
    noi_dung: "tuple[Block, ...]" = field(default=(), metadata=spec("Các khối con.", label="nội dung"))


@dataclass(frozen=True, kw_only=True)
class O:
    """Một ô của bảng gộp nhiều cột hoặc nhiều hàng; ô thường chỉ cần viết chữ."""

    o: str = field(metadata=spec("Chữ trong ô (có thể dùng **đậm**, *nghiêng*).", label="chữ trong ô"))
    gop_cot: int = field(default=1, metadata=spec("Số cột ô này chiếm (gộp ngang), mặc định 1.", label="số cột gộp", ge=1, le=63))
    gop_hang: int = field(
        default=1,
        metadata=spec(
            "Số hàng ô này chiếm (gộp dọc), mặc định 1; các hàng bên dưới bỏ qua cột đã bị gộp.", label="số hàng gộp", ge=1, le=10_000
        ),
    )


Cell = Union[str, O]
"""A table cell: its text, or an `O` that spans columns or rows."""


@dataclass(frozen=True, kw_only=True)
class Bang:
    """Bảng: các hàng (hàng tiêu đề trước), mỗi hàng là danh sách ô."""

    bang: tuple[tuple[Cell, ...], ...] = field(
        metadata=spec(
            'Các hàng của bảng, hàng tiêu đề trước; mỗi hàng là danh sách ô: ["1", "Nội dung", "Sở Y tế", "Quý II"]. '
            "Ô gộp viết {o: …, gop_cot: 2} hoặc {o: …, gop_hang: 3}; hàng dưới ô gộp dọc bỏ qua cột đó.",
            label="các hàng của bảng",
            min_length=1,
        )
    )
    hang_tieu_de: int = field(
        default=1,
        metadata=spec(
            "Số hàng tiêu đề ở đầu bảng (in đậm, canh giữa, lặp lại ở đầu mỗi trang); 0 nếu bảng không có tiêu đề.",
            label="số hàng tiêu đề của bảng",
            ge=0,
        ),
    )
    do_rong: tuple[int, ...] = field(
        default=(),
        metadata=spec(
            "Độ rộng các cột theo tỉ lệ, ví dụ [1, 6, 3, 2]; mặc định chia đều. Bảng luôn rộng bằng khổ chữ.",
            label="tỉ lệ độ rộng cột",
        ),
    )
    do_rong_mm: tuple[int, ...] = field(
        default=(),
        metadata=spec(
            "Độ rộng các cột tính bằng mm, ví dụ [12, 80, 40, 28]; tổng không được vượt khổ chữ (160 mm ở mẫu có sẵn).",
            label="độ rộng cột (mm)",
        ),
    )


Block = Union[str, Muc, Khoan, Diem, Gach, Cong, Bang]
"""A paragraph (plain text), a numbered block holding blocks of its own, or a table."""

BLOCK_CLASSES: dict[str, type[Muc | Khoan | Diem | Gach | Cong | Bang]] = {
    dataclasses.fields(cls)[0].name: cls for cls in get_args(Block) if cls is not str
}
BLOCK_KEYS: tuple[str, ...] = tuple(BLOCK_CLASSES)


# --- a meeting: what an invitation announces and a conclusion notice reports -----------------------

# The meeting's time: a full date (10/4/2026, or 2026-04-10) and the clock (14:00, 14h00, 14g00),
# either first ("14:00 ngày 10/4/2026", "10/4/2026 14:00").
_CLOCK = r"(?P<hour>\d{1,2})[:hg](?P<minute>\d{2})(?::\d{2})?"
_MEETING_TIMES = (
    lazy(rf"^(?P<date>{FULL_DATE_PATTERN})[ T]{_CLOCK}$"),
    lazy(rf"(?i)^{_CLOCK},?\s+(?:ngày\s+)?(?P<date>{FULL_DATE_PATTERN})$"),
)


def parse_time(value: Any) -> Any:
    """Accept a YAML date-time or the text "10/4/2026 14:00" as the meeting's time, kept as that text."""
    if isinstance(value, dt.datetime):
        return f"{value.day}/{value.month}/{value.year} {value:%H:%M}"
    return value


def meeting_time(text: str) -> dt.datetime | None:
    """Return the meeting's date and time written "10/4/2026 14:00" (or "14:00 10/4/2026", "2026-04-10 14:00"), or None."""
    written = " ".join(text.split())
    match = next((found for pattern in _MEETING_TIMES if (found := pattern.match(written))), None)
    parts = date_parts(match["date"]) if match is not None else None
    if match is None or parts is None or parts[1] is None or parts[2] is None:
        return None
    try:
        return dt.datetime(parts[0], parts[1], parts[2], int(match["hour"]), int(match["minute"]))
    except ValueError:
        return None


@dataclass(frozen=True, kw_only=True)
class CuocHop:
    """Cuộc họp: người chủ trì, thời gian, địa điểm (giấy mời và thông báo kết luận cùng cuộc họp dùng chung)."""

    chu_tri: str | None = field(
        default=None,
        metadata=spec(
            "Người chủ trì: “Đồng chí Nguyễn Văn A, Phó Chủ tịch UBND tỉnh”.", label="người chủ trì", example="chu_tri: Đồng chí …"
        ),
    )
    thoi_gian: str | None = field(
        default=None,
        metadata=spec(
            "Ngày giờ họp: 10/4/2026 14:00 (in thành “14 giờ 00, ngày 10 tháng 4 năm 2026”), hoặc gõ nguyên văn.",
            label="thời gian họp",
            example="thoi_gian: 10/4/2026 14:00",
            parse=parse_time,
        ),
    )
    dia_diem: str | None = field(
        default=None, metadata=spec("Địa điểm họp: “Phòng họp số 2, UBND tỉnh”.", label="địa điểm họp", example="dia_diem: Phòng họp …")
    )

    def day(self) -> dt.date | None:
        """Return the day of the meeting, when its time is written as a date and time."""
        when = meeting_time(self.thoi_gian) if self.thoi_gian else None
        return when.date() if when is not None else None


SUMMARY_KEY = "trich_yeu"
"""The key of the summary every kind may have: printed under the title, or "V/v …" under the number."""
BODY_KEY = "noi_dung"
"""The key of the body's blocks; a kind's other own keys print through its `body`, and reach a template as `rieng`."""
MEETING_KEY = "cuoc_hop"
"""The meeting's facts in a source; written as the name of another source (`cuoc_hop: giay-moi.yaml`),
they are that source's, so that the invitation and the conclusion notice of a meeting share them."""
MEETING_SPEC = spec(
    "Cuộc họp: chu_tri, thoi_gian, dia_diem; hoặc tên tệp nguồn khác (giấy mời của cuộc họp) để dùng chung: cuoc_hop: giay-moi-16-4.yaml.",
    label="cuộc họp",
    example="cuoc_hop: giay-moi-16-4.yaml",
    json_schema={"anyOf": [{"type": "string", "pattern": r"\.ya?ml$"}, {"$ref": "#/$defs/CuocHop"}, {"type": "null"}]},
)


@dataclass(frozen=True, kw_only=True)
class PhuLuc:
    """Một phụ lục kèm theo văn bản (Nghị định 30, Phụ lục I, mục III.1)."""

    ten: str | None = field(
        default=None,
        metadata=spec(
            f"Tên phụ lục (in hoa, đậm); số phụ lục và dòng “{APPENDIX_REFERENCE_OPEN} …)” do công cụ tính.", label="tên phụ lục"
        ),
    )
    noi_dung: tuple[Block, ...] = field(
        metadata=spec("Nội dung phụ lục: đoạn văn, mục, khoản, điểm, gạch đầu dòng, bảng.", label="nội dung phụ lục", min_length=1)
    )


# --- parts a document is composed of ----------------------------------------------------------
# A part declares fields for documents to inherit; it is never made on its own, so it has no
# constructor, representation or comparison of its own (the document has them, for all fields).


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class Header:
    """The heading of a document: issuer, number and symbol, place and date, urgency (ô 2–4, 10)."""

    document_type: ClassVar[DocumentType]

    co_quan: CoQuan = field(metadata=spec("Cơ quan ban hành.", label="cơ quan ban hành"))
    so: str | None = field(
        default=None,
        metadata=spec(
            "Số văn bản; để trống khi là dự thảo (văn thư cấp số sau khi ký).",
            label="số văn bản",
            digits_as_text=True,
            # for editors: the decree's number grammar (validate checks the same, with its hint)
            json_schema={
                "type": ["string", "integer", "null"],
                "pattern": rf"^\s*(?:{NUMBER})\s*$",
                "patternErrorMessage": "số văn bản: chỉ gồm chữ số, ví dụ 28 hoặc 05; để trống khi là dự thảo",
            },
        ),
    )
    ky_hieu: str | None = field(
        default=None,
        metadata=spec(
            f'Ký hiệu; mặc định mã loại và chữ viết tắt của cơ quan: "{THONG_BAO.symbol("UBND")}", "{GIAY_MOI.symbol("UBND")}"; '
            f'công văn không có mã loại: "{CONG_VAN.symbol("UBND-KGVX")}".',
            label="ký hiệu văn bản",
        ),
    )
    dia_danh: str = field(
        metadata=spec('Địa danh nơi cơ quan đóng trụ sở: "Quảng Nam".', label="địa danh", example="dia_danh: Quảng Nam", min_length=1)
    )
    ngay: NgayThang = field(
        metadata=spec(
            "Ngày ban hành: 22/12/2021, hay 4/2026, 2026 khi dự thảo chưa có ngày.",
            label="ngày ban hành",
            example="ngay: 22/12/2021",
            parse=parse_date,
            json_schema={
                "anyOf": [
                    {"type": "string", "pattern": f"^(?:{DATE_PATTERN})$"},
                    {"type": "integer"},
                    {"$ref": "#/$defs/NgayThang"},
                ]
            },
        )
    )
    do_khan: Urgency | None = field(default=None, metadata=spec("Mức độ khẩn, nếu có.", label="mức độ khẩn"))

    @property
    def symbol(self) -> str:
        """Return the symbol after the number: given, or the type's code and the issuer's abbreviation."""
        return self.ky_hieu or self.document_type.symbol(self.co_quan.viet_tat)


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class Recipients:
    """Where the document goes (ô 9): "Kính gửi" under the summary (9a), the recipients and the archive line (9b)."""

    source_keys: ClassVar[tuple[SourceKey, ...]] = (
        SourceKey(
            EXTEND_KEY,
            tuple[str, ...],
            Spec("Nơi nhận thêm vào trước danh sách nơi nhận mặc định của tbkl.yaml.", label="nơi nhận thêm"),
        ),
    )
    """Read by the office defaults (`source.workspace`), which put these recipients first."""

    kinh_gui: tuple[str, ...] = field(
        default=(),
        metadata=spec(
            'Nơi nhận ở dòng "Kính gửi" dưới trích yếu (ô 9a): một nơi, hoặc danh sách mỗi nơi một mục; không gõ chữ '
            f'"{ADDRESSEE_HEAD}", dấu "-" đầu dòng hay ";", "." cuối dòng: công cụ tự thêm.',
            label="nơi nhận ở dòng Kính gửi",
            example="kinh_gui: Sở Tài chính",
            lines=True,
        ),
    )
    noi_nhan: tuple[str, ...] = field(
        default=(),
        metadata=spec('Nơi nhận, mỗi mục một dòng, không gõ dấu "-" đầu dòng và ";" cuối dòng.', label="nơi nhận"),
    )
    luu: str = field(
        metadata=spec(
            f'Dòng lưu, không có chữ "{ARCHIVE_WORD}": "VT, KGVX".',
            label="dòng lưu",
            example="luu: VT, KGVX",
            min_length=1,
            stand_in="VT, X",
        )
    )
    nguoi_soan: str | None = field(
        default=None,
        metadata=spec(
            'Ký hiệu người soạn thảo (ô 12), in sau đơn vị trong dòng lưu: tên "Sơn", mã có dấu chấm "PL." '
            'hoặc cả hai "NC.Châu"; dòng lưu in thành "VT, KGVX, Sơn".',
            label="ký hiệu người soạn thảo",
            example="nguoi_soan: Sơn",
        ),
    )
    so_ban: str | None = field(
        default=None,
        metadata=spec(
            'Số lượng bản phát hành (ô 12), chữ số Ả-rập, in trong ngoặc sau người soạn thảo: "VT, KGVX, PL.(300)".',
            label="số lượng bản",
            example="so_ban: 300",
            digits_as_text=True,
        ),
    )


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class SignerBlock:
    """Who signs (ô 7): authority, position and name."""

    nguoi_ky: NguoiKy = field(metadata=spec("Người ký.", label="khối người ký"))


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class Settings:
    """What every source may say about itself: its kind, the format's version, the template, the style of sections."""

    loai: str = field(
        default=DEFAULT_KIND,
        metadata=spec(
            "Loại văn bản: thong_bao (thông báo, mặc định), cong_van (công văn) hoặc giay_moi (giấy mời).",
            label="loại văn bản",
            example="loai: cong_van",
        ),
    )
    phien_ban: Literal[1] = field(
        default=SCHEMA_VERSION, metadata=spec("Phiên bản định dạng tệp nguồn; hiện là 1.", label="phiên bản định dạng tệp")
    )
    mau: str | None = field(
        default=None,
        metadata=spec("Tên mẫu Word dùng để in; mặc định lấy từ tbkl.yaml hoặc mẫu chuẩn.", label="tên mẫu Word"),
    )
    muc_in_hoa: bool = field(
        default=True,
        metadata=spec(
            "Tiêu đề mục (I., II., …) in hoa toàn bộ như mẫu của Nghị định 30 (mặc định); "
            'false: in đậm đúng như đã gõ, ví dụ "I. Đánh giá chung". Thường ghi một lần trong tbkl.yaml.',
            label="cách in tiêu đề mục",
            example="muc_in_hoa: false",
        ),
    )


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class Appendices:
    """The appendices a document carries, each on new pages after the signature (Nghị định 30, Phụ lục I, mục III.1)."""

    phu_luc: tuple[PhuLuc, ...] = field(
        default=(),
        metadata=spec(
            f"Các phụ lục kèm theo, mỗi phụ lục một trang mới; số phụ lục (I, II, …) và dòng “{APPENDIX_REFERENCE_OPEN} Thông báo số … ngày …)” "
            "(Công văn, Giấy mời: tên loại của văn bản) do công cụ tính từ số, ký hiệu và ngày của văn bản.",
            label="phụ lục",
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Notice(Settings, Header, Recipients, SignerBlock, Appendices):
    """Một thông báo kết luận theo Nghị định 30/2020/NĐ-CP."""

    document_type: ClassVar[DocumentType] = THONG_BAO
    source_order: ClassVar[tuple[str, ...]] = (
        "loai", "phien_ban", "mau", "muc_in_hoa", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "ngay_hop", "cuoc_hop", "do_khan",
        "trich_yeu", "kinh_gui", "noi_dung", "phu_luc", "noi_nhan", "luu", "nguoi_soan", "so_ban", "nguoi_ky",
    )  # fmt: skip
    """The order of the keys in the schema and in messages: the order a source is written in."""

    ngay_hop: dt.date | None = field(
        default=None,
        metadata=spec(
            "Ngày họp: 16/4/2026; để kiểm tra ngày ban hành không sớm hơn ngày họp.",
            label="ngày họp",
            example="ngay_hop: 16/4/2026",
            json_schema={"anyOf": [{"type": "string", "pattern": f"^(?:{FULL_DATE_PATTERN})$"}, {"type": "null"}]},
        ),
    )
    cuoc_hop: CuocHop | None = field(default=None, metadata=MEETING_SPEC)
    trich_yeu: str = field(
        metadata=spec(
            'Trích yếu: "Kết luận của đồng chí … tại …"; tự xuống dòng theo khổ giấy. Muốn ngắt dòng ở chỗ '
            'mình chọn, viết "trich_yeu: |" rồi mỗi dòng in một dòng.',
            label="trích yếu",
            example="trich_yeu: Kết luận của đồng chí …",
            min_length=1,
        )
    )
    noi_dung: tuple[Block, ...] = field(
        metadata=spec("Nội dung: các đoạn văn, mục, khoản, điểm, gạch đầu dòng, bảng.", label="nội dung", min_length=1)
    )


ALL_KEYS: frozenset[str] = frozenset(key.name for cls in declaration.classes_under(Notice) for key in declaration.declared(cls))
"""Every key a notice source may hold, at any depth."""


def from_data(data: Any, document: type = Notice) -> Any:
    """Return the document (a `Notice` unless another kind's model is given) for data that plainly
    follows its declaration, else None (pydantic decides)."""
    try:
        return declaration.build(document, data)
    except (Unsure, RecursionError):
        return None
