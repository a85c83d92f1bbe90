"""The meaning checks of a notice that loaded: dates, number and symbol, signer, recipients, text.

Each test starts from the valid sample notice of `factories` and changes only the field it is
about; the rule is in the test's name, the decree's wording in the message it expects.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from factories import DROP, Raw, notice_yaml, write_notice

from tbkl_gen.errors import Problem, Severity
from tbkl_gen.nd30.grammar import ARCHIVE_FORM
from tbkl_gen.source.load import load_notice
from tbkl_gen.validate import validate

TODAY = dt.date(2026, 1, 15)


def check(tmp_path: Path, **overrides: object) -> list[Problem]:
    """Return the meaning problems of the sample notice with overrides, checked on TODAY."""
    loaded = load_notice(write_notice(tmp_path, **overrides))
    assert loaded.notice is not None, [p.format() for p in loaded.problems]
    return [*loaded.problems, *validate(loaded.notice, loaded.source, today=TODAY)]


def said(problems: list[Problem]) -> list[tuple[str, str]]:
    """Return (field, message) of each error."""
    return [(p.place.field, p.message) for p in problems if p.severity is Severity.ERROR]


def warned(problems: list[Problem]) -> list[tuple[str, str]]:
    """Return (field, message) of each warning."""
    return [(p.place.field, p.message) for p in problems if p.severity is Severity.WARNING]


def hints(problems: list[Problem]) -> list[str]:
    return [p.hint for p in problems]


def test_the_sample_notice_has_no_problem(tmp_path: Path) -> None:
    assert check(tmp_path) == []


# --- dates -------------------------------------------------------------------------------------------


def test_issuing_date_may_not_precede_the_meeting(tmp_path: Path) -> None:
    problems = check(tmp_path, ngay=dt.date(2021, 12, 21))
    assert said(problems) == [("ngay", "ngày ban hành 21/12/2021 sớm hơn ngày họp 22/12/2021")]
    assert problems[0].place.line == 9


def test_issuing_on_the_day_of_the_meeting_is_fine(tmp_path: Path) -> None:
    assert check(tmp_path, ngay=dt.date(2021, 12, 22)) == []


def test_draft_month_is_compared_with_the_meeting_by_its_last_day(tmp_path: Path) -> None:
    assert check(tmp_path, ngay="2021-12") == []
    assert said(check(tmp_path, ngay="2021-11")) == [("ngay", "ngày ban hành tháng 11/2021 sớm hơn ngày họp 22/12/2021")]


def test_draft_year_is_compared_with_the_meeting_by_its_last_day(tmp_path: Path) -> None:
    assert check(tmp_path, ngay=2021) == []
    assert said(check(tmp_path, ngay=2020)) == [("ngay", "ngày ban hành năm 2020 sớm hơn ngày họp 22/12/2021")]


@pytest.mark.parametrize(
    ("typed", "message", "hint"),
    [
        ("2021-02-29", "ngày không tồn tại: 29/02/2021", "tháng 2 năm 2021 chỉ có 28 ngày"),
        ("2021-04-31", "ngày không tồn tại: 31/04/2021", "tháng 4 năm 2021 chỉ có 30 ngày"),
        ('"2021-02-30"', "ngày không tồn tại: 30/02/2021", "tháng 2 năm 2021 chỉ có 28 ngày"),
    ],
)
def test_impossible_date_says_how_many_days_the_month_has(tmp_path: Path, typed: str, message: str, hint: str) -> None:
    loaded = load_notice(write_notice(tmp_path, ngay=Raw(typed), ngay_hop=DROP))
    problems = loaded.problems if loaded.notice is None else validate(loaded.notice, loaded.source, today=TODAY)
    assert [(p.place.field, p.place.line, p.message, p.hint) for p in problems] == [("ngay", 9, message, hint)]


def test_leap_year_february_has_29_days(tmp_path: Path) -> None:
    assert check(tmp_path, ngay=dt.date(2024, 2, 29), ngay_hop=dt.date(2024, 2, 28)) == []


def test_a_day_needs_a_month(tmp_path: Path) -> None:
    assert said(check(tmp_path, ngay={"nam": 2021, "ngay": 24})) == [("ngay", "có ngày nhưng thiếu tháng")]


def test_issuing_date_in_the_future_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, ngay=dt.date(2026, 1, 16), ngay_hop=DROP)
    assert said(problems) == []
    assert warned(problems) == [("ngay", "ngày ban hành 16/01/2026 ở tương lai")]


def test_draft_year_in_the_future_is_a_warning(tmp_path: Path) -> None:
    assert warned(check(tmp_path, ngay=2027, ngay_hop=DROP)) == [("ngay", "ngày ban hành năm 2027 ở tương lai")]


def test_draft_of_the_current_month_is_not_in_the_future(tmp_path: Path) -> None:
    assert check(tmp_path, ngay="2026-01", ngay_hop=DROP) == []


def test_meeting_in_the_future_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, ngay=2026, ngay_hop=dt.date(2026, 3, 1))
    assert warned(problems) == [("ngay_hop", "ngày họp 01/03/2026 ở tương lai")]


def test_meeting_date_may_be_quoted(tmp_path: Path) -> None:
    assert check(tmp_path, ngay_hop="2021-12-22") == []


# --- number and symbol ---------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["05", "5", "28", "999999", "01"])
def test_number_is_arabic_digits_from_01(tmp_path: Path, number: str) -> None:
    assert check(tmp_path, so=number) == []


@pytest.mark.parametrize(
    ("number", "hint"),
    [
        ("0", "số văn bản bắt đầu từ 01"),
        ("005", 'viết so: "05"'),
        ("028", 'viết so: "28"'),
        ("28a", 'chỉ ghi chữ số, ví dụ so: "28"'),
        ("Số 28", 'chỉ ghi chữ số, ví dụ so: "28"'),
        ("28/TB-UBND", "chỉ ghi số ở so; ký hiệu (như TB-UBND) ghi ở ky_hieu hoặc để công cụ tự tạo"),
        ("hai mươi", "số là chữ số Ả Rập từ 01; để trống (so:) khi là dự thảo chưa có số"),
        ("1234567", 'viết so: "1234567"'),
        ("٣", 'viết so: "03"'),
    ],
)
def test_number_of_the_wrong_shape_gets_a_fix(tmp_path: Path, number: str, hint: str) -> None:
    problems = check(tmp_path, so=number)
    assert said(problems) == [("so", f"số “{number}” không đúng dạng")]
    assert hints(problems) == [hint]


@pytest.mark.parametrize("number", [None, ""])
def test_blank_number_is_a_draft(tmp_path: Path, number: str | None) -> None:
    assert check(tmp_path, so=number) == []


def test_symbol_defaults_to_tb_and_the_abbreviation(tmp_path: Path) -> None:
    loaded = load_notice(write_notice(tmp_path, co_quan__viet_tat="VP"))
    assert loaded.notice is not None and loaded.notice.symbol == "TB-VP"


@pytest.mark.parametrize("symbol", ["TB-UBND", "TB-VP", "TB-UBND-KGVX", "TB-HĐND", "TB-SNV2"])
def test_symbol_of_the_right_shape(tmp_path: Path, symbol: str) -> None:
    assert check(tmp_path, ky_hieu=symbol) == []


@pytest.mark.parametrize(
    ("symbol", "hint"),
    [
        ("TB - UBND", "viết ky_hieu: TB-UBND"),
        ("tb-ubnd", "viết ky_hieu: TB-UBND"),
        ("/TB-UBND", "không gõ “/”: công cụ tự thêm; viết ky_hieu: TB-UBND"),
        ("QĐ-UBND", "ký hiệu của thông báo bắt đầu bằng “TB-”, ví dụ TB-UBND; hoặc bỏ ky_hieu để công cụ tự tạo"),
        ("TB-UB ND", "ký hiệu là TB- và chữ viết tắt in hoa của cơ quan, nối bằng “-”, không có khoảng trắng"),
    ],
)
def test_symbol_of_the_wrong_shape_gets_a_fix(tmp_path: Path, symbol: str, hint: str) -> None:
    problems = check(tmp_path, ky_hieu=symbol)
    assert said(problems) == [("ky_hieu", f"ký hiệu “{symbol}” không đúng dạng")]
    assert hints(problems) == [hint]


def test_abbreviation_must_make_a_valid_symbol(tmp_path: Path) -> None:
    assert said(check(tmp_path, co_quan__viet_tat="Văn phòng")) == [
        ("co_quan.viet_tat", "chữ viết tắt “Văn phòng” tạo ra ký hiệu “TB-Văn phòng” không đúng dạng")
    ]


# --- signer: the stacks the decree allows ----------------------------------------------------------


@pytest.mark.parametrize(
    ("authority", "title"),
    [
        (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"], "PHÓ CHÁNH VĂN PHÒNG"),
        (["TL. CHỦ TỊCH"], "CHÁNH VĂN PHÒNG"),
        (["TM. ỦY BAN NHÂN DÂN"], "CHỦ TỊCH"),
        (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"),
        (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH THƯỜNG TRỰC"),
        (["KT. BỘ TRƯỞNG"], "THỨ TRƯỞNG"),
        (["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC"),
        (["TUQ. CHỦ TỊCH"], "GIÁM ĐỐC SỞ NỘI VỤ"),
        (["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"),
        ([], "CHỦ TỊCH"),
        (None, "CHÁNH VĂN PHÒNG"),
    ],
)
def test_signature_stacks_the_decree_allows(tmp_path: Path, authority: list[str] | None, title: str) -> None:
    assert check(tmp_path, nguoi_ky__quyen_han=authority, nguoi_ky__chuc_vu=title) == []


def test_a_single_authority_line_may_be_written_as_text(tmp_path: Path) -> None:
    assert check(tmp_path, nguoi_ky__quyen_han="TL. CHỦ TỊCH", nguoi_ky__chuc_vu="CHÁNH VĂN PHÒNG") == []


def test_authority_prefix_is_one_of_the_five(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han__1="THỪA LỆNH CHỦ TỊCH")
    assert said(problems) == [
        ("nguoi_ky.quyen_han[1]", "dòng quyền hạn “THỪA LỆNH CHỦ TỊCH” phải bắt đầu bằng TM., KT., TL., TUQ. hoặc Q.")
    ]


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("KT CHÁNH VĂN PHÒNG", "KT. CHÁNH VĂN PHÒNG"),
        ("KT.CHÁNH VĂN PHÒNG", "KT. CHÁNH VĂN PHÒNG"),
        ("K/T CHÁNH VĂN PHÒNG", "KT. CHÁNH VĂN PHÒNG"),
        ("KT: CHÁNH VĂN PHÒNG", "KT. CHÁNH VĂN PHÒNG"),
    ],
)
def test_authority_prefix_typed_loosely_gets_the_fix(tmp_path: Path, typed: str, fixed: str) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han__2=typed)
    assert said(problems) == [("nguoi_ky.quyen_han[2]", f"dòng quyền hạn “{typed}” viết sai dạng")]
    assert hints(problems) == [f"viết “{fixed}”: chữ in hoa, dấu chấm, một dấu cách"]


def test_authority_lines_are_written_in_capitals(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han__1="Tl. Chủ tịch")
    assert said(problems) == []
    assert warned(problems) == [("nguoi_ky.quyen_han[1]", "dòng quyền hạn viết in hoa, cách nhau một dấu cách")]
    assert hints(problems) == ["viết “TL. CHỦ TỊCH”"]


def test_kt_requires_a_deputy_title(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__chuc_vu="CHÁNH VĂN PHÒNG")
    assert said(problems) == [("nguoi_ky.chuc_vu", "ký thay (KT.) thì người ký là cấp phó, nhưng chức vụ là “CHÁNH VĂN PHÒNG”")]
    assert hints(problems) == ["viết chức vụ: PHÓ CHÁNH VĂN PHÒNG"]


def test_kt_signer_is_the_deputy_of_the_head_named(tmp_path: Path) -> None:
    assert said(check(tmp_path, nguoi_ky__chuc_vu="PHÓ GIÁM ĐỐC")) == [
        ("nguoi_ky.chuc_vu", "ký thay “CHÁNH VĂN PHÒNG” thì chức vụ là “PHÓ CHÁNH VĂN PHÒNG”, nhưng gặp “PHÓ GIÁM ĐỐC”")
    ]


def test_kt_for_a_minister_is_signed_by_a_deputy_minister(tmp_path: Path) -> None:
    assert said(check(tmp_path, nguoi_ky__quyen_han=["KT. BỘ TRƯỞNG"], nguoi_ky__chuc_vu="PHÓ BỘ TRƯỞNG")) == [
        ("nguoi_ky.chuc_vu", "ký thay “BỘ TRƯỞNG” thì chức vụ là “THỨ TRƯỞNG”, nhưng gặp “PHÓ BỘ TRƯỞNG”")
    ]


def test_kt_is_followed_by_the_heads_title(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han__2="KT. PHÓ CHÁNH VĂN PHÒNG")
    assert said(problems) == [("nguoi_ky.quyen_han[2]", "sau “KT.” là chức vụ của cấp trưởng, không phải cấp phó “PHÓ CHÁNH VĂN PHÒNG”")]
    assert hints(problems) == ["viết “KT. CHÁNH VĂN PHÒNG”"]


def test_kt_is_the_last_authority_line(tmp_path: Path) -> None:
    assert said(check(tmp_path, nguoi_ky__quyen_han=["KT. CHÁNH VĂN PHÒNG", "TL. CHỦ TỊCH"])) == [
        ("nguoi_ky.quyen_han[1]", "“KT.” (ký thay) là dòng quyền hạn cuối cùng, ngay trên chức vụ của cấp phó")
    ]


def test_a_deputy_signs_only_under_a_kt_line(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TL. CHỦ TỊCH"])
    assert said(problems) == [("nguoi_ky.chuc_vu", "cấp phó “PHÓ CHÁNH VĂN PHÒNG” ký thì phải có dòng “KT. …” của cấp trưởng ngay trên")]
    assert hints(problems) == ["thêm dòng “KT. CHÁNH VĂN PHÒNG” ngay trên chức vụ"]


def test_a_deputy_minister_signs_only_under_kt_minister(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=DROP, nguoi_ky__chuc_vu="THỨ TRƯỞNG")
    assert hints(problems) == ["thêm dòng “KT. BỘ TRƯỞNG” ngay trên chức vụ"]


def test_tm_only_before_a_collective_body(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TM. CHỦ TỊCH"], nguoi_ky__chuc_vu="CHỦ TỊCH")
    assert said(problems) == [("nguoi_ky.quyen_han[1]", "“TM.” (thay mặt) chỉ đứng trước tên tập thể, không trước chức danh “CHỦ TỊCH”")]


@pytest.mark.parametrize("body", ["ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "BAN THƯỜNG VỤ", "BAN CHỈ ĐẠO"])
def test_tm_before_a_collective_body_is_fine(tmp_path: Path, body: str) -> None:
    assert check(tmp_path, nguoi_ky__quyen_han=[f"TM. {body}"], nguoi_ky__chuc_vu="CHỦ TỊCH") == []


def test_tm_is_the_first_authority_line(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"], nguoi_ky__chuc_vu="PHÓ CHỦ TỊCH")
    assert ("nguoi_ky.quyen_han[2]", "“TM.” (thay mặt) là dòng quyền hạn đầu tiên") in said(problems)


def test_kt_tl_tuq_and_q_stand_before_a_persons_title(tmp_path: Path) -> None:
    assert said(check(tmp_path, nguoi_ky__quyen_han=["TL. VĂN PHÒNG"], nguoi_ky__chuc_vu="CHÁNH VĂN PHÒNG")) == [
        ("nguoi_ky.quyen_han[1]", "sau “TL.” là chức vụ của cấp trưởng, không phải tên tập thể “VĂN PHÒNG”")
    ]


def test_tl_and_tuq_are_not_combined(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TL. CHỦ TỊCH", "TUQ. CHỦ TỊCH"], nguoi_ky__chuc_vu="CHÁNH VĂN PHÒNG")
    assert said(problems) == [("nguoi_ky.quyen_han", "không dùng cùng lúc “TL.” (thừa lệnh) và “TUQ.” (thừa ủy quyền)")]


def test_tm_does_not_combine_with_tl(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TM. ỦY BAN NHÂN DÂN", "TL. CHỦ TỊCH"], nguoi_ky__chuc_vu="CHÁNH VĂN PHÒNG")
    assert said(problems) == [("nguoi_ky.quyen_han", "“TM.” (thay mặt) không đi cùng “TL.” hay “TUQ.”")]


def test_tuq_is_not_passed_on_to_a_deputy(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TUQ. CHỦ TỊCH", "KT. GIÁM ĐỐC SỞ NỘI VỤ"], nguoi_ky__chuc_vu="PHÓ GIÁM ĐỐC SỞ NỘI VỤ")
    assert said(problems) == [("nguoi_ky.quyen_han", "người ký thừa ủy quyền (TUQ.) không giao lại cho cấp phó ký thay (KT.)")]


def test_the_same_prefix_twice_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TL. CHỦ TỊCH", "TL. CHÁNH VĂN PHÒNG"], nguoi_ky__chuc_vu="TRƯỞNG PHÒNG")
    assert said(problems) == [("nguoi_ky.quyen_han[2]", "“TL.” xuất hiện hai lần")]


def test_a_stack_outside_the_decree_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["Q. CHỦ TỊCH", "TL. CHỦ TỊCH"], nguoi_ky__chuc_vu="CHÁNH VĂN PHÒNG")
    assert said(problems) == [("nguoi_ky.quyen_han", "cách ghi quyền hạn “Q. / TL.” không có trong Nghị định 30")]


def test_by_order_is_not_signed_by_the_head_himself(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TL. CHỦ TỊCH"], nguoi_ky__chuc_vu="CHỦ TỊCH")
    assert said(problems) == [
        ("nguoi_ky.chuc_vu", "người ký thừa lệnh (TL.) là người đứng đầu đơn vị được giao, không phải chính “CHỦ TỊCH”")
    ]


def test_signer_title_holds_no_authority_prefix(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["TL. CHỦ TỊCH"], nguoi_ky__chuc_vu="KT. CHÁNH VĂN PHÒNG")
    assert said(problems) == [("nguoi_ky.chuc_vu", "chức vụ người ký không có “KT.”")]


def test_signer_title_is_written_in_capitals(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__chuc_vu="Phó Chánh Văn phòng")
    assert said(problems) == []
    assert warned(problems) == [("nguoi_ky.chuc_vu", "chức vụ người ký viết in hoa")]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("TS. Võ Văn Viên", "TS."),
        ("ThS Võ Văn Viên", "ThS"),
        ("PGS.TS. Võ Văn Viên", "PGS.TS."),
        ("GS.TSKH. Võ Văn Viên", "GS.TSKH."),
        ("Tiến sĩ Võ Văn Viên", "Tiến sĩ"),
        ("KS. Võ Văn Viên", "KS."),
    ],
)
def test_no_academic_title_before_the_name(tmp_path: Path, name: str, title: str) -> None:
    problems = check(tmp_path, nguoi_ky__ho_ten=name)
    assert said(problems) == [("nguoi_ky.ho_ten", "không ghi học hàm, học vị trước họ tên người ký")]
    assert hints(problems) == [f"bỏ “{title}”, viết “Võ Văn Viên”"]


@pytest.mark.parametrize("name", ["Thái Sơn Bình", "Tạ Thị Sen", "Bùi Sĩ Nguyên", "Cù Thị Ngân"])
def test_a_name_that_starts_like_a_title_is_not_mistaken_for_one(tmp_path: Path, name: str) -> None:
    assert check(tmp_path, nguoi_ky__ho_ten=name) == []


def test_a_name_in_lower_case_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__ho_ten="võ văn viên")
    assert warned(problems) == [("nguoi_ky.ho_ten", "họ tên viết hoa chữ đầu mỗi tiếng, không viết in hoa cả tên")]
    assert hints(problems) == ["viết “Võ Văn Viên”"]


def test_a_name_in_capitals_is_an_error_because_it_prints_against_rule_15(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__ho_ten="VÕ VĂN VIÊN")
    assert said(problems) == [("nguoi_ky.ho_ten", "họ tên viết hoa chữ đầu mỗi tiếng, không viết in hoa cả tên")]
    assert hints(problems) == ["viết “Võ Văn Viên”"]


# --- recipients and archive --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("archive", "message", "hint"),
    [
        ("KGVX", "dòng lưu phải bắt đầu bằng “VT” (Văn thư), nhưng gặp “KGVX”", "viết luu: VT, KGVX"),
        ("Văn thư, KGVX", "dòng lưu phải bắt đầu bằng “VT” (Văn thư), nhưng gặp “Văn thư, KGVX”", "viết luu: VT, Văn thư, KGVX"),
        ("vt, kgvx", "dòng lưu phải bắt đầu bằng “VT” (Văn thư), nhưng gặp “vt, kgvx”", "viết luu: VT, KGVX"),
        ("VT KGVX", "thiếu dấu phẩy sau “VT” trong dòng lưu", "viết luu: VT, KGVX"),
        ("VT", "dòng lưu cần chữ viết tắt của đơn vị soạn thảo sau “VT, ”", "ví dụ luu: VT, KGVX"),
    ],
)
def test_archive_line_starts_with_vt_then_the_drafting_unit(tmp_path: Path, archive: str, message: str, hint: str) -> None:
    problems = check(tmp_path, luu=archive)
    assert said(problems) == [("luu", message)]
    assert hints(problems) == [hint]


@pytest.mark.parametrize(
    "archive",
    [
        "VT, KGVX",
        "VT, KGVX, 05",
        "VT,KGVX",
        "VT, NN&MT, XDCT, KGVX, KTTH",
        "VT, KGVX, Sơn",
        "VT, NC.Châu",
        "VT, TCCB 05",
        "VT, TCCB, PL.(300)",
        "VT, KGVX (Thập)",
        "VT, SNV2",
    ],
)
def test_archive_line_of_the_right_shape(tmp_path: Path, archive: str) -> None:
    assert check(tmp_path, luu=archive) == []


@pytest.mark.parametrize(
    ("archive", "hint"),
    [
        ("VT, kgvx", "đơn vị viết tắt in hoa, cách nhau “, ”; ví dụ luu: VT, KGVX hoặc VT, NN&MT, KGVX, NC.Châu 05"),
        ("VT, KGVX, 05 bản", "đơn vị viết tắt in hoa, cách nhau “, ”; ví dụ luu: VT, KGVX hoặc VT, NN&MT, KGVX, NC.Châu 05"),
        # the forms offices type, which the importer reads: the line as printed, to copy (and its fix)
        ("VT, XDCT. Khánh", "viết luu: VT, XDCT, Khánh"),
        ("VT, XDCT(Sơn)", "viết luu: VT, XDCT, Sơn"),
    ],
)
def test_archive_line_outside_the_decree_grammar_is_an_error(tmp_path: Path, archive: str, hint: str) -> None:
    problems = check(tmp_path, luu=archive)
    assert said(problems) == [("luu", f"dòng lưu “{archive}” không đúng dạng “{ARCHIVE_FORM}”")]
    assert hints(problems) == [hint]


def test_archive_label_and_full_stop_typed_by_the_drafter_are_warnings(tmp_path: Path) -> None:
    problems = check(tmp_path, luu="- Lưu: VT, KGVX.")
    assert said(problems) == []
    assert warned(problems) == [
        ("luu", "không gõ “-” đầu dòng lưu"),
        ("luu", "không gõ chữ “Lưu:”"),
        ("luu", "không gõ “.” cuối dòng lưu"),
    ]


@pytest.mark.parametrize("mark", [";", ".", ","])
def test_recipient_typed_with_end_punctuation_is_a_warning(tmp_path: Path, mark: str) -> None:
    problems = check(tmp_path, noi_nhan__1=f"CT, các PCT UBND tỉnh{mark}")
    assert warned(problems) == [("noi_nhan[1]", f"không gõ “{mark}” cuối dòng nơi nhận")]
    assert hints(problems) == ["công cụ tự thêm “;”"]


def test_recipient_typed_with_a_dash_is_a_warning(tmp_path: Path) -> None:
    assert warned(check(tmp_path, noi_nhan__1="- CT, các PCT UBND tỉnh")) == [("noi_nhan[1]", "không gõ “-” đầu dòng nơi nhận")]


def test_archive_line_inside_recipients_is_an_error(tmp_path: Path) -> None:
    assert said(check(tmp_path, noi_nhan__2="Lưu: VT, KGVX")) == [("noi_nhan[2]", "dòng “Lưu” không nằm trong noi_nhan")]


def test_recipients_heading_typed_by_the_drafter_is_a_warning(tmp_path: Path) -> None:
    assert warned(check(tmp_path, noi_nhan__1="Nơi nhận:")) == [("noi_nhan[1]", "không gõ “Nơi nhận:”")]


def test_empty_recipient_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, noi_nhan__2=None)
    assert warned(problems) == [("noi_nhan[2]", "mục nơi nhận rỗng")]
    assert problems[0].place.line == 18


def test_repeated_recipient_is_a_warning(tmp_path: Path) -> None:
    assert warned(check(tmp_path, noi_nhan__2="CT,  các PCT UBND tỉnh;")) == [
        ("noi_nhan[2]", "không gõ “;” cuối dòng nơi nhận"),
        ("noi_nhan[2]", "nơi nhận “CT,  các PCT UBND tỉnh;” lặp lại (đã có ở dòng 17)"),
        ("noi_nhan[2]", "có hai dấu cách liền nhau"),
    ]


@pytest.mark.parametrize("recipients", [DROP, None, []])
def test_no_recipient_besides_the_archive_is_a_warning(tmp_path: Path, recipients: object) -> None:
    assert warned(check(tmp_path, noi_nhan=recipients)) == [("noi_nhan", "chưa có nơi nhận nào ngoài dòng lưu")]


# --- text hygiene ----------------------------------------------------------------------------------


def test_double_space_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, trich_yeu="Kết luận của  đồng chí Chủ tịch")
    assert warned(problems) == [("trich_yeu", "có hai dấu cách liền nhau")]
    assert hints(problems) == ["chỉ để một dấu cách"]


def test_line_breaks_inside_a_paragraph_are_not_double_spaces(tmp_path: Path) -> None:
    text = notice_yaml().replace(
        "  - Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị.\n",
        "  - |\n    Ngày 22/12/2021, đồng chí\n    Hồ Quang Bửu chủ trì Hội nghị.\n",
    )
    loaded = load_notice(write_notice(tmp_path, text=text))
    assert loaded.notice is not None
    assert validate(loaded.notice, loaded.source, today=TODAY) == []


def test_straight_quotes_are_a_warning_where_curly_ones_are_used(tmp_path: Path) -> None:
    problems = check(tmp_path, noi_dung__1="Đề án “Thông tin đối ngoại”.", noi_dung__2={"khoan": 'Đề án "Thông tin đối ngoại".'})
    assert warned(problems) == [("noi_dung[2].khoan", 'dùng ngoặc kép thẳng (") trong khi các chỗ khác dùng ngoặc kép cong (“ ”)')]


def test_straight_quotes_alone_are_fine(tmp_path: Path) -> None:
    assert check(tmp_path, noi_dung__2={"khoan": 'Đề án "Thông tin đối ngoại".'}) == []


@pytest.mark.parametrize("summary", ["KẾT LUẬN CỦA ĐỒNG CHÍ CHỦ TỊCH", "KẾT LUẬN"])
def test_summary_typed_in_capitals_is_an_error_because_it_prints_against_rule_10(tmp_path: Path, summary: str) -> None:
    assert said(check(tmp_path, trich_yeu=summary)) == [("trich_yeu", "trích yếu gõ toàn chữ in hoa")]


def test_short_summary_with_an_abbreviation_is_not_capitals(tmp_path: Path) -> None:
    assert check(tmp_path, trich_yeu="Kết luận về UBND") == []


def test_empty_paragraph_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, noi_dung__1="  ")
    assert warned(problems) == [("noi_dung[1]", "đoạn nội dung rỗng")]


def test_invisible_characters_are_a_warning(tmp_path: Path) -> None:
    assert warned(check(tmp_path, dia_danh="Quảng\u200bNam")) == [
        ("dia_danh", "có ký tự vô hình (khoảng trắng không ngắt, ký tự định dạng)")
    ]


def test_decomposed_letters_are_a_warning_and_are_normalised(tmp_path: Path) -> None:
    loaded = load_notice(write_notice(tmp_path, dia_danh="Qua\u0309ng Nam"))
    assert loaded.notice is not None and loaded.notice.dia_danh == "Quảng Nam"
    assert [(p.place.field, p.severity) for p in loaded.problems] == [("dia_danh", Severity.WARNING)]


# --- issuer --------------------------------------------------------------------------------------


def test_issuer_name_is_written_in_capitals(tmp_path: Path) -> None:
    problems = check(tmp_path, co_quan__ten=["Ủy ban nhân dân", "TỈNH QUẢNG NAM"])
    assert warned(problems) == [("co_quan.ten[1]", "tên cơ quan ban hành viết in hoa")]
    assert hints(problems) == ["viết “ỦY BAN NHÂN DÂN”"]


def test_district_level_after_july_2025_is_a_warning(tmp_path: Path) -> None:
    problems = check(tmp_path, co_quan__ten=["ỦY BAN NHÂN DÂN", "HUYỆN ĐẠI LỘC"], ngay=dt.date(2025, 7, 2), ngay_hop=DROP)
    assert warned(problems) == [("co_quan", "từ 01/7/2025 chính quyền địa phương chỉ còn cấp tỉnh và cấp xã, không còn cấp huyện")]


@pytest.mark.parametrize("place", ["Thành phố Hồ Chí Minh", "Thị xã Điện Bàn", "Thị trấn Nam Phước", "Quảng Nam"])
def test_place_name_keeps_the_kind_of_unit_in_lower_case(tmp_path: Path, place: str) -> None:
    assert check(tmp_path, dia_danh=place) == []


def test_place_name_has_a_capital_at_each_word(tmp_path: Path) -> None:
    problems = check(tmp_path, dia_danh="Quảng nam")
    assert warned(problems) == [("dia_danh", "địa danh “Quảng nam” cần viết hoa chữ đầu mỗi tiếng")]
    assert hints(problems) == ["viết “Quảng Nam”"]


# --- order -----------------------------------------------------------------------------------------


def test_problems_come_in_line_order(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__ho_ten="TS. Võ Văn Viên", so="28a", luu="KGVX", trich_yeu="Kết luận  của đồng chí")
    assert [p.place.line for p in problems] == [7, 11, 19, 25]


def test_invisible_characters_are_the_format_characters_of_unicode_and_no_break_spaces() -> None:
    import sys
    import unicodedata

    from tbkl_gen.validate import _has_invisible

    expected = [cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf" or chr(cp) in "\u00a0\u2007\u202f"]
    found = [cp for cp in range(sys.maxunicode + 1) if _has_invisible(chr(cp))]
    assert found == expected


# --- what would print against the decree's grammar (nd30.grammar) is refused here, not only by the audit --


def test_a_comma_inside_the_place_is_an_error_because_it_breaks_the_date_line(tmp_path: Path) -> None:
    problems = check(tmp_path, dia_danh="Hà Nội, Việt Nam")
    assert said(problems) == [("dia_danh", "địa danh “Hà Nội, Việt Nam” có dấu phẩy")]
    assert hints(problems) == ["chỉ ghi tên đơn vị hành chính, ví dụ Quảng Nam; dấu phẩy sau địa danh do công cụ tự thêm"]


def test_acting_written_in_the_title_and_in_the_authority_lines_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__quyen_han=["Q. CHỦ TỊCH"], nguoi_ky__chuc_vu="Q. CHÁNH VĂN PHÒNG")
    assert said(problems) == [("nguoi_ky.chuc_vu", "“Q.” xuất hiện hai lần")]


def test_a_name_that_opens_like_the_signature_placeholder_is_an_error(tmp_path: Path) -> None:
    problems = check(tmp_path, nguoi_ky__ho_ten="(Đã ký)")
    assert said(problems) == [("nguoi_ky.ho_ten", "họ tên người ký “(Đã ký)” phải bắt đầu bằng chữ cái")]
