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
    demo worksites' daily needs; a package round under way and the shared basket of a
    building; each built once."""
    from linli.accounts.models import User
    from linli.supplies.models import BasketPost, PackageRound, Supplier

    if not Supplier.objects.filter(town=town).exists():
        build_demo_suppliers(town)
    staff = User.objects.filter(username="town", town=town).first()  # places' provider ran first
    if staff is not None and not PackageRound.objects.filter(town=town).exists():
        build_demo_round(town, staff)
    if not BasketPost.objects.filter(town=town).exists():
        build_demo_basket(town)
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
