"""More of the ways real letters and invitations are typed, through import, render and the audit.

`tests/test_kinds.py` holds the first variants (V/v in the number's cell over two lines, in the next
row over one, typed after line breaks; Kính gửi with a list under it or one recipient on its line;
a two-row closing table; a signer with no authority prefix). These are the others an office's
files show: "V/v" in the next row over two and three lines and in the number's cell over three; a
symbol with no unit part ("Số:      /BCĐ", an issuer with no drafting unit); a body whose author
is a steering committee under a people's committee; a signer with no prefix in a two-row closing
table; several recipients under a "Kính gửi:" line of its own in one paragraph broken by lines;
an invitation whose items have titles of their own ending with ":" ("3. Nội dung:" over a list),
which keep it. Each is written with python-docx (one also saved as .doc by LibreOffice), imported
with `tbkl import` as a source of its kind, rendered with `tbkl render` keeping at least 90% of the
original's paragraphs word for word, of the same kind, and passing `tbkl check --docx`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import yaml
from conftest import convert, render_cli
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from test_kinds import LETTER_BODY, _body, _bold, _closing, _kind_of, round_trip


def _header(
    document: docx.document.Document, issuer: tuple[str, ...], number: str, summary: tuple[str, ...], where: str, *, parent: bool = False
) -> None:
    """The header: issuer | national name; number | place and date; and the summary as `where` says:
    "same" (the number's cell, a paragraph a line), "next" (the row under it, a paragraph a line).
    With parent, the issuer's first line is its parent body, not bold."""
    table = document.add_table(rows=3 if where == "next" else 2, cols=2)
    left = table.cell(0, 0)
    for index, line in enumerate(issuer):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = not (parent and index == 0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    right = table.cell(0, 1)
    _bold(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    _bold(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc")
    number_cell = table.cell(1, 0)
    number_cell.paragraphs[0].add_run(f"Số: {number}")
    number_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    date = table.cell(1, 1).paragraphs[0]
    date.add_run("Lâm Đồng, ngày 22 tháng 4 năm 2026").italic = True
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell = number_cell if where == "same" else table.cell(2, 0)
    for index, line in enumerate(summary):
        paragraph = cell.paragraphs[0] if where == "next" and index == 0 else cell.add_paragraph()
        paragraph.add_run(line).font.size = Pt(12)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def letter_of_a_committee(path: Path) -> None:
    """A steering committee's letter: "Số:      /BCĐ" (no unit part), V/v over three lines in the next row,
    several recipients under a "Kính gửi:" line of its own, the signer with no prefix in a two-row closing."""
    document = docx.Document()
    summary = ("V/v đôn đốc triển khai các nhiệm vụ", "chuyển đổi số trọng tâm", "quý II năm 2026")
    _header(document, ("UBND TỈNH LÂM ĐỒNG", "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ"), "/BCĐ", summary, "next", parent=True)
    document.add_paragraph("Kính gửi:").alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (
        "- Các sở, ban, ngành thuộc tỉnh;",
        "- Ủy ban nhân dân các xã, phường, đặc khu;",
        "- Các doanh nghiệp viễn thông trên địa bàn tỉnh.",
    ):
        document.add_paragraph(line).paragraph_format.left_indent = Pt(120)
    _body(document, LETTER_BODY)
    _closing(document, ("- Như trên;", "- Thành viên Ban Chỉ đạo;", "- Lưu: VT, VP."), ("TRƯỞNG BAN",), "Hồ Văn Mười", two_rows=True)
    document.save(str(path))


def letter_summary_in_its_cell(path: Path) -> None:
    """V/v over three paragraphs in the number's own cell, one recipient on the Kính gửi line, the signer
    with no prefix in a two-row closing table."""
    document = docx.Document()
    summary = ("V/v tham mưu tổ chức Hội nghị", "tổng kết công tác cải cách hành chính", "năm 2026 và triển khai nhiệm vụ năm 2027")
    _header(document, ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"), "215/UBND-NC", summary, "same")
    document.add_paragraph("Kính gửi: Sở Nội vụ").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _body(document, LETTER_BODY[:2] + LETTER_BODY[4:])
    _closing(document, ("- Như trên;", "- Lưu: VT, NC."), ("CHỦ TỊCH",), "Trần Hồng Thái", two_rows=True)
    document.save(str(path))


def letter_summary_next_row_two_lines(path: Path) -> None:
    """V/v over two paragraphs in the row under the number; the recipients under a "Kính gửi:" line of its
    own, typed in one paragraph with a line break (Shift+Enter) after each."""
    document = docx.Document()
    summary = ("V/v góp ý dự thảo Kế hoạch", "phát triển hạ tầng số năm 2026")
    _header(document, ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"), "318/UBND-KT", summary, "next")
    document.add_paragraph("Kính gửi:").alignment = WD_ALIGN_PARAGRAPH.CENTER
    recipients = document.add_paragraph()
    recipients.paragraph_format.left_indent = Pt(160)
    run = recipients.add_run("- Sở Tài chính;")
    for line in ("- Sở Xây dựng;", "- Sở Khoa học và Công nghệ."):
        run.add_break()
        run.add_text(line)
    _body(document, LETTER_BODY)
    _closing(
        document,
        ("- Như trên;", "- Lưu: VT, KT."),
        ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        "Nguyễn Ngọc Phúc",
        two_rows=False,
    )
    document.save(str(path))


INVITATION_ITEMS = (
    "1. Chủ trì: Đồng chí Nguyễn Ngọc Phúc - Phó Chủ tịch UBND tỉnh.",
    "2. Thành phần:",
    "- Lãnh đạo Sở Khoa học và Công nghệ;",
    "- Lãnh đạo Sở Tài chính.",
    "3. Nội dung:",
    "- Nghe báo cáo tiến độ dự án cơ sở dữ liệu địa lý dùng chung;",
    "- Cho ý kiến về phương án kinh phí năm 2026.",
    "4. Thời gian, địa điểm:",
    "- Thời gian: 08 giờ 00, ngày 24 tháng 4 năm 2026.",
    "- Địa điểm: Phòng họp số 3, trụ sở UBND tỉnh.",
    "5. Tổ chức thực hiện: Sở Khoa học và Công nghệ chuẩn bị tài liệu./.",
)


def invitation_with_titled_items(path: Path) -> None:
    """A Giấy mời whose items are titles ending with ":" over lists, not the labels the invitation prints itself."""
    document = docx.Document()
    _header(document, ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"), "57/GM-UBND", (), "same")
    title = document.add_paragraph()
    _bold(title, "GIẤY MỜI")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _body(document, ("Ủy ban nhân dân tỉnh tổ chức cuộc họp nghe báo cáo dự án cơ sở dữ liệu địa lý dùng chung, cụ thể như sau:",))
    _body(document, INVITATION_ITEMS)
    _closing(
        document,
        ("- Như thành phần mời;", "- Lưu: VT, KGVX."),
        ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
        "Lê Thị Bích Liên",
        two_rows=True,
    )
    document.save(str(path))


SECTIONS = (
    ("I. THÀNH PHẦN MỜI:", ("- Lãnh đạo các sở, ban, ngành;", "- Chủ tịch UBND các xã, phường.")),
    ("II. THỜI GIAN, ĐỊA ĐIỂM:", ("1. Thời gian: 08 giờ 00, ngày 24 tháng 4 năm 2026.", "2. Địa điểm: Hội trường UBND tỉnh.")),
    ("III. TỔ CHỨC THỰC HIỆN:", ("Văn phòng UBND tỉnh chuẩn bị hội trường.",)),
)


def invitation_in_sections(path: Path) -> None:
    """A Giấy mời in sections whose headings end with ":", then labelled paragraphs with a bold label."""
    document = docx.Document()
    _header(document, ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"), "58/GM-UBND", (), "same")
    title = document.add_paragraph()
    _bold(title, "GIẤY MỜI")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _body(document, ("Ủy ban nhân dân tỉnh tổ chức hội nghị sơ kết công tác quý I năm 2026, cụ thể như sau:",))
    for heading, items in SECTIONS:
        _bold(document.add_paragraph(), heading)
        _body(document, items)
    labelled = document.add_paragraph()
    _bold(labelled, "Chuẩn bị:")
    labelled.add_run(" các sở báo cáo bằng văn bản, gửi Văn phòng UBND tỉnh trước ngày 22/4/2026./.")
    _closing(document, ("- Như thành phần mời;", "- Lưu: VT, TH."), ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), "Lê Văn An", two_rows=True)
    document.save(str(path))


CASES: list[tuple[str, str, Callable[[Path], None]]] = [
    ("cong_van", "committee", letter_of_a_committee),
    ("cong_van", "summary-in-cell", letter_summary_in_its_cell),
    ("cong_van", "summary-next-row", letter_summary_next_row_two_lines),
    ("giay_moi", "titled-items", invitation_with_titled_items),
    ("giay_moi", "sections", invitation_in_sections),
]


@pytest.mark.parametrize(("kind", "name", "write"), CASES, ids=[name for _, name, _ in CASES])
def test_a_variant_of_a_real_file_imports_as_its_kind_and_renders_back(
    kind: str, name: str, write: Callable[[Path], None], tmp_path: Path
) -> None:
    original = tmp_path / f"{name}.docx"
    write(original)
    assert _kind_of(original) == kind
    round_trip(original, kind, tmp_path)


def test_a_symbol_with_no_unit_part_and_a_committee_as_issuer_are_read_into_their_fields(tmp_path: Path) -> None:
    original = tmp_path / "bcd.docx"
    letter_of_a_committee(original)
    data, lines = round_trip(original, "cong_van", tmp_path)
    # the symbol is the issuer's letters alone (a letter has no type code): written nowhere but viet_tat
    assert (data.get("so"), data.get("ky_hieu"), data["co_quan"]["viet_tat"]) == (None, None, "BCĐ")
    assert data["co_quan"]["ten"] == ["BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ"]
    assert data["co_quan"]["chu_quan"] == "UBND TỈNH LÂM ĐỒNG"
    assert data["trich_yeu"] == "đôn đốc triển khai các nhiệm vụ\nchuyển đổi số trọng tâm\nquý II năm 2026\n"
    assert data["kinh_gui"] == [
        "Các sở, ban, ngành thuộc tỉnh",
        "Ủy ban nhân dân các xã, phường, đặc khu",
        "Các doanh nghiệp viễn thông trên địa bàn tỉnh",
    ]
    assert data["nguoi_ky"]["chuc_vu"] == "TRƯỞNG BAN" and not data["nguoi_ky"].get("quyen_han")
    assert any(line.startswith("Số:") and line.endswith("/BCĐ") for line in lines), lines


def test_a_summary_typed_after_v_v_and_a_colon_prints_after_v_v_and_the_report_says_so(tmp_path: Path) -> None:
    original = tmp_path / "vx.docx"
    document = docx.Document()
    _header(document, ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"), "77/UBND-VX", ("V/v: tăng cường phòng, chống dịch bệnh",), "same")
    document.add_paragraph("Kính gửi: Sở Y tế").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _body(document, LETTER_BODY)
    _closing(document, ("- Như trên;", "- Lưu: VT, VX."), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Nguyễn Văn B", two_rows=False)
    document.save(str(original))
    result = render_cli(["import", str(original), "-o", str(tmp_path / "src"), "--report", str(tmp_path / "r.txt")])
    assert result.exit_code == 0, result.output
    assert "«V/v:» trước trích yếu in thành «V/v»" in (tmp_path / "r.txt").read_text(encoding="utf-8")
    data = yaml.safe_load((tmp_path / "src" / "vx.yaml").read_text(encoding="utf-8"))
    assert data["trich_yeu"] == "tăng cường phòng, chống dịch bệnh"


def test_recipients_broken_by_lines_under_kinh_gui_are_a_list(tmp_path: Path) -> None:
    original = tmp_path / "kt.docx"
    letter_summary_next_row_two_lines(original)
    data, lines = round_trip(original, "cong_van", tmp_path)
    assert data["kinh_gui"] == ["Sở Tài chính", "Sở Xây dựng", "Sở Khoa học và Công nghệ"]
    assert data["trich_yeu"] == "góp ý dự thảo Kế hoạch\nphát triển hạ tầng số năm 2026\n"
    assert lines[lines.index("Kính gửi:") + 1 : lines.index("Kính gửi:") + 4] == [
        "- Sở Tài chính;",
        "- Sở Xây dựng;",
        "- Sở Khoa học và Công nghệ.",
    ]


def test_an_invitations_items_titled_with_a_colon_keep_it(tmp_path: Path) -> None:
    original = tmp_path / "gm.docx"
    invitation_with_titled_items(original)
    _, lines = round_trip(original, "giay_moi", tmp_path)
    for title in ("2. Thành phần:", "3. Nội dung:", "4. Thời gian, địa điểm:"):
        assert title in lines, lines
    sections = tmp_path / "sections.docx"
    invitation_in_sections(sections)
    data, lines = round_trip(sections, "giay_moi", tmp_path)
    assert [block["muc"] for block in data["noi_dung"] if isinstance(block, dict) and "muc" in block] == [
        "THÀNH PHẦN MỜI:",
        "THỜI GIAN, ĐỊA ĐIỂM:",
        "TỔ CHỨC THỰC HIỆN:",
    ]
    for heading, _ in SECTIONS:
        assert heading in lines, lines


@pytest.mark.parametrize(
    ("kind", "name", "write"), [CASES[0], CASES[-1]], ids=[f"{kind}-{name}" for kind, name, _ in (CASES[0], CASES[-1])]
)
def test_a_variant_saved_as_an_old_doc_file_imports_as_its_kind(
    libreoffice: str, kind: str, name: str, write: Callable[[Path], None], tmp_path: Path
) -> None:
    original = tmp_path / f"{name}.docx"
    write(original)
    convert(libreoffice, [original], "doc", tmp_path, tmp_path / "profile")
    data, lines = round_trip(tmp_path / f"{name}.doc", kind, tmp_path)
    if kind == "cong_van":
        assert data["co_quan"]["viet_tat"] == "BCĐ" and len(data["kinh_gui"]) == 3
    else:
        assert "I. THÀNH PHẦN MỜI:" in lines
