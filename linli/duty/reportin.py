"""Self-service report-in (报到): a committee's QR poster leads to a public phone page where a
volunteer registers; committee staff approve them from a queue.

The page is reached only through an unguessable per-committee token, is rate-limited per IP
address through Django's cache, and refuses large bodies; CSRF protection stays on.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction

from linli.core.audit import audit, client_ip
from linli.core.models import AuditEntry
from linli.core.validators import Problem, normalise_phone
from linli.duty.models import ReportInLink, Volunteer
from linli.duty.services import volunteer_create

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Committee

RATE_LIMIT = 10  # submissions per address
RATE_WINDOW = 3600  # seconds
MAX_BODY_BYTES = 8 * 1024


@transaction.atomic
def report_in_link(*, user: User | None, committee: Committee, renew: bool = False) -> ReportInLink:
    """The committee's link, created on first use; `renew` retires the old token (leaked)."""
    link, created = ReportInLink.objects.get_or_create(
        committee=committee,
        defaults={"town_id": committee.town_id, "token": ReportInLink.new_token()},
    )
    if renew and not created:
        link.token = ReportInLink.new_token()
        link.save(update_fields=["token"])
    if created or renew:
        audit(user=user, action=AuditEntry.Action.CREATE, target=link, summary="report-in link")
    return link


def rate_limited(request: HttpRequest) -> bool:
    """Count one submission from this address; True when it is over the limit."""
    key = f"duty:report-in:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT


@transaction.atomic
def report_in_submit(
    *,
    link: ReportInLink,
    name: str,
    phone: str,
    gender: str,
    is_party_member: bool,
    source: str,
    skills: list[str],
    request: HttpRequest | None = None,
) -> Volunteer | None:
    """Register an applicant. A phone number already known gets no second record, and the
    answer does not say so (the page must not tell strangers who volunteers)."""
    phone = normalise_phone(phone)
    if Volunteer.objects.filter(town_id=link.town_id, phone=phone).exists():
        return None
    if source not in (
        Volunteer.Source.REPORTED_PARTY_MEMBER,
        Volunteer.Source.RESIDENT_VOLUNTEER,
    ):
        raise Problem("请选择报到身份", "choose how you report in")
    volunteer = volunteer_create(
        user=None,
        committee=link.committee,
        name=name,
        phone=phone,
        gender=gender,
        is_party_member=is_party_member,
        source=source,
        skills=skills,
        status=Volunteer.Status.APPLIED,
        request=request,
    )
    return volunteer


def poster_pdf(*, committee: Committee, url: str) -> bytes:
    """An A4 poster with the committee's name and the report-in QR code."""
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"{committee.name} 志愿者报到")
    pdf.setFont("STSong-Light", 30)
    pdf.drawCentredString(width / 2, height - 40 * mm, committee.name)
    pdf.setFont("STSong-Light", 24)
    pdf.drawCentredString(width / 2, height - 55 * mm, "志愿者报到")
    qr = segno.make(url, error="m")  # drawn module by module: crisp at any print size
    matrix = list(qr.matrix)
    size = 120 * mm
    cell = size / len(matrix)
    left, top = (width - size) / 2, height - 70 * mm
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pdf.rect(left + x * cell, top - (y + 1) * cell, cell, cell, stroke=0, fill=1)
    pdf.setFont("STSong-Light", 14)
    lines = [
        "用手机扫描二维码，填写姓名和手机号即可报到。",
        "居委审核通过后，会与您联系安排服务。",
    ]
    for i, line in enumerate(lines):
        pdf.drawCentredString(width / 2, top - size - (15 + 9 * i) * mm, line)
    pdf.setFont("Helvetica", 8)
    pdf.drawCentredString(width / 2, 15 * mm, url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
