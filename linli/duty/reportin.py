"""Self-service report-in (报到): a committee's QR poster leads to a public phone page where a
volunteer registers; committee staff approve them from a queue.

The page is reached only through an unguessable per-committee token and refuses large bodies;
CSRF protection stays on. Limits never stand between a volunteer and a valid link (a whole
office may share one address): unknown tokens are counted per address and only they are
refused once over; refused submissions are counted per link and address and only refused
ones are answered 429 once over; an accepted report-in is never counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from linli.core.posters import Poster, poster_link
from linli.core.ratelimit import Limit
from linli.core.validators import Problem, normalise_phone
from linli.duty.models import ReportInLink, Volunteer
from linli.duty.services import volunteer_create

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Committee

LOOKUP_MISSES_PER_ADDRESS = Limit("duty:report-in:miss", 20, 3600)
SUBMIT_MISSES = Limit("duty:report-in:refused", 10, 3600)  # per link and address
MAX_BODY_BYTES = 8 * 1024


def report_in_link(*, user: User | None, committee: Committee, renew: bool = False) -> ReportInLink:
    """The committee's link, created on first use; `renew` retires the old token (leaked)."""
    return poster_link(ReportInLink, user=user, place=committee, renew=renew)


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


def report_in_poster(*, committee: Committee, url: str) -> Poster:
    """The committee's A4 report-in poster (志愿者报到) around the QR code of `url`."""
    return Poster(
        title=committee.name,
        heading="志愿者报到",
        lines=(
            "用手机扫描二维码，填写姓名和手机号即可报到。",
            "居委审核通过后，会与您联系安排服务。",
        ),
        url=url,
        contacts=(f"咨询电话：{committee.hotline}（居委热线）",) if committee.hotline else (),
    )
