"""Build the built-in Word templates of tbkl-gen from first principles.

Run `python templates/build_templates.py` after changing this file; it rewrites every
`templates/*.docx`. The templates are plain WordprocessingML written by hand, not a copy of Word's
default document, so that every style is ours: Times New Roman in all four font slots, black text,
sizes and spacing inside the ranges of Decree 30/2020 (see ../shared/nd30.md §11).

Each template is a real .docx that opens in Word or LibreOffice. The jinja tags in it are
docxtpl's: `{%p … %}` removes the paragraph that holds it, `{{r x }}` replaces the run with the
runs x, `{{p x }}` replaces the paragraph with the paragraph x. The variables are documented in
docs/template-contract.md.
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

# Run as a script from a checkout, the package beside this folder is the one to read the decree from.
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from tbkl_gen.nd30 import format as nd30  # noqa: E402
from tbkl_gen.nd30.text_width import text_width_mm  # noqa: E402
from tbkl_gen.samples import SAMPLE_COMMUNE, SAMPLE_PROVINCE  # noqa: E402
from tbkl_gen.nd30.units import TWIPS_PER_MM, WORD_CELL_MARGIN  # noqa: E402
from tbkl_gen.word.columns import ISSUER_COLUMN  # noqa: E402
from tbkl_gen.word.wordml import ADDRESSEE_SPACE_AFTER  # noqa: E402


# A4 portrait; the margins the decree's ranges allow, as nd30.format chose them.
PAGE_W, PAGE_H = nd30.PAGE_WIDTH, nd30.PAGE_HEIGHT
MARGIN_TOP, MARGIN_BOTTOM = nd30.PRINTED_MARGINS["top"], nd30.PRINTED_MARGINS["bottom"]
MARGIN_LEFT, MARGIN_RIGHT = nd30.PRINTED_MARGINS["left"], nd30.PRINTED_MARGINS["right"]
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT

# Bold 13 pt motto "Độc lập - Tự do - Hạnh phúc" measured with Liberation Serif Bold.
MOTTO_WIDTH_MM = 56.0

# The closing table: recipients on the left, the signer on the right (ô 9b, 7a-7c). The decree
# fixes no widths (its Mẫu 1.4 draws 5.28 + 11.09 cm; the Lâm Đồng originals 7.7-8.6 cm on the
# left). 8 cm holds the usual long recipient lines ("- Lưu: VT, NN&MT, XDCT, KGVX, KTTH.",
# "- UBND các xã, phường có cụm công nghiệp;", 71 mm of 11 pt) on one line, where 7.2 cm left a
# word alone. It can be no wider: the right column keeps 8.4 cm, 80 mm of text, so that a signer's
# line of 14 pt bold stays on one line ("PHÓ CHỦ TỊCH THƯỜNG TRỰC" is 76 mm, "KT. BỘ TRƯỞNG, CHỦ
# NHIỆM" 72 mm).
CLOSING_LEFT = 4536  # twips, cell margins included
# A recipient that wraps continues under its text, not under the dash: a hanging indent of "- ".
RECIPIENT_HANG = round(text_width_mm("- ", nd30.PRINTED_RECIPIENT_SIZE, bold=False) * TWIPS_PER_MM)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class TemplateSpec:
    """What distinguishes one built-in template from another."""

    name: str
    description: str
    header_left: int  # twips
    agency_size: int = nd30.PRINTED_ISSUER_SIZE  # pt
    national_size: int = nd30.PRINTED_NATIONAL_NAME_SIZE
    motto_size: int = nd30.PRINTED_MOTTO_SIZE
    date_size: int = nd30.PRINTED_DATE_SIZE
    body_size: int = nd30.PRINTED_BODY_SIZE
    signer_size: int = nd30.PRINTED_SIGNER_SIZE
    signer_gap_pt: int = 80
    defaults: dict = field(default_factory=dict, compare=False)
    """Sample office defaults that `tbkl init --mau NAME` writes into tbkl.yaml."""

    def __post_init__(self) -> None:
        """Refuse a template whose sizes leave the decree's ranges."""
        for size, allowed in (
            (self.agency_size, nd30.ISSUER_SIZES),
            (self.national_size, nd30.NATIONAL_NAME_SIZES),
            (self.motto_size, nd30.MOTTO_SIZES),
            (self.date_size, nd30.DATE_SIZES),
            (self.body_size, nd30.BODY_SIZES),
            (self.signer_size, nd30.SIGNER_SIZES),
        ):
            if size not in allowed:
                raise ValueError(f"{self.name}: size {size} pt outside {allowed}")


_PROVINCE_RECIPIENTS = [
    "Chủ tịch, các PCT UBND tỉnh",
    "Các sở, ban, ngành",
    "UBND các xã, phường, đặc khu",
    "CVP, các PCVP UBND tỉnh",
]
_PROVINCE = SAMPLE_PROVINCE.upper()
# ten_goi: the issuer in running text, which a kind's sample sentence and an appendix's "(Kèm theo … của …)" print
_UBND_TINH = {"ten": ["ỦY BAN NHÂN DÂN", f"TỈNH {_PROVINCE}"], "viet_tat": "UBND", "ten_goi": f"Ủy ban nhân dân tỉnh {SAMPLE_PROVINCE}"}


def _office(co_quan: dict, signer: tuple[list[str], str], **changes: object) -> dict:
    """Return sample office defaults: issuer, signer (authority lines, title), and the rest.

    The signer's name is left blank: the office writes its real signer once (`tbkl init --nguoi-ky`
    or in tbkl.yaml); a sample name would be an error on every notice, never a fallback.
    """
    quyen_han, chuc_vu = signer
    return {
        "co_quan": co_quan,
        "dia_danh": SAMPLE_PROVINCE,
        "noi_nhan": _PROVINCE_RECIPIENTS,
        "luu": "VT, TH",
        "nguoi_ky": {"quyen_han": quyen_han, "chuc_vu": chuc_vu, "ho_ten": None},
        **changes,
    }


TEMPLATES = (
    TemplateSpec(
        "ubnd-tinh",
        "UBND tỉnh, Văn phòng ký thừa lệnh (TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG); mẫu mặc định",
        header_left=ISSUER_COLUMN["ubnd-tinh"],
        defaults=_office(_UBND_TINH, (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"], "PHÓ CHÁNH VĂN PHÒNG")),
    ),
    TemplateSpec(
        "ubnd-tinh-lanh-dao",
        "UBND tỉnh, lãnh đạo ký thay mặt tập thể (TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH)",
        header_left=ISSUER_COLUMN["ubnd-tinh-lanh-dao"],
        defaults=_office(_UBND_TINH, (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH")),
    ),
    TemplateSpec(
        "van-phong",
        "Văn phòng UBND tỉnh ban hành bằng tên mình, có dòng cơ quan chủ quản (UBND TỈNH … / VĂN PHÒNG)",
        header_left=ISSUER_COLUMN["van-phong"],
        defaults=_office(
            {
                "chu_quan": f"UBND TỈNH {_PROVINCE}",
                "ten": ["VĂN PHÒNG"],
                "viet_tat": "VP",
                "ten_goi": f"Văn phòng UBND tỉnh {SAMPLE_PROVINCE}",
            },
            ([], "CHÁNH VĂN PHÒNG"),
        ),
    ),
    TemplateSpec(
        "so-nganh",
        "Sở, ngành thuộc tỉnh, có dòng cơ quan chủ quản (UBND TỈNH … / SỞ …); cột trái rộng hơn cho tên sở dài",
        header_left=ISSUER_COLUMN["so-nganh"],
        defaults=_office(
            {
                "chu_quan": f"UBND TỈNH {_PROVINCE}",
                "ten": ["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"],
                "viet_tat": "SKHCN",
                "ten_goi": f"Sở Khoa học và Công nghệ tỉnh {SAMPLE_PROVINCE}",
            },
            (["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC"),
            noi_nhan=["UBND tỉnh (b/c)", "Giám đốc, các PGĐ Sở", "Các phòng, đơn vị thuộc Sở"],
            luu="VT, VP",
        ),
    ),
    TemplateSpec(
        "ubnd-xa",
        "UBND xã, phường, đặc khu (chính quyền hai cấp từ 01/7/2025), không có dòng cấp huyện",
        header_left=ISSUER_COLUMN["ubnd-xa"],
        defaults=_office(
            {
                "ten": ["ỦY BAN NHÂN DÂN", f"XÃ {SAMPLE_COMMUNE.upper()}"],
                "viet_tat": "UBND",
                "ten_goi": f"Ủy ban nhân dân xã {SAMPLE_COMMUNE}",
            },
            (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"),
            dia_danh=SAMPLE_COMMUNE,
            noi_nhan=["TT Đảng ủy, TT HĐND xã (b/c)", "Chủ tịch, các PCT UBND xã", "Các phòng, ban, đơn vị thuộc xã"],
            luu="VT, VP",
        ),
    ),
)


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


# --- small WordprocessingML writers -----------------------------------------------------------


def run(text: str, rpr: str = "") -> str:
    rpr_xml = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{rpr_xml}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(style: str, *runs: str, ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{"".join(runs)}</w:p>'


def tag(text: str) -> str:
    """Return a paragraph that holds only a docxtpl paragraph tag."""
    return f"<w:p>{run(text)}</w:p>"


def cell(width: int, *paragraphs: str) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{"".join(paragraphs)}</w:tc>'


def table(widths: tuple[int, int], *rows: str) -> str:
    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblInd w:w="{-WORD_CELL_MARGIN}" w:type="dxa"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        f'<w:tblLayout w:type="fixed"/>'
        f'<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def row(*cells: str) -> str:
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>"


# --- parts --------------------------------------------------------------------------------------


def document_xml(spec: TemplateSpec) -> str:
    left = spec.header_left
    right = TEXT_WIDTH + 2 * WORD_CELL_MARGIN - left
    motto_indent = max(0, round((right - 2 * WORD_CELL_MARGIN - mm(MOTTO_WIDTH_MM)) / 2))
    header = table(
        (left, right),
        row(
            cell(
                left,
                tag("{%p if co_quan.chu_quan %}"),
                para("TBChuQuan", run("{{ co_quan.chu_quan }}")),
                tag("{%p endif %}"),
                tag("{%p for dong in co_quan.ten %}"),
                para("TBCoQuan", run("{{ dong }}")),
                tag("{%p endfor %}"),
                para("TBDuongKe", run("{{p gach_co_quan }}")),
            ),
            cell(
                right,
                para("TBQuocHieu", run(nd30.NATIONAL_NAME)),
                para("TBTieuNgu", run(nd30.MOTTO)),
                para("TBDuongKe", ppr=f'<w:ind w:left="{motto_indent}" w:right="{motto_indent}"/>'),
            ),
        ),
        row(
            cell(
                left,
                para("TBSo", run("Số: {{ so }}/{{ ky_hieu }}")),
                tag("{%p if v_v %}"),
                # printed in the number's style: 13 pt, upright, centred, inside the decree's 12-13
                para("TBSo", run("{{r v_v }}")),
                tag("{%p endif %}"),
                tag("{%p if do_khan %}"),
                para("TBKhan", run("{{p o_khan }}")),
                tag("{%p endif %}"),
            ),
            cell(right, para("TBNgay", run("{{ dia_danh_ngay }}"))),
        ),
    )
    # The type's name and the summary under it (ô 5a); a kind with no name (Công văn) prints its
    # summary under the number instead (ô 5b, `v_v` above), and an invitation may have no summary.
    title = (
        tag("{%p if ten_loai %}")
        + para("TBTenLoai", run("{{ ten_loai }}"))
        + tag("{%p if trich_yeu %}")
        + para("TBTrichYeu", run("{{r trich_yeu_dong }}"))
        + tag("{%p endif %}")
        + para("TBDuongKe", run("{{p gach_trich_yeu }}"))
        + tag("{%p endif %}")
    )
    kinds = (
        ("doan", "TBNoiDung"),
        ("muc", "TBMuc"),
        ("khoan_tieu_de", "TBKhoanTieuDe"),
        ("khoan", "TBKhoan"),
        ("diem", "TBDiem"),
        ("gach", "TBGach"),
        ("cong", "TBCong"),
    )
    # A kind with no title (Công văn) keeps a blank line between the header and the body.
    title += tag("{%p if not ten_loai %}") + para("TBKhoangCach") + tag("{%p endif %}")
    # "Kính gửi" (ô 9a) under the title's block, or under the header of a kind with no title
    title += para("TBKinhGui", run("{{p doan_kinh_gui }}"))

    def blocks(items: str) -> list[str]:
        """Return the loop printing a list of body paragraphs and tables, one branch per kind."""
        out = [tag(f"{{%p for doan in {items} %}}")]
        for index, (kind, style) in enumerate(kinds):
            keyword = "if" if index == 0 else "elif"
            out.append(tag(f'{{%p {keyword} doan.kieu == "{kind}" %}}'))
            out.append(para(style, run("{{r doan.runs }}")))
        out.append(tag('{%p elif doan.kieu == "bang" %}'))
        out.append(para("TBBang", run("{{p doan.bang }}")))
        out += [tag("{%p endif %}"), tag("{%p endfor %}")]
        return out

    body = blocks("noi_dung")
    # Each appendix on a new page, in a section of its own that numbers its pages from 1.
    appendices = [
        tag("{%p for pl in phu_luc %}"),
        para("TBPhuLuc", run("{{p pl.ngat_trang }}")),
        para("TBPhuLuc", run("{{ pl.so }}")),
        tag("{%p if pl.ten %}"),
        para("TBPhuLucTen", run("{{ pl.ten }}")),
        tag("{%p endif %}"),
        para("TBPhuLucKemTheo", run("{{ pl.kem_theo }}")),
        *blocks("pl.noi_dung"),
        tag("{%p endfor %}"),
    ]
    closing_left = CLOSING_LEFT
    closing = table(
        (closing_left, TEXT_WIDTH + 2 * WORD_CELL_MARGIN - closing_left),
        row(
            cell(
                closing_left,
                para("TBNoiNhan", run(nd30.RECIPIENTS_HEAD)),
                tag("{%p for muc in noi_nhan %}"),
                para("TBNoiNhanMuc", run("- {{ muc }};")),
                tag("{%p endfor %}"),
                para("TBNoiNhanMuc", run(nd30.ARCHIVE_PREFIX + "{{ luu }}.")),
            ),
            cell(
                TEXT_WIDTH + 2 * WORD_CELL_MARGIN - closing_left,
                tag("{%p for dong in nguoi_ky.quyen_han %}"),
                para("TBQuyenHan", run("{{ dong }}")),
                tag("{%p endfor %}"),
                para("TBQuyenHan", run("{{ nguoi_ky.chuc_vu }}")),
                para("TBHoTen", run("{{ nguoi_ky.ho_ten }}")),
            ),
        ),
    )
    sect = (
        "<w:sectPr>"
        f'<w:headerReference w:type="default" r:id="rIdHeaderDefault"/>'
        f'<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>'
        '<w:footnotePr><w:numFmt w:val="decimal"/></w:footnotePr>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_LEFT}" w:header="567" w:footer="567" w:gutter="0"/>'
        '<w:cols w:space="720"/><w:titlePg/><w:docGrid w:linePitch="360"/>'
        "</w:sectPr>"
    )
    # An empty line between the content and the closing table; an empty paragraph must follow
    # a table at the end of a document.
    gap = para("TBKhoangCach")
    spacer = para("TBKhoangCach")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
        f"{header}{title}{''.join(body)}{gap}{closing}{spacer}{''.join(appendices)}{sect}"
        "</w:body></w:document>"
    )


def _rpr(size: int, *, bold: bool = False, italic: bool = False) -> str:
    flags = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    return f'<w:rPr>{flags}<w:sz w:val="{size * 2}"/><w:szCs w:val="{size * 2}"/></w:rPr>'


def _style(style_id: str, name: str, ppr: str, rpr: str, based_on: str = "Normal", kind: str = "paragraph") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style w:type="{kind}" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{based}<w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr}</w:style>"
    )


def styles_xml(spec: TemplateSpec) -> str:
    fonts = f'<w:rFonts w:ascii="{nd30.FONT}" w:hAnsi="{nd30.FONT}" w:eastAsia="{nd30.FONT}" w:cs="{nd30.FONT}"/>'
    centred = '<w:jc w:val="center"/>'
    single = f'<w:spacing w:before="0" w:after="0" w:line="{nd30.SINGLE_LINE}" w:lineRule="auto"/>'
    body_ppr = (
        f'<w:spacing w:before="{nd30.PARAGRAPH_SPACING_MIN}" w:after="0" w:line="288" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="{nd30.PRINTED_FIRST_LINE_INDENT}"/><w:jc w:val="both"/>'
    )
    body = spec.body_size
    table_spacing = f'<w:spacing w:before="40" w:after="40" w:line="{nd30.SINGLE_LINE}" w:lineRule="auto"/>'
    signer_gap = spec.signer_gap_pt * 20
    styles = [
        _style("TBChuQuan", "TB Cơ quan chủ quản", single + centred, _rpr(spec.agency_size)),
        _style("TBCoQuan", "TB Cơ quan ban hành", single + centred, _rpr(spec.agency_size, bold=True)),
        _style(
            "TBDuongKe",
            "TB Đường kẻ",
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
            '<w:spacing w:before="0" w:after="0" w:line="120" w:lineRule="exact"/>' + centred,
            _rpr(4),
        ),
        _style("TBQuocHieu", "TB Quốc hiệu", single + centred, _rpr(spec.national_size, bold=True)),
        _style("TBTieuNgu", "TB Tiêu ngữ", single + centred, _rpr(spec.motto_size, bold=True)),
        _style(
            "TBSo",
            "TB Số ký hiệu",
            '<w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(nd30.PRINTED_NUMBER_SIZE),
        ),
        _style(
            "TBKhan",
            "TB Độ khẩn",
            '<w:pBdr><w:top w:val="single" w:sz="8" w:space="1" w:color="000000"/>'
            '<w:left w:val="single" w:sz="8" w:space="4" w:color="000000"/>'
            '<w:bottom w:val="single" w:sz="8" w:space="1" w:color="000000"/>'
            '<w:right w:val="single" w:sz="8" w:space="4" w:color="000000"/></w:pBdr>'
            '<w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(nd30.PRINTED_URGENCY_SIZE, bold=True),
        ),
        _style(
            "TBNgay",
            "TB Địa danh ngày tháng",
            '<w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(spec.date_size, italic=True),
        ),
        _style(
            "TBTenLoai",
            "TB Tên loại",
            '<w:keepNext/><w:spacing w:before="360" w:after="0" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(nd30.PRINTED_TITLE_SIZE, bold=True),
        ),
        _style(
            "TBTrichYeu",
            "TB Trích yếu",
            '<w:keepNext/><w:spacing w:before="0" w:after="60" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(nd30.PRINTED_TITLE_SIZE, bold=True),
        ),
        _style(
            "TBKinhGui",
            "TB Kính gửi",
            f'<w:keepNext/><w:spacing w:before="240" w:after="{ADDRESSEE_SPACE_AFTER}" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(nd30.PRINTED_ADDRESSEE_SIZE),
        ),
        _style(
            "TBKinhGuiMuc",
            "TB Kính gửi mục",
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>',
            _rpr(nd30.PRINTED_ADDRESSEE_SIZE),
        ),
        _style("TBNoiDung", "TB Nội dung", body_ppr, _rpr(body)),
        _style("TBMuc", "TB Mục", "<w:keepNext/>", _rpr(body, bold=True), based_on="TBNoiDung"),
        _style("TBKhoanTieuDe", "TB Khoản có tiêu đề", "<w:keepNext/>", _rpr(body, bold=True), based_on="TBNoiDung"),
        _style("TBKhoan", "TB Khoản", "", _rpr(body), based_on="TBNoiDung"),
        _style("TBDiem", "TB Điểm", "", _rpr(body), based_on="TBNoiDung"),
        _style("TBGach", "TB Gạch đầu dòng", "", _rpr(body), based_on="TBNoiDung"),
        _style("TBCong", "TB Dấu cộng", "", _rpr(body), based_on="TBNoiDung"),
        _style("TBKhoangCach", "TB Khoảng cách", "<w:keepNext/>" + single, _rpr(12)),
        *(
            _style(
                style_id, name, f'<w:keepNext/><w:spacing w:before="0" w:after="{after}" w:line="240" w:lineRule="auto"/>' + centred, rpr
            )
            for style_id, name, after, rpr in (
                ("TBPhuLuc", f"TB {nd30.APPENDIX_WORD}", 0, _rpr(nd30.PRINTED_APPENDIX_HEAD_SIZE, bold=True)),
                ("TBPhuLucTen", "TB Tên phụ lục", 0, _rpr(nd30.PRINTED_APPENDIX_TITLE_SIZE, bold=True)),
                ("TBPhuLucKemTheo", f"TB {nd30.APPENDIX_WORD} kèm theo", 240, _rpr(nd30.PRINTED_APPENDIX_REFERENCE_SIZE, italic=True)),
            )
        ),
        _style("TBBang", "TB Bảng", table_spacing, _rpr(nd30.PRINTED_TABLE_SIZE)),
        _style("TBBangTieuDe", "TB Bảng tiêu đề", "<w:keepNext/>" + table_spacing + centred, _rpr(nd30.PRINTED_TABLE_SIZE, bold=True)),
        _style("TBNoiNhan", "TB Nơi nhận", "<w:keepNext/>" + single, _rpr(nd30.PRINTED_RECIPIENTS_HEAD_SIZE, bold=True, italic=True)),
        _style(
            "TBNoiNhanMuc",
            "TB Nơi nhận mục",
            single + f'<w:ind w:left="{RECIPIENT_HANG}" w:hanging="{RECIPIENT_HANG}"/>',
            _rpr(nd30.PRINTED_RECIPIENT_SIZE),
        ),
        _style(
            "TBQuyenHan",
            "TB Quyền hạn người ký",
            '<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(spec.signer_size, bold=True),
        ),
        _style(
            "TBHoTen",
            "TB Họ tên người ký",
            f'<w:spacing w:before="{signer_gap}" w:after="0" w:line="240" w:lineRule="auto"/>' + centred,
            _rpr(spec.signer_size, bold=True),
        ),
        _style(
            "FootnoteText",
            "footnote text",
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="both"/>',
            _rpr(12),
        ),
        _style("Header", "header", single + centred, _rpr(nd30.PRINTED_PAGE_NUMBER_SIZE)),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:styles xmlns:w="{W_NS}">'
        f"<w:docDefaults><w:rPrDefault><w:rPr>{fonts}"
        '<w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/>'
        '<w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f"<w:pPrDefault><w:pPr>{single}</w:pPr></w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        f'<w:left w:w="{WORD_CELL_MARGIN}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="{WORD_CELL_MARGIN}" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
        + "".join(styles)
        + '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
        "</w:styles>"
    )


def _theme_colour(name: str, value: str) -> str:
    return f'<a:{name}><a:srgbClr val="{value}"/></a:{name}>'


def _theme_fonts(kind: str) -> str:
    return f'<a:{kind}><a:latin typeface="{nd30.FONT}"/><a:ea typeface=""/><a:cs typeface=""/></a:{kind}>'


_SOLID = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
_LINE = '<a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'

# Word asks for a theme part; ours names Times New Roman and black so nothing resolves elsewhere.
THEME_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="tbkl-gen">'
    '<a:themeElements><a:clrScheme name="tbkl-gen">'
    '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
    '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
    + _theme_colour("dk2", "000000")
    + _theme_colour("lt2", "FFFFFF")
    + "".join(_theme_colour(f"accent{i}", "000000") for i in range(1, 7))
    + _theme_colour("hlink", "000000")
    + _theme_colour("folHlink", "000000")
    + '</a:clrScheme><a:fontScheme name="tbkl-gen">'
    + _theme_fonts("majorFont")
    + _theme_fonts("minorFont")
    + '</a:fontScheme><a:fmtScheme name="tbkl-gen">'
    + "<a:fillStyleLst>"
    + _SOLID * 3
    + "</a:fillStyleLst>"
    + "<a:lnStyleLst>"
    + _LINE * 3
    + "</a:lnStyleLst>"
    + "<a:effectStyleLst>"
    + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    + "</a:effectStyleLst>"
    + "<a:bgFillStyleLst>"
    + _SOLID * 3
    + "</a:bgFillStyleLst>"
    + "</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
)

SETTINGS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:settings xmlns:w="{W_NS}">'
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="vi-VN"/>'
    "</w:settings>"
)

FONT_TABLE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:fonts xmlns:w="{W_NS}"><w:font w:name="{nd30.FONT}"><w:panose1 w:val="02020603050405020304"/>'
    '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>'
)

FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)

HEADER_DEFAULT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>2</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>'
)

HEADER_FIRST_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>'
)

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rIdFontTable" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
    '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
    '<Relationship Id="rIdTheme" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>'
    '<Relationship Id="rIdHeaderDefault" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rIdHeaderFirst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>'
    "</Relationships>"
)

# Fixed dates keep output bytes independent of the day it was rendered.
CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{% if ten_loai %}{{ ten_loai }} {% endif %}{{ trich_yeu }}</dc:title><dc:creator>tbkl-gen</dc:creator>"
    "<dc:language>vi-VN</dc:language>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2020-03-05T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2020-03-05T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)

APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>tbkl-gen</Application><DocSecurity>0</DocSecurity></Properties>"
)


def build(spec: TemplateSpec) -> dict[str, str]:
    """Return the parts of one template, by their name in the package."""
    return {
        "[Content_Types].xml": CONTENT_TYPES_XML,
        "_rels/.rels": PACKAGE_RELS_XML,
        "docProps/core.xml": CORE_XML,
        "docProps/app.xml": APP_XML,
        "word/_rels/document.xml.rels": DOCUMENT_RELS_XML,
        "word/document.xml": document_xml(spec),
        "word/styles.xml": styles_xml(spec),
        "word/settings.xml": SETTINGS_XML,
        "word/fontTable.xml": FONT_TABLE_XML,
        "word/footnotes.xml": FOOTNOTES_XML,
        "word/header1.xml": HEADER_DEFAULT_XML,
        "word/header2.xml": HEADER_FIRST_XML,
        "word/theme/theme1.xml": THEME_XML,
    }


def write(spec: TemplateSpec, folder: Path = HERE) -> Path:
    """Write one template as a .docx with fixed zip metadata."""
    target = folder / f"{spec.name}.docx"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in build(spec).items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            package.writestr(info, xml.encode("utf-8"))
    return target


def write_index(folder: Path = HERE) -> Path:
    """Write templates/index.json: each built-in template, what it is for, its sample defaults."""
    index = {spec.name: {"mo_ta": spec.description, "mac_dinh": spec.defaults} for spec in TEMPLATES}
    target = folder / "index.json"
    target.write_text(json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def write_prepared(template: Path) -> Path:
    """Write the prepared form of a built template beside it, so a first run needs no docxtpl.

    For a render without jinja and without unzipping (`tbkl_gen.word.fill`), the form also holds
    the digest of the .docx's bytes ("file": while they match, the template is used as checked
    here) and its package: every part in its order, the text of each part copied as it is, None
    for a part filled from its source.
    """
    from tbkl_gen.word.render import SHIPPED_SUFFIX, prepared_form, read_template_package

    target = template.with_name(template.stem + SHIPPED_SUFFIX)
    file_digest, parts = read_template_package(template)
    form = prepared_form(template, parts)
    package = [[name, None if name in form["sources"] else blob.decode("utf-8")] for name, blob in parts.items()]
    form = {**form, "file": file_digest, "package": package}
    target.write_text(json.dumps(form, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    for template_spec in TEMPLATES:
        built = write(template_spec)
        print(built)
        print(write_prepared(built))
    print(write_index())
