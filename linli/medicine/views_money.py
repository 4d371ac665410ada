"""Advances (垫付) and the evening reconciliation (查漏补缺): the runners' balances and
ledgers, floats, repayments, disputes, and carrying the day's unfinished requests on."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import user_of
from linli.core.validators import Problem
from linli.medicine import money, reconcile
from linli.medicine.forms_runner import (
    DisputeForm,
    FloatForm,
    RepaymentForm,
    ResolveForm,
    new_form_token,
)
from linli.medicine.models import AdvanceEntry, MedicineOrder, MoneyDispute, TeamMember
from linli.medicine.rules import team_post_of
from linli.medicine.views_runner import day_param, refusal_status
from linli.places.models import Town


def _form_errors(form: Any) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "medicine/money_refused.html", {"reason": reason}, status=status)


def _runners(request: HttpRequest) -> Any:
    """The runners whose accounts the user may see: their town's (desk, staff) or their own."""
    post = team_post_of(request.user)
    if request.user.has_perm("medicine.issue_float"):
        town_id = post.town_id if post else (user_of(request).town_id or 0)
        return TeamMember.objects.filter(post=TeamMember.Post.RUNNER, town_id=town_id)
    return TeamMember.objects.filter(pk=post.pk if post else 0)


@login_required
def money_page(request: HttpRequest) -> HttpResponse:
    """Balances per runner, the ledger, open advances and disputes."""
    if not request.user.has_perm("medicine.view_money"):
        raise PermissionDenied
    runners = list(_runners(request).select_related("volunteer").distinct())
    entries = list(
        AdvanceEntry.objects.visible_to(request.user)
        .filter(runner__in=runners)
        .select_related("runner__volunteer", "order")
        .order_by("-at", "-id")[:100]
    )
    orders = MedicineOrder.objects.visible_to(request.user)
    context = {
        "accounts": [
            (
                r,
                money.balance_fen(r),
                FloatForm(initial={"runner": r.pk, "form_token": new_form_token()}),
            )
            for r in runners
        ],
        "entries": entries,
        "advances": money.open_advances(orders),
        "disputes": list(
            MoneyDispute.objects.visible_to(request.user)
            .select_related("order")
            .order_by("resolved_at", "-raised_at")[:100]
        ),
        "repay_token": new_form_token,
        "may_issue": request.user.has_perm("medicine.issue_float"),
    }
    return render(request, "medicine/money_page.html", context)


@login_required
@require_POST
def float_issue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("medicine.issue_float"):
        raise PermissionDenied
    form = FloatForm(request.POST)
    if not form.is_valid():
        return _refused(request, _form_errors(form), 400)
    runner = get_object_or_404(_runners(request), pk=form.cleaned_data["runner"])
    try:
        money.float_issue(
            user=user_of(request),
            runner=runner,
            amount_fen=form.cleaned_data["amount"],
            idempotency_key=f"float:{request.user.pk}:{form.cleaned_data['form_token']}",
            request=request,
        )
    except Problem as exc:
        return _refused(request, exc.text(), 400)
    messages.success(request, _("已发放备用金"))
    return redirect("medicine:money")


def _order(request: HttpRequest, pk: int, perm: str) -> MedicineOrder:
    order: MedicineOrder = get_object_or_404(MedicineOrder.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm(perm, order):
        raise PermissionDenied
    return order


@login_required
@require_POST
def order_repay(request: HttpRequest, pk: int) -> HttpResponse:
    """还款: the patient pays back, in cash or by transfer (with its reference)."""
    order = _order(request, pk, "medicine.repay_medicineorder")
    form = RepaymentForm(request.POST)
    if not form.is_valid():
        return _refused(request, _form_errors(form), 400)
    data = form.cleaned_data
    try:
        money.repayment_record(
            user=user_of(request),
            order=order,
            amount_fen=data["amount"],
            method=data["method"],
            reference=data["reference"],
            idempotency_key=f"repay:{request.user.pk}:{data['form_token']}",
            request=request,
        )
    except Problem as exc:
        return _refused(request, exc.text(), refusal_status(exc))
    messages.success(request, _("已记录还款"))
    return redirect("medicine:money")


@login_required
@require_POST
def order_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, "medicine.dispute_medicineorder")
    form = DisputeForm(request.POST)
    if not form.is_valid():
        return _refused(request, _form_errors(form), 400)
    try:
        money.dispute_raise(
            user=user_of(request), order=order, reason=form.cleaned_data["reason"], request=request
        )
    except Problem as exc:
        return _refused(request, exc.text(), 400)
    messages.success(request, _("已标记争议"))
    return redirect(request.POST.get("next") or reverse("medicine:money"))


@login_required
@require_POST
def dispute_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(MoneyDispute.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("medicine.resolve_moneydispute", dispute):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _refused(request, _form_errors(form), 400)
    try:
        money.dispute_resolve(
            user=user_of(request),
            dispute=dispute,
            resolution=form.cleaned_data["resolution"],
            request=request,
        )
    except Problem as exc:
        return _refused(request, exc.text(), 409)
    messages.success(request, _("争议已处理"))
    return redirect("medicine:money")


@login_required
def invoice_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A payment's invoice photo, for those who see the payment."""
    entry = get_object_or_404(
        AdvanceEntry.objects.visible_to(request.user).exclude(invoice_photo=""), pk=pk
    )
    if not request.user.has_perm("medicine.view_money"):
        raise PermissionDenied
    try:
        handle = entry.invoice_photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = mimetypes.guess_type(entry.invoice_photo.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=kind)


def _town(request: HttpRequest) -> Town:
    if not request.user.has_perm("medicine.reconcile_day"):
        raise PermissionDenied
    post = team_post_of(request.user)
    town_id = post.town_id if post else user_of(request).town_id
    return get_object_or_404(Town, pk=town_id)


@login_required
def reconcile_page(request: HttpRequest) -> HttpResponse:
    """查漏补缺: the day's requests not delivered, short lines, cards not back, open advances."""
    town = _town(request)
    day = day_param(request)
    evening = reconcile.evening(user_of(request), town, day)
    return render(request, "medicine/reconcile.html", {"e": evening, "town": town})


@login_required
@require_POST
def reconcile_carry(request: HttpRequest) -> HttpResponse:
    """Carry the day's unfinished requests into tomorrow, in one action."""
    town = _town(request)
    day = day_param(request)
    try:
        moved = reconcile.day_carry_over(user=user_of(request), town=town, day=day, request=request)
    except Problem as exc:
        return _refused(request, exc.text(), refusal_status(exc))
    messages.success(request, _("已将 %(n)s 张配药单顺延到明天") % {"n": moved})
    return redirect(reverse("medicine:reconcile") + f"?date={day:%Y-%m-%d}")
