"""A fourth kind, Tờ trình, written as a newcomer would add one: this module is the whole of it.

Its decree row (the type's code and title), its model (the shared parts and its own `can_cu`
lines), how its own fields become the shared blocks (the bases in italics before the body), and
its `Kind`. Registering `TO_TRINH` (`notice.kinds.register`) is the one other step; nothing in
`tbkl_gen` names it. `tests/test_kinds.py` registers it and drives every surface with it.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from tbkl_gen.nd30.document_types import DocumentType
from tbkl_gen.notice.fields import spec
from tbkl_gen.notice.kind import ISSUER, Kind
from tbkl_gen.notice.model import Appendices, Block, Header, Recipients, Settings, SignerBlock

PROPOSAL = DocumentType(code="TTr", title="TỜ TRÌNH")
"""Decree 30/2020/NĐ-CP, Phụ lục III: Tờ trình, abbreviated TTr."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ToTrinh(Settings, Header, Recipients, SignerBlock, Appendices):
    """Một tờ trình theo Nghị định 30/2020/NĐ-CP."""

    document_type: ClassVar[DocumentType] = PROPOSAL
    source_order: ClassVar[tuple[str, ...]] = (
        "loai", "phien_ban", "mau", "muc_in_hoa", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "do_khan",
        "trich_yeu", "kinh_gui", "can_cu", "noi_dung", "phu_luc", "noi_nhan", "luu", "nguoi_soan", "so_ban", "nguoi_ky",
    )  # fmt: skip

    trich_yeu: str = dataclasses.field(
        metadata=spec("Trích yếu: “Về việc đề nghị phê duyệt …”.", label="trích yếu tờ trình", example="trich_yeu: Về việc …", min_length=1)
    )
    can_cu: tuple[str, ...] = dataclasses.field(
        default=(), metadata=spec("Các căn cứ, mỗi căn cứ một dòng, in nghiêng trước nội dung.", label="căn cứ", lines=True)
    )
    noi_dung: tuple[Block, ...] = dataclasses.field(
        metadata=spec("Nội dung: các đoạn văn, mục, khoản, điểm, gạch đầu dòng, bảng.", label="nội dung", min_length=1)
    )


def body(proposal: Any) -> tuple[Any, ...]:
    """Return the proposal's body as shared blocks: each basis in italics, then the body."""
    return (*(f"*{basis}*" for basis in proposal.can_cu), *proposal.noi_dung)


TO_TRINH = Kind(
    key="to_trinh",
    name="Tờ trình",
    model=ToTrinh,
    body=body,
    first_recipient="Như trên",
    first_recipient_for="kinh_gui",
    sample={
        "kinh_gui": ["Ủy ban nhân dân tỉnh"],
        "can_cu": ["Căn cứ Luật Cán bộ, công chức năm 2025;"],
        "noi_dung": [f"{ISSUER} kính trình … xem xét, phê duyệt …", {"khoan": "…"}],
    },
    description="Tờ trình: đề nghị cấp trên xem xét, phê duyệt",
)
