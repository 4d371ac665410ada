"""Writes of group buys (团购): the committee's rules, group buys and their items, households'
orders (placed, changed, cancelled), arrival and first-come allocation, disinfection, slots,
price changes with every orderer's consent, money and complaints.

Stock is claimed with one conditional UPDATE per item (`ordered + qty <= stock`), so of
concurrent orders for the last units exactly as many as there are units succeed and the rest
get a `Conflict` (HTTP 409), on SQLite and PostgreSQL alike; a check constraint stands behind.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from linli.accounts.models import hash_token
from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict, transition
from linli.supplies.models import (
    Complaint,
    DistributionSlot,
    GroupBuy,
    GroupBuyItem,
    GroupBuyLine,
    GroupBuyOrder,
    GroupBuyRules,
    MoneyEntry,
    PriceChange,
    Supplier,
)
from linli.supplies.money import ledger, order_due_fen, refund_due_fen

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.duty.models import Volunteer
    from linli.places.models import Building, Committee, Compound, Household

S = GroupBuy.Status
MAX_QTY = 999
MAX_ITEMS = 50


@dataclass(frozen=True)
class ItemIn:
    """An item as the organiser states it (prices in fen)."""

    name: str
    unit_price_fen: int
    list_price_fen: int
    stock: int
    unit: str = "份"
    pack_size: str = ""


@dataclass(frozen=True)
class Placed:
    """A household's order as placed: `created` False when an idempotency key repeated one;
    `token` the household's own link (self-service only, new orders only)."""

    order: GroupBuyOrder
    created: bool
    token: str | None = None


# --- Rules -----------------------------------------------------------------------------------


def rules_for(compound: Compound) -> GroupBuyRules:
    """The rules that govern a compound: its own, else its committee's, else the defaults
    (unsaved)."""
    found = {
        r.compound_id: r
        for r in GroupBuyRules.objects.filter(committee_id=compound.committee_id).filter(
            compound_id__in=[compound.pk]
        )
        | GroupBuyRules.objects.filter(committee_id=compound.committee_id, compound__isnull=True)
    }
    return (
        found.get(compound.pk)
        or found.get(None)
        or GroupBuyRules(town_id=compound.town_id, committee_id=compound.committee_id)
    )


@transaction.atomic
def group_buy_rules_save(
    *,
    user: User,
    committee: Committee,
    compound: Compound | None = None,
    text: str,
    organisers: str,
    max_markup_bp: int,
    max_fee_fen: int,
    max_window_hours: int,
    min_orders: int,
    disinfection_required: bool,
    suspended: bool,
    request: HttpRequest | None = None,
) -> GroupBuyRules:
    """Set a committee's rules (or a compound's own)."""
    if compound is not None and compound.committee_id != committee.pk:
        raise Problem("小区不属于该居委", "the compound is not the committee's")
    if organisers not in GroupBuyRules.Organisers.values:
        raise Problem(f"团长资格无效：{organisers}", f"invalid organisers {organisers!r}")
    if max_window_hours < 1 or min_orders < 1:
        raise Problem("接龙时长和最低户数至少为1", "window and minimum orders must be at least 1")
    row, _ = GroupBuyRules.objects.update_or_create(
        committee=committee,
        compound=compound,
        defaults={
            "town_id": committee.town_id,
            "text": text.strip()[:5000],
            "organisers": organisers,
            "max_markup_bp": max_markup_bp,
            "max_fee_fen": max_fee_fen,
            "max_window_hours": max_window_hours,
            "min_orders": min_orders,
            "disinfection_required": disinfection_required,
            "suspended": suspended,
        },
    )
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=row,
        summary="group buy rules saved" + (" (suspended)" if suspended else ""),
        detail={"max_markup_bp": max_markup_bp, "max_fee_fen": max_fee_fen, "min": min_orders},
        request=request,
    )
    return row


def organiser_problem(rules: GroupBuyRules, volunteer: Volunteer, compound: Compound) -> str:
    """Why this volunteer may not organise in this compound under these rules ("" if they
    may): a registered resident of the compound, or one the committee nominated."""
    resident = volunteer.resident
    lives_here = (
        resident is not None
        and resident.status in ("present", "away")
        and resident.household.building.compound_id == compound.pk
    )
    nominated = rules.pk is not None and rules.nominated.filter(pk=volunteer.pk).exists()
    allowed = {
        GroupBuyRules.Organisers.RESIDENT: lives_here,
        GroupBuyRules.Organisers.NOMINATED: nominated,
        GroupBuyRules.Organisers.RESIDENT_OR_NOMINATED: lives_here or nominated,
    }[GroupBuyRules.Organisers(rules.organisers)]
    return "" if allowed else str(GroupBuyRules.Organisers(rules.organisers).label)


def _check_rules(
    gb: GroupBuy, rules: GroupBuyRules, items: Sequence[GroupBuyItem | ItemIn], day: dt.date
) -> None:
    from linli.supplies.vetting import supplier_problem

    if rules.suspended:
        raise Problem("居委已暂停本小区全部团购", "the committee has suspended all group buys")
    problem = supplier_problem(gb.supplier, day)
    if problem is not None:
        raise problem
    if gb.fee_fen > rules.max_fee_fen:
        raise Problem(
            f"服务费{gb.fee_fen}分超过规定上限{rules.max_fee_fen}分",
            f"the fee {gb.fee_fen} fen exceeds the cap of {rules.max_fee_fen}",
        )
    for item in items:
        over = item.unit_price_fen * 10000 > item.list_price_fen * (10000 + rules.max_markup_bp)
        if over:
            raise Problem(
                f"“{item.name}”加价超过规定上限（{rules.max_markup_bp / 100:g}%）",
                f"{item.name}: mark-up over the cap of {rules.max_markup_bp / 100:g}%",
            )
    if gb.closes_at <= gb.opens_at:
        raise Problem("截止时间须晚于开始时间", "the window must close after it opens")
    if gb.closes_at - gb.opens_at > dt.timedelta(hours=rules.max_window_hours):
        raise Problem(
            f"接龙时长超过规定的{rules.max_window_hours}小时",
            f"the window exceeds {rules.max_window_hours} hours",
        )
    reason = organiser_problem(rules, gb.organiser, gb.compound)
    if reason:
        raise Problem(f"团长不符合本小区规定：{reason}", "the organiser is not eligible here")


def check_may_open(gb: GroupBuy, *, day: dt.date) -> None:
    """Everything the rules enforce, again when the group buy opens (papers expire, a switch
    may have been thrown since it was approved)."""
    items = list(gb.items.all())
    if not items:
        raise Problem("请先添加商品", "add items first")
    _check_rules(gb, rules_for(gb.compound), items, day)


# --- Group buys ------------------------------------------------------------------------------


@transaction.atomic
def group_buy_create(
    *,
    user: User | None,
    compound: Compound,
    organiser: Volunteer,
    supplier: Supplier,
    title: str,
    fee_fen: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    delivery_on: dt.date,
    after_sales: str = "",
    items: Sequence[ItemIn],
    request: HttpRequest | None = None,
) -> GroupBuy:
    """A draft group buy with its items, checked against the compound's rules."""
    title = title.strip()
    if not title:
        raise Problem("请填写团购名称", "give the group buy a name")
    if supplier.town_id != compound.town_id:
        raise Problem("供应商不属于本镇", "the supplier is not the town's")
    if not items or len(items) > MAX_ITEMS:
        raise Problem(f"商品须为1到{MAX_ITEMS}种", f"give 1 to {MAX_ITEMS} items")
    for item in items:
        if not item.name.strip() or item.stock < 1:
            raise Problem("商品名称不能为空，数量至少为1", "each item needs a name and stock")
    gb = GroupBuy(
        town_id=compound.town_id,
        committee_id=compound.committee_id,
        compound=compound,
        organiser=organiser,
        supplier=supplier,
        title=title[:100],
        fee_fen=fee_fen,
        opens_at=opens_at,
        closes_at=closes_at,
        delivery_on=delivery_on,
        after_sales=after_sales.strip()[:100],
        created_by=user if user is not None and user.is_authenticated else None,
    )
    _check_rules(gb, rules_for(compound), items, timezone.localdate())
    gb.save()
    GroupBuyItem.objects.bulk_create(
        GroupBuyItem(
            group_buy=gb,
            name=i.name.strip()[:100],
            unit=i.unit.strip()[:20] or "份",
            pack_size=i.pack_size.strip()[:50],
            list_price_fen=i.list_price_fen,
            unit_price_fen=i.unit_price_fen,
            stock=i.stock,
        )
        for i in items
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=gb,
        summary=f"group buy created: {gb.title}",
        detail={"supplier": supplier.pk, "items": len(items), "fee_fen": fee_fen},
        request=request,
    )
    return gb


# --- Orders ----------------------------------------------------------------------------------


def _window_open(gb: GroupBuy, now: dt.datetime, *, ordering: bool = True) -> None:
    if gb.status != S.OPEN or not (gb.opens_at <= now < gb.closes_at):
        raise Conflict("团购不在接龙时间内", "the group buy is not taking orders now")
    # The switch stops orders in open group buys too; a household may still cancel.
    if ordering and rules_for(gb.compound).suspended:
        raise Conflict("居委已暂停本小区全部团购", "the committee has suspended all group buys")


def _claim(item_id: int, qty: int) -> None:
    """Take `qty` units of an item's stock, or refuse (409) when fewer are left."""
    taken = GroupBuyItem.objects.filter(pk=item_id, ordered__lte=F("stock") - qty).update(
        ordered=F("ordered") + qty
    )
    if not taken:
        item = GroupBuyItem.objects.get(pk=item_id)
        left = item.stock - item.ordered
        raise Conflict(
            f"“{item.name}”库存不足，仅剩{left}{item.unit}",
            f"{item.name}: only {left} left",
        )


def _release(lines: Sequence[GroupBuyLine]) -> None:
    for line in lines:
        GroupBuyItem.objects.filter(pk=line.item_id).update(ordered=F("ordered") - line.qty)


def _clean_items(gb: GroupBuy, wanted: Sequence[tuple[int, int]]) -> dict[int, int]:
    quantities: dict[int, int] = defaultdict(int)
    for item_id, qty in wanted:
        if qty < 0 or qty > MAX_QTY:
            raise Problem(f"数量须在0到{MAX_QTY}之间", f"quantities are 0 to {MAX_QTY}")
        quantities[item_id] += qty
    known = set(gb.items.filter(pk__in=list(quantities)).values_list("pk", flat=True))
    unknown = set(quantities) - known
    if unknown:
        raise Problem("商品不属于该团购", f"items not in this group buy: {sorted(unknown)}")
    chosen = {k: v for k, v in quantities.items() if v > 0}
    if not chosen:
        raise Problem("请至少选择一件商品", "order at least one item")
    return chosen


def _lines_of(order: GroupBuyOrder) -> list[GroupBuyLine]:
    return list(order.lines.all())


def _order_token(group_buy_id: int, key: str) -> str:
    """The household's link to its order, derived from the form's key with the secret key: a
    replayed submission gets the same link, and the token itself is never stored."""
    digest = salted_hmac("linli.supplies.order-link", f"{group_buy_id}:{key}", algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


@transaction.atomic
def order_place(
    *,
    user: User | None,
    group_buy: GroupBuy,
    household: Household,
    items: Sequence[tuple[int, int]],
    source: str,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Placed:
    """Place (or change) a household's order: its active order's lines are replaced by these.
    An order beyond the stock left is a Conflict and changes nothing; the first placing time
    stands through changes (first come, first served)."""
    now = now or timezone.now()
    if idempotency_key:
        found = GroupBuyOrder.objects.filter(
            group_buy=group_buy, idempotency_key=idempotency_key
        ).first()
        if found is not None:
            if found.household_id != household.pk:
                raise Conflict("该幂等键已用于另一户", "the Idempotency-Key was used for another")
            replayed = _order_token(group_buy.pk, idempotency_key)
            same = found.access_token_hash == hash_token(replayed)
            return Placed(found, False, replayed if same else None)
    gb = GroupBuy.objects.select_related("compound").get(pk=group_buy.pk)
    _window_open(gb, now)
    if household.building.compound_id != gb.compound_id:
        raise Problem("该户不在本团购的小区", "the household is not in the group buy's compound")
    chosen = _clean_items(gb, items)
    existing = (
        GroupBuyOrder.objects.select_for_update()
        .filter(group_buy=gb, household=household, status=GroupBuyOrder.Status.ACTIVE)
        .first()
    )
    self_service = source == GroupBuyOrder.Source.SELF_SERVICE and bool(idempotency_key)
    token = _order_token(gb.pk, idempotency_key or "") if self_service else None
    if existing is not None:
        _release(_lines_of(existing))
        existing.lines.all().delete()
        order = existing
        if idempotency_key:
            # A change keyed anew: this key replays it; through the door, the newest link opens it.
            order.idempotency_key = idempotency_key
            if token:
                order.access_token_hash = hash_token(token)
            order.save(update_fields=["idempotency_key", "access_token_hash"])
    else:
        order = GroupBuyOrder(
            group_buy=gb,
            household=household,
            source=source,
            placed_at=now,
            placed_by=user if user is not None and user.is_authenticated else None,
            fee_fen=gb.fee_fen,
            idempotency_key=idempotency_key or None,
            access_token_hash=hash_token(token) if token else "",
        )
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            raise Conflict("该户已有订单，请刷新后修改", "the household already ordered") from None
    prices = dict(gb.items.filter(pk__in=list(chosen)).values_list("pk", "unit_price_fen"))
    for item_id in sorted(chosen):  # one order of locks, so two orders cannot deadlock
        _claim(item_id, chosen[item_id])
    GroupBuyLine.objects.bulk_create(
        GroupBuyLine(order=order, item_id=i, qty=q, unit_price_fen=prices[i])
        for i, q in sorted(chosen.items())
    )
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
        target=order,
        summary=f"group buy order {'changed' if existing else 'placed'} ({source})",
        detail={"group_buy": gb.pk, "items": {str(k): v for k, v in chosen.items()}},
        request=request,
        town_id=gb.town_id,
    )
    return Placed(order, existing is None, token)


@transaction.atomic
def order_cancel(
    *,
    user: User | None,
    order: GroupBuyOrder,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> GroupBuyOrder:
    """A household withdraws its order while the window is open; its stock is freed and what
    it paid is owed back."""
    locked = GroupBuyOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status == GroupBuyOrder.Status.CANCELLED:
        return locked
    gb = GroupBuy.objects.get(pk=locked.group_buy_id)
    _window_open(gb, now or timezone.now(), ordering=False)
    _release(_lines_of(locked))
    locked.status = GroupBuyOrder.Status.CANCELLED
    locked.save(update_fields=["status"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="group buy order cancelled",
        detail={"group_buy": locked.group_buy_id},
        request=request,
        town_id=None,
    )
    order.status = locked.status
    return locked


def order_by_token(token: str) -> GroupBuyOrder | None:
    """The one order a household's link opens, or None."""
    if not token or len(token) > 100:
        return None
    return (
        GroupBuyOrder.objects.select_related("group_buy__compound", "household__building")
        .filter(access_token_hash=hash_token(token))
        .first()
    )


# --- Arrival, allocation, disinfection, slots ------------------------------------------------


def allocate(gb: GroupBuy) -> None:
    """Share what arrived of each item first come, first served by order time: each line gets
    what it ordered while units last, the next line what is left, then nothing."""
    remaining = {i.pk: i.arrived or 0 for i in gb.items.all()}
    lines = (
        GroupBuyLine.objects.filter(order__group_buy=gb, order__status=GroupBuyOrder.Status.ACTIVE)
        .order_by("order__placed_at", "order_id", "item_id")
        .only("pk", "item_id", "qty")
    )
    changed = []
    for line in lines:
        give = min(line.qty, remaining[line.item_id])
        remaining[line.item_id] -= give
        line.allocated = give
        changed.append(line)
    GroupBuyLine.objects.bulk_update(changed, ["allocated"], batch_size=2000)


@transaction.atomic
def group_buy_arrive(
    *,
    user: User,
    group_buy: GroupBuy,
    arrived: dict[int, int],
    note: str = "",
    request: HttpRequest | None = None,
) -> GroupBuy:
    """Goods reached the gate: record how many of each item came, allocate them first come
    first served, and move the group buy to arrived."""
    gb = GroupBuy.objects.select_for_update().get(pk=group_buy.pk)
    if gb.status != S.ORDERED:
        raise Conflict("团购不在“已下单”状态", "the group buy is not ordered")
    items = {i.pk: i for i in gb.items.all()}
    if set(arrived) != set(items):
        raise Problem("请登记每种商品的到货数量", "record how many of each item arrived")
    for item_id, qty in arrived.items():
        if qty < 0 or qty > 10**6:
            raise Problem("到货数量无效", "invalid quantity")
        items[item_id].arrived = qty
    GroupBuyItem.objects.bulk_update(list(items.values()), ["arrived"])
    gb.arrival_note = note.strip()[:200]
    gb.save(update_fields=["arrival_note"])
    allocate(gb)
    short = {i.name: i.ordered - qty for i in items.values() if (qty := i.arrived or 0) < i.ordered}
    reason = ("短缺 " + ", ".join(f"{k}-{v}" for k, v in short.items())) if short else ""
    return transition(gb, S.ARRIVED, by=user, reason=reason, request=request)


@transaction.atomic
def group_buy_disinfect(
    *,
    user: User,
    group_buy: GroupBuy,
    by_name: str,
    method: str,
    at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> GroupBuy:
    """Record the disinfection at the gate (who, how, when) and move to disinfected."""
    by_name, method = by_name.strip()[:50], method.strip()[:100]
    if not by_name or not method:
        raise Problem("请登记消杀人和消杀方式", "record who disinfected and how")
    at = at or timezone.now()
    GroupBuy.objects.filter(pk=group_buy.pk, status=S.ARRIVED).update(
        disinfected_by=by_name, disinfection_method=method, disinfected_at=at
    )
    return transition(group_buy, S.DISINFECTED, by=user, reason=method, at=at, request=request)


@transaction.atomic
def slot_add(
    *,
    user: User,
    group_buy: GroupBuy,
    building: Building,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    request: HttpRequest | None = None,
) -> DistributionSlot:
    """A building's time slot to collect its goods."""
    if building.compound_id != group_buy.compound_id:
        raise Problem("楼栋不在本团购的小区", "the building is not in the compound")
    if ends_at <= starts_at:
        raise Problem("结束时间须晚于开始时间", "the slot must end after it starts")
    slot = DistributionSlot.objects.create(
        group_buy=group_buy, building=building, starts_at=starts_at, ends_at=ends_at
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=slot,
        summary="group buy slot added",
        detail={"group_buy": group_buy.pk, "building": building.pk},
        request=request,
    )
    return slot


# --- Prices ----------------------------------------------------------------------------------


def _orders_with(item: GroupBuyItem) -> list[int]:
    return list(
        GroupBuyOrder.objects.filter(
            status=GroupBuyOrder.Status.ACTIVE, lines__item=item
        ).values_list("pk", flat=True)
    )


def _apply_price(change: PriceChange) -> None:
    item = change.item
    item.unit_price_fen = change.new_price_fen
    item.save(update_fields=["unit_price_fen"])
    GroupBuyLine.objects.filter(item=item, order__status=GroupBuyOrder.Status.ACTIVE).update(
        unit_price_fen=change.new_price_fen
    )
    change.applied = True
    change.save(update_fields=["applied"])


@transaction.atomic
def price_change(
    *,
    user: User,
    item: GroupBuyItem,
    new_price_fen: int,
    reason: str,
    request: HttpRequest | None = None,
) -> PriceChange:
    """Change an item's price. Before opening it applies at once; after, it waits for every
    household that ordered the item to consent (at once if none has)."""
    gb = GroupBuy.objects.select_for_update().select_related("compound").get(pk=item.group_buy_id)
    if gb.status not in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.OPEN, S.CLOSED):
        raise Conflict("已下单后不能改价", "prices cannot change once ordered")
    rules = rules_for(gb.compound)
    if new_price_fen * 10000 > item.list_price_fen * (10000 + rules.max_markup_bp):
        raise Problem("新价格加价超过规定上限", "the new price exceeds the mark-up cap")
    reason = reason.strip()[:200]
    if gb.status in (S.OPEN, S.CLOSED) and not reason:
        raise Problem("开团后改价须说明原因", "give the reason for a change after opening")
    change = PriceChange.objects.create(
        item=item, new_price_fen=new_price_fen, reason=reason, created_by=user
    )
    if gb.status not in (S.OPEN, S.CLOSED) or not _orders_with(item):
        _apply_price(change)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=item,
        summary="group buy price change" + (" applied" if change.applied else " proposed"),
        detail={"from": item.unit_price_fen, "to": new_price_fen},
        request=request,
        town_id=gb.town_id,
    )
    return change


@transaction.atomic
def price_consent(
    *,
    user: User | None,
    change: PriceChange,
    order: GroupBuyOrder,
    request: HttpRequest | None = None,
) -> PriceChange:
    """A household consents to a proposed price; when every household that ordered the item
    has, the price applies."""
    locked = PriceChange.objects.select_for_update().select_related("item").get(pk=change.pk)
    if locked.applied:
        return locked
    if order.pk not in _orders_with(locked.item):
        raise Problem("该户未订此商品", "the household did not order this item")
    locked.consented.add(order)
    consented = set(locked.consented.values_list("pk", flat=True))
    if set(_orders_with(locked.item)) <= consented:
        _apply_price(locked)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="group buy price change consented",
        detail={"order": order.pk, "applied": locked.applied},
        request=request,
        town_id=order.group_buy.town_id,
    )
    return locked


def pending_price_changes(order: GroupBuyOrder) -> list[PriceChange]:
    """Price changes this household's consent is waiting for."""
    item_ids = [line.item_id for line in order.lines.all()]
    return [
        c
        for c in PriceChange.objects.filter(item_id__in=item_ids, applied=False).select_related(
            "item"
        )
        if not c.consented.filter(pk=order.pk).exists()
    ]


# --- Money -----------------------------------------------------------------------------------


def order_due(order: GroupBuyOrder, gb_status: str | None = None) -> int:
    return order_due_fen(order, _lines_of(order), gb_status=gb_status or order.group_buy.status)


def refunds_outstanding(gb: GroupBuy) -> int:
    """Fen the organiser still owes back to households, all orders together."""
    total = 0
    for order in gb.orders.prefetch_related("lines").filter(paid_fen__gt=0):
        total += refund_due_fen(
            order, order_due_fen(order, list(order.lines.all()), gb_status=gb.status)
        )
    return total


def _entry(
    *,
    user: User | None,
    gb: GroupBuy,
    order: GroupBuyOrder | None,
    kind: str,
    amount_fen: int,
    note: str,
    request: HttpRequest | None,
) -> MoneyEntry:
    if amount_fen <= 0:
        raise Problem("金额须大于0", "the amount must be positive")
    entry = MoneyEntry.objects.create(
        group_buy=gb, order=order, kind=kind, amount_fen=amount_fen, note=note[:200], by=user
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=entry,
        summary=f"group buy money {kind}",
        detail={"group_buy": gb.pk, "amount_fen": amount_fen},
        request=request,
        town_id=gb.town_id,
    )
    return entry


def _locked(gb: GroupBuy) -> GroupBuy:
    return GroupBuy.objects.select_for_update().get(pk=gb.pk)


@transaction.atomic
def order_pay(
    *,
    user: User,
    order: GroupBuyOrder,
    amount_fen: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> MoneyEntry:
    """The organiser received a household's payment; never more than the order is due."""
    gb = _locked(order.group_buy)
    locked = GroupBuyOrder.objects.select_for_update().get(pk=order.pk)
    due = order_due(locked, gb.status)
    if locked.paid_fen - locked.refunded_fen + amount_fen > due:
        raise Problem(f"超过应付金额（应付{due}分）", f"more than the order is due ({due} fen)")
    entry = _entry(
        user=user,
        gb=gb,
        order=locked,
        kind=MoneyEntry.Kind.COLLECTED,
        amount_fen=amount_fen,
        note=note,
        request=request,
    )
    GroupBuyOrder.objects.filter(pk=locked.pk).update(paid_fen=F("paid_fen") + amount_fen)
    order.refresh_from_db(fields=["paid_fen"])
    return entry


@transaction.atomic
def order_refund(
    *,
    user: User,
    order: GroupBuyOrder,
    amount_fen: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> MoneyEntry:
    """The organiser paid a household back: never more than it paid, nor than is held."""
    gb = _locked(order.group_buy)
    locked = GroupBuyOrder.objects.select_for_update().get(pk=order.pk)
    if amount_fen > locked.paid_fen - locked.refunded_fen:
        raise Problem("退款超过该户已付金额", "more than the household paid")
    if amount_fen > ledger(gb).held:
        raise Problem("退款超过团长结余", "more than the organiser holds")
    entry = _entry(
        user=user,
        gb=gb,
        order=locked,
        kind=MoneyEntry.Kind.REFUNDED,
        amount_fen=amount_fen,
        note=note,
        request=request,
    )
    GroupBuyOrder.objects.filter(pk=locked.pk).update(refunded_fen=F("refunded_fen") + amount_fen)
    order.refresh_from_db(fields=["refunded_fen"])
    return entry


@transaction.atomic
def refunds_pay_all(*, user: User, group_buy: GroupBuy, request: HttpRequest | None = None) -> int:
    """Record the refund of every household owed one (a cancelled group buy, goods short),
    as far as the organiser holds money; the fen refunded."""
    gb = _locked(group_buy)
    total = 0
    for order in (
        gb.orders.prefetch_related("lines").filter(paid_fen__gt=0).order_by("placed_at", "id")
    ):
        owed = refund_due_fen(
            order, order_due_fen(order, list(order.lines.all()), gb_status=gb.status)
        )
        owed = min(owed, ledger(gb).held)
        if owed > 0:
            order_refund(user=user, order=order, amount_fen=owed, note="退款", request=request)
            total += owed
    return total


@transaction.atomic
def supplier_pay(
    *,
    user: User,
    group_buy: GroupBuy,
    amount_fen: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> MoneyEntry:
    """The organiser paid the supplier: never more than is held."""
    gb = _locked(group_buy)
    if amount_fen > ledger(gb).held:
        raise Problem("付款超过团长结余", "more than the organiser holds")
    return _entry(
        user=user,
        gb=gb,
        order=None,
        kind=MoneyEntry.Kind.PAID_SUPPLIER,
        amount_fen=amount_fen,
        note=note,
        request=request,
    )


# --- Complaints ------------------------------------------------------------------------------


@transaction.atomic
def complaint_add(
    *, user: User, group_buy: GroupBuy, summary: str, request: HttpRequest | None = None
) -> Complaint:
    """A complaint about a group buy, against its supplier (wrong or short goods, mark-ups)."""
    summary = summary.strip()
    if not summary:
        raise Problem("请填写投诉内容", "say what the complaint is")
    complaint = Complaint.objects.create(
        town_id=group_buy.town_id,
        supplier_id=group_buy.supplier_id,
        committee_id=group_buy.committee_id,
        group_buy=group_buy,
        summary=summary[:300],
        created_by=user,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=complaint,
        summary="complaint about a group buy",
        detail={"group_buy": group_buy.pk, "supplier": group_buy.supplier_id},
        request=request,
    )
    return complaint
