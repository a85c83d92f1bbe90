"""The forms real notices need, through the real command line: check, render, check --docx, the text.

Five real notices (shared/real/, shared/seed/) print things the format first could not say: the
drafter's mark and the number of copies in the archive line (ND30 ô 12), archive lines naming
several units, a summary broken where the drafter chose, section titles as typed, and recipient
lines that wrap under their text in a column wide enough not to leave a word alone.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from lxml import etree

from conftest import NOTICES, SHARED, SIGNER, render_cli, shared_file, to_pdf
from factories import Raw, write_notice
from tbkl_gen.nd30 import format as nd30
from tbkl_gen.nd30.grammar import split_archive
from tbkl_gen.nd30.text_width import text_width_mm
from tbkl_gen.nd30.units import TWIPS_PER_MM, WORD_CELL_MARGIN


ALL_RULES_PASS = "Tổng cộng: 26 đạt, 0 lỗi, 2 không áp dụng"  # "Kính gửi" (27) and appendices (28) do not apply
CLEAN = "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo.\n"


def checked_rendered_audited(source: Path) -> Path:
    """Return the .docx of a source that `tbkl check` passes and whose render passes every rule."""
    checked = render_cli(["check", str(source)])
    assert (checked.exit_code, checked.output) == (0, CLEAN)
    out = source.parent / "out"
    rendered = render_cli(["render", str(source), "-o", str(out), "--force", "--quiet"])
    assert rendered.exit_code == 0, rendered.output
    target = out / source.with_suffix(".docx").name
    audited = render_cli(["check", "--docx", str(target)])
    assert audited.exit_code == 0, audited.output
    assert audited.output.splitlines()[-1] == ALL_RULES_PASS
    return target


def closing_cells(path: Path) -> tuple[docx.table._Cell, docx.table._Cell]:
    """Return the recipients cell and the signer cell of a rendered notice."""
    table = docx.Document(str(path)).tables[-1]
    return table.cell(0, 0), table.cell(0, 1)


def recipient_lines(path: Path) -> list[str]:
    return [p.text for p in closing_cells(path)[0].paragraphs if p.text][1:]


def summary(path: Path) -> docx.text.paragraph.Paragraph:
    paragraphs = docx.Document(str(path)).paragraphs
    title = next(i for i, p in enumerate(paragraphs) if p.text == "THÔNG BÁO")
    return paragraphs[title + 1]


def problems(source: Path) -> list[str]:
    result = render_cli(["check", str(source)])
    assert result.exit_code == 1
    return [line for line in result.output.splitlines() if line.startswith(str(source))]


# --- the drafter's mark and the number of copies (ô 12) ------------------------------------------

PRINTED_ARCHIVE = {
    "a drafter's name": ({"nguoi_soan": "Sơn"}, "- Lưu: VT, KGVX, Sơn."),
    "a name and copies": ({"nguoi_soan": "Sơn", "so_ban": Raw('"05"')}, "- Lưu: VT, KGVX, Sơn (05)."),
    "the decree's own example PL.(300)": ({"nguoi_soan": "PL.", "so_ban": Raw("300")}, "- Lưu: VT, KGVX, PL.(300)."),
    "a unit's code joined to the name": ({"nguoi_soan": "NC.Châu"}, "- Lưu: VT, KGVX, NC.Châu."),
    "a full name": ({"nguoi_soan": "Nguyễn Văn An", "so_ban": Raw("12")}, "- Lưu: VT, KGVX, Nguyễn Văn An (12)."),
    "copies without a drafter": ({"so_ban": Raw("2")}, "- Lưu: VT, KGVX (2)."),
    "several units and a drafter": (
        {"luu": "VT, NN&MT, XDCT, KGVX, KTTH", "nguoi_soan": "Sơn", "so_ban": Raw('"05"')},
        "- Lưu: VT, NN&MT, XDCT, KGVX, KTTH, Sơn (05).",
    ),
}


@pytest.mark.parametrize(("fields", "printed"), list(PRINTED_ARCHIVE.values()), ids=list(PRINTED_ARCHIVE))
def test_drafter_and_copies_print_after_the_units_and_pass_the_audit(tmp_path: Path, fields: dict, printed: str) -> None:
    target = checked_rendered_audited(write_notice(tmp_path, **fields))

    assert recipient_lines(target)[-1] == printed


def test_the_archive_line_is_one_paragraph_of_11_pt_runs_with_the_ampersand_as_typed(tmp_path: Path) -> None:
    target = checked_rendered_audited(write_notice(tmp_path, luu="VT, NN&MT, XDCT, KGVX, KTTH", nguoi_soan="Sơn", so_ban=Raw("5")))
    with zipfile.ZipFile(target) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    last = closing_cells(target)[0].paragraphs[-1]

    assert '<w:t xml:space="preserve">- Lưu: VT, NN&amp;MT, XDCT, KGVX, KTTH, Sơn (5).</w:t>' in xml
    assert last.style.name == "TB Nơi nhận mục" and last.style.font.size.pt == nd30.PRINTED_RECIPIENT_SIZE
    assert all(run.font.size is None for run in last.runs)  # the style's 11 pt, ô 12's size too


@pytest.mark.parametrize(("fields", "printed"), list(PRINTED_ARCHIVE.values()), ids=list(PRINTED_ARCHIVE))
def test_an_importer_reads_units_drafter_and_copies_back_from_the_printed_line(fields: dict, printed: str) -> None:
    content = printed.removeprefix("- Lưu: ").removesuffix(".")
    copies = fields.get("so_ban")

    assert split_archive(content) == (
        fields.get("luu", "VT, KGVX"),
        fields.get("nguoi_soan"),
        copies.text.strip('"') if copies is not None else None,
    )


BAD_DRAFTER = {
    "a code that reads as a unit": (
        {"nguoi_soan": "NXT"},
        "nguoi_soan: ký hiệu người soạn thảo “NXT” đọc như tên đơn vị (viết tên (nguoi_soan: Sơn), mã in hoa có dấu "
        "chấm như “PL.(300)” của Nghị định (nguoi_soan: NXT.) hoặc cả hai (nguoi_soan: NC.Châu))",
    ),
    "no copies": (
        {"so_ban": Raw('"0"')},
        "so_ban: số lượng bản “0” không đúng dạng (viết bằng chữ số, từ 1 đến 9999, chỉ số dưới 10 có số 0 đứng trước, ví dụ so_ban: 300)",
    ),
    "too many copies": (
        {"so_ban": Raw("12000")},
        "so_ban: số lượng bản “12000” không đúng dạng (viết bằng chữ số, từ 1 đến 9999, chỉ số dưới 10 có số 0 đứng trước, "
        "ví dụ so_ban: 300)",
    ),
    "the drafter written twice": (
        {"luu": "VT, KGVX (Thập)", "nguoi_soan": "Thập"},
        "nguoi_soan: dòng luu “VT, KGVX (Thập)” đã ghi người soạn thảo (chỉ ghi đơn vị ở luu, người soạn thảo ở nguoi_soan, "
        "số bản ở so_ban)",
    ),
}


@pytest.mark.parametrize(("fields", "message"), list(BAD_DRAFTER.values()), ids=list(BAD_DRAFTER))
def test_a_drafter_or_copies_the_decree_cannot_print_is_named_at_its_line(tmp_path: Path, fields: dict, message: str) -> None:
    source = write_notice(tmp_path, **fields)
    key = next(k for k in ("so_ban", "nguoi_soan") if k in fields and k in message.split(":")[0])
    line = next(i for i, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1) if text.startswith(f"{key}:"))

    assert problems(source) == [f"{source}:{line}:{len(key) + 3}: {message}"]
    assert not (tmp_path / "out").exists()


def test_copies_typed_with_a_leading_zero_are_read_as_typed_or_named(tmp_path: Path) -> None:
    source = write_notice(tmp_path, nguoi_soan="Sơn", so_ban=Raw("012"))

    line = source.read_text(encoding="utf-8").splitlines().index("so_ban: 012") + 1

    assert problems(source) == [
        f'{source}:{line}:9: so_ban: YAML đọc “012” thành số 10 (số bắt đầu bằng 0 là hệ bát phân) (viết trong ngoặc kép: so_ban: "012")'
    ]


# --- real notices: what the originals printed in their archive line ------------------------------

ORIGINALS = {
    "tbkl-thong-tin-doi-ngoai": SHARED / "seed" / "000_1cec82eaadd76fe1.txt",
    "lamdong-quy-hoach-chung-xa": SHARED / "real" / "lamdong-quy-hoach-chung-xa.txt",
    "lamdong-so-khcn": SHARED / "real" / "lamdong-so-khcn.txt",
    "laocai-cum-cong-nghiep": SHARED / "real" / "laocai-vp-ubnd-cum-cong-nghiep.txt",
}


def words(line: str) -> list[str]:
    """Return the words and numbers of an archive line, whatever its punctuation."""
    return re.findall(r"[\w&]+", unicodedata.normalize("NFC", line))


@pytest.mark.parametrize("name", list(ORIGINALS))
def test_each_example_archive_line_names_what_its_original_named(name: str, rendered_examples: dict[Path, Path]) -> None:
    original = shared_file(ORIGINALS[name]).read_text(encoding="utf-8")
    archive = next(line for line in unicodedata.normalize("NFC", original).splitlines() if line.strip().startswith("- Lưu:"))
    rendered = rendered_examples[next(NOTICES.rglob(f"{name}.yaml"))]

    assert words(recipient_lines(rendered)[-1]) == words(archive)


VPCP_467 = """\
phien_ban: 1
co_quan:
  ten: VĂN PHÒNG CHÍNH PHỦ
  viet_tat: VPCP
so: 467
dia_danh: Hà Nội
ngay: 2024-10-14
ngay_hop: 2024-10-07
trich_yeu: Kết luận cuộc họp về Đề án phát triển thị trường các-bon tại Việt Nam
noi_dung:
  - >-
    Ngày 07 tháng 10 năm 2024, tại trụ sở Chính phủ, Phó Thủ tướng Chính phủ Trần Hồng Hà chủ trì
    cuộc họp về việc hoàn thiện Đề án phát triển thị trường các-bon tại Việt Nam.
  - khoan: >-
      Bộ Tài chính hoàn thiện dự thảo Quyết định của Thủ tướng Chính phủ phê duyệt Đề án.
  - Văn phòng Chính phủ thông báo để các Bộ, cơ quan liên quan biết, thực hiện./.
noi_nhan:
  - Thủ tướng Chính phủ
  - Các Phó Thủ tướng Chính phủ
  - "Các Bộ: CA, TC, TNMT, CT, GTVT, XD, NNPTNT, KHĐT"
  - "VPCP: BTCN, các PCN, Trợ lý, Thư ký PTTg Trần Hồng Hà, các Vụ: NN, CN, PL, QHQT, KTTH"
luu: VT, NN
nguoi_soan: NXT.
so_ban: 2
nguoi_ky:
  quyen_han: [KT. CHỦ NHIỆM]
  chuc_vu: PHÓ CHỦ NHIỆM
  ho_ten: Nguyễn Sỹ Hiệp
"""


def test_the_government_office_notice_prints_its_drafter_code_and_copies_as_the_decree_does(tmp_path: Path) -> None:
    """VPCP 467/TB-VPCP printed "- Lưu: VT, NN (2)NXT."; the decree's form is the code, its dot, the copies.

    The original signs "KT. BỘ TRƯỞNG, CHỦ NHIỆM" / "PHÓ CHỦ NHIỆM", which `tbkl check` does not
    accept yet (it asks for "PHÓ BỘ TRƯỞNG, CHỦ NHIỆM"); the authority line is shortened here.
    """
    original = shared_file(SHARED / "real" / "vpcp-467-thi-truong-cac-bon.txt").read_text(encoding="utf-8")
    target = checked_rendered_audited(write_notice(tmp_path, text=VPCP_467))

    assert "- Lưu: VT, NN (2)NXT." in original
    assert recipient_lines(target) == [
        "- Thủ tướng Chính phủ;",
        "- Các Phó Thủ tướng Chính phủ;",
        "- Các Bộ: CA, TC, TNMT, CT, GTVT, XD, NNPTNT, KHĐT;",
        "- VPCP: BTCN, các PCN, Trợ lý, Thư ký PTTg Trần Hồng Hà, các Vụ: NN, CN, PL, QHQT, KTTH;",
        "- Lưu: VT, NN, NXT.(2).",
    ]
    assert sorted(words(recipient_lines(target)[-1])) == sorted(words("- Lưu: VT, NN (2)NXT."))


# --- a summary broken where the drafter chose ----------------------------------------------------

BROKEN_SUMMARY = Raw("|\n  Kết luận của đồng chí Hồ Quang Bửu - Ủy viên Ban Thường vụ Tỉnh ủy,\n  Phó Chủ tịch UBND tỉnh tại Hội nghị")


def test_a_literal_block_summary_breaks_where_the_drafter_broke_it(tmp_path: Path) -> None:
    target = checked_rendered_audited(write_notice(tmp_path, trich_yeu=BROKEN_SUMMARY))
    paragraph = summary(target)

    assert paragraph.text == "Kết luận của đồng chí Hồ Quang Bửu - Ủy viên Ban Thường vụ Tỉnh ủy,\nPhó Chủ tịch UBND tỉnh tại Hội nghị"
    assert len(paragraph._p.findall(f"{qn('w:r')}/{qn('w:br')}")) == 1
    assert paragraph.style.font.bold and paragraph.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_the_line_under_a_broken_summary_measures_its_widest_line(tmp_path: Path) -> None:
    """Measured on the summary as one line (160 mm), the line would pass half of its 81 mm first line."""
    short = Raw("|\n  Kết luận của đồng chí Hồ Quang Bửu,\n  Phó Chủ tịch UBND tỉnh tại Hội nghị")
    target = checked_rendered_audited(write_notice(tmp_path, trich_yeu=short))
    paragraphs = docx.Document(str(target)).paragraphs
    line = paragraphs[[p.text for p in paragraphs].index("THÔNG BÁO") + 2]
    indent = int(line._p.pPr.find(qn("w:ind")).get(qn("w:left")))
    widest = text_width_mm("Kết luận của đồng chí Hồ Quang Bửu,", 14, bold=True)
    length_mm = nd30.PRINTED_TEXT_WIDTH_MM - 2 * indent / TWIPS_PER_MM

    assert widest / 3 <= length_mm <= widest / 2


@pytest.mark.parametrize(
    "written",
    [
        Raw(">-\n  Kết luận của đồng chí Hồ Quang Bửu - Ủy viên Ban Thường vụ Tỉnh ủy,\n  Phó Chủ tịch UBND tỉnh tại Hội nghị"),
        Raw("Kết luận của đồng chí Hồ Quang Bửu - Ủy viên Ban Thường vụ Tỉnh ủy,\n  Phó Chủ tịch UBND tỉnh tại Hội nghị"),
    ],
    ids=["folded", "plain"],
)
def test_a_summary_written_otherwise_keeps_filling_its_lines(tmp_path: Path, written: Raw) -> None:
    target = checked_rendered_audited(write_notice(tmp_path, trich_yeu=written))

    assert summary(target).text == "Kết luận của đồng chí Hồ Quang Bửu - Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh tại Hội nghị"
    assert summary(target)._p.find(f"{qn('w:r')}/{qn('w:br')}") is None


def test_blank_lines_in_a_literal_summary_make_one_break(tmp_path: Path) -> None:
    target = checked_rendered_audited(write_notice(tmp_path, trich_yeu=Raw("|\n  Kết luận của đồng chí A,\n\n  Phó Chủ tịch UBND tỉnh\n")))

    assert summary(target).text == "Kết luận của đồng chí A,\nPhó Chủ tịch UBND tỉnh"


def test_tbkl_text_gives_a_broken_summary_on_one_line_as_it_collapses_white_space(tmp_path: Path) -> None:
    source = write_notice(tmp_path, trich_yeu=BROKEN_SUMMARY)
    result = render_cli(["text", str(source)])

    assert result.exit_code == 0, result.output
    assert (
        "Kết luận của đồng chí Hồ Quang Bửu - Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh tại Hội nghị"
        in result.output.splitlines()
    )


# --- section titles in capitals or as typed ------------------------------------------------------

SECTIONS = [
    {"muc": "Đánh giá chung", "noi_dung": ["Các Sở, ngành đã triển khai kịp thời."]},
    {"muc": "Nhiệm vụ thời gian tới", "noi_dung": [{"khoan": "Sở Tài chính bố trí kinh phí."}]},
]


def body_lines(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "TB Mục"]


def test_section_titles_print_in_capitals_by_default(tmp_path: Path) -> None:
    target = checked_rendered_audited(write_notice(tmp_path, noi_dung=SECTIONS))

    assert body_lines(target) == ["I. ĐÁNH GIÁ CHUNG", "II. NHIỆM VỤ THỜI GIAN TỚI"]


def test_muc_in_hoa_false_prints_section_titles_bold_as_typed(tmp_path: Path) -> None:
    target = checked_rendered_audited(write_notice(tmp_path, noi_dung=SECTIONS, muc_in_hoa=False))
    paragraphs = [p for p in docx.Document(str(target)).paragraphs if p.style.name == "TB Mục"]

    assert [p.text for p in paragraphs] == ["I. Đánh giá chung", "II. Nhiệm vụ thời gian tới"]
    assert all(run.bold for p in paragraphs for run in p.runs)


def test_an_office_chooses_titles_as_typed_once_in_tbkl_yaml(tmp_path: Path) -> None:
    assert render_cli(["init", str(tmp_path / "vp"), "--nguoi-ky", SIGNER]).exit_code == 0
    config = tmp_path / "vp" / "tbkl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("mac_dinh:\n", "mac_dinh:\n  muc_in_hoa: false\n"), encoding="utf-8")
    notice = tmp_path / "vp" / "notices" / "a.yaml"
    notice.write_text(
        "trich_yeu: Kết luận họp thử\nngay: 2026-03-14\nnoi_dung:\n  - muc: Đánh giá chung\n    noi_dung:\n      - Nội dung./.\n",
        encoding="utf-8",
    )

    assert render_cli(["render", "--quiet"], cwd=tmp_path / "vp").exit_code == 0
    assert body_lines(tmp_path / "vp" / "out" / "a.docx") == ["I. Đánh giá chung"]


def test_muc_in_hoa_takes_true_or_false_only(tmp_path: Path) -> None:
    source = write_notice(tmp_path, muc_in_hoa="không")

    assert problems(source) == [f"{source}:26:13: muc_in_hoa: cần true hoặc false, nhưng gặp chuỗi “không”"]


# --- the recipients column -----------------------------------------------------------------------


def test_recipient_lines_hang_under_their_text_after_the_dash(rendered_examples: dict[Path, Path]) -> None:
    styles = docx.Document(str(next(iter(rendered_examples.values())))).styles
    indent = styles["TB Nơi nhận mục"].element.pPr.find(qn("w:ind"))
    dash = text_width_mm("- ", nd30.PRINTED_RECIPIENT_SIZE, bold=False) * TWIPS_PER_MM

    assert indent.get(qn("w:left")) == indent.get(qn("w:hanging"))
    assert abs(int(indent.get(qn("w:hanging"))) - dash) < 1


@pytest.mark.parametrize("name", ["laocai-cum-cong-nghiep", "tbkl-thong-tin-doi-ngoai"])
def test_the_recipients_column_holds_each_short_recipient_on_one_line(name: str, rendered_examples: dict[Path, Path]) -> None:
    target = rendered_examples[next(NOTICES.rglob(f"{name}.yaml"))]
    cell, signer = closing_cells(target)
    text_mm = cell.width.mm - 2 * CELL_MARGIN_MM
    widest_signer = max(text_width_mm(p.text, 14, bold=True) for p in signer.paragraphs if p.text)
    signer_mm = signer.width.mm - 2 * CELL_MARGIN_MM

    # Lines up to 76 mm of 11 pt stay whole: "- Lưu: VT, NN&MT, XDCT, KGVX, KTTH." is 71 mm, and so is
    # "- UBND các xã, phường có cụm công nghiệp;", which left "nghiệp;" alone in a 68 mm column.
    assert text_mm >= text_width_mm("- Lưu: VT, NN&MT, XDCT, KGVX, KTTH.", 11, bold=False)
    assert all(text_width_mm(line, 11, bold=False) <= text_mm for line in recipient_lines(target) if len(line) < 45)
    # The signer column still holds the longest usual title on one line (76 mm at 14 pt bold).
    assert widest_signer < signer_mm and signer_mm >= text_width_mm("PHÓ CHỦ TỊCH THƯỜNG TRỰC", 14, bold=True)


CELL_MARGIN_MM = WORD_CELL_MARGIN / TWIPS_PER_MM  # Word's default cell margin, which the templates keep


def pdf_lines(pdf: Path) -> list[list[tuple[str, float]]]:
    """Return each line of the PDF's last page as its words and their left edges (pt)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    page = etree.fromstring(xml).findall(".//{*}page")[-1]
    return [[(w.text, float(w.get("xMin"))) for w in line.iter("{*}word")] for line in page.iter("{*}line")]


def test_in_libreoffice_a_wrapped_recipient_continues_under_its_text_and_no_word_is_left_alone(
    libreoffice: str, rendered_examples: dict[Path, Path], tmp_path: Path
) -> None:
    pdf = to_pdf(libreoffice, rendered_examples[next(NOTICES.rglob("laocai-cum-cong-nghiep.yaml"))], tmp_path)
    lines = pdf_lines(pdf)
    start = next(i for i, line in enumerate(lines) if line[0][0] == "Nơi")
    column = [line for line in lines[start + 1 :] if line[0][1] < lines[start][0][1] + 150]
    dash_x = column[0][0][1]
    text_x = column[0][1][1]
    continued = [line for line in column if line[0][0] != "-"]

    assert [" ".join(w for w, _ in line) for line in continued] == ["Nông nghiệp và Môi trường, Nội vụ;"]
    assert abs(continued[0][0][1] - text_x) < 0.5 and continued[0][0][1] > dash_x + 3
    assert all(len(line) > 1 for line in column)
