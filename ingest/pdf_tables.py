"""A PDF table's rows, read back into the page's text.

pypdf's plain text gives a table one cell per line ("調查年", "空屋總數（萬戶）", …, "1988", "394", …):
the rows are lost, and the cleaner joins the short lines into one run of numbers. Its layout mode
keeps each row on a line, the cells set apart by runs of spaces, but it moves raised footnote marks
([2]) out of their lines, so it cannot replace the plain text. The rows are taken from the layout
text and put in place of the plain text's run of cell lines, cells joined by tabs (the loaders'
table row, :func:`ingest.load.table_row`), only where the cells match the lines one for one: a
table whose layout the reading gets wrong stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

SHORT_CELL = 30  # characters: a longer line is running text, not a cell
MIN_CELL_LINES = 6  # a page with fewer short lines in a row has no table to read (layout is not asked for)
_GAP = re.compile(r" {2,}|\t")  # layout mode sets cells apart by runs of spaces


def has_cell_run(plain: str) -> bool:
    """Whether ``plain`` has :data:`MIN_CELL_LINES` short lines in a row: a table read one cell per line."""
    run = 0
    for line in plain.splitlines():
        short = 0 < len(line.strip()) <= SHORT_CELL
        run = run + 1 if short else 0
        if run >= MIN_CELL_LINES:
            return True
    return False


def layout_rows(layout: str) -> list[list[list[str]]]:
    """The tables of a layout-mode page: runs of two or more lines (blank lines between them
    allowed) that each split into the same number (two or more) of short cells."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in layout.splitlines():
        if not line.strip():
            continue
        cells = [cell.strip() for cell in _GAP.split(line.strip())]
        if len(cells) >= 2 and all(0 < len(cell) <= SHORT_CELL for cell in cells):
            if current and len(cells) != len(current[-1]):
                tables.append(current)
                current = []
            current.append(cells)
            continue
        tables.append(current)
        current = []
    tables.append(current)
    return [table for table in tables if len(table) >= 2]


def _find(lines: Sequence[str], cells: Sequence[str], start: int) -> int:
    """The first index from ``start`` where ``lines`` (stripped) read ``cells`` one per line, or -1."""
    width = len(cells)
    for i in range(start, len(lines) - width + 1):
        if all(lines[i + j].strip() == cells[j] for j in range(width)):
            return i
    return -1


def _splice(lines: list[str], table: Sequence[Sequence[str]]) -> list[str]:
    """``lines`` with the run of cell lines of ``table`` (from its first row on, as long as the rows
    follow one another) replaced by its rows, tab-joined; unchanged unless two rows match."""
    first = _find(lines, table[0], 0)
    if first < 0:
        return lines
    end, rows = first, []
    for row in table:
        if _find(lines, row, end) != end:
            break
        rows.append("\t".join(row))
        end += len(row)
    return lines[:first] + rows + lines[end:] if len(rows) >= 2 else lines


def with_table_rows(plain: str, layout: Callable[[], str]) -> str:
    """``plain`` (a page's text) with each table that ``layout()`` (the page's layout-mode text,
    asked for only when the page has a run of cell lines) shows read as tab-joined rows."""
    if not has_cell_run(plain):
        return plain
    lines = plain.splitlines()
    for table in layout_rows(layout()):
        lines = _splice(lines, table)
    return "\n".join(lines)
