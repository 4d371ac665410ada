"""Printable QR posters (PDF, Chinese): one A4 page per building with its self-service link.

Chinese text uses reportlab's built-in CID font STSong-Light (no font file to ship; PDF readers
supply the glyphs). The QR code is drawn module by module, so it stays crisp at any size.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

FONT = "STSong-Light"


@dataclass(frozen=True)
class Poster:
    title: str  # e.g. "香樟苑 1号楼"
    heading: str  # e.g. "居民求助"
    lines: tuple[str, ...]
    url: str


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def posters_pdf(posters: Iterable[Poster], *, document_title: str = "") -> bytes:
    """One page per poster."""
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(document_title)
    for poster in posters:
        pdf.setFont(FONT, 30)
        pdf.drawCentredString(width / 2, height - 35 * mm, poster.title)
        pdf.setFont(FONT, 26)
        pdf.drawCentredString(width / 2, height - 50 * mm, poster.heading)
        matrix = [list(row) for row in segno.make(poster.url, error="m").matrix]
        size = 115 * mm
        cell = size / len(matrix)
        left, top = (width - size) / 2, height - 62 * mm
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    pdf.rect(left + x * cell, top - (y + 1) * cell, cell, cell, stroke=0, fill=1)
        pdf.setFont(FONT, 15)
        for i, line in enumerate(poster.lines):
            pdf.drawCentredString(width / 2, top - size - (14 + 9 * i) * mm, line)
        pdf.setFont("Helvetica", 7)
        pdf.drawCentredString(width / 2, 12 * mm, poster.url)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def help_poster(*, compound: str, building: str, url: str) -> Poster:
    return Poster(
        title=f"{compound} {building}",
        heading="居民求助 · 扫码提交",
        lines=(
            "配药、食品物资、就医、心理疏导等需求，请用手机扫码提交。",
            "填写室号和手机号即可，无需注册；提交后可随时查看办理进度。",
            "紧急情况请直接拨打 120 / 110，或联系楼组长。",
        ),
        url=url,
    )
