"""Whether a supplier may be used on a day: the one check group buys and worksite matches ask.

`supplier_problem(supplier, day)` answers None when the supplier may sell into the town on
`day`, or the first reason it may not, as a bilingual `Problem`:

- it is not vetted (待审核 or 已暂停);
- a paper it needs is missing, or none of that kind is valid on `day` (expired the day
  before or earlier; a paper without an expiry date does not expire).

Which papers a supplier needs (`required_papers`):

- every supplier: a business licence (营业执照), an entry on the town's supply-firm whitelist
  (保供企业白名单), a vehicle pass (车辆通行证) and a driver's test (司机核酸检测) valid on the
  day, since in a lockdown the goods only arrive on a passed vehicle with a tested driver;
- a supplier of any food (vegetables, meat and eggs, grain and oil, dairy, maternal and baby
  goods, which include formula): also a food permit (食品经营许可证).

Medical supplies and daily goods need no food permit. Several papers of one kind (one vehicle
pass per lorry, one test per driver) count when any one of them is valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from linli.core.validators import Problem
from linli.supplies.models import Supplier, SupplierPaper
from linli.supplies.models.suppliers import Category

K = SupplierPaper.Kind

ALWAYS_REQUIRED: tuple[str, ...] = (
    K.BUSINESS_LICENCE,
    K.WHITELIST,
    K.VEHICLE_PASS,
    K.DRIVER_TEST,
)
FOOD_CATEGORIES: frozenset[str] = frozenset(
    {Category.VEGETABLES, Category.MEAT, Category.GRAIN_OIL, Category.DAIRY, Category.MATERNAL}
)

# Paper kinds by their English words, for the English half of a reason.
_ENGLISH: dict[str, str] = {
    K.BUSINESS_LICENCE: "business licence",
    K.FOOD_PERMIT: "food permit",
    K.WHITELIST: "supply-firm whitelist entry",
    K.VEHICLE_PASS: "vehicle pass",
    K.DRIVER_TEST: "driver's test",
}
# The Chinese labels, fixed here so a reason reads the same whatever the page's language.
_CHINESE: dict[str, str] = {
    K.BUSINESS_LICENCE: "营业执照",
    K.FOOD_PERMIT: "食品经营许可证",
    K.WHITELIST: "保供企业白名单",
    K.VEHICLE_PASS: "车辆通行证",
    K.DRIVER_TEST: "司机核酸检测",
}


def required_papers(categories: Iterable[str]) -> list[str]:
    """The paper kinds a supplier of these goods categories must hold, in a fixed order."""
    kinds = list(ALWAYS_REQUIRED)
    if FOOD_CATEGORIES.intersection(categories):
        kinds.insert(1, K.FOOD_PERMIT)
    return kinds


def paper_problems(supplier: Supplier, day: dt.date) -> list[Problem]:
    """Every paper reason the supplier cannot be used on `day` (the registry's page lists them
    all; `supplier_problem` gives the first)."""
    papers = _papers(supplier)
    problems = []
    for kind in required_papers(supplier.categories or []):
        of_kind = [p for p in papers if p.kind == kind]
        if not of_kind:
            problems.append(
                Problem(
                    f"供应商“{supplier.name}”缺少{_CHINESE[kind]}",
                    f"supplier {supplier.name} has no {_ENGLISH[kind]}",
                )
            )
        elif not any(p.valid_on(day) for p in of_kind):
            latest = max(p.expires_on for p in of_kind if p.expires_on is not None)
            problems.append(
                Problem(
                    f"供应商“{supplier.name}”的{_CHINESE[kind]}已于{latest.isoformat()}过期",
                    f"supplier {supplier.name}'s {_ENGLISH[kind]} expired on {latest.isoformat()}",
                )
            )
    return problems


def supplier_problem(supplier: Supplier, day: dt.date) -> Problem | None:
    """Why the supplier may not be used for a new group buy or a worksite match on `day`, or
    None when it may (see the module's docstring for the papers it needs)."""
    if supplier.vetting != Supplier.Vetting.VETTED:
        if supplier.vetting == Supplier.Vetting.SUSPENDED:
            return Problem(
                f"供应商“{supplier.name}”已被暂停", f"supplier {supplier.name} is suspended"
            )
        return Problem(
            f"供应商“{supplier.name}”尚未通过审核", f"supplier {supplier.name} is not vetted yet"
        )
    problems = paper_problems(supplier, day)
    return problems[0] if problems else None


def _papers(supplier: Supplier) -> list[SupplierPaper]:
    # Use papers a caller prefetched (a ranked list of suppliers) rather than a query each.
    cache = getattr(supplier, "_prefetched_objects_cache", {})
    if "papers" in cache:
        return list(cache["papers"])
    return list(SupplierPaper.objects.filter(supplier=supplier))
