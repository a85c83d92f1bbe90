"""Slips in the source itself are named at their line, in words that lead to the fix.

`noi_nhan_them` written as one string, a date typed day-first that is not on the calendar, a space
pasted from Word in the indentation, a template that does not exist or cannot be used: each is an
error at the notice's line (never blamed on `tbkl.yaml`), so `tbkl check --strict` exits 1
naming file and line and `tbkl render --strict` writes nothing; and `tbkl check` refuses every
template `tbkl render` would refuse.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from conftest import render_cli
from docx_text import document_lines
from factories import Raw, notice_yaml

SUMMARY = re.compile(r"^(Đã kiểm tra |Đã tạo )")


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and not SUMMARY.match(line)]


def strict_check(folder: Path, name: str = "a.yaml") -> list[str]:
    """Run `tbkl check --strict NAME` in folder; return its problem lines (it must exit 1)."""
    result = render_cli(["check", "--strict", name], cwd=folder)
    assert result.exit_code == 1, result.output
    return problem_lines(result.output)


def strict_render_writes_nothing(folder: Path, name: str = "a.yaml", *extra: str) -> list[str]:
    """Run `tbkl render --strict NAME`; it must exit 1 and write no .docx. Return its problem lines."""
    result = render_cli(["render", "--strict", *extra, name, "-o", "out"], cwd=folder)
    assert result.exit_code == 1, result.output
    assert not (folder / "out").exists() or list((folder / "out").rglob("*.docx")) == []
    return problem_lines(result.stderr)


def write(folder: Path, text: str, name: str = "a.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- noi_nhan_them written as one string ---------------------------------------------------------

OFFICE = """\
mac_dinh:
  noi_nhan:
    - Như trên
    - Lãnh đạo Văn phòng
"""


def test_extra_recipients_as_one_string_ask_for_a_list_at_the_notice_line(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(noi_nhan_them="Sở Tài chính"))
    expected = [
        "a.yaml:26:16: noi_nhan_them: cần danh sách, nhưng gặp chuỗi “Sở Tài chính” "
        "(viết noi_nhan_them: [Sở Tài chính], hoặc “noi_nhan_them:” rồi “- Sở Tài chính” ở dòng dưới, thụt lề)"
    ]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


def test_extra_recipients_as_one_string_over_office_defaults_do_not_blame_tbkl_yaml(tmp_path: Path) -> None:
    write(tmp_path, OFFICE, "tbkl.yaml")
    text = "".join(line for line in notice_yaml().splitlines(keepends=True) if not line.startswith(("noi_nhan:", "  - C")))
    write(tmp_path, text + "noi_nhan_them: Sở Tài chính\n")
    expected = [
        "a.yaml:23:16: noi_nhan_them: cần danh sách, nhưng gặp chuỗi “Sở Tài chính” "
        "(viết noi_nhan_them: [Sở Tài chính], hoặc “noi_nhan_them:” rồi “- Sở Tài chính” ở dòng dưới, thụt lề)"
    ]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


def test_extra_recipients_with_a_comma_are_shown_in_the_dash_form(tmp_path: Path) -> None:
    # in brackets the comma would split the text: only the dash form keeps it one recipient
    write(tmp_path, notice_yaml(noi_nhan_them="Sở Tài chính, Sở Xây dựng"))
    assert strict_check(tmp_path) == [
        "a.yaml:26:16: noi_nhan_them: cần danh sách, nhưng gặp chuỗi “Sở Tài chính, Sở Xây dựng” "
        "(viết “noi_nhan_them:” rồi “- Sở Tài chính, Sở Xây dựng” ở dòng dưới, thụt lề)"
    ]


def test_extra_recipients_as_a_number_ask_for_a_list(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(noi_nhan_them=Raw("5")))
    assert strict_check(tmp_path) == [
        "a.yaml:26:16: noi_nhan_them: cần danh sách, nhưng gặp số 5 "
        "(viết “noi_nhan_them:” rồi mỗi mục một dòng bắt đầu bằng “- ”, thụt lề bên dưới)"
    ]


@pytest.mark.parametrize("written", ["noi_nhan_them: [Sở Tài chính]\n", "noi_nhan_them:\n  - Sở Tài chính\n"])
def test_the_list_forms_the_hint_shows_put_the_recipient_first(written: str, tmp_path: Path) -> None:
    write(tmp_path, OFFICE, "tbkl.yaml")
    text = "".join(line for line in notice_yaml().splitlines(keepends=True) if not line.startswith(("noi_nhan:", "  - C")))
    write(tmp_path, text + written)
    result = render_cli(["render", "--strict", "a.yaml", "-o", "out"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    lines = document_lines(tmp_path / "out" / "a.docx")
    first = lines.index("- Sở Tài chính;")
    assert lines[first + 1 : first + 3] == ["- Như trên;", "- Lãnh đạo Văn phòng;"]


# --- dates typed in another form -----------------------------------------------------------------

IMPOSSIBLE = "ngày 31/02/2026 không tồn tại: tháng 2 năm 2026 chỉ có 28 ngày"
EXPECTED_ISSUE = "cần ngày dạng ngày/tháng/năm như 22/12/2021 (hoặc tháng/năm, năm khi dự thảo chưa có ngày)"
EXPECTED_MEETING = "cần ngày dạng ngày/tháng/năm như 22/12/2021"


def test_an_impossible_date_written_day_first_is_named(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(ngay=Raw("31/02/2026")))
    expected = ["a.yaml:9:7: ngay: ngày không tồn tại: 31/02/2026 (tháng 2 năm 2026 chỉ có 28 ngày)"]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected
    write(tmp_path, notice_yaml(ngay_hop=Raw("30/2/2026")))
    assert strict_check(tmp_path) == ["a.yaml:10:11: ngay_hop: ngày không tồn tại: 30/02/2026 (tháng 2 năm 2026 chỉ có 28 ngày)"]


@pytest.mark.parametrize("typed", ["31-02-2026", "2026/02/31", "31.02.2026"])
def test_an_impossible_date_typed_in_another_form_is_said_not_to_exist(typed: str, tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(ngay=Raw(typed)))
    expected = [f"a.yaml:9:7: ngay: {EXPECTED_ISSUE}, nhưng gặp chuỗi “{typed}” ({IMPOSSIBLE})"]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


@pytest.mark.parametrize("typed", ["31-02-2026", "2026/02/31", "31.02.2026"])
def test_an_impossible_meeting_date_typed_in_another_form_is_said_not_to_exist(typed: str, tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(ngay_hop=Raw(typed)))
    assert strict_check(tmp_path) == [f"a.yaml:10:11: ngay_hop: {EXPECTED_MEETING}, nhưng gặp chuỗi “{typed}” ({IMPOSSIBLE})"]


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("29.02.2025", "ngày 29/02/2025 không tồn tại: tháng 2 năm 2025 chỉ có 28 ngày"),
        ("31-04-2026", "ngày 31/04/2026 không tồn tại: tháng 4 năm 2026 chỉ có 30 ngày"),
        ("12.13.2021", "ngày 12/13/2021 không tồn tại: tháng từ 1 đến 12"),
        ("22-12-2021", "viết ngay_hop: 22/12/2021"),
        ("22.12.2021", "viết ngay_hop: 22/12/2021"),
        ("2021/12/22", "viết ngay_hop: 22/12/2021"),
        ("ngày 22 tháng 12 năm 2021", "viết ngay_hop: 22/12/2021"),
        ("hôm qua", "ví dụ: ngay_hop: 22/12/2021"),
    ],
)
def test_a_meeting_date_hint_gives_the_day_first_form_only_of_a_date_on_the_calendar(typed: str, hint: str, tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(ngay_hop=Raw(typed)))
    assert strict_check(tmp_path) == [f"a.yaml:10:11: ngay_hop: {EXPECTED_MEETING}, nhưng gặp chuỗi “{typed}” ({hint})"]


def test_a_possible_date_typed_with_dots_gets_its_day_first_form(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(ngay=Raw("24.12.2021")))
    assert strict_check(tmp_path) == [f"a.yaml:9:7: ngay: {EXPECTED_ISSUE}, nhưng gặp chuỗi “24.12.2021” (viết ngay: 24/12/2021)"]


# --- spaces that YAML does not count -------------------------------------------------------------

ITEM = "  - khoan: Các Sở"


@pytest.mark.parametrize(
    ("indent", "name"),
    [
        ("\u00a0 ", "dấu cách không ngắt (U+00A0)"),
        ("\u2007 ", "dấu cách chữ số (U+2007)"),
        ("\u202f ", "dấu cách hẹp không ngắt (U+202F)"),
        ("\u3000", "dấu cách toàn khổ (U+3000)"),
    ],
)
def test_an_invisible_space_in_the_indentation_is_named_at_its_line(indent: str, name: str, tmp_path: Path) -> None:
    write(tmp_path, notice_yaml().replace(ITEM, indent + ITEM.lstrip(" ")))
    expected = [f"a.yaml:14:1: dòng 14 có một {name} ở đầu dòng, YAML không coi là dấu cách (hãy xóa rồi gõ lại bằng phím cách)"]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


def test_an_invisible_space_inside_the_indentation_is_named_at_its_column(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml().replace(ITEM, " \u00a0" + ITEM.lstrip(" ")))
    assert strict_check(tmp_path) == [
        "a.yaml:14:2: dòng 14 có một dấu cách không ngắt (U+00A0) ở cột 2, trong phần thụt lề, YAML không coi là dấu cách "
        "(hãy xóa rồi gõ lại bằng phím cách)"
    ]


def test_an_invisible_space_after_a_dash_is_named(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml().replace(ITEM, "  -\u00a0khoan: Các Sở"))
    assert strict_check(tmp_path) == [
        "a.yaml:14:4: dòng 14 có một dấu cách không ngắt (U+00A0) ở cột 4, trong phần thụt lề, YAML không coi là dấu cách "
        "(hãy xóa rồi gõ lại bằng phím cách)"
    ]


def test_an_invisible_space_deeper_in_the_file_is_named(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml().replace("    - TL. CHỦ TỊCH", "\u00a0   - TL. CHỦ TỊCH"))
    assert strict_check(tmp_path) == [
        "a.yaml:22:1: dòng 22 có một dấu cách không ngắt (U+00A0) ở đầu dòng, YAML không coi là dấu cách (hãy xóa rồi gõ lại bằng phím cách)"
    ]


def test_an_invisible_space_that_yaml_reads_without_complaint_is_named_too(tmp_path: Path) -> None:
    # YAML takes "\u00a0 ho_ten" for a key of its own: the notice loses its signer's name in silence
    write(tmp_path, notice_yaml().replace("  ho_ten:", "\u00a0 ho_ten:"))
    expected = [
        "a.yaml:21:3: nguoi_ky.ho_ten: thiếu họ tên người ký (ví dụ: ho_ten: Trần Thị Bình)",
        "a.yaml:25:1: dòng 25 có một dấu cách không ngắt (U+00A0) ở đầu dòng, YAML không coi là dấu cách (hãy xóa rồi gõ lại bằng phím cách)",
    ]  # and not "unknown key “\u00a0 ho_ten”": the same slip
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


def test_an_invisible_dash_space_that_folds_a_list_is_named(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml().replace("  - CT, các PCT", "  -\u00a0CT, các PCT"))
    assert strict_check(tmp_path) == [
        "a.yaml:17:4: dòng 17 có một dấu cách không ngắt (U+00A0) ở cột 4, trong phần thụt lề, YAML không coi là dấu cách "
        "(hãy xóa rồi gõ lại bằng phím cách)",
        "a.yaml:18:3: noi_nhan: dòng này bị gộp vào giá trị ở dòng 17 vì thụt lề lệch (cho các mục “- ” của cùng danh sách thẳng cột với nhau)",
    ]


def test_a_tab_in_the_indentation_keeps_its_message(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml().replace(ITEM, "\t- khoan: Các Sở"))
    assert strict_check(tmp_path) == ["a.yaml:14:1: dùng ký tự tab để thụt lề (thụt lề bằng dấu cách, không dùng tab)"]


def test_a_non_breaking_space_opening_a_line_of_a_text_block_is_not_indentation(tmp_path: Path) -> None:
    block = "  - |\n    Ngày 22/12/2021,\n    \u00a0\u00a0đồng chí chủ trì."
    write(tmp_path, notice_yaml().replace("  - Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị.", block))
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert "U+00A0" not in result.output and "YAML không coi là dấu cách" not in result.output


def test_a_non_breaking_space_inside_a_value_is_text(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(dia_danh="Quảng\u00a0Nam"))
    result = render_cli(["check", "--strict", "a.yaml"], cwd=tmp_path)
    assert "U+00A0" not in result.output


# --- check refuses every template render refuses --------------------------------------------------

MISSPELT = "không tìm thấy mẫu “ubnd-tinhh”; các mẫu có sẵn: so-nganh, ubnd-tinh, ubnd-tinh-lanh-dao, ubnd-xa, van-phong"


def test_a_misspelt_template_in_the_notice_is_refused_by_check_and_render(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml(mau="ubnd-tinhh"))
    expected = [f"a.yaml:26:6: mau: {MISSPELT}"]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


def test_a_misspelt_template_in_tbkl_yaml_is_refused_by_check_and_render(tmp_path: Path) -> None:
    write(tmp_path, "mau: ubnd-tinhh\n", "tbkl.yaml")
    write(tmp_path, notice_yaml())
    expected = [f"tbkl.yaml:1:6: mau: {MISSPELT}"]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


def test_a_misspelt_template_given_on_the_command_line_is_refused_by_render(tmp_path: Path) -> None:
    write(tmp_path, notice_yaml())
    assert strict_render_writes_nothing(tmp_path, "a.yaml", "--template", "ubnd-tinhh") == [f"--template: {MISSPELT}"]


NOT_A_DOCX = "mẫu Word không dùng được: không phải tệp Word .docx (tệp .docx là một gói zip; tệp này có thể là loại khác bị đổi đuôi)"


@pytest.mark.parametrize(
    ("config", "notice_extra", "where"),
    [
        (None, "mau: hong.docx\n", "a.yaml:26:6: mau"),
        ("thu_muc_ra: ra\nmau: hong.docx\n", "", "tbkl.yaml:2:6: mau"),
    ],
)
def test_a_template_that_is_no_docx_is_refused_by_check_as_by_render(
    config: str | None, notice_extra: str, where: str, tmp_path: Path
) -> None:
    # outside the workspace's templates/ folder, which check reads on its own
    (tmp_path / "hong.docx").write_bytes(b"not a zip")
    if config is not None:
        write(tmp_path, config, "tbkl.yaml")
    write(tmp_path, notice_yaml() + notice_extra)
    expected = [f"{where}: {tmp_path.resolve() / 'hong.docx'}: {NOT_A_DOCX}"]
    assert strict_check(tmp_path) == expected
    assert strict_render_writes_nothing(tmp_path) == expected


def test_a_template_given_on_the_command_line_that_is_no_docx_is_refused_by_render(tmp_path: Path) -> None:
    (tmp_path / "hong.docx").write_bytes(b"not a zip")
    write(tmp_path, notice_yaml())
    lines = strict_render_writes_nothing(tmp_path, "a.yaml", "--template", "hong.docx")
    assert lines == [f"--template: {tmp_path.resolve() / 'hong.docx'}: {NOT_A_DOCX}"]


def test_checking_a_notice_with_a_good_template_stays_quiet(tmp_path: Path) -> None:
    write(tmp_path, textwrap.dedent(notice_yaml(mau="ubnd-tinh")))
    result = render_cli(["check", "--strict", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
