"""Writes of the supplier registry: suppliers, their papers, complaints; and the two workflows
on the one engine.

`SUPPLIER_VETTING_WORKFLOW` (field `vetting`): pending → vetted → suspended → vetted …, and
pending → suspended; town staff (the supply desk) make every move. A supplier is vetted only
when the papers its categories need are valid today (linli/supplies/vetting.py).

`COMPLAINT_WORKFLOW`: open → resolved (the reason is the resolution), resolved → open
(reopened); town staff make both moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Change, Workflow, moves
from linli.places.models import Committee, Town
from linli.supplies.models import (
    Complaint,
    ComplaintChange,
    Supplier,
    SupplierPaper,
    SupplierVettingChange,
)
from linli.supplies.models.suppliers import Category
from linli.supplies.rules import runs_town_supplies
from linli.supplies.vetting import paper_problems

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

V = Supplier.Vetting
TOWN_ONLY = ("只有镇/街道工作人员可以审核供应商", "only town staff may vet suppliers")


def _vetting_apply(change: Change[Supplier]) -> Iterable[str]:
    if change.target == V.VETTED:
        problems = paper_problems(change.obj, timezone.localdate(change.at))
        if problems:
            first = problems[0]
            raise Problem(
                f"证照不全或已过期，不能通过审核：{first.zh}",
                f"papers missing or expired, cannot vet: {first.en}",
            )
    return ["updated_at"]


SUPPLIER_VETTING_WORKFLOW = Workflow(
    name="supplier vetting",
    model=Supplier,
    history=SupplierVettingChange,
    subject="supplier",
    field="vetting",
    moves=[
        *moves([V.PENDING], [V.VETTED, V.SUSPENDED], runs_town_supplies, refusal=TOWN_ONLY),
        *moves([V.VETTED], [V.SUSPENDED], runs_town_supplies, refusal=TOWN_ONLY),
        *moves([V.SUSPENDED], [V.VETTED], runs_town_supplies, refusal=TOWN_ONLY),
    ],
    apply=_vetting_apply,
)

C = Complaint.Status
RESOLVERS = ("只有镇/街道工作人员可以处理投诉", "only town staff may resolve complaints")


def _complaint_apply(change: Change[Complaint]) -> Iterable[str]:
    if change.target == C.RESOLVED:
        if not change.reason:
            raise Problem("请填写处理结果", "say how the complaint was resolved")
        change.obj.resolution = change.reason
        return ["resolution"]
    return []


COMPLAINT_WORKFLOW = Workflow(
    name="complaint",
    model=Complaint,
    history=ComplaintChange,
    subject="complaint",
    moves=[
        *moves([C.OPEN], [C.RESOLVED], runs_town_supplies, refusal=RESOLVERS),
        *moves([C.RESOLVED], [C.OPEN], runs_town_supplies, refusal=RESOLVERS),
    ],
    apply=_complaint_apply,
)


# -- the registry's writes ------------------------------------------------------------------

CATEGORY_VALUES = {c.value for c in Category}


def clean_categories(categories: Iterable[str]) -> list[str]:
    """Category values in the declared order, each once; an unknown one is a Problem."""
    given = [str(c).strip() for c in categories if str(c).strip()]
    unknown = [c for c in given if c not in CATEGORY_VALUES]
    if unknown:
        raise Problem(f"未知的供应品类：{'、'.join(unknown)}", f"unknown categories: {unknown}")
    if not given:
        raise Problem("请至少选择一个供应品类", "choose at least one goods category")
    return [c.value for c in Category if c.value in given]


def clean_point(lat: Any, lon: Any) -> tuple[Decimal | None, Decimal | None]:
    """A WGS-84 point from two values, both or neither; out of range is a Problem."""
    if lat in (None, "") and lon in (None, ""):
        return None, None
    try:
        la, lo = (
            Decimal(str(lat)).quantize(Decimal("0.000001")),
            Decimal(str(lon)).quantize(Decimal("0.000001")),
        )
    except (InvalidOperation, ValueError):
        raise Problem("经纬度应为数字", "latitude and longitude must be numbers") from None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise Problem("经纬度超出范围", "latitude or longitude out of range")
    return la, lo


FIELDS = ("address", "contact_name", "contact_phone", "note")


@transaction.atomic
def supplier_create(
    *,
    user: User | None,
    town: Town,
    name: str,
    categories: Iterable[str],
    daily_capacity: int = 0,
    delivery_area: Sequence[Committee] = (),
    lat: Any = None,
    lon: Any = None,
    request: HttpRequest | None = None,
    **details: str,
) -> Supplier:
    """Register a supplier (待审核 until town staff vet it)."""
    name = name.strip()
    if not name:
        raise Problem("请填写供应商名称", "the supplier needs a name")
    if Supplier.objects.filter(town=town, name=name).exists():
        raise Problem(f"供应商“{name}”已登记", f"supplier {name} is already registered")
    la, lo = clean_point(lat, lon)
    supplier = Supplier(
        town=town,
        name=name,
        categories=clean_categories(categories),
        daily_capacity=_capacity(daily_capacity),
        lat=la,
        lon=lo,
        **{k: str(details.get(k, "")).strip() for k in FIELDS},
    )
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError:
        raise Problem(f"供应商“{name}”已登记", f"supplier {name} is already registered") from None
    _set_area(supplier, delivery_area)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=supplier,
        summary=f"supplier {supplier.pk}",
        detail={"categories": supplier.categories, "capacity": supplier.daily_capacity},
        request=request,
    )
    return supplier


@transaction.atomic
def supplier_update(
    *,
    user: User | None,
    supplier: Supplier,
    name: str,
    categories: Iterable[str],
    daily_capacity: int = 0,
    delivery_area: Sequence[Committee] = (),
    lat: Any = None,
    lon: Any = None,
    request: HttpRequest | None = None,
    **details: str,
) -> Supplier:
    """Change a supplier's registry entry (not its vetting: that is the workflow's)."""
    locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
    name = name.strip()
    if not name:
        raise Problem("请填写供应商名称", "the supplier needs a name")
    if Supplier.objects.filter(town_id=locked.town_id, name=name).exclude(pk=locked.pk).exists():
        raise Problem(f"供应商“{name}”已登记", f"supplier {name} is already registered")
    locked.name = name
    locked.categories = clean_categories(categories)
    locked.daily_capacity = _capacity(daily_capacity)
    locked.lat, locked.lon = clean_point(lat, lon)
    for key in FIELDS:
        setattr(locked, key, str(details.get(key, "")).strip())
    locked.save()
    _set_area(locked, delivery_area)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"supplier {locked.pk}",
        detail={"categories": locked.categories, "capacity": locked.daily_capacity},
        request=request,
    )
    return locked


def _capacity(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Problem("日供应能力应为整数", "daily capacity must be a whole number") from None
    if not 0 <= number <= 1_000_000:
        raise Problem("日供应能力应在0到1000000之间", "daily capacity must be 0 to 1,000,000")
    return number


def _set_area(supplier: Supplier, committees: Sequence[Committee]) -> None:
    foreign = [c.name for c in committees if c.town_id != supplier.town_id]
    if foreign:
        raise Problem(
            f"配送范围不在本镇：{'、'.join(foreign)}", "the delivery area is outside the town"
        )
    supplier.delivery_area.set(committees)


@transaction.atomic
def supplier_paper_add(
    *,
    user: User | None,
    supplier: Supplier,
    kind: str,
    number: str = "",
    holder: str = "",
    expires_on: dt.date | None,
    request: HttpRequest | None = None,
) -> SupplierPaper:
    """Record one of a supplier's papers (a licence, a vehicle pass, a driver's test …)."""
    if kind not in SupplierPaper.Kind.values:
        raise Problem(f"未知的证照类型：{kind}", f"unknown paper kind {kind!r}")
    paper = SupplierPaper.objects.create(
        supplier=supplier,
        kind=kind,
        number=number.strip()[:100],
        holder=holder.strip()[:100],
        expires_on=expires_on,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=paper,
        summary=f"supplier {supplier.pk} paper {kind}",
        detail={"expires_on": expires_on.isoformat() if expires_on else None},
        request=request,
        town_id=supplier.town_id,
    )
    return paper


@transaction.atomic
def supplier_paper_remove(
    *, user: User | None, paper: SupplierPaper, request: HttpRequest | None = None
) -> None:
    """Remove a paper recorded by mistake or replaced (the audit log keeps that it was)."""
    supplier = paper.supplier
    audit(
        user=user,
        action=AuditEntry.Action.DELETE,
        target=paper,
        summary=f"supplier {supplier.pk} paper {paper.kind}",
        detail={"expires_on": paper.expires_on.isoformat() if paper.expires_on else None},
        request=request,
        town_id=supplier.town_id,
    )
    paper.delete()


@transaction.atomic
def complaint_record(
    *,
    user: User | None,
    supplier: Supplier,
    summary: str,
    committee: Committee | None = None,
    request: HttpRequest | None = None,
) -> Complaint:
    """Record a complaint against a supplier (wrong or short goods, hidden mark-ups …); a
    committee clerk's is their committee's."""
    summary = " ".join(summary.split())
    if not summary:
        raise Problem("请填写投诉内容", "say what the complaint is")
    if len(summary) > 300:
        raise Problem("投诉内容不超过300字", "a complaint is at most 300 characters")
    if committee is not None and committee.town_id != supplier.town_id:
        raise Problem("居委不在供应商所在镇", "the committee is not in the supplier's town")
    complaint = Complaint.objects.create(
        town_id=supplier.town_id,
        supplier=supplier,
        summary=summary,
        committee=committee,
        created_by=user,
    )
    # The summary may name residents: the audit keeps only that a complaint was made.
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=complaint,
        summary=f"complaint about supplier {supplier.pk}",
        request=request,
    )
    return complaint
