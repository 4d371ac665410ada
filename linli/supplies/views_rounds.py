"""Package round pages (物资发放): the list, a new round, a round's coverage per building, a
building's households to mark from a phone, the open exceptions, and the round's download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.export_jobs import Sheet, export_answer
from linli.core.http import user_of
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.duty.models import Team
from linli.places.models import Compound
from linli.places.selectors import user_town_or_refuse
from linli.supplies import selectors_rounds as sel
from linli.supplies import services_rounds as svc
from linli.supplies.forms_rounds import MarkForm, RoomForm, RoundForm, TeamForm
from linli.supplies.models import PackageDelivery, PackageRound, RoundBuilding, RoundTeam

D = PackageDelivery.Status
BUILDINGS_PER_PAGE = 30
ROOMS_PER_PAGE = 100
MISSING_ROWS = 50


def _round(request: HttpRequest, pk: int) -> PackageRound:
    return get_object_or_404(sel.rounds_for(request.user), pk=pk)


def _status_of(exc: Problem) -> int:
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def _refused(request: HttpRequest, reason: str, status: int, back: str) -> HttpResponse:
    """A refused form post: the reason and the way back, with the 4xx status."""
    context = {"reason": reason, "back": back}
    return render(request, "supplies/round_refused.html", context, status=status)


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """物资发放: the rounds the user's scope (or their delivery team) reaches, newest first."""
    page = Paginator(sel.rounds_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "supplies/round_list.html", {"page": page})


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """A new round: its name, the package's contents and the compounds it covers."""
    town = user_town_or_refuse(request)
    if not request.user.has_perm("supplies.add_packageround"):
        raise PermissionDenied
    compounds = (
        Compound.objects.visible_to(request.user)
        .filter(town=town)
        .select_related("committee")
        .order_by("committee__name", "name")
    )
    form = RoundForm(request.POST or None, compounds=compounds)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = svc.round_create(
                    user=user_of(request),
                    town=town,
                    name=form.cleaned_data["name"],
                    contents=form.cleaned_data["contents"],
                    compounds=form.cleaned_data["compounds"],
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            else:
                messages.success(request, _("已新建发放轮次"))
                return redirect(made)
        status = 400
    return render(request, "supplies/round_new.html", {"form": form}, status=status)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's coverage: its figures, its teams, and per building the households delivered,
    the exceptions and the missing, with a search and pages."""
    found = _round(request, pk)
    q = request.GET.get("q", "").strip()[:50]
    buildings = sel.building_coverage(found, request.user, q=q)
    page = Paginator(buildings, BUILDINGS_PER_PAGE).get_page(request.GET.get("page"))
    counts = sel.coverage_counts(found, [rb.building_id for rb in page.object_list])
    lines = [(rb, counts.get(rb.building_id, {})) for rb in page.object_list]
    manage = request.user.has_perm("supplies.change_packageround", found)
    context: dict[str, Any] = {
        "round": found,
        "figures": sel.round_figures(found, request.user),
        "page": page,
        "lines": lines,
        "q": q,
        "teams": list(found.teams.select_related("team", "worksite")),
        "moves": svc.ROUND_WORKFLOW.allowed(request.user, found),
        "manage": manage,
        "team_form": _team_form(found) if manage else None,
        "compounds": list(found.compounds.order_by("name").values_list("name", flat=True)),
    }
    return render(request, "supplies/round_detail.html", context)


def _team_form(found: PackageRound, data: Any = None) -> TeamForm:
    teams = (
        Team.objects.filter(town_id=found.town_id)
        .select_related("committee")
        .order_by("committee__name", "function")
    )
    worksites = Compound.objects.filter(town_id=found.town_id, kind=Compound.Kind.WORKSITE)
    return TeamForm(data, teams=teams, worksites=worksites.order_by("name"))


@login_required
def round_missing(request: HttpRequest, pk: int) -> HttpResponse:
    """The households nobody has reported on yet (no names): committee, compound, building,
    room."""
    found = _round(request, pk)
    page = Paginator(sel.missing_list(found, request.user), 100).get_page(request.GET.get("page"))
    return render(request, "supplies/round_missing.html", {"round": found, "page": page})


@login_required
@require_POST
def round_transition(request: HttpRequest, pk: int) -> HttpResponse:
    found = _round(request, pk)
    try:
        svc.ROUND_WORKFLOW.transition(
            found, request.POST.get("to", ""), by=user_of(request), request=request
        )
    except Problem as exc:
        return _refused(request, exc.text(), _status_of(exc), found.get_absolute_url())
    messages.success(request, _("已更新"))
    return redirect(found)


@login_required
@require_POST
def round_team_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _round(request, pk)
    if not request.user.has_perm("supplies.change_packageround", found):
        raise PermissionDenied
    form = _team_form(found, request.POST)
    if not form.is_valid():
        return _refused(request, _("队伍信息有误"), 400, found.get_absolute_url())
    data = form.cleaned_data
    try:
        svc.round_team_add(
            user=user_of(request),
            package_round=found,
            kind=data["kind"],
            name=data["name"],
            team=data["team"],
            worksite=data["worksite"],
            headcount=data["headcount"],
            request=request,
        )
    except Problem as exc:
        return _refused(request, exc.text(), _status_of(exc), found.get_absolute_url())
    messages.success(request, _("已添加配送队伍"))
    return redirect(found)


@login_required
@require_POST
def round_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Add packages for households registered since the round began."""
    found = _round(request, pk)
    if not request.user.has_perm("supplies.change_packageround", found):
        raise PermissionDenied
    try:
        added = svc.round_sync_roster(user=user_of(request), package_round=found, request=request)
    except Problem as exc:
        return _refused(request, exc.text(), _status_of(exc), found.get_absolute_url())
    messages.success(request, _("已补充%(n)s户") % {"n": added})
    return redirect(found)


def _round_building(request: HttpRequest, pk: int, building: int) -> RoundBuilding:
    return get_object_or_404(
        RoundBuilding.objects.visible_to(request.user).select_related(
            "building__compound__committee", "team", "round"
        ),
        round_id=pk,
        building_id=building,
    )


@login_required
def round_building(request: HttpRequest, pk: int, building: int) -> HttpResponse:
    """One building of a round, for its team or leader on a phone: every room with its
    status, a button for each move, packing and the team."""
    rb = _round_building(request, pk, building)
    rows = (
        sel.deliveries_for(request.user, rb.round)
        .filter(building_id=building)
        .select_related("team")
        .order_by("room")
    )
    show = request.GET.get("show", "")
    if show == "open":
        rows = rows.filter(status__in=(D.PENDING, *PackageDelivery.EXCEPTIONS))
    page = Paginator(rows, ROOMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "supplies/round_building.html", _building_context(request, rb, page, show)
    )


def _building_context(
    request: HttpRequest, rb: RoundBuilding, page: Any, show: str
) -> dict[str, Any]:
    user = request.user
    sample = page.object_list[0] if page.object_list else None
    return {
        "rb": rb,
        "round": rb.round,
        "page": page,
        "show": show,
        "may_mark": sample is not None and user.has_perm("supplies.mark_packagedelivery", sample),
        "may_resolve": user.has_perm("supplies.resolve_packagedelivery", rb),
        "may_pack": user.has_perm("supplies.pack_roundbuilding", rb),
        "teams": list(RoundTeam.objects.filter(round=rb.round)),
        "room_form": RoomForm(),
        "delivering": rb.round.status == PackageRound.Status.DELIVERING,
    }


@login_required
@require_POST
def round_building_pack(request: HttpRequest, pk: int, building: int) -> HttpResponse:
    rb = _round_building(request, pk, building)
    if not request.user.has_perm("supplies.pack_roundbuilding", rb):
        raise PermissionDenied
    if request.POST.get("team") is not None:
        team = None
        if request.POST["team"]:
            team = get_object_or_404(RoundTeam, round_id=pk, pk=_int(request.POST["team"]))
        svc.round_building_assign(
            user=user_of(request), round_building=rb, team=team, request=request
        )
    else:
        svc.round_building_pack(user=user_of(request), round_building=rb, request=request)
    messages.success(request, _("已更新"))
    return redirect("supplies:round_building", pk=pk, building=building)


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 19 else 0


@login_required
@require_POST
def round_building_room(request: HttpRequest, pk: int, building: int) -> HttpResponse:
    """A room found lived in but missing from the roster (名册外)."""
    rb = _round_building(request, pk, building)
    found = PackageDelivery(round=rb.round, building=rb.building, town_id=rb.town_id)
    if not request.user.has_perm("supplies.mark_packagedelivery", found):
        raise PermissionDenied
    back = reverse("supplies:round_building", args=[pk, building])
    form = RoomForm(request.POST)
    if not form.is_valid():
        return _refused(request, _("请填写室号"), 400, back)
    try:
        svc.delivery_not_on_roster(
            user=user_of(request),
            package_round=rb.round,
            building=rb.building,
            room=form.cleaned_data["room"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except Problem as exc:
        return _refused(request, exc.text(), _status_of(exc), back)
    messages.success(request, _("已登记为名册外，待居委核实"))
    return redirect(back)


@login_required
@require_POST
def delivery_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one household's package (htmx swaps the row in place)."""
    found = get_object_or_404(
        PackageDelivery.objects.visible_to(request.user).select_related("team"), pk=pk
    )
    form = MarkForm(request.POST)
    status, error = 200, ""
    if not form.is_valid():
        status, error = 400, _("未知操作")
    else:
        data = form.cleaned_data
        try:
            found = svc.delivery_mark(
                user=user_of(request),
                delivery=found,
                status=data["status"],
                signer=data["signer"],
                note=data["note"],
                request=request,
            )
        except Conflict as exc:
            status, error = 409, exc.text()
        except NotAllowed as exc:
            status, error = 403, exc.text()
        except Problem as exc:
            status, error = 400, exc.text()
    context = {"d": found, "error": error, "may_mark": True, "delivering": True}
    context["may_resolve"] = request.user.has_perm("supplies.resolve_packagedelivery", found)
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only 2xx answers: a refusal is shown inside the swapped row.
        return render(request, "supplies/_round_room.html", context)
    back = reverse("supplies:round_building", args=[found.round_id, found.building_id])
    if error:
        return _refused(request, error, status, back)
    return redirect(back)


@login_required
def round_exceptions(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's open exceptions (absent, vacant, not on the roster) to resolve."""
    found = _round(request, pk)
    rows = (
        sel.deliveries_for(request.user, found)
        .filter(status__in=PackageDelivery.EXCEPTIONS)
        .select_related("building__compound__committee", "team")
        .order_by("building__compound__name", "building__sort_key", "room")
    )
    page = Paginator(rows, ROOMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "round": found,
        "page": page,
        "may_resolve": request.user.has_perm(
            "supplies.resolve_packagedelivery", page.object_list[0]
        )
        if page.object_list
        else False,
        "delivering": found.status == PackageRound.Status.DELIVERING,
    }
    return render(request, "supplies/round_exceptions.html", context)


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The round's households with their status, as xlsx (no names)."""
    return export_answer(request, round_sheet, str(pk))


def round_sheet(request: HttpRequest, pk: str) -> Sheet | HttpResponse:
    found = _round(request, int(pk))
    rows = (
        sel.deliveries_for(request.user, found)
        .order_by(
            "building__compound__committee__name",
            "building__compound__name",
            "building__sort_key",
            "room",
        )
        .values_list(
            "building__compound__committee__name",
            "building__compound__name",
            "building__name",
            "room",
            "status",
            "team__name",
            "delivered_at",
        )
    )
    labels = dict(D.choices)

    def lines() -> Any:
        for committee, compound, building, room, status, team, at in rows.iterator():
            when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""
            yield [committee, compound, building, room, str(labels[status]), team or "", when]

    return Sheet(
        title=found.name,
        file_name=f"{found.name}-{timezone.localdate():%Y%m%d}.xlsx",
        headers=[
            _("居委"),
            _("小区"),
            _("楼栋"),
            _("室号"),
            _("状态"),
            _("配送队伍"),
            _("签收时间"),
        ],
        rows=lines(),
        total=rows.count(),
        summary=f"package round {found.pk}",
        detail={"round": found.pk},
    )
