"""Notices laid out the way other offices' Word files are, written for the tests from one of our renders.

Issue 18 met them on real files of another province and of departments: the lines under the
motto and under the issuing body drawn as shapes anchored in the *next* table row ("Số: …", the
date) and moved up by a negative offset, the summary's line typed as "_____", "Kính gửi" on one
centred line or as a list. Each is reproduced here as Word writes it (DrawingML `wp:anchor` with
`wps:wsp` inside `mc:AlternateContent` with its VML fallback, as Word 2010 and later save; VML
`v:line` alone, as Word in compatibility mode saves; DrawingML alone, as LibreOffice saves), on
top of one of our own renders, so that everything else in the file holds the decree.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tbkl_gen.nd30.units import TWIPS_PER_MM, WORD_CELL_MARGIN

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
EMU_PER_TWIP = 635
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)
RAISE_MM = 2.5
"""How far above the top of the next row's paragraph the line is drawn (a negative vertical offset)."""
SPACE_AFTER = 240
"""The space (twips) an office leaves under the motto and the issuing body, where the line is drawn."""


@dataclass(frozen=True)
class Line:
    """A horizontal line in a cell: its left edge and length, in twips of the cell's text area."""

    left: int
    length: int
    y_mm: float  # from the top of the paragraph it is anchored in


def drawingml_run(line: Line, shape_id: int, *, fallback: bool) -> str:
    """Return a run holding a straight connector as Word writes it (with its VML fallback) or LibreOffice does."""
    left, length, y = line.left * EMU_PER_TWIP, line.length * EMU_PER_TWIP, round(line.y_mm * 36000)
    drawing = (
        "<w:drawing>"
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="column"><wp:posOffset>{left}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{length}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{shape_id}" name="Straight Connector {shape_id}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{length}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
        "</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )
    if not fallback:
        return f"<w:r {NAMESPACES}>{drawing}</w:r>"
    return (
        f'<w:r {NAMESPACES}><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
        f"<mc:Fallback><w:pict>{_vml_line(line)}</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def vml_run(line: Line) -> str:
    """Return a run holding a VML line, as Word writes one in a document in compatibility mode."""
    return f"<w:r {NAMESPACES}><w:pict>{_vml_line(line)}</w:pict></w:r>"


def _vml_line(line: Line) -> str:
    left_pt, right_pt = line.left / 20, (line.left + line.length) / 20
    y_pt = round(line.y_mm * 72 / 25.4, 2)
    return (
        '<v:line id="Straight Connector" o:spid="_x0000_s1026" style="position:absolute;z-index:251659264;'
        "mso-position-horizontal:absolute;mso-position-horizontal-relative:text;"
        'mso-position-vertical:absolute;mso-position-vertical-relative:text" '
        f'from="{left_pt}pt,{y_pt}pt" to="{right_pt}pt,{y_pt}pt" strokeweight=".75pt"/>'
    )


def paragraph(xml: str) -> etree._Element:
    return etree.fromstring(f"<w:p {NAMESPACES}>{xml}</w:p>")


def rewrite(
    document_xml: bytes,
    *,
    shapes: str,
    summary: str,
    kinh_gui: tuple[str, ...],
    shift_mm: float = 0.0,
    raise_mm: float = RAISE_MM,
    in_table: bool = False,
) -> bytes:
    """Return one of our renders' document.xml laid out as another office's.

    shapes: "drawingml" (Word: DrawingML with a VML fallback), "vml" or "libreoffice" (DrawingML
    alone), or "typed" (no shapes: lines of "_" under the issuing body and the motto). summary: "typed" (a paragraph of "_"), "typed-break" (the "_" after a line break in the
    summary's paragraph), or "shape" (a shape anchored in the paragraph under the summary).
    kinh_gui: nothing, one addressee, or a list, typed as offices do; in_table: "Kính gửi:" in
    the left cell of a borderless table, the addressees in the right one, as some offices set it.
    shift_mm moves the header's lines sideways, raise_mm how far up they are drawn (negative: down).
    """
    root = etree.fromstring(document_xml)
    body = root.find(W + "body")
    table = body.find(W + "tbl")
    first, second = table.findall(W + "tr")[:2]
    shape_id = 10
    for column, (top_cell, anchor_cell) in enumerate(zip(first.findall(W + "tc"), second.findall(W + "tc"), strict=True)):
        rule = next(p for p in top_cell.findall(W + "p") if _style(p) == "TBDuongKe")
        indent = rule.find(f"{W}pPr/{W}ind")
        width = int(top_cell.find(f"{W}tcPr/{W}tcW").get(W + "w")) - 2 * WORD_CELL_MARGIN
        left = int(indent.get(W + "left")) if indent is not None else 0
        line = Line(left + round(shift_mm * TWIPS_PER_MM), width - 2 * left, -raise_mm)
        if shapes == "typed":  # the heading's lines typed too, "______" centred under the text
            typed = "_" * (9 if column == 0 else 22)
            rule.addprevious(
                paragraph(f'<w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="center"/></w:pPr><w:r><w:t>{typed}</w:t></w:r>')
            )
            top_cell.remove(rule)
            continue
        top_cell.remove(rule)
        _space_after(top_cell.findall(W + "p")[-1], SPACE_AFTER)
        target = anchor_cell.find(W + "p")
        run = vml_run(line) if shapes == "vml" else drawingml_run(line, shape_id + column, fallback=shapes == "drawingml")
        target.append(etree.fromstring(run))
    summary_rule = next(p for p in body.findall(W + "p") if _style(p) == "TBDuongKe")
    following = summary_rule.getnext()
    if summary == "typed":
        typed = paragraph('<w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>________________________</w:t></w:r>')
        summary_rule.addprevious(typed)
    elif summary == "typed-break":
        text = summary_rule.getprevious()
        text.append(etree.fromstring(f"<w:r {NAMESPACES}><w:br/><w:t>________________________</w:t></w:r>"))
    body.remove(summary_rule)
    anchor = following
    if kinh_gui and in_table:
        table = _kinh_gui_table(kinh_gui)
        following.addprevious(table)
    elif kinh_gui:
        added = _kinh_gui(kinh_gui)
        for para in added:
            following.addprevious(para)
        anchor = added[0]
    if summary == "shape":
        width = 9071 - 2 * 2631  # the summary's line of our render: 160 mm less its indents
        line = Line(2631, width, 0.5)
        run = vml_run(line) if shapes == "vml" else drawingml_run(line, 20, fallback=shapes == "drawingml")
        anchor.append(etree.fromstring(run))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _kinh_gui(addressees: tuple[str, ...]) -> list[etree._Element]:
    spacing = '<w:spacing w:before="240" w:after="120"/>'
    if len(addressees) == 1:
        return [paragraph(f'<w:pPr>{spacing}<w:jc w:val="center"/></w:pPr><w:r><w:t>Kính gửi: {addressees[0]}.</w:t></w:r>')]
    # The first addressee on the line of "Kính gửi:" after a tab, the others under it: the
    # decree's own sample (Phụ lục I, mục V) as offices type it.
    head, items = 1701, 2948
    last = len(addressees) - 1
    out = [
        paragraph(
            f'<w:pPr><w:tabs><w:tab w:val="left" w:pos="{items}"/></w:tabs><w:spacing w:before="240" w:after="0"/>'
            f'<w:ind w:left="{head}"/></w:pPr><w:r><w:t>Kính gửi:</w:t></w:r><w:r><w:tab/></w:r>'
            f"<w:r><w:t>- {addressees[0]};</w:t></w:r>"
        )
    ]
    for index, name in enumerate(addressees[1:], start=1):
        end = "." if index == last else ";"
        out.append(
            paragraph(f'<w:pPr><w:spacing w:before="0" w:after="0"/><w:ind w:left="{items}"/></w:pPr><w:r><w:t>- {name}{end}</w:t></w:r>')
        )
    return out


def _kinh_gui_table(addressees: tuple[str, ...]) -> etree._Element:
    last = len(addressees) - 1
    names = "".join(
        f"<w:p><w:r><w:t>{'- ' if len(addressees) > 1 else ''}{name}{'.' if index == last else ';'}</w:t></w:r></w:p>"
        for index, name in enumerate(addressees)
    )
    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return etree.fromstring(
        f'<w:tbl {NAMESPACES}><w:tblPr><w:tblW w:w="7000" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="1800"/><w:gridCol w:w="5200"/></w:tblGrid><w:tr>'
        '<w:tc><w:tcPr><w:tcW w:w="1800" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:t>Kính gửi:</w:t></w:r></w:p></w:tc>'
        f'<w:tc><w:tcPr><w:tcW w:w="5200" w:type="dxa"/></w:tcPr>{names}</w:tc></w:tr></w:tbl>'
    )


def _style(para: etree._Element) -> str | None:
    style = para.find(f"{W}pPr/{W}pStyle")
    return style.get(W + "val") if style is not None else None


def _space_after(para: etree._Element, twips: int) -> None:
    props = para.find(W + "pPr")
    spacing = etree.SubElement(props, W + "spacing")
    spacing.set(W + "after", str(twips))


def write(rendered: Path, target: Path, **layout: object) -> Path:
    """Write rendered as another office's file (see `rewrite`) to target."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(rendered) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = rewrite(data, **layout)  # type: ignore[arg-type]
            copy.writestr(info.filename, data)
    target.write_bytes(buffer.getvalue())
    return target
