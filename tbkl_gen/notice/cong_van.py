"""The kind Công văn: a letter with no type name, its summary "V/v …" under the number, and "Kính gửi".

Decree 30/2020/NĐ-CP, Phụ lục I ô 5b and the Công văn model of Phụ lục III: the number and symbol
under the issuing body ("Số: 123/UBND-KGVX": no type code, the body and the drafting unit), the
summary under it in the left column, upright and not bold, beginning "V/v"; no title; the body
(paragraphs and numbered items, ending "./."); recipients that start "Như trên;" when the letter
names its addressees; the signer block. This module is the whole of the kind: its model and its
`Kind`. It is the worked example of docs/architecture.md, "How to add a kind".
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tbkl_gen.nd30 import document_types
from tbkl_gen.nd30.document_types import SUMMARY_PREFIX, DocumentType
from tbkl_gen.notice.fields import spec
from tbkl_gen.notice.kind import Finding, Kind, bare_summary
from tbkl_gen.notice.model import Block, Header, Recipients, Settings, SignerBlock

FIRST_RECIPIENT = "Như trên"
"""The recipient line that stands for the addressees named under "Kính gửi"."""


@dataclass(frozen=True, kw_only=True)
class CongVan(Settings, Header, Recipients, SignerBlock):
    """Một công văn theo Nghị định 30/2020/NĐ-CP."""

    document_type: ClassVar[DocumentType] = document_types.CONG_VAN
    source_order: ClassVar[tuple[str, ...]] = (
        "loai", "phien_ban", "mau", "muc_in_hoa", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "do_khan",
        "trich_yeu", "kinh_gui", "noi_dung", "noi_nhan", "luu", "nguoi_soan", "so_ban", "nguoi_ky",
    )  # fmt: skip

    trich_yeu: str = field(
        metadata=spec(
            f'Trích yếu của công văn, in dưới số và ký hiệu sau chữ "{SUMMARY_PREFIX}": "tăng cường công tác phòng, chống thiên tai"; '
            f'không cần gõ "{SUMMARY_PREFIX}". Muốn ngắt dòng ở chỗ mình chọn, viết "trich_yeu: |" rồi mỗi dòng in một dòng.',
            label="trích yếu công văn",
            example="trich_yeu: tăng cường công tác phòng, chống thiên tai",
            min_length=1,
        )
    )
    noi_dung: tuple[Block, ...] = field(
        metadata=spec("Nội dung: các đoạn văn, mục, khoản, điểm, gạch đầu dòng.", label="nội dung", min_length=1)
    )


def _checks(letter: Any) -> Iterator[Finding]:
    if letter.trich_yeu.strip() and not bare_summary(letter.trich_yeu).strip():
        yield Finding(
            ("trich_yeu",), f"trích yếu công văn chỉ có chữ “{SUMMARY_PREFIX}”", f"viết nội dung trích yếu sau “{SUMMARY_PREFIX}”"
        )
    first = letter.noi_nhan[0].strip().removeprefix("-").strip().rstrip(";.") if letter.noi_nhan else None
    if letter.kinh_gui and first is not None and first != FIRST_RECIPIENT:
        yield Finding(
            ("noi_nhan", 0),
            f"công văn có Kính gửi thì nơi nhận bắt đầu bằng “{FIRST_RECIPIENT}”",
            f"thêm “{FIRST_RECIPIENT}” làm dòng đầu của noi_nhan (hoặc noi_nhan_them)",
            error=False,
            code="first_recipient",
        )


CONG_VAN = Kind(
    key="cong_van",
    name="Công văn",
    model=CongVan,
    summary="number",
    checks=_checks,
    first_recipient=FIRST_RECIPIENT,
    sample={
        "noi_dung": ["Thực hiện …, Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị thực hiện một số nội dung sau:", {"khoan": "…"}],
    },
    description=f"Công văn: số và ký hiệu, “{SUMMARY_PREFIX} …” dưới số, Kính gửi, nội dung",
)
