"""Residents read notices through the building's self-service QR poster (care's
`SelfServiceLink`, the same token as 居民求助): the notices in force for the building's
households, each confirmed by picking the household's room (one tap, no login).

Privacy and abuse follow care's door (`linli.care.selfservice`): unknown tokens are counted per
address; a room that is not a recipient gets the same answer as one that is, so the page does
not list the building's rooms; the tries are counted per poster and address and per room, and
answered 429 once over. The page shows the notice's text and files' names, no person.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.care import selfservice
from linli.care.models import SelfServiceLink
from linli.core import ratelimit
from linli.core.ratelimit import Limit
from linli.notices import selectors, services
from linli.notices.forms import RoomForm
from linli.places.models import Household

MAX_BODY_BYTES = 4 * 1024
TAPS_PER_ADDRESS = Limit("notices:door:taps", 30, 3600)  # per poster and address
TAPS_PER_ROOM = Limit("notices:door:room", 10, 86400)


def _link(request: HttpRequest, token: str) -> SelfServiceLink | HttpResponse:
    link = selfservice.link_by_token(token)
    if link is None:
        if selfservice.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request)):
            return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
        raise Http404
    return link


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _page(
    request: HttpRequest, link: SelfServiceLink, token: str, *, status: int = 200, **extra: object
) -> HttpResponse:
    context = {
        "building": link.building,
        "token": token,
        "notices": selectors.door_notices(link.building_id),
        "form": RoomForm(),
        **extra,
    }
    return _private(render(request, "notices/door.html", context, status=status))


@never_cache
def door(request: HttpRequest, token: str) -> HttpResponse:
    """通知公告: the notices in force for the building's households."""
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    return _page(request, link, token)


@never_cache
@require_POST
def door_read(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """A household confirms it has read a notice, by its room."""
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    notice = selectors.door_notices(link.building_id).filter(pk=pk).first()
    if notice is None:
        raise Http404
    if ratelimit.too_large(request, MAX_BODY_BYTES):
        return HttpResponse(_("提交内容过大"), status=413)
    form = RoomForm(request.POST)
    if not form.is_valid():
        return _page(request, link, token, status=400, failed=pk)
    room = form.cleaned_data["room"].strip()
    if TAPS_PER_ADDRESS.hit(f"{link.pk}:{ratelimit.address(request)}") or TAPS_PER_ROOM.hit(
        f"{link.building_id}:{room}"
    ):
        return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
    household = Household.objects.filter(building_id=link.building_id, room=room).first()
    if household is not None:
        services.household_read(notice=notice, household=household, request=request)
    # One answer whether or not the room is a recipient: the page lists no rooms.
    return _page(request, link, token, confirmed=pk)
