"""Kinds of document: Công văn and Giấy mời beside the Thông báo, and a fourth kind in one module.

Word files shaped like an office's real letters and invitations (python-docx, no styles of ours,
the variants offices type: "V/v" in the number's cell or in the next row over one to three lines,
"Kính gửi:" on its own line with the list under it or one recipient on the same line, a symbol
with no unit part, Nơi nhận and the signer in a two-row table, a signer with no authority prefix)
go through the real command line: `tbkl import` makes a source of the right kind, `tbkl render`
of it keeps at least 90% of the original's paragraphs word for word, is of the same kind, and
passes `tbkl check --docx`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from conftest import SIGNER, convert, fill_in, render_cli
from kind_to_trinh import TO_TRINH
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx_text import document_lines

from tbkl_gen.audit import audit_docx
from tbkl_gen.audit.locate import locate
from tbkl_gen.audit.reader import read_document
from tbkl_gen.audit.report import STATUS_FAIL
from tbkl_gen.commands.scaffold import template_index
from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.kinds import KINDS, register, unregister

# --- Word files shaped like real ones ---------------------------------------------------------------


def _bold(paragraph: Any, text: str) -> None:
    paragraph.add_run(text).bold = True


def _header(document: Any, *, number: str, summary: tuple[str, ...] = (), summary_row: str = "same") -> None:
    """The two-column header: issuer | national name, then number (and V/v) | place and date."""
    rows = 3 if summary and summary_row == "next" else 2
    table = document.add_table(rows=rows, cols=2)
    left = table.cell(0, 0)
    _bold(left.paragraphs[0], "ỦY BAN NHÂN DÂN")
    _bold(left.add_paragraph(), "TỈNH LÂM ĐỒNG")
    right = table.cell(0, 1)
    _bold(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    _bold(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc")
    number_cell = table.cell(1, 0)
    number_run = number_cell.paragraphs[0].add_run(f"Số: {number}")
    number_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if summary and summary_row == "break":  # typed in the number's paragraph, each line after Shift+Enter
        for line in summary:
            number_run.add_break()
            number_run.add_text(line)
        summary = ()
    date = table.cell(1, 1).paragraphs[0]
    date.add_run("Lâm Đồng, ngày 20 tháng 4 năm 2026").italic = True
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if summary:
        cell = number_cell if summary_row == "same" else table.cell(2, 0)
        for index, line in enumerate(summary):
            paragraph = cell.paragraphs[0] if summary_row == "next" and index == 0 else cell.add_paragraph()
            run = paragraph.add_run(line)
            run.font.size = Pt(12)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _body(document: Any, lines: tuple[str, ...]) -> None:
    for line in lines:
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.first_line_indent = Pt(36)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _closing(document: Any, recipients: tuple[str, ...], authority: tuple[str, ...], name: str, *, two_rows: bool) -> None:
    """Nơi nhận on the left, the signer on the right: in one row, or in two (head and authority, then lines and name)."""
    table = document.add_table(rows=2 if two_rows else 1, cols=2)
    left, right = table.cell(0, 0), table.cell(0, 1)
    head = left.paragraphs[0].add_run("Nơi nhận:")
    head.bold = head.italic = True
    lines_cell = table.cell(1, 0) if two_rows else left
    for index, line in enumerate(recipients):
        paragraph = lines_cell.paragraphs[0] if two_rows and index == 0 else lines_cell.add_paragraph()
        paragraph.add_run(line).font.size = Pt(11)
    for index, line in enumerate(authority):
        _bold(right.paragraphs[0] if index == 0 else right.add_paragraph(), line)
    name_cell = table.cell(1, 1) if two_rows else right
    if not two_rows:
        name_cell.add_paragraph()
    _bold(name_cell.paragraphs[0] if two_rows else name_cell.add_paragraph(), name)
    document.add_paragraph()  # Word always keeps a paragraph after a table that ends the document


LETTER_BODY = (
    "Thực hiện Kế hoạch số 45/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh về chuyển đổi số năm 2026, "
    "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành thực hiện một số nội dung sau:",
    "1. Rà soát danh mục phần mềm chuyên ngành, gửi Sở Khoa học và Công nghệ trước ngày 10/5/2026.",
    "2. Chuẩn hóa dữ liệu, kết nối và chia sẻ dữ liệu về hệ thống cơ sở dữ liệu dùng chung của tỉnh.",
    "3. Bố trí cán bộ đầu mối theo dõi, tổng hợp kết quả thực hiện.",
    "Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.",
)


def cong_van(path: Path, variant: str) -> None:
    """Write a Công văn the way offices type one; variant "a", "b" or "c" (V/v in the number's paragraph; see the module's docstring)."""
    document = docx.Document()
    section = document.sections[0]
    section.left_margin, section.right_margin = Pt(85), Pt(57)
    if variant == "a":
        _header(document, number="123/UBND-KGVX", summary=("V/v triển khai phần mềm chuyên ngành", "và cơ sở dữ liệu dùng chung"))
        kinh_gui = document.add_paragraph("Kính gửi:")
        kinh_gui.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for line in ("- Các sở, ban, ngành thuộc tỉnh;", "- UBND các xã, phường, đặc khu."):
            document.add_paragraph(line).paragraph_format.left_indent = Pt(140)
        _body(document, LETTER_BODY)
        _closing(
            document,
            ("- Như trên;", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, KGVX."),
            ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
            "Nguyễn Ngọc Phúc",
            two_rows=True,
        )
    elif variant == "c":
        summary = ("V/v tăng cường công tác phòng,", "chống thiên tai, tìm kiếm cứu nạn", "mùa mưa bão năm 2026")
        _header(document, number="45/UBND-NC", summary=summary, summary_row="break")
        document.add_paragraph("Kính gửi: Ban Chỉ huy Phòng thủ dân sự tỉnh").alignment = WD_ALIGN_PARAGRAPH.CENTER
        _body(document, LETTER_BODY)
        _closing(document, ("- Như trên;", "- Lưu: VT, NC."), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Nguyễn Ngọc Phúc", two_rows=True)
    else:
        _header(document, number="     /SNV-TCBC", summary=("V/v báo cáo số lượng cán bộ, công chức năm 2026",), summary_row="next")
        kinh_gui = document.add_paragraph("Kính gửi: Sở Tài chính tỉnh Lâm Đồng")
        kinh_gui.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _body(document, LETTER_BODY[:1] + LETTER_BODY[4:])
        _closing(document, ("- Như trên;", "- Lưu: VT, TCBC."), ("CHỦ TỊCH",), "Trần Hồng Thái", two_rows=False)
    document.save(str(path))


INVITATION_ITEMS = (
    "Chủ trì: Đồng chí Nguyễn Ngọc Phúc - Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh.",
    "Thành phần mời:",
    "- Lãnh đạo Sở Khoa học và Công nghệ;",
    "- Lãnh đạo các sở: Tài chính, Nội vụ;",
    "- Lãnh đạo Văn phòng UBND tỉnh.",
    "Nội dung: Nghe báo cáo tình hình triển khai phần mềm chuyên ngành và cơ sở dữ liệu dùng chung.",
    "Thời gian: 14 giờ 00, ngày 24 tháng 4 năm 2026.",
    "Địa điểm: Phòng họp số 2, trụ sở UBND tỉnh.",
    "Phân công chuẩn bị: Sở Khoa học và Công nghệ chuẩn bị báo cáo, gửi Văn phòng UBND tỉnh trước ngày 23/4/2026./.",
)


def giay_moi(path: Path, variant: str) -> None:
    """Write a Giấy mời: "a" numbered items and no summary, "b" a summary and Kính gửi, labelled sections."""
    document = docx.Document()
    _header(document, number="42/GM-UBND")
    title = document.add_paragraph()
    _bold(title, "GIẤY MỜI")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if variant == "b":
        summary = document.add_paragraph()
        _bold(summary, "Dự họp nghe báo cáo về chuyển đổi số")
        summary.alignment = WD_ALIGN_PARAGRAPH.CENTER
        kinh_gui = document.add_paragraph("Kính gửi: Giám đốc Sở Khoa học và Công nghệ")
        kinh_gui.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("")
    _body(document, ("Thực hiện Chương trình công tác tháng 4 năm 2026, Ủy ban nhân dân tỉnh tổ chức cuộc họp, cụ thể như sau:",))
    number = 0
    for item in INVITATION_ITEMS:
        if variant == "a" and not item.startswith("-"):
            number += 1
            item = f"{number}. {item}"
        _body(document, (item,))
    _closing(
        document,
        ("- Như thành phần mời;", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, KGVX."),
        ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
        "Lê Thị Bích Liên",
        two_rows=variant == "a",
    )
    document.save(str(path))


# --- import, render, audit ----------------------------------------------------------------------------


def _words(line: str) -> str:
    return " ".join(line.split())


def _kept(original: Path, rendered: Path) -> float:
    """Return the share of the original's paragraphs that the render holds word for word."""
    before = [_words(line) for line in document_lines(original)]
    after = {_words(line) for line in document_lines(rendered)}
    return sum(line in after for line in before) / len(before)


def _kind_of(path: Path) -> str:
    return locate(read_document(docx.Document(str(path))), None).kind.key


def round_trip(original: Path, kind: str, tmp_path: Path, stem: str | None = None) -> tuple[dict, list[str]]:
    """Import original (its source named stem, or as original), render and audit it: return the source's data and the rendered lines.

    The render is of the same kind, keeps 90% of the original's paragraphs (of its .docx, for a .doc)
    word for word, and passes `tbkl check --docx` and the audit.
    """
    imported = render_cli(["import", str(original), "-o", str(tmp_path / "src")])
    assert imported.exit_code == 0, imported.output
    source = tmp_path / "src" / f"{stem or original.stem}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert data["loai"] == kind
    rendered = render_cli(["render", str(source), "-o", str(tmp_path / "out")])
    assert rendered.exit_code == 0, rendered.output
    again = tmp_path / "out" / f"{source.stem}.docx"
    assert _kind_of(again) == kind
    lines = document_lines(again)
    if kind == "cong_van":
        assert "THÔNG BÁO" not in lines and any(line.startswith("V/v ") for line in lines)
    else:
        assert "GIẤY MỜI" in lines
    reference = original.with_suffix(".docx")
    assert _kept(reference, again) >= 0.9, sorted(set(map(_words, document_lines(reference))) - set(map(_words, lines)))
    checked = render_cli(["check", "--docx", str(again)])
    assert checked.exit_code == 0, checked.output
    assert [f"{r.rule}: {r.detail}" for r in audit_docx(again) if r.status == STATUS_FAIL] == []
    return data, lines


CASES = [
    ("cong_van", cong_van, "a"),
    ("cong_van", cong_van, "b"),
    ("cong_van", cong_van, "c"),
    ("giay_moi", giay_moi, "a"),
    ("giay_moi", giay_moi, "b"),
]


@pytest.mark.parametrize(("kind", "write", "variant"), CASES, ids=[f"{kind}-{variant}" for kind, _, variant in CASES])
def test_a_real_shaped_word_file_imports_as_its_kind_and_renders_back_keeping_its_paragraphs(
    kind: str, write: Any, variant: str, tmp_path: Path
) -> None:
    original = tmp_path / f"{kind}-{variant}.docx"
    write(original, variant)
    assert _kind_of(original) == kind

    round_trip(original, kind, tmp_path, stem=f"{kind.replace('_', '-')}-{variant}")


def test_a_letters_symbol_and_summary_are_read_into_their_fields(tmp_path: Path) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    cong_van(first, "a")
    cong_van(second, "b")
    assert render_cli(["import", str(first), str(second), "-o", str(tmp_path / "src")]).exit_code == 0
    a = yaml.safe_load((tmp_path / "src" / "a.yaml").read_text(encoding="utf-8"))
    b = yaml.safe_load((tmp_path / "src" / "b.yaml").read_text(encoding="utf-8"))
    assert (a["so"], a["ky_hieu"], a["co_quan"]["viet_tat"]) == ("123", "UBND-KGVX", "UBND")
    assert a["trich_yeu"] == "triển khai phần mềm chuyên ngành\nvà cơ sở dữ liệu dùng chung\n"
    assert a["noi_nhan"][0] == "Như trên" and a["nguoi_ky"]["ho_ten"] == "Nguyễn Ngọc Phúc"
    assert a["nguoi_ky"]["quyen_han"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert (b.get("so"), b["ky_hieu"], b["co_quan"]["viet_tat"]) == (None, "SNV-TCBC", "SNV")
    assert b["trich_yeu"] == "báo cáo số lượng cán bộ, công chức năm 2026"
    assert (b["nguoi_ky"].get("quyen_han", []), b["nguoi_ky"]["chuc_vu"]) == ([], "CHỦ TỊCH")


# --- the examples of each kind ------------------------------------------------------------------------


def test_each_kind_has_an_example_that_checks_clean_and_renders_as_its_kind(rendered_examples: dict[Path, Path]) -> None:
    kinds = {}
    for source, rendered in rendered_examples.items():
        written = yaml.safe_load(source.read_text(encoding="utf-8")).get("loai", "thong_bao")
        kinds.setdefault(written, []).append(source)
        assert _kind_of(rendered) == written, source
    assert set(kinds) == set(KINDS)
    for sources in kinds.values():
        result = render_cli(["check", *map(str, sources)])
        assert result.exit_code == 0 and "0 lỗi, 0 cảnh báo" in result.output, result.output


def test_an_invitation_prints_its_meeting_as_numbered_items_with_the_time_in_words(tmp_path: Path, rendered_examples) -> None:  # noqa: ANN001
    invitation = next(rendered for source, rendered in rendered_examples.items() if "giay-moi" in source.name)
    lines = document_lines(invitation)
    assert lines[lines.index("GIẤY MỜI") + 1].startswith("Thực hiện ")
    items = [line for line in lines if line[:1].isdigit() and ". " in line[:4]]
    assert [item.split(". ", 1)[1].split(":")[0] for item in items] == [
        "Chủ trì",
        "Thành phần mời",
        "Nội dung",
        "Thời gian",
        "Địa điểm",
        "Phân công chuẩn bị",
    ]
    assert "4. Thời gian: 14 giờ 00, ngày 16 tháng 4 năm 2026." in lines
    assert "- Như thành phần mời;" in lines


def test_an_unknown_kind_is_named_with_the_kinds_there_are(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("loai: cong_vn\n", encoding="utf-8")
    result = render_cli(["check", str(source)])
    assert result.exit_code == 1
    assert "loai: không có loại văn bản “cong_vn”" in result.output
    assert "có phải “loai: cong_van”?" in result.output


# --- a fourth kind, in one module -----------------------------------------------------------------------


@pytest.fixture
def fourth_kind() -> Iterator[Kind]:
    register(TO_TRINH)
    yield TO_TRINH
    unregister(TO_TRINH)


def test_a_fourth_kind_declared_in_one_module_works_on_every_surface(fourth_kind: Kind, tmp_path: Path) -> None:
    """`tests/kind_to_trinh.py` is the whole of a Tờ trình; registered, every command knows it."""
    from tbkl_gen.commands.pdf import sidecar_schema
    from tbkl_gen.word import contract

    workspace = tmp_path / "vp"
    assert render_cli(["init", str(workspace), "--nguoi-ky", SIGNER]).exit_code == 0
    made = render_cli(["new", "Về việc đề nghị phê duyệt kế hoạch tuyển dụng công chức năm 2026", "--loai", "to_trinh"], cwd=workspace)
    assert made.exit_code == 0, made.output
    source = next((workspace / "notices").rglob("*.yaml"))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert data["loai"] == "to_trinh" and data["can_cu"] == ["Căn cứ Luật Cán bộ, công chức năm 2025;"]
    assert data["noi_nhan_them"] == ["Như trên"]
    # its own sample body (no conclusion notice's sentences), an error until the drafter fills it in
    assert "kính trình" in data["noi_dung"][0] and "kết luận" not in source.read_text(encoding="utf-8")
    assert render_cli(["check"], cwd=workspace).exit_code == 1
    fill_in(source)
    checked = render_cli(["check"], cwd=workspace)
    assert checked.exit_code == 0 and " 0 lỗi" in checked.output, checked.output
    rendered = render_cli(["render"], cwd=workspace)
    assert rendered.exit_code == 0, rendered.output
    docx_path = next((workspace / "out").rglob("*.docx"))
    lines = document_lines(docx_path)
    assert lines[lines.index("TỜ TRÌNH") + 1] == "Về việc đề nghị phê duyệt kế hoạch tuyển dụng công chức năm 2026"
    assert any(line.startswith("Số:") and line.endswith("/TTr-UBND") for line in lines)
    assert "Kính gửi: Ủy ban nhân dân tỉnh" in lines and "Căn cứ Luật Cán bộ, công chức năm 2025;" in lines
    assert _kind_of(docx_path) == "to_trinh"
    assert [f"{r.rule}: {r.detail}" for r in audit_docx(docx_path) if r.status == STATUS_FAIL] == []
    audited = render_cli(["check", "--docx", str(docx_path)])
    assert audited.exit_code == 0, audited.output
    text = render_cli(["text", str(docx_path)])
    assert text.exit_code == 0 and "TỜ TRÌNH" in text.output and "Căn cứ Luật Cán bộ" in text.output, text.output
    imported = render_cli(["import", str(docx_path), "-o", str(tmp_path / "back")])
    assert imported.exit_code == 0, imported.output
    assert yaml.safe_load(next((tmp_path / "back").rglob("*.yaml")).read_text(encoding="utf-8"))["loai"] == "to_trinh"
    # the output side knows it from its declaration: the contract, the template's rieng, the sidecar
    assert "to_trinh" in contract.variable("loai").doc() and "TỜ TRÌNH" in contract.variable("ten_loai").doc()
    assert "can_cu" in contract.attribute_names() and "can_cu" in contract.listing()
    schema = sidecar_schema()
    assert "to_trinh" in schema["properties"]["loai"]["enum"] and "can_cu" in schema["properties"]["rieng"]["properties"]
    # a key of another kind is refused, with the fourth kind's keys as the ones allowed
    source.write_text(source.read_text(encoding="utf-8") + "mo_dau: Thực hiện …\n", encoding="utf-8")
    assert render_cli(["check", str(source)]).exit_code == 1


# --- every surface knows the kinds ------------------------------------------------------------------


OFFICES = list(template_index())


@pytest.mark.parametrize("office", OFFICES)
@pytest.mark.parametrize("kind", ["thong_bao", "cong_van", "giay_moi"])
def test_new_in_a_fresh_workspace_of_each_office_writes_a_source_of_each_kind_that_checks_renders_and_passes_the_audit(
    kind: str, office: str, tmp_path: Path
) -> None:
    assert render_cli(["init", str(tmp_path / "vp"), "--mau", office, "--nguoi-ky", SIGNER]).exit_code == 0
    made = render_cli(["new", "Triển khai chuyển đổi số", "--loai", kind], cwd=tmp_path / "vp")
    assert made.exit_code == 0, made.output
    source = next((tmp_path / "vp" / "notices").rglob("*.yaml"))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert data.get("loai", "thong_bao") == kind
    assert data["noi_nhan_them"] == [KINDS[kind].first_recipient]
    # the kind's samples ("…" gaps) are errors until the drafter fills them in
    assert render_cli(["check"], cwd=tmp_path / "vp").exit_code == 1
    fill_in(source)
    checked = render_cli(["check"], cwd=tmp_path / "vp")
    assert checked.exit_code == 0 and " 0 lỗi" in checked.output, checked.output
    assert render_cli(["render"], cwd=tmp_path / "vp").exit_code == 0
    rendered = next((tmp_path / "vp" / "out").rglob("*.docx"))
    assert _kind_of(rendered) == kind
    text = " ".join(document_lines(rendered))
    assert "Triển khai chuyển đổi số" in text
    # the sample sentence names the office itself, not another level's
    issuer = template_index()[office]["mac_dinh"]["co_quan"]["ten_goi"]
    assert kind == "thong_bao" or issuer in text, text
    assert [f"{r.rule}: {r.detail}" for r in audit_docx(rendered) if r.status == STATUS_FAIL] == []
    audited = render_cli(["check", "--docx", str(rendered)])
    assert audited.exit_code == 0, audited.output


def test_new_refuses_an_unknown_kind_and_lists_the_kinds(tmp_path: Path) -> None:
    assert render_cli(["init", str(tmp_path / "vp")]).exit_code == 0
    result = render_cli(["new", "Thử", "--loai", "to_trinh"], cwd=tmp_path / "vp")
    assert result.exit_code == 2
    assert "thong_bao" in result.output and "cong_van" in result.output and "giay_moi" in result.output


# --- an invitation and the conclusion notice of one meeting share its facts ----------------------------


def test_a_notice_takes_its_meeting_from_the_invitation_it_names_and_is_held_to_its_day(tmp_path: Path) -> None:
    assert render_cli(["init", str(tmp_path / "vp"), "--nguoi-ky", SIGNER]).exit_code == 0
    folder = tmp_path / "vp" / "notices" / "2026"
    folder.mkdir(parents=True)
    (folder / "giay-moi.yaml").write_text(
        "loai: giay_moi\nngay: 2026-04-13\n"
        "cuoc_hop:\n  chu_tri: Đồng chí Chủ tịch UBND tỉnh\n  thoi_gian: 2026-04-16 14:00\n  dia_diem: Hội trường\n"
        "thanh_phan: [Giám đốc Sở Tài chính]\nnoi_nhan: [Như thành phần mời]\n",
        encoding="utf-8",
    )
    notice = folder / "thong-bao.yaml"
    body = "trich_yeu: Kết luận của đồng chí Chủ tịch\nnoi_dung: [Đồng chí Chủ tịch kết luận.]\ncuoc_hop: giay-moi.yaml\n"
    notice.write_text("ngay: 2026-04-20\n" + body, encoding="utf-8")
    shown = render_cli(["show", str(notice)])
    assert shown.exit_code == 0 and 'thoi_gian: "2026-04-16 14:00"' in shown.output
    assert render_cli(["check", str(notice)]).exit_code == 0
    # issued before the meeting its invitation announces: refused, as with ngay_hop
    notice.write_text("ngay: 2026-04-15\n" + body, encoding="utf-8")
    early = render_cli(["check", str(notice)])
    assert early.exit_code == 1 and "sớm hơn ngày họp 16/04/2026" in early.output, early.output
    # a name that is no source, or one outside the workspace, is the notice's own mistake at its cuoc_hop
    for named, said in (
        ("khong-co.yaml", "tệp “khong-co.yaml”: không đọc được tệp: không tồn tại"),
        ("../../../x.yaml", "nằm ngoài thư mục làm việc"),
    ):
        notice.write_text("ngay: 2026-04-20\n" + body.replace("giay-moi.yaml", named), encoding="utf-8")
        refused = render_cli(["check", str(notice)])
        assert refused.exit_code == 1 and "thong-bao.yaml:4:11: cuoc_hop: " in refused.output and said in refused.output, refused.output


def test_an_invitation_issued_after_its_meeting_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "gm.yaml"
    source.write_text(
        "loai: giay_moi\nco_quan: {ten: [ỦY BAN NHÂN DÂN, TỈNH LÂM ĐỒNG], viet_tat: UBND}\ndia_danh: Lâm Đồng\nngay: 2026-04-17\n"
        "cuoc_hop: {chu_tri: Đồng chí Chủ tịch, thoi_gian: '2026-04-16 14:00', dia_diem: Hội trường}\n"
        "noi_nhan: [Như thành phần mời]\nluu: VT, TH\nnguoi_ky: {chuc_vu: CHỦ TỊCH, ho_ten: Trần Văn B}\n",
        encoding="utf-8",
    )
    result = render_cli(["check", str(source)])
    assert result.exit_code == 1 and "giấy mời ban hành ngày 17/04/2026, sau ngày họp 16/04/2026" in result.output, result.output


_HEAD = "co_quan: {ten: [ỦY BAN NHÂN DÂN, TỈNH LÂM ĐỒNG], viet_tat: UBND}\ndia_danh: Lâm Đồng\nngay: 2026-04-10\n"
_TAIL = "luu: VT, TH\nnguoi_ky: {chuc_vu: CHỦ TỊCH, ho_ten: Trần Văn B}\n"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            "loai: cong_van\ntrich_yeu: tăng cường phòng, chống thiên tai\nkinh_gui: [Sở Tài chính, Sở Nội vụ]\nnoi_dung: [Đề nghị các sở thực hiện.]\n",
            "công văn có nơi nhận ở dòng Kính gửi thì nơi nhận bắt đầu bằng “Như trên”",
        ),
        (
            "loai: giay_moi\nthanh_phan: [Giám đốc Sở Tài chính]\ncuoc_hop: {chu_tri: Đồng chí Chủ tịch}\n",
            "giấy mời có thành phần mời thì nơi nhận bắt đầu bằng “Như thành phần mời”",
        ),
    ],
)
def test_recipients_that_do_not_start_with_the_line_standing_for_the_addressees_are_warned_about(
    body: str, said: str, tmp_path: Path
) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(_HEAD + body + "noi_nhan: [Sở Xây dựng]\n" + _TAIL, encoding="utf-8")
    warned = render_cli(["check", str(source)])
    assert warned.exit_code == 0 and f"cảnh báo: noi_nhan[1]: {said}" in warned.output, warned.output
    first = next(kind.first_recipient for kind in KINDS.values() if f"“{kind.first_recipient}”" in said)
    source.write_text(_HEAD + body + f"noi_nhan: ['- {first};', Sở Xây dựng]\n" + _TAIL, encoding="utf-8")
    assert said not in render_cli(["check", str(source)]).output
    # the addressees not named, nothing stands for them: no warning
    source.write_text(
        _HEAD + body.split("\n")[0] + "\nnoi_dung: [Đề nghị các sở thực hiện.]\ntrich_yeu: x\nnoi_nhan: [Sở Xây dựng]\n" + _TAIL,
        encoding="utf-8",
    )
    assert "nơi nhận bắt đầu bằng" not in render_cli(["check", str(source)]).output


def test_an_invitations_meeting_is_read_into_its_fields_only_when_they_print_the_same_body(tmp_path: Path) -> None:
    numbered, labelled = tmp_path / "a.docx", tmp_path / "b.docx"
    giay_moi(numbered, "a")
    giay_moi(labelled, "b")
    assert render_cli(["import", str(numbered), str(labelled), "-o", str(tmp_path / "src")]).exit_code == 0
    a = yaml.safe_load((tmp_path / "src" / "a.yaml").read_text(encoding="utf-8"))
    b = yaml.safe_load((tmp_path / "src" / "b.yaml").read_text(encoding="utf-8"))
    assert a["mo_dau"].startswith("Thực hiện Chương trình công tác tháng 4 năm 2026")
    assert a["cuoc_hop"]["chu_tri"].startswith("Đồng chí Nguyễn Ngọc Phúc")
    assert a["cuoc_hop"]["thoi_gian"] == "2026-04-24 14:00"  # read into the field: the invitation prints it the same, "." and all
    assert len(a["thanh_phan"]) == 3 and "danh_so" not in a and "noi_dung" not in a
    assert b["danh_so"] is False and b["trich_yeu"] == "Dự họp nghe báo cáo về chuyển đổi số"
    assert b["kinh_gui"] == "Giám đốc Sở Khoa học và Công nghệ"
    # items in another order than the invitation prints them stay a body as read
    shuffled = tmp_path / "c.docx"
    document = docx.Document(str(numbered))
    items = [p for p in document.paragraphs if p.text.startswith(("4. Thời gian", "5. Địa điểm"))]
    items[0].text, items[1].text = items[1].text.replace("5.", "4."), items[0].text.replace("4.", "5.")
    document.save(str(shuffled))
    assert render_cli(["import", str(shuffled), "-o", str(tmp_path / "src")]).exit_code == 0
    c = yaml.safe_load((tmp_path / "src" / "c.yaml").read_text(encoding="utf-8"))
    assert "cuoc_hop" not in c and c["noi_dung"][1] == {
        "khoan": "Chủ trì: Đồng chí Nguyễn Ngọc Phúc - Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh."
    }


def test_text_and_diff_read_a_letter_and_an_invitation_as_any_notice(rendered_examples: dict[Path, Path]) -> None:
    for source, rendered in rendered_examples.items():
        kind = yaml.safe_load(source.read_text(encoding="utf-8")).get("loai")
        if kind not in ("cong_van", "giay_moi"):
            continue
        text = render_cli(["text", str(rendered)])
        assert text.exit_code == 0
        assert ("V/v triển khai" in text.output) if kind == "cong_van" else ("GIẤY MỜI" in text.output)
        same = render_cli(["diff", str(source), str(rendered)])
        assert same.exit_code == 0 and same.output == "", same.output


def test_an_invitation_titled_with_a_word_more_is_still_an_invitation_and_the_report_says_so(tmp_path: Path) -> None:
    original = tmp_path / "gm.docx"
    giay_moi(original, "a")
    document = docx.Document(str(original))
    title = next(p for p in document.paragraphs if p.text == "GIẤY MỜI")
    title.runs[0].text = "GIẤY MỜI HỌP"
    document.save(str(original))
    assert _kind_of(original) == "giay_moi"
    result = render_cli(["import", str(original), "-o", str(tmp_path / "src"), "--report", str(tmp_path / "r.txt")])
    assert result.exit_code == 0, result.output
    assert "tên loại «GIẤY MỜI HỌP» in thành «GIẤY MỜI»" in (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert yaml.safe_load((tmp_path / "src" / "gm.yaml").read_text(encoding="utf-8"))["loai"] == "giay_moi"


@pytest.mark.parametrize(
    ("kind", "write", "variant"), [("cong_van", cong_van, "b"), ("giay_moi", giay_moi, "a")], ids=["cong_van", "giay_moi"]
)
def test_an_old_doc_file_of_each_kind_imports_as_its_kind(libreoffice: str, kind: str, write: Any, variant: str, tmp_path: Path) -> None:
    original = tmp_path / f"{kind}.docx"
    write(original, variant)
    convert(libreoffice, [original], "doc", tmp_path / "doc", tmp_path / "profile")
    imported = render_cli(["import", str(tmp_path / "doc" / f"{kind}.doc"), "-o", str(tmp_path / "src")])
    assert imported.exit_code == 0, imported.output
    source = tmp_path / "src" / f"{kind.replace('_', '-')}.yaml"
    assert yaml.safe_load(source.read_text(encoding="utf-8"))["loai"] == kind
    assert render_cli(["render", str(source), "-o", str(tmp_path / "out")]).exit_code == 0
    again = tmp_path / "out" / f"{source.stem}.docx"
    assert _kind_of(again) == kind and _kept(original, again) >= 0.9
    assert render_cli(["check", "--docx", str(again)]).exit_code == 0


def test_the_layout_converts_the_kinds_own_values_without_the_summary_and_the_body() -> None:
    """The layout's `rieng` leaves the summary and the body out before converting (`own_values(..., leaving=)`):
    the same values as converting them all and dropping those two, for every kind's notice in notices/."""
    from tbkl_gen.notice.kind import own_values
    from tbkl_gen.source.load import load_notice
    from tbkl_gen.word import layout
    from tbkl_gen.notice.model import BODY_KEY, SUMMARY_KEY

    sources = sorted((Path(__file__).resolve().parent.parent / "notices").rglob("*.yaml"))
    kinds: set[str] = set()
    for source in sources:
        notice = load_notice(source).notice
        assert notice is not None, source
        laid = layout.lay_out(notice)
        kinds.add(laid.kind.name)
        everything = own_values(laid.kind, notice)
        assert BODY_KEY in everything
        assert laid.rieng == {key: value for key, value in everything.items() if key not in (SUMMARY_KEY, BODY_KEY)}
    assert len(kinds) >= 3, kinds
