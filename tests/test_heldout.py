"""Held-out variants and slips: what the independent check of issues 9 and 11 found, held here.

Each test is a case the held-out run met: a notice the decree allows that `tbkl check` accepted
but whose render failed the audit, a value the decree allows that the checks refused, or a slip
that `tbkl check --strict` let through. All go through the CLI, as a clerk would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import render_cli
from factories import write_notice

SUMMARY = "Đã kiểm tra "


def _problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and not line.startswith(SUMMARY)]


def _accepted_and_audited(folder: Path, **overrides: object) -> list[str]:
    """Write a notice, require `check` to accept it, render it and return the audit's output."""
    write_notice(folder, **overrides)
    checked = render_cli(["check", "a.yaml"], cwd=folder)
    assert checked.exit_code == 0, checked.output
    rendered = render_cli(["render", "a.yaml", "-o", "out", "-q"], cwd=folder)
    assert rendered.exit_code == 0, rendered.output
    audited = render_cli(["check", "--docx", str(folder / "out" / "a.docx")], cwd=folder)
    assert audited.exit_code == 0, audited.output
    return audited.output.splitlines()


# --- issue 9: whatever `tbkl check` accepts passes the audit of its render -----------------------


@pytest.mark.parametrize("mau", ["ubnd-tinh", "ubnd-tinh-lanh-dao", "ubnd-xa"])
def test_an_issuer_line_that_wraps_gets_a_line_measured_on_the_printed_lines(tmp_path: Path, mau: str) -> None:
    # "THÀNH PHỐ HỒ CHÍ MINH" is wider than the issuer column: check warns and accepts; the column
    # prints "THÀNH PHỐ HỒ CHÍ" / "MINH", and the line under it was 0.42 of the typed 60 mm.
    write_notice(tmp_path, mau=mau, co_quan__ten=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"], dia_danh="Thành phố Hồ Chí Minh")
    warned = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert warned.exit_code == 0, warned.output
    assert "co_quan.ten[2]: dòng tên cơ quan “THÀNH PHỐ HỒ CHÍ MINH” rộng 60 mm" in warned.output
    rendered = render_cli(["render", "a.yaml", "-o", "out", "-q"], cwd=tmp_path)
    assert rendered.exit_code == 0, rendered.output
    audited = render_cli(["check", "--docx", str(tmp_path / "out" / "a.docx")], cwd=tmp_path)
    assert audited.exit_code == 0, audited.output
    rule = next(line for line in audited.output.splitlines() if line.startswith("Quy tắc 26"))
    # 21.5 mm is 1/3-1/2 of the printed 46 mm and of the typed 60 mm, which LibreOffice fits on one line.
    assert "dưới tên cơ quan: viền đoạn dài 21,5 mm (chữ rộng 46,0 mm)" in rule


@pytest.mark.parametrize("abbreviation", ["SNN&PTNT", "SNN&MT"])
def test_an_issuer_abbreviation_with_an_ampersand_is_accepted_and_audited(tmp_path: Path, abbreviation: str) -> None:
    # The archive line already takes "NN&MT" for a unit; the issuer's own abbreviation is the same kind.
    lines = _accepted_and_audited(
        tmp_path, co_quan__chu_quan="UBND TỈNH QUẢNG NAM", co_quan__ten=["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"], co_quan__viet_tat=abbreviation
    )
    assert lines[-1] == "Tổng cộng: 26 đạt, 0 lỗi, 2 không áp dụng"


def test_an_issuer_abbreviation_with_a_stray_ampersand_is_still_refused(tmp_path: Path) -> None:
    write_notice(tmp_path, co_quan__viet_tat="SNN&")
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert _problems(result.output) == [
        "a.yaml:6:13: co_quan.viet_tat: chữ viết tắt “SNN&” tạo ra ký hiệu “TB-SNN&” không đúng dạng"
        " (chữ viết tắt của cơ quan viết in hoa, không dấu cách, ví dụ UBND, VP, SCT)"
    ]


# --- issue 11: slips `--strict` refuses, naming file and line -------------------------------------


def _strict(folder: Path) -> list[str]:
    result = render_cli(["check", "--strict", "a.yaml"], cwd=folder)
    assert result.exit_code == 1, result.output
    written = render_cli(["render", "--strict", "a.yaml", "-o", "out"], cwd=folder)
    assert written.exit_code == 1, written.output
    assert not (folder / "out").exists() or list((folder / "out").rglob("*.docx")) == []
    return _problems(result.output)


@pytest.mark.parametrize(
    ("block", "line"),
    [
        (
            {"muc": "III - Kết quả đạt được"},
            "a.yaml:14:10: cảnh báo: noi_dung[2].muc: đã gõ số “III -” ở đầu; công cụ tự đánh số mục I., II., … (hãy xóa “III -”)",
        ),
        (
            {"muc": "II– Nhiệm vụ"},
            "a.yaml:14:10: cảnh báo: noi_dung[2].muc: đã gõ số “II–” ở đầu; công cụ tự đánh số mục I., II., … (hãy xóa “II–”)",
        ),
        (
            {"khoan": "1.Phòng Tổ chức hoàn thành tuyển dụng."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “1.” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “1.”)",
        ),
        (
            {"khoan": "2)Ủy ban nhân dân các xã báo cáo."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “2)” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “2)”)",
        ),
        (
            {"khoan": "1/ Sở Tài chính bố trí kinh phí."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “1/” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “1/”)",
        ),
        (
            {"muc": "I/ Đánh giá chung"},
            "a.yaml:14:10: cảnh báo: noi_dung[2].muc: đã gõ số “I/” ở đầu; công cụ tự đánh số mục I., II., … (hãy xóa “I/”)",
        ),
        (
            {"diem": "b/ Rà soát quy hoạch."},
            "a.yaml:14:11: cảnh báo: noi_dung[2].diem: đã gõ chữ “b/” ở đầu; công cụ tự đánh chữ điểm a), b), … (hãy xóa “b/”)",
        ),
        (
            {"muc": "IV.Kiến nghị"},
            "a.yaml:14:10: cảnh báo: noi_dung[2].muc: đã gõ số “IV.” ở đầu; công cụ tự đánh số mục I., II., … (hãy xóa “IV.”)",
        ),
    ],
)
def test_a_label_typed_without_a_space_or_with_a_dash_is_named(tmp_path: Path, block: dict, line: str) -> None:
    write_notice(tmp_path, noi_dung__2=block)
    assert _strict(tmp_path) == [line]


@pytest.mark.parametrize(
    "block",
    [
        {"khoan": "1.000 tỷ đồng được bố trí cho dự án."},
        {"khoan": "15 - 20% số xã chưa hoàn thành quy hoạch."},
        {"khoan": "Ia Grai và Chư Păh phối hợp thực hiện."},
        {"muc": "Vấn đề còn tồn tại"},
        {"khoan": "CD-ROM tài liệu được gửi kèm."},
        {"khoan": "1/2 số xã chưa hoàn thành quy hoạch."},
        {"diem": "24/7 trực ban phòng, chống thiên tai."},
    ],
)
def test_text_that_starts_like_a_numeral_is_not_named(tmp_path: Path, block: dict) -> None:
    write_notice(tmp_path, noi_dung__2=block)
    result = render_cli(["check", "--strict", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 0, result.output


def test_a_value_wholly_in_single_curly_quotes_is_named(tmp_path: Path) -> None:
    write_notice(tmp_path, dia_danh="‘Quảng Nam’")
    assert _strict(tmp_path) == [
        "a.yaml:8:11: cảnh báo: dia_danh: cả giá trị ‘Quảng Nam’ nằm trong dấu nháy đơn, sẽ in ra cả hai dấu nháy"
        " (YAML không cần dấu nháy đơn này; xóa dấu ‘ ở đầu và dấu ’ ở cuối)"
    ]


# --- the drafter's mark: a slip that is not a unit is not told it reads as one --------------------


@pytest.mark.parametrize(
    ("mark", "line"),
    [
        (
            "sơn",
            "a.yaml:26:13: nguoi_soan: ký hiệu người soạn thảo “sơn” không đúng dạng (viết tên, viết hoa chữ đầu"
            " (nguoi_soan: Sơn), mã in hoa có dấu chấm như “PL.(300)” của Nghị định (nguoi_soan: PL.) hoặc cả hai (nguoi_soan: NC.Châu))",
        ),
        (
            "Sơn 05",
            "a.yaml:26:13: nguoi_soan: ký hiệu người soạn thảo “Sơn 05” có cả số bản (ghi số bản riêng: nguoi_soan: Sơn và so_ban: 05)",
        ),
        (
            "PL.(300)",
            "a.yaml:26:13: nguoi_soan: ký hiệu người soạn thảo “PL.(300)” có cả số bản (ghi số bản riêng: nguoi_soan: PL. và so_ban: 300)",
        ),
        (
            "KGVX",
            "a.yaml:26:13: nguoi_soan: ký hiệu người soạn thảo “KGVX” đọc như tên đơn vị (viết tên (nguoi_soan: Sơn), mã in hoa"
            " có dấu chấm như “PL.(300)” của Nghị định (nguoi_soan: KGVX.) hoặc cả hai (nguoi_soan: NC.Châu))",
        ),
    ],
)
def test_a_drafter_mark_that_is_no_mark_is_named_for_what_it_is(tmp_path: Path, mark: str, line: str) -> None:
    write_notice(tmp_path, nguoi_soan=mark)
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert _problems(result.output) == [line]


def test_a_date_left_as_gaps_between_slashes_is_named(tmp_path: Path) -> None:
    write_notice(tmp_path, noi_dung__1="Ngày …/…/2026, đồng chí Hồ Quang Bửu chủ trì Hội nghị.")
    assert _strict(tmp_path) == ["a.yaml:13:5: noi_dung[1]: còn chỗ trống “Ngày …” chưa điền (thay “…” bằng nội dung thật)"]


def test_half_of_a_bold_pair_that_the_grammar_reads_as_italics_is_named(tmp_path: Path) -> None:
    # "**Sở Tài chính*" printed "*" and then "Sở Tài chính" in italics, and no check said so.
    write_notice(tmp_path, noi_dung__2={"khoan": "**Sở Tài chính* chủ trì, phối hợp các sở."})
    assert _strict(tmp_path) == [
        "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: dấu “**” (in đậm) ở “**Sở Tài chính* chủ trì,…” không có dấu đóng,"
        " sẽ in ra nguyên văn (thêm “**” ở cuối chữ cần in đậm, hoặc viết \\*\\* để in dấu sao)"
    ]
