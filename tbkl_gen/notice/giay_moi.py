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

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tbkl_gen.nd30 import document_types
from tbkl_gen.nd30.document_types import DocumentType
from tbkl_gen.nd30 import words as vn
from tbkl_gen.notice.fields import spec
from tbkl_gen.notice.kind import ISSUER, Finding, Kind
from tbkl_gen.notice.model import (
    MEETING_SPEC,
    Appendices,
    from_data,
    Block,
    CuocHop,
    Gach,
    Header,
    Khoan,
    Recipients,
    Settings,
    SignerBlock,
    meeting_time,
)
from tbkl_gen.nd30.patterns import lazy

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
class GiayMoi(Settings, Header, Recipients, SignerBlock, Appendices):
    """Một giấy mời họp theo Nghị định 30/2020/NĐ-CP."""

    document_type: ClassVar[DocumentType] = document_types.GIAY_MOI
    source_order: ClassVar[tuple[str, ...]] = (
        "loai", "phien_ban", "mau", "muc_in_hoa", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "do_khan",
        "trich_yeu", "kinh_gui", "mo_dau", "cuoc_hop", "thanh_phan", "noi_dung_hop", "phan_cong", "danh_so", "noi_dung", "phu_luc",
        "noi_nhan", "luu", "nguoi_soan", "so_ban", "nguoi_ky",
    )  # fmt: skip

    trich_yeu: str | None = field(
        default=None,
        metadata=spec(
            f"Trích yếu in đậm dưới chữ {document_types.GIAY_MOI.title}, nếu có: “Dự họp nghe báo cáo …”.", label="trích yếu giấy mời"
        ),
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


def _time_item(text: str) -> str:
    """Return the meeting's time as its item prints: a sentence closed by "." as the drafter's items are.

    A time typed with its own closing mark ("14 giờ 00, ngày 10/4/2026 (thứ Sáu).") keeps it.
    """
    shown = time_text(text)
    return shown if shown.endswith((".", ";", ":")) else f"{shown}."


def _meeting_items(invitation: GiayMoi) -> list[tuple[str, tuple[str, ...]]]:
    meeting = invitation.cuoc_hop or CuocHop()
    items = [
        (CHAIR, (meeting.chu_tri,) if meeting.chu_tri else ()),
        (INVITED, invitation.thanh_phan),
        (CONTENT, invitation.noi_dung_hop),
        (TIME, (_time_item(meeting.thoi_gian),) if meeting.thoi_gian else ()),
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
            blocks.append(Khoan(khoan=f"**{label}:**", noi_dung=items) if invitation.danh_so else f"**{label}:**")
            if not invitation.danh_so:
                blocks.extend(items)
    blocks.extend(invitation.noi_dung)
    return tuple(blocks)


# --- reading an invitation's body back into its fields (the importer) ------------------------------

TIME_PATH = ("cuoc_hop", "thoi_gian")
_FIELDS = {CHAIR: ("cuoc_hop", "chu_tri"), INVITED: ("thanh_phan",), CONTENT: ("noi_dung_hop",), TIME: TIME_PATH,
           PLACE: ("cuoc_hop", "dia_diem"), PREPARE: ("phan_cong",)}  # fmt: skip
_LABELLED = lazy(r"^\**(?P<label>" + "|".join(map(re.escape, _FIELDS)) + r")\s*:\s*\**\s*(?P<rest>.*)$", re.DOTALL)
_PRINTED_TIME = lazy(r"^(\d{1,2}) giờ (\d{2}), ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})\.?$")


def _text_of(block: Any) -> tuple[str, list[Any], bool]:
    """Return a block's own text, its children and whether it is a numbered item (khoản)."""
    if isinstance(block, str):
        return block, [], False
    if isinstance(block, dict) and isinstance(block.get("khoan"), str):
        return block["khoan"], list(block.get("noi_dung") or []), True
    return "", [], False


def _typed_time(text: str) -> str:
    """Return "2026-04-16 14:00" for the time as printed (its item's closing "." aside), or the text as written."""
    match = _PRINTED_TIME.match(text.strip())
    if match is None:
        return text
    hour, minute, day, month, year = (int(g) for g in match.groups())
    try:
        return f"{dt.datetime(year, month, day, hour, minute):%Y-%m-%d %H:%M}"
    except ValueError:
        return text


def read_body(data: dict[str, Any]) -> dict[str, Any]:
    """Return an imported invitation's data with its meeting read into its fields.

    The body the importer read (`noi_dung`) holds the opening paragraph, then the meeting's items
    ("1. Chủ trì: …", "2. Thành phần mời:" and its list, …, as numbered items or paragraphs), then
    the rest. They become `mo_dau`, `cuoc_hop`, `thanh_phan`, `noi_dung_hop`, `phan_cong` and
    `danh_so` only when the invitation these fields print is the body as read, word for word;
    otherwise the body is kept as it is.
    """
    blocks = list(data.get("noi_dung") or [])
    fields: dict[str, Any] = {}
    index = 0
    if blocks and isinstance(blocks[0], str) and not _LABELLED.match(blocks[0]):
        fields["mo_dau"] = blocks[0]
        index = 1
    numbered: set[bool] = set()
    while index < len(blocks):
        text, children, is_item = _text_of(blocks[index])
        match = _LABELLED.match(text)
        if match is None:
            break
        index += 1
        numbered.add(is_item)
        values = [match.group("rest").strip()] if match.group("rest").strip() else []
        if not values:
            following = children
            if not is_item:  # the list under a label typed as a paragraph: the dashes after it
                while index < len(blocks) and isinstance(blocks[index], dict) and "gach" in blocks[index]:
                    following.append(blocks[index])
                    index += 1
            values = [item["gach"] for item in following if isinstance(item, dict) and isinstance(item.get("gach"), str)]
            if len(values) != len(following) or not values:
                return data
        path = _FIELDS[match.group("label")]
        if path[0] == "cuoc_hop":
            if len(values) != 1:
                return data
            value = _typed_time(values[0]) if path[1] == "thoi_gian" else values[0]
            fields.setdefault("cuoc_hop", {})[path[1]] = value
        else:
            fields[path[0]] = values
    if len(numbered) != 1 or not (set(fields) - {"mo_dau"}):
        return data
    fields["danh_so"] = numbered == {True}
    candidate = {key: value for key, value in data.items() if key != "noi_dung"} | fields
    rest = blocks[index:]
    if rest:
        candidate["noi_dung"] = rest
    built = from_data(candidate, GiayMoi)
    if built is None or _plain(body(built)) != _plain(tuple(blocks)) or any(f.path == TIME_PATH for f in _checks(built)):
        return data  # not the body as read, or a time typed in words the field refuses ("…, ngày 10/4/2026 (thứ Sáu)")
    if fields["danh_so"]:
        del candidate["danh_so"]  # the default
    order = [key for key in GiayMoi.source_order if key in candidate]
    return {key: candidate[key] for key in order}


def _plain(blocks: Any) -> list[Any]:
    """Return blocks (objects or source data) as nested (key, text) pairs, emphasis marks left out."""
    out: list[Any] = []
    for block in blocks:
        if isinstance(block, str):
            out.append(("doan", block.replace("**", "").strip()))
            continue
        if not isinstance(block, dict):
            block = {f.name: getattr(block, f.name) for f in dataclasses.fields(block)}
        key = next(k for k in ("muc", "khoan", "diem", "gach", "cong") if k in block)
        out.append((key, str(block[key]).replace("**", "").strip(), _plain(block.get("noi_dung") or ())))
    return out


def _checks(invitation: Any) -> Iterator[Finding]:
    meeting = invitation.cuoc_hop
    if (
        meeting is not None
        and meeting.thoi_gian
        and meeting_time(meeting.thoi_gian) is None
        and re.search(r"\d{4}-|\d/\d", meeting.thoi_gian)
    ):
        yield Finding(
            TIME_PATH,
            f"thời gian họp “{meeting.thoi_gian}” không đúng dạng",
            "viết ngày/tháng/năm giờ:phút, ví dụ thoi_gian: 10/4/2026 14:00",
            code="date",
        )
    day = meeting.day() if meeting is not None else None
    issued = invitation.ngay.as_date()
    if day is not None and issued is not None and issued > day:
        yield Finding(
            ("ngay",),
            f"giấy mời ban hành ngày {vn.shown_date(issued.year, issued.month, issued.day)}, sau ngày họp {vn.shown_date(day.year, day.month, day.day)}",
            "giấy mời ban hành trước cuộc họp; kiểm tra lại ngay và cuoc_hop.thoi_gian",
            code="date_order",
        )
    if not invitation.noi_dung and not _meeting_items(invitation) and not invitation.mo_dau:
        yield Finding(("noi_dung",), "giấy mời chưa có nội dung", "viết mo_dau, cuoc_hop, thanh_phan, hoặc noi_dung", code="empty")


GIAY_MOI = Kind(
    key="giay_moi",
    name="Giấy mời",
    model=GiayMoi,
    summary="title",
    summary_required=False,
    body=body,
    checks=_checks,
    read_body=read_body,
    first_recipient=FIRST_RECIPIENT,
    first_recipient_for="thanh_phan",
    title_key="noi_dung_hop",
    heading_colon=True,
    sample={
        "mo_dau": f"Thực hiện Chương trình công tác …, {ISSUER} tổ chức cuộc họp …, cụ thể như sau:",
        "cuoc_hop": {"chu_tri": "Đồng chí …", "thoi_gian": "5/1/2026 14:00", "dia_diem": "Phòng họp …"},
        "thanh_phan": ["…"],
    },
    description="Giấy mời họp: chủ trì, thành phần mời, nội dung, thời gian, địa điểm",
)
