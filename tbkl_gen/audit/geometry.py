"""Measure a notice on the page: text widths, line wrapping, vertical bands, and the horizontal lines.

A line under the motto, the issuing body or the summary may be a paragraph border (as our
templates draw it) or a DrawingML/VML shape (as offices draw it by hand), anchored in the text's
own paragraphs or elsewhere (the next table row, moved up by a negative offset); all are measured
in mm in the coordinates of the text they underline, where they are drawn. A line typed with "_"
is measured as text and told apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from tbkl_gen.audit.ooxml import MC, WP, WPS, A, O, V, W, css, emu_to_mm, to_twips, vml_length_mm
from tbkl_gen.audit.reader import Doc, Para
from tbkl_gen.audit.text import decimal, quoted
from tbkl_gen.nd30.format import MOTTO_LINE_TOLERANCE, PAGE_WIDTH, UNDER_TEXT_RATIO
from tbkl_gen.nd30.grammar import typed_rule
from tbkl_gen.nd30.units import MM_PER_PT, TWIPS_PER_MM, twips_to_pt
from tbkl_gen.nd30.text_width import char_width_em

# Times New Roman line height in em: (winAscent 1825 + winDescent 443 + lineGap 87) / 2048.
_LINE_HEIGHT_EM = 2355 / 2048


# A line counts as centred under its text when its middle is this close to the text's middle.
_CENTRE_TOLERANCE_MM = 1.5


# Slack on the 1/3-1/2 bounds of the lines under the issuing body and the summary.
_RATIO_SLACK_MM = 0.5


def _container_width(doc: Doc, para: Para) -> float:
    return para.cell.text_width if para.cell is not None else doc.section.text_width


def _char_widths(para: Para) -> list[tuple[str, float]]:
    """Return each shown character with its advance in mm, from its run's size, weight and spacing."""
    out = []
    for run in para.runs:
        size = run.format.size
        for char in run.text:
            if char == "\n":
                out.append((char, 0.0))
                continue
            width = char_width_em(char, bold=run.format.bold) * size * MM_PER_PT
            out.append((char, width + run.format.spacing_pt * MM_PER_PT))
    return out


def _wrapped_widths(para: Para, available_mm: float) -> list[float]:
    """Return the width of each line Word would set, breaking at spaces (greedy, like Word)."""
    lines: list[float] = []
    for piece in _split_chars(_char_widths(para), "\n"):
        words = _split_words(piece)
        current = 0.0
        pending_space = 0.0
        started = False
        for word_width, space_width in words:
            if started and current + pending_space + word_width > available_mm + 1e-6:
                lines.append(current)
                current, pending_space = word_width, space_width
                continue
            current += (pending_space if started else 0.0) + word_width
            pending_space = space_width
            started = True
        lines.append(current)
    return lines or [0.0]


def _split_chars(chars: list[tuple[str, float]], separator: str) -> list[list[tuple[str, float]]]:
    pieces: list[list[tuple[str, float]]] = [[]]
    for char, width in chars:
        if char == separator:
            pieces.append([])
        else:
            pieces[-1].append((char, width))
    return pieces


def _split_words(chars: list[tuple[str, float]]) -> list[tuple[float, float]]:
    """Return (word width, width of the spaces after it) pairs; leading spaces count as a word."""
    words: list[tuple[float, float]] = []
    word = space = 0.0
    in_space = False
    for char, width in chars:
        if char in " \t\u00a0" and char != "\u00a0":
            in_space = True
            space += width
        else:
            if in_space:
                words.append((word, space))
                word = space = 0.0
                in_space = False
            word += width
    words.append((word, space))
    return words


def _available_mm(doc: Doc, para: Para) -> float:
    width = _container_width(doc, para) - para.format.left - para.format.right
    return max(width, 1.0) / TWIPS_PER_MM


def _widest_line_mm(doc: Doc, paras: list[Para]) -> float:
    return max((max(_wrapped_widths(p, _available_mm(doc, p))) for p in paras), default=0.0)


def _text_centre_mm(doc: Doc, para: Para, width_mm: float) -> float:
    """Return where the middle of the paragraph's text falls, from the container's text-area left."""
    container = _container_width(doc, para) / TWIPS_PER_MM
    left = para.format.left / TWIPS_PER_MM
    right = para.format.right / TWIPS_PER_MM
    if para.format.jc == "center":
        return (left + container - right) / 2
    if para.format.jc == "right":
        return container - right - width_mm / 2
    return left + width_mm / 2


def off_centre_mm(doc: Doc, para: Para) -> float:
    """Return how far the middle of a paragraph's widest line lies from the middle of its column, in mm (right is positive).

    A line set by indents or tabs instead of centring ("Kính gửi: …" pushed right) is found where it stands.
    """
    width = _widest_line_mm(doc, [para])
    return _text_centre_mm(doc, para, width) - _container_width(doc, para) / TWIPS_PER_MM / 2


@dataclass(frozen=True)
class _Band:
    top: float
    text_top: float
    text_bottom: float


def _bands(doc: Doc, para: Para) -> dict[int, _Band]:
    """Return the vertical band of every paragraph sharing para's container, in mm from its top."""
    story = doc.body if para.story == "body" else [para]
    siblings = [p for p in story if p.cell == para.cell]
    bands: dict[int, _Band] = {}
    y = 0.0
    for sibling in siblings:
        before = sibling.format.before / TWIPS_PER_MM
        after = sibling.format.after / TWIPS_PER_MM
        count = len(_wrapped_widths(sibling, _available_mm(doc, sibling))) if not sibling.empty else 1
        height = count * _line_height_mm(sibling)
        bands[id(sibling)] = _Band(y, y + before, y + before + height)
        y += before + height + after
    return bands


def _line_height_mm(para: Para) -> float:
    size = max(para.sizes) if not para.empty else para.mark.size
    natural = size * _LINE_HEIGHT_EM * MM_PER_PT
    line = para.format.line
    if line is None:
        return natural
    if para.format.line_rule == "exact":
        return twips_to_pt(line) * MM_PER_PT
    if para.format.line_rule == "atLeast":
        return max(natural, twips_to_pt(line) * MM_PER_PT)
    return natural * line / 240


@dataclass(frozen=True)
class _HLine:
    """A horizontal line found under some text, measured in mm in its container's coordinates."""

    kind: str
    length: float
    centre: float | None
    y: float | None
    para: Para
    elsewhere: bool = False
    """Anchored away from its text: its height is known only as well as the rows between are estimated."""


@dataclass(frozen=True)
class _Shape:
    length: float
    x_ref: str
    x_offset: float | None
    x_align: str | None
    y_ref: str | None
    y_offset: float | None


def _shapes(para: Para) -> list[_Shape]:
    """Return the straight horizontal line shapes anchored in a paragraph (DrawingML, else VML)."""
    shapes: list[_Shape] = []
    for drawing in para.element.iter(W + "drawing"):
        if _inside(drawing, para.element, MC + "Fallback"):
            continue
        for frame in drawing:
            shape = _drawingml_line(frame)
            if shape is not None:
                shapes.append(shape)
    for pict in para.element.iter(W + "pict"):
        if _inside(pict, para.element, MC + "Fallback"):
            continue
        for element in pict.iter(V + "line", V + "shape"):
            shape = _vml_line(element)
            if shape is not None:
                shapes.append(shape)
    return shapes


def _inside(element: etree._Element, stop: etree._Element, tag: str) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _drawingml_line(frame: etree._Element) -> _Shape | None:
    if frame.tag not in (WP + "anchor", WP + "inline"):
        return None
    extent = frame.find(WP + "extent")
    if extent is None or next(frame.iter(WPS + "wsp"), None) is None:
        return None
    length = emu_to_mm(extent.get("cx"))
    height = emu_to_mm(extent.get("cy")) or 0.0
    geometry = next(frame.iter(A + "prstGeom"), None)
    preset = geometry.get("prst", "") if geometry is not None else ""
    xfrm = next(frame.iter(A + "xfrm"), None)
    rotation = int(xfrm.get("rot", "0")) % 10800000 if xfrm is not None and xfrm.get("rot", "0").lstrip("-").isdigit() else 0
    is_line = "line" in preset.lower() or "connector" in preset.lower() or height < 0.3
    if not length or not is_line or height > 1.0 or rotation not in (0,):
        return None
    if frame.tag == WP + "inline":
        return _Shape(length, "inline", None, None, "inline", None)
    h_ref, h_offset, h_align = _position(frame.find(WP + "positionH"))
    v_ref, v_offset, _ = _position(frame.find(WP + "positionV"))
    return _Shape(length, h_ref or "column", h_offset, h_align, v_ref, v_offset)


def _position(element: etree._Element | None) -> tuple[str | None, float | None, str | None]:
    if element is None:
        return None, None, None
    offset = element.find(WP + "posOffset")
    align = element.find(WP + "align")
    return (
        element.get("relativeFrom"),
        emu_to_mm(offset.text) if offset is not None else None,
        align.text if align is not None else None,
    )


_VML_REFS = {"text": "column", "margin": "margin", "page": "page", "char": "character", "line": "line"}


def _vml_line(element: etree._Element) -> _Shape | None:
    """Return a VML v:line, or a straight-connector v:shape, lying flat; None for anything else."""
    style = css(element.get("style"))
    h_ref = _VML_REFS.get(style.get("mso-position-horizontal-relative", "text"), "other")
    v_ref = {"text": "paragraph", "line": "line"}.get(style.get("mso-position-vertical-relative", "text"))
    h_align = style.get("mso-position-horizontal")
    h_align = h_align if h_align in ("center", "left", "right") else None
    shift_x = vml_length_mm(style.get("margin-left")) or vml_length_mm(style.get("left")) or 0.0
    shift_y = vml_length_mm(style.get("margin-top")) or vml_length_mm(style.get("top")) or 0.0
    if element.tag == V + "line":
        start, end = _vml_point(element.get("from")), _vml_point(element.get("to"))
        if start is None or end is None or abs(end[1] - start[1]) > 1.0 or abs(end[0] - start[0]) < 1.0:
            return None
        left = min(start[0], end[0]) + shift_x
        return _Shape(abs(end[0] - start[0]), h_ref, left, h_align, v_ref, start[1] + shift_y)
    connector = "t32" in element.get("type", "") or element.get(O + "connectortype") == "straight"
    width = vml_length_mm(style.get("width"))
    height = vml_length_mm(style.get("height")) or 0.0
    if not connector or not width or height > 1.0:
        return None
    return _Shape(width, h_ref, shift_x, h_align, v_ref, shift_y)


def _vml_point(value: str | None) -> tuple[float, float] | None:
    parts = [vml_length_mm(v) for v in (value or "0,0").split(",")]
    if len(parts) != 2 or parts[0] is None or parts[1] is None:
        return None
    return parts[0], parts[1]


def _frame(doc: Doc, para: Para, ref: str) -> tuple[float, float] | None:
    """Return (left, width) in mm of a positioning frame, in the paragraph container's coordinates."""
    cell_offset = (para.cell.offset if para.cell else 0.0) / TWIPS_PER_MM
    page_left = (doc.section.left or 0.0) / TWIPS_PER_MM
    page_width = (doc.section.page_width or PAGE_WIDTH) / TWIPS_PER_MM
    if ref == "column":
        return 0.0, _container_width(doc, para) / TWIPS_PER_MM
    if ref == "margin":
        return -cell_offset, doc.section.text_width / TWIPS_PER_MM
    if ref == "page":
        return -cell_offset - page_left, page_width
    if ref == "leftMargin":
        return -cell_offset - page_left, page_left
    return None


def _shape_line(doc: Doc, para: Para, shape: _Shape, bands: dict[int, _Band]) -> _HLine:
    band = bands.get(id(para))
    if shape.x_ref == "inline":
        return _HLine("hình vẽ", shape.length, _text_centre_mm(doc, para, shape.length), band.text_top if band else None, para)
    centre = None
    frame = _frame(doc, para, shape.x_ref)
    if frame is not None:
        left, width = frame
        # An alignment (DrawingML wp:align, VML mso-position-horizontal) overrides any offset.
        if shape.x_align == "center":
            centre = left + width / 2
        elif shape.x_align == "left":
            centre = left + shape.length / 2
        elif shape.x_align == "right":
            centre = left + width - shape.length / 2
        elif shape.x_offset is not None:
            centre = left + shape.x_offset + shape.length / 2
    y = None
    if band is not None and shape.y_offset is not None:
        if shape.y_ref == "paragraph":
            y = band.top + shape.y_offset
        elif shape.y_ref == "line":
            y = band.text_top + shape.y_offset
    return _HLine("hình vẽ", shape.length, centre, y, para)


def _border_line(doc: Doc, para: Para, side: str, bands: dict[int, _Band]) -> _HLine:
    container = _container_width(doc, para) / TWIPS_PER_MM
    left = para.format.left / TWIPS_PER_MM
    right = para.format.right / TWIPS_PER_MM
    band = bands.get(id(para))
    border = para.format.bottom_border if side == "bottom" else para.format.top_border
    space = (to_twips((border or {}).get("space")) or 0.0) * MM_PER_PT
    y = None
    if band is not None:
        y = band.text_bottom + space if side == "bottom" else band.text_top - space
    return _HLine("viền đoạn", container - left - right, (left + container - right) / 2, y, para)


# A line anchored away from its text is taken as that text's line when it is drawn this close below it.
_ANCHORED_ELSEWHERE_MM = 10.0
# Its height is estimated through the rows between (their heights, as Word and LibreOffice set them,
# differ by a millimetre or two): it is said to touch the text only when it is clearly above its foot.
_ELSEWHERE_SLACK_MM = 1.5


def _row_height_mm(doc: Doc, paras: list[Para]) -> float:
    """Return the height of a table row: its tallest cell's paragraphs, or the height the row is given."""
    tallest = 0.0
    for first in {id(p.cell): p for p in paras}.values():
        bands = _bands(doc, first)
        bottom = max(bands[id(p)].text_bottom + p.format.after / TWIPS_PER_MM for p in paras if id(p) in bands)
        tallest = max(tallest, bottom)
    row = next((a for a in paras[0].element.iterancestors(W + "tr")), None) if paras else None
    height = row.find(f"{W}trPr/{W}trHeight") if row is not None else None
    given = to_twips(height.get(W + "val")) if height is not None else None
    if given:
        if height is not None and height.get(W + "hRule") == "exact":
            return given / TWIPS_PER_MM
        return max(tallest, given / TWIPS_PER_MM)
    return tallest


def _lines_anchored_elsewhere(doc: Doc, last: Para) -> list[_HLine]:
    """Return the lines anchored in the other cells of last's table, or just after the table, in last's cell coordinates.

    Offices draw the line under the motto or the issuing body as a shape anchored in the next row
    ("Số: …", the date) and moved up by a negative offset: it is measured where it is drawn.
    """
    cell = last.cell
    if cell is None or last.story != "body":
        return []
    table = [p for p in doc.body if p.cell is not None and p.cell.table == cell.table]
    rows: dict[int, list[Para]] = {}
    for para in table:
        assert para.cell is not None
        rows.setdefault(para.cell.row, []).append(para)
    tops: dict[int, float] = {}
    y = 0.0
    for index in sorted(rows):
        tops[index] = y
        y += _row_height_mm(doc, rows[index])
    own_top = tops[cell.row]
    lines: list[_HLine] = []
    for para in table:
        assert para.cell is not None
        if para.cell == cell:
            continue
        shapes = _shapes(para)
        if not shapes:
            continue
        bands = _bands(doc, para)
        dx = (para.cell.offset - cell.offset) / TWIPS_PER_MM
        dy = tops[para.cell.row] - own_top
        for shape in shapes:
            lines.append(_moved(_shape_line(doc, para, shape, bands), dx, dy))
    after = [p for p in doc.body if p.order > table[-1].order][:3]
    if after and after[0].cell is None:
        bands = _bands(doc, after[0])
        dy = y - own_top - bands[id(after[0])].top  # the paragraphs after the table start at its bottom
        for para in after:
            if para.cell is not None:
                break
            for shape in _shapes(para):
                lines.append(_moved(_shape_line(doc, para, shape, bands), -cell.offset / TWIPS_PER_MM, dy))
            if not para.empty:
                break
    return lines


def _moved(line: _HLine, dx: float, dy: float) -> _HLine:
    return _HLine(
        line.kind,
        line.length,
        None if line.centre is None else line.centre + dx,
        None if line.y is None else line.y + dy,
        line.para,
        elsewhere=True,
    )


def _line_under(doc: Doc, block: list[Para]) -> _HLine | None:
    """Return the horizontal line drawn under a block of text, or None when there is none."""
    if not block:
        return None
    last = block[-1]
    story = doc.body
    siblings = [p for p in story if p.cell == last.cell and p.order > last.order]
    following: list[Para] = []
    for para in siblings[:3]:
        following.append(para)
        if not para.empty:
            break
    bands = _bands(doc, last)
    last_band = bands[id(last)]
    for para in [*block, *following]:
        candidates = [_shape_line(doc, para, shape, bands) for shape in _shapes(para)]
        if para is last and para.format.bottom_border:
            candidates.append(_border_line(doc, para, "bottom", bands))
        if para in following and para.empty:
            for side in ("top", "bottom"):
                if (para.format.top_border if side == "top" else para.format.bottom_border) is not None:
                    candidates.append(_border_line(doc, para, side, bands))
        for line in candidates:
            if line.y is None or line.y >= last_band.text_top:
                return line
    width = _container_width(doc, last) / TWIPS_PER_MM
    elsewhere = [
        line
        for line in _lines_anchored_elsewhere(doc, last)
        if line.y is not None
        and last_band.text_top <= line.y <= last_band.text_bottom + _ANCHORED_ELSEWHERE_MM
        and line.centre is not None
        and 0.0 <= line.centre <= width
    ]
    return min(elsewhere, key=lambda line: line.y or 0.0, default=None)


def _typed_under(doc: Doc, last: Para) -> Para | None:
    """Return the paragraph right under last, in its container, when it is only a typed line ("_____", "-----")."""
    after = next((p for p in doc.body if p.cell == last.cell and p.order > last.order and not p.empty), None)
    return after if after is not None and typed_rule(after.text) else None


def _typed_width_mm(para: Para) -> float:
    """Return the width of a line typed with characters: the paragraph's last visual line, its end spaces left out."""
    line = _split_chars(_char_widths(para), "\n")[-1]
    text = "".join(char for char, _ in line)
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    return sum(width for _, width in line[start:end])


@dataclass(frozen=True)
class _LineCheck:
    """What was found about the line under a block of text, split by the rules that judge it."""

    length: list[str]  # missing, or too short or long: rules 5, 10 and 26
    placement: list[str]  # off-centre or touching the text: rule 26 only
    found: str
    typed: list[str] = field(default_factory=list)  # a line typed with characters: warnings, rules 10 and 26


def check_line(doc: Doc, block: list[Para], *, own_length: bool, typed: Para | None = None) -> _LineCheck:
    """Check the line under block: its own width (the motto) or 1/3-1/2 of it, centred, below it.

    typed is a paragraph of "_____" under the block (the locator found it): when no line is drawn,
    it is the block's line, typed instead of drawn, which is told as a warning with its length.
    """
    if own_length:
        width = sum(w for _, w in _char_widths(block[0]))
        low, high = width * (1 - MOTTO_LINE_TOLERANCE), width * (1 + MOTTO_LINE_TOLERANCE)
    else:
        width = _widest_line_mm(doc, block)
        low, high = width * UNDER_TEXT_RATIO[0] - _RATIO_SLACK_MM, width * UNDER_TEXT_RATIO[1] + _RATIO_SLACK_MM
    line = _line_under(doc, block)
    if line is None and typed is None:
        typed = _typed_under(doc, block[-1])
    if line is None and typed is not None:
        length = _typed_width_mm(typed)
        found = f"đường kẻ gõ bằng ký tự {quoted(typed.norm, 20)} dài {decimal(length)} mm (chữ rộng {decimal(width)} mm)"
        warnings = [f"{found}: Nghị định 30 yêu cầu đường kẻ nét liền, nên vẽ đường kẻ thay cho dòng ký tự"]
        if not low <= length <= high:
            warnings.append(f"dòng ký tự dài {decimal(length)} mm, đường kẻ cần {decimal(low)}–{decimal(high)} mm")
        return _LineCheck([], [], found, warnings)
    if line is None:
        return _LineCheck(["không có đường kẻ"], [], "không có đường kẻ")
    last = block[-1]
    found = f"{line.kind} dài {decimal(line.length)} mm (chữ rộng {decimal(width)} mm)"
    too_long = [] if low <= line.length <= high else [f"{found}, cần {decimal(low)}–{decimal(high)} mm"]
    placement = []
    if line.centre is not None:
        shift = line.centre - _text_centre_mm(doc, last, width)
        found += f", lệch tâm {decimal(abs(shift))} mm"
        if abs(shift) > _CENTRE_TOLERANCE_MM:
            side = "trái" if shift < 0 else "phải"
            placement.append(
                f"lệch sang {side} {decimal(abs(shift))} mm so với giữa dòng chữ (cho phép {decimal(_CENTRE_TOLERANCE_MM)} mm)"
            )
    if line.y is not None:
        gap = line.y - _bands(doc, last)[id(last)].text_bottom
        found += f", cách chân chữ {decimal(gap)} mm"
        if gap < (-_ELSEWHERE_SLACK_MM if line.elsewhere else 0.0):
            placement.append(f"chạm vào chữ phía trên (nằm trên đáy dòng chữ {decimal(-gap)} mm)")
    return _LineCheck(too_long, placement, found)
