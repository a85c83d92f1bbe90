"""Find the parts of a notice in the paragraphs of a .docx: by their text and by their position.

National name, motto, parent and issuing body, number, date, title, summary (and a line typed
under it with "_"), "Kính gửi" with its addressees, body, recipients, authority lines and signer: in
our own output and in files typed by hand in an office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tbkl_gen.audit.ooxml import W
from tbkl_gen.audit.reader import Doc, Para
from tbkl_gen.audit.text import fold, is_upper, norm
from tbkl_gen.nd30.document_types import SUMMARY_PREFIX
from tbkl_gen.nd30.format import NATIONAL_NAME
from tbkl_gen.nd30.authority import PRINTED_LINE as PRINTED_AUTHORITY_LINE
from tbkl_gen.nd30.grammar import ADDRESSEE_LINE, APPENDIX_HEADING, APPENDIX_REFERENCE, typed_rule
from tbkl_gen.notice.kind import Kind
from tbkl_gen.notice.kinds import DEFAULT, KINDS

ITEM_LABEL = re.compile(r"^(\d+(\.\d+)*\.|[IVXLCDM]+\.)\s")
SUMMARY_UNDER_NUMBER = re.compile(rf"^{re.escape(SUMMARY_PREFIX)}\b", re.IGNORECASE)
"""A Công văn's summary under its number: "V/v tăng cường …"."""
MAX_SUMMARY_LINES = 3


@dataclass
class NoticeParts:
    """The paragraphs found for each part of a notice; a part not found is None or empty."""

    doc: Doc
    symbol_abbrev: str | None
    kind: Kind = DEFAULT
    """The kind the document was recognised as: by its title, or by a "V/v" summary under its number."""
    national: Para | None = None
    motto: Para | None = None
    parent_lines: list[Para] = field(default_factory=list)
    issuer: list[Para] = field(default_factory=list)
    number: Para | None = None
    date: Para | None = None
    title: Para | None = None
    summary: list[Para] = field(default_factory=list)
    summary_typed_line: Para | None = None
    """A paragraph holding only "_____" (or "-----") under the summary: its line, typed instead of drawn."""
    typed_lines: list[Para] = field(default_factory=list)
    """Paragraphs of "_____" or "-----" in the heading (under the issuing body or the motto): lines typed, not text."""
    addressee_head: Para | None = None
    """The paragraph that starts with "Kính gửi" (ô 9a)."""
    addressees: list[tuple[str, Para]] = field(default_factory=list)
    """The addressees as shown, each with its paragraph: the rest of the head's line, or the lines of the list."""
    body: list[Para] = field(default_factory=list)
    recipients_head: Para | None = None
    recipients: list[tuple[str, Para]] = field(default_factory=list)
    authority: list[tuple[str, Para]] = field(default_factory=list)
    signer: Para | None = None
    appendices: list[list[Para]] = field(default_factory=list)
    """The paragraphs of each appendix after the notice, its heading first (ND30 Phụ lục I, III.1)."""

    def layout_tables(self) -> set[int]:
        """Return the tables that lay out the header and the closing block, as opposed to tables of content."""
        tables = {p.cell.table for p in (self.national, self.number, self.date, *self.issuer) if p and p.cell}
        tables |= {p.cell.table for p in (self.recipients_head, self.signer) if p and p.cell}
        tables |= {p.cell.table for _, p in self.authority if p.cell}
        return tables

    @property
    def header_block(self) -> list[Para]:
        return [p for p in (self.national, self.motto) if p is not None]


def locate(doc: Doc, symbol_abbrev: str | None) -> NoticeParts:
    """Return the parts of the notice in doc, found by their text and their place on the page."""
    notice = NoticeParts(doc, symbol_abbrev)
    paras = doc.body
    titles = {fold(kind.document_type.title): kind for kind in KINDS.values() if kind.document_type.title}
    notice.title = next((p for p in paras if fold(p.text) in titles), None)
    if notice.title is not None:
        notice.kind = titles[fold(notice.title.text)]
    else:
        notice.title, kind = _title_with_more(paras[:MAX_HEAD_PARAGRAPHS], titles)
        notice.kind = kind or notice.kind
    head_end = notice.title.order if notice.title else len(paras)
    head = paras[:head_end]
    notice.national = next((p for p in head if fold(p.text) == fold(NATIONAL_NAME)), None)
    notice.motto = _find_motto(head, notice.national)
    notice.number = next((p for p in head if re.match(r"^Số\s*:", p.norm)), None)
    notice.date = next(
        (p for p in head if re.search(r",\s*ngày\b.*\btháng\b.*\bnăm\b", p.norm) and p is not notice.number),
        None,
    )
    _locate_issuer(notice, head)
    if notice.motto is not None:
        below = [p for p in head if p.cell == notice.motto.cell and p.order > notice.motto.order and not p.empty][:1]
        notice.typed_lines += [p for p in below if typed_rule(p.text)]
    if notice.title is None:
        _locate_summary_under_number(notice, head)
    _locate_summary_and_body(notice, paras)
    return notice


MAX_HEAD_PARAGRAPHS = 40
"""Where a title typed with more words is looked for: the header and the title, not the body."""
MAX_TITLE_EXTRA_WORDS = 2


def _title_with_more(paras: list[Para], titles: dict[str, Kind]) -> tuple[Para | None, Kind | None]:
    """Find a type's name typed with a word or two more on its line, in capitals ("GIẤY MỜI HỌP")."""
    for para in paras:
        if para.cell is not None or not is_upper(para.norm):
            continue
        folded = fold(para.text)
        for key, kind in titles.items():
            extra = len(para.norm.split()) - len(kind.document_type.title.split())
            if folded.startswith(key) and 0 < extra <= MAX_TITLE_EXTRA_WORDS:
                return para, kind
    return None, None


def _locate_summary_under_number(notice: NoticeParts, head: list[Para]) -> None:
    """Find a "V/v …" summary in the left header column, in the number's cell or the next row, and
    with it the kind whose summary prints there (a Công văn)."""
    number = notice.number
    under = [kind for kind in KINDS.values() if kind.summary == "number"]
    if number is None or not under:
        return
    after = [p for p in head if p.order > number.order and not p.empty]
    if number.cell is not None:
        column = [p for p in after if p.cell is not None and p.cell.table == number.cell.table and p.cell.col == number.cell.col]
        after = [p for p in column if p.cell is not None and p.cell.row <= number.cell.row + 1]
    start = next((i for i, p in enumerate(after[:2]) if SUMMARY_UNDER_NUMBER.match(p.norm)), None)
    if start is None:
        typed = [norm(line) for line in number.text.split("\n")]
        if len(typed) > 1 and SUMMARY_UNDER_NUMBER.match(typed[1]):  # typed under "Số:" after a line break
            notice.summary = [number]
            notice.kind = under[0]
        return
    first = after[start]
    lines = [first]
    for para in after[start + 1 :]:
        if len(lines) >= MAX_SUMMARY_LINES or para.cell != first.cell or fold(para.text) in ("KHAN", "THUONGKHAN", "HOATOC"):
            break
        lines.append(para)
    notice.summary = lines
    notice.kind = under[0]


def _find_motto(head: list[Para], national: Para | None) -> Para | None:
    candidates = [p for p in head if fold(p.text) == "DOCLAPTUDOHANHPHUC"]
    if national is not None:
        after = [p for p in candidates if p.order > national.order]
        if after:
            return after[0]
    return candidates[0] if candidates else None


def _locate_issuer(notice: NoticeParts, head: list[Para]) -> None:
    taken = {id(p) for p in (notice.national, notice.motto, notice.number, notice.date) if p is not None}
    national = notice.national
    if national is not None and national.cell is not None:
        cell = national.cell
        same_row = [p for p in head if p.cell and (p.cell.table, p.cell.row) == (cell.table, cell.row)]
        other_col = [p for p in same_row if p.cell is not None and p.cell.col != cell.col]
        left_col = min((p.cell.col for p in other_col if p.cell is not None), default=None)
        lines = [p for p in other_col if p.cell is not None and p.cell.col == left_col]
    else:
        stop = notice.number.order if notice.number else (national.order if national else len(head))
        lines = head[:stop]
    issuer: list[Para] = []
    for para in lines:
        if notice.number is not None and para is notice.number:
            break
        if id(para) in taken or para.empty:
            continue
        if typed_rule(para.text):
            notice.typed_lines.append(para)  # the issuing body's line, typed: not a line of its name
            continue
        issuer.append(para)
    # A parent body line sits above the issuing body and is not bold; a bold line that starts with
    # a common abbreviation ("UBND TỈNH …") is still a parent line, set bold by mistake.
    # When no line is bold there is no bold issuing body to set a parent line apart from.
    any_bold = any(para.all_runs("bold") for para in issuer)
    parents = []
    for para in issuer[:-1]:
        if (any_bold and not para.all_runs("bold")) or re.match(r"^(UBND|HĐND|MTTQ|TAND|VKSND)\b", para.norm):
            parents.append(para)
        else:
            break
    notice.parent_lines = parents
    notice.issuer = issuer[len(parents) :]


def _locate_summary_and_body(notice: NoticeParts, paras: list[Para]) -> None:
    if notice.title is not None:
        index = notice.title.order + 1
    else:
        # Without a title the body starts after the last header part that was found.
        found = [p.order for p in (notice.national, notice.motto, notice.number, notice.date, *notice.issuer, *notice.summary) if p]
        index = max(found, default=-1) + 1
        # the rest of the header table (an empty cell beside a "V/v" in a row of its own) is not the body;
        # a "Kính gửi" in a row of its own is (Word and LibreOffice join a table typed right under the header's)
        table = notice.number.cell.table if notice.number is not None and notice.number.cell is not None else None
        while table is not None and index < len(paras):
            cell = paras[index].cell
            if cell is None or cell.table != table or ADDRESSEE_LINE.match(norm(paras[index].text.split("\n")[0])):
                break
            index += 1
    summary: list[Para] = list(notice.summary) if notice.title is None else []
    while notice.title is not None and index < len(paras):
        para = paras[index]
        if para.empty or para.cell is not None or _starts_body(para) or len(summary) >= 6:
            break
        if typed_rule(para.text) or ADDRESSEE_LINE.match(para.norm):
            break
        # A summary spread over several paragraphs keeps one look; a change of alignment or
        # weight means the body has begun even when no blank line or drawn line separates them.
        if summary and (para.format.jc, para.all_runs("bold")) != (
            summary[0].format.jc,
            summary[0].all_runs("bold"),
        ):
            break
        summary.append(para)
        index += 1
    notice.summary = summary
    end = _locate_appendices(notice, paras, index)
    paras = paras[:end]
    if summary or notice.title is not None:  # an invitation may have no summary, and still a "Kính gửi"
        index = _locate_addressees(notice, paras, index)
    notice.recipients_head = next((p for p in paras[index:] if fold(p.text).startswith("NOINHAN")), None)
    closing = _closing_start(notice, paras, index)
    notice.body = [p for p in paras[index:closing] if p.cell is None and not p.empty]
    _locate_signature(notice, paras, closing)


def _locate_appendices(notice: NoticeParts, paras: list[Para], start: int) -> int:
    """Split off the appendices: each starts at a "Phụ lục …" heading followed by its "(Kèm theo …)" line.

    Return where the notice itself ends (the first appendix's heading, or the end).
    """
    starts = [para.order for para in paras[start:] if _appendix_heading(paras, para)]
    for first, following in zip(starts, [*starts[1:], len(paras)], strict=False):
        notice.appendices.append(paras[first:following])
    return starts[0] if starts else len(paras)


def _appendix_heading(paras: list[Para], para: Para) -> bool:
    """Tell whether para heads an appendix: "Phụ lục …" followed by its "(Kèm theo …)" line, or on a new page and centred."""
    if para.cell is not None or len(para.norm) > 120 or not APPENDIX_HEADING.match(para.norm):
        return False
    following = [p for p in paras[para.order + 1 : para.order + 12] if not p.empty][:5]
    if APPENDIX_REFERENCE.match(para.norm) is not None or any(APPENDIX_REFERENCE.match(p.norm) for p in following):
        return True
    return para.format.jc == "center" and starts_page(paras, para)


def starts_page(paras: list[Para], para: Para) -> bool:
    """Tell whether para begins a page: a page break or a section break before it, or "page break before"."""
    if para.element.find(f"{W}pPr/{W}pageBreakBefore") is not None:
        return True
    for earlier in reversed(paras[: para.order]):
        section = earlier.element.find(f"{W}pPr/{W}sectPr")
        if section is not None:
            kind = section.find(W + "type")
            return kind is None or kind.get(W + "val") != "continuous"
        if any(b.get(W + "type") == "page" for b in earlier.element.iter(W + "br")):
            return True
        if not earlier.empty:
            return False
    return False


def _locate_addressees(notice: NoticeParts, paras: list[Para], index: int) -> int:
    """Find a typed line under the summary and the "Kính gửi" line or list; return where the body starts.

    One addressee follows "Kính gửi:" on its line; a list follows it ("Kính gửi: - A;" or on the
    lines below), each line "- …", up to the line that ends with "." or a line that is not an item.
    """
    ahead = index
    while ahead < len(paras) and paras[ahead].empty and paras[ahead].cell is None:
        ahead += 1
    last_line = notice.summary[-1].text.split("\n")[-1] if notice.summary else ""
    if notice.summary and len(notice.summary[-1].text.split("\n")) > 1 and typed_rule(last_line):
        notice.summary_typed_line = notice.summary[-1]  # typed on the summary's last line, after a line break
    elif ahead < len(paras) and paras[ahead].cell is None and typed_rule(paras[ahead].text):
        notice.summary_typed_line = paras[ahead]
        index = ahead = ahead + 1
        while ahead < len(paras) and paras[ahead].empty and paras[ahead].cell is None:
            ahead += 1
    if ahead >= len(paras):
        return index
    head = paras[ahead]
    if head.cell is not None:
        return _addressees_in_table(notice, paras, head, index)
    pieces = [norm(piece) for piece in head.text.split("\n")]
    match = ADDRESSEE_LINE.match(pieces[0])
    if match is None:
        return index
    notice.addressee_head = head
    lines = [line for line in (match.group("rest"), *pieces[1:]) if line]
    notice.addressees = [(line, head) for line in lines]
    index = ahead + 1
    if lines and not _is_item(lines[0]):
        return index  # one addressee on the head's line
    bare_head = not lines
    while index < len(paras) and not (lines and lines[-1].endswith(".")):
        para = paras[index]
        # Items are "- …" lines; under a bare "Kính gửi:" an office may leave the dashes out ("Sở Tài chính;").
        bare = bare_head and para.norm.endswith((";", ".")) and len(para.norm) <= _ADDRESSEE_MAX
        if para.cell is not None or para.empty or not (_is_item(para.norm) or bare) or _starts_body_text(para):
            break
        lines = [line for line in (norm(piece) for piece in para.text.split("\n")) if line]
        notice.addressees += [(line, para) for line in lines]
        index += 1
    return index


def _addressees_in_table(notice: NoticeParts, paras: list[Para], head: Para, index: int) -> int:
    """Find "Kính gửi" set in a borderless table ("Kính gửi:" in one cell, the addressees beside it)."""
    assert head.cell is not None
    match = ADDRESSEE_LINE.match(norm(head.text.split("\n")[0]))
    if match is None:
        return index
    table = [p for p in paras if p.cell is not None and p.cell.table == head.cell.table]
    notice.addressee_head = head
    rest = [line for line in (match.group("rest"), *(norm(piece) for piece in head.text.split("\n")[1:])) if line]
    notice.addressees = [(line, head) for line in rest]
    for para in table:
        if para is not head and para.order > head.order:
            notice.addressees += [(line, para) for line in (norm(piece) for piece in para.text.split("\n")) if line]
    return table[-1].order + 1


# The longest line taken as an addressee under a bare "Kính gửi:" when it has no dash: longer is a sentence.
_ADDRESSEE_MAX = 150


def _is_item(text: str) -> bool:
    return text[:1] in ("-", "–", "+", "•")


def _starts_body_text(para: Para) -> bool:
    """Return whether a paragraph is set as body text: justified, indented on its first line only."""
    return para.format.jc in ("both", "distribute") and para.format.first_line > 0 and para.format.left <= 0


def _starts_body(para: Para) -> bool:
    indented = para.format.jc in ("both", "distribute") and para.format.first_line > 0
    return indented or bool(ITEM_LABEL.match(para.norm)) or para.norm[:1] in ("-", "–", "+", "•")


def _closing_start(notice: NoticeParts, paras: list[Para], start: int) -> int:
    head = notice.recipients_head
    if head is not None:
        if head.cell is None:
            above = _signer_above(paras, start, head)
            return above if above is not None else head.order
        return next(p.order for p in paras if p.cell is not None and p.cell.table == head.cell.table)
    for para in paras[start:]:
        if PRINTED_AUTHORITY_LINE.match(para.norm):
            if para.cell is None:
                return para.order
            return next(p.order for p in paras if p.cell is not None and p.cell.table == para.cell.table)
    return len(paras)


# How many lines a signer set above "Nơi nhận:" without a table may take: authority lines and the name.
_MAX_SIGNER_LINES = 6


def _signer_above(paras: list[Para], start: int, head: Para) -> int | None:
    """Find a signer typed right above "Nơi nhận:" with no table (its authority lines in capitals,
    the space to sign, its name, set to the right); return where its first authority line is."""
    seen: list[Para] = []
    index = head.order - 1
    while index >= start and len(seen) <= _MAX_SIGNER_LINES:
        if paras[index].cell is not None:
            return None
        if not paras[index].empty:
            seen.append(paras[index])
        index -= 1
    top = None
    for para in seen[1:]:  # from the line above the name upwards
        if PRINTED_AUTHORITY_LINE.match(para.norm):
            top = para
        elif not is_upper(para.norm):
            break
    return top.order if top is not None else None


def _locate_signature(notice: NoticeParts, paras: list[Para], closing: int) -> None:
    head = notice.recipients_head
    block: list[Para] = []
    if head is not None and head.cell is not None:
        # The closing table: "Nơi nhận" and its lines in one column, the signer in another; some
        # offices split it into two rows (the authority lines above, the name below; the head
        # above, the lines below), so every row from the head's on counts, column by column.
        row = [p for p in paras if p.cell and p.cell.table == head.cell.table and p.cell.row >= head.cell.row]
        in_column = [p for p in row if p.cell is not None and p.cell.col == head.cell.col]
        after_head = [p for p in in_column if p.order > head.order]
        notice.recipients = _lines(after_head)
        other_cols = sorted({p.cell.col for p in row if p.cell and p.cell.col != head.cell.col and not p.empty})
        if other_cols:
            block = [p for p in row if p.cell is not None and p.cell.col == other_cols[-1]]
            block.sort(key=lambda p: (p.cell.row if p.cell else 0, p.order))
    if not block:
        start = next((p.order for p in paras[closing:] if PRINTED_AUTHORITY_LINE.match(p.norm)), None)
        if start is not None:
            first = paras[start]
            if first.cell is not None:
                block = [p for p in paras if p.cell == first.cell]
            elif head is not None and head.cell is None and start < head.order:
                block = paras[start : head.order]  # the signer above "Nơi nhận:", no table
            else:
                block = paras[start:]
        if head is not None and head.cell is None:
            end = start if start is not None and start > head.order else len(paras)
            notice.recipients = _lines([p for p in paras[head.order + 1 : end] if p.cell is None])
    _split_signature(notice, block)


def _lines(paras: list[Para]) -> list[tuple[str, Para]]:
    """Return the non-empty visual lines of paragraphs (a line break inside a paragraph splits it)."""
    out = []
    for para in paras:
        for piece in para.text.split("\n"):
            if norm(piece):
                out.append((norm(piece), para))
    return out


def _split_signature(notice: NoticeParts, block: list[Para]) -> None:
    """Split the signature cell into authority lines (caps, before the blank space) and the name."""
    authority: list[tuple[str, Para]] = []
    index = 0
    while index < len(block):
        para = block[index]
        if para.empty or para.norm.startswith("(") or not is_upper(para.norm):
            break
        authority.extend(_lines([para]))
        index += 1
    rest = [p for p in block[index:] if not p.empty and not p.norm.startswith("(")]
    if rest:
        notice.signer = rest[-1]
    elif len(authority) >= 2:
        notice.signer = authority.pop()[1]
    notice.authority = authority
