"""Pages of group buys (团购): the committee's rules, the list, a new group buy, its page (items,
status moves, orders and money, arrival and disinfection, slots, prices, complaints, outputs),
a volunteer ordering for a household, and complaints per supplier.

Every page fetches the group buy through the gate (`visible_to`: out of scope a 404), then asks
the rule book (403); a `Problem` is a 400 with its reason, a workflow `Conflict` a 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import int_param, user_of
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed, transition, workflow_for
from linli.duty.models import Volunteer
from linli.places.models import Building, Committee, Compound, Household
from linli.supplies import selectors_group_buys as selectors
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies import services_group_buy_prices as prices
from linli.supplies import services_group_buys as services
from linli.supplies.forms_group_buys import (
    AmountForm,
    ArrivalForm,
    ComplaintForm,
    DisinfectionForm,
    GroupBuyForm,
    OrderForm,
    PriceForm,
    RulesForm,
    SlotForm,
)
from linli.supplies.models import GroupBuy, GroupBuyItem, GroupBuyOrder, GroupBuyRules, Supplier
from linli.supplies.money import ledger
from linli.supplies.sheets_group_buys import output_response

S = GroupBuy.Status


def _group_buy(request: HttpRequest, pk: int) -> GroupBuy:
    return get_object_or_404(
        GroupBuy.objects.visible_to(request.user)
        .select_related("supplier", "organiser", "committee")
        .prefetch_related("compounds"),
        pk=pk,
    )


def _buildings(gb: GroupBuy) -> Any:
    """The buildings of all the group buy's compounds, compound by compound (slots)."""
    return (
        Building.objects.filter(compound__in=gb.compounds.all())
        .select_related("compound")
        .order_by("compound_id", "sort_key")
    )


def _allowed(request: HttpRequest, rule: str, obj: Any) -> None:
    if not request.user.has_perm(rule, obj):
        raise PermissionDenied


def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    """A refused write: back to the group buy's page would lose the reason, so answer it."""
    status = 409 if isinstance(exc, Conflict) else 403 if isinstance(exc, NotAllowed) else 400
    return render(request, "supplies/group_buy_refused.html", {"reason": exc.text()}, status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """团购: the group buys the login sees, newest first, filtered by status."""
    rows = selectors.group_buys_for(request.user)
    status = request.GET.get("status", "")
    if status in S.values:
        rows = rows.filter(status=status)
    committees = [
        c
        for c in Committee.objects.visible_to(request.user).order_by("name")[:50]
        if request.user.has_perm("supplies.change_groupbuyrules", c)
    ]
    page = Paginator(rows.order_by("-opens_at", "-id"), 50).get_page(request.GET.get("page"))
    counts = selectors.order_counts(list(page))
    for gb in page:
        gb.order_count = counts.get(gb.pk, 0)  # type: ignore[attr-defined]
    context = {
        "rows": page,
        "statuses": S.choices,
        "status": status,
        "committees": committees,
        "may_add": request.user.has_perm("supplies.add_groupbuy"),
    }
    return render(request, "supplies/group_buy_list.html", context)


@login_required
def rules_page(request: HttpRequest, pk: int) -> HttpResponse:
    """团购规则: a committee's rules (its compounds follow them unless they have their own)."""
    committee = get_object_or_404(Committee.objects.visible_to(request.user), pk=pk)
    compound = None
    compound_id = int_param(request.GET.get("compound") or request.POST.get("compound"))
    if compound_id:
        compound = get_object_or_404(
            Compound.objects.visible_to(request.user).filter(committee=committee), pk=compound_id
        )
    _allowed(request, "supplies.change_groupbuyrules", committee)
    current = (
        services.rules_for(compound)
        if compound
        else GroupBuyRules.objects.filter(committee=committee, compound__isnull=True).first()
        or GroupBuyRules(committee=committee)
    )
    initial = {
        "text": current.text,
        "organisers": current.organisers,
        "max_markup_percent": current.max_markup_bp / 100,
        "max_fee": f"{current.max_fee_fen / 100:.2f}",
        "max_window_hours": current.max_window_hours,
        "min_orders": current.min_orders,
        "disinfection_required": current.disinfection_required,
        "suspended": current.suspended,
    }
    form = RulesForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.group_buy_rules_save(
                user=user_of(request),
                committee=committee,
                compound=compound,
                text=data["text"],
                organisers=data["organisers"],
                max_markup_bp=int(data["max_markup_percent"] * 100),
                max_fee_fen=data["max_fee"],
                max_window_hours=data["max_window_hours"],
                min_orders=data["min_orders"],
                disinfection_required=data["disinfection_required"],
                suspended=data["suspended"],
                request=request,
            )
            messages.success(request, _("团购规则已保存"))
            return redirect(request.get_full_path())
        status = 400
    context = {
        "committee": committee,
        "compound": compound,
        "compounds": Compound.objects.visible_to(request.user).filter(committee=committee),
        "form": form,
    }
    return render(request, "supplies/group_buy_rules.html", context, status=status)


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """发起团购: a draft group buy over one or more compounds of a committee, with its items,
    checked against the strictest of the compounds' rules."""
    _allowed(request, "supplies.add_groupbuy", None)
    user = user_of(request)
    compounds = (
        Compound.objects.visible_to(user)
        .select_related("committee")
        .order_by("committee__name", "name", "pk")
    )
    organisers = Volunteer.objects.visible_to(user).filter(status=Volunteer.Status.ACTIVE)
    mine = Volunteer.objects.filter(user=user, status=Volunteer.Status.ACTIVE)
    suppliers = Supplier.objects.visible_to(user).filter(vetting=Supplier.Vetting.VETTED)
    form = GroupBuyForm(
        request.POST or None,
        compounds=compounds,
        organisers=(organisers | mine).distinct().order_by("name"),
        suppliers=suppliers,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            volunteer = data["organiser"]
            committee = data["compounds"][0].committee
            if not request.user.has_perm("duty.manage_committee", committee) and (
                volunteer.user_id != user.pk
            ):
                form.add_error("organiser", _("志愿者只能以自己为团长发起团购"))
            else:
                try:
                    gb = services.group_buy_create(
                        user=user,
                        compounds=list(data["compounds"]),
                        organiser=volunteer,
                        supplier=data["supplier"],
                        title=data["title"],
                        fee_fen=data["fee"] or 0,
                        opens_at=data["opens_at"],
                        closes_at=data["closes_at"],
                        delivery_on=data["delivery_on"],
                        after_sales=data["after_sales"],
                        items=form.items(),
                        request=request,
                    )
                except Problem as exc:
                    form.add_error(None, exc.text())
                else:
                    messages.success(request, _("团购草稿已保存，请提交居委审批"))
                    return redirect(gb)
    return render(request, "supplies/group_buy_new.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, gb: GroupBuy) -> dict[str, Any]:
    items = list(gb.items.all())
    workflow = workflow_for(GroupBuy)
    money = ledger(gb)
    return {
        "gb": gb,
        "items": items,
        "rules": services.rules_for_group_buy(gb),
        "moves": [(s, workflow.label(s)) for s in workflow.allowed(request.user, gb)],
        "changes": gb.changes.select_related("by"),
        "money": money,
        "outstanding": order_services.refunds_outstanding(gb),
        "order_count": gb.orders.filter(status=GroupBuyOrder.Status.ACTIVE).count(),
        "slots": gb.slots.select_related("building__compound"),
        "complaints": gb.complaints.all(),
        "runs": request.user.has_perm("supplies.change_groupbuy", gb),
        "arrival_form": ArrivalForm(items=items) if gb.status == S.ORDERED else None,
        "disinfection_form": DisinfectionForm() if gb.status == S.ARRIVED else None,
        "slot_form": SlotForm(buildings=_buildings(gb)),
        "complaint_form": ComplaintForm(),
        "price_form": PriceForm(),
        "money_form": AmountForm(),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    gb = _group_buy(request, pk)
    return render(request, "supplies/group_buy_detail.html", _detail_context(request, gb))


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """A status move (提交, 审批, 开团, 截单, …) through the workflow."""
    gb = _group_buy(request, pk)
    to = request.POST.get("to", "")
    try:
        transition(
            gb, to, by=user_of(request), reason=request.POST.get("reason", ""), request=request
        )
    except Problem as exc:
        return _problem(request, exc)
    return redirect(gb)


@login_required
@require_POST
def arrive(request: HttpRequest, pk: int) -> HttpResponse:
    """到货: quantities per item; allocation first come, first served."""
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.change_groupbuy", gb)
    form = ArrivalForm(request.POST, items=list(gb.items.all()))
    if not form.is_valid():
        return _problem(request, Problem("到货数量无效", "invalid quantities"))
    try:
        services.group_buy_arrive(
            user=user_of(request),
            group_buy=gb,
            arrived=form.arrived(),
            note=form.cleaned_data["note"],
            request=request,
        )
    except Problem as exc:
        return _problem(request, exc)
    return redirect(gb)


@login_required
@require_POST
def disinfect(request: HttpRequest, pk: int) -> HttpResponse:
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.change_groupbuy", gb)
    form = DisinfectionForm(request.POST)
    if not form.is_valid():
        return _problem(request, Problem("请登记消杀人和消杀方式", "record who and how"))
    try:
        services.group_buy_disinfect(
            user=user_of(request),
            group_buy=gb,
            by_name=form.cleaned_data["by_name"],
            method=form.cleaned_data["method"],
            request=request,
        )
    except Problem as exc:
        return _problem(request, exc)
    return redirect(gb)


@login_required
@require_POST
def slot(request: HttpRequest, pk: int) -> HttpResponse:
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.change_groupbuy", gb)
    form = SlotForm(request.POST, buildings=_buildings(gb))
    if not form.is_valid():
        return _problem(request, Problem("时段无效", "invalid slot"))
    try:
        services.slot_add(user=user_of(request), group_buy=gb, **form.cleaned_data, request=request)
    except Problem as exc:
        return _problem(request, exc)
    return redirect(gb)


@login_required
@require_POST
def price(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """改价: at once before opening; after, it waits for every orderer's consent."""
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.change_groupbuy", gb)
    row = get_object_or_404(GroupBuyItem, group_buy=gb, pk=item)
    form = PriceForm(request.POST)
    if not form.is_valid():
        return _problem(request, Problem("价格无效", "invalid price"))
    try:
        change = prices.price_change(
            user=user_of(request),
            item=row,
            new_price_fen=form.cleaned_data["price"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except Problem as exc:
        return _problem(request, exc)
    if not change.applied:
        messages.info(request, _("已发起改价，待全部下单户同意后生效"))
    return redirect(gb)


@login_required
@require_POST
def complain(request: HttpRequest, pk: int) -> HttpResponse:
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.complain_groupbuy", gb)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return _problem(request, Problem("请填写投诉内容", "say what the complaint is"))
    services.complaint_add(
        user=user_of(request), group_buy=gb, summary=form.cleaned_data["summary"], request=request
    )
    messages.success(request, _("投诉已记录"))
    return redirect(gb)


@login_required
def orders(request: HttpRequest, pk: int) -> HttpResponse:
    """订单与收款: every household's order (building, room; no names), due, paid, owed back."""
    gb = _group_buy(request, pk)
    context = {
        "gb": gb,
        "rows": selectors.order_rows(gb),
        "money": ledger(gb),
        "money_ok": request.user.has_perm("supplies.money_groupbuy", gb),
        "form": AmountForm(),
    }
    return render(request, "supplies/group_buy_orders.html", context)


@login_required
@require_POST
def money(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """收款 / 退款 (an order's), 全部退款, 付供应商."""
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.money_groupbuy", gb)
    user = user_of(request)
    try:
        if kind == "refund-all":
            order_services.refunds_pay_all(user=user, group_buy=gb, request=request)
            return redirect("supplies:group_buy_orders", pk=gb.pk)
        form = AmountForm(request.POST)
        if not form.is_valid():
            raise Problem("金额格式不正确", "not an amount in yuan")
        amount, note = form.cleaned_data["amount"], form.cleaned_data["note"]
        if kind == "supplier":
            order_services.supplier_pay(
                user=user, group_buy=gb, amount_fen=amount, note=note, request=request
            )
            return redirect(gb)
        order = get_object_or_404(gb.orders, pk=int_param(request.POST.get("order")))
        if kind == "pay":
            order_services.order_pay(
                user=user, order=order, amount_fen=amount, note=note, request=request
            )
        elif kind == "refund":
            order_services.order_refund(
                user=user, order=order, amount_fen=amount, note=note, request=request
            )
        else:
            raise Http404
    except Problem as exc:
        return _problem(request, exc)
    return redirect("supplies:group_buy_orders", pk=gb.pk)


@login_required
def order_for(request: HttpRequest, pk: int) -> HttpResponse:
    """代订: a volunteer (or the organiser, the committee) orders for a household of one of
    the group buy's compounds, e.g. an old neighbour without a smartphone."""
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.order_groupbuy", gb)
    # Reached: the committee's households (one the group buy does not cover is refused by the
    # service, with the reason); listed: those of the covered compounds.
    reached = Household.objects.filter(building__compound__committee_id=gb.committee_id)
    if not request.user.has_perm("supplies.change_groupbuy", gb):
        reached = reached & Household.objects.visible_to(request.user)
    households = (
        reached.filter(building__compound__in=gb.compounds.all())
        .select_related("building__compound")
        .order_by("building__compound_id", "building__sort_key", "room")
    )
    items = list(gb.items.all())
    form = OrderForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        status = 400
        household = (
            reached.select_related("building")
            .filter(pk=int_param(request.POST.get("household")))
            .first()
        )
        if household is None:
            raise Http404
        if form.is_valid():
            try:
                order_services.order_place(
                    user=user_of(request),
                    group_buy=gb,
                    household=household,
                    items=form.quantities(),
                    source=GroupBuyOrder.Source.VOLUNTEER,
                    request=request,
                )
            except Problem as exc:
                if isinstance(exc, Conflict):
                    status = 409
                form.add_error(None, exc.text())
            else:
                messages.success(
                    request,
                    _("已为 %(building)s %(room)s 下单")
                    % {"building": household.building.name, "room": household.room},
                )
                return redirect("supplies:group_buy_order_for", pk=gb.pk)
    context = {"gb": gb, "form": form, "households": households[:2000]}
    return render(request, "supplies/group_buy_order_for.html", context, status=status)


@login_required
def output(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    """订货单 / 拣货单 as xlsx or PDF."""
    gb = _group_buy(request, pk)
    _allowed(request, "supplies.change_groupbuy", gb)
    response = output_response(gb, kind, fmt)
    if response is None:
        raise Http404
    return response


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    """投诉: complaints per supplier (and per group buy), as the login's scope sees them."""
    supplier_id = int_param(request.GET.get("supplier")) or None
    rows = selectors.complaints_for(request.user, supplier_id=supplier_id)[:500]
    suppliers = Supplier.objects.visible_to(request.user).order_by("name")
    context = {"rows": rows, "suppliers": suppliers, "supplier_id": supplier_id}
    return render(request, "supplies/group_buy_complaints.html", context)
