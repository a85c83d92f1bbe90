"""`tbkl import`: Word notices become sources that print the same notice, ND30-correct.

Round trip: any well-formed notice, rendered and imported, lays out as the original (every
example, and generated notices). The two real Word originals import, re-render and pass the
audit, with every paragraph's text unchanged but for the corrections the report lists. A notice
typed by hand in Word (typed numbers with a skipped letter, Word's automatic numbering, a name
pushed right by spaces, decomposed diacritics, a stray table, an image, a comment) imports with
each correction and warning in the report. The forms a source has beyond the text come back from
the file: the drafter's mark and copies in the archive line, a summary broken where the drafter
chose, section titles as typed.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from pathlib import Path

import docx

import pytest
import yaml
from conftest import EXAMPLES, NOTICES, SHARED, convert, render_cli, shared_file
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tbkl_gen.audit import audit_docx
from tbkl_gen.audit.locate import locate
from tbkl_gen.audit.reader import read_document
from tbkl_gen.audit.report import STATUS_FAIL
from tbkl_gen.audit.text import norm
from tbkl_gen.pipeline import document
from tbkl_gen.importer import FileReport, import_paths, source_text
from tbkl_gen.importer.report import CORRECTION, DECREE, WARNING
from tbkl_gen.nd30.grammar import split_archive
from tbkl_gen.source.load import load_notice
from tbkl_gen.validate import validate
from tbkl_gen.word.layout import lay_out
from tbkl_gen.word.render import find_template

REAL = sorted((SHARED / "real").glob("*.docx")) or [SHARED / "real" / "*.docx"]  # without ../shared: one case, skipped naming it


def _import_docx(path: Path, folder: Path) -> tuple[Path, FileReport]:
    reports, _ = import_paths([path], folder / "src", force=True)
    (report,) = reports
    assert report.error is None, report.error
    assert report.target is not None
    return report.target, report


def _loaded(source: Path):  # noqa: ANN202
    loaded = load_notice(source)
    assert loaded.notice is not None, [p.format() for p in loaded.problems]
    problems = [p.format() for p in [*loaded.problems, *validate(loaded.notice, loaded.source)]]
    return loaded.notice, problems


def _round_trip(notice, folder: Path):  # noqa: ANN001, ANN202
    rendered = folder / "a.docx"
    rendered.write_bytes(document(lay_out(notice), find_template(notice.mau)))
    report = FileReport(rendered)
    text, _ = source_text(docx.Document(str(rendered)), rendered, report)
    imported = folder / "a.yaml"
    imported.write_text(text, encoding="utf-8")
    again, problems = _loaded(imported)
    return again, problems, report, text


# --- round trip: what we render imports back as the same notice ---------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_every_example_imports_back_from_its_render_as_the_same_notice(example: Path, tmp_path: Path) -> None:
    original, _ = _loaded(example)
    again, problems, report, _ = _round_trip(original, tmp_path)
    assert lay_out(again) == lay_out(original)
    assert (again.mau, again.ngay, again.do_khan) == (original.mau, original.ngay, original.do_khan)
    assert problems == []
    assert [f for f in report.findings if f.kind in (CORRECTION, WARNING, DECREE)] == []


WORDS = [
    "Sở",
    "Tài",
    "chính",
    "khẩn",
    "trương",
    "rà",
    "soát",
    "đề",
    "xuất",
    "UBND",
    "tỉnh",
    "phối",
    "hợp",
    "2026",
    "(AI)",
    "“x”",
    "&",
    "<b>",
    "{{ a }}",
    "50%",
]
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)


@st.composite
def emphasised(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(words, st.sampled_from(["", "**", "*", "^"])), min_size=1, max_size=3))
    out = []
    for text, mark in parts:
        out.append(f"^[{text}]" if mark == "^" else f"{mark}{text}{mark}")
    return " ".join(out).replace(" ^[", "^[")


def _item(draw: st.DrawFn, depth: int) -> dict:
    kinds = ["diem", "gach"] if depth == 0 else ["cong"]
    children = []
    if depth < 2:
        kind = draw(st.sampled_from(kinds))
        children = [{kind: draw(emphasised())} for _ in range(draw(st.integers(0, 3)))]
        children += [draw(emphasised()) for _ in range(draw(st.integers(0, 1)))]
    return children


@st.composite
def notices(draw: st.DrawFn) -> dict:
    items = []
    for _ in range(draw(st.integers(1, 4))):
        item: dict = {"khoan": draw(emphasised())}
        if draw(st.booleans()):
            item["tieu_de"] = True
        children = _item(draw, 0)
        for child in children:
            if isinstance(child, dict) and draw(st.booleans()):
                child["noi_dung"] = [{"cong" if "gach" in child else "gach": draw(words)}]
        if children:
            item["noi_dung"] = children
        items.append(item)
    body: list = [draw(emphasised()) for _ in range(draw(st.integers(1, 2)))]
    if draw(st.booleans()):
        body += [{"muc": draw(words), "noi_dung": [draw(words), *items]}, {"muc": draw(words), "noi_dung": copy.deepcopy(items[:1])}]
    else:
        body += items
    body.append("Trên đây là kết luận của đồng chí Chủ tịch để các cơ quan biết, thực hiện./.")
    issued = draw(st.sampled_from([dt.date(2026, 3, 14), "2026-03", 2026]))
    data = {
        "phien_ban": 1,
        "co_quan": draw(
            st.sampled_from(
                [
                    {"ten": ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "viet_tat": "UBND"},
                    {"chu_quan": "UBND TỈNH LÀO CAI", "ten": ["VĂN PHÒNG"], "viet_tat": "VP"},
                ]
            )
        ),
        "so": draw(st.sampled_from([None, "5", "128"])),
        "dia_danh": "Lâm Đồng",
        "ngay": issued,
        # A summary on one line, or broken where the drafter chose (`trich_yeu: |`).
        "trich_yeu": draw(st.one_of(words, st.lists(words, min_size=2, max_size=3).map(lambda lines: "\n".join(lines) + "\n"))),
        "noi_dung": body,
        "noi_nhan": draw(st.lists(words, max_size=3)),
        "luu": draw(st.sampled_from(["VT, KGVX", "VT, NC.Châu", "VT, XDCT, Khánh", "VT, TH (05)"])),
        "nguoi_ky": draw(
            st.sampled_from(
                [
                    {"quyen_han": ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"], "chuc_vu": "PHÓ CHÁNH VĂN PHÒNG", "ho_ten": "Trịnh Ngọc Duệ"},
                    {"quyen_han": [], "chuc_vu": "CHÁNH VĂN PHÒNG", "ho_ten": "Lê Trí Hà"},
                ]
            )
        ),
    }
    if draw(st.booleans()):
        data["do_khan"] = draw(st.sampled_from(["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]))
    if draw(st.booleans()):
        # The drafter's mark and the copies in their own fields, the units alone in luu (ô 12).
        data["luu"] = draw(st.sampled_from(["VT, KGVX", "VT, NN&MT, XDCT"]))
        for key, values in (("nguoi_soan", ["Sơn", "PL.", "NC.Châu", "Nguyễn Văn An"]), ("so_ban", ["05", "300", "2"])):
            if draw(st.booleans()):
                data[key] = draw(st.sampled_from(values))
    if draw(st.booleans()):
        data["muc_in_hoa"] = False
    if draw(st.booleans()):
        # "Kính gửi" (ô 9a): one addressee as text, or a list of them, each distinct.
        data["kinh_gui"] = draw(st.one_of(words, st.lists(words, min_size=2, max_size=3, unique_by=lambda w: w.casefold())))
    if data["co_quan"].get("chu_quan"):
        data["mau"] = "van-phong"
    return data


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.explicit, Phase.generate])
@given(notices())
def test_a_generated_notice_imports_back_from_its_render_as_the_same_notice(data: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "n.yaml"
        source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        original, before = _loaded(source)
        again, after, _, text = _round_trip(original, Path(folder))
    new, old = lay_out(again), lay_out(original)
    assert [(k, getattr(new, k)) for k in vars(new) if getattr(new, k) != getattr(old, k)] == [
        (k, getattr(old, k)) for k in vars(old) if getattr(new, k) != getattr(old, k)
    ], text
    assert (again.mau, again.ngay, again.do_khan) == (original.mau, original.ngay, original.do_khan)
    # What the archive line's grammar can tell apart comes back in its own fields.
    fields = (original.luu, original.nguoi_soan, original.so_ban)
    if split_archive(old.luu) == fields:
        assert (again.luu, again.nguoi_soan, again.so_ban) == fields
    # Headings printed with lower-case letters come back as typed; capitals as the default.
    as_typed = any(p.kind == "muc" and any(c.islower() for c in p.text) for p in old.paragraphs)
    assert again.muc_in_hoa == (not as_typed)
    # What tbkl check says of the notice (no recipients, say) it says of the import, no more; a
    # heading printed in capitals comes back in capitals, so the messages are compared caseless.
    assert [re.sub(r"\d+", "#", p.split(": ", 1)[1]).casefold() for p in after] == [
        re.sub(r"\d+", "#", p.split(": ", 1)[1]).casefold() for p in before
    ]


# --- the real Word originals ----------------------------------------------------------------------


def _body_texts(path: Path) -> list[str]:
    parts = locate(read_document(docx.Document(str(path))), None)
    return [re.sub(r" +", " ", p.norm) for p in parts.body]


@pytest.mark.parametrize("original", REAL, ids=[p.stem for p in REAL])
def test_a_real_original_imports_re_renders_and_passes_the_audit_with_its_text_kept(original: Path, tmp_path: Path) -> None:
    source, report = _import_docx(shared_file(original), tmp_path)
    notice, problems = _loaded(source)
    assert problems == []
    rendered = tmp_path / "again.docx"
    rendered.write_bytes(document(lay_out(notice), find_template(notice.mau)))
    assert [f"{r.rule}: {r.detail}" for r in audit_docx(rendered) if r.status == STATUS_FAIL] == []
    # The file breaks the decree in places; the report names them.
    assert report.count(DECREE) > 0
    before, after = _body_texts(original), _body_texts(rendered)
    assert len(before) == len(after)
    corrected = {f.where for f in report.findings if f.kind == CORRECTION}
    originals = locate(read_document(docx.Document(str(original))), None).body
    for para, old, new in zip(originals, before, after, strict=True):
        if old != new:
            assert f"đoạn {para.order + 1}" in corrected, (old, new)


def test_the_real_originals_match_the_hand_written_examples_but_for_emphasis_and_the_heading_case(tmp_path: Path) -> None:
    original = shared_file(SHARED / "real" / "lamdong-quy-hoach-chung-xa.docx")
    source, report = _import_docx(original, tmp_path)
    imported = yaml.safe_load(source.read_text(encoding="utf-8"))
    example = yaml.safe_load((NOTICES / "2026" / "lamdong-quy-hoach-chung-xa.yaml").read_text(encoding="utf-8"))

    def plain(value):  # noqa: ANN001, ANN202
        if isinstance(value, str):
            return value.replace("**", "")
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    assert plain(imported["noi_dung"]) == example["noi_dung"]
    for key in ("co_quan", "so", "dia_danh", "ngay", "ngay_hop", "trich_yeu", "noi_nhan", "luu", "nguoi_soan", "nguoi_ky"):
        assert imported[key] == example[key], key
    assert (imported["luu"], imported["nguoi_soan"], "so_ban" in imported) == ("VT, XDCT", "Khánh", False)
    # The original broke its summary into two paragraphs after "Tỉnh ủy,", as the example does.
    assert imported["trich_yeu"].splitlines()[0].endswith("Ủy viên Ban Thường vụ Tỉnh ủy,")
    # The original typed its headings in sentence case; the example chose the decree's capitals.
    assert (imported["muc_in_hoa"], "muc_in_hoa" in example) == (False, False)
    messages = [f.line() for f in report.findings]
    assert "  sửa: bảng 2, hàng 1, cột 1: dòng Lưu «VT, XDCT. Khánh» viết lại thành «VT, XDCT, Khánh»" in messages
    assert "  sửa: đoạn 8: trích yếu gõ thành 2 đoạn: in thành một đoạn, xuống dòng đúng chỗ như bản gốc" in messages
    assert "  sửa: bảng 2, hàng 1, cột 2: bỏ dấu cách đẩy họ tên sang phải; họ tên in căn giữa" in messages
    assert "  sửa: đoạn 12: bỏ dấu «:» cuối tên mục «I. Nhiệm vụ chung»" in messages


def test_the_drafter_in_brackets_and_the_broken_summary_of_the_other_original_land_in_their_fields(tmp_path: Path) -> None:
    source, report = _import_docx(shared_file(SHARED / "real" / "lamdong-so-khcn.docx"), tmp_path)
    imported = yaml.safe_load(source.read_text(encoding="utf-8"))
    example = yaml.safe_load((NOTICES / "2026" / "lamdong-so-khcn.yaml").read_text(encoding="utf-8"))
    for key in ("trich_yeu", "luu", "nguoi_soan"):
        assert imported[key] == example[key], key
    assert "muc_in_hoa" not in imported  # no sections
    messages = [f.line() for f in report.findings]
    assert "  sửa: bảng 2, hàng 1, cột 1: dòng Lưu «VT, KGVX (Thập)» viết lại thành «VT, KGVX, Thập»" in messages
    assert "  sửa: đoạn 9: trích yếu gõ thành 2 đoạn: in thành một đoạn, xuống dòng đúng chỗ như bản gốc" in messages


# --- a notice typed by hand in Word ----------------------------------------------------------------

_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", 13)
    + b"IHDR"
    + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)))
    + struct.pack(">I", len(zlib.compress(b"\x00\xff\x00\x00")))
    + b"IDAT"
    + zlib.compress(b"\x00\xff\x00\x00")
    + struct.pack(">I", zlib.crc32(b"IDAT" + zlib.compress(b"\x00\xff\x00\x00")))
    + struct.pack(">I", 0)
    + b"IEND"
    + struct.pack(">I", zlib.crc32(b"IEND"))
)


SUMMARY = "Kết luận của đồng chí Phó Chủ tịch UBND tỉnh tại cuộc họp"


def _hand_typed(
    path: Path,
    *,
    title_with_summary: bool = False,
    summary: tuple[str, ...] = (SUMMARY,),
    summary_in_paragraphs: bool = False,
    sections: tuple[str, ...] = (),
    archive: tuple[str, ...] = ("- Lưu: VT, KGVX (Sơn).",),
) -> None:
    """Write a notice the way offices type one: no styles of ours, slips included.

    The summary's lines are broken by Shift+Enter (a `<w:br/>`), or typed as paragraphs; two
    sections, when given, head the two numbered items.
    """
    document = docx.Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Pt(40)
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).paragraphs[0].add_run("ỦY BAN NHÂN DÂN").bold = True
    header.cell(0, 0).add_paragraph().add_run("TỈNH LÂM ĐỒNG").bold = True
    national = header.cell(0, 1).paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    national.bold = True
    if title_with_summary:
        national.add_break()
        national.add_text("Độc lập - Tự do - Hạnh phúc")
    else:
        header.cell(0, 1).add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    header.cell(1, 0).paragraphs[0].add_run("Số:      /TB-UBND")
    header.cell(1, 1).paragraphs[0].add_run("Lâm Đồng, ngày      tháng 4 năm 2026").italic = True
    title = document.add_paragraph()
    title.add_run("THÔNG BÁO").bold = True
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    summary_para = title if title_with_summary else document.add_paragraph()
    if title_with_summary:
        title.runs[0].add_break()
    for index, line in enumerate(summary):
        if index and summary_in_paragraphs:
            summary_para = document.add_paragraph()
        elif index:
            summary_para.runs[-1].add_break()
        summary_run = summary_para.add_run(unicodedata.normalize("NFD", line))
        summary_run.bold = True
        summary_run.font.all_caps = title_with_summary
        summary_para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("")
    opening = document.add_paragraph(unicodedata.normalize("NFD", "Ngày 16/4/2026, đồng chí Phó Chủ tịch chủ trì cuộc họp. "))
    opening.add_run("Đồng chí kết luận").bold = True
    opening.add_run(" như sau:")
    opening.paragraph_format.first_line_indent = Pt(36)
    if sections:
        document.add_paragraph(f"I. {sections[0]}").runs[0].bold = True
    document.add_paragraph("1. Về phần mềm chuyên ngành").runs[0].bold = True
    for label in ("a", "b", "c", "e"):
        document.add_paragraph(f"{label}) Nội dung điểm {label}.")
    if sections:
        document.add_paragraph(f"II. {sections[1]}").runs[0].bold = True
    document.add_paragraph("Về dữ liệu dùng chung", style="List Number")
    document.add_paragraph("Giao Sở Tài chính chủ trì.", style="List Bullet")
    tracked = document.add_paragraph("Giao Sở Nội vụ ")
    tracked._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="Châu"><w:r><w:t>khẩn trương</w:t></w:r></w:ins>'))
    tracked._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="Châu"><w:r><w:delText> trong tháng 4</w:delText></w:r></w:del>'))
    tracked.add_run(" báo cáo.")
    stray = document.add_table(rows=1, cols=2)
    stray.cell(0, 0).text = "Đơn vị"
    stray.cell(0, 1).text = "Thời hạn"
    image = path.with_suffix(".png")
    image.write_bytes(_PNG)
    document.add_paragraph().add_run().add_picture(str(image))
    closing = document.add_paragraph("Trân trọng thông báo để các cơ quan biết, thực hiện./.")
    document.add_comment(closing.runs, text="Xem lại trước khi ký", author="Châu")
    closing_table = document.add_table(rows=1, cols=2)
    left = closing_table.cell(0, 0)
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    for line in ("- Các sở, ngành;", *archive):
        left.add_paragraph(line)
    right = closing_table.cell(0, 1)
    right.paragraphs[0].add_run("TL. CHỦ TỊCH").bold = True
    right.add_paragraph().add_run("KT. CHÁNH VĂN PHÒNG").bold = True
    right.add_paragraph().add_run("PHÓ CHÁNH VĂN PHÒNG").bold = True
    right.add_paragraph()
    right.add_paragraph().add_run("              Trịnh Ngọc Duệ").bold = True
    document.save(str(path))


def test_a_hand_typed_notice_imports_with_every_correction_and_warning_reported(tmp_path: Path) -> None:
    original = tmp_path / "TB Kết luận họp tháng 4.docx"
    _hand_typed(original)
    source, report = _import_docx(original, tmp_path)
    assert source.name == "tb-ket-luan-hop-thang-4.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert data["noi_dung"] == [
        "Ngày 16/4/2026, đồng chí Phó Chủ tịch chủ trì cuộc họp. **Đồng chí kết luận** như sau:",
        {
            "khoan": "Về phần mềm chuyên ngành",
            "tieu_de": True,
            "noi_dung": [{"diem": f"Nội dung điểm {x}."} for x in "abce"],
        },
        {
            "khoan": "Về dữ liệu dùng chung",
            "noi_dung": [
                {"gach": "Giao Sở Tài chính chủ trì."},
                "Giao Sở Nội vụ khẩn trương báo cáo.",
                # A table in the body is kept where it stands (issue 18), never dropped.
                {"bang": [["Đơn vị", "Thời hạn"]], "hang_tieu_de": 0, "do_rong": [94, 94]},
            ],
        },
        "Trân trọng thông báo để các cơ quan biết, thực hiện./.",
    ]
    assert data["trich_yeu"] == "Kết luận của đồng chí Phó Chủ tịch UBND tỉnh tại cuộc họp"
    assert data["ngay"] == "2026-04" and data["ngay_hop"] == dt.date(2026, 4, 16) and data["so"] is None
    assert (data["luu"], data["nguoi_soan"]) == ("VT, KGVX", "Sơn")
    assert data["nguoi_ky"] == {
        "quyen_han": ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"],
        "chuc_vu": "PHÓ CHÁNH VĂN PHÒNG",
        "ho_ten": "Trịnh Ngọc Duệ",
    }
    lines = [f.line() for f in report.findings]
    assert "  sửa: đoạn 15: điểm «e)» in lại thành «d)»" in lines
    assert "  sửa: đoạn 16: khoản «1.» in lại thành «2.»" in lines  # Word's list restarted at 1
    assert "  sửa: đoạn 17: dấu đầu dòng «•» in lại thành «-»" in lines
    assert "  sửa: bảng 3, hàng 1, cột 1: dòng Lưu «VT, KGVX (Sơn)» viết lại thành «VT, KGVX, Sơn»" in lines
    assert "  sửa: toàn văn: 2 đoạn gõ chữ tổ hợp (NFD) chuyển thành chữ dựng sẵn (NFC)" in lines
    assert any(line.startswith("  sửa: bảng 3, hàng 1, cột 2: bỏ dấu cách đẩy họ tên") for line in lines)
    assert "  cảnh báo: đoạn 18: phần đã xóa khi theo dõi thay đổi không đưa vào nguồn: «trong tháng 4»" in lines
    assert "  cảnh báo: đoạn 18: phần chèn khi theo dõi thay đổi được giữ như đã chấp nhận: «khẩn trương»" in lines
    assert "  sửa: bảng 2 (đoạn 19): bảng 1 hàng đọc thành khối bảng (bang)" in lines
    assert "  cảnh báo: đoạn 21: hình ảnh «Picture 1» không đưa vào nguồn" in lines
    assert "  cảnh báo: đoạn 22: ghi chú (comment) của Châu không đưa vào nguồn: «Xem lại trước khi ký»" in lines
    assert any(line.startswith("  ND30: quy tắc 2: Lề trang") for line in lines)
    notice, problems = _loaded(source)
    assert problems == []
    rendered = tmp_path / "again.docx"
    rendered.write_bytes(document(lay_out(notice), find_template(notice.mau)))
    text = "\n".join(p.text for p in docx.Document(str(rendered)).paragraphs)
    assert "d) Nội dung điểm e." in text and "2. Về dữ liệu dùng chung" in text
    assert [r.rule for r in audit_docx(rendered) if r.status == STATUS_FAIL] == []


def test_a_title_typed_with_the_summary_in_one_paragraph_is_split(tmp_path: Path) -> None:
    original = tmp_path / "chung-mot-doan.docx"
    _hand_typed(original, title_with_summary=True)
    source, report = _import_docx(original, tmp_path)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert data["trich_yeu"] == "Kết luận của đồng chí Phó Chủ tịch UBND tỉnh tại cuộc họp"
    assert data["noi_dung"][0].startswith("Ngày 16/4/2026")
    assert data["co_quan"] == {"ten": ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "viet_tat": "UBND"}
    lines = [f.line() for f in report.findings]
    assert "  sửa: đoạn 3: Quốc hiệu và Tiêu ngữ chung một đoạn: tách thành hai dòng" in lines
    assert "  sửa: đoạn 6: «THÔNG BÁO» và trích yếu chung một đoạn: tách thành hai dòng" in lines
    assert "  sửa: đoạn 6: trích yếu định dạng chữ in hoa (All Caps): giữ chữ thường như đã gõ" in lines
    # The split is made in memory: the drafter's file keeps its one paragraph.
    assert any(para.text.startswith("THÔNG BÁO\n") for para in docx.Document(str(original)).paragraphs)


def _import_hand_typed(tmp_path: Path, **typed: object) -> tuple[Path, dict, list[str]]:
    """Return the source, its data and the report's lines of a hand-typed notice written with typed."""
    original = tmp_path / "go-tay.docx"
    _hand_typed(original, **typed)  # type: ignore[arg-type]
    source, report = _import_docx(original, tmp_path)
    return source, yaml.safe_load(source.read_text(encoding="utf-8")), [f.line() for f in report.findings]


def _rendered_summary(source: Path, tmp_path: Path) -> str:
    """Return the summary paragraph's text of the source rendered, its line breaks as "\\n"."""
    notice, problems = _loaded(source)
    assert problems == []
    rendered = tmp_path / "again.docx"
    rendered.write_bytes(document(lay_out(notice), find_template(notice.mau)))
    assert [r.rule for r in audit_docx(rendered) if r.status == STATUS_FAIL] == []
    paragraphs = docx.Document(str(rendered)).paragraphs
    return next(paragraphs[i + 1].text for i, p in enumerate(paragraphs) if p.text == "THÔNG BÁO")


LINES = ("Kết luận của đồng chí Phó Chủ tịch UBND tỉnh,", "Trưởng Ban chỉ đạo tại cuộc họp về chuyển đổi số")


def test_a_summary_broken_by_the_drafter_with_shift_enter_imports_as_a_literal_block_broken_there(tmp_path: Path) -> None:
    source, data, lines = _import_hand_typed(tmp_path, summary=LINES)
    assert data["trich_yeu"] == "\n".join(LINES) + "\n"
    text = source.read_text(encoding="utf-8").splitlines()
    at = text.index("trich_yeu: |")
    assert text[at + 1 : at + 3] == [f"  {line}" for line in LINES]
    assert not [line for line in lines if line.startswith("  sửa") and "trích yếu" in line]  # it prints as it was typed
    assert _rendered_summary(source, tmp_path) == "\n".join(LINES)


def test_a_summary_typed_in_several_paragraphs_prints_as_one_broken_where_each_ended(tmp_path: Path) -> None:
    source, data, lines = _import_hand_typed(
        tmp_path, summary=("  Kết luận của đồng chí  Phó Chủ tịch ", *LINES[1:]), summary_in_paragraphs=True
    )
    assert data["trich_yeu"] == "Kết luận của đồng chí Phó Chủ tịch\nTrưởng Ban chỉ đạo tại cuộc họp về chuyển đổi số\n"
    assert "  sửa: đoạn 8: trích yếu gõ thành 2 đoạn: in thành một đoạn, xuống dòng đúng chỗ như bản gốc" in lines
    assert "  sửa: đoạn 8: 1 chỗ nhiều dấu cách liền nhau gộp thành một" in lines
    assert _rendered_summary(source, tmp_path) == "Kết luận của đồng chí Phó Chủ tịch\nTrưởng Ban chỉ đạo tại cuộc họp về chuyển đổi số"


HEADINGS = {
    "sentence case: as typed": (("Về phần mềm", "Về dữ liệu dùng chung"), False, False),
    "capitals: the default": (("VỀ PHẦN MỀM", "VỀ DỮ LIỆU DÙNG CHUNG"), None, False),
    "mixed: as typed, and said": (("VỀ PHẦN MỀM", "Về dữ liệu dùng chung"), False, True),
}


@pytest.mark.parametrize(("typed", "muc_in_hoa", "mixed"), HEADINGS.values(), ids=HEADINGS.keys())
def test_section_headings_import_as_typed_in_sentence_case_and_in_capitals_otherwise(
    typed: tuple[str, str], muc_in_hoa: bool | None, mixed: bool, tmp_path: Path
) -> None:
    source, data, lines = _import_hand_typed(tmp_path, sections=typed)
    assert data.get("muc_in_hoa") == muc_in_hoa
    assert [block["muc"] for block in data["noi_dung"] if isinstance(block, dict) and "muc" in block] == list(typed)
    warning = (
        "  cảnh báo: đoạn 17: tiêu đề mục gõ lẫn chữ in hoa («VỀ PHẦN MỀM») và chữ thường («Về dữ liệu dùng chung»): "
        "in đúng như đã gõ (muc_in_hoa: false); muốn in hoa tất cả như mẫu Nghị định 30 thì xóa dòng muc_in_hoa"
    )
    assert [line for line in lines if "tiêu đề mục" in line] == ([warning] if mixed else [])
    notice, problems = _loaded(source)
    assert problems == []
    # Each heading prints as the file showed it.
    assert [p.text for p in lay_out(notice).paragraphs if p.kind == "muc"] == [f"I. {typed[0]}", f"II. {typed[1]}"]


ARCHIVES = {
    "as printed": ("- Lưu: VT, KGVX, Sơn (05).", {"luu": "VT, KGVX", "nguoi_soan": "Sơn", "so_ban": "05"}, None),
    "the decree's PL.(300)": ("- Lưu: VT, KGVX, PL.(300).", {"luu": "VT, KGVX", "nguoi_soan": "PL.", "so_ban": "300"}, None),
    "copies only": ("- Lưu: VT, KGVX (2).", {"luu": "VT, KGVX", "so_ban": "2"}, None),
    "units only": ("- Lưu: VT, NN&MT, KGVX.", {"luu": "VT, NN&MT, KGVX"}, None),
    "drafter in brackets": ("- Lưu: VT, KGVX (Thập).", {"luu": "VT, KGVX", "nguoi_soan": "Thập"}, "VT, KGVX, Thập"),
    "drafter after a full stop": ("- Lưu: VT, XDCT. Khánh", {"luu": "VT, XDCT", "nguoi_soan": "Khánh"}, "VT, XDCT, Khánh"),
    "bare copies": ("- Lưu: VT, KGVX, Sơn 05.", {"luu": "VT, KGVX", "nguoi_soan": "Sơn", "so_ban": "05"}, "VT, KGVX, Sơn (05)"),
    "stop, name and copies in brackets": (
        "- Lưu: VT, XDCT. Khánh (10)",
        {"luu": "VT, XDCT", "nguoi_soan": "Khánh", "so_ban": "10"},
        "VT, XDCT, Khánh (10)",
    ),
    "the name on the line below": (
        "- Lưu: VT, KGVX.\nNguyễn Văn An",
        {"luu": "VT, KGVX", "nguoi_soan": "Nguyễn Văn An"},
        "VT, KGVX, Nguyễn Văn An",
    ),
    "a unit's code joined to the name stays in luu": ("- Lưu: VT, NC.Châu.", {"luu": "VT, NC.Châu"}, None),
}


@pytest.mark.parametrize(("typed", "fields", "rewritten"), ARCHIVES.values(), ids=ARCHIVES.keys())
def test_the_drafter_and_the_copies_in_the_archive_line_land_in_their_fields(
    typed: str, fields: dict[str, str], rewritten: str | None, tmp_path: Path
) -> None:
    source, data, lines = _import_hand_typed(tmp_path, archive=tuple(typed.split("\n")))  # one paragraph a line
    assert {key: data[key] for key in ("luu", "nguoi_soan", "so_ban") if key in data} == fields
    corrections = [line for line in lines if line.startswith("  sửa: bảng 3, hàng 1, cột 1: dòng Lưu")]
    content = " ".join(line.removeprefix("- Lưu: ").removesuffix(".") for line in typed.split("\n"))
    assert corrections == ([f"  sửa: bảng 3, hàng 1, cột 1: dòng Lưu «{content}» viết lại thành «{rewritten}»"] if rewritten else [])
    notice, problems = _loaded(source)
    assert problems == []
    assert lay_out(notice).luu == (rewritten or content)


# --- .doc through LibreOffice, the command line -----------------------------------------------------


def test_an_old_doc_file_is_converted_with_libreoffice_and_imported(libreoffice: str, tmp_path: Path, rendered_examples) -> None:  # noqa: ANN001
    example = next(e for e in EXAMPLES if e.stem == "laocai-cum-cong-nghiep")
    convert(libreoffice, [rendered_examples[example]], "doc", tmp_path, tmp_path / "profile")
    doc = tmp_path / "laocai-cum-cong-nghiep.doc"
    source, report = _import_docx(doc, tmp_path)
    again, problems = _loaded(source)
    original, _ = _loaded(example)
    assert problems == []
    assert lay_out(again).paragraphs == lay_out(original).paragraphs
    assert (again.co_quan, again.nguoi_ky, again.noi_nhan) == (original.co_quan, original.nguoi_ky, original.noi_nhan)


def test_import_goes_on_past_a_file_it_cannot_read_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "in" / "hong.docx"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    renamed = tmp_path / "in" / "cu.docx"
    renamed.write_bytes(b"\xd0\xcf\x11\xe0 an old .doc renamed")
    letter = docx.Document()
    letter.add_paragraph("Kính gửi: Sở Tài chính")
    letter.save(str(tmp_path / "in" / "thu.docx"))
    good = tmp_path / "in" / "sub" / "tot.docx"
    good.parent.mkdir()
    good.write_bytes(shared_file(SHARED / "real" / "lamdong-so-khcn.docx").read_bytes())
    result = render_cli(["import", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "r.txt")])
    assert result.exit_code == 1
    assert (
        f"{renamed.as_posix()}: không nhập được: không phải tệp Word .docx (tệp .docx là một gói zip; tệp này có thể là loại khác bị đổi đuôi)"
        in result.output
    )
    assert f"{broken.as_posix()}: không nhập được: gói zip bị cắt cụt hoặc hỏng (không có mục lục ở cuối gói)" in result.output
    assert (
        f"{(tmp_path / 'in' / 'thu.docx').as_posix()}: không nhập được: không tìm thấy tên loại («THÔNG BÁO», «GIẤY MỜI») trên một dòng riêng, "
        "hay trích yếu «V/v …» dưới số: không đọc được như một văn bản" in result.output
    )
    assert "Traceback" not in result.output
    assert (tmp_path / "out" / "sub" / "tot.yaml").is_file()
    report = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "Đã nhập 1/4 tệp" in report
    again = render_cli(["import", str(good), "-o", str(tmp_path / "out" / "sub")])
    assert again.exit_code == 1
    assert (
        f"{good.as_posix()}: không nhập được: {(tmp_path / 'out' / 'sub' / 'tot.yaml').as_posix()} đã có, không ghi đè (dùng --force để ghi đè)"
        in again.output
    )


def test_import_is_listed_in_the_help_and_needs_an_output_folder() -> None:
    assert "  import " in render_cli(["--help"]).output
    result = render_cli(["import", "x.docx"])
    assert result.exit_code == 2
    assert "Thiếu tùy chọn '-o' / '--output'." in result.output


def test_import_into_a_workspace_leaves_out_the_office_defaults(tmp_path: Path) -> None:
    assert render_cli(["init", str(tmp_path / "ws")]).exit_code == 0
    original = shared_file(SHARED / "real" / "lamdong-so-khcn.docx")
    result = render_cli(["import", str(original), "-o", str(tmp_path / "ws" / "notices" / "2026")])
    assert result.exit_code == 0, result.output
    source = tmp_path / "ws" / "notices" / "2026" / "lamdong-so-khcn.yaml"
    text = source.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../notice.schema.json\n")
    data = yaml.safe_load(text)
    for key in ("co_quan", "dia_danh", "noi_nhan", "mau"):
        assert key not in data, key
    assert data["nguoi_ky"] == {"ho_ten": "Trịnh Ngọc Duệ"}
    check = render_cli(["check", str(source)], cwd=tmp_path / "ws")
    assert check.exit_code == 0, check.output


def test_the_imported_source_is_written_like_a_hand_written_one(tmp_path: Path) -> None:
    source, _ = _import_docx(shared_file(SHARED / "real" / "lamdong-so-khcn.docx"), tmp_path)
    lines = source.read_text(encoding="utf-8").splitlines()
    keys = [line.split(":")[0] for line in lines if re.match(r"^[a-z_]+:", line)]
    assert keys == [
        "phien_ban", "co_quan", "so", "dia_danh", "ngay", "ngay_hop", "trich_yeu", "noi_dung", "noi_nhan", "luu", "nguoi_soan", "nguoi_ky",
    ]  # fmt: skip
    assert 'ngay: "2026-04"' in lines and "so:" in lines and "ngay_hop: 2026-04-16" in lines
    # The summary the original broke after "UBND tỉnh", written as the example writes it.
    summary = lines.index("trich_yeu: |")
    example = (NOTICES / "2026" / "lamdong-so-khcn.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[summary : summary + 3] == example[example.index("trich_yeu: |") :][:3]
    # A literal line is the drafter's line and cannot wrap; every other line keeps to 100 columns.
    assert max(len(line) for line in lines[: summary + 1] + lines[summary + 3 :]) <= 100
    assert norm(lines[-1]) == "ho_ten: Trịnh Ngọc Duệ"


# --- the YAML writer ---------------------------------------------------------------------------------

TRAPS = [
    "yes",
    "NO",
    "012",
    "1:30",
    "2026-04",
    "2026-04-16",
    "a: b",
    "#x",
    "- x",
    "x #y",
    "*a*",
    "null",
    "~",
    "",
    " x",
    "x:",
    '"q"',
    "'q'",
    "@x",
    "%x",
    "[a]",
    "{a}",
]


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.sampled_from(TRAPS),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
        st.lists(words, min_size=20, max_size=60).map(" ".join),
    )
)
def test_any_text_is_written_so_that_yaml_reads_it_back_unchanged(text: str) -> None:
    from tbkl_gen.importer.emit import notice_yaml

    data = {"trich_yeu": text, "noi_dung": [text, {"khoan": text, "noi_dung": [text]}]}
    readable = yaml.safe_load(notice_yaml(data, []))
    assert readable == data or yaml.safe_load(notice_yaml(data, [], quoted=True)) == data


def test_text_with_line_breaks_is_written_as_a_literal_block_one_line_a_line() -> None:
    from tbkl_gen.importer.emit import notice_yaml

    data = {"trich_yeu": "Kết luận của đồng chí …,\nPhó Chủ tịch UBND tỉnh …\n", "noi_dung": [{"khoan": "- a: b\n# c"}, " x\ny"]}
    written = notice_yaml(data, [])
    assert written.splitlines() == [
        "trich_yeu: |",
        "  Kết luận của đồng chí …,",
        "  Phó Chủ tịch UBND tỉnh …",
        "noi_dung:",
        "  - khoan: |-",  # no line break after the last line: "strip"
        "      - a: b",
        "      # c",
        '  - " x\\ny"',  # a line starting with a space would be read as indentation: quoted
    ]
    assert yaml.safe_load(written) == data


def test_long_text_is_folded_at_100_columns_and_never_starts_a_line_like_a_key() -> None:
    from tbkl_gen.importer.emit import notice_yaml

    text = "Giao Sở Tài chính chủ trì, phối hợp " * 6 + "khoan: x và noi_dung: y " * 5
    written = notice_yaml({"noi_dung": [{"khoan": text.strip()}]}, [])
    lines = written.splitlines()
    assert lines[1] == "  - khoan: >-"
    assert all(len(line) <= 100 for line in lines)
    assert not any(re.match(r"^\s*[a-z_]+:", line) for line in lines[2:])
    assert yaml.safe_load(written) == {"noi_dung": [{"khoan": text.strip()}]}


# --- what a Word file holds that no source can: each named in the report ---------------------------------

ALT_CHUNK_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"
VBA_RELATION = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def _with_parts(
    source: Path, target: Path, *, body: bytes = b"", relations: bytes = b"", types: bytes = b"", macro: bool = False, extra=None
) -> Path:  # noqa: ANN001
    """Copy a Word file with XML put before the body's end, relations and content types added, extra parts."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", body + b"<w:sectPr", 1)
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", relations + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", types + b"</Types>")
                if macro:
                    data = data.replace(
                        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                        b"application/vnd.ms-word.document.macroEnabled.main+xml",
                    )
            copy.writestr(info, data)
        for name, data in (extra or {}).items():
            copy.writestr(name, data)
    return target


def test_content_inserted_from_another_file_is_named_in_the_import_report(tmp_path: Path, rendered_examples) -> None:  # noqa: ANN001
    rendered = rendered_examples[EXAMPLES[0]]
    word = _with_parts(
        rendered,
        tmp_path / "chen.docx",
        body=b'<w:altChunk r:id="rIdChunk"/>',
        relations=f'<Relationship Id="rIdChunk" Type="{ALT_CHUNK_RELATION}" Target="afchunk.mht"/>'.encode(),
        types=b'<Default Extension="mht" ContentType="message/rfc822"/>',
        extra={"word/afchunk.mht": b"MIME-Version: 1.0\r\n\r\n<html><body>Noi dung chen</body></html>"},
    )
    result = render_cli(["import", str(word), "-o", str(tmp_path / "out")])
    assert (
        "  cảnh báo: nội dung: nội dung chèn từ phần «word/afchunk.mht» (altChunk) không đưa vào nguồn: "
        "Word chỉ ghép nó vào văn bản khi mở tệp; hãy mở tệp bằng Word, lưu lại rồi nhập lại\n"
    ) in result.output
    assert (tmp_path / "out" / "chen.yaml").is_file()


@pytest.mark.parametrize("suffix", [".docm", ".docx"])
def test_macros_are_named_in_the_import_report_and_the_text_is_imported(tmp_path: Path, rendered_examples, suffix: str) -> None:  # noqa: ANN001
    example = EXAMPLES[0]
    word = _with_parts(
        rendered_examples[example],
        tmp_path / f"macro{suffix}",
        relations=f'<Relationship Id="rIdVba" Type="{VBA_RELATION}" Target="vbaProject.bin"/>'.encode(),
        types=b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        macro=suffix == ".docm",
        extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really VBA"},
    )
    result = render_cli(["import", str(word), "-o", str(tmp_path / "out")])
    assert "  cảnh báo: toàn văn: macro (phần «word/vbaProject.bin») không chạy và không đưa vào nguồn\n" in result.output
    again, _ = _loaded(tmp_path / "out" / "macro.yaml")
    original, _ = _loaded(example)
    assert lay_out(again).paragraphs == lay_out(original).paragraphs


def test_a_report_that_cannot_be_written_goes_to_the_terminal_and_names_the_file(tmp_path: Path) -> None:
    # On a full disk the report was lost with every line of it: the terminal showed only the error.
    # A report in a "folder" that is a file fails the same way, on any disk.
    rendered = render_cli(["render", str(NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"), "-o", str(tmp_path / "word")])
    assert rendered.exit_code == 0, rendered.output
    (tmp_path / "tep").write_text("", encoding="utf-8")
    report = tmp_path / "tep" / "bao-cao.txt"
    result = render_cli(
        ["import", str(tmp_path / "word" / "tbkl-thong-tin-doi-ngoai.docx"), "-o", str(tmp_path / "src"), "--report", str(report)]
    )
    assert result.exit_code == 1
    assert (tmp_path / "src" / "tbkl-thong-tin-doi-ngoai.yaml").is_file()
    lines = result.output.splitlines()
    assert lines[-1] == f"{report.as_posix()}: không ghi được tệp (một tệp trùng tên đang chiếm chỗ thư mục)"
    assert lines[-2].startswith("Đã nhập 1/1 tệp")
    assert f" → {(tmp_path / 'src' / 'tbkl-thong-tin-doi-ngoai.yaml').as_posix()} (" in lines[0], result.output
    assert "Traceback" not in result.output
