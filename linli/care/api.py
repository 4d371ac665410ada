"""The care API: help requests (诉求) and door-knock visits (走访).

Reads go through the access gate; a resident, household or request out of scope is a 404.
`POST /help-requests/` answers 201 with the new request, or 200 with the same request when an
`Idempotency-Key` header repeats one this user already sent (nothing new is created); keys are
per user. A status move the current status does not allow is a 409 with the reason, a move
this user may not make a 403, an unknown category or status a 422 naming the allowed values.
"""

import datetime as dt
import hashlib
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from linli.care import selectors, services, workflow
from linli.care.filters import HelpRequestFilter
from linli.care.models import HelpRequest, Visit
from linli.care.views import queue_for
from linli.core.api import Id, Pagination, errors, filtered, one_of, query_data
from linli.core.http import context_user, user_of
from linli.core.masking import shown
from linli.core.workflow import transition
from linli.places.models import Household, Resident
from linli.places.selectors import household_and_resident

router = Router(tags=["care"])

CategoryIn = Literal["medicine", "supplies", "medical", "psychological", "other"]
UrgencyIn = Literal["urgent", "today", "normal"]
StatusIn = Literal["new", "accepted", "in_progress", "done", "cannot_do", "cancelled"]
OutcomeIn = Literal["all_well", "need_found", "nobody_home", "refused"]
MAX_KEY = 100


class TransitionOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime
    by: str | None = None
    note: str

    @staticmethod
    def resolve_note(obj: Any) -> str:
        return str(obj.reason)

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.by.get_username() if obj.by else None


class HelpRequestOut(Schema):
    id: int
    status: str
    category: str
    urgency: str
    source: str
    description: str
    resident_id: int | None
    household_id: int
    building_id: int = Field(..., alias="household.building_id")
    room: str = Field(..., alias="household.room")
    contact_phone: str = Field(..., description="按权限脱敏 (masked unless the role needs it)")
    owner_volunteer_id: int | None
    owner_team_id: int | None
    due_at: dt.datetime
    escalation: str = Field(..., description="owner | building_leader | committee | town")
    cannot_do_reason: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    status_url: str | None = Field(
        None, description="居民查看进度的链接，只在创建时返回 (the resident's status link, once)"
    )

    @staticmethod
    def resolve_contact_phone(obj: HelpRequest, context: Any) -> str:
        return shown(context_user(context), "phone", obj.contact_phone)

    @staticmethod
    def resolve_escalation(obj: HelpRequest) -> str:
        level = getattr(obj, "escalation", None)
        if level is None:
            level = workflow.escalation_level(obj)
        return HelpRequest.Escalation(level).name.lower()

    @staticmethod
    def resolve_status_url(obj: HelpRequest) -> str | None:
        return getattr(obj, "status_url", None)


class HelpRequestDetail(HelpRequestOut):
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_transitions(obj: HelpRequest) -> list[Any]:
        return list(obj.transitions.select_related("by"))


class HelpRequestIn(Schema):
    model_config = one_of("resident", "household")

    resident: Id | None = Field(None, description="居民 ID (or give household)")
    household: Id | None = Field(None, description="户 ID (or give resident)")
    category: CategoryIn
    urgency: UrgencyIn = "normal"
    description: str = Field("", max_length=1000)
    source: Literal["phone", "staff"] = "staff"


class TransitionIn(Schema):
    to: StatusIn
    reason: str = Field("", max_length=300)


class NeedIn(Schema):
    category: CategoryIn
    urgency: UrgencyIn = "normal"
    description: str = Field("", max_length=200)


class VisitIn(Schema):
    model_config = one_of("resident", "household")

    resident: Id | None = Field(None, description="居民 ID (or give household)")
    household: Id | None = Field(None, description="户 ID (or give resident)")
    outcome: OutcomeIn
    notes: str = Field("", max_length=1000)
    needs: list[NeedIn] = Field(default_factory=list, max_length=10)


class VisitOut(Schema):
    id: int
    household_id: int
    resident_id: int | None
    volunteer_id: int | None
    outcome: str
    notes: str
    visited_at: dt.datetime
    help_requests: list[int]

    @staticmethod
    def resolve_help_requests(obj: Visit) -> list[int]:
        return [r.pk for r in obj.help_requests.all()]


def _idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY or not key.isprintable() or not key.isascii():
        raise HttpError(
            422, f"Idempotency-Key 须为不超过{MAX_KEY}个ASCII字符 (at most {MAX_KEY} ASCII chars)"
        )
    return key


def _place(
    request: HttpRequest, resident: int | None, household: int | None
) -> tuple[Household, Resident | None]:
    """The resident or household named, through the gate (out of scope → 404)."""
    if (resident is None) == (household is None):
        raise HttpError(422, "请给出 resident 或 household 其中之一 (give resident or household)")
    return household_and_resident(request.user, household=household, resident=resident)


def _with_link(request: HttpRequest, made: services.Created) -> HelpRequest:
    row = made.help_request
    if made.status_token:
        row.status_url = request.build_absolute_uri(  # type: ignore[attr-defined]
            reverse("care:status", args=[made.status_token])
        )
    return row


@router.post(
    "/help-requests/",
    response={200: HelpRequestOut, 201: HelpRequestOut, **errors(404)},
    summary="登记诉求 (create a help request; 200 on an Idempotency-Key replay)",
)
def help_request_create(request: HttpRequest, payload: HelpRequestIn) -> Any:
    household, resident = _place(request, payload.resident, payload.household)
    key = _idempotency_key(request)
    made = services.help_request_create(
        user=user_of(request),
        household=household,
        resident=resident,
        category=payload.category,
        urgency=payload.urgency,
        source=payload.source,
        description=payload.description,
        idempotency_key=f"api:{request.user.pk}:{key}" if key else None,
        request=request,
    )
    return Status(201 if made.created else 200, _with_link(request, made))


class HelpRequestQuery(Schema):
    """The filters of the queue pages (HelpRequestFilter). Literals, not the models' choices:
    django-ninja names an enum's schema by its class name, and Resident.Status would be
    overwritten by HelpRequest.Status in the document."""

    queue: Literal["all", "tasks", "buildings", "team", "committee", "town"] = "all"
    pk: Id | None = Field(
        None, description="team / committee 队列的 id (the team's or committee's)"
    )
    status: StatusIn | None = None
    category: CategoryIn | None = None
    urgency: UrgencyIn | None = None
    source: Literal["visit", "phone", "self_service", "staff"] | None = None
    building: Id | None = None
    overdue: bool | None = Field(None, description="仅超时 (only overdue)")
    q: str | None = Field(None, description="室号、姓名或描述 (room, name or description)")


@router.get(
    "/help-requests/",
    response={200: list[HelpRequestOut], **errors(400, 404)},
    summary="诉求列表 (help requests)",
)
@paginate(Pagination)
def help_request_list(request: HttpRequest, filters: Query[HelpRequestQuery]) -> Any:
    """Filters as on the pages. A queue other than `all` lists only open requests unless a
    status is asked for; `team` and `committee` take the team's or committee's id in `pk`."""
    if filters.queue == "all":
        rows = selectors.help_requests_for(request.user)
    else:
        try:
            rows = queue_for(request, filters.queue, filters.pk, not filters.status).rows
        except Http404:
            raise HttpError(404, "未找到该队列 (no such queue)") from None
    data = query_data(filters, exclude={"queue", "pk"})
    return filtered(HelpRequestFilter(data, queryset=rows, request=request))


@router.get(
    "/help-requests/{pk}/", response={200: HelpRequestDetail, **errors(404)}, summary="诉求详情"
)
def help_request_detail(request: HttpRequest, pk: Id) -> Any:
    return get_object_or_404(selectors.help_requests_for(request.user), pk=pk)


@router.post(
    "/help-requests/{pk}/transition/",
    response={200: HelpRequestDetail, **errors(403, 404, 409)},
    summary="变更状态 (409 when the current status does not allow the move)",
)
def help_request_transition(request: HttpRequest, pk: Id, payload: TransitionIn) -> Any:
    found = get_object_or_404(selectors.help_requests_for(request.user), pk=pk)
    transition(found, payload.to, by=user_of(request), reason=payload.reason, request=request)
    return selectors.help_requests_for(request.user).get(pk=pk)


@router.post(
    "/visits/",
    response={200: VisitOut, 201: VisitOut, **errors(404)},
    summary="记录走访 (door-knock)",
)
def visit_create(request: HttpRequest, payload: VisitIn) -> Any:
    """Needs become help requests in the same step; an Idempotency-Key makes it replay-safe."""
    household, resident = _place(request, payload.resident, payload.household)
    key = _idempotency_key(request)
    token = None
    if key:
        token = "api-" + hashlib.sha256(f"{request.user.pk}:{key}".encode()).hexdigest()[:40]
    recorded = services.visit_record(
        user=user_of(request),
        household=household,
        resident=resident,
        outcome=payload.outcome,
        notes=payload.notes,
        needs=[services.Need(n.category, n.urgency, n.description) for n in payload.needs],
        form_token=token,
        request=request,
    )
    return Status(201 if recorded.created else 200, recorded.visit)


@router.get("/visits/", response=list[VisitOut], summary="走访记录 (visits)")
@paginate(Pagination)
def visit_list(
    request: HttpRequest, household: Id | None = None, resident: Id | None = None
) -> Any:
    rows = Visit.objects.visible_to(request.user).prefetch_related("help_requests")
    if household is not None:
        rows = rows.filter(household_id=household)
    if resident is not None:
        rows = rows.filter(resident_id=resident)
    return rows
