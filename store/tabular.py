"""Reading the rows of a CSV or XLSX file, numbered as a spreadsheet shows them."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S")


class TableError(Exception):
    """The file cannot be read as a table at all."""


def decode_csv(raw: bytes) -> str:
    """CSV text from UTF-8 (with or without BOM) or GB18030 bytes."""
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV")


def _csv_rows(path: Path) -> list[list[Any]]:
    text = decode_csv(path.read_bytes())
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise TableError(f"CSV 格式有误：{exc}") from exc


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a broken file)
        raise TableError("无法打开 Excel 文件，请确认是 .xlsx 格式且未损坏") from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()


def read_rows(path: Path) -> list[tuple[int, list[Any]]]:
    """(row number, cell values) for every row, the first being 1; blank rows are left out."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix == ".xls":
        raise TableError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV")
    else:
        raise TableError("只支持 CSV 或 XLSX 文件")
    return [(number, row) for number, row in enumerate(rows, start=1)
            if any(cell_text(cell) for cell in row)]


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_datetime(value: Any) -> datetime | None:
    """A date and time from a cell (text or a real datetime), or None when unreadable."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return None  # a date without a time of day
    text = cell_text(value)
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def cell_whole_number(value: Any) -> int | None:
    """A non-negative whole number from a cell, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if value >= 0 else None
    text = cell_text(value)
    return int(text) if text.isdecimal() else None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file; row 1 is the header, row 0 the file as a whole."""

    row: int
    column: str
    message: str


class FileRejected(Exception):
    """A file rejected whole, with every problem by row and column; subclasses name the columns."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, problems: list[Problem]):
        order = {name: index for index, name in enumerate(self.COLUMNS)}
        self.problems = sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order))))
        super().__init__(self.format_problems())

    def format_problems(self) -> str:
        """One line per problem, e.g. "第 3 行，starts_at：开始时间格式不对…"."""
        lines = []
        for p in self.problems:
            where = "文件" if p.row <= 0 else f"第 {p.row} 行"
            lines.append(f"{where}，{p.column}：{p.message}" if p.column else f"{where}：{p.message}")
        return "\n".join(lines)


def read_header(cells: list[Any], labels: dict[str, str], optional: Iterable[str],
                problems: list[Problem]) -> dict[str, int]:
    """Column positions by name (English or the Chinese label), reporting unknown, repeated and
    missing columns."""
    aliases = {label: name for name, label in labels.items()}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        if not text:
            continue
        name = aliases.get(text, text.lower())
        if name not in labels:
            problems.append(Problem(1, text, "无法识别的列名，可用的列：" + "、".join(labels)))
        elif name in positions:
            problems.append(Problem(1, name, "这一列出现了不止一次"))
        else:
            positions[name] = index
    for name in labels:
        if name not in positions and name not in optional:
            problems.append(Problem(1, name, f"缺少“{name}”（{labels[name]}）这一列"))
    return positions


def read_table(path: Path, labels: dict[str, str], optional: Iterable[str], problems: list[Problem],
               rejected: type[FileRejected], what: str) -> list[tuple[int, dict[str, Any]]]:
    """Each data row's number and cells by column name.

    A file that cannot be read or is empty raises `rejected`; header problems and a header with
    no rows under it (of `what`: 课程, 场馆 …) go to problems."""
    try:
        rows = read_rows(path)
    except TableError as exc:
        raise rejected([Problem(0, "", str(exc))]) from exc
    if not rows:
        raise rejected([Problem(0, "", "文件是空的")])
    positions = read_header(rows[0][1], labels, optional, problems)
    if len(rows) < 2:
        problems.append(Problem(rows[0][0], "", f"表头下面没有{what}数据"))
    return [(number, {name: row[index] if index < len(row) else None for name, index in positions.items()})
            for number, row in rows[1:]]
