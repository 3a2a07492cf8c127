"""Writing tables into Excel sheets (openpyxl): phone numbers masked, and text always written as text.

Titles, names and comments come from residents and staff. A text cell starting with = + - @, a tab
or a carriage return would run as a formula (or DDE command) when the sheet is opened or the cell
edited, so every text goes through text_cell(): a string cell (never a formula or error value)
with Excel's quote prefix, the xlsx way of saying "this is text". Numbers stay numbers.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.privacy import mask_phone, scrub  # noqa: F401  (the workbook's masking, kept importable here)

if TYPE_CHECKING:  # openpyxl (and numpy and PIL with it, 25 MB) is imported when a sheet is written
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

PERCENT = "0.0%"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
HOURS = "0.0"


class Percent(float):
    """A share written as a percentage cell."""


class Hours(float):
    """Hours written with one decimal."""


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # Control characters cannot be stored in xlsx at all (openpyxl refuses them).
        return ILLEGAL_CHARACTERS_RE.sub("", scrub(value))
    return value


def text_cell(cell: Cell) -> None:
    """Keep a text cell text: never a formula or an error value, quote-prefixed when it looks like one."""
    if not isinstance(cell.value, str):
        return
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_LEADS):
        cell.quotePrefix = True


def new_workbook() -> Workbook:
    """An empty workbook (its default sheet removed)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def add_table(book: Workbook, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
              total: Sequence[Any] | None = None) -> Worksheet:
    """A sheet with a bold header row, the rows below it and an optional bold total row."""
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(name[:31])
    _append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        _append(sheet, row)
    if total is not None:
        _append(sheet, total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    _fit_columns(sheet, headers)
    return sheet


def _append(sheet: Worksheet, row: Sequence[Any]) -> None:
    sheet.append([_cell(v) for v in row])
    for cell, value in zip(sheet[sheet.max_row], row):
        text_cell(cell)
        if isinstance(value, Percent):
            cell.number_format = PERCENT
        elif isinstance(value, Hours):
            cell.number_format = HOURS


def _width(value: Any) -> int:
    text = str(value if value is not None else "")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fit_columns(sheet: Worksheet, headers: Sequence[str]) -> None:
    from openpyxl.utils import get_column_letter

    for index in range(1, len(headers) + 1):
        letter = get_column_letter(index)
        longest = max((_width(c.value) for c in sheet[letter]), default=8)
        sheet.column_dimensions[letter].width = min(max(longest + 2, 8), 50)


def add_pairs(book: Workbook, name: str, pairs: Iterable[tuple[str, Any]]) -> Worksheet:
    """A two-column sheet of (item, value) lines, items in bold."""
    from openpyxl.styles import Font

    sheet = book.create_sheet(name[:31])
    for label, value in pairs:
        _append(sheet, (label, value))
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    _fit_columns(sheet, ("", ""))
    return sheet


def save(book: Workbook, path: str | Path) -> Path:
    """Write the workbook, creating its folder."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out
