"""Audit two real Lâm Đồng office notices and small documents built here against the ND30 rules.

The expected findings on the real files were read off their XML by hand (page setup, run
properties, style chains, drawn lines); the built documents change one thing at a time from a
notice laid out to the decree, so each test shows which rule a slip breaks and how it is told.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips

from conftest import SHARED, shared_file
from tbkl_gen.audit import RuleResult, audit_docx, format_report
from tbkl_gen.nd30.text_width import text_width_mm
from tbkl_gen.nd30.units import TWIPS_PER_MM

REAL = SHARED / "real"


def by_rule(results: list[RuleResult]) -> dict[int, RuleResult]:
    return {r.rule: r for r in results}


def failing(results: dict[int, RuleResult]) -> set[int]:
    return {n for n, r in results.items() if r.status == "loi"}


def real(name: str) -> dict[int, RuleResult]:
    return by_rule(audit_docx(shared_file(REAL / name)))


@pytest.fixture(scope="module")
def khcn() -> dict[int, RuleResult]:
    return real("lamdong-so-khcn.docx")


@pytest.fixture(scope="module")
def quy_hoach() -> dict[int, RuleResult]:
    return real("lamdong-quy-hoach-chung-xa.docx")


# --- lamdong-so-khcn.docx -----------------------------------------------------------------------


def test_khcn_fails_exactly_the_rules_its_xml_breaks(khcn):
    assert failing(khcn) == {2, 3, 5, 6, 7, 10, 16, 19, 21, 26}
    assert len(khcn) == 28  # 26 rules, "Kính gửi" and appendices, which a notice without them does not need


def test_khcn_page_is_word_a4_with_top_and_bottom_margins_too_small(khcn):
    assert khcn[1].status == "dat"
    assert khcn[1].detail == "A4 dọc: 11907 × 16840 twip (210,0 × 297,0 mm)"
    assert khcn[2].detail == ("lề trên 851 twip (15,0 mm), cần 1134–1418 (20–25 mm); lề dưới 993 twip (17,5 mm), cần 1134–1418 (20–25 mm)")


def test_khcn_east_asian_slot_falls_back_to_the_theme_font(khcn):
    # docDefaults carry w:eastAsiaTheme="minorHAnsi"; only the "Normal (Web)" style names TNR there.
    assert "vùng eastAsia dùng phông chủ đề minorHAnsi (Calibri) ở 164 đoạn chạy" in khcn[3].detail
    assert "vùng cs dùng phông chủ đề minorBidi" in khcn[3].detail
    assert "NFC" not in khcn[3].detail


def test_khcn_motto_uses_en_dashes_but_its_line_has_the_right_length(khcn):
    assert khcn[5].detail == "«Độc lập – Tự do – Hạnh phúc»: dùng dấu gạch ngang dài «–» thay cho dấu nối «-»"
    assert khcn[4].detail == "«CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM»: đậm, đứng, cỡ 13 pt, căn giữa"


def test_khcn_issuer_and_number_are_set_at_14_pt(khcn):
    assert khcn[6].detail == "«ỦY BAN NHÂN DÂN»: cỡ 14 pt, cần 12–13 pt; «TỈNH LÂM ĐỒNG»: cỡ 14 pt, cần 12–13 pt"
    assert khcn[7].detail == "«Số: /TB-UBND»: cỡ 14 pt, cần 13 pt"
    assert khcn[21].status == "loi"


def test_khcn_draft_date_with_blank_day_passes(khcn):
    assert khcn[8].status == "dat"
    assert khcn[8].detail.startswith("«Lâm Đồng, ngày tháng 4 năm 2026» (dự thảo, để trống ngày): không đậm, nghiêng, cỡ 13 pt")
    assert khcn[9].detail == "tháng «4» đúng quy định"


def test_khcn_summary_line_is_shorter_than_a_third_of_the_summary(khcn):
    assert khcn[10].detail == ("đường kẻ dưới trích yếu: hình vẽ dài 30,0 mm (chữ rộng 159,9 mm), cần 52,8–80,5 mm")


def test_khcn_body_points_end_mark_and_signature_pass(khcn):
    assert khcn[11].detail == ("22 đoạn nội dung: căn đều, thụt đầu dòng, cỡ 13–14, giãn dòng và cách đoạn đúng")
    assert khcn[12].detail == "3 nhóm điểm: a)–d); a)–c); a)–c)"
    assert khcn[13].status == "dat"
    assert khcn[14].detail == ("TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG: đậm, đứng, cỡ 14 pt, căn giữa")
    assert khcn[15].detail == "«Trịnh Ngọc Duệ»: đậm, đứng, cỡ 14 pt, căn giữa"
    assert khcn[22].detail == "22 đoạn: 567 twip × 21, 720 twip × 1"


def test_khcn_colon_after_noi_nhan_is_upright(khcn):
    assert khcn[16].detail == "«Nơi nhận:»: phần «:» không in nghiêng"


def test_khcn_archive_line_naming_the_drafter_is_allowed(khcn):
    # Ô 12 of the decree: the drafter's mark may follow the drafting unit (nd30.md §7).
    assert khcn[17].status == "dat"
    assert khcn[23].status == "dat"
    assert khcn[23].detail == "các dòng nơi nhận chữ đứng, không đậm; dòng cuối «- Lưu: VT, KGVX (Thập).»"


def test_khcn_page_number_in_a_content_control_is_found(khcn):
    assert khcn[18].detail == "trường PAGE ở đầu trang, căn giữa, cỡ 14 pt; trang 1 không có số"
    assert khcn[25].status == "dat"


def test_khcn_theme_colour_text1_breaks_rule_19_only(khcn):
    assert khcn[19].detail.startswith("màu chủ đề text1 (w:themeColor) ở 60 đoạn chạy")
    assert "màu chữ" not in khcn[3].detail


def test_khcn_issuer_line_is_off_centre_and_summary_line_short(khcn):
    assert khcn[26].detail == (
        "đường kẻ dưới tên cơ quan: lệch sang trái 2,7 mm so với giữa dòng chữ (cho phép 1,5 mm); "
        "đường kẻ dưới trích yếu: hình vẽ dài 30,0 mm (chữ rộng 159,9 mm), cần 52,8–80,5 mm"
    )


# --- lamdong-quy-hoach-chung-xa.docx ------------------------------------------------------------


def test_quy_hoach_fails_exactly_the_rules_its_xml_breaks(quy_hoach):
    assert failing(quy_hoach) == {3, 10, 11, 15, 16, 17, 18, 22, 23, 25, 26}
    assert quy_hoach[12].detail == "nội dung không có điểm a), b), c)… nên không có thứ tự nào sai"


def test_quy_hoach_margins_pass(quy_hoach):
    assert quy_hoach[2].detail == (
        "lề trên 1134 twip (20,0 mm); lề dưới 1134 twip (20,0 mm); lề trái 1701 twip (30,0 mm); lề phải 1134 twip (20,0 mm)"
    )


def test_quy_hoach_fonts_and_one_decomposed_run(quy_hoach):
    detail = quy_hoach[3].detail
    assert "vùng eastAsia dùng «Calibri» ở 174 đoạn chạy" in detail
    assert "vùng eastAsia dùng «SimSun» ở 26 đoạn chạy" in detail
    assert "vùng ascii dùng «Times New Roman Bold» ở 1 đoạn chạy" in detail
    assert detail.endswith("1 đoạn chạy không ở dạng Unicode dựng sẵn (NFC), ví dụ «Trân trọng thông báo»")


def test_quy_hoach_header_passes_with_lines_drawn_in_the_next_paragraph(quy_hoach):
    assert quy_hoach[5].detail == (
        "«Độc lập - Tự do - Hạnh phúc»: đậm, đứng, cỡ 14 pt, căn giữa; đường kẻ: hình vẽ dài 60,1 mm "
        "(chữ rộng 60,5 mm), lệch tâm 0,2 mm, cách chân chữ 0,7 mm"
    )
    assert quy_hoach[6].detail == ("«ỦY BAN NHÂN DÂN / TỈNH LÂM ĐỒNG»: đậm, đứng, cỡ 13 pt, căn giữa; không có dòng cơ quan chủ quản")
    assert quy_hoach[7].detail == "«Số: /TB-UBND» (dự thảo, để trống số): không đậm, đứng, cỡ 13 pt, căn giữa"
    assert quy_hoach[8].status == "dat"
    assert quy_hoach[21].status == "dat"


def test_quy_hoach_indents_of_15_mm_and_12_5_mm(quy_hoach):
    assert quy_hoach[11].detail == (
        "3 đoạn thụt đầu dòng 851 twip (15,0 mm), cần 567 hoặc 720 (±20) (ví dụ «I. Nhiệm vụ chung:», «1. Yêu cầu Sở Xây dựng, các s…»)"
    )
    assert "1 đoạn thụt đầu dòng 709 twip (12,5 mm), cần đúng 567 (1 cm) hoặc 720 (1,27 cm)" in quy_hoach[22].detail


def test_quy_hoach_signer_name_is_pushed_right_with_spaces(quy_hoach):
    assert quy_hoach[15].detail == "«Nguyễn Ngọc Nam»: căn trái, cần căn giữa"
    assert quy_hoach[24].status == "dat"


def test_quy_hoach_recipients_are_11_pt_and_archive_line_trails_a_name(quy_hoach):
    assert quy_hoach[16].detail == "«Nơi nhận:»: cỡ 11 pt, cần 12 pt"
    assert quy_hoach[17].detail == (
        "«- Lưu: VT, XDCT. Khánh»: cỡ 8/11 pt, cần 11 pt; dòng cuối «- Lưu: VT, XDCT. Khánh» không kết thúc bằng «.»"
    )


def test_quy_hoach_page_number_is_12_pt(quy_hoach):
    assert quy_hoach[18].detail == "số trang cỡ 12 pt, cần 13–14 pt"
    assert quy_hoach[25].detail == "số trang cỡ 12 pt, cần 13–14 pt"


def test_quy_hoach_only_the_summary_line_fails_rule_26(quy_hoach):
    assert quy_hoach[26].detail == ("đường kẻ dưới trích yếu: hình vẽ dài 45,6 mm (chữ rộng 159,0 mm), cần 52,5–80,0 mm")
    assert quy_hoach[19].status == "dat"


def test_report_has_one_line_a_rule_and_a_total():
    path = shared_file(REAL / "lamdong-so-khcn.docx")
    lines = format_report(audit_docx(path)).splitlines()
    assert len(lines) == 29
    assert lines[1] == (
        "Quy tắc 2 — Lề trang: LỖI — lề trên 851 twip (15,0 mm), cần 1134–1418 (20–25 mm); "
        "lề dưới 993 twip (17,5 mm), cần 1134–1418 (20–25 mm)"
    )
    assert lines[-1] == "Tổng cộng: 16 đạt, 10 lỗi, 2 không áp dụng"


# --- documents built here -------------------------------------------------------------------------

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
HEADER_COLUMNS = (3686, 5386)
CLOSING_COLUMNS = (4253, 4819)
CELL_MARGINS = 216

DEFAULTS: dict = {
    "margins": (1134, 1134, 1701, 1134),
    "parent": None,
    "parent_bold": False,
    "issuer": ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"),
    "issuer_bold": True,
    "number": "Số: 05/TB-UBND",
    "date": "Quảng Nam, ngày 05 tháng 3 năm 2026",
    "national": NATIONAL,
    "motto": MOTTO,
    "summary": "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về đầu tư công",
    "summary_line": True,
    "summary_vml_pt": None,
    "summary_anchor_mm": None,
    "issuer_style": None,
    "points": ("a", "b", "c"),
    "authority": ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
    "signer": "Nguyễn Văn A",
    "recipients": ("- Như trên;", "- Lưu: VT, KGVX."),
    "title_page": True,
    "theme_fonts": False,
    "colour": None,
}


def build_notice(path: Path, **changes) -> Path:
    """Write a notice laid out to the decree, with the given fields changed."""
    spec = {**DEFAULTS, **changes}
    doc = Document()
    _set_defaults(doc, theme_fonts=spec["theme_fonts"])
    _set_page(doc, spec["margins"], spec["title_page"])
    _header_table(doc, spec)
    _centred(doc, "THÔNG BÁO", 14, bold=True, before=240)
    summary = _centred(doc, spec["summary"], 14, bold=True)
    if spec["summary_anchor_mm"]:
        _anchored_line(summary, *spec["summary_anchor_mm"])
    if spec["summary_line"]:
        width = text_width_mm(spec["summary"], 14, bold=True)
        _line(doc, width * 0.42, 9071)
    if spec["summary_vml_pt"]:
        _vml_line(doc, spec["summary_vml_pt"])
    _body(doc, spec["points"], spec["colour"])
    _closing_table(doc, spec)
    doc.save(path)
    return path


def _set_defaults(doc, *, theme_fonts: bool) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    if not theme_fonts:
        for name in list(fonts.attrib):
            del fonts.attrib[name]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), "Times New Roman")
    rpr.find(qn("w:sz")).set(qn("w:val"), "28")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _set_page(doc, margins: tuple[int, int, int, int], title_page: bool) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    top, bottom, left, right = margins
    section.top_margin, section.bottom_margin = Twips(top), Twips(bottom)
    section.left_margin, section.right_margin = Twips(left), Twips(right)
    section.different_first_page_header_footer = title_page
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>2</w:t></w:r></w:fldSimple>')
    )


def _table(doc, widths: tuple[int, int]):
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
        for cell in column.cells:
            cell.width = Twips(width)
    return table.rows[0].cells


def _add(container, text: str, size: float, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraphs = container.paragraphs
    # A new cell holds one bare empty paragraph: write into it rather than leave it above the text.
    fresh = len(paragraphs) == 1 and paragraphs[0]._p.pPr is None and not paragraphs[0].runs
    para = paragraphs[0] if fresh else container.add_paragraph()
    para.alignment = align
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    return para


def _line(container, length_mm: float, container_twips: int):
    para = container.add_paragraph()
    para._p.get_or_add_pPr().append(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>')
    )
    indent = round((container_twips - length_mm * TWIPS_PER_MM) / 2)
    para.paragraph_format.left_indent = Twips(indent)
    para.paragraph_format.right_indent = Twips(indent)
    return para


def _anchored_line(para, length_mm: float, below_top_mm: float) -> None:
    """Anchor a DrawingML line shape in para, centred on the margins, below_top_mm under its top."""
    cx, y = round(length_mm * 36000), round(below_top_mm * 36000)
    para._p.append(
        parse_xml(
            f"<w:r {nsdecls('w', 'wp', 'a')} "
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>'
            '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
            f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{cx}" cy="0"/><wp:wrapNone/><wp:docPr id="9" name="Line 9"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm>'
            '<a:prstGeom prst="line"><a:avLst/></a:prstGeom></wps:spPr><wps:bodyPr/></wps:wsp>'
            "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
        )
    )


def _vml_line(doc, length_pt: float):
    """Add an empty paragraph holding a Word 2003 style VML line, centred on the margins."""
    para = doc.add_paragraph()
    para._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
            f'<v:line from="0,3pt" to="{length_pt}pt,3pt" style="position:absolute;'
            'mso-position-horizontal:center;mso-position-horizontal-relative:margin"/></w:pict></w:r>'
        )
    )


def _issuer_styles(doc, kind: str):
    """Return a paragraph style that is bold only through its basedOn parent, and maybe a bold run style."""
    head = doc.styles.add_style("TB Đầu", WD_STYLE_TYPE.PARAGRAPH)
    head.font.bold = True
    issuer = doc.styles.add_style("TB Cơ quan", WD_STYLE_TYPE.PARAGRAPH)
    issuer.base_style = head
    strong = None
    if kind == "style+char":
        strong = doc.styles.add_style("Nhấn mạnh", WD_STYLE_TYPE.CHARACTER)
        strong.font.bold = True
    return issuer, strong


def _header_table(doc, spec: dict) -> None:
    left, right = _table(doc, HEADER_COLUMNS)
    if spec["parent"]:
        _add(left, spec["parent"], 13, bold=spec["parent_bold"])
    styles = _issuer_styles(doc, spec["issuer_style"]) if spec["issuer_style"] else None
    for line in spec["issuer"]:
        para = _add(left, line, 13, bold=None if styles else spec["issuer_bold"])
        if styles:
            para.style = styles[0]
            para.runs[0].style = styles[1]
    widest = max(text_width_mm(line, 13, bold=True) for line in spec["issuer"])
    _line(left, widest * 0.42, HEADER_COLUMNS[0] - CELL_MARGINS)
    _add(left, spec["number"], 13)
    _add(right, spec["national"], 12, bold=True)
    _add(right, spec["motto"], 13, bold=True)
    _line(right, text_width_mm(spec["motto"], 13, bold=True), HEADER_COLUMNS[1] - CELL_MARGINS)
    _add(right, spec["date"], 13, italic=True)


def _centred(doc, text: str, size: float, *, bold=False, before=0):
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_before = Twips(before)
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    return para


def _body(doc, points: tuple[str, ...], colour: tuple[str, str] | None) -> None:
    texts = [
        "Ngày 05 tháng 3 năm 2026, Phó Chủ tịch UBND tỉnh chủ trì cuộc họp; kết luận như sau:",
        "1. Về đầu tư công",
        *(f"{letter}) Nội dung điểm {letter}." for letter in points),
        "2. Các sở, ngành liên quan biết, thực hiện./.",
    ]
    for text in texts:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        para.paragraph_format.first_line_indent = Twips(567)
        para.paragraph_format.space_after = Twips(120)
        run = para.add_run(text)
        run.font.size = Pt(14)
        if colour:
            run._r.get_or_add_rPr().append(parse_xml(f'<w:color {nsdecls("w")} w:val="{colour[0]}" w:themeColor="{colour[1]}"/>'))


def _closing_table(doc, spec: dict) -> None:
    left, right = _table(doc, CLOSING_COLUMNS)
    _add(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in spec["recipients"]:
        _add(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in spec["authority"]:
        _add(right, line, 14, bold=True)
    for _ in range(4):
        right.add_paragraph()
    _add(right, spec["signer"], 14, bold=True)


@pytest.fixture
def notice(tmp_path):
    def make(**changes) -> dict[int, RuleResult]:
        path = build_notice(tmp_path / "notice.docx", **changes)
        return by_rule(audit_docx(path))

    return make


def test_notice_built_to_the_decree_passes_every_rule(notice):
    results = notice()
    assert {n: r.detail for n, r in results.items() if r.status not in ("dat", "khong_ap_dung")} == {}
    assert [n for n, r in results.items() if r.status == "khong_ap_dung"] == [27, 28]  # no "Kính gửi", no appendix


def test_left_margin_of_25_mm_fails_rule_2_only_on_the_left(notice):
    results = notice(margins=(1134, 1134, 1418, 1134))
    assert results[2].status == "loi"
    assert results[2].detail == "lề trái 1418 twip (25,0 mm), cần 1701–1985 (30–35 mm)"


def test_day_below_ten_without_zero_fails_rule_9_not_rule_8(notice):
    results = notice(date="Quảng Nam, ngày 5 tháng 3 năm 2026")
    assert results[8].status == "dat"
    assert (results[9].status, results[9].detail) == ("loi", "ngày «5», cần «05»")


def test_month_three_with_zero_fails_rule_9(notice):
    results = notice(date="Quảng Nam, ngày 15 tháng 03 năm 2026")
    assert results[9].detail == "tháng «03», cần «3» (tháng 3–12 không có số 0)"


def test_draft_date_with_blank_day_and_month_passes_rule_8(notice):
    results = notice(date="Quảng Nam, ngày      tháng      năm 2026")
    assert results[8].status == "dat"
    assert results[8].detail.startswith("«Quảng Nam, ngày tháng năm 2026» (dự thảo, để trống ngày và tháng)")
    assert (results[9].status, results[9].detail) == (
        "dat",
        "ngày và tháng đều để trống (dự thảo), chưa có số nào để xét số 0",
    )


def test_date_without_comma_after_place_fails_rule_8(notice):
    results = notice(date="Quảng Nam ngày 05 tháng 3 năm 2026")
    assert results[8].status == "loi"


def test_blank_number_on_a_draft_passes_rule_7(notice):
    results = notice(number="Số:      /TB-UBND")
    assert results[7].status == "dat"
    assert results[7].detail.startswith("«Số: /TB-UBND» (dự thảo, để trống số)")


def test_number_below_ten_without_zero_fails_rule_7(notice):
    results = notice(number="Số: 5/TB-UBND")
    assert results[7].detail == "số «5» sai dạng, cần 01–09 có số 0 đứng trước, từ 10 trở đi viết thường"


def test_office_symbol_passes_unless_another_abbreviation_is_required(notice, tmp_path):
    assert notice(number="Số: 12/TB-VPCP")[7].status == "dat"
    path = build_notice(tmp_path / "vp.docx", number="Số: 12/TB-VPCP")
    result = by_rule(audit_docx(path, symbol_abbrev="UBND"))[7]
    assert result.detail == "ký hiệu «TB-VPCP», cần «TB-UBND»"


def test_point_e_right_after_d_fails_rule_12(notice):
    results = notice(points=("a", "b", "c", "d", "e"))
    assert results[12].detail == "sau «d)» là «e)», cần «đ)»"


def test_point_f_is_not_a_vietnamese_letter(notice):
    results = notice(points=("a", "b", "c", "d", "đ", "e", "f"))
    assert results[12].detail == "sau «e)» là «f)» (không có trong bảng chữ cái tiếng Việt), cần «g)»"


def test_en_dash_motto_fails_rule_5(notice):
    results = notice(motto="Độc lập – Tự do – Hạnh phúc")
    assert results[5].detail == "«Độc lập – Tự do – Hạnh phúc»: dùng dấu gạch ngang dài «–» thay cho dấu nối «-»"


def test_hoa_with_grave_on_a_fails_rule_20_but_is_still_found(notice):
    results = notice(national="CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert results[4].status == "dat"
    assert results[20].detail == "Quốc hiệu viết «HOÀ», cần «HÒA»: «CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM»"


def test_decomposed_text_is_located_and_reported_as_not_nfc(notice):
    results = notice(national=unicodedata.normalize("NFD", NATIONAL))
    assert results[4].status == "dat"
    assert "1 đoạn chạy không ở dạng Unicode dựng sẵn (NFC)" in results[3].detail


def test_parent_line_above_the_office_passes_when_not_bold(notice):
    results = notice(parent="UBND TỈNH QUẢNG NAM", issuer=("VĂN PHÒNG",), number="Số: 05/TB-VP")
    assert results[6].detail == (
        "«VĂN PHÒNG»: đậm, đứng, cỡ 13 pt, căn giữa; dòng cơ quan chủ quản «UBND TỈNH QUẢNG NAM» (không đậm, đứng, cỡ 13 pt, căn giữa)"
    )
    assert results[21].status == "dat"


def test_bold_parent_line_fails_rules_6_and_21(notice):
    results = notice(parent="UBND TỈNH QUẢNG NAM", parent_bold=True, issuer=("VĂN PHÒNG",))
    assert results[6].detail == "«UBND TỈNH QUẢNG NAM»: in đậm, cần không đậm"
    assert results[21].detail == "«UBND TỈNH QUẢNG NAM»: in đậm, cần không đậm"


def test_unbolded_issuer_fails_rule_6(notice):
    results = notice(issuer_bold=False, issuer=("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"))
    assert results[6].status == "loi"
    assert "«TỈNH QUẢNG NAM»: không in đậm" in results[6].detail


def test_other_authority_stacks_of_the_decree_pass_rule_14(notice):
    assert notice(authority=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))[14].status == "dat"
    assert notice(authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"))[14].status == "dat"


def test_authority_stack_in_wrong_order_fails_rule_14(notice):
    results = notice(authority=("KT. CHÁNH VĂN PHÒNG", "TL. CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG"))
    assert results[14].detail.startswith(
        "«KT. CHÁNH VĂN PHÒNG»: “KT.” (ký thay) là dòng quyền hạn cuối cùng, ngay trên chức vụ của cấp phó (đưa dòng “KT. …” xuống cuối)"
    )


def test_the_audit_reads_the_signing_authority_with_the_grammar_check_uses(notice):
    # Art. 13.3: who signs by delegation (TUQ.) does not pass it on to a deputy (KT.); `tbkl check` says the same.
    results = notice(authority=("TUQ. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"))
    assert results[14].status == "loi"
    assert results[14].detail.startswith("người ký thừa ủy quyền (TUQ.) không giao lại cho cấp phó ký thay (KT.)")
    # "TM." stands before a collective, never before one person's title.
    results = notice(authority=("TM. CHỦ TỊCH", "CHỦ TỊCH"))
    assert results[14].detail.startswith("«TM. CHỦ TỊCH»: “TM.” (thay mặt) chỉ đứng trước tên tập thể")
    # A deputy signs under "KT." of the head, and the head's deputy only.
    assert notice(authority=("TL. CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG"))[14].detail.startswith(
        "«PHÓ CHÁNH VĂN PHÒNG»: cấp phó “PHÓ CHÁNH VĂN PHÒNG” ký thì phải có dòng “KT. …”"
    )
    # An acting head: "Q." on the title itself, or on the line above a deputy's title.
    assert notice(authority=("TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"))[14].status == "dat"
    assert notice(authority=("TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))[14].status == "dat"
    # A line of the block without a prefix, above one with it.
    assert notice(authority=("ỦY BAN NHÂN DÂN", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"))[14].detail.startswith(
        "«ỦY BAN NHÂN DÂN»: dòng quyền hạn “ỦY BAN NHÂN DÂN” phải bắt đầu bằng TM., KT., TL., TUQ. hoặc Q."
    )


def test_academic_title_before_signer_fails_rules_15_and_24(notice):
    results = notice(signer="TS. Nguyễn Văn A")
    assert results[15].detail == "«TS. Nguyễn Văn A»: có học hàm, học vị «TS.» trước tên"
    assert results[24].status == "loi"


def test_last_recipient_must_be_the_archive_line(notice):
    results = notice(recipients=("- Như trên;", "- Các sở, ngành"))
    assert results[17].detail == (
        "dòng cuối «- Các sở, ngành» không bắt đầu bằng «- Lưu: VT»; dòng cuối «- Các sở, ngành» không kết thúc bằng «.»"
    )


def test_page_number_on_page_one_fails_rule_18(notice):
    results = notice(title_page=False)
    assert results[18].detail == "không đặt «trang đầu khác» (w:titlePg), trang 1 sẽ có số trang"


def test_missing_summary_line_fails_rules_10_and_26(notice):
    results = notice(summary_line=False)
    assert results[10].detail == "đường kẻ dưới trích yếu: không có đường kẻ"
    assert results[26].detail == "đường kẻ dưới trích yếu: không có đường kẻ"


def test_theme_fonts_in_the_defaults_fail_rule_3(notice):
    detail = notice(theme_fonts=True)[3].detail
    assert "vùng ascii dùng phông chủ đề minorHAnsi (Cambria) ở 22 đoạn chạy" in detail
    assert detail.endswith("cần Times New Roman cho cả 4 vùng ascii, hAnsi, eastAsia, cs")


def test_theme_colour_that_paints_black_fails_rule_19_but_not_rule_3(notice):
    results = notice(colour=("000000", "text1"))
    assert results[3].status == "dat"
    assert results[19].detail.startswith("màu chủ đề text1 (w:themeColor) ở 6 đoạn chạy")


def test_red_text_fails_rules_3_and_19(notice):
    results = notice(colour=("FF0000", "accent2"))
    assert "màu chữ" in results[3].detail
    assert results[19].status == "loi"


def test_vml_line_centred_on_the_margins_is_measured(notice):
    results = notice(summary_line=False, summary_vml_pt=150)
    assert results[10].status == "dat"
    assert results[10].detail.endswith("đường kẻ: hình vẽ dài 52,9 mm (chữ rộng 139,6 mm), lệch tâm 0,0 mm, cách chân chữ 1,1 mm")


def test_bold_inherited_through_based_on_passes_rule_6(notice):
    assert notice(issuer_style="style")[6].status == "dat"


def test_bold_character_style_on_bold_paragraph_style_toggles_bold_off(notice):
    # Word shows such text upright-weight: a "true" toggle in a style flips the one below it.
    results = notice(issuer_style="style+char")
    assert results[6].detail == ("«ỦY BAN NHÂN DÂN»: không in đậm; «TỈNH QUẢNG NAM»: không in đậm")


def test_line_shape_over_the_summary_text_touches_it(notice):
    results = notice(summary_line=False, summary_anchor_mm=(60, 0))
    assert results[10].status == "dat"
    assert results[26].detail == "đường kẻ dưới trích yếu: chạm vào chữ phía trên (nằm trên đáy dòng chữ 5,7 mm)"


def test_line_shape_anchored_below_the_summary_text_passes(notice):
    results = notice(summary_line=False, summary_anchor_mm=(60, 7))
    assert results[26].status == "dat"
    assert results[26].detail.endswith("dưới trích yếu: hình vẽ dài 60,0 mm (chữ rộng 139,6 mm), lệch tâm 0,0 mm, cách chân chữ 1,3 mm")
