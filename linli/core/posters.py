"""Printable QR posters (PDF, Chinese): one A4 page per poster, a title, a heading, the QR code
of a link, a few lines of instructions and the link itself in small print; and the links they
carry (`PosterLink` rows: a building's self-service link, a committee's report-in link).

The apps word their posters; this module lays them out. Chinese text uses a TrueType CJK font
embedded in the PDF (only the glyphs used), so a phone or a print shop without Chinese fonts
prints it right: Debian's fonts-wqy-zenhei (tools/prereqs installs it), or the .ttf/.ttc file
the environment variable LINLI_CJK_FONT names. Every app's PDF uses `FONT` after calling
`register_font()`. The QR code is
drawn module by module, so it stays crisp at any size; the code and the printed link are also
clickable in a PDF viewer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import models, transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from linli.core.audit import audit
from linli.core.models import AuditEntry, PosterLink

if TYPE_CHECKING:
    from linli.accounts.models import User

FONT = "LinliCJK"
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
)
L = TypeVar("L", bound=PosterLink)


@transaction.atomic
def poster_link(
    model: type[L], *, user: User | None, place: models.Model, renew: bool = False
) -> L:
    """The link of `place` (the one-to-one owner of a `model` row), made on first use; `renew`
    gives it a new token, so the old poster stops working (torn down, or misused)."""
    owner = next(f.name for f in model._meta.fields if isinstance(f, models.OneToOneField))
    town_id = place.town_id  # type: ignore[attr-defined]
    link, created = model._default_manager.get_or_create(
        **{owner: place}, defaults={"town_id": town_id, "token": model.new_token()}
    )
    if renew and not created:
        link.token = model.new_token()
        link.save(update_fields=["token"])
    if created or renew:
        audit(
            user=user,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            target=link,
            summary=f"{model._meta.model_name} " + ("created" if created else "renewed"),
        )
    return link


@dataclass(frozen=True)
class Poster:
    title: str  # e.g. "香樟苑 1号楼"
    heading: str  # e.g. "居民求助"
    lines: tuple[str, ...]  # what to scan it for, how, and what else to do (up to 3)
    url: str
    contacts: tuple[str, ...] = ()  # whom to call, larger (up to 3): "居委热线：021-…"


def register_font() -> None:
    """Register `FONT`, the embedded CJK font, once per process (a missing font file is a clear
    error, never a PDF of empty boxes)."""
    import os

    from django.core.exceptions import ImproperlyConfigured
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    given = os.environ.get("LINLI_CJK_FONT")
    found = [given] if given else [path for path in CJK_FONT_FILES if os.path.exists(path)]
    if not found or not os.path.exists(found[0]):
        raise ImproperlyConfigured(
            "生成 PDF 需要中文字体：apt-get install fonts-wqy-zenhei，或设置 LINLI_CJK_FONT "
            "(PDFs need a CJK TrueType font: install fonts-wqy-zenhei or set LINLI_CJK_FONT)"
        )
    pdfmetrics.registerFont(TTFont(FONT, found[0], subfontIndex=0))


def posters_pdf(posters: Iterable[Poster], *, document_title: str = "") -> bytes:
    """One A4 page per poster."""
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(document_title)
    for poster in posters:
        # Top to bottom: title, heading, the QR code (135 mm), the lines, the contacts in a
        # framed box, the link in small print: the page is filled, not left a third empty.
        pdf.setFont(FONT, 30)
        pdf.drawCentredString(width / 2, height - 28 * mm, poster.title)
        pdf.setFont(FONT, 26)
        pdf.drawCentredString(width / 2, height - 43 * mm, poster.heading)
        matrix = [list(row) for row in segno.make(poster.url, error="m").matrix]
        size = 135 * mm
        cell = size / len(matrix)
        left, top = (width - size) / 2, height - 52 * mm
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    pdf.rect(left + c * cell, top - (r + 1) * cell, cell, cell, stroke=0, fill=1)
        pdf.linkURL(poster.url, (left, top - size, left + size, top), relative=0)
        y = top - size - 12 * mm
        pdf.setFont(FONT, 15)
        for line in poster.lines:
            pdf.drawCentredString(width / 2, y, line)
            y -= 9 * mm
        if poster.contacts:
            box_top = y + 2 * mm
            box_height = (12 * len(poster.contacts) + 4) * mm
            pdf.setLineWidth(1.2)
            pdf.roundRect(18 * mm, box_top - box_height, width - 36 * mm, box_height, 4 * mm)
            pdf.setFont(FONT, 19)
            y = box_top - 11 * mm
            for contact in poster.contacts:
                pdf.drawCentredString(width / 2, y, contact)
                y -= 12 * mm
        pdf.setFont("Helvetica", 7)
        pdf.drawCentredString(width / 2, 12 * mm, poster.url)
        half = pdf.stringWidth(poster.url, "Helvetica", 7) / 2
        pdf.linkURL(poster.url, (width / 2 - half, 11 * mm, width / 2 + half, 15 * mm), relative=0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def posters_response(
    posters: Iterable[Poster], *, filename: str, document_title: str = ""
) -> HttpResponse:
    """The posters as a PDF shown in the browser (to print), saved as `filename`."""
    response = HttpResponse(
        posters_pdf(posters, document_title=document_title), content_type="application/pdf"
    )
    # A Chinese name needs RFC 6266's filename* form; Django writes both forms.
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    return response
