"""The machine-checkable rules 1-26 of Decree 30/2020 (nd30.md §11-12), "Kính gửi" (27) and appendices (28), each on a located notice.

The values and grammars come from tbkl_gen.nd30 (format and grammar): the same ones the checks
on a source read, so a notice `tbkl check` accepts renders to a .docx these rules pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tbkl_gen.audit.geometry import check_line, off_centre_mm
from tbkl_gen.audit.locate import ITEM_LABEL, NoticeParts, locate, starts_page
from tbkl_gen.audit.ooxml import W
from tbkl_gen.audit.reader import THEME_COLOR_SLOTS, Doc, Para, own_runs, read_document
from tbkl_gen.audit.report import STATUS_FAIL, STATUS_NOT_APPLICABLE, STATUS_PASS, STATUS_WARNING, RuleResult
from tbkl_gen.audit.styles import FONT_SLOTS, RunFormat, StyleSheet
from tbkl_gen.audit.text import cm_text, decimal, fold, is_upper, mm_text, norm, pt_text, pts_text, quoted, range_text
from tbkl_gen.nd30 import format as nd30
from tbkl_gen.nd30 import authority as signing
from tbkl_gen.nd30 import grammar
from tbkl_gen.nd30.document_types import SUMMARY_PREFIX
from tbkl_gen.nd30.units import TWIPS_PER_PT, twips_to_pt
from tbkl_gen.nd30.words import POINT_LETTERS

if TYPE_CHECKING:
    from docx.document import Document

_POINT_LABEL = re.compile(r"^([a-zđ]{1,2})\)\s")


def _check_bold(para: Para, want: bool) -> str | None:
    runs = para.visible_runs
    bold = [run for run in runs if run.format.bold]
    if want and len(bold) < len(runs):
        return "không in đậm" if not bold else "chỉ in đậm một phần"
    if not want and bold:
        return "in đậm, cần không đậm"
    return None


def _check_italic(para: Para, want: bool) -> str | None:
    runs = para.visible_runs
    italic = [run for run in runs if run.format.italic]
    if want and len(italic) < len(runs):
        plain = [run for run in runs if not run.format.italic]
        if italic:
            return "phần " + ", ".join(quoted(run.text, 20) for run in plain[:3]) + " không in nghiêng"
        return "không in nghiêng"
    if not want and italic:
        return "in nghiêng, cần chữ đứng"
    return None


def _check_sizes(para: Para, allowed: tuple[float, ...]) -> str | None:
    bad = sorted(s for s in para.sizes if s not in allowed)
    if bad:
        return f"cỡ {pts_text(para.sizes)} pt, cần {_allowed(allowed)} pt"
    return None


def _allowed(sizes: tuple[float, ...]) -> str:
    if len(sizes) == 2 and sizes[1] - sizes[0] == 1:
        return f"{pt_text(sizes[0])}–{pt_text(sizes[1])}"
    return " hoặc ".join(pt_text(s) for s in sizes)


def _check_centred(para: Para) -> str | None:
    if para.format.jc == "center" or para.format.frame_x_align == "center":
        return None
    names = {"left": "căn trái", "right": "căn phải", "both": "căn đều hai bên", "distribute": "dàn đều"}
    return f"{names.get(para.format.jc, para.format.jc)}, cần căn giữa"


def _check_upper(text: str) -> str | None:
    return None if is_upper(text) else "không viết hoa toàn bộ"


def _checks(para: Para, *problems: str | None, text: str | None = None) -> list[tuple[str, str]]:
    """Return one finding for a paragraph (or one visual line of it): where, and what is wrong."""
    found = [p for p in problems if p]
    return [(quoted(text if text is not None else para.text), " và ".join(found))] if found else []


def _findings(pairs: list[tuple[str, str]]) -> list[str]:
    """Return findings as text; the same problem on three or more lines is told once with a count."""
    places: dict[str, list[str]] = {}
    for where, problem in pairs:
        places.setdefault(problem, []).append(where)
    out = []
    for problem, wheres in places.items():
        if len(wheres) >= 3:
            out.append(f"{len(wheres)} dòng {problem} (ví dụ {wheres[0]}, {wheres[1]})")
        else:
            out.extend(f"{where}: {problem}" for where in wheres)
    return out


def _describe(para: Para) -> str:
    bold = "đậm" if para.all_runs("bold") else ("không đậm" if not para.any_run("bold") else "đậm một phần")
    italic = "nghiêng" if para.all_runs("italic") else ("đứng" if not para.any_run("italic") else "nghiêng một phần")
    align = {"center": "căn giữa", "both": "căn đều", "left": "căn trái", "right": "căn phải"}.get(para.format.jc, para.format.jc)
    return f"{bold}, {italic}, cỡ {pts_text(para.sizes)} pt, {align}"


def _result(problems: list[str], found: str, warnings: list[str] | None = None) -> tuple[str, str]:
    if problems:
        return STATUS_FAIL, "; ".join([*problems, *(warnings or [])])
    if warnings:
        return STATUS_WARNING, "; ".join(warnings)
    return STATUS_PASS, found


def _missing(what: str) -> tuple[str, str]:
    return STATUS_FAIL, f"không tìm thấy {what}"


def _rule_01_a4_portrait(n: NoticeParts) -> tuple[str, str]:
    section = n.doc.section
    width, height = section.page_width, section.page_height
    if width is None or height is None:
        return _missing("khổ giấy (w:pgSz)")
    found = f"{int(width)} × {int(height)} twip ({mm_text(width)} × {mm_text(height)} mm)"
    portrait = section.orient in (None, "portrait") and width < height
    short, long_ = sorted((width, height))
    is_a4 = abs(short - nd30.PAGE_WIDTH) <= nd30.PAGE_TOLERANCE and abs(long_ - nd30.PAGE_HEIGHT) <= nd30.PAGE_TOLERANCE
    problems = []
    if not is_a4:
        problems.append(f"khổ {found}, cần A4 {nd30.PAGE_WIDTH} × {nd30.PAGE_HEIGHT} twip (210 × 297 mm)")
    if not portrait:
        problems.append(f"trang nằm ngang ({found}), cần hướng dọc")
    return _result(problems, f"A4 dọc: {found}")


_MARGIN_NAMES = {"top": "lề trên", "bottom": "lề dưới", "left": "lề trái", "right": "lề phải"}


def _rule_02_margins(n: NoticeParts) -> tuple[str, str]:
    section = n.doc.section
    problems, found = [], []
    for side, name in _MARGIN_NAMES.items():
        (low, high), mm_range = nd30.MARGINS[side], nd30.MARGINS_MM[side]
        value = getattr(section, side)
        if value is None:
            problems.append(f"{name} không khai báo, cần {low}–{high} ({mm_range} mm)")
            continue
        if side == "left" and section.gutter:
            value += section.gutter
            name = "lề trái (kể cả gáy sách)"
        found.append(f"{name} {int(value)} twip ({mm_text(value)} mm)")
        if not low <= value <= high:
            problems.append(f"{name} {int(value)} twip ({mm_text(value)} mm), cần {low}–{high} ({mm_range} mm)")
    return _result(problems, "; ".join(found))


def _all_text_paras(doc: Doc) -> list[Para]:
    headers = list(doc.headers.get("default", []))
    if doc.section.title_page:
        headers += doc.headers.get("first", [])
    if doc.even_and_odd_headers:
        headers += doc.headers.get("even", [])
    return [*doc.body, *headers, *doc.other_stories]


def _font_name(doc: Doc, value: str) -> str:
    if value.startswith("@"):
        theme = value[1:]
        actual = doc.theme_fonts.get(theme)
        return f"phông chủ đề {theme}" + (f" ({actual})" if actual else "")
    return f"«{value}»"


def _effective_colour(doc: Doc, fmt: RunFormat) -> str:
    """Return the colour Word paints a run with, as RRGGBB or "AUTO"."""
    base = doc.theme_colors.get(THEME_COLOR_SLOTS.get(fmt.theme_color or "", fmt.theme_color or ""))
    if base is None or not re.fullmatch(r"[0-9A-F]{6}", base):
        return (fmt.color or "auto").upper()
    channels = [int(base[i : i + 2], 16) for i in (0, 2, 4)]
    if (shade := _hex_byte(fmt.theme_shade)) is not None:
        channels = [round(c * shade / 255) for c in channels]
    if (tint := _hex_byte(fmt.theme_tint)) is not None:
        channels = [round(255 - (255 - c) * tint / 255) for c in channels]
    return "".join(f"{c:02X}" for c in channels)


def _hex_byte(value: str | None) -> int | None:
    return int(value, 16) if value and re.fullmatch(r"[0-9A-Fa-f]{2}", value) else None


def _rule_03_font_colour_nfc(n: NoticeParts) -> tuple[str, str]:
    fonts: Counter[tuple[str, str]] = Counter()
    font_examples: dict[tuple[str, str], str] = {}
    colours: Counter[str] = Counter()
    not_nfc: list[str] = []
    total = 0
    for para in _all_text_paras(n.doc):
        for run in para.runs:
            if not run.visible:
                continue
            total += 1
            for slot, _ in FONT_SLOTS:
                # Word falls back to Times New Roman when no level names a font.
                value = run.format.fonts.get(slot, nd30.FONT)
                if value != nd30.FONT:
                    fonts[(slot, value)] += 1
                    font_examples.setdefault((slot, value), run.text)
            colour = _effective_colour(n.doc, run.format)
            if colour not in nd30.BLACK:
                colours[colour] += 1
            if unicodedata.normalize("NFC", run.raw) != run.raw:
                not_nfc.append(run.raw)
    problems = []
    for (slot, value), count in fonts.most_common():
        problems.append(
            f"vùng {slot} dùng {_font_name(n.doc, value)} ở {count} đoạn chạy, ví dụ {quoted(font_examples[(slot, value)], 30)}"
        )
    if fonts:
        problems.append(f"cần {nd30.FONT} cho cả 4 vùng ascii, hAnsi, eastAsia, cs")
    for colour, count in colours.most_common():
        problems.append(f"màu chữ {colour} ở {count} đoạn chạy, cần đen (auto hoặc 000000)")
    if not_nfc:
        problems.append(f"{len(not_nfc)} đoạn chạy không ở dạng Unicode dựng sẵn (NFC), ví dụ {quoted(not_nfc[0], 30)}")
    return _result(problems, f"{total} đoạn chạy: {nd30.FONT}, màu đen, Unicode NFC")


def _rule_04_national_name(n: NoticeParts) -> tuple[str, str]:
    para = n.national
    if para is None:
        return _missing(f"Quốc hiệu {quoted(nd30.NATIONAL_NAME)}")
    problems = _findings(_checks(para, _check_bold(para, True), _check_italic(para, False), _check_sizes(para, nd30.NATIONAL_NAME_SIZES)))
    return _result(problems, f"{quoted(para.text)}: {_describe(para)}")


def _rule_05_motto(n: NoticeParts) -> tuple[str, str]:
    para = n.motto
    if para is None:
        return _missing(f"Tiêu ngữ {quoted(nd30.MOTTO)}")
    problems = []
    if para.norm != nd30.MOTTO:
        if fold(para.norm) == fold(nd30.MOTTO) and re.sub(r"[–—]", "-", para.norm) == nd30.MOTTO:
            problems.append(f"{quoted(para.text)}: dùng dấu gạch ngang dài «–» thay cho dấu nối «-»")
        else:
            problems.append(f"{quoted(para.text)}: cần đúng {quoted(nd30.MOTTO)}")
    if n.national is not None and not _directly_after(n.doc, n.national, para):
        problems.append("Tiêu ngữ không nằm ngay dưới Quốc hiệu")
    problems += _findings(_checks(para, _check_bold(para, True), _check_sizes(para, nd30.MOTTO_SIZES)))
    line = check_line(n.doc, [para], own_length=True)
    problems += [f"đường kẻ dưới Tiêu ngữ: {p}" for p in line.length]
    return _result(
        problems, f"{quoted(para.text)}: {_describe(para)}; đường kẻ: {line.found}", [f"đường kẻ dưới Tiêu ngữ: {w}" for w in line.typed]
    )


def _directly_after(doc: Doc, first: Para, second: Para) -> bool:
    between = [p for p in doc.body if first.order < p.order < second.order and not p.empty]
    return not between and first.cell == second.cell


def _rule_06_issuer(n: NoticeParts) -> tuple[str, str]:
    if not n.issuer:
        return _missing("tên cơ quan ban hành")
    findings = []
    for para in n.issuer:
        findings += _checks(para, _check_upper(para.norm), _check_bold(para, True), _check_sizes(para, nd30.ISSUER_SIZES))
    for para in n.parent_lines:
        findings += _checks(para, _check_bold(para, False))
    problems = _findings(findings)
    names = " / ".join(p.norm for p in n.issuer)
    parent = (
        "dòng cơ quan chủ quản " + " / ".join(quoted(p.text) for p in n.parent_lines) + f" ({_describe(n.parent_lines[0])})"
        if n.parent_lines
        else "không có dòng cơ quan chủ quản"
    )
    return _result(problems, f"«{names}»: {_describe(n.issuer[-1])}; {parent}")


def _rule_07_number(n: NoticeParts) -> tuple[str, str]:
    para = n.number
    if para is None:
        return _missing("dòng «Số:»")
    text = norm(para.text.split("\n")[0])  # a Công văn's "V/v" may follow on the next line
    problems = []
    match = grammar.NUMBER_LINE.match(text)
    if match is None:
        problems.append(f"{quoted(text)}: không có dạng «Số: 05/{n.kind.document_type.symbol('UBND')}»")
    else:
        number, symbol = match.group("num"), match.group("sym")
        if number and not grammar.PRINTED_NUMBER_SHAPE.match(number):
            problems.append(f"số «{number}» sai dạng, cần 01–09 có số 0 đứng trước, từ 10 trở đi viết thường")
        if number and not match.group("sp1"):
            problems.append("thiếu khoảng trắng sau «Số:»")
        if number and match.group("sp2"):
            problems.append("có khoảng trắng trước «/»")
        kind = n.kind.document_type
        expected = kind.symbol(n.symbol_abbrev) if n.symbol_abbrev else None
        if expected is not None and symbol != expected:
            problems.append(f"ký hiệu «{symbol}», cần «{expected}»")
        elif expected is None and not grammar.symbol_shape(kind).match(symbol):
            shape = f"«{kind.code}-» và chữ viết tắt tên cơ quan" if kind.code else "chữ viết tắt tên cơ quan (và đơn vị soạn thảo)"
            problems.append(f"ký hiệu «{symbol}», cần {shape} viết hoa, không có dấu cách")
    problems += _findings(
        _checks(
            para,
            _check_sizes(para, nd30.NUMBER_SIZES),
            _check_bold(para, False),
            _check_italic(para, False),
            _check_centred(para),
        )
    )
    draft = " (dự thảo, để trống số)" if match and not match.group("num") else ""
    return _result(problems, f"{quoted(text)}{draft}: {_describe(para)}")


def _date_match(n: NoticeParts) -> re.Match[str] | None:
    return grammar.DATE_LINE.match(n.date.norm) if n.date is not None else None


def _rule_08_date_line(n: NoticeParts) -> tuple[str, str]:
    para = n.date
    if para is None:
        return _missing("dòng địa danh, ngày tháng năm")
    problems = []
    match = _date_match(n)
    blanks = []
    if match is None:
        problems.append(f"{quoted(para.text)}: không có dạng «<Địa danh>, ngày … tháng … năm …»")
    else:
        day, month = match.group("day"), match.group("month")
        if day is None:
            blanks.append("ngày")
        elif not 1 <= int(day) <= 31:
            problems.append(f"ngày «{day}» không hợp lệ")
        if month is None:
            blanks.append("tháng")
        elif not 1 <= int(month) <= 12:
            problems.append(f"tháng «{month}» không hợp lệ")
    problems += _findings(_checks(para, _check_italic(para, True), _check_bold(para, False), _check_sizes(para, nd30.DATE_SIZES)))
    number = n.number
    same_row = (
        number is not None
        and number.cell is not None
        and para.cell is not None
        and (number.cell.table, number.cell.row) == (para.cell.table, para.cell.row)
    )
    if number is not None and not same_row:
        problems.append("không cùng hàng bảng với dòng «Số:»")
    draft = f" (dự thảo, để trống {' và '.join(blanks)})" if blanks else ""
    return _result(problems, f"{quoted(para.text)}{draft}: {_describe(para)}, cùng hàng với dòng «Số:»")


def _rule_09_leading_zeros(n: NoticeParts) -> tuple[str, str]:
    match = _date_match(n)
    if match is None:
        return _missing("ngày tháng đúng dạng để kiểm tra số 0 đứng trước")
    day, month = match.group("day"), match.group("month")
    if day is None and month is None:
        # A draft leaves both blank for the clerk: nothing can lack or carry a zero yet.
        return STATUS_PASS, "ngày và tháng đều để trống (dự thảo), chưa có số nào để xét số 0"
    problems, found = [], []
    if day is not None:
        want = f"{int(day):02d}"
        found.append(f"ngày «{day}»")
        if day != want:
            problems.append(f"ngày «{day}», cần «{want}»")
    if month is not None:
        want = f"{int(month):02d}" if int(month) <= 2 else str(int(month))
        found.append(f"tháng «{month}»")
        if month != want:
            rule = "tháng 1, 2 có số 0 đứng trước" if int(month) <= 2 else "tháng 3–12 không có số 0"
            problems.append(f"tháng «{month}», cần «{want}» ({rule})")
    return _result(problems, ", ".join(found) + " đúng quy định")


def _rule_10_title_summary(n: NoticeParts) -> tuple[str, str]:
    title = n.title
    if n.kind.summary == "number":
        return _summary_under_number(n)
    name = n.kind.document_type.title
    if title is None:
        return _missing(f"tên loại «{name}»")
    findings = _checks(
        title,
        _check_upper(title.norm),
        _check_bold(title, True),
        _check_sizes(title, nd30.TITLE_SIZES),
        _check_centred(title),
    )
    if not n.summary and n.kind.summary_required:
        return _result([*_findings(findings), f"không tìm thấy trích yếu ngay dưới «{name}»"], "")
    if not n.summary:
        line = check_line(n.doc, [title], own_length=False)
        problems = _findings(findings) + [f"đường kẻ dưới tên loại: {p}" for p in line.length]
        return _result(problems, f"{n.kind.name}: «{name}»: {_describe(title)}, không có trích yếu; đường kẻ: {line.found}")
    for para in n.summary:
        findings += _checks(para, _check_bold(para, True), _check_sizes(para, nd30.TITLE_SIZES), _check_centred(para))
    problems = _findings(findings)
    summary_text = " ".join(p.norm for p in n.summary)
    if grammar.all_caps(summary_text):
        problems.append(f"trích yếu {quoted(summary_text)} viết hoa toàn bộ, cần chữ thường")
    line = check_line(n.doc, n.summary, own_length=False, typed=n.summary_typed_line)
    problems += [f"đường kẻ dưới trích yếu: {p}" for p in line.length]
    return _result(
        problems,
        f"{n.kind.name}: «{name}»: {_describe(title)}; trích yếu: {_describe(n.summary[0])}; đường kẻ: {line.found}",
        [f"đường kẻ dưới trích yếu: {w}" for w in line.typed],
    )


def _summary_under_number(n: NoticeParts) -> tuple[str, str]:
    """A kind with no title (Công văn): no type name, and the "V/v" summary under the number (ô 5b)."""
    if n.title is not None:
        return _result([f"{n.kind.name.lower()} không có tên loại, thấy {quoted(n.title.norm)}"], "")
    if not n.summary:
        return _missing(f"trích yếu «{SUMMARY_PREFIX} …» dưới số, ký hiệu")
    findings: list[tuple[str, str]] = []
    for para in n.summary:
        findings += _checks(
            para, _check_bold(para, False), _check_italic(para, False), _check_sizes(para, nd30.CV_SUMMARY_SIZES), _check_centred(para)
        )
    problems = _findings(findings)
    lines = [line for p in n.summary for line in p.text.split("\n")]
    if n.summary[0] is n.number:  # typed in the number's paragraph, after "Số: …" and a line break
        lines = lines[1:]
    summary_text = norm(" ".join(lines))
    if grammar.all_caps(summary_text.removeprefix(SUMMARY_PREFIX)):
        problems.append(f"trích yếu {quoted(summary_text)} viết hoa toàn bộ, cần chữ thường")
    return _result(problems, f"{n.kind.name}: không có tên loại; trích yếu dưới số: {quoted(summary_text)}, {_describe(n.summary[0])}")


def _body_text_paras(n: NoticeParts) -> list[Para]:
    """Return body paragraphs that follow the body-text format (centred part/chapter heads excluded).

    An appendix's text is body text too (the decree sets no other format for it); its heading,
    title and "(Kèm theo …)" line are held by rule 27, and a table's cells are not body paragraphs.
    """
    paras = [*n.body, *(p for appendix in n.appendices for p in _appendix_parts(appendix)[2])]
    return [p for p in paras if not (p.format.jc == "center" and re.match(r"^(Phần|Chương|Mục|Tiểu mục)\s", p.norm))]


def _appendix_parts(paras: list[Para]) -> tuple[list[Para], Para | None, list[Para]]:
    """Return an appendix's heading and title lines, its "(Kèm theo …)" line, and its body paragraphs.

    The body leaves out table cells, empty paragraphs and a typed line of underscores under the heading.
    """
    reference = next((p for p in paras[1:8] if grammar.APPENDIX_REFERENCE.match(p.norm)), None)
    if reference is None:
        heads = [paras[0]]
        rest = paras[1:]
    else:
        heads = [p for p in paras if p.order < reference.order and not p.empty]
        rest = [p for p in paras if p.order > reference.order]
    body = [p for p in rest if p.cell is None and not p.empty and not set(p.norm) <= set("_-–— ")]
    return heads, reference, body


def _rule_28_appendices(n: NoticeParts) -> tuple[str, str]:
    """Phụ lục I, III.1: heading on its own line, title, "(Kèm theo …)" line, each appendix on a new page."""
    if not n.appendices:
        return STATUS_NOT_APPLICABLE, "văn bản không có phụ lục"
    findings: list[tuple[str, str]] = []
    problems: list[str] = []
    found = []
    for appendix in n.appendices:
        heads, reference, _ = _appendix_parts(appendix)
        heading, titles = heads[0], heads[1:]
        match = grammar.APPENDIX_HEADING.match(heading.norm)
        number = match.group("number") if match else None
        case = None if heading.norm.startswith(nd30.APPENDIX_WORD) else f"cần chữ in thường «{nd30.APPENDIX_WORD} …»"
        roman = None
        if len(n.appendices) >= 2 and number is not None and number.isdigit():
            roman = "từ hai phụ lục trở lên cần đánh số bằng chữ số La Mã"
        findings += _checks(
            heading, case, roman, _check_bold(heading, True), _check_sizes(heading, nd30.APPENDIX_HEAD_SIZES), _check_centred(heading)
        )
        for title in titles:
            findings += _checks(
                title,
                _check_upper(title.norm),
                _check_bold(title, True),
                _check_sizes(title, nd30.APPENDIX_TITLE_SIZES),
                _check_centred(title),
            )
        if reference is None:
            problems.append(f"{quoted(heading.text)}: không có dòng «{nd30.APPENDIX_REFERENCE_OPEN} …)» dưới tên phụ lục")
        else:
            findings += _checks(
                reference, _check_italic(reference, True), _check_sizes(reference, nd30.APPENDIX_REFERENCE_SIZES), _check_centred(reference)
            )
        if not starts_page(n.doc.body, heading):
            problems.append(f"{quoted(heading.text)}: không bắt đầu ở trang mới")
        found.append(f"{quoted(heading.text)}: {_describe(heading)}" + (f"; dòng kèm theo: {_describe(reference)}" if reference else ""))
    return _result([*_findings(findings), *problems], "; ".join(found) + "; mỗi phụ lục bắt đầu ở trang mới")


def _grouped(problems: dict[str, list[Para]]) -> list[str]:
    out = []
    for problem, paras in problems.items():
        examples = ", ".join(quoted(p.text, 30) for p in paras[:2])
        out.append(f"{len(paras)} đoạn {problem} (ví dụ {examples})")
    return out


def _rule_11_body(n: NoticeParts) -> tuple[str, str]:
    paras = _body_text_paras(n)
    if not paras:
        return _missing("đoạn nội dung")
    problems: dict[str, list[Para]] = {}
    for para in paras:
        for problem in _body_problems(para):
            problems.setdefault(problem, []).append(para)
    return _result(
        _grouped(problems),
        f"{len(paras)} đoạn nội dung: căn đều, thụt đầu dòng, cỡ {range_text(nd30.BODY_SIZES)}, giãn dòng và cách đoạn đúng",
    )


_SIDES = {"left": "trái", "right": "phải", "center": "giữa"}
_INDENTS_TEXT = " hoặc ".join(f"{v} ({cm_text(v)} cm)" for v in nd30.FIRST_LINE_INDENTS)
"""The decree's first-line indents: "567 (1 cm) hoặc 720 (1,27 cm)"."""
_SPACING_TEXT = "–".join(decimal(v / nd30.SINGLE_LINE, 1).removesuffix(",0") for v in nd30.LINE_SPACING_AUTO)
"""The decree's line spacing in lines: "1–1,5"."""


def _body_problems(para: Para) -> list[str]:
    fmt = para.format
    out = []
    if fmt.jc != "both":
        out.append(f"căn {_SIDES.get(fmt.jc, fmt.jc)}, cần căn đều hai bên")
    slack = nd30.FIRST_LINE_INDENT_SLACK
    if not any(abs(fmt.first_line - v) <= slack for v in nd30.FIRST_LINE_INDENTS):
        allowed = " hoặc ".join(str(v) for v in nd30.FIRST_LINE_INDENTS)
        out.append(f"thụt đầu dòng {int(fmt.first_line)} twip ({mm_text(fmt.first_line)} mm), cần {allowed} (±{slack})")
    if size_problem := _check_sizes(para, nd30.BODY_SIZES):
        out.append(size_problem)
    line, rule = fmt.line, fmt.line_rule
    low, high = nd30.LINE_SPACING_AUTO
    if line is not None and rule == "auto" and not low <= line <= high:
        out.append(f"giãn dòng {decimal(line / nd30.SINGLE_LINE, 2)} dòng, cần {_SPACING_TEXT} dòng")
    if line is not None and rule in ("exact", "atLeast") and line < max(para.sizes) * TWIPS_PER_PT:
        out.append(f"giãn dòng cố định {pt_text(twips_to_pt(line))} pt, nhỏ hơn cỡ chữ")
    spacing = 0.0 if fmt.contextual else fmt.before + fmt.after
    if spacing < nd30.PARAGRAPH_SPACING_MIN:
        enough = fmt.before + fmt.after >= nd30.PARAGRAPH_SPACING_MIN
        detail = " (bỏ qua vì contextualSpacing)" if fmt.contextual and enough else ""
        out.append(
            f"cách đoạn trước + sau {pt_text(twips_to_pt(spacing))} pt{detail}, cần ≥ {pt_text(twips_to_pt(nd30.PARAGRAPH_SPACING_MIN))} pt"
        )
    return out


def _rule_12_point_letters(n: NoticeParts) -> tuple[str, str]:
    problems = []
    groups: list[list[str]] = []
    expected_index = 0
    for para in n.body:
        text = para.text.lstrip()
        if ITEM_LABEL.match(text):
            expected_index = 0
            continue
        match = _POINT_LABEL.match(text)
        if match is None:
            continue
        letter = match.group(1)
        if expected_index == 0:
            groups.append([])
        groups[-1].append(letter)
        want = POINT_LETTERS[expected_index] if expected_index < len(POINT_LETTERS) else None
        if letter != want:
            reason = " (không có trong bảng chữ cái tiếng Việt)" if letter in ("f", "j", "w", "z") else ""
            previous = f"sau «{groups[-1][-2]})»" if len(groups[-1]) > 1 else "điểm đầu tiên"
            problems.append(f"{previous} là «{letter})»{reason}, cần «{want})»")
        expected_index += 1
    if not groups:
        return STATUS_PASS, "nội dung không có điểm a), b), c)… nên không có thứ tự nào sai"
    found = "; ".join(f"{g[0]})–{g[-1]})" if len(g) > 1 else f"{g[0]})" for g in groups)
    return _result(problems, f"{len(groups)} nhóm điểm: {found}")


def _rule_13_end_mark(n: NoticeParts) -> tuple[str, str]:
    if not n.body:
        return _missing("đoạn nội dung")
    last = n.body[-1]
    text = last.norm
    ending = f"«…{text[-30:]}»" if len(text) > 30 else f"«{text}»"
    before = text.removesuffix(nd30.END_MARK).rstrip()[-1:]
    if text.endswith(nd30.END_MARK) and before in nd30.END_MARK_NOT_AFTER:
        return STATUS_FAIL, f"đoạn cuối {ending}: dấu kết thúc «{nd30.END_MARK}» đứng sau «{before}», cần sau dấu chấm của câu cuối"
    if text.endswith(nd30.END_MARK):
        return STATUS_PASS, f"đoạn cuối kết thúc bằng «{nd30.END_MARK}»: {ending}"
    return STATUS_FAIL, f"đoạn cuối {ending} không kết thúc bằng «{nd30.END_MARK}»"


def _stack_problems(n: NoticeParts) -> list[str]:
    """Return what the signature block's authority lines and title break, told by the decree's grammar."""
    paragraphs: list[list[str]] = []
    previous = None
    for text, para in n.authority:
        if para is not previous:
            paragraphs.append([])
            previous = para
        paragraphs[-1].append(text)
    lines, title = signing.read_printed(paragraphs)
    problems = []
    for breach in signing.breaches(lines, title):
        where = "" if breach.where is None else f"«{(lines + [title])[breach.where]}»: "
        problems.append(f"{where}{breach.message} ({breach.hint})")
    return problems


def _rule_14_authority(n: NoticeParts) -> tuple[str, str]:
    if not n.authority:
        return _missing("dòng quyền hạn, chức vụ người ký")
    lines = [text for text, _ in n.authority]
    problems = _stack_problems(n)
    findings = []
    for text, para in n.authority:
        checks = (
            _check_upper(text),
            _check_bold(para, True),
            _check_sizes(para, nd30.SIGNER_SIZES),
            _check_centred(para),
        )
        findings += _checks(para, *checks, text=text)
    problems += _findings(findings)
    return _result(problems, " / ".join(lines) + f": {_describe(n.authority[0][1])}")


def _rule_15_signer_name(n: NoticeParts) -> tuple[str, str]:
    para = n.signer
    if para is None:
        return _missing("họ tên người ký")
    text = para.norm
    problems = _findings(_checks(para, _check_bold(para, True), _check_sizes(para, nd30.SIGNER_SIZES), _check_centred(para)))
    if grammar.all_caps(text):
        problems.append(f"{quoted(text)}: viết hoa toàn bộ, cần chữ thường viết hoa chữ đầu")
    if prefix := grammar.academic_prefix(text):
        problems.append(f"{quoted(text)}: có học hàm, học vị «{prefix}» trước tên")
    return _result(problems, f"{quoted(text)}: {_describe(para)}")


def _rule_16_recipients_head(n: NoticeParts) -> tuple[str, str]:
    para = n.recipients_head
    if para is None:
        return _missing(f"«{nd30.RECIPIENTS_HEAD}»")
    problems = []
    if para.norm != nd30.RECIPIENTS_HEAD:
        problems.append(f"{quoted(para.text)}: cần đúng «{nd30.RECIPIENTS_HEAD}»")
    problems += _findings(_checks(para, _check_bold(para, True), _check_italic(para, True), _check_sizes(para, nd30.RECIPIENTS_HEAD_SIZES)))
    if para.cell is None:
        problems.append(f"«{nd30.RECIPIENTS_HEAD}» không nằm trong bảng cùng hàng với chữ ký")
    else:
        first = next((p for p in n.doc.body if p.cell == para.cell and not p.empty), None)
        if first is not para:
            problems.append(f"«{nd30.RECIPIENTS_HEAD}» không phải dòng đầu tiên của ô")
        authority = n.authority[0][1] if n.authority else None
        if (
            authority is None
            or authority.cell is None
            or (authority.cell.table, authority.cell.row)
            != (
                para.cell.table,
                para.cell.row,
            )
        ):
            problems.append(f"«{nd30.RECIPIENTS_HEAD}» không cùng hàng với dòng quyền hạn đầu tiên")
    return _result(problems, f"«{nd30.RECIPIENTS_HEAD}»: {_describe(para)}, dòng đầu ô trái, ngang dòng quyền hạn đầu tiên")


def _rule_17_recipient_lines(n: NoticeParts) -> tuple[str, str]:
    if not n.recipients:
        return _missing("danh sách nơi nhận")
    findings = []
    for index, (text, para) in enumerate(n.recipients):
        dash = None if text.startswith("- ") else "không bắt đầu bằng «- »"
        end = None if index == len(n.recipients) - 1 or text.endswith(";") else "không kết thúc bằng «;»"
        checks = (_check_sizes(para, nd30.RECIPIENT_SIZES), _check_bold(para, False), _check_italic(para, False), dash, end)
        findings += _checks(para, *checks, text=text)
    problems = list(dict.fromkeys(_findings(findings)))
    last = n.recipients[-1][0]
    if not last.startswith(nd30.ARCHIVE_PREFIX + "VT"):
        problems.append(f"dòng cuối {quoted(last)} không bắt đầu bằng «{nd30.ARCHIVE_PREFIX}VT»")
    if not last.endswith("."):
        problems.append(f"dòng cuối {quoted(last)} không kết thúc bằng «.»")
    problems = list(dict.fromkeys(problems))
    return _result(problems, f"{len(n.recipients)} dòng nơi nhận cỡ {range_text(nd30.RECIPIENT_SIZES)} pt, dòng cuối {quoted(last)}")


# A "Kính gửi" line set by indents rather than centred is taken as centred this close to the middle.
_ADDRESSEE_CENTRE_MM = 10.0


def _rule_27_addressees(n: NoticeParts) -> tuple[str, str]:
    head = n.addressee_head
    if head is None:
        return STATUS_NOT_APPLICABLE, f"không có dòng «Kính gửi» ({n.kind.name.lower()} gửi theo danh sách «Nơi nhận»)"
    match = grammar.ADDRESSEE_LINE.match(head.norm)
    problems = []
    word = nd30.ADDRESSEE_HEAD.rstrip(":")
    if match is None or not head.norm.startswith(word):
        problems.append(f"{quoted(head.text)}: cần viết «{word}» chữ thường")
    if match is not None and not re.match(r"^\S+\s+\S+\s*:", head.norm):
        problems.append(f"{quoted(head.text)}: thiếu dấu hai chấm sau «{word}»")
    paras = list({id(para): para for para in (head, *(para for _, para in n.addressees))}.values())
    findings = []
    for para in paras:
        findings += _checks(para, _check_bold(para, False), _check_italic(para, False), _check_sizes(para, nd30.ADDRESSEE_SIZES))
    lines = [text for text, _ in n.addressees]
    if not lines:
        problems.append(f"không có nơi nhận nào sau «{nd30.ADDRESSEE_HEAD}»")
    elif len(lines) == 1 and not lines[0].startswith(("-", "–")):
        if n.addressees[0][1] is head and head.cell is None:  # on the line of "Kính gửi:", not beside it in a table
            shift = off_centre_mm(n.doc, head)
            if _check_centred(head) and abs(shift) > _ADDRESSEE_CENTRE_MM:  # centred, or set in the middle by indents
                side = "trái" if shift < 0 else "phải"
                findings += _checks(head, f"{_check_centred(head)} (lệch sang {side} {decimal(abs(shift))} mm)")
        shown = f"một nơi nhận cùng dòng: {quoted(head.text)}"
    else:
        for index, (text, para) in enumerate(n.addressees):
            last = index == len(lines) - 1
            want = nd30.ADDRESSEE_LAST_END if last else nd30.ADDRESSEE_ITEM_END
            dash = None if text.startswith("- ") else "không bắt đầu bằng «- »"
            end = None if text.endswith(want) else f"không kết thúc bằng «{want}»"
            findings += _checks(para, dash, end, text=text)
        shown = f"{len(lines)} nơi nhận, mỗi nơi một dòng «- …», dòng cuối {quoted(lines[-1])}"
    problems = list(dict.fromkeys([*problems, *_findings(findings)]))
    return _result(problems, f"«{word}»: {_describe(head)}; {shown}" if lines else "")


@dataclass(frozen=True)
class _Field:
    para: Para
    instruction: str
    sizes: set[float]


def _page_fields(doc: Doc, kind: str) -> list[_Field]:
    """Return the PAGE fields (simple or complex) in the section's header of the given kind."""
    paras = doc.headers.get(kind, [])
    fields = []
    for para in paras:
        for simple in para.element.iter(W + "fldSimple"):
            instruction = simple.get(W + "instr", "")
            if re.match(r"^\s*PAGE\b", instruction):
                sizes = {run.format.size for run in para.runs if run.visible} or {para.mark.size}
                fields.append(_Field(para, instruction, sizes))
        fields.extend(_complex_page_fields(doc.sheet, para))
    return fields


def _complex_page_fields(sheet: StyleSheet, para: Para) -> list[_Field]:
    fields = []
    stack: list[dict[str, Any]] = []
    for run in own_runs(para.element):
        # Field code runs are not in para.runs (they carry no text), so resolve them here.
        fmt = sheet.run_format(run.find(W + "rPr"), para.format.style_id, para.table_style)
        for child in run:
            if child.tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    stack.append({"instr": "", "result": False, "sizes": set(), "first": fmt})
                elif kind == "separate" and stack:
                    stack[-1]["result"] = True
                elif kind == "end" and stack:
                    done = stack.pop()
                    if re.match(r"^\s*PAGE\b", done["instr"]):
                        sizes = done["sizes"] or {done["first"].size}
                        fields.append(_Field(para, done["instr"], sizes))
            elif child.tag == W + "instrText" and stack and not stack[-1]["result"]:
                stack[-1]["instr"] += child.text or ""
            elif child.tag == W + "t" and stack and stack[-1]["result"] and (child.text or "").strip():
                stack[-1]["sizes"].add(fmt.size)
    return fields


def _rule_18_page_numbers(n: NoticeParts) -> tuple[str, str]:
    doc = n.doc
    fields = _page_fields(doc, "default")
    problems = []
    if not fields:
        problems.append("đầu trang không có trường PAGE")
    for page in fields[:1]:
        if centre := _check_centred(page.para):
            problems.append(f"số trang {centre}")
        if any(s not in nd30.PAGE_NUMBER_SIZES for s in page.sizes):
            problems.append(f"số trang cỡ {pts_text(page.sizes)} pt, cần {range_text(nd30.PAGE_NUMBER_SIZES)} pt")
    if not doc.section.title_page:
        problems.append("không đặt «trang đầu khác» (w:titlePg), trang 1 sẽ có số trang")
    elif _page_fields(doc, "first"):
        problems.append("đầu trang của trang 1 có trường PAGE, trang 1 không được đánh số")
    found = f"trường PAGE ở đầu trang, căn giữa, cỡ {pts_text(fields[0].sizes)} pt; trang 1 không có số" if fields else ""
    return _result(problems, found)


def _rule_19_black(n: NoticeParts) -> tuple[str, str]:
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    total = 0
    for para in _all_text_paras(n.doc):
        for run in para.runs:
            if not run.visible:
                continue
            total += 1
            fmt = run.format
            if fmt.theme_color:
                key = f"màu chủ đề {fmt.theme_color} (w:themeColor)"
            elif (fmt.color or nd30.BLACK[0]).upper() not in nd30.BLACK:
                key = f"màu {fmt.color}"
            else:
                continue
            counts[key] += 1
            examples.setdefault(key, run.text)
    problems = [f"{key} ở {count} đoạn chạy, ví dụ {quoted(examples[key], 30)}" for key, count in counts.most_common()]
    if problems:
        problems.append("cần màu tự động hoặc 000000, không dùng màu chủ đề")
    return _result(problems, f"{total} đoạn chạy đều màu đen (auto/000000)")


def _rule_20_header_centred(n: NoticeParts) -> tuple[str, str]:
    parts = (
        ("Quốc hiệu", n.national),
        ("Tiêu ngữ", n.motto),
        ("dòng «Số:»", n.number),
        ("dòng địa danh, ngày tháng", n.date),
    )
    problems = []
    for name, para in parts:
        if para is None:
            problems.append(f"không tìm thấy {name}")
        elif centre := _check_centred(para):
            problems.append(f"{name} {quoted(para.text)}: {centre}")
    if n.national is not None and "HOÀ" in n.national.norm:
        problems.append(f"Quốc hiệu viết «HOÀ», cần «HÒA»: {quoted(n.national.text)}")
    return _result(problems, "Quốc hiệu, Tiêu ngữ, dòng «Số:», dòng ngày tháng đều căn giữa; Quốc hiệu viết «HÒA»")


def _rule_21_issuer_block(n: NoticeParts) -> tuple[str, str]:
    if not n.issuer:
        return _missing("tên cơ quan ban hành")
    findings = []
    for para in [*n.parent_lines, *n.issuer]:
        findings += _checks(
            para,
            _check_upper(para.norm),
            _check_sizes(para, nd30.ISSUER_SIZES),
            _check_centred(para),
            _check_italic(para, False),
            _check_bold(para, para not in n.parent_lines),
            _single_spacing_problem(para),
        )
    for para in n.header_block:
        findings += _checks(para, _single_spacing_problem(para))
    problems = _findings(findings)
    return _result(
        problems,
        f"{len(n.parent_lines) + len(n.issuer)} dòng tên cơ quan: {_describe(n.issuer[-1])}; "
        "giãn dòng đơn trong khối Quốc hiệu và khối tên cơ quan",
    )


def _single_spacing_problem(para: Para) -> str | None:
    line, rule = para.format.line, para.format.line_rule
    if line is None or (rule == "auto" and abs(line - nd30.SINGLE_LINE) < 1):
        return None
    if rule == "auto":
        return f"giãn dòng {decimal(line / 240, 2)} dòng, cần dòng đơn"
    return f"giãn dòng {'cố định' if rule == 'exact' else 'tối thiểu'} {pt_text(twips_to_pt(line))} pt, cần dòng đơn"


def _rule_22_first_line_indent(n: NoticeParts) -> tuple[str, str]:
    paras = _body_text_paras(n)
    if not paras:
        return _missing("đoạn nội dung")
    problems: dict[str, list[Para]] = {}
    values: Counter[int] = Counter()
    for para in paras:
        value = round(para.format.first_line)
        values[value] += 1
        if value not in nd30.FIRST_LINE_INDENTS:
            problems.setdefault(f"thụt đầu dòng {value} twip ({mm_text(value)} mm), cần đúng {_INDENTS_TEXT}", []).append(para)
    found = ", ".join(f"{v} twip × {c}" for v, c in sorted(values.items()))
    return _result(_grouped(problems), f"{len(paras)} đoạn: {found}")


def _rule_23_recipient_style(n: NoticeParts) -> tuple[str, str]:
    if not n.recipients:
        return _missing("danh sách nơi nhận")
    findings = []
    for text, para in n.recipients:
        findings += _checks(para, _check_italic(para, False), _check_bold(para, False), text=text)
    problems = list(dict.fromkeys(_findings(findings)))
    last = n.recipients[-1][0]
    if not grammar.PRINTED_ARCHIVE_LINE.match(last):
        problems.append(f"dòng cuối {quoted(last)}, cần dạng «{nd30.ARCHIVE_PREFIX}{grammar.ARCHIVE_FORM}.»")
    return _result(problems, f"các dòng nơi nhận chữ đứng, không đậm; dòng cuối {quoted(last)}")


def _rule_24_signer_plain(n: NoticeParts) -> tuple[str, str]:
    para = n.signer
    if para is None:
        return _missing("họ tên người ký")
    text = para.norm
    problems = _findings(_checks(para, _check_italic(para, False), _check_bold(para, True)))
    if prefix := grammar.academic_prefix(text):
        problems.append(f"{quoted(text)}: có học hàm, học vị «{prefix}» trước tên")
    return _result(problems, f"{quoted(text)}: {_describe(para)}, không có học hàm, học vị")


def _rule_25_page_number_format(n: NoticeParts) -> tuple[str, str]:
    fields = _page_fields(n.doc, "default")
    if not fields:
        return _missing("trường PAGE ở đầu trang")
    page = fields[0]
    problems = []
    if centre := _check_centred(page.para):
        problems.append(f"đoạn số trang {centre}")
    if any(s not in nd30.PAGE_NUMBER_SIZES for s in page.sizes):
        problems.append(f"số trang cỡ {pts_text(page.sizes)} pt, cần {range_text(nd30.PAGE_NUMBER_SIZES)} pt")
    switch = re.search(r"\\\*\s*(\w+)", page.instruction.replace("MERGEFORMAT", ""))
    if switch and switch.group(1).lower() in ("roman", "alphabetic", "ordtext", "cardtext", "ordinal", "hex"):
        problems.append(f"trường PAGE có định dạng «\\* {switch.group(1)}», cần chữ số Ả Rập")
    fmt = n.doc.section.page_number_format
    if fmt not in (None, "decimal"):
        problems.append(f"kiểu số trang «{fmt}», cần chữ số Ả Rập (decimal)")
    start = n.doc.section.page_number_start
    if start not in (None, "1"):
        problems.append(f"số trang bắt đầu từ {start}, cần bắt đầu từ 1")
    return _result(problems, f"số trang căn giữa, cỡ {pts_text(page.sizes)} pt, chữ số Ả Rập, bắt đầu từ 1")


def _rule_26_lines(n: NoticeParts) -> tuple[str, str]:
    blocks = [
        ("Tiêu ngữ", [n.motto] if n.motto else [], True),
        ("tên cơ quan", n.issuer, False),
    ]
    # The line under the title's block: under the summary, or under the name when there is no summary;
    # a summary under the number (Công văn) has none.
    if n.kind.summary == "title":
        blocks.append(
            ("trích yếu", n.summary, False) if n.summary or n.kind.summary_required else ("tên loại", [n.title] if n.title else [], False)
        )
    problems, found, warnings = [], [], []
    for name, block, own_length in blocks:
        if not block:
            problems.append(f"không tìm thấy {name}")
            continue
        line = check_line(n.doc, block, own_length=own_length, typed=n.summary_typed_line if block is n.summary else None)
        problems += [f"đường kẻ dưới {name}: {p}" for p in [*line.length, *line.placement]]
        warnings += [f"đường kẻ dưới {name}: {w}" for w in line.typed]
        found.append(f"dưới {name}: {line.found}")
    return _result(problems, "; ".join(found), warnings)


RULES: tuple[tuple[int, str, Callable[[NoticeParts], tuple[str, str]]], ...] = (
    (1, "Khổ giấy A4, hướng dọc", _rule_01_a4_portrait),
    (2, "Lề trang", _rule_02_margins),
    (3, f"Phông {nd30.FONT}, màu đen, Unicode NFC", _rule_03_font_colour_nfc),
    (4, "Quốc hiệu", _rule_04_national_name),
    (5, "Tiêu ngữ và đường kẻ dưới", _rule_05_motto),
    (6, "Tên cơ quan ban hành", _rule_06_issuer),
    (7, "Số, ký hiệu", _rule_07_number),
    (8, "Địa danh, ngày tháng năm", _rule_08_date_line),
    (9, "Số 0 đứng trước ngày, tháng", _rule_09_leading_zeros),
    (10, "Tên loại và trích yếu", _rule_10_title_summary),
    (11, "Đoạn nội dung", _rule_11_body),
    (12, "Thứ tự điểm a), b), c)…", _rule_12_point_letters),
    (13, f"Dấu kết thúc «{nd30.END_MARK}»", _rule_13_end_mark),
    (14, "Quyền hạn, chức vụ người ký", _rule_14_authority),
    (15, "Họ tên người ký", _rule_15_signer_name),
    (16, f"Dòng «{nd30.RECIPIENTS_HEAD}»", _rule_16_recipients_head),
    (17, "Danh sách nơi nhận", _rule_17_recipient_lines),
    (18, "Đánh số trang", _rule_18_page_numbers),
    (19, "Màu chữ đen", _rule_19_black),
    (20, "Căn giữa phần đầu, chính tả «HÒA»", _rule_20_header_centred),
    (21, "Khối tên cơ quan: chữ hoa, cỡ chữ, giãn dòng đơn", _rule_21_issuer_block),
    (22, "Thụt đầu dòng đúng 1 cm hoặc 1,27 cm", _rule_22_first_line_indent),
    (23, f"{nd30.RECIPIENTS_HEAD} chữ đứng, dòng «Lưu»", _rule_23_recipient_style),
    (24, "Họ tên người ký: chữ đứng, đậm, không học hàm", _rule_24_signer_plain),
    (25, "Số trang: căn giữa, cỡ chữ, chữ số Ả Rập từ 1", _rule_25_page_number_format),
    (26, "Các đường kẻ ngang", _rule_26_lines),
    (27, "Dòng «Kính gửi»", _rule_27_addressees),
    (28, f"{nd30.APPENDIX_WORD}: tiêu đề, dòng «{nd30.APPENDIX_REFERENCE_OPEN.lstrip('(')}», trang mới", _rule_28_appendices),
)


RULE_TITLES: dict[int, str] = {number: title for number, title, _ in RULES}


def check_document(document: Document, symbol_abbrev: str | None) -> list[RuleResult]:
    """Check every rule on an opened document; an odd but readable file gets a report, never a crash."""
    # The detail keeps the exception so that a bug in the audit still shows what went wrong.
    try:
        notice = locate(read_document(document), symbol_abbrev)
    except Exception as error:  # noqa: BLE001
        detail = f"không đọc được cấu trúc văn bản: {type(error).__name__}: {error}"
        return [RuleResult(number, title, STATUS_FAIL, detail) for number, title, _ in RULES]
    results = []
    for number, title, check in RULES:
        try:
            status, detail = check(notice)
        except Exception as error:  # noqa: BLE001
            status, detail = STATUS_FAIL, f"không kiểm tra được: {type(error).__name__}: {error}"
        results.append(RuleResult(number, title, status, detail))
    return results
