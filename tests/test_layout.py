"""Numbering, dates and labels are computed from the structure, as the decree writes them."""

from __future__ import annotations

import pytest

from tbkl_gen.nd30 import words as vn
from tbkl_gen.word.layout import Span, archive, lay_out, parse_inline, recipient
from tbkl_gen.notice.validation import Notice, to_notice

BASE = {
    "co_quan": {"ten": ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "viet_tat": "UBND"},
    "dia_danh": "Lâm Đồng",
    "ngay": "2026",
    "trich_yeu": "Kết luận",
    "luu": "VT, TH",
    "nguoi_ky": {"quyen_han": ["TL. CHỦ TỊCH"], "chuc_vu": "CHÁNH VĂN PHÒNG", "ho_ten": "Lê Văn A"},
    "noi_dung": ["Mở đầu."],
}


def notice(**changes) -> Notice:  # noqa: ANN003
    return to_notice(Notice.model_validate({**BASE, **changes}))


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2020, 1, 5, "Hà Nội, ngày 05 tháng 01 năm 2020"),
        (2019, 6, 29, "Hà Nội, ngày 29 tháng 6 năm 2019"),
        (2021, 2, 9, "Hà Nội, ngày 09 tháng 02 năm 2021"),
        (2021, 12, 22, "Hà Nội, ngày 22 tháng 12 năm 2021"),
        (2026, 3, 10, "Hà Nội, ngày 10 tháng 3 năm 2026"),
    ],
)
def test_date_has_leading_zero_for_day_below_ten_and_for_months_one_and_two(year, month, day, expected) -> None:  # noqa: ANN001
    assert vn.date_line("Hà Nội", year, month, day) == expected


def test_draft_dates_leave_the_unknown_parts_blank() -> None:
    blank = " " * 6
    assert vn.date_line("Lâm Đồng", 2026, 4, None) == f"Lâm Đồng, ngày {blank} tháng 4 năm 2026"
    assert vn.date_line("Quảng Nam", 2021, None, None) == f"Quảng Nam, ngày {blank} tháng {blank} năm 2021"


@pytest.mark.parametrize(("number", "printed"), [(None, "      "), ("5", "05"), ("05", "05"), ("28", "28"), ("467", "467")])
def test_number_below_ten_gets_a_leading_zero(number, printed) -> None:  # noqa: ANN001
    assert vn.number_text(number) == printed


def test_point_letters_follow_the_vietnamese_alphabet_without_f_j_w_z() -> None:
    letters = [vn.point_label(i) for i in range(24)]
    assert letters[:11] == ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l"]
    assert not {"f", "j", "w", "z"} & set(letters)
    assert letters[23] == "aa"


def test_roman_numerals_number_the_sections() -> None:
    assert [vn.roman(n) for n in (1, 2, 3, 4, 9, 14)] == ["I", "II", "III", "IV", "IX", "XIV"]


def test_end_mark_is_added_once() -> None:
    assert vn.with_end_mark("thực hiện.") == "thực hiện./."
    assert vn.with_end_mark("thực hiện") == "thực hiện./."
    assert vn.with_end_mark("thực hiện./.") == "thực hiện./."


def test_items_restart_in_each_section_and_points_in_each_item() -> None:
    layout = lay_out(
        notice(
            noi_dung=[
                {"muc": "Nhiệm vụ chung", "noi_dung": [{"khoan": "Một."}, {"khoan": "Hai.", "noi_dung": [{"diem": "x"}, {"diem": "y"}]}]},
                {
                    "muc": "Nhiệm vụ cụ thể",
                    "noi_dung": [
                        {"khoan": "Sở A", "tieu_de": True, "noi_dung": [{"diem": "z"}, {"gach": "g", "noi_dung": [{"cong": "c"}]}]}
                    ],
                },
                "Kết thúc",
            ]
        )
    )
    assert [(p.kind, p.text) for p in layout.paragraphs] == [
        ("muc", "I. NHIỆM VỤ CHUNG"),
        ("khoan", "1. Một."),
        ("khoan", "2. Hai."),
        ("diem", "a) x"),
        ("diem", "b) y"),
        ("muc", "II. NHIỆM VỤ CỤ THỂ"),
        ("khoan_tieu_de", "1. Sở A"),
        ("diem", "a) z"),
        ("gach", "- g"),
        ("cong", "+ c"),
        ("doan", "Kết thúc./."),
    ]
    assert all(span.bold for span in layout.paragraphs[6].spans)


def test_inline_markup_gives_bold_italic_and_footnotes() -> None:
    notes: list = []
    spans = parse_inline(r"Giao **Sở** *Xây dựng*^[Theo Thông báo số 370] 5 * 3 \*x\*", notes)
    assert spans == [
        Span("Giao "),
        Span("Sở", bold=True),
        Span(" "),
        Span("Xây dựng", italic=True),
        Span(footnote=1),
        Span(" 5 * 3 *x*"),
    ]
    assert [n.text for n in notes] == ["Theo Thông báo số 370"]


def test_line_breaks_and_tabs_typed_in_a_paragraph_become_spaces() -> None:
    layout = lay_out(notice(noi_dung=["Dòng một\ndòng\thai."]))
    assert layout.paragraphs[0].text == "Dòng một dòng hai./."


def test_recipient_and_archive_lose_the_punctuation_the_template_adds() -> None:
    assert recipient("- Sở Xây dựng;") == "Sở Xây dựng"
    assert archive("Lưu: VT, KGVX.") == "VT, KGVX"


def test_signer_lines_and_issuer_are_printed_in_capitals() -> None:
    layout = lay_out(notice(co_quan={"ten": ["Ủy ban nhân dân", "tỉnh Lâm Đồng"], "viet_tat": "UBND"}))
    assert layout.co_quan == ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG")
    assert 0.33 <= layout.co_quan_line_mm / layout.co_quan_width_mm <= 0.5
