"""Resident self-service pages (no login) and the buildings' QR posters (staff, leaders).

See `linli.care.selfservice` for the privacy and abuse rules these pages follow.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.care import selfservice, workflow
from linli.care.forms import LookupForm, SelfServiceForm, new_form_token
from linli.care.models import HelpRequest, SelfServiceLink
from linli.care.posters import help_poster
from linli.core import ratelimit
from linli.core.http import user_of
from linli.core.plugins import doors
from linli.core.posters import posters_response
from linli.core.validators import Problem
from linli.duty.selectors import building_leaders
from linli.places.models import Building, Committee


def _poster_response(request: HttpRequest, buildings: list[Building], name: str) -> HttpResponse:
    leaders = building_leaders(request.user, buildings)
    posters = []
    for building in buildings:
        link = selfservice.self_service_link(user=user_of(request), building=building)
        url = request.build_absolute_uri(reverse("care:ask", args=[link.token]))
        posters.append(
            help_poster(
                compound=building.compound.name,
                building=building.name,
                url=url,
                leader=leaders.get(building.pk),
                hotline=building.compound.committee.hotline,
            )
        )
    return posters_response(posters, filename=f"{name}.pdf", document_title=_("居民求助二维码"))


@login_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The building's self-service poster; POST with renew=1 retires the old QR code."""
    building = get_object_or_404(
        Building.objects.visible_to(request.user).select_related("compound__committee"), pk=pk
    )
    if request.method == "POST":
        if request.POST.get("renew") != "1":
            return HttpResponse(_("未知操作"), status=400)
        selfservice.self_service_link(user=user_of(request), building=building, renew=True)
        messages.success(request, _("已更换二维码，旧海报失效，请重新打印"))
        return redirect(reverse("care:visits") + f"?building={building.pk}")
    return _poster_response(
        request, [building], f"{building.compound.name}{building.name}-求助二维码"
    )


@login_required
def committee_posters(request: HttpRequest, pk: int) -> HttpResponse:
    """All of a committee's building posters in one PDF, one page each, for printing."""
    committee = get_object_or_404(Committee.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("care.print_selfservicelink", committee):
        raise PermissionDenied
    buildings = list(
        Building.objects.visible_to(request.user)
        .filter(compound__committee=committee)
        .select_related("compound__committee")
        .order_by("compound__name", "sort_key")[:500]
    )
    return _poster_response(request, buildings, f"{committee.name}-求助二维码")


def _token_missed(request: HttpRequest) -> HttpResponse:
    """An unknown link token: counted per address; 404, or 429 once over the limit."""
    if selfservice.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request)):
        return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
    raise Http404


@never_cache
def ask(request: HttpRequest, token: str) -> HttpResponse:
    """求助: the public page behind a building's poster."""
    link = selfservice.link_by_token(token)
    if link is None:
        return _token_missed(request)
    building = link.building
    if request.method != "POST":
        form = SelfServiceForm(initial={"form_token": new_form_token()})
        return _ask_page(request, link, form)
    if ratelimit.too_large(request, selfservice.MAX_BODY_BYTES):
        return HttpResponse(_("提交内容过大"), status=413)
    misses_key = f"{link.pk}:{ratelimit.address(request)}"
    form = SelfServiceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        room_key = f"{building.pk}:{data['room']}"
        if selfservice.SUBMIT_PER_PHONE.blocked(data["phone"]) or (
            selfservice.SUBMIT_PER_ROOM.blocked(room_key)
        ):
            form.add_error(
                None,
                _("今天该手机号或房间提交次数已达上限，请联系楼组长或居委"),
            )
            return _ask_page(request, link, form, status=429)
        try:
            made = selfservice.self_service_submit(
                link=link,
                room=data["room"],
                phone=data["phone"],
                category=data["category"],
                urgency=data["urgency"],
                description=data["description"],
                form_token=data["form_token"],
                request=request,
            )
        except Problem as exc:
            # Only refused submissions count, and only for this poster from this address.
            if selfservice.SUBMIT_MISSES.hit(misses_key):
                return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
            form.add_error(None, exc.text())
        else:
            if made.created:
                selfservice.SUBMIT_PER_PHONE.hit(data["phone"])
                selfservice.SUBMIT_PER_ROOM.hit(room_key)
            url = reverse("care:status", args=[made.status_token])
            context = {"hr": made.help_request, "url": request.build_absolute_uri(url), "path": url}
            return render(request, "care/ask_done.html", context)
    return _ask_page(request, link, form, status=400)


def _ask_page(
    request: HttpRequest,
    link: SelfServiceLink,
    form: SelfServiceForm,
    *,
    lookup: LookupForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "building": link.building,
        "token": link.token,
        "lookup": lookup or LookupForm(),
        # Other apps' pages behind the same poster (a medicine request, group buys, …).
        "doors": [(reverse(name, args=[link.token]), label) for name, label in doors()],
    }
    return render(request, "care/ask.html", context, status=status)


@never_cache
@require_POST
def find(request: HttpRequest, token: str) -> HttpResponse:
    """查询: the poster's page finds a resident's request by room + the phone's last 4 digits and
    shows that one request's status; one neutral answer when nothing matches."""
    link = selfservice.link_by_token(token)
    if link is None:
        return _token_missed(request)
    if ratelimit.too_large(request, selfservice.MAX_BODY_BYTES):
        return HttpResponse(_("提交内容过大"), status=413)
    lookup = LookupForm(request.POST)
    form = SelfServiceForm(initial={"form_token": new_form_token()})
    if not lookup.is_valid():
        return _ask_page(request, link, form, lookup=lookup, status=400)
    room = lookup.cleaned_data["room"]
    over = selfservice.FIND_PER_ADDRESS.hit(f"{link.pk}:{ratelimit.address(request)}")
    over = selfservice.FIND_PER_ROOM.hit(f"{link.building_id}:{room}") or over
    if over:
        return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
    found = selfservice.request_by_room(link=link, room=room, last4=lookup.cleaned_data["last4"])
    if found is None:
        lookup.add_error(None, _("没有找到匹配的求助记录，请核对室号和手机号后4位"))
        return _ask_page(request, link, form, lookup=lookup)
    return _status_page(request, found)


@never_cache
def status(request: HttpRequest, token: str) -> HttpResponse:
    """进度: one request's status and timeline, for whoever holds its link (no login)."""
    found = selfservice.request_by_token(token)
    if found is None:
        return _token_missed(request)
    return _status_page(request, found)


def _status_page(request: HttpRequest, found: HelpRequest) -> HttpResponse:
    """One request's status and timeline, as its resident sees it: no names, no numbers."""
    steps = [
        {
            "at": t.at,
            "status": HelpRequest.Status(t.to_status).label,
            "by": selfservice.helper_label(t.by_volunteer.name) if t.by_volunteer else "",
            "note": t.reason if t.to_status == HelpRequest.Status.CANNOT_DO else "",
        }
        for t in found.transitions.select_related("by_volunteer")
        if t.from_status != t.to_status
    ]
    helper = selfservice.helper_label(found.owner_volunteer.name) if found.owner_volunteer else ""
    context = {
        "hr": found,
        "steps": steps,
        "helper": helper,
        "overdue": workflow.escalation_level(found) > 0,
    }
    response = render(request, "care/status.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
