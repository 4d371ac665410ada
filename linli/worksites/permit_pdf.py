"""A permit as a printable A6 card (通行证/复工证): the kind in large letters, the site, the
plate and route or the worker's masked name, the validity, and a QR code of the public
verification page (`/worksites/permit/<token>/`) that a checkpoint volunteer scans.

Nothing personal beyond the masked name is printed: the card rides on a dashboard or in a
pocket. Laid out with reportlab in the embedded CJK font of `linli.core.posters`; the QR code
drawn module by module (segno), as `linli.medicine.labels` does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.masking import mask_name
from linli.core.posters import FONT, register_font
from linli.worksites.models import Permit

WHEN = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Card:
    title: str
    site: str
    subject: str  # the plate, or the worker's masked name
    route: str
    valid: str
    url: str


def card_of(permit: Permit, url: str) -> Card:
    local = timezone.localtime
    return Card(
        title=str(permit.get_kind_display()),
        site=permit.compound.name,
        subject=permit.plate
        if permit.kind == Permit.Kind.VEHICLE
        else mask_name(permit.worker.name if permit.worker else ""),
        route=permit.route,
        valid=f"{local(permit.valid_from):{WHEN}} – {local(permit.valid_until):{WHEN}}",
        url=url,
    )


def permit_pdf(card: Card) -> bytes:
    """One A6 page: text above, the QR code below."""
    import segno
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    width, height = A6
    pdf = canvas.Canvas(buffer, pagesize=A6, pageCompression=1)
    pdf.setTitle(card.title)
    left = 8 * mm
    pdf.setFont(FONT, 20)
    pdf.drawString(left, height - 16 * mm, card.title)
    pdf.setFont(FONT, 11)
    lines = [card.site, card.subject, card.route, _("有效期") + "：", card.valid]
    y = height - 25 * mm
    for line in lines:
        if line:
            pdf.drawString(left, y, line[:40])
            y -= 6 * mm
    matrix = [list(row) for row in segno.make(card.url, error="m", mask=0).matrix]
    size = min(width - 2 * left, y - 8 * mm)
    module = size / len(matrix)
    qx, top = (width - size) / 2, y - 2 * mm
    pdf.setFillColor(colors.black)
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
            path.rect(qx + c * module, top - (r + 1) * module, (end - c) * module, module)
            c = end
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.linkURL(card.url, (qx, top - size, qx + size, top), relative=0)
    pdf.setFont(FONT, 8)
    pdf.drawString(left, 5 * mm, _("扫码核验：有效 / 已过期 / 已撤销"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
