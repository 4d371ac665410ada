"""Writes of group buys (团购): the committee's rules, group buys over one or more of its
compounds and their items, arrival and first-come allocation, disinfection, slots, and
complaints. Households' orders and the money are in `services_group_buy_orders`, price changes
(with every orderer's consent) in `services_group_buy_prices`.

A group buy over several compounds obeys each one's rules (`rules_for`: its own, else its
committee's): the numbers of the strictest combination (`rules_for_group_buy`), and the
organiser's eligibility in each compound under that compound's rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

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
    Supplier,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.duty.models import Volunteer
    from linli.places.models import Building, Committee, Compound

S = GroupBuy.Status
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


def rules_for_compounds(compounds: Iterable[Compound]) -> GroupBuyRules:
    """The rules a group buy over these compounds obeys: one compound's own (`rules_for`);
    for several, the strictest combination of theirs (unsaved): the lowest mark-up and fee
    caps, the shortest window, the highest minimum of orders, disinfection if any requires
    it, suspended if any is. The texts are joined; the organisers' setting is the common one
    when all agree, else the stricter "nominated only" (for display: eligibility itself is
    checked per compound, `organiser_problems`)."""
    each = [rules_for(c) for c in compounds]
    if not each:
        raise Problem("请至少选择一个小区", "choose at least one compound")
    if len(each) == 1:
        return each[0]
    texts = list(dict.fromkeys(r.text.strip() for r in each if r.text.strip()))
    settings = {r.organisers for r in each}
    return GroupBuyRules(
        town_id=each[0].town_id,
        committee_id=each[0].committee_id,
        text="\n\n".join(texts),
        organisers=settings.pop() if len(settings) == 1 else GroupBuyRules.Organisers.NOMINATED,
        max_markup_bp=min(r.max_markup_bp for r in each),
        max_fee_fen=min(r.max_fee_fen for r in each),
        max_window_hours=min(r.max_window_hours for r in each),
        min_orders=max(r.min_orders for r in each),
        disinfection_required=any(r.disinfection_required for r in each),
        suspended=any(r.suspended for r in each),
    )


def rules_for_group_buy(gb: GroupBuy) -> GroupBuyRules:
    """The rules a saved group buy obeys: the strictest of its compounds' (see above)."""
    return rules_for_compounds(gb.compounds.all())


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
    nominated: Iterable[Volunteer] | None = None,
    request: HttpRequest | None = None,
) -> GroupBuyRules:
    """Set a committee's rules (or a compound's own); `nominated`, when given, replaces the
    volunteers the committee nominated as organisers (None leaves them as they are)."""
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
    nominees = None if nominated is None else list(nominated)
    if nominees is not None:
        if any(v.committee_id != committee.pk for v in nominees):
            raise Problem("指定团长须为本居委的志愿者", "nominees must be its volunteers")
        row.nominated.set(nominees)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=row,
        summary="group buy rules saved" + (" (suspended)" if suspended else ""),
        detail={
            "max_markup_bp": max_markup_bp,
            "max_fee_fen": max_fee_fen,
            "min": min_orders,
            **({"nominated": [v.pk for v in nominees]} if nominees is not None else {}),
        },
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


def organiser_problems(volunteer: Volunteer, compounds: Iterable[Compound]) -> str:
    """Why this volunteer may not organise for these compounds ("" if they may): each
    compound's own rules decide for that compound (a resident of A organising for A and B
    must be nominated for B, if B's rules allow nominees)."""
    for compound in compounds:
        reason = organiser_problem(rules_for(compound), volunteer, compound)
        if reason:
            return f"{compound.name}：{reason}"
    return ""


def _check_rules(
    gb: GroupBuy,
    compounds: Sequence[Compound],
    items: Sequence[GroupBuyItem | ItemIn],
    day: dt.date,
) -> None:
    from linli.supplies.vetting import supplier_problem

    rules = rules_for_compounds(compounds)
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
    reason = organiser_problems(gb.organiser, compounds)
    if reason:
        raise Problem(f"团长不符合本小区规定：{reason}", "the organiser is not eligible here")


def check_may_open(gb: GroupBuy, *, day: dt.date) -> None:
    """Everything the rules enforce, again when the group buy opens (papers expire, a switch
    may have been thrown since it was approved)."""
    items = list(gb.items.all())
    if not items:
        raise Problem("请先添加商品", "add items first")
    _check_rules(gb, list(gb.compounds.all()), items, day)


# --- Group buys ------------------------------------------------------------------------------


@transaction.atomic
def group_buy_create(
    *,
    user: User | None,
    compounds: Sequence[Compound],
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
    """A draft group buy over one or more compounds of one committee, with its items, checked
    against the strictest of the compounds' rules."""
    title = title.strip()
    if not title:
        raise Problem("请填写团购名称", "give the group buy a name")
    compounds = sorted({c.pk: c for c in compounds}.values(), key=lambda c: c.pk)
    if not compounds:
        raise Problem("请至少选择一个小区", "choose at least one compound")
    compound = compounds[0]
    others = sorted(c.name for c in compounds if c.committee_id != compound.committee_id)
    if others:
        raise Problem(
            f"所选小区须属于同一居委：{'、'.join(others)}不属于{compound.committee}",
            "the compounds must all be of one committee (its committee approves the group buy)",
        )
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
    _check_rules(gb, compounds, items, timezone.localdate())
    gb.save()
    gb.compounds.set(compounds)
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
        detail={
            "supplier": supplier.pk,
            "compounds": [c.pk for c in compounds],
            "items": len(items),
            "fee_fen": fee_fen,
        },
        request=request,
    )
    return gb


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
    if not group_buy.compounds.filter(pk=building.compound_id).exists():
        raise Problem("楼栋不在本团购的小区", "the building is not in the group buy's compounds")
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
