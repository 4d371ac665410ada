"""Suppliers for tests: `make_supplier()` gives a vetted supplier holding every paper its
categories need (linli/supplies/vetting.py), valid until `valid_until`; tests then take one
paper away or let it expire to see what the check says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from linli.places.models import Town
from linli.supplies.models import Supplier, SupplierPaper
from linli.supplies.models.suppliers import Category
from linli.supplies.vetting import required_papers

GOOD_UNTIL = dt.date(2099, 12, 31)
SUPPLIER_POINT = (Decimal("31.100000"), Decimal("121.250000"))
SITE_POINT = (Decimal("31.110000"), Decimal("121.250000"))


def make_supplier(
    town: Town,
    name: str = "松江保供蔬菜公司",
    *,
    categories: Iterable[str] = (Category.VEGETABLES, Category.GRAIN_OIL),
    vetting: str = Supplier.Vetting.VETTED,
    valid_until: dt.date | None = GOOD_UNTIL,
    daily_capacity: int = 500,
    **fields: Any,
) -> Supplier:
    """A supplier of `categories` with one of each paper it needs, all valid until
    `valid_until` (written straight to the tables: a test's data, not a user's action)."""
    supplier = Supplier.objects.create(
        town=town,
        name=name,
        categories=list(categories),
        vetting=vetting,
        daily_capacity=daily_capacity,
        **fields,
    )
    for kind in required_papers(supplier.categories):
        SupplierPaper.objects.create(
            supplier=supplier, kind=kind, number=f"{kind}-{supplier.pk}", expires_on=valid_until
        )
    return supplier


def make_worksite(s: Any, name: str = "松江枢纽工地", **fields: Any) -> Any:
    """A worksite compound (工地) of 新凯五村, at a point 1.11 km due north of the point
    `make_supplier(..., lat=SUPPLIER_POINT[0], lon=SUPPLIER_POINT[1])` gives (0.01° of
    latitude is 1,111.95 m on the mean-radius sphere)."""
    from linli.places.models import Compound

    return Compound.objects.create(
        town=s.town,
        committee=fields.pop("committee", s.kaiwu),
        name=name,
        kind=Compound.Kind.WORKSITE,
        lat=fields.pop("lat", SITE_POINT[0]),
        lon=fields.pop("lon", SITE_POINT[1]),
        **fields,
    )


# -- makers for the rule book's matrix (linli/tests/test_rules_matrix.py) --------------------


def other_town(s: Any) -> Any:
    """A second town, 洞泾镇, with a committee and a worksite: out of everyone's scope."""
    from linli.places.models import Committee, Compound, Town

    town, _ = Town.objects.get_or_create(name="洞泾镇")
    committee, _ = Committee.objects.get_or_create(town=town, name="百鸟")
    site, _ = Compound.objects.get_or_create(
        town=town, committee=committee, name="洞泾工地", kind=Compound.Kind.WORKSITE
    )
    return site


def matrix_supplier(s: Any) -> Supplier:
    return make_supplier(s.town, "矩阵供应商")


def matrix_other_supplier(s: Any) -> Supplier:
    return make_supplier(other_town(s).town, "外镇供应商")


def matrix_complaint(s: Any, *, out: bool = False) -> Any:
    from linli.supplies.models import Complaint

    supplier = matrix_other_supplier(s) if out else matrix_supplier(s)
    return Complaint.objects.create(town_id=supplier.town_id, supplier=supplier, summary="缺货")


def matrix_need(s: Any, *, where: str = "kaiwu") -> Any:
    """A worksite need in 新凯五村 ("kaiwu"), 丽水 ("lishui") or another town ("out")."""
    from linli.supplies.models import WorksiteNeed

    if where == "out":
        site = other_town(s)
    else:
        committee = s.kaiwu if where == "kaiwu" else s.lishui
        site = make_worksite(s, f"{committee.name}工地", committee=committee)
    return WorksiteNeed.objects.create(
        town_id=site.town_id,
        committee_id=site.committee_id,
        compound=site,
        headcount=10,
        rice_kg=5,
    )


def matrix_vehicle(s: Any, *, out: bool = False) -> Any:
    from linli.supplies.models import VehicleRequest, WorksiteOrder

    need = matrix_need(s, where="out" if out else "kaiwu")
    supplier = matrix_other_supplier(s) if out else matrix_supplier(s)
    order = WorksiteOrder.objects.create(
        town_id=need.town_id,
        committee_id=need.committee_id,
        compound_id=need.compound_id,
        need=need,
        supplier=supplier,
        delivery_on=dt.date(2022, 4, 20),
        headcount=10,
    )
    return VehicleRequest.objects.create(town_id=need.town_id, order=order)
