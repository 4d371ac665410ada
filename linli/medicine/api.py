"""The medicine API: requests (配药单) and their lines, for the desk and whoever may read them.

Reads go through the access gate (a request out of reach is a 404); a confidential line's drug
names are empty unless the caller is the desk, town staff or the run's runner. `POST
/medicine/orders/` answers 201, or 200 with the first request when its form number or
Idempotency-Key repeats one; a status move the current status does not allow is a 409, a move
this login may not make a 403.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from linli.core.api import Id, Pagination, errors, filtered, query_data
from linli.core.http import context_user, user_of
from linli.core.workflow import transition
from linli.medicine import selectors, services
from linli.medicine.filters import MedicineOrderFilter
from linli.medicine.models import Department, Hospital, MedicineLine, MedicineOrder
from linli.places.models import Resident

router = Router(tags=["medicine"])

UrgencyIn = Literal["red", "yellow", "green"]
StatusIn = Literal[
    "submitted",
    "verified",
    "planned",
    "at_hospital",
    "fetched",
    "partly_fetched",
    "carried_over",
    "bagged",
    "handed_over",
    "delivered",
    "confirmed",
    "refused",
    "exchanged",
    "cancelled",
    "referred",
]
MAX_KEY = 100


class MedicineLineOut(Schema):
    id: int
    generic_name: str = Field(..., description="保密药品对无权者为空 (empty when confidential)")
    trade_name: str
    maker: str
    any_maker: bool
    strength: str
    form: str
    boxes: int
    days: int | None
    cold_chain: bool
    substitution_allowed: bool
    confidential: bool
    status: str
    boxes_fetched: int

    @staticmethod
    def _hidden(obj: MedicineLine, context: Any) -> bool:
        return selectors.line_view(context_user(context), obj).hidden

    @staticmethod
    def resolve_generic_name(obj: MedicineLine, context: Any) -> str:
        return "" if MedicineLineOut._hidden(obj, context) else obj.generic_name

    @staticmethod
    def resolve_trade_name(obj: MedicineLine, context: Any) -> str:
        return "" if MedicineLineOut._hidden(obj, context) else obj.trade_name

    @staticmethod
    def resolve_maker(obj: MedicineLine, context: Any) -> str:
        return "" if MedicineLineOut._hidden(obj, context) else obj.maker

    @staticmethod
    def resolve_strength(obj: MedicineLine, context: Any) -> str:
        return "" if MedicineLineOut._hidden(obj, context) else obj.strength


class MedicineChangeOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime
    reason: str


class MedicineOrderOut(Schema):
    id: int
    form_number: str | None
    label: str
    status: str
    urgency: str
    source: str
    service_date: dt.date
    committee_id: int
    household_id: int
    resident_id: int
    hospital_id: int
    department_id: int | None
    run_id: int | None
    note: str
    created_at: dt.datetime
    lines: list[MedicineLineOut]

    @staticmethod
    def resolve_lines(obj: MedicineOrder) -> list[Any]:
        return list(obj.lines.all())


class MedicineOrderDetail(MedicineOrderOut):
    changes: list[MedicineChangeOut]

    @staticmethod
    def resolve_changes(obj: MedicineOrder) -> list[Any]:
        return list(obj.changes.all())


class MedicineLineIn(Schema):
    generic_name: str = Field(..., min_length=1, max_length=100)
    trade_name: str = Field("", max_length=100)
    maker: str = Field("", max_length=100)
    any_maker: bool = False
    strength: str = Field("", max_length=60)
    form: str = Field("", max_length=30)
    boxes: int = Field(1, ge=1, le=99)
    days: int | None = Field(None, ge=1, le=999)
    cold_chain: bool = False
    substitution_allowed: bool = False
    confidential: bool = False


class MedicineOrderIn(Schema):
    resident: Id
    hospital: Id
    department: Id | None = None
    urgency: UrgencyIn = "yellow"
    form_number: str | None = Field(None, max_length=40)
    service_date: dt.date | None = None
    note: str = Field("", max_length=300)
    lines: list[MedicineLineIn] = Field(..., min_length=1, max_length=20)


class MedicineTransitionIn(Schema):
    to: StatusIn
    reason: str = Field("", max_length=300)


class MedicineOrderQuery(Schema):
    status: StatusIn | None = None
    urgency: UrgencyIn | None = None
    committee: Id | None = None
    hospital: Id | None = None
    service_date: dt.date | None = None
    open: bool | None = Field(None, description="仅未办结 (only open)")
    q: str | None = Field(None, description="单号、姓名、室号 (form number, name, room)")


def _idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY or not key.isprintable() or not key.isascii():
        raise HttpError(
            422, f"Idempotency-Key 须为不超过{MAX_KEY}个ASCII字符 (at most {MAX_KEY} ASCII chars)"
        )
    return key


def _orders(request: HttpRequest) -> Any:
    return selectors.orders_for(request.user).prefetch_related("lines")


@router.get(
    "/medicine/orders/",
    response={200: list[MedicineOrderOut], **errors(400, 404)},
    summary="配药单列表 (medicine requests)",
)
@paginate(Pagination)
def order_list(request: HttpRequest, filters: Query[MedicineOrderQuery]) -> Any:
    rows = selectors.desk_orders(request.user)
    return filtered(MedicineOrderFilter(query_data(filters), queryset=rows, request=request))


@router.get(
    "/medicine/orders/{pk}/",
    response={200: MedicineOrderDetail, **errors(404)},
    summary="配药单详情 (a medicine request)",
)
def order_detail(request: HttpRequest, pk: Id) -> Any:
    return get_object_or_404(_orders(request), pk=pk)


@router.post(
    "/medicine/orders/",
    response={200: MedicineOrderDetail, 201: MedicineOrderDetail, **errors(403, 404)},
    summary="登记配药单 (the desk enters a request; 200 on a replay)",
)
def order_create(request: HttpRequest, payload: MedicineOrderIn) -> Any:
    user = user_of(request)
    if not user.has_perm("medicine.add_medicineorder") or user.town_id is None:
        raise HttpError(403, "只有配药内场或镇工作人员可以登记 (only the desk or town staff)")
    town_id = user.town_id
    resident = get_object_or_404(
        Resident.objects.select_related("household__building__compound"),
        pk=payload.resident,
        town_id=town_id,
    )
    hospital = get_object_or_404(Hospital, pk=payload.hospital, town_id=town_id)
    department = None
    if payload.department is not None:
        department = get_object_or_404(Department, pk=payload.department, hospital=hospital)
    key = _idempotency_key(request)
    made = services.order_create(
        user=user,
        resident=resident,
        hospital=hospital,
        department=department,
        lines=[services.LineData(**line.dict()) for line in payload.lines],
        source=MedicineOrder.Source.DESK,
        urgency=payload.urgency,
        form_number=payload.form_number,
        service_date=payload.service_date,
        note=payload.note,
        idempotency_key=f"api:{user.pk}:{key}" if key else None,
        request=request,
    )
    return Status(201 if made.created else 200, _orders(request).get(pk=made.order.pk))


@router.post(
    "/medicine/orders/{pk}/transition/",
    response={200: MedicineOrderDetail, **errors(403, 404, 409)},
    summary="变更配药单状态 (409 when the current status does not allow the move)",
)
def order_transition(request: HttpRequest, pk: Id, payload: MedicineTransitionIn) -> Any:
    found = get_object_or_404(_orders(request), pk=pk)
    transition(found, payload.to, by=user_of(request), reason=payload.reason, request=request)
    return _orders(request).get(pk=pk)
