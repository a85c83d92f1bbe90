"""The kind Giấy mời: an invitation to a meeting, titled GIẤY MỜI, with the meeting as numbered items.

The decree gives the invitation the shared header, number ("Số: 15/GM-UBND"), place and date,
recipients and signer block, and its type name GIẤY MỜI with the code GM (Phụ lục III). What
follows the title is an office's practice: an optional summary and "Kính gửi", an opening
paragraph ("Thực hiện …"), then the meeting — who chairs (Chủ trì), who is invited (Thành phần
mời), what for (Nội dung), when (Thời gian: "14 giờ 00, ngày …"), where (Địa điểm), who prepares
what (Phân công chuẩn bị) — as numbered items or labelled paragraphs, and recipients that start
"Như thành phần mời;". The meeting's facts (`cuoc_hop`: chair, time, place) are the ones a
Thông báo kết luận of the same meeting reports.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tbkl_gen.nd30 import document_types
from tbkl_gen.nd30.document_types import DocumentType
from tbkl_gen.nd30 import words as vn
from tbkl_gen.notice.fields import spec
from tbkl_gen.notice.kind import Finding, Kind
from tbkl_gen.notice.model import MEETING_SPEC, Block, CuocHop, Gach, Header, Khoan, Recipients, Settings, SignerBlock, meeting_time

FIRST_RECIPIENT = "Như thành phần mời"

CHAIR, INVITED, CONTENT, TIME, PLACE, PREPARE = "Chủ trì", "Thành phần mời", "Nội dung", "Thời gian", "Địa điểm", "Phân công chuẩn bị"
"""The labels of the meeting's items, in the order they print; each prints followed by ":"."""


def time_text(text: str) -> str:
    """Return the meeting's time as an invitation prints it: "14 giờ 00, ngày 10 tháng 4 năm 2026"."""
    when = meeting_time(text)
    if when is None:
        return text.strip()
    return f"{when.hour} giờ {when.minute:02d}, ngày {vn.day_text(when.day)} tháng {vn.month_text(when.month)} năm {when.year}"


@dataclass(frozen=True, kw_only=True)
class GiayMoi(Settings, Header, Recipients, SignerBlock):
    """Một giấy mời họp theo Nghị định 30/2020/NĐ-CP."""

    document_type: ClassVar[DocumentType] = document_types.GIAY_MOI
    source_order: ClassVar[tuple[str, ...]] = (
        "loai", "phien_ban", "mau", "muc_in_hoa", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "do_khan",
        "trich_yeu", "kinh_gui", "mo_dau", "cuoc_hop", "thanh_phan", "noi_dung_hop", "phan_cong", "danh_so", "noi_dung",
        "noi_nhan", "luu", "nguoi_soan", "so_ban", "nguoi_ky",
    )  # fmt: skip

    trich_yeu: str | None = field(
        default=None,
        metadata=spec("Trích yếu in đậm dưới chữ GIẤY MỜI, nếu có: “Dự họp nghe báo cáo …”.", label="trích yếu giấy mời"),
    )
    mo_dau: str | None = field(
        default=None,
        metadata=spec(
            "Đoạn mở đầu: “Thực hiện Chương trình công tác …, Ủy ban nhân dân tỉnh tổ chức họp …, cụ thể như sau:”.",
            label="đoạn mở đầu",
            example="mo_dau: Thực hiện …",
        ),
    )
    cuoc_hop: CuocHop | None = field(default=None, metadata=MEETING_SPEC)
    thanh_phan: tuple[str, ...] = field(
        default=(),
        metadata=spec("Thành phần mời, mỗi mục một dòng.", label="thành phần mời", example="thanh_phan: [Giám đốc Sở …]", lines=True),
    )
    noi_dung_hop: tuple[str, ...] = field(
        default=(), metadata=spec("Nội dung cuộc họp: một dòng, hoặc danh sách.", label="nội dung cuộc họp", lines=True)
    )
    phan_cong: tuple[str, ...] = field(
        default=(), metadata=spec("Phân công chuẩn bị: ai chuẩn bị gì, mỗi mục một dòng.", label="phân công chuẩn bị", lines=True)
    )
    danh_so: bool = field(
        default=True,
        metadata=spec(
            "true (mặc định): các mục của cuộc họp đánh số 1., 2., …; false: mỗi mục một đoạn “Chủ trì: …”.",
            label="đánh số các mục cuộc họp",
            example="danh_so: false",
        ),
    )
    noi_dung: tuple[Block, ...] = field(
        default=(),
        metadata=spec(
            "Các đoạn sau phần cuộc họp (hoặc cả nội dung khi không tách theo mục): đoạn, khoản, gạch đầu dòng.", label="nội dung"
        ),
    )


def _meeting_items(invitation: GiayMoi) -> list[tuple[str, tuple[str, ...]]]:
    meeting = invitation.cuoc_hop or CuocHop()
    items = [
        (CHAIR, (meeting.chu_tri,) if meeting.chu_tri else ()),
        (INVITED, invitation.thanh_phan),
        (CONTENT, invitation.noi_dung_hop),
        (TIME, (time_text(meeting.thoi_gian),) if meeting.thoi_gian else ()),
        (PLACE, (meeting.dia_diem,) if meeting.dia_diem else ()),
        (PREPARE, invitation.phan_cong),
    ]
    return [(label, values) for label, values in items if values]


def body(invitation: Any) -> tuple[Any, ...]:
    """Return the invitation's body as shared blocks: the opening, the meeting's items, the rest."""
    blocks: list[Any] = [invitation.mo_dau] if invitation.mo_dau else []
    for label, values in _meeting_items(invitation):
        if len(values) == 1:
            line = f"**{label}:** {values[0].strip()}"
            blocks.append(Khoan(khoan=line) if invitation.danh_so else line)
        else:
            items = tuple(Gach(gach=value) for value in values)
            blocks.append(Khoan(khoan=f"{label}:", tieu_de=True, noi_dung=items) if invitation.danh_so else f"**{label}:**")
            if not invitation.danh_so:
                blocks.extend(items)
    blocks.extend(invitation.noi_dung)
    return tuple(blocks)


def _checks(invitation: Any) -> Iterator[Finding]:
    meeting = invitation.cuoc_hop
    if meeting is not None and meeting.thoi_gian and meeting_time(meeting.thoi_gian) is None and re.match(r"^\d{4}-", meeting.thoi_gian):
        yield Finding(
            ("cuoc_hop", "thoi_gian"),
            f"thời gian họp “{meeting.thoi_gian}” không đúng dạng",
            "viết năm-tháng-ngày giờ:phút, ví dụ thoi_gian: 2026-04-10 14:00",
            code="date",
        )
    day = meeting.day() if meeting is not None else None
    issued = invitation.ngay.as_date()
    if day is not None and issued is not None and issued > day:
        yield Finding(
            ("ngay",),
            f"giấy mời ban hành ngày {issued:%d/%m/%Y}, sau ngày họp {day:%d/%m/%Y}",
            "giấy mời ban hành trước cuộc họp; kiểm tra lại ngay và cuoc_hop.thoi_gian",
            code="date_order",
        )
    if not invitation.noi_dung and not _meeting_items(invitation) and not invitation.mo_dau:
        yield Finding(("noi_dung",), "giấy mời chưa có nội dung", "viết mo_dau, cuoc_hop, thanh_phan, hoặc noi_dung", code="empty")
    if invitation.thanh_phan and invitation.noi_nhan and invitation.noi_nhan[0].strip().rstrip(";") != FIRST_RECIPIENT:
        yield Finding(
            ("noi_nhan", 0),
            f"nơi nhận của giấy mời thường bắt đầu bằng “{FIRST_RECIPIENT}”",
            f"thêm “{FIRST_RECIPIENT}” làm dòng đầu của noi_nhan",
            error=False,
            code="first_recipient",
        )


GIAY_MOI = Kind(
    key="giay_moi",
    model=GiayMoi,
    summary="title",
    summary_required=False,
    body=body,
    checks=_checks,
    first_recipient=FIRST_RECIPIENT,
    title_key="noi_dung_hop",
    sample={
        "mo_dau": "Thực hiện Chương trình công tác …, Ủy ban nhân dân tỉnh tổ chức cuộc họp …, cụ thể như sau:",
        "cuoc_hop": {"chu_tri": "Đồng chí …", "thoi_gian": "2026-01-05 14:00", "dia_diem": "Phòng họp …"},
        "thanh_phan": ["…"],
    },
    description="Giấy mời họp: chủ trì, thành phần mời, nội dung, thời gian, địa điểm",
)
