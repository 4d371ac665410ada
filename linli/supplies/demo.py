"""Demo supplies data, one function per part of the app, each a demo-login provider (it builds
its rows once for the demo town and returns no login)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

# -- suppliers part (issue 11) ---------------------------------------------------------------

# name, categories, daily capacity, vetting, (lat, lon), papers valid for days (None: missing)
DEMO_SUPPLIERS: list[tuple[str, list[str], int, str, tuple[str, str], int | None]] = [
    ("泗泾农副产品保供中心", ["vegetables", "meat", "grain_oil"], 800, "vetted",
     ("31.118000", "121.262000"), 180),
    ("松江粮油储备配送站", ["grain_oil"], 1200, "vetted", ("31.035000", "121.228000"), 365),
    ("九亭肉禽蛋配送点", ["meat"], 400, "vetted", ("31.141000", "121.321000"), 2),
    ("泗泾乳品配送点", ["dairy", "maternal"], 300, "vetted", ("31.120500", "121.259000"), 90),
    ("洞泾日用百货批发", ["daily", "medical"], 500, "vetted", ("31.087000", "121.244000"), 120),
    ("新桥母婴用品店", ["maternal"], 80, "pending", ("31.062000", "121.310000"), None),
    ("某生鲜团购平台", ["vegetables"], 600, "suspended", ("31.125000", "121.270000"), 30),
]  # fmt: skip


def demo_supplier_logins(town: Any, password: str) -> list[Any]:
    """Suppliers with their papers (one lacking them, one suspended after a complaint) and the
    demo worksites' daily needs; a package round under way, the shared basket of a building,
    and a committee's group buys (open, arrived, settled); each built once."""
    from linli.accounts.models import User
    from linli.supplies.models import BasketPost, GroupBuy, PackageRound, Supplier

    if not Supplier.objects.filter(town=town).exists():
        build_demo_suppliers(town)
    staff = User.objects.filter(username="town", town=town).first()  # places' provider ran first
    if staff is not None and not PackageRound.objects.filter(town=town).exists():
        build_demo_round(town, staff)
    if not BasketPost.objects.filter(town=town).exists():
        build_demo_basket(town)
    if not GroupBuy.objects.filter(town=town).exists():
        build_demo_group_buys(town)
    return []


@transaction.atomic
def build_demo_suppliers(town: Any, *, today: dt.date | None = None) -> dict[str, int]:
    from linli.places.models import Compound
    from linli.supplies.models import Complaint, Supplier, SupplierPaper, WorksiteNeed
    from linli.supplies.vetting import required_papers

    today = today or timezone.localdate()
    Supplier.objects.bulk_create(
        [
            Supplier(
                town=town,
                name=name,
                categories=categories,
                daily_capacity=capacity,
                vetting=vetting,
                lat=Decimal(lat),
                lon=Decimal(lon),
                contact_name="王经理",
                contact_phone="021-57620000",
                address="泗泾镇",
            )
            for name, categories, capacity, vetting, (lat, lon), _days in DEMO_SUPPLIERS
        ]
    )
    suppliers = list(Supplier.objects.filter(town=town).order_by("pk"))
    by_name = {s.name: s for s in suppliers}
    papers = []
    for name, categories, _capacity, _vetting, _point, days in DEMO_SUPPLIERS:
        if days is None:
            continue
        supplier = by_name[name]
        for kind in required_papers(categories):
            papers.append(
                SupplierPaper(
                    supplier=supplier,
                    kind=kind,
                    number=f"{kind[:2].upper()}-{supplier.pk:04d}",
                    holder="沪A" + f"{supplier.pk:05d}" if kind == "vehicle_pass" else "",
                    expires_on=today + dt.timedelta(days=days),
                )
            )
    SupplierPaper.objects.bulk_create(papers)
    Complaint.objects.create(
        town=town,
        supplier=by_name["某生鲜团购平台"],
        summary="团购蔬菜以次充好，标价与实际不符",
    )
    needs = []
    for site in Compound.objects.filter(town=town, kind=Compound.Kind.WORKSITE).order_by("pk"):
        headcount = 20 + (site.pk * 37) % 200
        needs.append(
            WorksiteNeed(
                town=town,
                committee_id=site.committee_id,
                compound=site,
                headcount=headcount,
                rice_kg=headcount // 2,
                flour_kg=headcount // 5,
                oil_kg=headcount // 10,
                other_categories=["vegetables"],
            )
        )
    WorksiteNeed.objects.bulk_create(needs)
    return {"suppliers": len(suppliers), "papers": len(papers), "needs": len(needs)}


# -- rounds part (issue 11): a package round under way, the shared basket --------------------

DEMO_ROUND = "第一轮物资发放"
DEMO_ROUND_CONTENTS = "大米5公斤、食用油1桶、蔬菜一袋、鸡蛋10枚"
# The round covers the residential compounds of the first committees (a round over the whole
# town writes 30,000 packages: 20 seconds more of `linli demo` on SQLite); of it, the first
# buildings are done: each household signed for (a few absent, one room vacant), the rest
# still to deliver.
DEMO_ROUND_COMMITTEES = 2
DEMO_DELIVERED_BUILDINGS = 3
DEMO_ABSENT, DEMO_VACANT = 3, 1


@transaction.atomic
def build_demo_round(town: Any, staff: Any) -> dict[str, int]:
    """One package round over the residential compounds of the demo town's first committees,
    delivering: the households of the first few buildings marked (delivered, a few absent,
    one vacant), all through the services, so the coverage page has something to show."""
    from linli.core.workflow import transition
    from linli.places.models import Committee, Compound
    from linli.supplies.models import PackageDelivery, PackageRound
    from linli.supplies.services_rounds import delivery_mark, round_create

    committees = list(Committee.objects.filter(town=town).order_by("pk")[:DEMO_ROUND_COMMITTEES])
    compounds = Compound.objects.filter(
        town=town, committee__in=committees, kind=Compound.Kind.RESIDENTIAL
    ).order_by("pk")
    made = round_create(
        user=staff, town=town, name=DEMO_ROUND, contents=DEMO_ROUND_CONTENTS, compounds=compounds
    )
    transition(made, PackageRound.Status.DELIVERING, by=staff)
    buildings = list(
        made.buildings.filter(building__compound__committee=committees[0])
        .order_by("building__compound_id", "building__sort_key")
        .values_list("building_id", flat=True)[:DEMO_DELIVERED_BUILDINGS]
    )
    deliveries = list(
        PackageDelivery.objects.filter(round=made, building_id__in=buildings).order_by(
            "building_id", "room", "pk"
        )
    )
    marked = {"delivered": 0, "absent": 0, "vacant": 0}
    for n, delivery in enumerate(deliveries):
        if n < DEMO_ABSENT:
            status, signer = PackageDelivery.Status.ABSENT, ""
        elif n < DEMO_ABSENT + DEMO_VACANT:
            status, signer = PackageDelivery.Status.VACANT, ""
        else:
            status, signer = PackageDelivery.Status.DELIVERED, "本人" if n % 3 else "家属代签"
        delivery_mark(user=staff, delivery=delivery, status=status, signer=signer)
        marked[str(status)] += 1
    return marked


DEMO_BASKET = [
    # room offset in the building, item, quantity, unit, perishable
    (0, "青菜", 3, "把", True),
    (1, "挂面", 2, "包", False),
]


@transaction.atomic
def build_demo_basket(town: Any) -> dict[str, int]:
    """The shared basket of one building: its pickup slots, two residents' surplus posted
    and a neighbour's claim on the first, all through the services."""
    from linli.places.models import Building, Resident
    from linli.supplies.services_basket import (
        basket_claim,
        basket_post_create,
        basket_slots_set,
        slots_for,
    )

    living = (
        Resident.objects.filter(town=town, status=Resident.Status.PRESENT)
        .exclude(phone="")
        .order_by("household__building_id")
    )
    found = (
        living.values("household__building_id")
        .annotate(n=Count("household", distinct=True))
        .filter(n__gte=3)
        .values_list("household__building_id", flat=True)
        .first()
    )
    if found is None:
        return {"posts": 0, "claims": 0}
    building = Building.objects.get(pk=found)
    rooms: dict[str, str] = {}
    for room, phone in (
        living.filter(household__building=building)
        .order_by("household__room", "pk")
        .values_list("household__room", "phone")
    ):
        rooms.setdefault(room, phone)
    givers, (claimer_room, claimer_phone) = list(rooms)[:2], list(rooms.items())[2]
    basket_slots_set(
        user=None,
        building=building,
        minutes=30,
        capacity=4,
        opens_at=dt.time(8, 0),
        closes_at=dt.time(20, 0),
    )
    until = timezone.now() + dt.timedelta(days=1)
    posts = [
        basket_post_create(
            building=building,
            room=givers[offset],
            item=item,
            quantity=quantity,
            unit=unit,
            perishable=perishable,
            until=until,
        ).post
        for offset, item, quantity, unit, perishable in DEMO_BASKET
    ]
    slot = next((s for s in slots_for(posts[0]) if not s.full), None)
    if slot is None:
        return {"posts": len(posts), "claims": 0}
    basket_claim(
        post=posts[0], room=claimer_room, phone=claimer_phone, quantity=1, slot_start=slot.start
    )
    return {"posts": len(posts), "claims": 1}


# -- group buys part (issue 12): one open, one arrived and disinfected, one settled ----------

DEMO_GROUP_BUY_COMMITTEE = "新凯五村"
DEMO_GROUP_BUY_RULES = """新凯五村居民委员会《团购管理办法》（疫情封控期间试行）

一、团长资格：团长须为本小区登记居民或居委指定的志愿者，实名登记后方可组织团购。
二、供应商：只能选用镇保供平台审核通过、证照齐全的供应商，严禁向“三无”商家订货。
三、价格：商品售价加价不得超过供应商标价的10%，每户服务费不超过3元；开团后改价须经每位已下单居民同意。
四、成团：接龙时长不超过48小时，不足5户不成团，团长须全额退款。
五、配送：货到小区门口须先消杀（外包装酒精喷洒），按楼栋分时段取货，不得聚集。
六、账目：团长须如实登记收款、付款、退款，居委随时抽查；居民投诉由居委核实处理。"""
# households ordering (half from each compound): the open group buy's ~20; the arrived and the
# settled ones fewer (each order is ~25 queries through the services: time of `linli demo`)
DEMO_OPEN_ORDERS, DEMO_PAST_ORDERS = 20, 8
# name, list price (fen), price (fen), stock, unit, pack size: mark-ups 7.9%, 9.4%, 8.0%
DEMO_GROUP_BUY_ITEMS = [
    ("蔬菜套餐", 1900, 2050, 60, "箱", "约5斤，6-8个品种"),
    ("大米5kg", 3200, 3500, 40, "袋", "5kg"),
    ("鸡蛋30枚", 2500, 2700, 40, "盒", "30枚"),
]
DEMO_GROUP_BUY_FEE = 200
DEMO_EGGS_SHORT = 2  # the settled group buy's eggs: two boxes fewer came than were ordered
DEMO_ORGANISER_LOGINS = ("leader", "secretary", "paired")  # the duty demo's logins


def _demo_organiser(committee: Any) -> Any:
    """The organiser: the first of the duty demo's logins in service in the committee (so a
    tester signing in as it sees the group buys), else its first volunteer in service."""
    from linli.duty.models import Volunteer

    serving = Volunteer.objects.filter(committee=committee, status=Volunteer.Status.ACTIVE)
    for username in DEMO_ORGANISER_LOGINS:
        found = serving.filter(user__username=username).select_related("user").first()
        if found is not None:
            return found
    return serving.select_related("user").order_by("pk").first()


def _demo_households(compounds: list[Any], wanted: int) -> list[Any]:
    """Up to `wanted` households: the first rooms of each compound (`wanted` shared evenly)
    in turn, then what is left of the larger compounds'."""
    from linli.places.models import Household

    each = [
        list(
            Household.objects.filter(building__compound=c)
            .select_related("building")
            .order_by("building__sort_key", "building_id", "room", "pk")[: wanted // len(compounds)]
        )
        for c in compounds
    ]
    return [h for column in zip(*each, strict=False) for h in column] + [
        h for column in each for h in column[min(map(len, each)) :]
    ]


@transaction.atomic
def build_demo_group_buys(town: Any) -> dict[str, int]:
    """新凯五村's rules (《团购管理办法》, its organiser nominated) and three group buys over two
    of its compounds, each of a vegetables box, rice and eggs, all through the services: one
    open now, its households ordering; one arrived and disinfected, with a slot per building;
    one settled: everyone paid, two boxes of eggs short (refunded), the supplier paid its
    list prices, the organiser holding the mark-up and the fees."""
    from linli.accounts.models import User
    from linli.core.workflow import transition
    from linli.places.models import Committee, Compound
    from linli.supplies import services_group_buy_orders as orders
    from linli.supplies import services_group_buys as services
    from linli.supplies.models import GroupBuy, GroupBuyItem, GroupBuyOrder, GroupBuyRules, Supplier

    committee = (
        Committee.objects.filter(town=town, name=DEMO_GROUP_BUY_COMMITTEE).first()
        or Committee.objects.filter(town=town).order_by("pk").first()
    )
    staff = (
        User.objects.filter(town=town, role=User.Role.COMMITTEE_STAFF, committee=committee)
        .order_by("pk")
        .first()
    )
    organiser = _demo_organiser(committee) if committee is not None else None
    vetted = Supplier.objects.filter(town=town, vetting=Supplier.Vetting.VETTED).order_by("pk")
    supplier = next((s for s in vetted if "vegetables" in s.categories), None)
    compounds = list(
        Compound.objects.filter(
            committee=committee, kind=Compound.Kind.RESIDENTIAL, buildings__households__isnull=False
        )
        .distinct()
        .order_by("pk")[:2]
    )
    if committee is None or staff is None or organiser is None or supplier is None:
        return {"group_buys": 0}
    if not compounds:
        return {"group_buys": 0}
    services.group_buy_rules_save(
        user=staff,
        committee=committee,
        text=DEMO_GROUP_BUY_RULES,
        organisers=GroupBuyRules.Organisers.RESIDENT_OR_NOMINATED,
        max_markup_bp=1000,
        max_fee_fen=300,
        max_window_hours=48,
        min_orders=5,
        disinfection_required=True,
        suspended=False,
        nominated=[organiser],
    )
    runner = organiser.user or staff  # moves it (a nominated organiser's login, else staff)
    now = timezone.now()
    made: dict[str, int] = {}

    def group_buy(title: str, opens_at: dt.datetime, delivery_in_days: int, wanted: int) -> Any:
        gb = services.group_buy_create(
            user=runner,
            compounds=compounds,
            organiser=organiser,
            supplier=supplier,
            title=title,
            fee_fen=DEMO_GROUP_BUY_FEE,
            opens_at=opens_at,
            closes_at=opens_at + dt.timedelta(hours=24),
            delivery_on=timezone.localdate(opens_at) + dt.timedelta(days=delivery_in_days),
            after_sales=f"团长 {organiser.name}，质量问题当日可退换",
            items=[
                services.ItemIn(name, price, listed, stock, unit=unit, pack_size=pack)
                for name, listed, price, stock, unit, pack in DEMO_GROUP_BUY_ITEMS
            ],
        )
        transition(gb, GroupBuy.Status.SUBMITTED, by=runner)
        transition(gb, GroupBuy.Status.APPROVED, by=staff)
        transition(gb, GroupBuy.Status.OPEN, by=runner)
        items = list(GroupBuyItem.objects.filter(group_buy=gb).order_by("pk"))
        households = _demo_households(compounds, wanted)
        for n, household in enumerate(households):
            # each household: one or two boxes of vegetables, a bag of rice, a box of eggs
            lines = [(items[0].pk, 1 + n % 2), (items[1].pk, 1), (items[2].pk, 1)]
            orders.order_place(
                user=runner,
                group_buy=gb,
                household=household,
                items=lines,
                source=GroupBuyOrder.Source.VOLUNTEER,
                now=opens_at + dt.timedelta(minutes=10 + 7 * n),
            )
        made[title] = len(households)
        return gb, households

    group_buy("本周蔬菜米蛋团购", now - dt.timedelta(hours=2), 2, DEMO_OPEN_ORDERS)

    arrived, households = group_buy(
        "上周蔬菜米蛋团购（已到货）", now - dt.timedelta(days=2), 1, DEMO_PAST_ORDERS
    )
    transition(arrived, GroupBuy.Status.CLOSED, by=runner)
    transition(arrived, GroupBuy.Status.ORDERED, by=runner)
    arrived = orders_arrive(arrived, runner, short=0)
    services.group_buy_disinfect(
        user=runner, group_buy=arrived, by_name="门岗志愿者", method="外包装酒精喷洒消杀"
    )
    start = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0)
    buildings = {h.building.pk: h.building for h in households}.values()
    for n, building in enumerate(sorted(buildings, key=lambda b: (b.compound_id, b.pk))):
        services.slot_add(
            user=runner,
            group_buy=arrived,
            building=building,
            starts_at=start + dt.timedelta(minutes=30 * n),
            ends_at=start + dt.timedelta(minutes=30 * (n + 1)),
        )

    settled, _ = group_buy(
        "首周蔬菜米蛋团购（已结算）", now - dt.timedelta(days=4), 1, DEMO_PAST_ORDERS
    )
    for order in settled.orders.order_by("placed_at"):
        orders.order_pay(
            user=runner, order=order, amount_fen=orders.order_due(order), note="微信转账"
        )
    transition(settled, GroupBuy.Status.CLOSED, by=runner)
    transition(settled, GroupBuy.Status.ORDERED, by=runner)
    settled = orders_arrive(settled, runner, short=DEMO_EGGS_SHORT)
    services.group_buy_disinfect(
        user=runner, group_buy=settled, by_name="门岗志愿者", method="外包装酒精喷洒消杀"
    )
    transition(settled, GroupBuy.Status.DISTRIBUTING, by=runner)
    orders.refunds_pay_all(user=runner, group_buy=settled)
    to_supplier = sum((item.arrived or 0) * item.list_price_fen for item in settled.items.all())
    orders.supplier_pay(
        user=runner, group_buy=settled, amount_fen=to_supplier, note="按标价结算货款"
    )
    transition(settled, GroupBuy.Status.SETTLED, by=runner)
    return {"group_buys": len(made), "orders": sum(made.values())}


def orders_arrive(gb: Any, by: Any, *, short: int) -> Any:
    """The goods reached the gate: every item as ordered, the last (eggs) `short` fewer."""
    from linli.supplies.services_group_buys import group_buy_arrive

    items = list(gb.items.order_by("pk"))
    came = {item.pk: item.ordered for item in items}
    came[items[-1].pk] = max(0, items[-1].ordered - short)
    note = f"{items[-1].name}少到{short}{items[-1].unit}" if short else ""
    return group_buy_arrive(user=by, group_buy=gb, arrived=came, note=note)
