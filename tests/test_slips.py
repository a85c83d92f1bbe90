"""The slips a new user makes are named at their line and field, never printed in silence.

Numbers typed in front of blocks the tool numbers, whole values wrapped in quotes, markup left
open, the scaffold's samples left in, an issuer's name on one line too wide for its column: each
is a warning that `--strict` makes an error, so `tbkl check --strict` exits 1 naming the place
and `tbkl render --strict` writes nothing. `tbkl new` names files that do not collide, and `tbkl
init` prints a `cd` the user's shell can run.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from conftest import NOTICES, ROOT, SHARED, SIGNER, fill_in, name_signer, render_cli, shared_file
from factories import notice_yaml, write_notice

from tbkl_gen import markup
from tbkl_gen.samples import SAMPLE_PLACES, SAMPLE_SIGNER
from tbkl_gen.word import layout
from tbkl_gen.nd30.units import WORD_CELL_MARGIN
from tbkl_gen.word.columns import ISSUER_COLUMN

SUMMARY = re.compile(r"^Đã kiểm tra ")


def strict_check(folder: Path, name: str = "a.yaml") -> list[str]:
    """Run `tbkl check --strict NAME` in folder; return its problem lines (it must exit 1)."""
    result = render_cli(["check", "--strict", name], cwd=folder)
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if line and not SUMMARY.match(line)]


def strict_render_writes_nothing(folder: Path, name: str = "a.yaml") -> None:
    result = render_cli(["render", "--strict", name, "-o", "out"], cwd=folder)
    assert result.exit_code == 1, result.output
    assert list((folder / "out").rglob("*.docx")) == []


def clean(folder: Path, name: str = "a.yaml") -> None:
    result = render_cli(["check", "--strict", name], cwd=folder)
    assert result.exit_code == 0, result.output


# --- numbers typed by hand ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "line"),
    [
        (
            {"muc": "I. Đánh giá chung"},
            "a.yaml:14:10: cảnh báo: noi_dung[2].muc: đã gõ số “I.” ở đầu; công cụ tự đánh số mục I., II., … (hãy xóa “I.”)",
        ),
        (
            {"muc": "II) Nhiệm vụ"},
            "a.yaml:14:10: cảnh báo: noi_dung[2].muc: đã gõ số “II)” ở đầu; công cụ tự đánh số mục I., II., … (hãy xóa “II)”)",
        ),
        (
            {"khoan": "1. Sở Tài chính chủ trì."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “1.” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “1.”)",
        ),
        (
            {"khoan": "1) Sở Tài chính chủ trì."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “1)” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “1)”)",
        ),
        (
            {"khoan": "1- Sở Tài chính chủ trì."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “1-” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “1-”)",
        ),
        (
            {"khoan": "2.1. Sở Xây dựng."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “2.1.” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “2.1.”)",
        ),
        (
            {"khoan": "**1. Sở Tài chính** chủ trì."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “1.” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “1.”)",
        ),
        (
            {"khoan": "(2) Sở Xây dựng."},
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: đã gõ số “(2)” ở đầu; công cụ tự đánh số khoản 1., 2., … (hãy xóa “(2)”)",
        ),
        (
            {"diem": "a) Rà soát quy hoạch."},
            "a.yaml:14:11: cảnh báo: noi_dung[2].diem: đã gõ chữ “a)” ở đầu; công cụ tự đánh chữ điểm a), b), … (hãy xóa “a)”)",
        ),
        (
            {"diem": "b. Rà soát quy hoạch."},
            "a.yaml:14:11: cảnh báo: noi_dung[2].diem: đã gõ chữ “b.” ở đầu; công cụ tự đánh chữ điểm a), b), … (hãy xóa “b.”)",
        ),
        (
            {"gach": "- Rà soát quy hoạch."},
            "a.yaml:14:11: cảnh báo: noi_dung[2].gach: đã gõ dấu “-” ở đầu; công cụ tự thêm dấu “-” đầu dòng (hãy xóa “-”)",
        ),
        (
            {"gach": "– Về quy hoạch."},
            "a.yaml:14:11: cảnh báo: noi_dung[2].gach: đã gõ dấu “–” ở đầu; công cụ tự thêm dấu “-” đầu dòng (hãy xóa “–”)",
        ),
        (
            {"gach": "• Rà soát quy hoạch."},
            "a.yaml:14:11: cảnh báo: noi_dung[2].gach: đã gõ dấu “•” ở đầu; công cụ tự thêm dấu “-” đầu dòng (hãy xóa “•”)",
        ),
        (
            {"cong": "+ Rà soát quy hoạch."},
            "a.yaml:14:11: cảnh báo: noi_dung[2].cong: đã gõ dấu “+” ở đầu; công cụ tự thêm dấu “+” đầu dòng (hãy xóa “+”)",
        ),
    ],
)
def test_a_number_typed_before_a_numbered_block_is_named(tmp_path: Path, block: dict, line: str) -> None:
    write_notice(tmp_path, noi_dung__2=block)
    assert strict_check(tmp_path) == [line]
    strict_render_writes_nothing(tmp_path)


@pytest.mark.parametrize(
    "block",
    [
        {"khoan": "2026 là năm bản lề của kế hoạch 5 năm."},
        {"khoan": "1.000 tỷ đồng được bố trí cho dự án."},
        {"khoan": "1,5 tỷ đồng còn lại chuyển sang năm sau."},
        {"khoan": "15 - 20% số xã chưa hoàn thành quy hoạch."},
        {"khoan": "2021-2025 là giai đoạn chuẩn bị."},
        {"khoan": "A Lưới và Nam Đông phối hợp thực hiện."},
        {"khoan": "Về quy hoạch chung xã."},
        {"muc": "Đánh giá chung"},
        {"diem": "Ít nhất 3 lần mỗi năm."},
        {"gach": "-5% so với cùng kỳ là mức giảm cho phép."},
        "1. Một đoạn văn bắt đầu bằng số là lựa chọn của người soạn.",
        "- Một đoạn văn bắt đầu bằng gạch cũng vậy.",
    ],
)
def test_text_that_only_looks_like_a_label_is_not_named(tmp_path: Path, block: dict | str) -> None:
    write_notice(tmp_path, noi_dung__2=block)
    clean(tmp_path)


# --- whole values in quotes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        (
            {"noi_dung__1": "“Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị.”"},
            "a.yaml:13:5: cảnh báo: noi_dung[1]: cả giá trị “Ngày 22/12/2021, đồng chí Hồ Quang Bửu c…” nằm trong ngoặc kép,"
            " sẽ in ra cả hai dấu ngoặc (YAML không cần ngoặc kép này; xóa dấu “ ở đầu và dấu ” ở cuối)",
        ),
        (
            {"trich_yeu": "“Kết luận của đồng chí Hồ Quang Bửu tại Hội nghị”"},
            "a.yaml:11:12: cảnh báo: trich_yeu: cả giá trị “Kết luận của đồng chí Hồ Quang Bửu tại H…” nằm trong ngoặc kép,"
            " sẽ in ra cả hai dấu ngoặc (YAML không cần ngoặc kép này; xóa dấu “ ở đầu và dấu ” ở cuối)",
        ),
        (
            {"nguoi_ky__ho_ten": "“Võ Văn Viên”"},
            "a.yaml:25:11: nguoi_ky.ho_ten: cả giá trị “Võ Văn Viên” nằm trong ngoặc kép,"
            " sẽ in ra cả hai dấu ngoặc (YAML không cần ngoặc kép này; xóa dấu “ ở đầu và dấu ” ở cuối)",
        ),
        (
            {"nguoi_ky__ho_ten": '"Võ Văn Viên"'},
            'a.yaml:25:11: nguoi_ky.ho_ten: cả giá trị "Võ Văn Viên" nằm trong ngoặc kép,'
            ' sẽ in ra cả hai dấu ngoặc (YAML không cần ngoặc kép này; xóa dấu " ở đầu và dấu " ở cuối)',
        ),
    ],
)
def test_a_value_wholly_in_quotes_is_named(tmp_path: Path, overrides: dict, line: str) -> None:
    write_notice(tmp_path, **overrides)
    assert strict_check(tmp_path) == [line]
    strict_render_writes_nothing(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "“Nâng cao năng lực cạnh tranh” là chủ đề của năm.",
        "Thực hiện phương châm “nói đi đôi với làm”.",
        "“Ba rõ” và “năm đảm bảo” được quán triệt.",
    ],
)
def test_quotes_inside_a_text_are_typography(tmp_path: Path, text: str) -> None:
    write_notice(tmp_path, noi_dung__1=text)
    clean(tmp_path)


# --- markup left open --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "**Sở Tài chính chủ trì, phối hợp các sở.",
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: dấu “**” (in đậm) ở “**Sở Tài chính chủ trì, …” không có dấu đóng,"
            " sẽ in ra nguyên văn (thêm “**” ở cuối chữ cần in đậm, hoặc viết \\*\\* để in dấu sao)",
        ),
        (
            "Sở Tài chính *chủ trì, phối hợp các sở.",
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: dấu “*” (in nghiêng) ở “*chủ trì, phối hợp các s…” không có dấu đóng,"
            " sẽ in ra nguyên văn (thêm “*” ở cuối chữ cần in nghiêng, hoặc viết \\* để in dấu sao)",
        ),
        (
            "Sở Tài chính chủ trì^[theo Quyết định số 12/QĐ-UBND.",
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: chú thích “^[” ở “^[theo Quyết định số 12/…” không có dấu đóng,"
            " sẽ in ra nguyên văn (thêm “]” ở cuối chú thích)",
        ),
        (
            "**Sở Tài chính *chủ trì** phối hợp.",
            "a.yaml:14:12: cảnh báo: noi_dung[2].khoan: dấu “*” (in nghiêng) ở “*chủ trì** phối hợp.” không có dấu đóng,"
            " sẽ in ra nguyên văn (thêm “*” ở cuối chữ cần in nghiêng, hoặc viết \\* để in dấu sao)",
        ),
    ],
)
def test_markup_left_open_is_named(tmp_path: Path, text: str, line: str) -> None:
    write_notice(tmp_path, noi_dung__2={"khoan": text})
    assert strict_check(tmp_path) == [line]
    strict_render_writes_nothing(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "Sở **Tài chính** chủ trì, *phối hợp* các sở^[Quyết định số 12/QĐ-UBND].",
        "Số liệu ước tính (*) và 5 * 3 hay 7*7 không phải chữ nghiêng.",
        "Viết \\*\\*, \\* và \\^[ để in đúng các dấu này.",
    ],
)
def test_closed_or_escaped_markup_is_fine(tmp_path: Path, text: str) -> None:
    write_notice(tmp_path, noi_dung__2={"khoan": text})
    clean(tmp_path)


def test_the_checks_and_the_layout_read_one_markup_grammar() -> None:
    assert layout.parse_inline is markup.parse_inline
    text = "**mở mà không đóng và *nghiêng*"
    printed = "".join(span.text for span in markup.parse_inline(text, []))
    assert printed.startswith("**")  # what the layout prints as typed …
    assert list(markup.unpaired_marks(text)) == [("**", 0)]  # … is what the check names


# --- the scaffold's samples --------------------------------------------------------------------


def refused_check(folder: Path, name: str = "a.yaml") -> list[str]:
    """Run `tbkl check NAME` (not strict) in folder; return its problem lines (it must exit 1)."""
    result = render_cli(["check", name], cwd=folder)
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if line and not SUMMARY.match(line)]


def signer_line(workspace: Path) -> int:
    """The line of the signer's name in the tbkl.yaml `tbkl init` wrote (its layout may grow)."""
    lines = (workspace / "tbkl.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.lstrip().startswith("ho_ten:"))


def test_a_new_notice_from_the_scaffold_does_not_pass_check(tmp_path: Path) -> None:
    # A sample is an error, never a fallback: the skeleton's gaps and sentences, and the signer's
    # name `tbkl init` leaves blank for the office to write once, stop the notice from rendering.
    assert render_cli(["init", str(tmp_path / "ws")]).exit_code == 0
    workspace = tmp_path / "ws"
    assert render_cli(["new", "Kết luận họp giao ban tháng 3", "--ten", "giao-ban"], cwd=workspace).exit_code == 0
    year = next((workspace / "notices").iterdir()).name
    notice = f"notices/{year}/giao-ban.yaml"
    assert refused_check(workspace, notice) == [
        f"{notice}:9:5: noi_dung[1]: còn chỗ trống “Ngày …” chưa điền (thay “…” bằng nội dung thật)",
        f"{notice}:10:5: noi_dung[2]: còn chỗ trống “Sau khi nghe …” chưa điền (thay “…” bằng nội dung thật)",
        f"{notice}:11:12: noi_dung[3].khoan: còn câu mẫu của tbkl new “Nội dung kết luận thứ nhất.” (thay bằng nội dung kết luận thật)",
        f"{notice}:12:12: noi_dung[4].khoan: còn câu mẫu của tbkl new “Nội dung kết luận thứ hai.” (thay bằng nội dung kết luận thật)",
        f"{notice}:14:15: noi_dung[4].noi_dung[1].gach: còn chỗ trống “Việc giao cho …” chưa điền (thay “…” bằng nội dung thật)",
        f"tbkl.yaml:{signer_line(workspace)}:5: nguoi_ky.ho_ten: thiếu họ tên người ký (ví dụ: ho_ten: {SIGNER})",
    ]
    result = render_cli(["render", notice, "-o", "out"], cwd=workspace)
    assert result.exit_code == 1, result.output
    assert list((workspace / "out").rglob("*.docx")) == []
    fill_in(workspace / notice)
    name_signer(workspace)
    result = render_cli(["render", notice, "-o", "out", "--strict"], cwd=workspace)
    assert result.exit_code == 0, result.output


def test_the_sample_signer_is_an_error_not_a_name(tmp_path: Path) -> None:
    # Workspaces made before tbkl init left the name blank hold the sample: it must never print.
    assert render_cli(["init", str(tmp_path / "ws"), "--nguoi-ky", SAMPLE_SIGNER]).exit_code == 0
    workspace = tmp_path / "ws"
    write_notice(workspace, text="trich_yeu: Kết luận họp thử\nngay: 14/3/2026\nnoi_dung:\n  - Nội dung kết luận./.\n")
    assert refused_check(workspace) == [
        f"tbkl.yaml:{signer_line(workspace)}:13: nguoi_ky.ho_ten: họ tên người ký “{SAMPLE_SIGNER}” là tên mẫu, không phải người ký thật"
        " (ghi họ tên người ký thật vào nguoi_ky.ho_ten)"
    ]


def test_a_gap_left_in_the_summary_is_named(tmp_path: Path) -> None:
    write_notice(tmp_path, trich_yeu="Kết luận của đồng chí … tại cuộc họp về …")
    assert refused_check(tmp_path) == ["a.yaml:11:12: trich_yeu: còn chỗ trống “của đồng chí …” chưa điền (thay “…” bằng nội dung thật)"]


def test_a_gap_of_three_dots_is_named_with_them(tmp_path: Path) -> None:
    write_notice(tmp_path, noi_dung__1="Ngày 22/12/2021, đồng chí ... chủ trì Hội nghị.")
    assert refused_check(tmp_path) == [
        "a.yaml:13:5: noi_dung[1]: còn chỗ trống “22/12/2021, đồng chí ...” chưa điền (thay “...” bằng nội dung thật)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Các loại cây trồng chủ lực (cà phê, chè…) được ưu tiên.",
        "Trên cơ sở Quy hoạch tỉnh mới,…và xác định rõ mối liên hệ.",
        "Các sở, ban, ngành, … phối hợp thực hiện.",
    ],
)
def test_an_ellipsis_of_the_drafter_is_not_a_gap(tmp_path: Path, text: str) -> None:
    write_notice(tmp_path, noi_dung__1=text)
    clean(tmp_path)


def test_the_sample_place_left_beside_another_office_is_named(tmp_path: Path) -> None:
    write_notice(tmp_path, dia_danh="Lâm Đồng")
    assert strict_check(tmp_path) == [
        "a.yaml:8:11: cảnh báo: dia_danh: địa danh “Lâm Đồng” là giá trị mẫu do tbkl init ghi, nhưng tên cơ quan không có"
        " “LÂM ĐỒNG” (ghi tên tỉnh hoặc xã nơi cơ quan đóng trụ sở vào dia_danh)"
    ]
    strict_render_writes_nothing(tmp_path)


def test_the_sample_office_left_beside_another_place_is_named(tmp_path: Path) -> None:
    write_notice(tmp_path, co_quan__ten=["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"])
    assert strict_check(tmp_path) == [
        "a.yaml:5:7: cảnh báo: co_quan.ten[2]: tên cơ quan có “LÂM ĐỒNG” của mẫu do tbkl init ghi, nhưng địa danh là"
        " “Quảng Nam” (sửa tên cơ quan cho đúng, hoặc ghi dia_danh: Lâm Đồng)"
    ]


def test_an_office_of_the_sample_place_is_fine(tmp_path: Path) -> None:
    write_notice(tmp_path, co_quan__ten=["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], dia_danh="Lâm Đồng")
    clean(tmp_path)


def test_the_samples_are_declared_once_for_the_scaffold_and_the_check() -> None:
    index = json.loads((ROOT / "templates" / "index.json").read_text(encoding="utf-8"))
    # no template carries a signer's name: tbkl init leaves it blank (or writes --nguoi-ky), never the sample
    assert {entry["mac_dinh"]["nguoi_ky"]["ho_ten"] for entry in index.values()} == {None}
    assert {entry["mac_dinh"]["dia_danh"] for entry in index.values()} == set(SAMPLE_PLACES)


# --- the issuer's name on one line -------------------------------------------------------------


def test_an_issuer_name_too_wide_for_its_column_shows_the_list_form(tmp_path: Path) -> None:
    text = notice_yaml().replace("  ten:\n    - ỦY BAN NHÂN DÂN\n    - TỈNH QUẢNG NAM\n", "  ten: ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM\n\n\n")
    write_notice(tmp_path, text=text)
    assert strict_check(tmp_path) == [
        "a.yaml:3:8: cảnh báo: co_quan.ten: dòng tên cơ quan “ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM” rộng 86 mm, cột tên cơ quan"
        " chỉ rộng 66 mm nên sẽ bị ngắt dòng tùy ý (mỗi dòng in một chuỗi, ví dụ ten: [ỦY BAN NHÂN DÂN, TỈNH QUẢNG NAM])"
    ]
    strict_render_writes_nothing(tmp_path)


def test_a_very_long_issuer_line_is_named_at_once(tmp_path: Path) -> None:
    write_notice(tmp_path, co_quan__ten=["ỦY BAN NHÂN DÂN", " ".join(["TỈNH"] * 150)])
    started = time.monotonic()
    (line,) = strict_check(tmp_path)
    assert time.monotonic() - started < 5  # every split into 2-4 lines of 150 words took minutes
    assert line.endswith("(viết tắt hoặc chia thành nhiều dòng ngắn hơn, ví dụ ten: [DÒNG 1, DÒNG 2])")


def test_a_parent_line_too_wide_for_its_column_asks_for_the_abbreviation(tmp_path: Path) -> None:
    write_notice(tmp_path, co_quan__chu_quan="BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    (line,) = strict_check(tmp_path)
    assert re.match(r"a\.yaml:\d+:\d+: cảnh báo: ", line)
    assert line.endswith(
        "cảnh báo: co_quan.chu_quan: dòng cơ quan chủ quản “BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG” rộng 77 mm, cột tên cơ quan chỉ rộng"
        " 66 mm nên sẽ bị ngắt dòng tùy ý (dòng cơ quan chủ quản được viết tắt những cụm từ thông dụng, ví dụ “BỘ NN&MT”,"
        " “UBND TỈNH LÂM ĐỒNG”)"
    )
    strict_render_writes_nothing(tmp_path)
    write_notice(tmp_path, co_quan__chu_quan="BỘ NN&MT")
    clean(tmp_path)


def test_the_issuer_column_is_the_named_templates(tmp_path: Path) -> None:
    write_notice(tmp_path, co_quan__ten=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"], dia_danh="Thành phố Hồ Chí Minh")
    clean(tmp_path)  # 60 mm: fits the widest built-in column, the only one known without mau
    write_notice(tmp_path, co_quan__ten=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"], dia_danh="Thành phố Hồ Chí Minh", mau="ubnd-tinh")
    assert strict_check(tmp_path) == [
        "a.yaml:5:7: cảnh báo: co_quan.ten[2]: dòng tên cơ quan “THÀNH PHỐ HỒ CHÍ MINH” rộng 60 mm, cột tên cơ quan"
        " chỉ rộng 58 mm nên sẽ bị ngắt dòng tùy ý (mỗi dòng in một chuỗi, ví dụ ten: [ỦY BAN NHÂN DÂN, THÀNH PHỐ, HỒ CHÍ MINH])"
    ]


def test_the_templates_are_built_with_the_declared_issuer_columns() -> None:
    for name, width in ISSUER_COLUMN.items():
        form = json.loads((ROOT / "templates" / f"{name}.prepared.json").read_text(encoding="utf-8"))
        assert form["widths"][0] == width - 2 * WORD_CELL_MARGIN, name


# --- no false positives on the examples and the real notices -----------------------------------


def test_the_examples_stay_clean_under_strict() -> None:
    result = render_cli(["check", "--strict", str(NOTICES)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 lỗi, 0 cảnh báo.")


REAL = sorted((SHARED / "real").glob("*.txt"))
PRINTED_LABEL = re.compile(r"^(?:[IVX]+\.|\d{1,2}\.|[a-zđ]\)|[-–+])\s+(?=\S)")


def test_the_items_of_the_real_notices_are_not_taken_for_typed_labels(tmp_path: Path) -> None:
    shared_file(REAL[0] if REAL else SHARED / "real" / "*.txt")
    items = []
    for path in REAL:
        for line in path.read_text(encoding="utf-8").splitlines():
            label = PRINTED_LABEL.match(line.strip())
            if label:
                items.append(line.strip()[label.end() :])
    assert len(items) > 40
    write_notice(tmp_path, noi_dung__2={"khoan": "Các sở.", "noi_dung": [{"gach": item} for item in items]})
    result = render_cli(["check", "--format", "json", "a.yaml"], cwd=tmp_path)
    report = json.loads(result.output)
    assert [p for p in report["van_de"] if p["code"] in ("label", "quotes", "markup", "sample")] == []


# --- tbkl new and tbkl init --------------------------------------------------------------------

LONG = "Kết luận của đồng chí Nguyễn Văn B, Phó Chủ tịch UBND tỉnh tại cuộc họp về dự án hồ chứa nước Ka Zam"
OTHER = "Kết luận của đồng chí Nguyễn Văn B, Phó Chủ tịch UBND tỉnh tại cuộc họp về dự án đường cao tốc"
STEM = "ket-luan-cua-dong-chi-nguyen-van-b-pho-chu-tich-ubnd-tinh-tai-cuoc-hop-ve-du-an"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    assert render_cli(["init", str(tmp_path / "ws")]).exit_code == 0
    return tmp_path / "ws"


def test_new_gives_another_title_that_starts_alike_its_own_file(workspace: Path) -> None:
    first = render_cli(["new", LONG], cwd=workspace)
    second = render_cli(["new", OTHER], cwd=workspace)
    year = next((workspace / "notices").iterdir()).name
    assert first.output.strip() == f"đã tạo notices/{year}/{STEM}.yaml"
    assert second.output.strip() == f"đã tạo notices/{year}/{STEM}-2.yaml"
    assert f'trich_yeu: "{OTHER}"' in (workspace / "notices" / year / f"{STEM}-2.yaml").read_text(encoding="utf-8")


def test_new_still_refuses_the_same_title(workspace: Path) -> None:
    render_cli(["new", LONG], cwd=workspace)
    result = render_cli(["new", LONG], cwd=workspace)
    year = next((workspace / "notices").iterdir()).name
    assert result.exit_code == 1
    assert result.output.strip() == f"{(workspace / 'notices' / year / f'{STEM}.yaml').as_posix()}: đã có, không ghi đè"


def test_new_takes_the_file_name_from_ten(workspace: Path) -> None:
    result = render_cli(["new", LONG, "--ten", "KL Ka Zam.yaml"], cwd=workspace)
    year = next((workspace / "notices").iterdir()).name
    assert result.output.strip() == f"đã tạo notices/{year}/kl-ka-zam.yaml"
    outside = render_cli(["new", OTHER, "--ten", "../../ra-ngoai"], cwd=workspace)
    assert outside.output.strip() == f"đã tạo notices/{year}/ra-ngoai.yaml"  # a name, never a path
    again = render_cli(["new", OTHER, "--ten", "kl-ka-zam"], cwd=workspace)
    assert again.exit_code == 1
    assert again.output.strip() == f"{(workspace / 'notices' / year / 'kl-ka-zam.yaml').as_posix()}: đã có, không ghi đè"


def test_init_quotes_a_folder_the_shell_would_split(tmp_path: Path) -> None:
    folder = "Văn phòng UBND Lâm Đồng"
    result = render_cli(["init", folder], cwd=tmp_path)
    assert result.output.splitlines()[-1] == (
        f'Tiếp theo: sửa {folder}/tbkl.yaml cho đúng cơ quan và điền họ tên người ký (nguoi_ky.ho_ten), rồi: cd "{folder}" && tbkl new "Kết luận …"'
    )
    if os.name != "nt":
        dollar = render_cli(["init", "vp $HOME"], cwd=tmp_path)
        assert dollar.output.splitlines()[-1].endswith('cd "vp \\$HOME" && tbkl new "Kết luận …"')
    plain = render_cli(["init", "vp-lam-dong"], cwd=tmp_path)
    assert (
        plain.output.splitlines()[-1]
        == 'Tiếp theo: sửa vp-lam-dong/tbkl.yaml cho đúng cơ quan và điền họ tên người ký (nguoi_ky.ho_ten), rồi: cd vp-lam-dong && tbkl new "Kết luận …"'
    )


# --- slips of our own renderer, found on real files ----------------------------------------------


def _last_paragraph(docx: Path) -> str:
    import docx as python_docx

    body = [p.text for p in python_docx.Document(str(docx)).paragraphs if p.text.strip()]
    return body[-1]


def test_an_italic_closing_line_with_its_end_mark_reimports_and_renders_with_one_mark(tmp_path: Path) -> None:
    # A real closing line: "(Đính kèm …)." in italics, then "/." upright. The importer keeps the
    # runs as written, and the layout, reading the paragraph as printed, adds no second mark.
    source = write_notice(tmp_path, noi_dung__3="*(Đính kèm Kế hoạch số 12/KH-UBND).*/.")
    assert render_cli(["render", str(source), "-o", str(tmp_path / "first"), "--quiet"]).exit_code == 0
    assert _last_paragraph(tmp_path / "first" / "a.docx") == "(Đính kèm Kế hoạch số 12/KH-UBND)./."
    imported = render_cli(["import", str(tmp_path / "first" / "a.docx"), "-o", str(tmp_path / "src")])
    assert imported.exit_code == 0, imported.output
    again = render_cli(["render", str(tmp_path / "src" / "a.yaml"), "-o", str(tmp_path / "again"), "--quiet"])
    assert again.exit_code == 0, again.output
    assert _last_paragraph(tmp_path / "again" / "a.docx") == "(Đính kèm Kế hoạch số 12/KH-UBND)./."
    audited = render_cli(["check", "--docx", str(tmp_path / "again" / "a.docx")])
    assert audited.exit_code == 0, audited.output


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("*(Đính kèm Kế hoạch).*/.", "(Đính kèm Kế hoạch)./."),
        ("*(Đính kèm Kế hoạch)*./.", "(Đính kèm Kế hoạch)./."),
        ("*(Đính kèm Kế hoạch)*.", "(Đính kèm Kế hoạch)./."),
        ("*(Đính kèm Kế hoạch)*", "(Đính kèm Kế hoạch)./."),
        ("Đề nghị các cơ quan thực hiện.", "Đề nghị các cơ quan thực hiện./."),
        ("Đề nghị các cơ quan thực hiện", "Đề nghị các cơ quan thực hiện./."),
    ],
)
def test_the_end_mark_is_added_once_whatever_runs_the_last_paragraph_holds(tmp_path: Path, typed: str, printed: str) -> None:
    from tbkl_gen.source.load import load_notice

    notice = load_notice(write_notice(tmp_path, noi_dung__3=typed)).notice
    assert notice is not None
    assert layout.lay_out(notice).paragraphs[-1].text == printed


@pytest.mark.parametrize("mark", [":", ";", ",", "?", "!"])
def test_a_last_paragraph_the_end_mark_cannot_close_is_refused(tmp_path: Path, mark: str) -> None:
    # "./." completes the last sentence's full stop (nd30 END_MARK); ":./." or "?./." is never printed.
    write_notice(tmp_path, noi_dung__3=f"Đề nghị các cơ quan thực hiện như sau{mark}")
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert (
        f"a.yaml:15:5: noi_dung[3]: đoạn cuối của nội dung kết thúc bằng “{mark}”, "
        "dấu kết thúc “./.” chỉ đứng sau dấu chấm của câu cuối" in result.output
    )
    assert render_cli(["render", "a.yaml", "-o", "out"], cwd=tmp_path).exit_code == 1
    assert list((tmp_path / "out").rglob("*.docx")) == []


def test_a_question_mark_inside_the_last_paragraph_is_no_concern(tmp_path: Path) -> None:
    write_notice(tmp_path, noi_dung__3="Ai chủ trì? Sở Tài chính chủ trì thực hiện.")
    clean(tmp_path)


@pytest.mark.parametrize(("typed", "hint"), [("0005", "05"), ("0300", "300"), ("0", "300"), ("00", "300")])
def test_copies_with_extra_leading_zeros_are_refused_not_printed(tmp_path: Path, typed: str, hint: str) -> None:
    write_notice(tmp_path, so_ban=typed)
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert (
        f"so_ban: số lượng bản “{typed}” không đúng dạng (viết bằng chữ số, từ 1 đến 9999, chỉ số dưới 10 có số 0 đứng trước, "
        f"ví dụ so_ban: {hint})" in result.output
    )


@pytest.mark.parametrize("luu", ["VT, KGVX, Sơn", "VT, NC.Châu", "VT, KGVX.Sơn", "VT, KGVX (Sơn)", "VT, KGVX Sơn", "VT, KGVX, PL.(3)"])
def test_a_drafter_both_in_luu_and_in_nguoi_soan_is_refused_in_every_form(tmp_path: Path, luu: str) -> None:
    # "VT, NC.Châu" and "VT, KGVX.Sơn" with nguoi_soan printed "VT, NC.Châu, Sơn" and passed; the others were refused.
    write_notice(tmp_path, luu=luu, nguoi_soan="Sơn")
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert f"nguoi_soan: dòng luu “{luu}” đã ghi người soạn thảo (chỉ ghi đơn vị ở luu" in result.output


@pytest.mark.parametrize("luu", ["VT, KGVX 05", "VT, KGVX (05)", "VT, KGVX, Sơn 05", "VT, KGVX, PL.(3)"])
def test_copies_both_in_luu_and_in_so_ban_are_refused(tmp_path: Path, luu: str) -> None:
    write_notice(tmp_path, luu=luu, so_ban="05")
    result = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert f"so_ban: dòng luu “{luu}” đã ghi số bản (chỉ ghi đơn vị ở luu" in result.output


@pytest.mark.parametrize(("luu", "printed"), [("VT, KGVX, Sơn", "VT, KGVX, Sơn (05)"), ("VT, NC.Châu", "VT, NC.Châu (05)")])
def test_a_drafter_in_luu_takes_the_copies_of_so_ban(tmp_path: Path, luu: str, printed: str) -> None:
    from tbkl_gen.source.load import load_notice

    source = write_notice(tmp_path, luu=luu, so_ban="05")
    clean(tmp_path)
    notice = load_notice(source).notice
    assert notice is not None
    assert layout.lay_out(notice).luu == printed


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Ngày xx/xx/2026, đồng chí Hồ Quang Bửu chủ trì Hội nghị.", "Ngày xx/xx/2026,"),
        ("Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị ngày xx tháng 12.", "Hội nghị ngày xx"),
        ("Báo cáo trước ngày XX/XX/2026.", "trước ngày XX/XX/2026."),
    ],
)
def test_a_typed_date_placeholder_is_named_as_a_gap(tmp_path: Path, text: str, named: str) -> None:
    write_notice(tmp_path, noi_dung__1=text)
    lines = refused_check(tmp_path)
    assert len(lines) == 1 and ": noi_dung[1]: còn chỗ trống" in lines[0] and "cảnh báo" not in lines[0], lines
    assert named.rstrip(",.") in lines[0]


@pytest.mark.parametrize("text", ["Đại hội XX của Đảng đã xác định rõ.", "Từ thế kỷ XX đến nay.", "Ngày 12/05/2026, đồng chí A chủ trì."])
def test_twenty_in_roman_numerals_is_not_a_placeholder(tmp_path: Path, text: str) -> None:
    write_notice(tmp_path, noi_dung__1=text)
    clean(tmp_path)


def test_a_place_mistyped_in_the_workspace_prints_no_stand_in(tmp_path: Path) -> None:
    """`dia_dahn:` in tbkl.yaml is named once, with its fix; the stand-in "X" of the missing place is never printed."""
    assert render_cli(["init", "vp"], cwd=tmp_path).exit_code == 0
    folder = tmp_path / "vp"
    config = folder / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  dia_danh:", "  dia_dahn:"), encoding="utf-8")
    assert render_cli(["new", "Kết luận thử", "--ten", "a"], cwd=folder).exit_code == 0
    result = render_cli(["check"], cwd=folder)
    assert result.exit_code == 1, result.output
    assert "“X”" not in result.output
    assert re.search(r"^tbkl\.yaml:\d+:3: dia_dahn: khóa không hợp lệ “dia_dahn” \(có phải ý bạn là “dia_danh”\?\)$", result.output, re.M)
