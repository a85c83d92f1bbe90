"""The kind Thông báo (kết luận): the document the tool was first written for, and every source's default."""

from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.model import DEFAULT_KIND, Notice

THONG_BAO = Kind(
    key=DEFAULT_KIND,
    name="Thông báo",
    model=Notice,
    summary="title",
    first_recipient="Như thành phần dự họp",
    sample={"ngay_hop": None},
    description="Thông báo kết luận của lãnh đạo tại cuộc họp",
)
