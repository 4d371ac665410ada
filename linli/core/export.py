"""Writing spreadsheets users download: every cell is text, formula-like cells are defused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell_text(value: Any) -> str:
    """A cell's text with anything a spreadsheet could run as a formula neutralised."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_xlsx(
    target: str | IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Sheet1",
) -> None:
    """Stream rows into an xlsx file. All cells are stored as text (number format "@"), so ID
    and phone numbers stay exact when the file is opened and saved again in Excel."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    ws.append([_text_cell(ws, h, bold=True) for h in headers])
    for row in rows:
        ws.append([_text_cell(ws, v) for v in row])
    wb.save(target)


def _text_cell(ws: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=safe_cell_text(value))
    cell.number_format = "@"
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    return cell
