"""Other offices' layouts (issue 18): the audit sees what is on the page, the importer keeps what is content.

The files are written by `other_layouts` the way Word (or LibreOffice) writes them: the lines under
the motto and the issuing body drawn as shapes anchored in the next table row and moved up by a
negative offset, the summary's line typed as "_____" or drawn from the paragraph under it,
"Kính gửi" on one centred line or as a list. `tbkl check --docx` raises no false alarm on them,
and `tbkl import` then `tbkl render` keeps every paragraph with "Kính gửi" laid out as the decree shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
import yaml
from conftest import render_cli
from factories import write_notice
from other_layouts import write

from tbkl_gen.audit import audit_docx
from tbkl_gen.audit import geometry
from tbkl_gen.audit.locate import locate
from tbkl_gen.audit.reader import read_document

SUMMARY = "Kết luận của đồng chí Hồ Quang Bửu, Phó Chủ tịch UBND tỉnh\ntại Hội nghị tổng kết công tác đối ngoại năm 2021\n"
ONE = ("Sở Xây dựng",)
SEVERAL = ("Sở Tài chính", "Sở Nội vụ", "Ủy ban nhân dân các xã, phường")
SHAPES = ["drawingml", "vml", "libreoffice"]


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return one of our renders, from which the other offices' files are written."""
    folder = tmp_path_factory.mktemp("ours")
    source = write_notice(folder, trich_yeu=SUMMARY)
    result = render_cli(["render", str(source), "-o", str(folder / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    return folder / "out" / "a.docx"


def _results(path: Path) -> dict[int, tuple[str, str]]:
    return {r.rule: (r.status, r.detail) for r in audit_docx(path)}


def _lengths(detail: str) -> list[float]:
    return [float(x.replace(",", ".")) for x in re.findall(r"hình vẽ dài (\d+(?:,\d+)?) mm", detail)]


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("kinh_gui", [(), ONE, SEVERAL], ids=["none", "one", "several"])
def test_lines_anchored_in_the_next_row_are_measured_where_they_are_drawn(ours: Path, tmp_path: Path, shapes: str, kinh_gui: tuple) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes=shapes, summary="shape", kinh_gui=kinh_gui)
    results = _results(path)
    assert [f"{rule}: {detail}" for rule, (status, detail) in results.items() if status == "loi"] == []
    # The motto's line is its own length (56 mm at 13 pt bold), the issuing body's 0.42 of its widest line.
    motto, issuer, summary = _lengths(results[26][1])
    assert motto == pytest.approx(56.0, abs=0.3) and issuer == pytest.approx(0.42 * 43.2, abs=0.3)
    assert "lệch tâm 0,0 mm" in results[26][1]
    assert results[27][0] == ("dat" if kinh_gui else "khong_ap_dung")


def test_without_looking_past_the_row_the_lines_would_be_missed(ours: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes="drawingml", summary="shape", kinh_gui=())
    monkeypatch.setattr(geometry, "_lines_anchored_elsewhere", lambda doc, last: [])
    results = _results(path)
    assert results[5] == ("loi", "đường kẻ dưới Tiêu ngữ: không có đường kẻ")
    assert "đường kẻ dưới tên cơ quan: không có đường kẻ" in results[26][1]


def test_a_line_drawn_off_centre_from_the_next_row_is_told_off_centre(ours: Path, tmp_path: Path) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes="vml", summary="shape", kinh_gui=(), shift_mm=-10.0)
    status, detail = _results(path)[26]
    assert status == "loi"
    assert "đường kẻ dưới Tiêu ngữ: lệch sang trái 10,0 mm so với giữa dòng chữ" in detail


def test_a_shape_in_the_next_row_drawn_under_that_row_is_not_the_line_above(ours: Path, tmp_path: Path) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes="drawingml", summary="shape", kinh_gui=(), raise_mm=-12.0)
    assert _results(path)[5] == ("loi", "đường kẻ dưới Tiêu ngữ: không có đường kẻ")


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("kinh_gui", [(), ONE, SEVERAL], ids=["none", "one", "several"])
def test_a_typed_line_under_the_summary_is_its_line_told_as_typed(ours: Path, tmp_path: Path, shapes: str, kinh_gui: tuple) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes=shapes, summary="typed", kinh_gui=kinh_gui)
    results = _results(path)
    assert [f"{rule}: {detail}" for rule, (status, detail) in results.items() if status == "loi"] == []
    for rule in (10, 26):
        status, detail = results[rule]
        assert status == "canh_bao"
        assert detail.startswith("đường kẻ dưới trích yếu: đường kẻ gõ bằng ký tự «___")
    parts = locate(read_document(docx.Document(str(path))), None)
    assert parts.summary_typed_line is not None and parts.body[0].norm.startswith("Ngày 22/12/2021")
    assert [line for line, _ in parts.addressees] == (
        []
        if not kinh_gui
        else [f"{n}." for n in kinh_gui]
        if len(kinh_gui) == 1
        else ["- Sở Tài chính;", "- Sở Nội vụ;", "- Ủy ban nhân dân các xã, phường."]
    )
    checked = render_cli(["check", "--docx", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "LỖI" not in checked.output and checked.output.splitlines()[-1].startswith("Tổng cộng: ")
    assert ", 2 cảnh báo," in checked.output.splitlines()[-1]


@pytest.mark.parametrize("summary", ["typed", "shape"])
@pytest.mark.parametrize("kinh_gui", [ONE, SEVERAL], ids=["one", "several"])
def test_import_then_render_keeps_every_paragraph_and_lays_kinh_gui_out_as_the_decree_shows(
    ours: Path, tmp_path: Path, summary: str, kinh_gui: tuple
) -> None:
    original = write(ours, tmp_path / "khac.docx", shapes="drawingml", summary=summary, kinh_gui=kinh_gui)
    imported = render_cli(["import", str(original), "-o", str(tmp_path / "src"), "--report", str(tmp_path / "bao-cao.txt")])
    assert imported.exit_code == 0, imported.output
    data = yaml.safe_load((tmp_path / "src" / "khac.yaml").read_text(encoding="utf-8"))
    assert data["kinh_gui"] == (kinh_gui[0] if len(kinh_gui) == 1 else list(kinh_gui))
    assert data["noi_dung"][0] == "Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị."  # not the typed line
    report = (tmp_path / "bao-cao.txt").read_text(encoding="utf-8")
    if summary == "typed":
        assert "  sửa: đoạn 9: đường kẻ gõ bằng ký tự «___" in report and "dưới trích yếu: bỏ, mẫu tự vẽ đường kẻ" in report
    else:
        assert "đường kẻ gõ bằng ký tự" not in report
    rendered = render_cli(["render", str(tmp_path / "src" / "khac.yaml"), "-o", str(tmp_path / "again"), "--quiet"])
    assert rendered.exit_code == 0, rendered.output
    again = tmp_path / "again" / "khac.docx"
    assert [r.rule for r in audit_docx(again) if r.status != "dat"] == [28]  # every rule passes; the notice has no appendix (28)
    before = locate(read_document(docx.Document(str(original))), None)
    after = locate(read_document(docx.Document(str(again))), None)
    assert [p.norm for p in after.body] == [p.norm for p in before.body]
    paragraphs = [p for p in docx.Document(str(again)).paragraphs if p.text.startswith(("Kính gửi", "- "))]
    if len(kinh_gui) == 1:
        assert [p.text for p in paragraphs] == ["Kính gửi: Sở Xây dựng"]
        assert paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    else:
        assert [p.text for p in paragraphs][:4] == ["Kính gửi:", "- Sở Tài chính;", "- Sở Nội vụ;", "- Ủy ban nhân dân các xã, phường."]


def test_a_kinh_gui_list_that_breaks_the_decree_fails_rule_27(ours: Path, tmp_path: Path) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes="vml", summary="shape", kinh_gui=SEVERAL)
    document = docx.Document(str(path))
    head = next(p for p in document.paragraphs if p.text.startswith("Kính gửi"))
    head.runs[0].bold = True
    item = next(p for p in document.paragraphs if p.text == "- Sở Nội vụ;")
    item.runs[0].text = "- Sở Nội vụ"
    document.save(str(path))
    status, detail = _results(path)[27]
    assert status == "loi"
    assert detail == "«Kính gửi: - Sở Tài chính;»: in đậm, cần không đậm; «- Sở Nội vụ»: không kết thúc bằng «;»"


@pytest.mark.parametrize("kinh_gui", [ONE, SEVERAL], ids=["one", "several"])
def test_a_line_typed_after_a_break_and_kinh_gui_in_a_table_are_found_and_imported(ours: Path, tmp_path: Path, kinh_gui: tuple) -> None:
    original = write(ours, tmp_path / "khac.docx", shapes="vml", summary="typed-break", kinh_gui=kinh_gui, in_table=True)
    results = _results(original)
    assert [f"{rule}: {detail}" for rule, (status, detail) in results.items() if status == "loi"] == []
    assert results[10][0] == results[26][0] == "canh_bao" and results[27][0] == "dat"
    imported = render_cli(["import", str(original), "-o", str(tmp_path / "src"), "--report", str(tmp_path / "bao-cao.txt")])
    assert imported.exit_code == 0, imported.output
    data = yaml.safe_load((tmp_path / "src" / "khac.yaml").read_text(encoding="utf-8"))
    assert data["trich_yeu"] == SUMMARY  # the two lines as typed, the "_" line left out
    assert data["kinh_gui"] == (kinh_gui[0] if len(kinh_gui) == 1 else list(kinh_gui))
    report = (tmp_path / "bao-cao.txt").read_text(encoding="utf-8")
    assert "đường kẻ gõ bằng ký tự «___" in report and "bảng ngoài phần đầu" not in report


@pytest.mark.parametrize(("indent_mm", "status"), [(55.0, "dat"), (0.0, "loi")], ids=["pushed-to-the-middle", "flush-left"])
def test_one_addressee_set_by_an_indent_is_judged_where_it_stands(ours: Path, tmp_path: Path, indent_mm: float, status: str) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes="vml", summary="shape", kinh_gui=ONE)
    document = docx.Document(str(path))
    line = next(p for p in document.paragraphs if p.text.startswith("Kính gửi"))
    line.alignment = docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT
    line.paragraph_format.left_indent = docx.shared.Mm(indent_mm)
    document.save(str(path))
    got, detail = _results(path)[27]
    assert got == status, detail
    if status == "loi":
        assert re.fullmatch(r"«Kính gửi: Sở Xây dựng\.»: căn trái, cần căn giữa \(lệch sang trái \d+,\d mm\)", detail)


def test_lines_typed_in_the_heading_are_lines_told_as_typed_and_never_part_of_the_name(ours: Path, tmp_path: Path) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes="typed", summary="typed", kinh_gui=ONE)
    results = _results(path)
    assert [f"{rule}: {detail}" for rule, (status, detail) in results.items() if status == "loi"] == []
    assert {rule: status for rule, (status, _) in results.items() if status == "canh_bao"} == {
        5: "canh_bao",
        10: "canh_bao",
        26: "canh_bao",
    }
    assert results[6] == ("dat", "«ỦY BAN NHÂN DÂN / TỈNH QUẢNG NAM»: đậm, đứng, cỡ 13 pt, căn giữa; không có dòng cơ quan chủ quản")
    for name in ("Tiêu ngữ", "tên cơ quan", "trích yếu"):
        assert f"đường kẻ dưới {name}: đường kẻ gõ bằng ký tự «___" in results[26][1]
    imported = render_cli(["import", str(path), "-o", str(tmp_path / "src"), "--report", str(tmp_path / "bao-cao.txt")])
    assert imported.exit_code == 0, imported.output
    data = yaml.safe_load((tmp_path / "src" / "khac.yaml").read_text(encoding="utf-8"))
    assert data["co_quan"]["ten"] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"]
    report = (tmp_path / "bao-cao.txt").read_text(encoding="utf-8")
    assert report.count("đường kẻ gõ bằng ký tự") == 3 and "không thuộc phần nào" not in report


def test_addressees_typed_without_dashes_under_a_bare_kinh_gui_are_still_the_list(ours: Path, tmp_path: Path) -> None:
    path = write(ours, tmp_path / "khac.docx", shapes="vml", summary="shape", kinh_gui=SEVERAL)
    document = docx.Document(str(path))
    head = next(p for p in document.paragraphs if p.text.startswith("Kính gửi"))
    for run in head.runs[1:]:
        run._r.getparent().remove(run._r)
    head.add_run("")
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("- Sở Nội vụ") or paragraph.text.startswith("- Ủy ban"):
            paragraph.runs[0].text = paragraph.runs[0].text.removeprefix("- ")
    first = head.insert_paragraph_before("Sở Tài chính;")
    head._p.addnext(first._p)  # under the head, as the first item
    document.save(str(path))
    parts = locate(read_document(docx.Document(str(path))), None)
    assert [line for line, _ in parts.addressees] == ["Sở Tài chính;", "Sở Nội vụ;", "Ủy ban nhân dân các xã, phường."]
    assert parts.body[0].norm.startswith("Ngày 22/12/2021")
    status, detail = _results(path)[27]
    assert status == "loi" and detail == "3 dòng không bắt đầu bằng «- » (ví dụ «Sở Tài chính;», «Sở Nội vụ;»)"
