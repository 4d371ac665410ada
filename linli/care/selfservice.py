"""Resident self-service (居民自助求助): a building's QR poster leads to a public phone page where
a resident, without an account, gives their room and phone and asks for help; the answer is a
per-request status link.

Privacy and abuse:
- the ask page is reached only through the building's unguessable token, the status page only
  through the request's own 256-bit token, of which only the SHA-256 hash is stored;
- the status page shows that one request: no names of residents or volunteers (a helper is
  "艾志愿者", the first character of the name), no phone numbers;
- the answer to a submission is the same whether or not the phone belongs to a resident of
  the room (a matching resident is linked, silently);
- limits never stand between a resident and a valid link, since a whole building may share
  one address (the compound's Wi-Fi, a carrier's NAT) with one bad neighbour: unknown link
  tokens are counted per address and only unknown tokens are refused once over the limit;
  refused submissions (no such room, a stale form) are counted per poster and address and
  only refused ones are answered 429 once over; accepted submissions are limited per phone
  and per room only, counted when accepted. Guessing is slow as well as hopeless;
- a refused submission gets one neutral answer, whether the room does not exist or the form
  went stale, so the page does not list a building's rooms;
- a resident finds their request again on the poster's page by room and the last 4 digits of
  the phone they gave: one neutral answer when nothing matches (no such room, no such
  request), every try counted per poster and address and per room;
- bodies are limited in size; CSRF protection stays on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from linli.accounts.models import hash_token
from linli.care.models import HelpRequest, SelfServiceLink
from linli.care.services import Created, help_request_create
from linli.core.posters import poster_link
from linli.core.ratelimit import Limit
from linli.core.validators import Problem
from linli.places.models import Household, Resident

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Building

MAX_BODY_BYTES = 8 * 1024
HOUR, DAY = 3600, 86400


SUBMIT_MISSES = Limit("care:self-service:refused", 10, HOUR)  # per poster and address
SUBMIT_PER_PHONE = Limit("care:self-service:phone", 5, DAY)
SUBMIT_PER_ROOM = Limit("care:self-service:room", 5, DAY)
LOOKUP_MISSES_PER_ADDRESS = Limit("care:self-service:miss", 20, HOUR)
# Finding a request by room + the phone's last 4 digits: every try counts, found or not, per
# poster and address and per room (10,000 endings; a room's few tries a day cannot walk them).
FIND_PER_ADDRESS = Limit("care:self-service:find", 10, HOUR)
FIND_PER_ROOM = Limit("care:self-service:find-room", 10, DAY)

# One answer for every refused submission: it must not tell which rooms exist.
REFUSED_ZH = "未能提交，请核对室号等信息后刷新页面重试，或联系楼组长"
REFUSED_EN = "could not submit: check the room and the other details, reload and try again"

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
LIVING = (Resident.Status.PRESENT, Resident.Status.AWAY)


def self_service_link(
    *, user: User | None, building: Building, renew: bool = False
) -> SelfServiceLink:
    """The building's link, created on first use; `renew` retires the old token (a torn-down or
    misused poster)."""
    return poster_link(SelfServiceLink, user=user, place=building, renew=renew)


def link_by_token(token: str) -> SelfServiceLink | None:
    if not _TOKEN.match(token):
        return None
    return SelfServiceLink.objects.select_related("building__compound").filter(token=token).first()


def self_service_submit(
    *,
    link: SelfServiceLink,
    room: str,
    phone: str,
    category: str,
    urgency: str,
    description: str,
    form_token: str,
    request: HttpRequest | None = None,
) -> Created:
    """Create the resident's help request if the room exists in the poster's building. A resident
    of that room with this phone is linked to it; nothing tells the submitter whether one was."""
    household = Household.objects.filter(building_id=link.building_id, room=room).first()
    if household is None:
        raise Problem(REFUSED_ZH, REFUSED_EN)
    resident = (
        Resident.objects.filter(household=household, phone=phone, status__in=LIVING)
        .order_by("id")
        .first()
    )
    created = help_request_create(
        user=None,
        household=household,
        resident=resident,
        category=category,
        urgency=urgency,
        description=description,
        source=HelpRequest.Source.SELF_SERVICE,
        contact_phone=phone,
        idempotency_key=f"self-service:{form_token}",
        request=request,
    )
    replay_of_other = not created.created and (
        created.help_request.household_id != household.pk
        or created.help_request.contact_phone != phone
    )
    if replay_of_other or created.status_token is None:
        raise Problem(REFUSED_ZH, REFUSED_EN)
    return created


def request_by_token(token: str) -> HelpRequest | None:
    """The one request this status token opens, or None."""
    if not _TOKEN.match(token):
        return None
    return (
        HelpRequest.objects.select_related(
            "household__building__compound", "owner_volunteer", "owner_team"
        )
        .filter(access_token_hash=hash_token(token))
        .first()
    )


def request_by_room(*, link: SelfServiceLink, room: str, last4: str) -> HelpRequest | None:
    """The newest request of the poster's building from this room whose given phone ends with
    these 4 digits, or None; the caller answers both "no such room" and "no such request" alike."""
    return (
        HelpRequest.objects.select_related(
            "household__building__compound", "owner_volunteer", "owner_team"
        )
        .filter(
            household__building_id=link.building_id,
            household__room=room,
            contact_phone__endswith=last4,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def helper_label(name: str | None) -> str:
    """A volunteer as the resident sees them: the first character of the name + 志愿者."""
    return _("%(initial)s志愿者") % {"initial": name[0] if name else ""}
