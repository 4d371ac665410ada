"""Suppliers for tests: `make_supplier()` gives a vetted supplier holding every paper its
categories need (linli/supplies/vetting.py), valid until `valid_until`; tests then take one
paper away or let it expire to see what the check says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from linli.places.models import Town
from linli.supplies.models import Supplier, SupplierPaper
from linli.supplies.models.suppliers import Category
from linli.supplies.vetting import required_papers

GOOD_UNTIL = dt.date(2099, 12, 31)


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
