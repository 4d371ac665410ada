"""The template of an import kind: an xlsx a clerk fills in, made from the importer's declared
columns, so that every kind (a new one too) has one.

Row 1 explains the sheet (in the page's language), row 2 holds the Chinese headers the importer
recognises, row 3 is the example row, grey and italic, with each column's `example`. The engine
skips a row equal to the example row (`is_example_row`), so a clerk who leaves it in imports
nothing false; a row filled in over it is a row like any other.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import xlsxwriter
from django.utils.translation import gettext

if TYPE_CHECKING:
    from linli.core.imports import Importer
    from linli.core.spreadsheet import Column, Row


def template_xlsx(importer: type[Importer]) -> bytes:
    """The kind's template as xlsx bytes; every cell is text (ID and phone numbers stay exact)."""
    columns = list(importer.columns)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False})
    text = workbook.add_format({"num_format": "@"})
    note = workbook.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
    header = workbook.add_format({"num_format": "@", "bold": True, "bg_color": "#e8eef7"})
    required = workbook.add_format(
        {"num_format": "@", "bold": True, "bg_color": "#e8eef7", "font_color": "#b3261e"}
    )
    example = workbook.add_format({"num_format": "@", "italic": True, "font_color": "#777777"})
    sheet = workbook.add_worksheet(gettext(importer.label)[:31])
    sheet.set_column(0, max(len(columns) - 1, 0), 16, text)
    must = "、".join(c.label for c in columns if c.required)
    explanation = gettext(
        "%(kind)s导入模板。第2行是表头，请勿修改；第3行是示例（灰色），导入时会跳过，"
        "可以改成真实数据或删除；从第4行起每行填一条。红色表头为必填：%(required)s。"
        "身份证号、手机号请保持“文本”格式。"
    ) % {"kind": gettext(importer.label), "required": must or "—"}
    if len(columns) > 1:
        sheet.merge_range(0, 0, 0, len(columns) - 1, explanation, note)
    else:
        sheet.write_string(0, 0, explanation, note)
    sheet.set_row(0, 60)
    for col, column in enumerate(columns):
        sheet.write_string(1, col, column.label, required if column.required else header)
        sheet.write_string(2, col, column.example_text, example)
    sheet.freeze_panes(2, 0)
    workbook.close()
    return buffer.getvalue()


def is_example_row(row: Row, columns: list[Column]) -> bool:
    """True for the template's example row, left as it came."""
    values = row.values
    return bool(values) and all(
        values[c.name] == c.example_text for c in columns if c.name in values
    )
