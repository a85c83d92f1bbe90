"""Where each cell of a table sits: its row and column once column and row spans are counted.

A table is written row by row as HTML writes it: a cell merged downwards (`gop_hang`) is written
once, in its top row, and the rows below it leave its columns out. `place` finds the grid
position of every cell and what does not fit (a row too short or too long, a cell merged beyond
the last row), for the checks, the layout and the importer alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from tbkl_gen.notice.model import Bang, Cell, O


@dataclass(frozen=True)
class Placed:
    """One cell at its place: first row and column (0-based) and how many it covers."""

    text: str
    row: int
    column: int
    columns: int = 1
    rows: int = 1


@dataclass(frozen=True)
class Grid:
    """A table's cells placed, its number of columns, and the rows that do not fill it."""

    cells: tuple[Placed, ...]
    columns: int
    uneven_rows: tuple[tuple[int, int], ...]
    """(row, columns it fills) of every row (0-based) that fills fewer or more than `columns`."""
    overhanging: tuple[Placed, ...]
    """Cells merged down past the last row."""


def cell_text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell.o


def spans(cell: Cell) -> tuple[int, int]:
    """Return (columns, rows) a written cell covers."""
    return (1, 1) if isinstance(cell, str) else (cell.gop_cot, cell.gop_hang)


def place(rows: tuple[tuple[Cell, ...], ...], columns: int | None = None) -> Grid:
    """Place the cells of rows on a grid; columns is the table's width, else the first row's."""
    if columns is None:
        columns = sum(spans(cell)[0] for cell in rows[0]) if rows else 0
    taken: dict[int, set[int]] = {}
    cells: list[Placed] = []
    uneven: list[tuple[int, int]] = []
    overhanging: list[Placed] = []
    for r, row in enumerate(rows):
        busy = taken.setdefault(r, set())
        c = 0
        for cell in row:
            while c in busy:
                c += 1
            across, down = spans(cell)
            placed = Placed(cell_text(cell), r, c, across, down)
            cells.append(placed)
            if r + down > len(rows):
                overhanging.append(placed)
            for below in range(r, r + down):
                taken.setdefault(below, set()).update(range(c, c + across))
            c += across
        filled = len(taken[r])
        if filled != columns or (taken[r] and max(taken[r]) >= columns):
            uneven.append((r, filled))
    return Grid(tuple(cells), columns, tuple(uneven), tuple(overhanging))


def columns_of(table: Bang) -> int:
    """Return the number of columns a table declares: by its widths, else by its first row."""
    widths = table.do_rong_mm or table.do_rong
    if widths:
        return len(widths)
    return sum(spans(cell)[0] for cell in table.bang[0]) if table.bang else 0


__all__ = ["Grid", "O", "Placed", "cell_text", "columns_of", "place", "spans"]
