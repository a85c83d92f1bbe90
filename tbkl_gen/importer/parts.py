"""A Word notice as source data: the audit's locator finds the parts, this module reads them.

Header (parent line, issuing body, number and symbol, place and date, urgency), title and summary
(a line typed under it with "_" left out and reported), "Kính gửi" and its addressees, body (`labels`), recipients and the archive line, authority lines, title and name of the signer.
Whatever text the file holds outside those parts (a stray table, a text box, a comment, a
deleted change, a header line) is reported with its place, never dropped in silence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from tbkl_gen.audit.locate import SUMMARY_UNDER_NUMBER, NoticeParts, locate
from tbkl_gen.errors import shortened
from tbkl_gen.audit.ooxml import W, WP
from tbkl_gen.audit.reader import Doc, Para, read_document, related_root
from tbkl_gen.audit.styles import StyleSheet
from tbkl_gen.audit.text import fold, is_upper, norm
from tbkl_gen.importer.inline import Char, all_bold, cleaned, element_chars, paragraph_chars, plain, single_spaced, to_markup
from tbkl_gen.importer.labels import BodyPara, TableItem, build_body, headings_as_typed
from tbkl_gen.importer.tables import cell_of, read_table, table_of
from tbkl_gen.importer.report import CORRECTION, WARNING, FileReport
from tbkl_gen.nd30 import grammar
from tbkl_gen.nd30.authority import PRINTED_LINE as PRINTED_AUTHORITY_LINE
from tbkl_gen.nd30 import words as vn
from tbkl_gen.nd30.format import APPENDIX_REFERENCE_OPEN, ARCHIVE_PREFIX, END_MARK, NATIONAL_NAME
from tbkl_gen.nd30.document_types import SUMMARY_PREFIX
from tbkl_gen.notice.kind import bare_summary
from tbkl_gen.notice.kinds import DEFAULT, KINDS
from tbkl_gen.notice.model import URGENCY_LEVELS

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_NUMBER = re.compile(r"^Số\s*:\s*(?P<num>[^/]*?)\s*/\s*(?P<sym>\S.*?)\s*$")
_DATE = re.compile(
    "^(?P<place>" + grammar.PLACE + r"?)\s*,\s*ngày\s*(?P<day>\d{1,2})?\s*tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})\s*\.?$",
    re.IGNORECASE,
)
_MEETING = re.compile(
    r"^(?:Ngày|Vào ngày|Sáng ngày|Chiều ngày|Sáng|Chiều|Hôm nay,? ngày)\s+"
    r"(?:(?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>\d{4})|(?P<d2>\d{1,2}) tháng (?P<m2>\d{1,2}) năm (?P<y2>\d{4}))",
    re.IGNORECASE,
)
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}pic"
_TEXTBOX = W + "txbxContent"


def where(para: Para, number: int, *, in_table: bool = True) -> str:
    """Return where a paragraph is, as a drafter finds it in Word; number counts paragraphs from 1."""
    if para.cell is not None and in_table:
        return f"bảng {para.cell.table + 1}, hàng {para.cell.row + 1}, cột {para.cell.col + 1}"
    if para.story != "body":
        return {"footnote": "chú thích", "endnote": "chú thích cuối", "header": "đầu trang", "footer": "chân trang"}.get(
            para.story, para.story
        )
    return f"đoạn {number}"


def read_notice(document: DocxDocument, report: FileReport) -> tuple[dict[str, Any], Doc, NoticeParts]:
    """Return the source data of a Word notice; corrections and warnings go to the report."""
    tails = _split_title(document, report)
    doc = read_document(document)
    symbol = _symbol_abbreviation(doc)
    parts = locate(doc, symbol)
    reader = _Reader(document, doc, parts, report, tails)
    return reader.data(), doc, parts


def _split_title(document: DocxDocument, report: FileReport) -> set[etree._Element]:
    """Split a heading typed with the next line in one paragraph (a line break between) into two.

    "THÔNG BÁO" then the summary, or the national name then the motto: the locator finds each as
    a paragraph of its own. The split is made on the document in memory, never on the file.
    """
    tails: set[etree._Element] = set()
    body = document.element.find(W + "body")
    if body is None:
        return tails
    headings = {
        fold(kind.document_type.title): f"«{kind.document_type.title}» và trích yếu" for kind in KINDS.values() if kind.document_type.title
    }
    headings[fold(NATIONAL_NAME)] = "Quốc hiệu và Tiêu ngữ"
    for index, para in enumerate(list(body.iter(W + "p"))[:60]):
        breaks = [b for b in para.iter(W + "br") if b.get(W + "type") in (None, "textWrapping")]
        if not breaks:
            continue
        first = breaks[0]
        typed = "".join(t.text or "" for t in para.iter(W + "t") if _precedes(t, first))
        before = fold(typed)
        if before not in headings and re.match(r"^\s*Số\s*:", typed):
            after = "".join(t.text or "" for t in para.iter(W + "t") if not _precedes(t, first))
            if SUMMARY_UNDER_NUMBER.match(after.strip()):  # a Công văn's "V/v …" typed under "Số:" after a line break
                headings[before] = f"«Số:» và trích yếu «{SUMMARY_PREFIX} …»"
        run = first.getparent()
        if before not in headings or run is None or run.tag != W + "r" or run.getparent() is not para:
            continue
        tail = etree.Element(W + "p")
        para.addnext(tail)
        tails.add(tail)
        props = para.find(W + "pPr")
        if props is not None:
            tail.append(etree.fromstring(etree.tostring(props)))
        split_run = etree.SubElement(tail, W + "r")
        run_props = run.find(W + "rPr")
        if run_props is not None:
            split_run.append(etree.fromstring(etree.tostring(run_props)))
        for child in list(first.itersiblings()):
            split_run.append(child)
        run.remove(first)
        for sibling in list(run.itersiblings()):
            tail.append(sibling)
        report.add(CORRECTION, f"đoạn {index + 1}", f"{headings[before]} chung một đoạn: tách thành hai dòng")
    return tails


def _precedes(element: etree._Element, mark: etree._Element) -> bool:
    """Return whether element comes before mark in document order."""
    for node in mark.itersiblings(preceding=True):
        if node is element or element in node.iter():
            return True
    parent = mark.getparent()
    while parent is not None:
        for node in parent.itersiblings(preceding=True):
            if node is element or element in node.iter():
                return True
        parent = parent.getparent()
    return False


def _symbol_abbreviation(doc: Doc) -> str | None:
    """Return the issuer's abbreviation after a kind's type code ("UBND" of "TB-UBND"), or None."""
    codes = {kind.document_type.code for kind in KINDS.values() if kind.document_type.code}
    for para in doc.body[:40]:
        match = _NUMBER.match(para.norm)
        if match and "-" in match.group("sym"):
            code, rest = match.group("sym").split("-", 1)
            return rest if code.strip() in codes else None
    return None


class _Reader:
    def __init__(self, document: DocxDocument, doc: Doc, parts: NoticeParts, report: FileReport, tails: set[etree._Element]) -> None:
        self.document = document
        self.doc = doc
        self.parts = parts
        self.report = report
        self.used: set[int] = set()
        # Paragraphs split off in memory are numbered as the paragraph of the file they came from.
        self._tail_orders = [p.order for p in doc.body if p.element in tails]
        self._abbrev: str | None = None
        self.headings_as_typed = False
        self.notes = self._notes()
        for para in doc.body:
            if para.norm:
                place = self.where(para)
                report.texts[place] = f"{report.texts[place]} {para.norm}" if place in report.texts else para.norm

    def where(self, para: Para, *, in_table: bool = True) -> str:
        """Return where a paragraph is in the file as the drafter has it (before any split)."""
        return where(para, para.order + 1 - bisect.bisect_right(self._tail_orders, para.order), in_table=in_table)

    def use(self, *paras: Para | None) -> None:
        self.used.update(id(p) for p in paras if p is not None)

    def data(self) -> dict[str, Any]:
        parts = self.parts
        data: dict[str, Any] = {} if parts.kind is DEFAULT else {"loai": parts.kind.key}
        data["phien_ban"] = 1
        data["co_quan"] = self._issuer()
        number, symbol = self._number()
        data["co_quan"]["viet_tat"] = self._abbrev or ""
        data["so"] = number
        if symbol is not None:
            data["ky_hieu"] = symbol
        data.update(self._date())
        urgency = self._urgency()
        if urgency:
            data["do_khan"] = urgency
        self.use(parts.national, parts.motto, parts.title)
        name = parts.kind.document_type.title
        if parts.title is not None and parts.title.norm != name:
            self.report.add(CORRECTION, self.where(parts.title), f"tên loại «{parts.title.norm}» in thành «{name}»")
        summary = self._summary()
        if summary or parts.kind.summary_required:
            data["trich_yeu"] = summary
        self._typed_line()
        addressees = self._addressees()
        if addressees:
            data["kinh_gui"] = addressees[0] if len(addressees) == 1 else addressees
        data["noi_dung"] = self._body()
        appendices = self._appendices(data)
        if appendices:
            data["phu_luc"] = appendices
        if self.headings_as_typed:
            data["muc_in_hoa"] = False
        meeting = self._meeting(data) if "ngay_hop" in parts.kind.all_keys() else None
        if meeting is not None:
            data = _insert_after(data, "ngay", "ngay_hop", meeting)
        data["noi_nhan"], archive = self._recipients()
        data.update(archive)
        data["nguoi_ky"] = self._signer()
        self._leftovers()
        return data

    # --- header ---------------------------------------------------------------------------------

    def _issuer(self) -> dict[str, Any]:
        parts = self.parts
        self.use(*parts.parent_lines, *parts.issuer)
        co_quan: dict[str, Any] = {}
        if parts.parent_lines:
            co_quan["chu_quan"] = " ".join(_lines_of(parts.parent_lines))
        names = _lines_of(parts.issuer)
        if not names:
            self.report.add(WARNING, "phần đầu", "không tìm thấy tên cơ quan ban hành")
        co_quan["ten"] = names
        co_quan["viet_tat"] = ""
        return co_quan

    def _number(self) -> tuple[str | None, str | None]:
        para = self.parts.number
        co_quan_abbrev = None
        number: str | None = None
        symbol: str | None = None
        if para is None:
            self.report.add(WARNING, "phần đầu", f"không tìm thấy dòng «Số: …/{self.parts.kind.document_type.symbol('…')}»")
        else:
            self.use(para)
            match = _NUMBER.match(para.norm)
            if match is None:
                self.report.add(WARNING, self.where(para), f"không đọc được số và ký hiệu trong «{para.norm}»")
            else:
                typed = match.group("num").strip()
                number = typed or None
                symbol = re.sub(r"\s*-\s*", "-", match.group("sym"))
                if symbol != match.group("sym"):
                    self.report.add(CORRECTION, self.where(para), f"ký hiệu «{match.group('sym')}» viết liền thành «{symbol}»")
        code = self.parts.kind.document_type.code
        if symbol is not None and code and symbol.startswith(f"{code}-") and len(symbol) > len(code) + 1:
            co_quan_abbrev = symbol[len(code) + 1 :]
            symbol = None
        elif symbol is not None and not code:
            # A Công văn's symbol is the issuer, then the drafting unit: "UBND-KGVX", or "BCĐ" alone.
            co_quan_abbrev = symbol.split("-")[0]
            symbol = None if symbol == co_quan_abbrev else symbol
        elif symbol is not None:
            co_quan_abbrev = symbol.split("-")[-1]
        self._abbrev = co_quan_abbrev
        return number, symbol

    def _date(self) -> dict[str, Any]:
        para = self.parts.date
        if para is None:
            self.report.add(WARNING, "phần đầu", "không tìm thấy dòng địa danh, ngày tháng năm")
            return {"dia_danh": "", "ngay": None}
        self.use(para)
        match = _DATE.match(para.norm)
        if match is None:
            self.report.add(WARNING, self.where(para), f"không đọc được địa danh, ngày tháng trong «{para.norm}»")
            return {"dia_danh": "", "ngay": None}
        year = int(match.group("year"))
        month = int(match.group("month")) if match.group("month") else None
        day = int(match.group("day")) if match.group("day") else None
        date: Any = year
        if month is not None and day is not None:
            try:
                date = dt.date(year, month, day)
            except ValueError:
                self.report.add(WARNING, self.where(para), f"ngày {day}/{month}/{year} không có thật; chỉ giữ năm")
        elif month is not None:
            date = f"{year}-{month:02d}"
        elif day is not None:
            self.report.add(WARNING, self.where(para), "có ngày mà không có tháng; chỉ giữ năm")
        printed_month = match.group("month")
        if printed_month and month is not None and printed_month != vn.month_text(month):
            self.report.add(CORRECTION, self.where(para), f"tháng «{printed_month}» in lại thành «{vn.month_text(month)}»")
        printed_day = match.group("day")
        if printed_day and day is not None and printed_day != f"{day:02d}":
            self.report.add(CORRECTION, self.where(para), f"ngày «{printed_day}» in lại thành «{day:02d}»")
        return {"dia_danh": match.group("place").strip(), "ngay": date}

    def _urgency(self) -> str | None:
        title = self.parts.title
        head = self.doc.body[: title.order] if title is not None else self.doc.body[:20]
        levels = {fold(level): level for level in URGENCY_LEVELS}
        for para in head:
            if fold(para.text) in levels:
                self.use(para)
                return levels[fold(para.text)]
        return None

    def _summary(self) -> str:
        """Return the summary; lines the drafter broke it into are kept, as a literal block's text.

        A line break inside the summary (Shift+Enter, `<w:br/>`) and a new paragraph are both
        a break the drafter typed: Word wraps a line by itself, so either is a chosen place to
        end a line. Each becomes a line of `trich_yeu: |` ("…\n…\n"); the printed summary is one
        paragraph broken at the same places. A summary of one line stays a plain string.
        """
        parts = self.parts
        name = parts.kind.document_type.title
        if parts.title is None and name:
            self.report.add(WARNING, "phần đầu", f"không tìm thấy tên loại «{name}»")
        self.use(*parts.summary)
        if not parts.summary:
            if parts.kind.summary_required:
                where_ = f"dưới «{name}»" if name else "dưới số, ký hiệu"
                self.report.add(WARNING, "phần đầu", f"không tìm thấy trích yếu {where_}")
            return ""
        at = self.where(parts.summary[0])
        typed: list[list[Char]] = []
        for para in parts.summary:
            line: list[Char] = []
            typed.append(line)
            for char in paragraph_chars(para, self.doc.sheet, self.notes, apply_caps=False):
                if char.ch == "\n":
                    line = []
                    typed.append(line)
                elif char.note is not None:
                    self.report.add(WARNING, at, f"chú thích trong trích yếu không đưa vào nguồn: «{char.note}»")
                else:
                    line.append(char)
        if any(para.text != _typed_text(para, self.doc.sheet) for para in parts.summary):
            self.report.add(CORRECTION, at, "trích yếu định dạng chữ in hoa (All Caps): giữ chữ thường như đã gõ")
        if parts.summary_typed_line is parts.summary[-1] and typed and grammar.typed_rule(plain(typed[-1])):
            typed.pop()  # "_____" typed under the summary after a line break: its line, left out (see _typed_line)
        lines: list[str] = []
        spaces = 0
        for chars in typed:
            # tbkl check asks for one space between words: runs of spaces become one space.
            chars, runs = single_spaced(cleaned(chars))
            spaces += runs
            if chars:
                lines.append(plain(chars))
        if spaces:
            self.report.add(CORRECTION, at, f"{spaces} chỗ nhiều dấu cách liền nhau gộp thành một")
        if len(parts.summary) > 1:
            self.report.add(
                CORRECTION, at, f"trích yếu gõ thành {len(parts.summary)} đoạn: in thành một đoạn, xuống dòng đúng chỗ như bản gốc"
            )
        if lines and parts.kind.summary == "number":
            bare = bare_summary(lines[0])  # "V/v" is printed by the layout
            prefix = lines[0][: len(lines[0]) - len(bare)].strip()
            if prefix and prefix != SUMMARY_PREFIX:
                self.report.add(CORRECTION, at, f"«{prefix}» trước trích yếu in thành «{SUMMARY_PREFIX}»")
            lines[0] = bare
            lines = [line for line in lines if line]
        # The summary prints bold by the template: emphasis inside it is not kept.
        return "\n".join(lines) + "\n" if len(lines) > 1 else "".join(lines)

    def _typed_line(self) -> None:
        """Leave out the lines typed with "_" or "-" under the summary and in the heading: the template draws them."""
        for para in self.parts.typed_lines:
            self.use(para)
            self.report.add(
                CORRECTION, self.where(para), f"đường kẻ gõ bằng ký tự «{shortened(para.norm, 19)}» ở phần đầu: bỏ, mẫu tự vẽ đường kẻ"
            )
        under = self.parts.summary_typed_line
        if under is not None:
            self.use(under)
            typed = norm(under.text.split("\n")[-1])
            self.report.add(
                CORRECTION, self.where(under), f"đường kẻ gõ bằng ký tự «{shortened(typed, 19)}» dưới trích yếu: bỏ, mẫu tự vẽ đường kẻ"
            )

    def _addressees(self) -> list[str]:
        """Return the addressees of "Kính gửi" (ô 9a), without the head, dashes and end marks the layout adds."""
        parts = self.parts
        if parts.addressee_head is None:
            return []
        self.use(parts.addressee_head, *(para for _, para in parts.addressees))
        at = self.where(parts.addressee_head)
        out = []
        for line, _ in parts.addressees:
            name = grammar.addressee(line)
            if name:
                out.append(name)
        if not out:
            self.report.add(WARNING, at, "dòng «Kính gửi» không có nơi nhận nào")
            return out
        # Where the lines break may differ ("Kính gửi: - A;" on one line): only a change of text is told.
        paras = {id(p): p for p in (parts.addressee_head, *(p for _, p in parts.addressees))}.values()
        shown = " ".join(line for para in paras for line in _lines_of([para]))
        printed = grammar.addressee_lines(tuple(out))
        if norm(shown) != " ".join(printed):
            self.report.add(CORRECTION, at, f"dòng «Kính gửi» in lại theo Nghị định 30: «{' / '.join(printed)}»")
        return out

    def _spaced(self, chars: list[Char], at: str) -> list[Char]:
        # tbkl check asks for one space between words; runs of spaces typed to push text right
        # or left by a joined line become one space.
        chars, runs = single_spaced(chars)
        if runs:
            self.report.add(CORRECTION, at, f"{runs} chỗ nhiều dấu cách liền nhau gộp thành một")
        return chars

    # --- body -----------------------------------------------------------------------------------

    def _body(self) -> list[Any]:
        items = self._items(self._body_paras())
        paras = [item for item in items if isinstance(item, BodyPara)]
        if not paras:
            self.report.add(WARNING, "nội dung", "không tìm thấy đoạn nội dung nào")
            return []
        body = build_body(items, self.report, heading_colon=self.parts.kind.heading_colon)
        self.headings_as_typed = headings_as_typed(paras, self.report)
        last = paras[-1]
        if not plain(last.chars).rstrip().endswith(END_MARK):
            self.report.add(CORRECTION, last.where, f"thêm dấu kết thúc «{END_MARK}» vào cuối đoạn cuối")
        return body

    def _items(self, paras: list[Para]) -> list[BodyPara | TableItem]:
        """Return paragraphs as body paragraphs, and the paragraphs of a table as one table."""
        items: list[BodyPara | TableItem] = []
        seen: set[int] = set()
        for para in paras:
            if para.cell is not None:
                if para.cell.table in seen:
                    continue
                seen.add(para.cell.table)
                table = self._table(para)
                if table is not None:
                    items.append(table)
                continue
            self.use(para)
            chars = self._spaced(cleaned(paragraph_chars(para, self.doc.sheet, self.notes)), self.where(para))
            if chars:
                items.append(BodyPara(self.where(para), chars, para.format.style_id))
        return items

    def _table(self, para: Para) -> TableItem | None:
        """Read the table holding para (its paragraphs all marked used) as a `bang`."""
        table = table_of(para.element)
        if table is None or para.cell is None:
            return None
        index = para.cell.table
        members = [p for p in self.doc.body if p.cell is not None and p.cell.table == index]
        by_cell: dict[Any, list[Para]] = {}
        for member in members:
            self.use(member)
            by_cell.setdefault(cell_of(member.element), []).append(member)

        def text_of(tc: Any) -> tuple[str, bool]:
            texts, bold = [], True
            for member in by_cell.get(tc, []):
                chars = self._spaced(cleaned(paragraph_chars(member, self.doc.sheet, self.notes)), self.where(member))
                if not chars:
                    continue
                bold = bold and all_bold(chars)
                texts.append(to_markup(chars, base_bold=all_bold(chars))[0])
            return " ".join(texts), bold and bool(texts)

        where = f"bảng {index + 1} ({self.where(members[0], in_table=False)})"
        data = read_table(table, text_of)
        self.report.add(CORRECTION, where, f"bảng {len(data['bang'])} hàng đọc thành khối bảng (bang)")
        return TableItem(where, data)

    def _body_paras(self) -> list[Para]:
        """Return the body's paragraphs, those that hold only a footnote reference included."""
        parts = self.parts
        if not parts.body:
            return []
        start = parts.body[0].order
        heads = [parts.summary[-1] if parts.summary else parts.title]
        if heads[0] is not None:
            start = min(start, heads[0].order + 1)
        ends = [p.order for p in (parts.recipients_head, *(q for _, q in parts.authority)) if p is not None and p.order > start]
        end = min(ends, default=len(self.doc.body))
        end = max(end, parts.body[-1].order + 1)
        if parts.appendices:
            end = min(end, parts.appendices[0][0].order)
        chosen = {id(p) for p in parts.body}
        taken = parts.layout_tables()
        out = []
        for para in self.doc.body[start:end]:
            if id(para) in self.used:
                continue
            if id(para) in chosen or (para.cell is None and next(para.element.iter(W + "footnoteReference"), None) is not None):
                out.append(para)
            elif para.cell is not None and para.cell.table not in taken and not para.empty:
                out.append(para)  # a table of the body
        return out

    # --- appendices -------------------------------------------------------------------------------

    def _appendices(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Return the appendices after the notice as `phu_luc`: title, and body with tables."""
        out = []
        for paras in self.parts.appendices:
            heading = paras[0]
            self.use(heading)
            match = grammar.APPENDIX_HEADING.match(heading.norm)
            title_lines = [match.group("title").strip()] if match and match.group("title") else []
            reference = next((i for i, p in enumerate(paras[1:8], start=1) if grammar.APPENDIX_REFERENCE.match(p.norm)), None)
            index = 1
            # The title: the lines up to the "(Kèm theo …)" line, or without one, the centred lines in capitals.
            while index < len(paras) and index != reference and paras[index].cell is None:
                para = paras[index]
                if reference is None and not para.empty and not (is_upper(para.norm) and para.format.jc == "center"):
                    break
                if not para.empty:
                    title_lines.append(para.norm)
                self.use(para)
                index += 1
            if index < len(paras) and grammar.APPENDIX_REFERENCE.match(paras[index].norm):
                self._reference(paras[index], data)
                self.use(paras[index])
                index += 1
            rest = [p for p in paras[index:] if not (p.cell is None and set(p.norm) <= set("_-–— "))]
            for p in paras[index:]:
                if p not in rest:
                    self.use(p)
            items = self._items(rest)
            appendix: dict[str, Any] = {}
            if title_lines:
                appendix["ten"] = " ".join(title_lines)
            appendix["noi_dung"] = build_body(items, self.report, heading_colon=self.parts.kind.heading_colon) or [""]
            out.append(appendix)
            self.report.add(
                CORRECTION,
                self.where(heading),
                f"«{shortened(heading.norm, 59)}» đọc thành phụ lục thứ {len(out)} ({len(items)} đoạn và bảng); số phụ lục và dòng «{APPENDIX_REFERENCE_OPEN} …)» "
                "do công cụ tính",
            )
        return out

    def _reference(self, para: Para, data: dict[str, Any]) -> None:
        """Read the issuer's name in normal case from "(Kèm theo … của Sở …)" into co_quan.ten_goi."""
        match = re.search(r"\bcủa\s+(?P<issuer>[^()]+?)\s*\)\s*$", para.norm)
        if match and "ten_goi" not in data["co_quan"]:
            data["co_quan"]["ten_goi"] = match.group("issuer")

    def _meeting(self, data: dict[str, Any]) -> dt.date | None:
        for block in data["noi_dung"][:3]:
            if not isinstance(block, str):
                continue
            match = _MEETING.match(block)
            if match is None:
                continue
            day, month, year = (match.group(k + "1") or match.group(k + "2") for k in ("d", "m", "y"))
            try:
                meeting = dt.date(int(year), int(month), int(day))
            except ValueError:
                return None
            issued = data.get("ngay")
            if isinstance(issued, dt.date) and meeting > issued:
                return None
            return meeting
        return None

    # --- closing --------------------------------------------------------------------------------

    def _recipients(self) -> tuple[list[str], dict[str, str]]:
        parts = self.parts
        self.use(parts.recipients_head)
        recipients: list[str] = []
        archive: str | None = None
        archive_where = "nơi nhận"
        extra: list[str] = []
        for line, para in parts.recipients:
            self.use(para)
            if archive is None and fold(line).lstrip("-").startswith("LUU"):
                archive = grammar.archive_content(line)
                archive_where = self.where(para)
            elif archive is not None:
                extra.append(line)
            else:
                recipients.append(_recipient(line))
        if archive is None:
            self.report.add(WARNING, "nơi nhận", f"không tìm thấy dòng «{ARCHIVE_PREFIX}…»")
            return recipients, {"luu": ""}
        if extra:
            archive = f"{archive} {' '.join(extra)}"
            self.report.add(CORRECTION, archive_where, f"dòng dưới dòng Lưu «{' '.join(extra)}» đưa vào dòng Lưu")
        return recipients, self._archive(archive, archive_where)

    def _archive(self, content: str, at: str) -> dict[str, str]:
        """Return `luu`, and `nguoi_soan` and `so_ban` when the line names them (ô 12).

        The line as printed ("VT, KGVX, Sơn (05)") is split by the decree's grammar; the forms
        offices type instead ("VT, KGVX (Thập)", "VT, XDCT. Khánh", "VT, KGVX, Sơn 05", "VT, KGVX
        Sơn") are written as printed first, each rewrite tried on top of the ones before until the
        grammar splits the line, and the report says so. A line that reads in no such way is
        kept whole in `luu`, where `tbkl check` names what is wrong with it.
        """
        content = grammar.archive_content(content)
        printed = grammar.archive_as_printed(content)
        split = grammar.split_archive(printed) if printed is not None else None
        if printed is None or split is None:
            return {"luu": content}
        if printed != content:
            self.report.add(CORRECTION, at, f"dòng Lưu «{content}» viết lại thành «{printed}»")
        units, drafter, copies = split
        fields = {"luu": units, "nguoi_soan": drafter, "so_ban": copies}
        return {key: value for key, value in fields.items() if value is not None}

    def _signer(self) -> dict[str, Any]:
        parts = self.parts
        authority: list[str] = []
        title: list[str] = []
        lines = [line for line, _ in parts.authority]
        self.use(*(para for _, para in parts.authority))
        last_prefix = max((i for i, line in enumerate(lines) if PRINTED_AUTHORITY_LINE.match(line)), default=-1)
        for index, line in enumerate(lines):
            match = PRINTED_AUTHORITY_LINE.match(line)
            if match:
                authority.append(f"{match.group(1)}. {match.group(2) or ''}".rstrip())
            elif index > last_prefix or not authority:
                title.append(line)
            else:
                # A long authority line wrapped onto the next line in its cell.
                authority[-1] = f"{authority[-1]} {line}"
        if not title and authority:
            title = [authority.pop()]
        signer: dict[str, Any] = {"quyen_han": authority, "chuc_vu": " ".join(title), "ho_ten": ""}
        if not title:
            self.report.add(WARNING, "chữ ký", "không tìm thấy chức vụ người ký")
        if parts.signer is None:
            self.report.add(WARNING, "chữ ký", "không tìm thấy họ tên người ký")
            return signer
        self.use(parts.signer)
        name = norm(parts.signer.text)
        if parts.signer.text != parts.signer.text.strip() and parts.signer.text.startswith(" "):
            self.report.add(CORRECTION, self.where(parts.signer), "bỏ dấu cách đẩy họ tên sang phải; họ tên in căn giữa")
        prefix = grammar.academic_prefix(name)
        if prefix:
            name = name[name.index(prefix) + len(prefix) :].strip()
            self.report.add(CORRECTION, self.where(parts.signer), f"bỏ học hàm, học vị «{prefix}» trước họ tên")
        if grammar.all_caps(name):
            titled = " ".join(word[:1] + word[1:].lower() for word in name.split())
            self.report.add(CORRECTION, self.where(parts.signer), f"họ tên «{name}» viết lại thành «{titled}»")
            name = titled
        signer["ho_ten"] = name
        return signer

    # --- what the file holds beyond the notice ---------------------------------------------------

    def _notes(self) -> dict[str, str]:
        notes: dict[str, str] = {}
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        for reltype, tag, key in ((RT.FOOTNOTES, "footnote", "f"), (RT.ENDNOTES, "endnote", "e")):
            root = related_root(self.document.part, reltype)
            if root is None:
                continue
            for note in root.findall(W + tag):
                if note.get(W + "type") not in (None, "normal"):
                    continue
                chars: list[Char] = []
                for para in note.iter(W + "p"):
                    style = para.find(f"{W}pPr/{W}pStyle")
                    style_id = style.get(W + "val") if style is not None else None
                    if chars:
                        chars.append(Char(" "))
                    chars += element_chars(para, self.doc.sheet, style_id, None, {})
                text, _ = to_markup(self._spaced(cleaned(chars), "chú thích"), in_note=True)
                notes[key + note.get(W + "id", "")] = text
                if key == "e" and text:
                    self.report.add(CORRECTION, "chú thích cuối văn bản", f"«{shortened(text, 59)}» in thành chú thích cuối trang")
        return notes

    def _leftovers(self) -> None:
        report = self.report
        parts = self.parts
        header_tables = {p.cell.table for p in (parts.national, parts.number, parts.date, *parts.issuer) if p and p.cell}
        closing_tables = {p.cell.table for p in (parts.recipients_head, parts.signer) if p and p.cell}
        closing_tables |= {p.cell.table for _, p in parts.authority if p.cell}
        stray: dict[int, list[Para]] = {}
        for para in self.doc.body:
            self._objects(para)
            if id(para) in self.used or para.empty:
                continue
            if para.cell is not None and para.cell.table not in header_tables | closing_tables:
                stray.setdefault(para.cell.table, []).append(para)
                continue
            report.add(WARNING, self.where(para), f"đoạn không thuộc phần nào của thông báo, không đưa vào nguồn: «{para.norm}»")
        for table, paras in stray.items():
            rows: dict[int, list[str]] = {}
            for para in paras:
                assert para.cell is not None
                rows.setdefault(para.cell.row, []).append(para.norm)
            text = " / ".join(" | ".join(cells) for cells in rows.values())
            report.add(
                WARNING,
                f"bảng {table + 1} ({self.where(paras[0], in_table=False)})",
                f"bảng ngoài phần đầu và phần chữ ký ({len(rows)} hàng) không có trong nguồn; nội dung: «{text}»",
            )
        for paras in self.doc.headers.values():
            for para in paras:
                if para.norm and not para.norm.isdigit():
                    report.add(WARNING, "đầu trang", f"chữ ở đầu trang không đưa vào nguồn: «{para.norm}»")
        for para in self.doc.other_stories:
            if para.story in ("header", "footer") and para.norm and not para.norm.isdigit():
                report.add(WARNING, "chân trang", f"chữ ở chân trang không đưa vào nguồn: «{para.norm}»")
        self._comments()

    def _objects(self, para: Para) -> None:
        element = para.element
        for drawing in element.iter(W + "drawing", "{urn:schemas-microsoft-com:vml}imagedata"):
            if str(drawing.tag).endswith("imagedata") or next(drawing.iter(_PIC), None) is not None:
                name = next((d.get("descr") or d.get("name") for d in drawing.iter(WP + "docPr")), None)
                label = f" «{name}»" if name else ""
                self.report.add(WARNING, self.where(para), f"hình ảnh{label} không đưa vào nguồn")
        for box in element.iter(_TEXTBOX):
            if any(a.tag == _MC + "Fallback" for a in box.iterancestors()):
                continue
            text = norm(" ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in box.iter(W + "p")))
            if text:
                self.report.add(WARNING, self.where(para), f"chữ trong hộp văn bản không đưa vào nguồn: «{text}»")
        for deleted in element.iter(W + "del", W + "moveFrom"):
            text = norm("".join(t.text or "" for t in deleted.iter(W + "delText", W + "t")))
            if text:
                self.report.add(WARNING, self.where(para), f"phần đã xóa khi theo dõi thay đổi không đưa vào nguồn: «{text}»")
        for inserted in element.iter(W + "ins", W + "moveTo"):
            text = norm("".join(t.text or "" for t in inserted.iter(W + "t")))
            if text:
                self.report.add(WARNING, self.where(para), f"phần chèn khi theo dõi thay đổi được giữ như đã chấp nhận: «{text}»")

    def _comments(self) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        root = related_root(self.document.part, RT.COMMENTS)
        if root is None:
            return
        anchors = self._comment_anchors()
        for comment in root.findall(W + "comment"):
            text = norm(" ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in comment.iter(W + "p")))
            author = comment.get(W + "author")
            at = anchors.get(comment.get(W + "id", ""), "ghi chú")
            who = f" của {author}" if author else ""
            self.report.add(WARNING, at, f"ghi chú (comment){who} không đưa vào nguồn: «{text}»")

    def _comment_anchors(self) -> dict[str, str]:
        anchors: dict[str, str] = {}
        for para in self.doc.body:
            for mark in para.element.iter(W + "commentRangeStart", W + "commentReference"):
                anchors.setdefault(mark.get(W + "id", ""), self.where(para))
        return anchors


def _typed_text(para: Para, sheet: StyleSheet) -> str:
    """Return the paragraph's text as typed, All Caps formatting not applied."""
    return para.label + plain(element_chars(para.element, sheet, para.format.style_id, para.table_style, {}, apply_caps=False)).replace(
        "\x00", ""
    )


def _lines_of(paras: list[Para]) -> list[str]:
    lines = []
    for para in paras:
        for piece in para.text.split("\n"):
            if norm(piece):
                lines.append(norm(piece))
    return lines


def _recipient(line: str) -> str:
    text = re.sub(r"^[-–—•+]\s*", "", line)
    return text.rstrip(" ;.,")


def _insert_after(data: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in data.items():
        out[name] = item
        if name == after:
            out[key] = value
    return out
    return None
