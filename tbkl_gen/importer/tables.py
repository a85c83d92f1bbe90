"""A Word table as a source `bang`: rows of cells, merged cells, header rows and column widths.

Read from the table's own XML (rows, `gridSpan`, `vMerge`, `tblHeader`, the grid), with the text
of each cell given by the caller (the importer's inline markup of its paragraphs). A cell merged
down is written once, in its first row, with `gop_hang`; the rows below leave its columns out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from tbkl_gen.audit.ooxml import W, to_twips
from tbkl_gen.nd30.units import TWIPS_PER_MM


def table_of(element: etree._Element) -> etree._Element | None:
    """Return the table that holds a paragraph directly (the innermost), or None."""
    node = element.getparent()
    while node is not None and node.tag != W + "tbl":
        node = node.getparent()
    return node


def cell_of(element: etree._Element) -> etree._Element | None:
    """Return the table cell that holds a paragraph directly (the innermost), or None."""
    node = element.getparent()
    while node is not None and node.tag != W + "tc":
        node = node.getparent()
    return node


def read_table(table: etree._Element, text_of: Callable[[etree._Element], tuple[str, bool]]) -> dict[str, Any]:
    """Return the source data of a table; text_of(tc) gives a cell's text and whether it is all bold.

    A cell all in bold is given without markup: header cells print bold anyway, other cells get
    their "**…**" back here.
    """
    grid = [to_twips(col.get(W + "w")) or 0.0 for col in table.findall(f"{W}tblGrid/{W}gridCol")]
    rows: list[list[dict[str, Any]]] = []
    open_down: dict[int, dict[str, Any]] = {}  # grid column -> the cell merged down from above
    header_marked = 0
    bold_first = True
    for index, tr in enumerate(table.findall(W + "tr")):
        props = tr.find(W + "trPr")
        if props is not None and props.find(W + "tblHeader") is not None and header_marked == index:
            header_marked += 1
        column = _int(props.find(W + "gridBefore") if props is not None else None, 0)
        row: list[dict[str, Any]] = []
        for tc in tr.findall(W + "tc"):
            tc_props = tc.find(W + "tcPr")
            span = max(_int(tc_props.find(W + "gridSpan") if tc_props is not None else None, 1), 1)
            merge = tc_props.find(W + "vMerge") if tc_props is not None else None
            if merge is not None and merge.get(W + "val", "continue") != "restart" and column in open_down:
                open_down[column]["gop_hang"] += 1
            else:
                text, bold = text_of(tc)
                cell = {"o": text, "gop_cot": span, "gop_hang": 1, "bold": bold}
                row.append(cell)
                if index == 0:
                    bold_first = bold_first and bold
                for col in list(open_down):
                    if column <= col < column + span:
                        del open_down[col]
                if merge is not None:
                    open_down[column] = cell
                else:
                    open_down.pop(column, None)
            column += span
        rows.append(row)
    # A row may hold no cell of its own when cells above are merged down over all of it.
    rows = rows or [[{"o": "", "gop_cot": 1, "gop_hang": 1, "bold": False}]]
    if header_marked:
        header = header_marked
    elif bold_first and any(cell["o"] for cell in rows[0]):
        header = max(cell["gop_hang"] for cell in rows[0])
    else:
        header = 0
    for row in rows[header:]:
        for cell in row:
            if cell["bold"] and cell["o"]:  # text_of gives a bold cell's text without its markup
                cell["o"] = f"**{cell['o']}**"
    data: dict[str, Any] = {"bang": [[_cell(cell) for cell in row] for row in rows]}
    if header != 1:
        data["hang_tieu_de"] = header
    widths = _cell_widths(table, len(grid)) or grid
    if widths and all(width > 0 for width in widths):
        data["do_rong"] = [max(1, round(width / TWIPS_PER_MM)) for width in widths]
    return data


def _cell_widths(table: etree._Element, columns: int) -> list[float]:
    """Return the widths of a row that has one cell per grid column, each with its width; [] when none has.

    Word keeps the grid and the cells' widths alike; other writers (python-docx among them)
    change only the cells' widths and leave a grid of equal columns.
    """
    for tr in table.findall(W + "tr"):
        cells = tr.findall(W + "tc")
        if len(cells) != columns:
            continue
        widths = []
        for tc in cells:
            width = tc.find(f"{W}tcPr/{W}tcW")
            if width is None or width.get(W + "type", "dxa") != "dxa":
                break
            widths.append(to_twips(width.get(W + "w")) or 0.0)
        else:
            return widths
    return []


def _cell(cell: dict[str, Any]) -> Any:
    if cell["gop_cot"] == 1 and cell["gop_hang"] == 1:
        return cell["o"]
    out: dict[str, Any] = {"o": cell["o"]}
    if cell["gop_cot"] > 1:
        out["gop_cot"] = cell["gop_cot"]
    if cell["gop_hang"] > 1:
        out["gop_hang"] = cell["gop_hang"]
    return out


def _int(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(W + "val", default))
    except (TypeError, ValueError):
        return default
