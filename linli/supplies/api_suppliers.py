"""The suppliers part of the supplies API: the registry (list, one supplier with its papers),
vetting moves, and a worksite need's ranked suppliers and confirmed orders.

Reads go through the access gate (out of reach: 404). A vetting move the current status does
not allow is a 409, one this user may not make a 403; a supplier that cannot be used (not
vetted, papers missing or expired, outside its delivery area) is refused with a 422 and the
reason; a second live order for the same need and day is a 409.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from linli.core.api import Id, Pagination, errors, filtered, query_data
from linli.core.http import user_of
from linli.core.workflow import transition
from linli.supplies.forms_suppliers import SupplierFilter
from linli.supplies.matching import rank_suppliers
from linli.supplies.models import Supplier, WorksiteNeed, WorksiteOrder
from linli.supplies.services_worksites import worksite_match
from linli.supplies.vetting import supplier_problem

router = Router(tags=["supplies"])

VettingIn = Literal["pending", "vetted", "suspended"]
CategoryIn = Literal[
    "vegetables", "meat", "grain_oil", "dairy", "medical", "daily", "maternal", "other"
]


class PaperOut(Schema):
    kind: str
    number: str
    holder: str
    expires_on: dt.date | None


class SupplierOut(Schema):
    id: int
    name: str
    categories: list[str]
    daily_capacity: int
    vetting: str
    usable_today: bool
    problem: str | None

    @staticmethod
    def resolve_usable_today(obj: Supplier) -> bool:
        return supplier_problem(obj, timezone.localdate()) is None

    @staticmethod
    def resolve_problem(obj: Supplier) -> str | None:
        problem = supplier_problem(obj, timezone.localdate())
        return str(problem) if problem is not None else None


class SupplierDetail(SupplierOut):
    address: str
    contact_name: str
    contact_phone: str
    delivery_area: list[int]
    papers: list[PaperOut]

    @staticmethod
    def resolve_delivery_area(obj: Supplier) -> list[int]:
        return [c.pk for c in obj.delivery_area.all()]

    @staticmethod
    def resolve_papers(obj: Supplier) -> list[Any]:
        return list(obj.papers.all())


class SupplierQuery(Schema):
    vetting: VettingIn | None = None
    category: CategoryIn | None = None
    q: str | None = None


class VettingMoveIn(Schema):
    to: VettingIn
    reason: str = ""


class FitOut(Schema):
    supplier_id: int
    name: str
    blocked: str | None
    missing_categories: list[str]
    capacity_left: int
    short: bool
    distance_m: int | None


class WorksiteOrderIn(Schema):
    supplier: Id
    delivery_on: dt.date


class WorksiteOrderOut(Schema):
    id: int
    need_id: int
    supplier_id: int
    delivery_on: dt.date
    status: str
    headcount: int
    rice_kg: int
    flour_kg: int
    oil_kg: int
    vehicle_requested: bool
    vehicle_assigned: bool

    @staticmethod
    def resolve_vehicle_requested(obj: WorksiteOrder) -> bool:
        return hasattr(obj, "vehicle_request")

    @staticmethod
    def resolve_vehicle_assigned(obj: WorksiteOrder) -> bool:
        return hasattr(obj, "vehicle_request") and obj.vehicle_request.assigned


def _suppliers(request: HttpRequest) -> Any:
    return Supplier.objects.visible_to(request.user).prefetch_related("papers", "delivery_area")


@router.get(
    "/suppliers/",
    response={200: list[SupplierOut], **errors(400)},
    summary="供应商名录 (suppliers)",
)
@paginate(Pagination)
def supplier_list(request: HttpRequest, filters: Query[SupplierQuery]) -> Any:
    rows = _suppliers(request).order_by("name")
    return filtered(SupplierFilter(query_data(filters), queryset=rows, request=request))


@router.get("/suppliers/{pk}/", response={200: SupplierDetail, **errors(404)}, summary="供应商详情")
def supplier_detail(request: HttpRequest, pk: Id) -> Any:
    return get_object_or_404(_suppliers(request), pk=pk)


@router.post(
    "/suppliers/{pk}/vetting/",
    response={200: SupplierDetail, **errors(403, 404, 409)},
    summary="审核供应商 (vet, suspend, restore; 409 when the status does not allow it)",
)
def supplier_vetting(request: HttpRequest, pk: Id, payload: VettingMoveIn) -> Any:
    found = get_object_or_404(_suppliers(request), pk=pk)
    transition(found, payload.to, by=user_of(request), reason=payload.reason, request=request)
    return _suppliers(request).get(pk=pk)


def _need(request: HttpRequest, pk: int) -> WorksiteNeed:
    need = get_object_or_404(
        WorksiteNeed.objects.visible_to(request.user).select_related("compound__committee"), pk=pk
    )
    if not request.user.has_perm("supplies.match_worksiteneed", need):
        raise HttpError(403, "只有镇/街道物资保障组可以匹配供应商 (the town's supply desk only)")
    return need


@router.get(
    "/worksite-needs/{pk}/suppliers/",
    response={200: list[FitOut], **errors(403, 404)},
    summary="工地需求的供应商排序 (suppliers ranked for a worksite's need)",
)
def need_suppliers(request: HttpRequest, pk: Id, day: dt.date | None = None) -> Any:
    need = _need(request, pk)
    fits = rank_suppliers(need, day or timezone.localdate() + dt.timedelta(days=1))
    return [
        {
            "supplier_id": f.supplier.pk,
            "name": f.supplier.name,
            "blocked": str(f.blocked) if f.blocked is not None else None,
            "missing_categories": f.missing,
            "capacity_left": f.capacity_left,
            "short": f.short,
            "distance_m": f.distance_m,
        }
        for f in fits
    ]


@router.post(
    "/worksite-needs/{pk}/orders/",
    response={201: WorksiteOrderOut, **errors(403, 404, 409)},
    summary="确认供应商，生成供货单 (confirm a supplier: the order, and a vehicle request)",
)
def need_order(request: HttpRequest, pk: Id, payload: WorksiteOrderIn) -> Any:
    need = _need(request, pk)
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=payload.supplier)
    order = worksite_match(
        user=user_of(request),
        need=need,
        supplier=supplier,
        delivery_on=payload.delivery_on,
        request=request,
    )
    return Status(201, WorksiteOrder.objects.select_related("vehicle_request").get(pk=order.pk))
