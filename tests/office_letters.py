"""Công văn and Giấy mời typed the way real offices type them in Word, written with python-docx.

Each builder writes one .docx with nothing of ours in it (Word's default styles, direct formatting
only), in a shape met in offices' files: the header in a two-column table (issuer | national name
and motto; "Số:" | place and date), in one row with everything in its cell or in two or three rows;
"V/v" over one to three lines in the number's cell (paragraphs or line breaks) or the next row;
"Kính gửi:" with one recipient on its line, dashes under it, or the first dash after a tab and the
others under it; the body typed with tabs and manual numbering ("1.", "a)", "-"); the closing as
"Nơi nhận:" left and the signer right in one or two rows, or no table (the signer indented to the
right above "Nơi nhận:"); the header's lines broken by Shift+Enter in one paragraph; invitations whose meeting is typed as
labelled paragraphs ("Thành phần mời:", "Thời gian: 14 giờ 00, ngày 10/4/2026 (thứ Sáu)",
"Địa điểm:", "Nội dung:") with and without colons, numbered, or as sections; a Giấy mời with a
summary line and "Kính gửi". `VARIANTS` names them all: (kind, name, builder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_UNDERLINE
from docx.shared import Pt

CENTER = WD_ALIGN_PARAGRAPH.CENTER


@dataclass(frozen=True)
class Letter:
    """What one office file says; the builder's options say how it is typed."""

    issuer: tuple[str, ...] = ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG")
    parent: bool = False  # the issuer's first line is its parent body (not bold)
    number: str = "1234/UBND-KT"
    place_date: str = "Lâm Đồng, ngày 08 tháng 4 năm 2026"
    summary: tuple[str, ...] = ()
    title: str = ""
    title_summary: str = ""
    kinh_gui: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ("- Như trên;", "- Lưu: VT, KT.")
    authority: tuple[str, ...] = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    name: str = "Nguyễn Ngọc Phúc"
    # how it is typed
    header: str = "rows"  # "rows": issuer|nation, number|date (+ summary row); "one": all in one row
    summary_where: str = "same"  # "same" (paragraphs in the number's cell), "break" (line breaks), "next" (the next row)
    kinh_gui_style: str = "auto"  # "auto": one on the line, several under it; "tab": first after a tab, others under it;
    # "table": "Kính gửi:" | the list in a table of its own; "header-row": the same in a last row of the header's table
    closing_rows: int = 2
    tabs: bool = False  # body items typed with a tab after their number instead of a first-line indent
    bold_labels: Sequence[str] = field(default_factory=tuple)  # body paragraphs whose text before ":" is bold
    typed_rules: bool = False  # the lines under the issuer and the motto typed as "________"
    blank_between: bool = False  # an empty paragraph between body paragraphs (Enter pressed twice)
    auto_numbering: bool = False  # body items "1." in Word's own numbering (List Number), not typed
    header_breaks: bool = False  # the issuer's lines, and the national name and motto, in one paragraph each, broken by Shift+Enter
    closing_table: bool = True  # False: the signer's lines indented to the right, then "Nơi nhận:" and its lines, no table


def _run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None) -> Any:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _lines(cell: Any, lines: Sequence[str], *, first: bool, **style: Any) -> None:
    """Write each line as a paragraph of the cell, centred; `first`: use the cell's empty first paragraph."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if first and index == 0 else cell.add_paragraph()
        paragraph.alignment = CENTER
        _run(paragraph, line, **style)


def _lines_left(cell: Any, lines: Sequence[str]) -> None:
    for index, line in enumerate(lines):
        _run(cell.paragraphs[0] if index == 0 else cell.add_paragraph(), line, size=14)


def _issuer(cell: Any, letter: Letter) -> None:
    if letter.header_breaks:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = CENTER
        for index, line in enumerate(letter.issuer):
            run = _run(paragraph, line, bold=not (letter.parent and index == 0), size=13)
            if index < len(letter.issuer) - 1:
                run.add_break()
        return
    for index, line in enumerate(letter.issuer):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = CENTER
        run = _run(paragraph, line, bold=not (letter.parent and index == 0), size=13 if index or not letter.parent else 12)
        if index == len(letter.issuer) - 1:
            run.underline = False
    if letter.typed_rules:
        rule = cell.add_paragraph()
        rule.alignment = CENTER
        _run(rule, "__________", size=13)


def _nation(cell: Any, letter: Letter) -> None:
    if letter.header_breaks:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = CENTER
        _run(paragraph, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12).add_break()
        _run(paragraph, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13).underline = WD_UNDERLINE.SINGLE
        return
    _lines(cell, ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",), first=True, bold=True, size=12)
    motto = cell.add_paragraph()
    motto.alignment = CENTER
    run = _run(motto, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    if letter.typed_rules:
        _lines(cell, ("_______________________",), first=False, size=13)
    else:
        run.underline = WD_UNDERLINE.SINGLE


def _number(cell: Any, letter: Letter, *, first: bool) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = CENTER
    run = _run(paragraph, f"Số: {letter.number}", size=13)
    if letter.summary and letter.summary_where == "break":
        for line in letter.summary:
            run.add_break()
            run.add_text(line)
    elif letter.summary and letter.summary_where == "same":
        _lines(cell, letter.summary, first=False, size=12)


def _date(cell: Any, letter: Letter, *, first: bool) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = CENTER
    _run(paragraph, letter.place_date, italic=True, size=14)


def _header(document: Any, letter: Letter) -> None:
    if letter.header == "one":
        table = document.add_table(rows=1, cols=2)
        left, right = table.cell(0, 0), table.cell(0, 1)
        _issuer(left, letter)
        _number(left, letter, first=False)
        _nation(right, letter)
        right.add_paragraph()
        _date(right, letter, first=False)
        return
    next_row = bool(letter.summary) and letter.summary_where == "next"
    table = document.add_table(rows=3 if next_row else 2, cols=2)
    _issuer(table.cell(0, 0), letter)
    _nation(table.cell(0, 1), letter)
    _number(table.cell(1, 0), letter, first=True)
    _date(table.cell(1, 1), letter, first=True)
    if next_row:
        _lines(table.cell(2, 0), letter.summary, first=True, size=12)
    if letter.kinh_gui_style == "header-row":  # "Kính gửi:" | the list, in a last row of the header's table
        row = table.add_row()
        head = row.cells[0].paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(head, "Kính gửi:", size=14)
        _lines_left(row.cells[1], [f"- {line}" for line in letter.kinh_gui])


def _kinh_gui(document: Any, letter: Letter) -> None:
    recipients = letter.kinh_gui
    if not recipients or letter.kinh_gui_style == "header-row":
        return
    if len(recipients) == 1:
        paragraph = document.add_paragraph()
        paragraph.alignment = CENTER
        _run(paragraph, f"Kính gửi: {recipients[0]}", size=14)
        return
    if letter.kinh_gui_style == "tab":
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Pt(60)
        _run(paragraph, f"Kính gửi:\t- {recipients[0]}", size=14)
        for line in recipients[1:]:
            under = document.add_paragraph()
            under.paragraph_format.left_indent = Pt(60)
            _run(under, f"\t\t- {line}", size=14)
        return
    if letter.kinh_gui_style == "table":
        table = document.add_table(rows=1, cols=2)
        head = table.cell(0, 0).paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(head, "Kính gửi:", size=14)
        _lines_left(table.cell(0, 1), [f"- {line}" for line in recipients])
        return
    paragraph = document.add_paragraph()
    paragraph.alignment = CENTER
    _run(paragraph, "Kính gửi:", size=14)
    for line in recipients:
        under = document.add_paragraph()
        under.paragraph_format.left_indent = Pt(150)
        _run(under, f"- {line}", size=14)


def _body(document: Any, letter: Letter) -> None:
    for index, line in enumerate(letter.body):
        if letter.blank_between and index:
            document.add_paragraph()
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        text = line
        if letter.auto_numbering and line[:1].isdigit() and ". " in line[:5]:
            paragraph.style = document.styles["List Number"]
            text = line.partition(". ")[2]
        elif letter.tabs and line[:1].isdigit() and ". " in line[:5]:
            head, _, rest = line.partition(". ")
            text = f"\t{head}.\t{rest}"
        elif letter.tabs and line.startswith(("- ", "a) ", "b) ", "c) ")):
            text = "\t" + line
        else:
            paragraph.paragraph_format.first_line_indent = Pt(36)
        label = next((label for label in letter.bold_labels if text.lstrip().startswith(label)), None)
        if label:
            start = text.index(label) + len(label)
            _run(paragraph, text[:start], bold=True, size=14)
            _run(paragraph, text[start:], size=14)
        else:
            _run(paragraph, text, size=14)


def _closing(document: Any, letter: Letter) -> None:
    if not letter.closing_table:
        for line in (*letter.authority, "", "", "", letter.name):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Pt(220)
            paragraph.alignment = CENTER
            if line:
                _run(paragraph, line, bold=True, size=14)
        _run(document.add_paragraph(), "Nơi nhận:", bold=True, italic=True, size=12)
        for line in letter.recipients:
            _run(document.add_paragraph(), line, size=11)
        return
    table = document.add_table(rows=letter.closing_rows, cols=2)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    lines_cell = table.cell(1, 0) if letter.closing_rows == 2 else left
    for index, line in enumerate(letter.recipients):
        paragraph = lines_cell.paragraphs[0] if letter.closing_rows == 2 and index == 0 else lines_cell.add_paragraph()
        _run(paragraph, line, size=11)
    _lines(right, letter.authority, first=True, bold=True, size=14)
    name_cell = table.cell(1, 1) if letter.closing_rows == 2 else right
    for _ in range(2 if letter.closing_rows == 2 else 3):  # the space for the signature and the seal
        name_cell.add_paragraph()
    _lines(name_cell, (letter.name,), first=False, bold=True, size=14)
    document.add_paragraph()


def write(letter: Letter, path: Path) -> None:
    """Write the letter as a .docx at path, the way an office types it."""
    document = docx.Document()
    section = document.sections[0]
    section.left_margin, section.right_margin = Pt(85), Pt(57)
    section.top_margin, section.bottom_margin = Pt(57), Pt(57)
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(14)
    _header(document, letter)
    if letter.title:
        paragraph = document.add_paragraph()
        paragraph.alignment = CENTER
        _run(paragraph, letter.title, bold=True, size=14)
        if letter.title_summary:
            summary = document.add_paragraph()
            summary.alignment = CENTER
            _run(summary, letter.title_summary, bold=True, size=14)
    _kinh_gui(document, letter)
    _body(document, letter)
    _closing(document, letter)
    document.save(str(path))


# --- the letters -----------------------------------------------------------------------------------

LETTER_BODY = (
    "Thực hiện Kế hoạch số 45/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh về chuyển đổi số năm 2026, "
    "Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị thực hiện một số nội dung sau:",
    "1. Rà soát danh mục phần mềm chuyên ngành đang sử dụng, cụ thể:",
    "a) Phần mềm quản lý văn bản và hồ sơ công việc;",
    "b) Phần mềm một cửa điện tử và dịch vụ công trực tuyến.",
    "2. Chuẩn hóa dữ liệu, kết nối và chia sẻ dữ liệu về hệ thống cơ sở dữ liệu dùng chung của tỉnh:",
    "- Cập nhật dữ liệu dân cư, đất đai theo hướng dẫn của Bộ Công an;",
    "- Báo cáo kết quả về Sở Khoa học và Công nghệ trước ngày 10/5/2026.",
    "3. Bố trí cán bộ đầu mối theo dõi, tổng hợp kết quả thực hiện.",
    "Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.",
)

SHORT_BODY = (
    "Ủy ban nhân dân tỉnh nhận được Văn bản số 512/SNV-TCBC ngày 02/4/2026 của Sở Nội vụ về việc báo cáo số lượng "
    "cán bộ, công chức năm 2026.",
    "Về việc này, Chủ tịch Ủy ban nhân dân tỉnh có ý kiến như sau: giao Sở Nội vụ chủ trì, phối hợp với các cơ quan "
    "liên quan tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 20/4/2026./.",
)

INVITATION_OPENING = (
    "Thực hiện Chương trình công tác tháng 4 năm 2026, Ủy ban nhân dân tỉnh tổ chức cuộc họp nghe báo cáo tình hình "
    "triển khai cơ sở dữ liệu dùng chung, cụ thể như sau:"
)


def cv_table_one_row(path: Path) -> None:
    write(
        Letter(
            header="one",
            summary=("V/v triển khai phần mềm chuyên ngành", "và cơ sở dữ liệu dùng chung"),
            kinh_gui=("Các sở, ban, ngành thuộc tỉnh;", "Ủy ban nhân dân các xã, phường."),
            body=LETTER_BODY,
            recipients=("- Như trên;", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, KT."),
            authority=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        ),
        path,
    )


def cv_tabs_numbering(path: Path) -> None:
    write(
        Letter(
            summary=("V/v triển khai phần mềm chuyên ngành",),
            kinh_gui=("Sở Khoa học và Công nghệ",),
            body=LETTER_BODY,
            tabs=True,
            closing_rows=1,
        ),
        path,
    )


def cv_summary_breaks(path: Path) -> None:
    write(
        Letter(
            number="87/UBND-NC",
            summary=("V/v tăng cường công tác phòng,", "chống thiên tai, tìm kiếm cứu nạn", "mùa mưa bão năm 2026"),
            summary_where="break",
            kinh_gui=("Ban Chỉ huy Phòng thủ dân sự tỉnh",),
            body=LETTER_BODY,
            recipients=("- Như trên;", "- Lưu: VT, NC."),
        ),
        path,
    )


def cv_next_row_three(path: Path) -> None:
    write(
        Letter(
            number="318/UBND-KT",
            summary=("V/v góp ý dự thảo Kế hoạch", "phát triển hạ tầng số", "giai đoạn 2026 - 2030"),
            summary_where="next",
            kinh_gui=("Sở Tài chính;", "Sở Xây dựng;", "Sở Khoa học và Công nghệ."),
            body=LETTER_BODY,
        ),
        path,
    )


def cv_kinh_gui_tab(path: Path) -> None:
    write(
        Letter(
            number="1234/UBND-KT",
            summary=("V/v báo cáo tình hình thực hiện", "nhiệm vụ chuyển đổi số quý I"),
            kinh_gui=("Sở Tài chính;", "Sở Xây dựng;", "Sở Khoa học và Công nghệ."),
            kinh_gui_style="tab",
            body=LETTER_BODY,
        ),
        path,
    )


def cv_department(path: Path) -> None:
    write(
        Letter(
            issuer=("UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ"),
            parent=True,
            number="512/SNV-TCBC",
            summary=("V/v báo cáo số lượng cán bộ,", "công chức năm 2026"),
            summary_where="next",
            kinh_gui=("Ủy ban nhân dân tỉnh Lâm Đồng",),
            body=SHORT_BODY,
            recipients=("- Như trên;", "- Giám đốc Sở (để b/c);", "- Lưu: VT, TCBC."),
            authority=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
            name="Trần Văn Hùng",
        ),
        path,
    )


def cv_committee_no_unit(path: Path) -> None:
    write(
        Letter(
            issuer=("UBND TỈNH LÂM ĐỒNG", "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ"),
            parent=True,
            number="      /BCĐ",
            summary=("V/v đôn đốc triển khai các nhiệm vụ",),
            kinh_gui=("Các sở, ban, ngành thuộc tỉnh", "Các doanh nghiệp viễn thông trên địa bàn tỉnh"),
            body=LETTER_BODY,
            recipients=("- Như trên;", "- Thành viên Ban Chỉ đạo;", "- Lưu: VT, VP."),
            authority=("TRƯỞNG BAN",),
            name="Hồ Văn Mười",
        ),
        path,
    )


def cv_chairman_no_prefix(path: Path) -> None:
    write(
        Letter(
            number="215/UBND-NC",
            summary=("V/v tham mưu tổ chức Hội nghị tổng kết", "công tác cải cách hành chính năm 2026"),
            header="one",
            summary_where="break",
            kinh_gui=("Sở Nội vụ",),
            body=SHORT_BODY,
            recipients=("- Như trên;", "- Lưu: VT, NC."),
            authority=("CHỦ TỊCH",),
            name="Trần Hồng Thái",
            closing_rows=1,
        ),
        path,
    )


GM_LABELLED = (
    INVITATION_OPENING,
    "Chủ trì: Đồng chí Nguyễn Ngọc Phúc - Phó Chủ tịch UBND tỉnh.",
    "Thành phần mời:",
    "- Lãnh đạo Sở Khoa học và Công nghệ;",
    "- Lãnh đạo Sở Tài chính;",
    "- Lãnh đạo Văn phòng UBND tỉnh.",
    "Thời gian: 14 giờ 00, ngày 10/4/2026 (thứ Sáu).",
    "Địa điểm: Phòng họp số 2, trụ sở UBND tỉnh.",
    "Nội dung: Nghe báo cáo tình hình triển khai cơ sở dữ liệu dùng chung.",
    "Giao Sở Khoa học và Công nghệ chuẩn bị báo cáo, gửi Văn phòng UBND tỉnh trước ngày 09/4/2026./.",
)


def gm_labelled(path: Path) -> None:
    write(
        Letter(
            number="42/GM-UBND",
            title="GIẤY MỜI",
            body=GM_LABELLED,
            recipients=("- Như thành phần mời;", "- Lưu: VT, KT."),
            authority=("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
            name="Lê Thị Bích Liên",
            bold_labels=("Chủ trì:", "Thành phần mời:", "Thời gian:", "Địa điểm:", "Nội dung:"),
        ),
        path,
    )


GM_NUMBERED = (
    INVITATION_OPENING,
    "1. Thành phần mời",
    "- Lãnh đạo Sở Khoa học và Công nghệ;",
    "- Lãnh đạo Sở Tài chính.",
    "2. Thời gian: 14 giờ 00, ngày 10/4/2026 (thứ Sáu).",
    "3. Địa điểm: Phòng họp số 2, trụ sở UBND tỉnh.",
    "4. Nội dung",
    "- Nghe báo cáo tiến độ dự án cơ sở dữ liệu địa lý dùng chung;",
    "- Cho ý kiến về phương án kinh phí năm 2026.",
    "Văn phòng UBND tỉnh trân trọng kính mời./.",
)


def gm_numbered_no_colons(path: Path) -> None:
    write(
        Letter(
            number="43/GM-UBND",
            title="GIẤY MỜI",
            body=GM_NUMBERED,
            recipients=("- Như thành phần mời;", "- Lưu: VT, KT."),
            authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
            name="Lê Văn An",
            tabs=True,
        ),
        path,
    )


GM_SECTIONS = (
    INVITATION_OPENING,
    "I. THÀNH PHẦN MỜI:",
    "- Lãnh đạo các sở, ban, ngành;",
    "- Chủ tịch UBND các xã, phường.",
    "II. THỜI GIAN, ĐỊA ĐIỂM:",
    "1. Thời gian: 08 giờ 00, ngày 24/4/2026 (thứ Sáu).",
    "2. Địa điểm: Hội trường UBND tỉnh.",
    "III. NỘI DUNG:",
    "Sơ kết công tác quý I, triển khai nhiệm vụ quý II năm 2026.",
    "IV. TỔ CHỨC THỰC HIỆN:",
    "Văn phòng UBND tỉnh chuẩn bị hội trường; các sở gửi báo cáo trước ngày 22/4/2026./.",
)


def gm_sections(path: Path) -> None:
    write(
        Letter(
            number="58/GM-UBND",
            header="one",
            title="GIẤY MỜI",
            body=GM_SECTIONS,
            recipients=("- Như thành phần mời;", "- Lưu: VT, TH."),
            authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
            name="Lê Văn An",
            bold_labels=("I. THÀNH PHẦN MỜI:", "II. THỜI GIAN, ĐỊA ĐIỂM:", "III. NỘI DUNG:", "IV. TỔ CHỨC THỰC HIỆN:"),
        ),
        path,
    )


def gm_summary_kinh_gui(path: Path) -> None:
    write(
        Letter(
            number="61/GM-UBND",
            title="GIẤY MỜI",
            title_summary="Dự họp nghe báo cáo về chuyển đổi số",
            kinh_gui=("Giám đốc Sở Khoa học và Công nghệ",),
            body=(
                "Ủy ban nhân dân tỉnh trân trọng kính mời Giám đốc Sở Khoa học và Công nghệ dự họp, cụ thể như sau:",
                "Thời gian: 14 giờ 00, ngày 10/4/2026 (thứ Sáu).",
                "Địa điểm: Phòng họp số 2, trụ sở UBND tỉnh.",
                "Nội dung: Nghe báo cáo tình hình chuyển đổi số quý I năm 2026.",
                "Đề nghị đồng chí bố trí thời gian tham dự đúng giờ./.",
            ),
            recipients=("- Như trên;", "- Lưu: VT, KT."),
            authority=("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
            name="Lê Thị Bích Liên",
            closing_rows=1,
        ),
        path,
    )


def gm_numbered_labels(path: Path) -> None:
    write(
        Letter(
            issuer=("UBND TỈNH LÂM ĐỒNG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
            parent=True,
            number="15/GM-SKHCN",
            title="GIẤY MỜI",
            body=(
                "Sở Khoa học và Công nghệ tổ chức hội nghị tập huấn sử dụng nền tảng số dùng chung, cụ thể như sau:",
                "1. Chủ trì: Đồng chí Phạm Văn Nam - Giám đốc Sở.",
                "2. Thành phần mời:",
                "a) Đại diện lãnh đạo các sở, ban, ngành;",
                "b) Cán bộ phụ trách công nghệ thông tin các xã, phường.",
                "3. Thời gian: 08 giờ 00, ngày 15/4/2026 (thứ Tư).",
                "4. Địa điểm: Hội trường Sở Khoa học và Công nghệ.",
                "5. Nội dung: Hướng dẫn khai thác, sử dụng nền tảng số dùng chung của tỉnh.",
                "Rất mong các đại biểu tham dự đúng thành phần, thời gian./.",
            ),
            recipients=("- Như thành phần mời;", "- Giám đốc Sở (để b/c);", "- Lưu: VT, CNTT."),
            authority=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
            name="Trần Văn Hùng",
            bold_labels=("1. Chủ trì:", "2. Thành phần mời:", "3. Thời gian:", "4. Địa điểm:", "5. Nội dung:"),
        ),
        path,
    )


def cv_typed_rules_blank_lines(path: Path) -> None:
    write(
        Letter(
            number="      /UBND-VP",
            summary=("V/v\u00a0tổ chức kiểm tra công tác", "văn thư, lưu trữ năm 2026"),
            kinh_gui=("Các sở, ban, ngành thuộc tỉnh;", "Ủy ban nhân dân các xã, phường."),
            body=LETTER_BODY,
            recipients=("- Như trên;", "- Lưu: VT, VP."),
            typed_rules=True,
            blank_between=True,
        ),
        path,
    )


def cv_kinh_gui_table(path: Path) -> None:
    write(
        Letter(
            number="96/UBND-KGVX",
            summary=("V/v tăng cường quản lý hoạt động", "dạy thêm, học thêm"),
            kinh_gui=("Sở Giáo dục và Đào tạo;", "Ủy ban nhân dân các xã, phường."),
            kinh_gui_style="table",
            body=LETTER_BODY,
            recipients=("- Như trên;", "- Lưu: VT, KGVX."),
        ),
        path,
    )


def cv_sections(path: Path) -> None:
    write(
        Letter(
            number="77/UBND-TH",
            summary=("V/v chuẩn bị nội dung phiên họp", "thường kỳ tháng 4 năm 2026"),
            kinh_gui=("Các sở, ban, ngành thuộc tỉnh",),
            body=(
                "Để chuẩn bị phiên họp thường kỳ tháng 4 năm 2026, Ủy ban nhân dân tỉnh đề nghị như sau:",
                "I. VỀ BÁO CÁO",
                "1. Các sở gửi báo cáo tình hình kinh tế - xã hội tháng 4 trước ngày 20/4/2026.",
                "2. Sở Tài chính tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
                "II. VỀ TỔ CHỨC THỰC HIỆN",
                "Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện./.",
            ),
            recipients=("- Như trên;", "- Lưu: VT, TH."),
        ),
        path,
    )


def gm_time_sentence(path: Path) -> None:
    write(
        Letter(
            number="44/GM-UBND",
            title="GIẤY MỜI",
            title_summary="Họp bàn phương án phòng, chống thiên tai năm 2026",
            kinh_gui=("Sở Nông nghiệp và Môi trường;", "Ban Chỉ huy Phòng thủ dân sự tỉnh."),
            body=(
                "Ủy ban nhân dân tỉnh trân trọng kính mời đại diện lãnh đạo các cơ quan dự họp bàn phương án phòng, chống thiên tai năm 2026.",
                "Chủ trì: Đồng chí Nguyễn Ngọc Phúc - Phó Chủ tịch UBND tỉnh.",
                "Thời gian: vào lúc 14 giờ 00 phút, ngày 10/4/2026 (thứ Sáu).",
                "Địa điểm: Phòng họp số 1, trụ sở UBND tỉnh (số 36 Trần Phú, phường Xuân Hương - Đà Lạt).",
                "Giao Sở Nông nghiệp và Môi trường chuẩn bị nội dung báo cáo; Văn phòng UBND tỉnh chuẩn bị phòng họp./.",
            ),
            recipients=("- Như trên;", "- Lưu: VT, KT."),
            authority=("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
            name="Lê Thị Bích Liên",
            blank_between=True,
        ),
        path,
    )


def gm_auto_numbered(path: Path) -> None:
    write(
        Letter(
            number="45/GM-UBND",
            title="GIẤY MỜI",
            body=(
                INVITATION_OPENING,
                "1. Chủ trì: Đồng chí Nguyễn Ngọc Phúc - Phó Chủ tịch UBND tỉnh.",
                "2. Thành phần mời: Lãnh đạo Sở Khoa học và Công nghệ, Sở Tài chính.",
                "3. Thời gian: 14 giờ 00, ngày 10/4/2026 (thứ Sáu).",
                "4. Địa điểm: Phòng họp số 2, trụ sở UBND tỉnh.",
                "Văn phòng UBND tỉnh trân trọng kính mời./.",
            ),
            recipients=("- Như thành phần mời;", "- Lưu: VT, KT."),
            authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
            name="Lê Văn An",
            auto_numbering=True,
        ),
        path,
    )


def cv_kinh_gui_header_row(path: Path) -> None:
    write(
        Letter(
            number="402/UBND-XD",
            summary=("V/v rà soát quy hoạch chung", "các xã năm 2026"),
            kinh_gui=("Sở Xây dựng;", "Ủy ban nhân dân các xã."),
            kinh_gui_style="header-row",
            body=LETTER_BODY,
            recipients=("- Như trên;", "- Lưu: VT, XD."),
        ),
        path,
    )


def cv_header_breaks(path: Path) -> None:
    write(
        Letter(
            number="530/UBND-KT",
            summary=("V/v đẩy nhanh tiến độ giải ngân", "vốn đầu tư công năm 2026"),
            summary_where="break",
            kinh_gui=("Các sở, ban, ngành thuộc tỉnh;", "Ủy ban nhân dân các xã, phường."),
            body=LETTER_BODY,
            header_breaks=True,
        ),
        path,
    )


def gm_no_closing_table(path: Path) -> None:
    write(
        Letter(
            number="47/GM-UBND",
            title="GIẤY MỜI",
            header_breaks=True,
            body=GM_LABELLED,
            recipients=("- Như thành phần mời;", "- Lưu: VT, KT."),
            authority=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
            name="Lê Văn An",
            closing_table=False,
        ),
        path,
    )


VARIANTS: list[tuple[str, str, Callable[[Path], None]]] = [
    ("cong_van", "cv-header-one-row", cv_table_one_row),
    ("cong_van", "cv-tabs-numbering", cv_tabs_numbering),
    ("cong_van", "cv-summary-breaks", cv_summary_breaks),
    ("cong_van", "cv-next-row-three", cv_next_row_three),
    ("cong_van", "cv-kinh-gui-tab", cv_kinh_gui_tab),
    ("cong_van", "cv-department", cv_department),
    ("cong_van", "cv-committee-no-unit", cv_committee_no_unit),
    ("cong_van", "cv-chairman-no-prefix", cv_chairman_no_prefix),
    ("giay_moi", "gm-labelled", gm_labelled),
    ("giay_moi", "gm-numbered-no-colons", gm_numbered_no_colons),
    ("giay_moi", "gm-sections", gm_sections),
    ("giay_moi", "gm-summary-kinh-gui", gm_summary_kinh_gui),
    ("giay_moi", "gm-numbered-labels", gm_numbered_labels),
    ("cong_van", "cv-typed-rules-blank-lines", cv_typed_rules_blank_lines),
    ("cong_van", "cv-kinh-gui-table", cv_kinh_gui_table),
    ("cong_van", "cv-sections", cv_sections),
    ("cong_van", "cv-kinh-gui-header-row", cv_kinh_gui_header_row),
    ("giay_moi", "gm-time-sentence", gm_time_sentence),
    ("giay_moi", "gm-auto-numbered", gm_auto_numbered),
    ("cong_van", "cv-header-breaks", cv_header_breaks),
    ("giay_moi", "gm-no-closing-table", gm_no_closing_table),
]
