"""Demo supplies data, one function per part of the app, each a demo-login provider (it builds
its rows once for the demo town and returns no login)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
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
    demo worksites' daily needs; built once."""
    from linli.supplies.models import Supplier

    if not Supplier.objects.filter(town=town).exists():
        build_demo_suppliers(town)
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
