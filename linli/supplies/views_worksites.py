"""Pages of worksites' needs (工地需求): the needs a user answers for, stating a site's needs,
the suppliers ranked for a need (the supply desk confirms one), and the order that follows
with its delivery tracking and, where the site has no transport, its vehicle request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import int_param, user_of
from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.duty.models import Team
from linli.places.models import Compound
from linli.supplies.forms_suppliers import MatchForm, NeedForm, StatusForm, VehicleForm
from linli.supplies.matching import rank_suppliers
from linli.supplies.models import Supplier, VehicleRequest, WorksiteNeed, WorksiteOrder
from linli.supplies.models.suppliers import Category
from linli.supplies.services_worksites import (
    WORKSITE_ORDER_WORKFLOW,
    worksite_match,
    worksite_need_save,
)
from linli.supplies.services_worksites import (
    vehicle_assign as vehicle_assign_service,
)
from linli.supplies.views_suppliers import status_of

CATEGORY_LABELS = dict(Category.choices)


def _worksites(request: HttpRequest) -> Any:
    return (
        Compound.objects.visible_to(request.user)
        .filter(kind=Compound.Kind.WORKSITE)
        .select_related("committee")
        .order_by("committee__name", "name")
    )


def _need(request: HttpRequest, pk: int) -> WorksiteNeed:
    return get_object_or_404(
        WorksiteNeed.objects.visible_to(request.user).select_related("compound__committee"), pk=pk
    )


def _order(request: HttpRequest, pk: int) -> WorksiteOrder:
    return get_object_or_404(
        WorksiteOrder.objects.visible_to(request.user).select_related(
            "supplier", "compound", "committee", "need"
        ),
        pk=pk,
    )


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    """The worksites the user answers for, with their stated needs and latest order."""
    sites = list(_worksites(request))
    needs = {
        n.compound_id: n
        for n in WorksiteNeed.objects.visible_to(request.user).filter(
            compound_id__in=[s.pk for s in sites]
        )
    }
    latest: dict[int, WorksiteOrder] = {}
    for order in (
        WorksiteOrder.objects.visible_to(request.user)
        .filter(need_id__in=[n.pk for n in needs.values()])
        .select_related("supplier")
        .order_by("need_id", "-delivery_on", "-id")
    ):
        latest.setdefault(order.need_id, order)
    rows = [
        {
            "site": site,
            "need": needs.get(site.pk),
            "order": latest.get(needs[site.pk].pk) if site.pk in needs else None,
        }
        for site in sites
    ]
    return render(request, "supplies/worksite_list.html", {"rows": rows})


@login_required
def need_edit(request: HttpRequest) -> HttpResponse:
    """State or restate a worksite's daily needs (its committee's staff, second secretary,
    or the town)."""
    compounds = _worksites(request)
    chosen = int_param(request.POST.get("compound") or request.GET.get("compound"))
    initial: dict[str, Any] = {}
    if chosen:
        compound = get_object_or_404(compounds, pk=chosen)
        if not request.user.has_perm("supplies.add_worksiteneed", compound):
            raise PermissionDenied
        need = WorksiteNeed.objects.filter(compound=compound).first()
        initial = {"compound": compound}
        if need is not None:
            initial.update(
                {
                    f: getattr(need, f)
                    for f in NeedForm.base_fields
                    if f != "compound" and hasattr(need, f)
                }
            )
    form = NeedForm(request.POST or None, initial=initial, compounds=compounds)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            compound = data.pop("compound")
            if not request.user.has_perm("supplies.add_worksiteneed", compound):
                raise PermissionDenied
            try:
                need = worksite_need_save(
                    user=user_of(request), compound=compound, request=request, **data
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            else:
                messages.success(request, _("已保存工地需求"))
                return redirect("supplies:need", need.pk)
    return render(request, "supplies/worksite_need_form.html", {"form": form}, status=status)


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_need(request, _need(request, pk))


def _render_need(
    request: HttpRequest,
    need: WorksiteNeed,
    *,
    error: str = "",
    status: int = 200,
    form: MatchForm | None = None,
) -> HttpResponse:
    user = user_of(request)
    may_match = user.has_perm("supplies.match_worksiteneed", need)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    day = tomorrow
    if form is not None and form.is_bound and form.is_valid():
        day = form.cleaned_data["delivery_on"]
    elif request.GET.get("day"):
        try:
            day = dt.date.fromisoformat(request.GET["day"])
        except ValueError:
            day = tomorrow
    fits = rank_suppliers(need, day) if may_match else []
    context = {
        "need": need,
        "labels": [CATEGORY_LABELS.get(c, c) for c in need.categories],
        "fits": fits,
        "may_match": may_match,
        "may_change": user.has_perm("supplies.change_worksiteneed", need),
        "day": day,
        "orders": need.orders.select_related("supplier").order_by("-delivery_on", "-id")[:20],
        "error": error,
    }
    return render(request, "supplies/worksite_need.html", context, status=status)


@login_required
@require_POST
def need_match(request: HttpRequest, pk: int) -> HttpResponse:
    """The supply desk confirms a supplier for the need on a day: the order follows."""
    need = _need(request, pk)
    if not request.user.has_perm("supplies.match_worksiteneed", need):
        raise PermissionDenied
    form = MatchForm(request.POST)
    if not form.is_valid():
        return _render_need(request, need, error=_("请选择供应商和送货日期"), status=400)
    supplier = get_object_or_404(
        Supplier.objects.visible_to(request.user), pk=form.cleaned_data["supplier"]
    )
    try:
        order = worksite_match(
            user=user_of(request),
            need=need,
            supplier=supplier,
            delivery_on=form.cleaned_data["delivery_on"],
            request=request,
        )
    except Problem as exc:
        return _render_need(request, need, error=exc.text(), status=status_of(exc), form=form)
    messages.success(request, _("已下单"))
    return redirect("supplies:worksite_order", order.pk)


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_order(request, _order(request, pk))


def _render_order(
    request: HttpRequest, order: WorksiteOrder, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = user_of(request)
    vehicle = VehicleRequest.objects.filter(order=order).select_related("team__committee").first()
    may_assign = vehicle is not None and user.has_perm("supplies.assign_vehiclerequest", vehicle)
    context = {
        "order": order,
        "vehicle": vehicle,
        "may_assign": may_assign and order.status == WorksiteOrder.Status.ORDERED,
        "teams": (
            Team.objects.filter(town_id=order.town_id, function=Team.Function.TRANSPORT)
            .select_related("committee")
            .order_by("committee__name")
            if may_assign
            else []
        ),
        "moves": [
            (to, WORKSITE_ORDER_WORKFLOW.label(to))
            for to in WORKSITE_ORDER_WORKFLOW.allowed(user, order)
        ],
        "history": [
            {
                "change": h,
                "source": WORKSITE_ORDER_WORKFLOW.label(h.from_status) if h.from_status else "",
                "target": WORKSITE_ORDER_WORKFLOW.label(h.to_status),
            }
            for h in order.changes.select_related("by")
        ],
        "error": error,
    }
    return render(request, "supplies/worksite_order.html", context, status=status)


@login_required
@require_POST
def order_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A delivery step: dispatched, delivered (signed for at the site), or cancelled."""
    order = _order(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in WorksiteOrder.Status.values:
        return _render_order(request, order, error=_("未知状态 (unknown status)"), status=400)
    try:
        transition(
            order,
            form.cleaned_data["to"],
            by=user_of(request),
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except Problem as exc:
        return _render_order(request, order, error=exc.text(), status=status_of(exc))
    messages.success(request, _("已更新为“%(s)s”") % {"s": order.get_status_display()})
    return redirect("supplies:worksite_order", order.pk)


@login_required
@require_POST
def vehicle_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk names the vehicle it found: a transport team's, or a plate and driver."""
    order = _order(request, pk)
    vehicle = get_object_or_404(VehicleRequest, order=order)
    if not request.user.has_perm("supplies.assign_vehiclerequest", vehicle):
        raise PermissionDenied
    form = VehicleForm(request.POST)
    if not form.is_valid():
        return _render_order(request, order, error=_("请选择运输队或填写车牌号"), status=400)
    team = None
    if form.cleaned_data["team"]:
        team = Team.objects.filter(
            pk=form.cleaned_data["team"],
            town_id=order.town_id,
            function=Team.Function.TRANSPORT,
        ).first()
        if team is None:
            return _render_order(request, order, error=_("请选择本镇的运输队"), status=400)
    try:
        vehicle_assign_service(
            user=user_of(request),
            vehicle=vehicle,
            team=team,
            plate=form.cleaned_data["plate"],
            driver=form.cleaned_data["driver"],
            request=request,
        )
    except Problem as exc:
        return _render_order(request, order, error=exc.text(), status=status_of(exc))
    messages.success(request, _("已派车"))
    return redirect("supplies:worksite_order", order.pk)
