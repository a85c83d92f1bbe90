"""Appendices (phu_luc) and tables (bang): source, check, layout, render, audit, import, text.

The department notices issue 18 met end with "Phụ lục 01 … (Kèm theo Thông báo số …/TB-… ngày …)"
holding paragraphs and tables (STT | Nội dung | Đơn vị chủ trì | Thời hạn), with merged cells and a
header row repeated on every page. Such files are built here with python-docx, imported, rendered
again and audited; at least 90 % of their paragraphs and table cells must come back word for word.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import render_cli
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from factories import write_notice

from tbkl_gen.importer.report import WARNING

TASKS = [
    ("Rà soát danh mục phương tiện đo nhóm 2 đang sử dụng tại các cơ sở y tế", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "Quý II/2026"),
    ("Kiểm tra đo lường đối với cơ sở kinh doanh xăng dầu trên địa bàn", "Thanh tra Sở", "Tháng 6/2026"),
    ("Tổng hợp kết quả kiểm tra, báo cáo Giám đốc Sở", "Văn phòng Sở", "30/6/2026"),
    ("Hướng dẫn doanh nghiệp áp dụng hệ thống quản lý chất lượng", "Phòng Quản lý chuyên ngành", "Cả năm 2026"),
    ("Xây dựng kế hoạch thanh tra chuyên ngành năm 2027", "Thanh tra Sở", "Tháng 11/2026"),
]
FINDINGS = [
    ("Cửa hàng xăng dầu số 1", "Cột đo số 2 sai số vượt giới hạn cho phép", "Niêm phong, yêu cầu hiệu chỉnh"),
    ("Cửa hàng xăng dầu số 5", "Không có chứng chỉ kiểm định còn hiệu lực", "Xử phạt vi phạm hành chính"),
    ("Chợ trung tâm phường 1", "Cân đồng hồ lò xo không đạt yêu cầu", "Thu hồi, thay thế phương tiện đo"),
    ("Bệnh viện đa khoa khu vực", "Huyết áp kế chưa được kiểm định định kỳ", "Yêu cầu kiểm định trong 30 ngày"),
]


def _cell_text(cell, text: str, *, bold: bool = False) -> None:  # noqa: ANN001
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold


def _header_row(row) -> None:  # noqa: ANN001
    props = row._tr.get_or_add_trPr()
    props.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _vmerge(cell, value: str | None) -> None:  # noqa: ANN001
    props = cell._tc.get_or_add_tcPr()
    props.append(parse_xml(f'<w:vMerge {nsdecls("w")} w:val="{value}"/>' if value else f"<w:vMerge {nsdecls('w')}/>"))


def _task_table(document) -> None:  # noqa: ANN001
    """STT | Nội dung | Phân công (Chủ trì | Thời hạn): a two-row header with merged cells, repeated on each page."""
    table = document.add_table(rows=2 + len(TASKS), cols=4)
    table.style = "Table Grid"
    top, second = table.rows[0], table.rows[1]
    for index, text in ((0, "STT"), (1, "Nội dung")):
        _cell_text(top.cells[index], text, bold=True)
        _vmerge(top.cells[index], "restart")
        _vmerge(second.cells[index], None)
    merged = top.cells[2].merge(top.cells[3])
    _cell_text(merged, "Phân công", bold=True)
    _cell_text(second.cells[2], "Đơn vị chủ trì", bold=True)
    _cell_text(second.cells[3], "Thời hạn", bold=True)
    _header_row(top)
    _header_row(second)
    for number, (task, unit, deadline) in enumerate(TASKS, start=1):
        cells = table.rows[1 + number].cells
        for cell, text in zip(cells, (str(number), task, unit, deadline), strict=True):
            _cell_text(cell, text)
    widths = (1.2, 8.0, 4.5, 2.8)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = docx.shared.Cm(width)


def _findings_table(document) -> None:  # noqa: ANN001
    """STT | Cơ sở | Vi phạm | Biện pháp, with a group row spanning all columns."""
    table = document.add_table(rows=2 + len(FINDINGS), cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("STT", "Cơ sở được kiểm tra", "Nội dung vi phạm", "Biện pháp xử lý"), strict=True):
        _cell_text(cell, text, bold=True)
    _header_row(table.rows[0])
    group = table.rows[1].cells[0].merge(table.rows[1].cells[3])
    _cell_text(group, "Lĩnh vực xăng dầu, chợ và y tế")
    for number, (place, finding, measure) in enumerate(FINDINGS, start=1):
        for cell, text in zip(table.rows[1 + number].cells, (str(number), place, finding, measure), strict=True):
            _cell_text(cell, text)


def build_department_notice(path: Path, *, nfd: bool = False) -> None:
    """Write a Sở notice as offices type one, ending with "PHỤ LỤC 01" holding 30+ paragraphs and tables."""

    def t(text: str) -> str:
        return unicodedata.normalize("NFD", text) if nfd else text

    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).paragraphs[0].add_run("UBND TỈNH LÂM ĐỒNG")
    header.cell(0, 0).add_paragraph().add_run("SỞ KHOA HỌC VÀ CÔNG NGHỆ").bold = True
    header.cell(0, 1).paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    header.cell(0, 1).add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    header.cell(1, 0).paragraphs[0].add_run("Số:      /TB-SKHCN")
    header.cell(1, 1).paragraphs[0].add_run("Lâm Đồng, ngày      tháng 4 năm 2026").italic = True
    title = document.add_paragraph()
    title.add_run("THÔNG BÁO").bold = True
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    summary = document.add_paragraph()
    summary.add_run(t("Kết luận của Giám đốc Sở tại cuộc họp về kết quả kiểm tra đo lường quý I năm 2026")).bold = True
    summary.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("")
    body = [
        "Ngày 10/4/2026, Giám đốc Sở Khoa học và Công nghệ chủ trì cuộc họp về kết quả kiểm tra đo lường quý I năm 2026.",
        "Sau khi nghe báo cáo và ý kiến của các đại biểu, Giám đốc Sở kết luận như sau:",
        "1. Các đơn vị thuộc Sở thực hiện các nhiệm vụ tại Phụ lục 01 kèm theo Thông báo này.",
        "2. Thanh tra Sở tổng hợp kết quả kiểm tra, báo cáo trước ngày 30/6/2026.",
    ]
    for text in body:
        para = document.add_paragraph(t(text))
        para.paragraph_format.first_line_indent = docx.shared.Cm(1)
    document.add_paragraph("Văn phòng Sở thông báo để các đơn vị biết, thực hiện./.")
    closing = document.add_table(rows=1, cols=2)
    left = closing.cell(0, 0)
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.add_paragraph("- Giám đốc, các Phó Giám đốc Sở;")
    left.add_paragraph("- Lưu: VT, VP.")
    right = closing.cell(0, 1)
    right.paragraphs[0].add_run("KT. GIÁM ĐỐC").bold = True
    right.add_paragraph().add_run("PHÓ GIÁM ĐỐC").bold = True
    right.add_paragraph()
    right.add_paragraph().add_run("Trần Văn Bình").bold = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading = document.add_paragraph()
    heading.add_run("PHỤ LỤC 01").bold = True
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name = document.add_paragraph()
    name.add_run("KẾT QUẢ KIỂM TRA VÀ DANH MỤC NHIỆM VỤ").bold = True
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    reference = document.add_paragraph()
    reference.add_run("(Kèm theo Thông báo số      /TB-SKHCN ngày      tháng 4 năm 2026 của Sở Khoa học và Công nghệ)").italic = True
    reference.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("I. KẾT QUẢ KIỂM TRA").runs[0].bold = True
    for number in range(1, 11):
        para = document.add_paragraph(
            t(f"{number}. Kiểm tra đợt {number}: đoàn kiểm tra làm việc tại {number + 2} cơ sở, lập biên bản theo quy định.")
        )
        para.paragraph_format.first_line_indent = docx.shared.Cm(1)
    document.add_paragraph("Kết quả cụ thể như bảng sau:")
    _findings_table(document)
    document.add_paragraph("II. NHIỆM VỤ TRIỂN KHAI").runs[0].bold = True
    for number in range(1, 9):
        document.add_paragraph(t(f"- Nhiệm vụ {number}: các đơn vị chủ động phối hợp, bảo đảm tiến độ và chất lượng."))
    _task_table(document)
    for number in range(1, 7):
        document.add_paragraph(t(f"{number}. Đơn vị chủ trì báo cáo kết quả thực hiện nhiệm vụ lần thứ {number} về Văn phòng Sở."))
    document.add_paragraph("Ghi chú: thời hạn tính theo ngày làm việc.")
    document.save(str(path))


# --- what the original holds, and what came back -------------------------------------------------


def _texts(path: Path) -> tuple[list[str], list[str]]:
    """Return the paragraphs outside tables and the cells of the tables after the title, as printed."""
    document = docx.Document(str(path))
    body = document.element.body

    def words(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())

    paragraphs, cells = [], []
    started = False
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = words("".join(t.text or "" for t in child.iter(qn("w:t"))))
            started = started or text == "THÔNG BÁO"
            if started and text:
                paragraphs.append(text)
        elif child.tag == qn("w:tbl") and started:
            for tc in child.iter(qn("w:tc")):
                text = words(" ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))))
                if text:
                    cells.append(text)
    return paragraphs, cells


def _kept(original: list[str], again: list[str]) -> float:
    pool = list(again)
    kept = 0
    for text in original:
        if text in pool:
            pool.remove(text)
            kept += 1
    return kept / len(original)


def test_a_department_notice_with_an_appendix_and_tables_imports_and_renders_back_word_for_word(tmp_path: Path) -> None:
    original = tmp_path / "so-khcn.docx"
    build_department_notice(original)
    imported = render_cli(["import", str(original), "-o", str(tmp_path / "src")], cwd=tmp_path)
    assert imported.exit_code == 0, imported.output
    source = tmp_path / "src" / "so-khcn.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert "không có trong nguồn" not in imported.output  # no table or paragraph dropped
    (appendix,) = data["phu_luc"]
    assert appendix["ten"] == "KẾT QUẢ KIỂM TRA VÀ DANH MỤC NHIỆM VỤ"
    assert data["co_quan"]["ten_goi"] == "Sở Khoa học và Công nghệ"
    tables = [b for b in _walk(appendix["noi_dung"]) if isinstance(b, dict) and "bang" in b]
    assert len(tables) == 2
    findings, tasks = tables
    assert findings["bang"][1] == [{"o": "Lĩnh vực xăng dầu, chợ và y tế", "gop_cot": 4}]
    assert tasks["hang_tieu_de"] == 2
    assert tasks["bang"][0] == [{"o": "STT", "gop_hang": 2}, {"o": "Nội dung", "gop_hang": 2}, {"o": "Phân công", "gop_cot": 2}]
    assert tasks["bang"][1] == ["Đơn vị chủ trì", "Thời hạn"]
    rendered = render_cli(["render", str(source), "-o", str(tmp_path / "out"), "-q"], cwd=tmp_path)
    assert rendered.exit_code == 0, rendered.output
    again = tmp_path / "out" / "so-khcn.docx"
    audited = render_cli(["check", "--docx", str(again)], cwd=tmp_path)
    assert audited.exit_code == 0, audited.output
    paragraphs, cells = _texts(original)
    paragraphs_again, cells_again = _texts(again)
    assert len(paragraphs) >= 30 and len(cells) >= 40
    assert _kept(paragraphs, paragraphs_again) >= 0.9, sorted(set(paragraphs) - set(paragraphs_again))
    assert _kept(cells, cells_again) >= 0.9, sorted(set(cells) - set(cells_again))


def _walk(blocks: list) -> list:
    out = []
    for block in blocks:
        out.append(block)
        if isinstance(block, dict):
            out += _walk(block.get("noi_dung", []))
    return out


# --- source, check, render and audit ---------------------------------------------------------------

NOTICE_WITH_APPENDICES = dict(
    co_quan__ten_goi="Ủy ban nhân dân tỉnh Quảng Nam",
    so="5",
    ngay="2026-03-05",
    noi_dung=[
        "Ngày 02/3/2026, đồng chí Phó Chủ tịch chủ trì cuộc họp; kết quả kiểm tra tại Phụ lục I và Phụ lục II kèm theo.",
        {
            "bang": [
                ["STT", "Nội dung", {"o": "Phân công", "gop_cot": 2}],
                ["", "", "Chủ trì", "Thời hạn"],
                [{"o": "1", "gop_hang": 2}, {"o": "Rà soát **hồ sơ**", "gop_hang": 2}, "Sở Tài chính", "Quý II"],
                ["Sở Nội vụ", "Quý III"],
            ],
            "hang_tieu_de": 2,
            "do_rong": [1, 6, 3, 2],
        },
        "Các cơ quan triển khai thực hiện.",
    ],
    phu_luc=[
        {"ten": "Kết quả kiểm tra", "noi_dung": [{"muc": "Đánh giá chung"}, "Các đơn vị thực hiện tốt."]},
        {"noi_dung": [{"bang": [["Đơn vị", "Kết quả"], ["Sở Y tế", "Đạt"]], "do_rong_mm": [100, 60]}]},
    ],
)


def test_appendices_and_tables_render_on_new_pages_and_pass_every_rule(tmp_path: Path) -> None:
    write_notice(tmp_path, **NOTICE_WITH_APPENDICES)
    checked = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[-1] == "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo.", checked.output
    rendered = render_cli(["render", "a.yaml", "-o", "out", "-q"], cwd=tmp_path)
    assert rendered.exit_code == 0, rendered.output
    out = tmp_path / "out" / "a.docx"
    audited = render_cli(["check", "--docx", str(out)], cwd=tmp_path)
    assert audited.exit_code == 0, audited.output
    assert audited.output.splitlines()[-1] == "Tổng cộng: 27 đạt, 0 lỗi, 1 không áp dụng"
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    reference = "(Kèm theo Thông báo số 05/TB-UBND ngày 05 tháng 3 năm 2026 của Ủy ban nhân dân tỉnh Quảng Nam)"
    assert texts.count(reference) == 2
    assert "Phụ lục I" in texts and "Phụ lục II" in texts and "KẾT QUẢ KIỂM TRA" in texts
    assert "Các cơ quan triển khai thực hiện./." in texts  # the end mark closes the notice, not an appendix
    body = document.element.body
    sections = body.findall(f".//{qn('w:pPr')}/{qn('w:sectPr')}")
    assert len(sections) == 2  # the notice's section and the first appendix's end before a new page
    for section in [*sections, body.find(qn("w:sectPr"))]:
        assert section.find(qn("w:pgNumType")).get(qn("w:start")) == "1"  # each appendix numbers its own pages
    table = next(t for t in document.tables if "Phân công" in t._tbl.xml)
    xml = table._tbl.xml
    assert xml.count("<w:tblHeader/>") == 2 and 'w:gridSpan w:val="2"' in xml
    assert xml.count('<w:vMerge w:val="restart"/>') == 2 and xml.count("<w:vMerge/>") == 2
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
    assert abs(sum(widths) - 9071) <= 4 and abs(widths[1] - 6 * widths[0]) <= 6 and abs(widths[1] - 2 * widths[2]) <= 2


def test_a_draft_leaves_the_reference_line_blank_where_the_number_and_day_will_go(tmp_path: Path) -> None:
    write_notice(tmp_path, **{**NOTICE_WITH_APPENDICES, "so": None, "ngay": "2026-03"})
    rendered = render_cli(["render", "a.yaml", "-o", "out", "-q"], cwd=tmp_path)
    assert rendered.exit_code == 0, rendered.output
    texts = [p.text for p in docx.Document(str(tmp_path / "out" / "a.docx")).paragraphs]
    blank = " " * 6
    assert f"(Kèm theo Thông báo số {blank}/TB-UBND ngày {blank} tháng 3 năm 2026 của Ủy ban nhân dân tỉnh Quảng Nam)" in texts


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"bang": [["a", "b"], ["c"]]}, "noi_dung[2].bang[2]: hàng thứ 2 của bảng chiếm 1 cột nhưng bảng có 2 cột"),
        ({"bang": [["a", "b"], [{"o": "c", "gop_cot": 3}]]}, "hàng thứ 2 của bảng chiếm 3 cột nhưng bảng có 2 cột"),
        ({"bang": [[{"o": "a", "gop_hang": 3}, "b"], ["c"]]}, "ô ở hàng thứ 1 gộp 3 hàng, vượt quá hàng cuối của bảng"),
        ({"bang": [["a", "b"]], "do_rong_mm": [100, 80]}, "tổng độ rộng các cột 180 mm vượt khổ chữ 160 mm"),
        ({"bang": [["a", "b"]], "do_rong": [1, 2, 3]}, "bảng ghi độ rộng cho 3 cột nhưng hàng đầu có 2 cột"),
        ({"bang": [["a", "b"]], "hang_tieu_de": 2}, "bảng có 1 hàng nhưng hang_tieu_de là 2"),
    ],
)
def test_check_refuses_a_table_that_cannot_be_printed_as_written(tmp_path: Path, table: dict, message: str) -> None:
    write_notice(tmp_path, noi_dung=["Mở đầu.", table, "Kết thúc."])
    checked = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert checked.exit_code == 1, checked.output
    assert message in checked.output


def test_check_warns_of_an_empty_table_and_of_appendices_named_but_missing_or_never_named(tmp_path: Path) -> None:
    write_notice(
        tmp_path,
        noi_dung=["Xem chi tiết tại Phụ lục 01 và Phụ lục III.", {"bang": [["", ""]]}],
        phu_luc=[{"noi_dung": ["Một."]}, {"noi_dung": ["Hai."]}],
    )
    checked = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert checked.exit_code == 0, checked.output
    output = checked.output
    assert "bảng không có chữ nào" in output
    assert "nội dung nhắc tới “Phụ lục III” nhưng thông báo chỉ có 2 phụ lục" in output
    assert "nội dung nhắc tới “Phụ lục 01” nhưng phụ lục đó in là “Phụ lục I”" in output
    assert "phu_luc[2]: nội dung thông báo không nhắc tới Phụ lục II" in output
    assert "thiếu tên cơ quan viết thường cho dòng “(Kèm theo … của …)”" in output


def test_a_table_cell_written_as_a_number_is_its_text(tmp_path: Path) -> None:
    write_notice(tmp_path, noi_dung=["Bảng:", {"bang": [["STT", "Tỉ lệ"], [1, 2.5]]}])
    checked = render_cli(["check", "a.yaml"], cwd=tmp_path)
    assert checked.exit_code == 0, checked.output


def test_the_audit_holds_appendix_pages_to_the_decree(tmp_path: Path) -> None:
    original = tmp_path / "so-khcn.docx"
    build_department_notice(original)
    audited = render_cli(["check", "--docx", str(original)], cwd=tmp_path)
    rule = next(line for line in audited.output.splitlines() if line.startswith("Quy tắc 28"))
    assert "«PHỤ LỤC 01»: cần chữ in thường «Phụ lục …»" in rule
    assert "không bắt đầu ở trang mới" not in rule  # a page break before the heading is a new page
    # The appendix's paragraphs are body text (rule 11); its tables' cells are not.
    body = next(line for line in audited.output.splitlines() if line.startswith("Quy tắc 11"))
    assert "33 đoạn căn trái" in body
    document = docx.Document(str(original))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            for br in run._r.findall(qn("w:br")):
                run._r.remove(br)
    document.save(str(original))
    again = render_cli(["check", "--docx", str(original)], cwd=tmp_path)
    assert "«PHỤ LỤC 01»: không bắt đầu ở trang mới" in again.output


def test_text_and_diff_show_a_table_row_by_row_and_a_changed_cell_in_its_row(tmp_path: Path) -> None:
    write_notice(tmp_path, **NOTICE_WITH_APPENDICES)
    shown = render_cli(["text", "a.yaml"], cwd=tmp_path)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "STT | Nội dung | Phân công" in lines
    assert "1 | Rà soát hồ sơ | Sở Tài chính | Quý II" in lines
    assert "Sở Y tế | Đạt" in lines and "Phụ lục II" in lines
    changed = {
        **NOTICE_WITH_APPENDICES,
        "phu_luc": [NOTICE_WITH_APPENDICES["phu_luc"][0], {"noi_dung": [{"bang": [["Đơn vị", "Kết quả"], ["Sở Y tế", "Chưa đạt"]]}]}],
    }
    write_notice(tmp_path, "b.yaml", **changed)
    diff = render_cli(["diff", "a.yaml", "b.yaml"], cwd=tmp_path)
    assert "Sở Y tế | [-Đạt-] {+Chưa đạt+}" in diff.output, diff.output


def test_a_notice_with_tables_and_appendices_imports_back_from_its_render_as_the_same_notice(tmp_path: Path) -> None:
    from tbkl_gen.importer import import_paths
    from tbkl_gen.source.load import load_notice
    from tbkl_gen.word.layout import lay_out

    source = write_notice(tmp_path, **NOTICE_WITH_APPENDICES)
    rendered = render_cli(["render", "a.yaml", "-o", "out", "-q"], cwd=tmp_path)
    assert rendered.exit_code == 0, rendered.output
    reports, _ = import_paths([tmp_path / "out" / "a.docx"], tmp_path / "back")
    (report,) = reports
    assert report.error is None, report.error
    original, again = load_notice(source).notice, load_notice(tmp_path / "back" / "a.yaml").notice
    assert original is not None and again is not None
    first, second = lay_out(original), lay_out(again)
    assert _rounded(second.paragraphs) == _rounded(first.paragraphs)
    assert [(a.heading, a.title, a.reference, _rounded(a.paragraphs)) for a in second.appendices] == [
        (a.heading, a.title, a.reference, _rounded(a.paragraphs)) for a in first.appendices
    ]
    assert [f.line() for f in report.findings if f.kind == WARNING] == []


def _rounded(paragraphs: tuple) -> list:
    """Return paragraphs with table widths to the millimetre: widths come back from Word in whole mm."""
    import dataclasses

    out = []
    for paragraph in paragraphs:
        if paragraph.table is not None:
            widths = tuple(round(w) for w in paragraph.table.widths_mm)
            paragraph = dataclasses.replace(paragraph, table=dataclasses.replace(paragraph.table, widths_mm=widths))
        out.append(paragraph)
    return out


# --- any table check accepts renders, passes the audit and imports back ----------------------------

CELL_WORDS = ["Sở", "Tài chính", "Quý II", "1", "2,5", "báo cáo", "**đậm**", "“x”", "&", "<b>", "30/6/2026", "Đạt"]


@st.composite
def tables(draw: st.DrawFn) -> dict:
    """Return a table whose merged cells never overlap: a grid of R × C cut into rectangles, written row by row."""
    rows, columns = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    cells: dict[tuple[int, int], dict] = {}
    for r in range(rows):
        for c in range(columns):
            if (r, c) in owner:
                continue
            across = 1
            while c + across < columns and (r, c + across) not in owner and across < draw(st.integers(1, 3)):
                across += 1
            down = draw(st.integers(1, max(1, min(3, rows - r))))
            while any((below, col) in owner for below in range(r, r + down) for col in range(c, c + across)):
                down -= 1
            for below in range(r, r + down):
                for col in range(c, c + across):
                    owner[(below, col)] = (r, c)
            text = " ".join(draw(st.lists(st.sampled_from(CELL_WORDS), min_size=0, max_size=3)))
            cells[(r, c)] = {"o": text, "gop_cot": across, "gop_hang": down}
    written = []
    for r in range(rows):
        row = []
        for c in range(columns):
            cell = cells.get((r, c))
            if cell is not None:
                row.append(cell["o"] if cell["gop_cot"] == cell["gop_hang"] == 1 else {k: v for k, v in cell.items() if v != 1 or k == "o"})
        written.append(row)
    table: dict = {"bang": written, "hang_tieu_de": draw(st.integers(0, min(2, rows)))}
    if draw(st.booleans()):
        table["do_rong"] = draw(st.lists(st.integers(1, 9), min_size=columns, max_size=columns))
    return table


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(table=tables(), in_appendix=st.booleans())
def test_any_table_check_accepts_renders_passes_the_audit_and_imports_back(table: dict, in_appendix: bool, tmp_path: Path) -> None:
    import tempfile

    from hypothesis import assume

    from tbkl_gen.audit import audit_docx
    from tbkl_gen.audit.report import STATUS_FAIL
    from tbkl_gen.importer import FileReport, source_text
    from tbkl_gen.pipeline import document
    from tbkl_gen.source.load import load_notice
    from tbkl_gen.validate import validate
    from tbkl_gen.word.layout import lay_out
    from tbkl_gen.word.render import find_template

    assume(any(_text(cell).strip() for row in table["bang"] for cell in row))  # a table with no text at all is not read back
    body = ["Chi tiết tại Phụ lục I kèm theo.", table, "Kết thúc."] if not in_appendix else ["Chi tiết tại Phụ lục I kèm theo."]
    extra = {"phu_luc": [{"ten": "Bảng", "noi_dung": ["Mở đầu.", table]}]} if in_appendix else {"phu_luc": [{"noi_dung": ["Một."]}]}
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        source = write_notice(here, noi_dung=body, co_quan__ten_goi="Ủy ban nhân dân tỉnh Quảng Nam", **extra)
        loaded = load_notice(source)
        assert loaded.notice is not None, [p.format() for p in loaded.problems]
        errors = [p.format() for p in [*loaded.problems, *validate(loaded.notice, loaded.source)] if p.severity.name == "ERROR"]
        assert errors == []
        rendered = here / "a.docx"
        rendered.write_bytes(document(lay_out(loaded.notice), find_template(None)))
        failed = [f"{r.rule} {r.detail}" for r in audit_docx(rendered) if r.status == STATUS_FAIL]
        assert failed == []
        text, _ = source_text(docx.Document(str(rendered)), rendered, FileReport(rendered))
        data = yaml.safe_load(text)
        blocks = data["phu_luc"][0]["noi_dung"] if in_appendix else data["noi_dung"]
        (back,) = [b for b in _walk(blocks) if isinstance(b, dict) and "bang" in b]
        assert _grid(back["bang"]) == _grid(table["bang"])
        if table["hang_tieu_de"] and any(_text(c) for c in table["bang"][0]):
            assert back.get("hang_tieu_de", 1) == table["hang_tieu_de"]


def _text(cell: object) -> str:
    return cell if isinstance(cell, str) else str(cell["o"])  # type: ignore[index]


def _grid(rows: list) -> list:
    """Return rows as (text, columns, rows) per cell, text as printed (markup read, spaces collapsed)."""
    from tbkl_gen.markup import plain_text

    return [
        [
            (
                " ".join(plain_text(_text(c)).split()),
                1 if isinstance(c, str) else c.get("gop_cot", 1),
                1 if isinstance(c, str) else c.get("gop_hang", 1),
            )
            for c in row
        ]
        for row in rows
    ]


def test_an_appendix_without_its_reference_line_is_found_by_its_new_page(tmp_path: Path) -> None:
    original = tmp_path / "khong-kem-theo.docx"
    build_department_notice(original)
    document = docx.Document(str(original))
    reference = next(p for p in document.paragraphs if p.text.startswith("(Kèm theo"))
    reference._p.getparent().remove(reference._p)
    document.save(str(original))
    imported = render_cli(["import", str(original), "-o", str(tmp_path / "src")], cwd=tmp_path)
    assert imported.exit_code == 0, imported.output
    data = yaml.safe_load((tmp_path / "src" / "khong-kem-theo.yaml").read_text(encoding="utf-8"))
    (appendix,) = data["phu_luc"]
    assert appendix["ten"] == "KẾT QUẢ KIỂM TRA VÀ DANH MỤC NHIỆM VỤ"
    assert data["nguoi_ky"]["ho_ten"] == "Trần Văn Bình"  # the signature ends where the appendix begins
    audited = render_cli(["check", "--docx", str(original)], cwd=tmp_path)
    assert "«PHỤ LỤC 01»: không có dòng «(Kèm theo …)» dưới tên phụ lục" in audited.output
