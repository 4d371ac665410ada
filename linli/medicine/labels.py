"""Bag labels (一人一档): an A4 sheet of 3 × 8 sticky labels, one per request's bag.

Each label carries what the gate and the building leader need to get the bag to the right door
and nothing more: the patient's name masked (张*丰), the committee, compound, building and room,
the form number, a cold-chain mark (冷链) when any line must stay cold, a stripe in the
request's urgency colour, and a QR code of the request's bag page, which shows the request only
to those allowed to see it (`medicine.scan_medicineorder`). No drug name is printed: a
confidential line would show through the bag.

Laid out with reportlab in the CJK font of `linli.core.posters`; the QR code is drawn module by
module (segno), crisp at any size and clickable in a PDF viewer.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from linli.core.masking import mask_name
from linli.core.posters import FONT, register_font
from linli.medicine.models import MedicineOrder
from linli.medicine.sheets import place_of

COLUMNS, ROWS = 3, 8
# Urgency stripes: red out of medicine now, amber today, green can wait a day.
URGENCY_COLOURS: dict[str, str] = {
    MedicineOrder.Urgency.RED: "#d32f2f",
    MedicineOrder.Urgency.YELLOW: "#f9a825",
    MedicineOrder.Urgency.GREEN: "#2e7d32",
}
COLD_CHAIN_COLOUR = "#1565c0"
# Medium error correction (a crumpled bag still scans) and one fixed mask pattern: any of the
# eight masks is a valid code, and choosing the best by segno's penalty scores took four fifths
# of the time of a day's 750 labels.
QR_ERROR, QR_MASK = "m", 0


@dataclass(frozen=True)
class Label:
    patient: str  # masked
    committee: str
    place: str  # compound building room
    number: str  # form number, or the request's id
    urgency: str
    cold_chain: bool
    url: str


def label_of(order: MedicineOrder, url: str) -> Label:
    return Label(
        patient=mask_name(order.resident.name),
        committee=order.committee.name,
        place=place_of(order),
        number=order.label,
        urgency=order.urgency,
        cold_chain=order.cold_chain,
        url=url,
    )


def labels_for(
    orders: Iterable[MedicineOrder], url_of: Callable[[MedicineOrder], str]
) -> list[Label]:
    """One label per request, by committee, place and form number (how bags are sorted at the
    gate)."""
    ordered = sorted(
        orders,
        key=lambda o: (
            o.committee.name,
            o.household.building.compound.name,
            o.household.building.sort_key,
            o.household.room,
            o.label,
        ),
    )
    return [label_of(order, url_of(order)) for order in ordered]


def labels_pdf(labels: list[Label], *, document_title: str = "") -> bytes:
    """A4 pages of 3 × 8 labels (70 × 37.1 mm), left to right, top to bottom."""
    import segno
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    width, height = A4
    cell_w, cell_h = width / COLUMNS, height / ROWS
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(document_title)
    if not labels:
        pdf.setFont(FONT, 14)
        pdf.drawString(20 * mm, height - 30 * mm, _("没有需要打印的标签"))
    for index, label in enumerate(labels):
        slot = index % (COLUMNS * ROWS)
        if index and slot == 0:
            pdf.showPage()
        x = (slot % COLUMNS) * cell_w
        y = height - (slot // COLUMNS + 1) * cell_h  # the label's bottom edge
        pad = 3 * mm
        # The urgency stripe along the left edge.
        pdf.setFillColor(colors.HexColor(URGENCY_COLOURS.get(label.urgency, "#9e9e9e")))
        pdf.rect(x + pad, y + pad, 3 * mm, cell_h - 2 * pad, stroke=0, fill=1)
        # The QR code at the right.
        matrix = [list(row) for row in segno.make(label.url, error=QR_ERROR, mask=QR_MASK).matrix]
        size = cell_h - 2 * pad
        module = size / len(matrix)
        left, top = x + cell_w - pad - size, y + cell_h - pad
        pdf.setFillColor(colors.black)
        # One path per code, each row's runs of dark modules one rectangle: a sheet of a
        # day's 750 labels stays quick to write and to print.
        path = pdf.beginPath()
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                end = c
                while end < len(row) and row[end]:
                    end += 1
                path.rect(left + c * module, top - (r + 1) * module, (end - c) * module, module)
                c = end
        pdf.drawPath(path, stroke=0, fill=1)
        pdf.linkURL(label.url, (left, top - size, left + size, top), relative=0)
        # The text between stripe and code: name large, then committee, place, form number.
        text_x = x + pad + 5 * mm
        pdf.setFont(FONT, 14)
        pdf.drawString(text_x, y + cell_h - pad - 5 * mm, label.patient)
        pdf.setFont(FONT, 8)
        pdf.drawString(text_x, y + cell_h - pad - 11 * mm, label.committee)
        pdf.drawString(text_x, y + cell_h - pad - 15.5 * mm, label.place)
        pdf.setFont(FONT, 9)
        pdf.drawString(text_x, y + cell_h - pad - 21 * mm, label.number)
        if label.cold_chain:
            # White on blue, boxed: seen across a table of bags.
            pdf.setFillColor(colors.HexColor(COLD_CHAIN_COLOUR))
            pdf.roundRect(text_x, y + pad, 16 * mm, 7 * mm, 1.5 * mm, stroke=0, fill=1)
            pdf.setFillColor(colors.white)
            pdf.setFont(FONT, 11)
            pdf.drawString(text_x + 2.5 * mm, y + pad + 2 * mm, _("冷链"))
            pdf.setFillColor(colors.black)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
