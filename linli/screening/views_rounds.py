"""Round pages (核酸筛查): the list, a new round, a round's page (points, slots, status,
exemptions), a new point, slots by hand and by the generator, and the door-to-door list.

A round out of the login's scope is a 404; an action the rule book refuses a 403; a refused
form a 4xx with its reason, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import user_of
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.places.models import CareTag, Compound, Resident
from linli.places.selectors import user_town_or_refuse
from linli.screening import desk, services
from linli.screening import selectors_desk as sel
from linli.screening.forms_desk import ExemptionForm, PointForm, RoundForm, SlotForm, SpreadForm
from linli.screening.models import Exemption, TestRound
from linli.screening.workflow import ROUND_WORKFLOW

R = TestRound.Status


def status_of(exc: Problem) -> int:
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def refused(request: HttpRequest, reason: str, status: int, back: str) -> HttpResponse:
    """A refused form post: the reason and the way back, with the 4xx status."""
    context = {"reason": reason, "back": back}
    return render(request, "screening/rounds_refused.html", context, status=status)


def round_of(request: HttpRequest, pk: int) -> TestRound:
    return get_object_or_404(sel.rounds_for(request.user), pk=pk)


def _managed(request: HttpRequest, pk: int) -> TestRound:
    found = round_of(request, pk)
    if not request.user.has_perm("screening.change_testround", found):
        raise PermissionDenied
    return found


def _at(round_: TestRound, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(round_.date, time))


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """核酸筛查: the rounds the login sees, newest first."""
    page = Paginator(sel.rounds_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "screening/rounds_list.html", {"page": page})


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """A new round: name, PCR or antigen, the day, the compounds and worksites (by committee),
    and the key groups sampled in single tubes."""
    if not request.user.has_perm("screening.add_testround"):
        raise PermissionDenied
    town = user_town_or_refuse(request)
    compounds = (
        Compound.objects.visible_to(request.user)
        .filter(town=town)
        .select_related("committee")
        .order_by("committee__name", "committee_id", "kind", "name")
    )
    tags = CareTag.objects.filter(Q(town=None) | Q(town=town)).order_by("id")
    form = RoundForm(request.POST or None, compounds=compounds, tags=tags)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = services.round_create(
                    user=user_of(request),
                    town=town,
                    name=data["name"],
                    kind=data["kind"],
                    date=data["date"],
                    compounds=list(data["compounds"]),
                    single_tube_tags=list(data["single_tube_tags"]),
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            else:
                messages.success(request, _("已新建检测轮次"))
                return redirect(made)
        status = 400
    return render(request, "screening/rounds_new.html", {"form": form}, status=status)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: its compounds, points (with a desk link for whoever works it), slots, status
    buttons and exemptions."""
    found = round_of(request, pk)
    manage = request.user.has_perm("screening.change_testround", found)
    planning = found.status in desk.PLANNING
    points = list(found.points.select_related("compound").prefetch_related("volunteers"))
    for p in points:
        p.may_sample = request.user.has_perm("screening.sample_testround", p)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "round": found,
        "manage": manage,
        "planning": planning,
        "moves": ROUND_WORKFLOW.allowed(request.user, found),
        "compounds": list(found.compounds.select_related("committee").order_by("name")),
        "tags": list(found.single_tube_tags.all()),
        "points": points,
        "slots": list(
            found.slots.select_related("building__compound", "point").order_by(
                "starts_at", "point__name", "building__sort_key"
            )
        ),
        "exemptions": list(
            Exemption.objects.filter(
                round=found, resident__in=Resident.objects.visible_to(request.user)
            )
            .select_related("resident", "building__compound")
            .order_by("building__compound__name", "building__sort_key", "resident__name")
        ),
        "slot_form": SlotForm(round_=found) if manage and planning and points else None,
        "spread_form": SpreadForm(round_=found, initial={"minutes": 30})
        if manage and planning and points
        else None,
    }
    return render(request, "screening/rounds_detail.html", context)


@login_required
@require_POST
def round_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Open (seeding the counters), close or cancel the round through its workflow."""
    found = round_of(request, pk)
    to = request.POST.get("to", "")
    try:
        if to == R.OPEN:
            services.round_open(user=user_of(request), round_=found, request=request)
        else:
            ROUND_WORKFLOW.transition(found, to, by=user_of(request), request=request)
    except Problem as exc:
        return refused(request, exc.text(), status_of(exc), found.get_absolute_url())
    messages.success(request, _("已更新"))
    return redirect(found)


@login_required
def point_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new sampling point with its desks and the volunteers posted there."""
    found = _managed(request, pk)
    form = PointForm(request.POST or None, round_=found)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                desk.point_add(
                    user=user_of(request),
                    round_=found,
                    name=data["name"],
                    location=data["location"],
                    compound=data["compound"],
                    desks=data["desks"],
                    volunteers=list(data["volunteers"]),
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, exc.text())
                status = status_of(exc)
            else:
                messages.success(request, _("已添加采样点"))
                return redirect(found)
        else:
            status = 400
    context = {"round": found, "form": form}
    return render(request, "screening/rounds_point.html", context, status=status)


@login_required
@require_POST
def slot_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _managed(request, pk)
    form = SlotForm(request.POST, round_=found)
    if not form.is_valid():
        return refused(request, _("时段信息有误"), 400, found.get_absolute_url())
    data = form.cleaned_data
    try:
        desk.slot_add(
            user=user_of(request),
            round_=found,
            point=data["point"],
            building=data["building"],
            starts_at=_at(found, data["starts"]),
            ends_at=_at(found, data["ends"]),
            floor_from=data["floor_from"],
            floor_to=data["floor_to"],
            request=request,
        )
    except Problem as exc:
        return refused(request, exc.text(), status_of(exc), found.get_absolute_url())
    messages.success(request, _("已添加时段"))
    return redirect(found)


@login_required
@require_POST
def slots_spread(request: HttpRequest, pk: int) -> HttpResponse:
    """按楼栋生成时段."""
    found = _managed(request, pk)
    form = SpreadForm(request.POST, round_=found)
    if not form.is_valid():
        return refused(request, _("时段信息有误"), 400, found.get_absolute_url())
    data = form.cleaned_data
    try:
        made = desk.slots_spread(
            user=user_of(request),
            round_=found,
            point=data["point"],
            starts_at=_at(found, data["starts"]),
            ends_at=_at(found, data["ends"]),
            minutes=data["minutes"],
            request=request,
        )
    except Problem as exc:
        return refused(request, exc.text(), status_of(exc), found.get_absolute_url())
    messages.success(request, _("已生成 %(n)s 个时段") % {"n": len(made)})
    return redirect(found)


@login_required
def exemptions(request: HttpRequest, pk: int) -> HttpResponse:
    """Find a resident of the round within the login's scope (name, ID tail or room) and
    exempt them with a reason."""
    found = _managed(request, pk)
    q = " ".join(request.GET.get("q", "").split())[:50]
    people: list[Resident] = []
    if q:
        condition = Q(name__contains=q) | Q(household__room=q)
        if sel.ID_TAIL.match(q):
            condition |= Q(id_number__endswith=q.upper())
        people = list(
            Resident.objects.visible_to(request.user)
            .filter(condition, household__building__compound__in=found.compounds.all())
            .select_related("household__building__compound")
            .order_by("household__building__sort_key", "household__room")[: sel.SEARCH_LIMIT]
        )
    status = 200
    error = ""
    if request.method == "POST":
        form = ExemptionForm(request.POST)
        if not form.is_valid():
            error, status = _("请填写免检原因"), 400
        else:
            resident = get_object_or_404(
                Resident.objects.visible_to(request.user).filter(
                    household__building__compound__in=found.compounds.all()
                ),
                pk=form.cleaned_data["resident"],
            )
            try:
                services.exemption_add(
                    user=user_of(request),
                    round_=found,
                    resident=resident,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except Problem as exc:
                error, status = exc.text(), status_of(exc)
            else:
                messages.success(request, _("已登记免检"))
                return redirect(found)
    context = {"round": found, "q": q, "people": people, "error": error}
    return render(request, "screening/rounds_exemptions.html", context, status=status)


@login_required
def door_list(request: HttpRequest, pk: int) -> HttpResponse:
    """上门采样名单 of the round, by building and room, within the login's scope (names masked
    for volunteers), with a link to the desk's 上门 mode for whoever works a point."""
    found = round_of(request, pk)
    if not request.user.has_perm("screening.sample_testround", found) and not (
        request.user.has_perm("screening.view_coverage", found)
    ):
        raise PermissionDenied
    people = Resident.objects.visible_to(request.user).filter(
        household__building__compound__in=found.compounds.all(), status__in=sel.SAMPLEABLE
    )
    lines = sel.door_list(found, people)
    for line in lines:
        line.resident.shown = sel.name_for(request.user, line.resident.name)  # type: ignore[attr-defined]
    points = [
        p for p in found.points.all() if request.user.has_perm("screening.sample_testround", p)
    ]
    context = {"round": found, "lines": lines, "points": points}
    return render(request, "screening/rounds_door.html", context)
