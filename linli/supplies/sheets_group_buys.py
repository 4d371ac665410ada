"""A group buy's printable outputs, as xlsx (through `linli.core.export`) or PDF (reportlab with
the CJK font posters use): the supplier's order sheet, the pick list per building and the pick
list per household, compound by compound. Each is at most a few thousand rows (a few
compounds), so it is made at once."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from linli.core.export import safe_cell_text, write_xlsx
from linli.core.posters import FONT, register_font
from linli.supplies import selectors_group_buys as selectors
from linli.supplies.models import GroupBuy


@dataclass(frozen=True)
class Output:
    title: Callable[[], str]
    headers: Callable[[], list[str]]
    rows: Callable[[GroupBuy], list[list[Any]]]
    widths: tuple[int, ...]  # PDF column widths, in mm (A4 portrait: 180 in all)


OUTPUTS: dict[str, Output] = {
    "supplier": Output(
        lambda: _("供应商订货单"),
        lambda: [_("商品"), _("包装规格"), _("单位"), _("数量"), _("标价（元）"), _("金额（元）")],
        selectors.supplier_sheet,
        (55, 30, 15, 20, 30, 30),
    ),
    "buildings": Output(
        lambda: _("分楼栋拣货单"),
        lambda: [_("小区"), _("楼栋"), _("商品"), _("数量"), _("单位"), _("户数")],
        selectors.building_pick,
        (30, 30, 55, 20, 15, 30),
    ),
    "households": Output(
        lambda: _("分户拣货单"),
        lambda: [
            _("小区"),
            _("楼栋"),
            _("室号"),
            _("商品"),
            _("数量"),
            _("单位"),
            _("应付（元）"),
            _("已付（元）"),
        ],
        selectors.household_pick,
        (25, 20, 15, 45, 15, 15, 23, 22),
    ),
}


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, sheet_title=title)
    return buffer.getvalue()


@functools.cache
def _widest_glyph() -> float:
    """The advance of the font's widest glyph, in ems (wqy-zenhei: 1.08)."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(FONT).face  # type: ignore[attr-defined]
    return max([face.defaultWidth, *face.charWidths.values()]) / 1000


def pdf_bytes(
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int],
) -> bytes:
    """A plain table on A4 pages, the header repeated on each page.

    A page's cells are written as one text object (one `BT … ET`, the font set once), not one
    `drawString` each (a text object, bidi shaping and the font operator per cell: half the
    time of a 200-household pick list); a cell is measured only when it might be too wide
    (`len(text)` times the font's widest glyph bounds its width)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    left, line, size = 15 * mm, 7 * mm, 10
    xs = [left]
    for w in widths[:-1]:
        xs.append(xs[-1] + w * mm)
    room = [w * mm - 2 * mm for w in widths]
    widest = _widest_glyph() * size

    def fit(text: str, space: float) -> str:
        if len(text) * widest <= space:
            return text
        while text and pdf.stringWidth(text, FONT, size) > space:
            text = text[:-1]
        return text

    def header(y: float) -> float:
        pdf.setFont(FONT, 16)
        pdf.drawString(left, y, title)
        pdf.setFont(FONT, size)
        pdf.drawString(left, y - 7 * mm, subtitle)
        y -= 16 * mm
        for x, text in zip(xs, headers, strict=False):
            pdf.drawString(x, y, text)
        pdf.line(left, y - 2 * mm, width - 15 * mm, y - 2 * mm)
        return y - line

    y = header(height - 20 * mm)
    cells = pdf.beginText()
    cells.setFont(FONT, size)
    for row in rows:
        if y < 20 * mm:
            pdf.drawText(cells)
            pdf.showPage()
            y = header(height - 20 * mm)
            cells = pdf.beginText()
            cells.setFont(FONT, size)
        for x, space, value in zip(xs, room, row, strict=False):
            text = fit(safe_cell_text(value), space)
            if text:
                cells.setTextOrigin(x, y)
                cells.textLine(text)
        y -= line
    pdf.drawText(cells)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def output_response(gb: GroupBuy, kind: str, fmt: str) -> HttpResponse | None:
    """The output `kind` of the group buy as `fmt` (xlsx or pdf), or None for an unknown one."""
    output = OUTPUTS.get(kind)
    if output is None or fmt not in ("xlsx", "pdf"):
        return None
    title = output.title()
    headers = output.headers()
    rows = output.rows(gb)
    places = gb.compound_names
    name = f"{places}-{gb.title}-{title}.{fmt}"
    if fmt == "xlsx":
        body = xlsx_bytes(headers, rows, title)
        kind_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        subtitle = f"{places} · {gb.title} · {gb.supplier.name} · {gb.delivery_on}"
        body = pdf_bytes(title, subtitle, headers, rows, output.widths)
        kind_type = "application/pdf"
    response = HttpResponse(body, content_type=kind_type)
    response["Content-Disposition"] = content_disposition_header(fmt == "xlsx", name) or ""
    return response
