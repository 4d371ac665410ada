"""The residents' door to group buys, without a login: the building's self-service QR poster
(care's `SelfServiceLink`, the same token as 居民求助) leads to the compound's own rules text and
the open group buys covering the compound (a group buy over several compounds shows at each of
their doors, and obeys the strictest of their rules); a household orders with its room and
the phone of a resident of that room, and gets its own order link to see the total, change or
cancel until the window closes, and consent to a price change.

Privacy and abuse follow care's self-service door (`linli.care.selfservice`): unknown tokens
are counted per address; a refused order (no such room, a phone not of the room, a stale form)
gets one neutral answer and is counted per poster and address; an order link opens that one
order only (the token's hash is stored); pages show rooms, never names or numbers.
"""

from __future__ import annotations

import secrets

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.care import selfservice
from linli.care.models import SelfServiceLink
from linli.core import ratelimit
from linli.core.ratelimit import Limit
from linli.core.validators import Problem
from linli.core.workflow import Conflict
from linli.places.models import Household, Resident
from linli.supplies import selectors_group_buys as selectors
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies import services_group_buy_prices as prices
from linli.supplies import services_group_buys as services
from linli.supplies.forms_group_buys import DoorOrderForm, OrderForm
from linli.supplies.models import GroupBuy, GroupBuyOrder, PriceChange
from linli.supplies.money import order_due_fen, refund_due_fen

MAX_BODY_BYTES = 8 * 1024
ORDER_MISSES = Limit("supplies:door:refused", 10, 3600)  # per poster and address
REFUSED_ZH = "未能下单，请核对室号和本户登记的手机号，或联系楼组长代订"
REFUSED_EN = "could not order: check the room and your registered phone, or ask the leader"
LIVING = (Resident.Status.PRESENT, Resident.Status.AWAY)


def _link(request: HttpRequest, token: str) -> SelfServiceLink | HttpResponse:
    link = selfservice.link_by_token(token)
    if link is None:
        if selfservice.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request)):
            return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
        raise Http404
    return link


def _private(response: HttpResponse) -> HttpResponse:
    # The URL carries a token: never sent to another site. Not "no-referrer": the pages post
    # forms, and a browser then sends `Origin: null`, which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def door(request: HttpRequest, token: str) -> HttpResponse:
    """团购: the compound's own rules and the group buys covering it open for ordering."""
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    compound = link.building.compound
    context = {
        "building": link.building,
        "token": token,
        "rules": services.rules_for(compound),
        "group_buys": selectors.open_for_compound(compound.pk),
    }
    return _private(render(request, "supplies/group_buy_door.html", context))


def _open_group_buy(link: SelfServiceLink, pk: int) -> GroupBuy:
    gb = (
        GroupBuy.objects.select_related("supplier")
        .filter(pk=pk, compounds__id=link.building.compound_id, status=GroupBuy.Status.OPEN)
        .first()
    )
    if gb is None:
        raise Http404
    return gb


@never_cache
def door_order(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """下单: quantities, the room and a registered phone of the room; the total is shown as
    the household picks (linli.js) and again on its order page."""
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    gb = _open_group_buy(link, pk)
    items = list(gb.items.all())
    if request.method != "POST":
        form = DoorOrderForm(items=items, initial={"form_token": secrets.token_urlsafe(24)})
        return _order_page(request, link, gb, form)
    if ratelimit.too_large(request, MAX_BODY_BYTES):
        return HttpResponse(_("提交内容过大"), status=413)
    form = DoorOrderForm(request.POST, items=items)
    if not form.is_valid():
        return _order_page(request, link, gb, form, status=400)
    data = form.cleaned_data
    household = Household.objects.filter(building_id=link.building_id, room=data["room"]).first()
    known = (
        household is not None
        and Resident.objects.filter(
            household=household, phone=data["phone"], status__in=LIVING
        ).exists()
    )
    if not known:
        if ORDER_MISSES.hit(f"{link.pk}:{ratelimit.address(request)}"):
            return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
        form.add_error(None, Problem(REFUSED_ZH, REFUSED_EN).text())
        return _order_page(request, link, gb, form, status=400)
    assert household is not None
    try:
        placed = order_services.order_place(
            user=None,
            group_buy=gb,
            household=household,
            items=form.quantities(),
            source=GroupBuyOrder.Source.SELF_SERVICE,
            idempotency_key=f"door:{data['form_token']}",
            request=request,
        )
    except Problem as exc:
        form.add_error(None, exc.text())
        return _order_page(
            request, link, gb, form, status=409 if isinstance(exc, Conflict) else 400
        )
    if placed.token is None:
        form.add_error(None, Problem(REFUSED_ZH, REFUSED_EN).text())
        return _order_page(request, link, gb, form, status=400)
    return redirect("supplies:my_order", token=placed.token)


def _order_page(
    request: HttpRequest,
    link: SelfServiceLink,
    gb: GroupBuy,
    form: OrderForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "building": link.building,
        "token": link.token,
        "gb": gb,
        "form": form,
        "rules": services.rules_for(link.building.compound),
    }
    return _private(render(request, "supplies/group_buy_door_order.html", context, status=status))


def _order_or_404(request: HttpRequest, token: str) -> GroupBuyOrder:
    order = order_services.order_by_token(token)
    if order is None:
        selfservice.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request))
        raise Http404
    return order


@never_cache
def my_order(request: HttpRequest, token: str) -> HttpResponse:
    """我的订单: the household's order, its total, its status; change or cancel while open."""
    order = _order_or_404(request, token)
    gb = order.group_buy
    lines = list(order.lines.select_related("item"))
    due = order_due_fen(order, lines, gb_status=gb.status)
    may_change = order.status == GroupBuyOrder.Status.ACTIVE and gb.status == GroupBuy.Status.OPEN
    form = None
    if may_change:
        items = list(gb.items.all())
        form = OrderForm(items=items, initial={f"qty_{line.item_id}": line.qty for line in lines})
    context = {
        "order": order,
        "gb": gb,
        "lines": lines,
        "due": due,
        "refund": refund_due_fen(order, due),
        "form": form,
        "token": token,
        "pending": prices.pending_price_changes(order) if may_change else [],
        "slots": gb.slots.filter(building_id=order.household.building_id),
        "rules": services.rules_for(order.household.building.compound),
    }
    return _private(render(request, "supplies/group_buy_my_order.html", context))


@never_cache
@require_POST
def my_order_change(request: HttpRequest, token: str) -> HttpResponse:
    order = _order_or_404(request, token)
    if ratelimit.too_large(request, MAX_BODY_BYTES):
        return HttpResponse(_("提交内容过大"), status=413)
    gb = order.group_buy
    form = OrderForm(request.POST, items=list(gb.items.all()))
    action = request.POST.get("action", "change")
    try:
        if action == "cancel":
            order_services.order_cancel(user=None, order=order, request=request)
        elif form.is_valid() and order.status == GroupBuyOrder.Status.ACTIVE:
            order_services.order_place(
                user=None,
                group_buy=gb,
                household=order.household,
                items=form.quantities(),
                source=GroupBuyOrder.Source.SELF_SERVICE,
                request=request,
            )
        else:
            raise Problem("数量无效", "invalid quantities")
    except Problem as exc:
        status = 409 if isinstance(exc, Conflict) else 400
        return render(
            request,
            "supplies/group_buy_refused.html",
            {"reason": exc.text(), "back": reverse("supplies:my_order", args=[token])},
            status=status,
        )
    return redirect("supplies:my_order", token=token)


@never_cache
@require_POST
def my_order_consent(request: HttpRequest, token: str, change: int) -> HttpResponse:
    """同意改价: the household consents to a proposed price of an item it ordered."""
    order = _order_or_404(request, token)
    found = PriceChange.objects.filter(pk=change, item__group_buy_id=order.group_buy_id).first()
    if found is None:
        raise Http404
    try:
        prices.price_consent(user=None, change=found, order=order, request=request)
    except Problem as exc:
        return render(
            request,
            "supplies/group_buy_refused.html",
            {"reason": exc.text(), "back": reverse("supplies:my_order", args=[token])},
            status=400,
        )
    return redirect("supplies:my_order", token=token)
