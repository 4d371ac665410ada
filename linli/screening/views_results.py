"""Pages of the results part: the antigen self-report door (public, behind a building's poster
token), the pools' follow-ups (open ones by hours since flagged; a follow-up's members by
building and room, names masked for volunteers; retests and their results)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.accounts.rules import is_staff
from linli.care.selfservice import link_by_token
from linli.core import ratelimit
from linli.core.http import user_of
from linli.core.masking import mask_name
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.places.models import Resident
from linli.screening import pools, selfreport
from linli.screening.forms_results import AntigenForm, MemberResultForm, RetestForm, RoomForm
from linli.screening.models import PoolFollowUp, PoolMember

REFUSED = ratelimit.Limit("screening:antigen:refused", 10, 3600)  # per poster and address
PER_ROOM = ratelimit.Limit("screening:antigen:room", 20, 86400)  # accepted reports per room
MAX_BODY = 8 * 1024


def status_of(exc: Problem) -> int:
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def refused(request: HttpRequest, reason: str, status: int, back: str) -> HttpResponse:
    return render(
        request, "screening/results_refused.html", {"reason": reason, "back": back}, status=status
    )


# -- the antigen door ----------------------------------------------------------------------------


def _proxy_members(request: HttpRequest, members: list[Resident]) -> list[Resident]:
    """The members a logged-in proxy reports for: those they see (visible_to)."""
    user = request.user
    if not user.is_authenticated:
        return []
    seen = set(
        Resident.objects.visible_to(user)
        .filter(pk__in=[m.pk for m in members])
        .values_list("pk", flat=True)
    )
    return [m for m in members if m.pk in seen]


@never_cache
def antigen_door(request: HttpRequest, token: str) -> HttpResponse:
    """抗原结果上报: room → household member (masked) → result and time."""
    link = link_by_token(token)
    if link is None:
        raise Http404
    building = link.building
    round_ = selfreport.open_antigen_round(building)
    context: dict[str, Any] = {"building": building, "round": round_}
    if round_ is None:
        return render(request, "screening/results_antigen.html", context)
    key = f"{link.pk}:{ratelimit.address(request)}"
    proxy = request.user.is_authenticated and request.user.has_perm(
        "screening.report_antigen", building
    )
    if request.method != "POST":
        context["room_form"] = RoomForm()
        return render(request, "screening/results_antigen.html", context)
    if ratelimit.too_large(request, MAX_BODY):
        return HttpResponse(_("提交内容过大"), status=413)
    if REFUSED.blocked(key):
        return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
    room = request.POST.get("room", "").strip()[:30]
    members = selfreport.household_members(building, room) if room else []
    if proxy:
        members = _proxy_members(request, members)
    if not members:
        REFUSED.hit(key)
        context["room_form"] = RoomForm(request.POST)
        context["error"] = _("未找到该室号的登记居民，请核对后重试")
        return render(request, "screening/results_antigen.html", context, status=400)
    choices = [(m.pk, m.name if proxy else mask_name(m.name)) for m in members]
    if "result" not in request.POST:  # the room step: show the household
        form = AntigenForm(
            members=choices,
            initial={"room": room, "tested_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        )
        context.update(form=form, room=room)
        return render(request, "screening/results_antigen.html", context)
    form = AntigenForm(request.POST, members=choices)
    context.update(form=form, room=room)
    if not form.is_valid():
        REFUSED.hit(key)
        return render(request, "screening/results_antigen.html", context, status=400)
    if PER_ROOM.blocked(f"{building.pk}:{room}"):
        return HttpResponse(_("该户今天提交次数已达上限，请联系楼组长或居委"), status=429)
    resident = next(m for m in members if m.pk == form.cleaned_data["resident"])
    try:
        sample, created = selfreport.antigen_report(
            user=user_of(request) if proxy else None,
            round_=round_,
            resident=resident,
            result=form.cleaned_data["result"],
            tested_at=form.cleaned_data["tested_at"],
            proxy=bool(proxy),
            request=request,
        )
    except Problem as exc:
        REFUSED.hit(key)
        form.add_error(None, exc.text())
        return render(request, "screening/results_antigen.html", context, status=status_of(exc))
    if created:
        PER_ROOM.hit(f"{building.pk}:{room}")
    context.update(
        done=sample, created=created, name=choices[[c[0] for c in choices].index(resident.pk)][1]
    )
    return render(request, "screening/results_antigen_done.html", context)


# -- pools' follow-ups ---------------------------------------------------------------------------


def _follow_ups(user: Any) -> Any:
    seen = PoolMember.objects.visible_to(user).values("follow_up_id")
    return PoolFollowUp.objects.filter(pk__in=seen).select_related("tube", "round")


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """混管阳性追踪: open follow-ups, longest waiting first, with hours since flagged."""
    now = timezone.now()
    found = _follow_ups(request.user)
    open_ = [
        (f, pools.hours_open(f, now), f.members.filter(result="pending").count())
        for f in found.filter(status=PoolFollowUp.Status.OPEN).order_by("flagged_at")[:200]
    ]
    closed = list(found.filter(status=PoolFollowUp.Status.CLOSED).order_by("-closed_at")[:20])
    return render(request, "screening/pools_list.html", {"open": open_, "closed": closed})


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(_follow_ups(request.user), pk=pk)
    return _follow_up_page(request, found)


def _follow_up_page(
    request: HttpRequest, found: PoolFollowUp, status: int = 200, error: str = ""
) -> HttpResponse:
    user = request.user
    names = is_staff(user)
    manage = user.has_perm("screening.change_poolfollowup", found)
    members = (
        PoolMember.objects.visible_to(user)
        .filter(follow_up=found)
        .select_related("resident__household", "building__compound", "retest__tube")
    )
    by_building: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for m in members:
        by_building[m.building].append(
            {
                "member": m,
                "name": m.resident.name if names else mask_name(m.resident.name),
                "room": m.resident.household.room,
                "retest_form": RetestForm(initial={"member": m.pk}),
                "result_form": MemberResultForm(initial={"member": m.pk}),
            }
        )
    context = {
        "follow_up": found,
        "hours": pools.hours_open(found),
        "buildings": sorted(by_building.items(), key=lambda kv: kv[0].sort_key),
        "manage": manage,
        "error": error,
    }
    return render(request, "screening/pools_detail.html", context, status=status)


def _member(request: HttpRequest, found: PoolFollowUp, member_id: int | None) -> PoolMember:
    member = (
        PoolMember.objects.visible_to(request.user)
        .filter(follow_up=found, pk=member_id or 0)
        .select_related("follow_up__round", "resident__household")
        .first()
    )
    if member is None:
        raise Http404
    return member


@login_required
@require_POST
def follow_up_retest(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(_follow_ups(request.user), pk=pk)
    if not request.user.has_perm("screening.change_poolfollowup", found):
        raise PermissionDenied
    form = RetestForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, found, 400, _("请填写复核采样管条码"))
    member = _member(request, found, form.cleaned_data["member"])
    try:
        pools.retest_sample(
            user=user_of(request),
            member=member,
            barcode=form.cleaned_data["barcode"],
            request=request,
        )
    except Problem as exc:
        return _follow_up_page(request, found, status_of(exc), exc.text())
    return redirect("screening:follow_up", pk=found.pk)


@login_required
@require_POST
def follow_up_result(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(_follow_ups(request.user), pk=pk)
    if not request.user.has_perm("screening.change_poolfollowup", found):
        raise PermissionDenied
    form = MemberResultForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, found, 400, _("请选择复核结果"))
    member = _member(request, found, form.cleaned_data["member"])
    try:
        pools.member_result(
            user=user_of(request),
            member=member,
            result=form.cleaned_data["result"],
            request=request,
        )
    except Problem as exc:
        return _follow_up_page(request, found, status_of(exc), exc.text())
    return redirect("screening:follow_up", pk=found.pk)
