""" "Kính gửi" (ND30 Phụ lục I, II.9.d, ô 9a): source, check, layout, Word file, audit, import, preview."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from conftest import ROOT, render_cli
from docx.enum.text import WD_ALIGN_PARAGRAPH
from factories import DROP, notice_data, write_notice

from tbkl_gen.audit import audit_docx
from tbkl_gen.nd30.format import ADDRESSEE_HEAD, ADDRESSEE_SIZES
from tbkl_gen.notice.model import from_data
from tbkl_gen.page.preview import page_html
from tbkl_gen.word.layout import lay_out

SEVERAL = ["Sở Tài chính", "Sở Nội vụ", "Ủy ban nhân dân các xã, phường, đặc khu"]


def _layout(kinh_gui: object):  # noqa: ANN202
    notice = from_data(notice_data(kinh_gui=kinh_gui))
    assert notice is not None
    return lay_out(notice)


def test_one_addressee_stands_on_the_line_of_kinh_gui() -> None:
    assert _layout("Sở Tài chính").kinh_gui_dong == ("Kính gửi: Sở Tài chính",)
    assert _layout(["Sở Tài chính"]).kinh_gui_dong == ("Kính gửi: Sở Tài chính",)


def test_several_addressees_go_under_kinh_gui_with_dashes_semicolons_and_a_full_stop() -> None:
    assert _layout(SEVERAL).kinh_gui_dong == (
        "Kính gửi:",
        "- Sở Tài chính;",
        "- Sở Nội vụ;",
        "- Ủy ban nhân dân các xã, phường, đặc khu.",
    )


def test_what_the_drafter_typed_of_the_printed_form_is_not_printed_twice() -> None:
    typed = ["Kính gửi: Sở Tài chính;", "- Sở Nội vụ.", "  "]
    assert _layout(typed).kinh_gui == ("Sở Tài chính", "Sở Nội vụ")


def test_a_notice_without_kinh_gui_prints_no_such_line() -> None:
    assert _layout(DROP).kinh_gui_dong == ()


def test_the_list_is_centred_with_its_dashes_under_the_colon() -> None:
    layout = _layout(["Sở Tài chính", "Sở Nội vụ"])
    head, items, dash = layout.kinh_gui_indents_in(160.0)
    assert 0 < head < items and dash > 0
    # The block ("Kính gửi" then the widest item) has as much room on its left as on its right.
    from tbkl_gen.nd30.text_width import text_width_mm

    widest = text_width_mm("- Sở Tài chính;", 14, bold=False)
    assert abs(head - (160.0 - (items + widest))) < 0.2


def _rendered(tmp_path: Path, kinh_gui: object, **more: object) -> Path:
    source = write_notice(tmp_path, kinh_gui=kinh_gui, **more)
    result = render_cli(["render", str(source), "-o", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    return tmp_path / "out" / "a.docx"


def _after_summary(path: Path) -> list:
    paragraphs = docx.Document(str(path)).paragraphs
    title = next(i for i, p in enumerate(paragraphs) if p.text == "THÔNG BÁO")
    return paragraphs[title + 3 :]  # the title, the summary, its line


def test_one_addressee_is_one_centred_line_upright_under_the_summary_line(tmp_path: Path) -> None:
    docx_path = _rendered(tmp_path, "Sở Tài chính")
    first, body = _after_summary(docx_path)[:2]
    assert first.text == "Kính gửi: Sở Tài chính"
    assert first.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert first.style.font.size.pt in ADDRESSEE_SIZES and not first.style.font.bold and not first.style.font.italic
    assert body.text.startswith("Ngày 22/12/2021")
    assert {r.rule: r.status for r in audit_docx(docx_path)}[27] == "dat"


def test_several_addressees_are_listed_under_the_colon_each_on_its_line(tmp_path: Path) -> None:
    docx_path = _rendered(tmp_path, SEVERAL)
    head, *items = _after_summary(docx_path)[:4]
    assert [p.text for p in (head, *items)] == [
        "Kính gửi:",
        "- Sở Tài chính;",
        "- Sở Nội vụ;",
        "- Ủy ban nhân dân các xã, phường, đặc khu.",
    ]
    lefts = {p.paragraph_format.left_indent - p.paragraph_format.first_line_indent for p in items}  # where each dash stands
    assert len(lefts) == 1 and lefts.pop() > head.paragraph_format.left_indent
    results = audit_docx(docx_path)
    assert [f"{r.rule}: {r.detail}" for r in results if r.status == "loi"] == []
    assert {r.rule: r.status for r in results}[27] == "dat"


def test_check_names_the_slips_of_a_kinh_gui_list(tmp_path: Path) -> None:
    source = write_notice(tmp_path, kinh_gui=["Kính gửi: Sở Tài chính", "- Sở Nội vụ;", "", "Sở nội vụ"])
    result = render_cli(["check", str(source)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("kinh_gui[1]: không gõ “Kính gửi”" in line for line in lines), lines
    assert any("kinh_gui[2]: không gõ “-” đầu dòng kính gửi" in line for line in lines), lines
    assert any("kinh_gui[2]: không gõ “;” cuối dòng kính gửi" in line for line in lines), lines
    assert any("kinh_gui[3]: mục kính gửi rỗng" in line for line in lines), lines
    assert any("kinh_gui[4]: nơi nhận “Sở nội vụ” lặp lại trong kinh_gui" in line for line in lines), lines


@pytest.mark.parametrize("kinh_gui", ["Sở Tài chính", SEVERAL], ids=["one", "several"])
def test_kinh_gui_imports_back_into_its_field_and_re_renders_the_same(tmp_path: Path, kinh_gui: object) -> None:
    docx_path = _rendered(tmp_path, kinh_gui)
    result = render_cli(["import", str(docx_path), "-o", str(tmp_path / "src")])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((tmp_path / "src" / "a.yaml").read_text(encoding="utf-8"))
    assert data["kinh_gui"] == kinh_gui
    assert data["noi_dung"][0] == "Ngày 22/12/2021, đồng chí Hồ Quang Bửu chủ trì Hội nghị."
    again = render_cli(["render", str(tmp_path / "src" / "a.yaml"), "-o", str(tmp_path / "again"), "--quiet"])
    assert again.exit_code == 0, again.output
    before = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    assert [p.text for p in docx.Document(str(tmp_path / "again" / "a.docx")).paragraphs] == before


def test_a_template_made_before_kinh_gui_is_named_when_it_would_drop_the_line(tmp_path: Path) -> None:
    old = tmp_path / "cu.docx"
    with zipfile.ZipFile(ROOT / "templates" / "ubnd-tinh.docx") as built, zipfile.ZipFile(old, "w") as copy:
        for info in built.infolist():
            data = built.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(rb"<w:p><w:pPr><w:pStyle w:val=\"TBKinhGui\"/>(?:(?!</w:p>).)*</w:p>", b"", data, count=1)
                assert b"kinh_gui" not in data
            copy.writestr(info, data)
    source = write_notice(tmp_path, kinh_gui="Sở Tài chính")
    result = render_cli(["render", str(source), "-o", str(tmp_path / "out"), "--template", str(old)])
    assert result.exit_code == 0, result.output
    assert "kinh_gui: mẫu “cu” không có chỗ in dòng “Kính gửi”" in result.output
    plain = write_notice(tmp_path, "b.yaml")
    quiet = render_cli(["render", str(plain), "-o", str(tmp_path / "out2"), "--template", str(old)])
    assert "Kính gửi" not in quiet.output


def test_the_preview_shows_kinh_gui_as_the_page_prints_it() -> None:
    html = page_html(_layout(SEVERAL))
    assert '<div class="addressees" data-left="' in html
    assert html.index(ADDRESSEE_HEAD) < html.index("- Sở Tài chính;") < html.index('<div class="content">')
    assert '<div class="addressee">Kính gửi: Sở Tài chính</div>' in page_html(_layout("Sở Tài chính"))
