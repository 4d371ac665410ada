"""The runner's phone page for the day (外场), its checklist's taps, card custody and the
committee's gate (交接点).

Every tap is a small form: with htmx the request's card is swapped in place, without it the
page reloads at the request. A refusal is a 4xx with its reason (400 bad input, 403 not
allowed, 409 the request moved meanwhile); a form sent twice is one record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import user_of
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.medicine import custody, money, runs
from linli.medicine.forms_runner import (
    CardForm,
    HandOverForm,
    LineForm,
    PaymentForm,
    new_form_token,
)
from linli.medicine.models import (
    AdvanceEntry,
    CustodyEvent,
    InsuranceCard,
    MedicineLine,
    MedicineOrder,
)
from linli.medicine.rules import team_post_of
from linli.places.models import Committee

Status = MedicineOrder.Status


def day_param(request: HttpRequest) -> dt.date:
    """?date=YYYY-MM-DD, else today (a bad date is today, never a 500)."""
    try:
        return parse_date(request.GET.get("date", "")) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


def refusal_status(exc: Problem) -> int:
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def _orders(request: HttpRequest) -> Any:
    return (
        MedicineOrder.objects.visible_to(request.user)
        .select_related(
            "resident",
            "committee",
            "household__building__compound",
            "hospital",
            "department",
            "run",
        )
        .prefetch_related(
            Prefetch("lines", queryset=MedicineLine.objects.order_by("id")),
            Prefetch("advance_entries", queryset=AdvanceEntry.objects.order_by("at", "id")),
            "resident__insurance_cards",
        )
    )


def _fetchable(request: HttpRequest, pk: int) -> MedicineOrder:
    order: MedicineOrder = get_object_or_404(_orders(request), pk=pk)
    if not request.user.has_perm("medicine.fetch_medicineorder", order):
        raise PermissionDenied(_("该配药单不在你的路线上"))
    return order


def _order_context(request: HttpRequest, order: MedicineOrder, error: str = "") -> dict[str, Any]:
    paid = sum(e.amount_fen for e in order.advance_entries.all() if e.kind == "payment")
    return {
        "o": order,
        "error": error,
        "paid_fen": paid,
        "payment_form": PaymentForm(initial={"form_token": new_form_token()}),
        "fetching": order.status in (Status.PLANNED, Status.AT_HOSPITAL),
        "cards": list(order.resident.insurance_cards.all()),
    }


def _answer(request: HttpRequest, order: MedicineOrder, error: str = "", status: int = 200) -> Any:
    """The request's card (htmx: always 200, the refusal shown inside it) or the page."""
    order = get_object_or_404(_orders(request), pk=order.pk)
    context = _order_context(request, order, error)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "medicine/_runner_order.html", context)
    if error:
        return render(request, "medicine/runner_order.html", context, status=status)
    url = reverse("medicine:runner") + f"?date={order.service_date:%Y-%m-%d}#order-{order.pk}"
    return redirect(url)


@login_required
def runner_day(request: HttpRequest) -> HttpResponse:
    """The runner's day: hospitals and departments in run order, a checklist per patient."""
    day = day_param(request)
    user = user_of(request)
    post = team_post_of(user)
    run = runs.runner_run(user, day)
    stops = runs.run_stops(user, run) if run else []
    if run:
        wanted = [o.pk for stop in stops for d in stop.departments for o in d.orders]
        full = {o.pk: o for o in _orders(request).filter(pk__in=wanted)}
        for stop in stops:
            for d in stop.departments:
                d.orders = [full[o.pk] for o in d.orders]
    context = {
        "day": day,
        "run": run,
        "stops": [
            (
                stop,
                [
                    (d.department, [_order_context(request, o) for o in d.orders])
                    for d in stop.departments
                ],
            )
            for stop in stops
        ],
        "balance_fen": money.balance_fen(post) if post and run else None,
        "total": sum(stop.count for stop in stops),
        "prev": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
    }
    return render(request, "medicine/runner_day.html", context)


@login_required
def runner_order(request: HttpRequest, pk: int) -> HttpResponse:
    order = _fetchable(request, pk)
    return render(request, "medicine/runner_order.html", _order_context(request, order))


@login_required
@require_POST
def order_register(request: HttpRequest, pk: int) -> HttpResponse:
    order = _fetchable(request, pk)
    try:
        runs.order_register(user=user_of(request), order=order, request=request)
    except Problem as exc:
        return _answer(request, order, exc.text(), refusal_status(exc))
    return _answer(request, order)


@login_required
@require_POST
def line_mark(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(MedicineLine, pk=pk, order__in=_orders(request).values("pk"))
    order = _fetchable(request, line.order_id)
    form = LineForm(request.POST)
    if not form.is_valid():
        return _answer(request, order, _("取药结果无效"), 400)
    data = form.cleaned_data
    try:
        runs.line_mark(
            user=user_of(request),
            line=line,
            outcome=data["outcome"],
            boxes_fetched=data["boxes_fetched"],
            substitute=data["substitute"],
            consent=data["consent"],
            request=request,
        )
    except Problem as exc:
        return _answer(request, order, exc.text(), refusal_status(exc))
    return _answer(request, order)


@login_required
@require_POST
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """付费: the invoice amount (yuan → fen) and its photo, from the runner's float."""
    order = _fetchable(request, pk)
    form = PaymentForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        return _answer(request, order, errors, 400)
    data = form.cleaned_data
    try:
        money.payment_record(
            user=user_of(request),
            order=order,
            amount_fen=data["amount"],
            out_of_pocket=data["out_of_pocket"],
            photo=data["photo"],
            idempotency_key=f"pay:{request.user.pk}:{data['form_token']}",
            request=request,
        )
    except Problem as exc:
        return _answer(request, order, exc.text(), refusal_status(exc))
    return _answer(request, order)


@login_required
@require_POST
def order_bag(request: HttpRequest, pk: int) -> HttpResponse:
    order = _fetchable(request, pk)
    if order.status != Status.BAGGED:
        try:
            runs.order_bag(user=user_of(request), order=order, request=request)
        except Problem as exc:
            return _answer(request, order, exc.text(), refusal_status(exc))
    return _answer(request, order)


@login_required
@require_POST
def card_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the patient's insurance card into the ledger (last 4 digits at most)."""
    order = get_object_or_404(_orders(request), pk=pk)
    if not request.user.has_perm("medicine.add_insurancecard", order):
        raise PermissionDenied
    form = CardForm(request.POST)
    if not form.is_valid():
        return _answer(request, order, _("卡号只需填写后四位数字"), 400)
    try:
        custody.card_register(
            user=user_of(request),
            resident=order.resident,
            last4=form.cleaned_data["last4"],
            request=request,
        )
    except Problem as exc:
        return _answer(request, order, exc.text(), 400)
    return _answer(request, order)


def _card_context(card: InsuranceCard, form: HandOverForm | None = None) -> dict[str, Any]:
    choices = custody.holder_choices(card.town_id, card.household_id)
    holder = custody.Holder.of(card)
    events = list(card.events.select_related("by").order_by("seq"))
    labels: dict[tuple[str, int | None], str] = {}

    def label(kind: str, ref: int | None) -> str:
        if (kind, ref) not in labels:
            labels[(kind, ref)] = custody.holder_label(custody.Holder(kind, ref))
        return labels[(kind, ref)]

    return {
        "card": card,
        "holder": label(holder.kind, holder.ref),
        "events": [(e, label(e.from_kind, e.from_ref), label(e.to_kind, e.to_ref)) for e in events],
        "form": form
        or HandOverForm(
            choices=[c for c in choices if c[0] != holder.value],
            initial={"from_holder": holder.value, "form_token": new_form_token()},
        ),
        "lost": CustodyEvent.Kind.LOST,
    }


@login_required
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A card's holder, its ledger, and the hand-over form."""
    card = get_object_or_404(
        InsuranceCard.objects.visible_to(request.user).select_related("resident", "committee"),
        pk=pk,
    )
    status = 200
    form = None
    if request.method == "POST":
        if not request.user.has_perm("medicine.hand_over_insurancecard", card):
            raise PermissionDenied
        choices = custody.holder_choices(card.town_id, card.household_id)
        form = HandOverForm(request.POST, choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                custody.card_hand_over(
                    user=user_of(request),
                    card=card,
                    from_holder=custody.Holder.parse(data["from_holder"]),
                    to_holder=custody.Holder.parse(data["to_holder"]),
                    place=data["place"],
                    idempotency_key=f"card:{request.user.pk}:{data['form_token']}",
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, exc.text())
                status = 409
            else:
                messages.success(request, _("已记录交接"))
                return redirect("medicine:card", pk=card.pk)
        else:
            status = 400
    return render(request, "medicine/custody_card.html", _card_context(card, form), status=status)


@login_required
@require_POST
def card_lost(request: HttpRequest, pk: int) -> HttpResponse:
    """Flag a card lost at its last holder (the evening check)."""
    card = get_object_or_404(InsuranceCard.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("medicine.flag_lost_insurancecard", card):
        raise PermissionDenied
    try:
        custody.card_flag_lost(user=user_of(request), card=card, request=request)
    except Problem as exc:
        return HttpResponse(exc.text(), status=409)
    messages.success(request, _("已报失"))
    return redirect(request.POST.get("next") or reverse("medicine:card", args=[card.pk]))


def _gate_committees(request: HttpRequest) -> list[Committee]:
    if not request.user.has_perm("medicine.view_gate"):
        raise PermissionDenied
    return list(Committee.objects.visible_to(request.user).order_by("name"))


@login_required
def gate(request: HttpRequest) -> HttpResponse:
    """The committee's gate (交接点): the day's bags coming, received (counted) and delivered."""
    day = day_param(request)
    committees = _gate_committees(request)
    orders = list(
        MedicineOrder.objects.visible_to(request.user)
        .filter(
            service_date=day,
            committee__in=committees,
            status__in=[Status.BAGGED, Status.HANDED_OVER, Status.DELIVERED],
        )
        .select_related("resident", "committee", "household__building", "run__runner__volunteer")
        .order_by("committee__name", "household__building__sort_key", "household__room", "id")
    )
    if request.method == "POST":
        chosen = {int(x) for x in request.POST.getlist("order") if x.isdigit()}
        picked = [o for o in orders if o.pk in chosen]
        if not picked:
            messages.error(request, _("请选择收到的药袋"))
            return redirect(reverse("medicine:gate") + f"?date={day:%Y-%m-%d}")
        received = 0
        try:
            for committee in committees:
                mine = [o for o in picked if o.committee_id == committee.pk]
                for o in mine:
                    if not request.user.has_perm("medicine.receive_medicineorder", o):
                        raise PermissionDenied
                if mine:
                    received += runs.bags_receive(
                        user=user_of(request), committee=committee, orders=mine, request=request
                    )
        except Problem as exc:
            messages.error(request, exc.text())
            return redirect(reverse("medicine:gate") + f"?date={day:%Y-%m-%d}")
        messages.success(request, _("已签收 %(n)s 袋") % {"n": received})
        return redirect(reverse("medicine:gate") + f"?date={day:%Y-%m-%d}")
    counts = {s: sum(1 for o in orders if o.status == s) for s in Status.values}
    context = {
        "day": day,
        "orders": orders,
        "bagged": counts[Status.BAGGED],
        "handed_over": counts[Status.HANDED_OVER],
        "delivered": counts[Status.DELIVERED],
    }
    return render(request, "medicine/runner_gate.html", context)


@login_required
@require_POST
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(MedicineOrder.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("medicine.deliver_medicineorder", order):
        raise PermissionDenied
    try:
        runs.order_deliver(user=user_of(request), order=order, request=request)
    except Problem as exc:
        return HttpResponse(exc.text(), status=refusal_status(exc))
    return redirect(reverse("medicine:gate") + f"?date={order.service_date:%Y-%m-%d}")
