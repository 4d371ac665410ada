"""The duty API: volunteers, duties, claims, pairings and pairing suggestions.

Reads go through the access gate (`visible_to`), numbers through masking; writes call the same
services as the pages. Out of scope is a 404; a domain error is answered by linli/api.py's
`Problem` handler: a state that does not allow the write (a place already answered for, a
volunteer not active, a claim already decided) a 409, a move this login may not make a 403,
other refused input a 422, each with its reason. The coverage report is served by the generic
`GET /api/v1/reports/duty-coverage/?town=NAME`.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from linli.core.api import Id, Pagination, errors, one_of
from linli.core.http import context_user
from linli.core.masking import shown
from linli.core.workflow import transition
from linli.duty import claims as claim_services
from linli.duty import selectors, services
from linli.duty.models import Claim, Duty, Pairing, Volunteer, active_q
from linli.duty.suggest import DEFAULT_CAPACITY
from linli.places.models import Building, Committee, Household, Resident

router = Router(tags=["duty"])


class VolunteerOut(Schema):
    id: int
    name: str
    gender: str
    phone: str = Field(..., description="按权限脱敏 (masked unless the role needs it)")
    id_number: str = Field(..., description="按权限脱敏 (masked unless the role needs it)")
    is_party_member: bool
    source: str
    status: str
    committee_id: int
    committee: str = Field(..., alias="committee.name")
    team: str | None = None
    post: str
    skills: list[str]

    @staticmethod
    def resolve_phone(obj: Volunteer, context: Any) -> str:
        return shown(context_user(context), "phone", obj.phone)

    @staticmethod
    def resolve_id_number(obj: Volunteer, context: Any) -> str:
        return shown(context_user(context), "id_number", obj.id_number or "")

    @staticmethod
    def resolve_team(obj: Volunteer) -> str | None:
        return obj.team.function if obj.team else None


class DutyOut(Schema):
    id: int
    kind: str
    title: str
    volunteer_id: int
    volunteer: str = Field(..., alias="volunteer.name")
    committee_id: int
    compound_id: int | None
    building_id: int | None
    household_id: int | None
    place: str = Field(..., alias="place_label")
    starts_at: dt.datetime
    ends_at: dt.datetime | None


class ClaimOut(Schema):
    id: int
    status: str
    kind: str
    volunteer_id: int
    volunteer: str = Field(..., alias="volunteer.name")
    committee_id: int
    building_id: int | None
    household_id: int | None
    place: str = Field(..., alias="place_label")
    created_at: dt.datetime
    decided_at: dt.datetime | None
    duty_id: int | None


class PairingOut(Schema):
    id: int
    volunteer_id: int
    volunteer: str = Field(..., alias="volunteer.name")
    resident_id: int
    resident: str = Field(..., alias="resident.name")
    source: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None


class SuggestionOut(Schema):
    resident_id: int = Field(..., alias="resident.pk")
    resident: str = Field(..., alias="resident.name")
    volunteer_id: int = Field(..., alias="volunteer.pk")
    volunteer: str = Field(..., alias="volunteer.name")
    cost: int


class ClaimIn(Schema):
    """楼栋或住户 (a building or a household; given both, the household)."""

    model_config = one_of("building_id", "household_id", exactly=False)

    building_id: Id | None = None
    household_id: Id | None = None


class DecisionIn(Schema):
    decision: Literal["approve", "refuse", "withdraw"]


class PairingIn(Schema):
    volunteer_id: Id
    resident_id: Id


@router.get("/volunteers/", response=list[VolunteerOut], summary="志愿者 (volunteers)")
@paginate(Pagination)
def volunteer_list(
    request: HttpRequest,
    committee_id: Id | None = None,
    status: str | None = None,
    source: str | None = None,
) -> Any:
    rows = Volunteer.objects.visible_to(request.user).select_related("committee", "team")
    if committee_id is not None:
        rows = rows.filter(committee_id=committee_id)
    if status:
        rows = rows.filter(status=status)
    if source:
        rows = rows.filter(source=source)
    return rows


@router.get("/volunteers/{volunteer_id}/", response={200: VolunteerOut, **errors(404)})
def volunteer_detail(request: HttpRequest, volunteer_id: Id) -> Any:
    found = (
        Volunteer.objects.visible_to(request.user)
        .select_related("committee", "team")
        .filter(pk=volunteer_id)
        .first()
    )
    if found is None:
        raise HttpError(404, "未找到 (not found)")
    return found


@router.get("/duties/", response=list[DutyOut], summary="包干职责 (duties)")
@paginate(Pagination)
def duty_list(
    request: HttpRequest,
    committee_id: Id | None = None,
    kind: str | None = None,
    history: bool = False,
) -> Any:
    """Duties in force (`history=true`: ended ones too), as far as the caller may see."""
    rows = Duty.objects.visible_to(request.user).select_related(
        "volunteer", "committee", "compound", "building", "household"
    )
    if not history:
        rows = rows.filter(active_q())
    if committee_id is not None:
        rows = rows.filter(committee_id=committee_id)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


@router.get("/claims/", response=list[ClaimOut], summary="认领 (claims)")
@paginate(Pagination)
def claim_list(request: HttpRequest, status: str | None = None) -> Any:
    rows = Claim.objects.visible_to(request.user).select_related(
        "volunteer", "building__compound", "household__building__compound"
    )
    return rows.filter(status=status) if status else rows


@router.post(
    "/claims/",
    response={201: ClaimOut, **errors(403, 404, 409)},
    summary="认领 (claim a place)",
)
def claim_create(request: HttpRequest, payload: ClaimIn) -> Any:
    """The caller's volunteer claims an uncovered building or household of their committee."""
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        raise HttpError(403, "账号未关联志愿者 (the login is not a volunteer's)")
    place: Building | Household | None
    if payload.household_id is not None:
        place = Household.objects.filter(
            pk=payload.household_id, building__compound__committee_id=volunteer.committee_id
        ).first()
    elif payload.building_id is not None:
        place = Building.objects.filter(
            pk=payload.building_id, compound__committee_id=volunteer.committee_id
        ).first()
    else:  # the schema requires one; this is for a caller that ignores it
        raise HttpError(422, "需要 building_id 或 household_id (building_id or household_id)")
    if place is None:
        raise HttpError(404, "未找到本居委的该楼栋或住户 (no such place in your committee)")
    claim = claim_services.claim_create(
        user=request.user,  # type: ignore[arg-type]
        volunteer=volunteer,
        place=place,
        request=request,
    )
    return Status(201, claim)


@router.post(
    "/claims/{claim_id}/decide/",
    response={200: ClaimOut, **errors(403, 404, 409)},
    summary="审核认领 (decide)",
)
def claim_decide(request: HttpRequest, claim_id: Id, payload: DecisionIn) -> Any:
    found = Claim.objects.visible_to(request.user).filter(pk=claim_id).first()
    if found is None:
        raise HttpError(404, "未找到 (not found)")
    to = {"approve": "approved", "refuse": "refused", "withdraw": "withdrawn"}[payload.decision]
    return transition(found, to, by=request.user, request=request)  # type: ignore[arg-type]


@router.get("/pairings/", response=list[PairingOut], summary="结对 (pairings)")
@paginate(Pagination)
def pairing_list(request: HttpRequest, history: bool = False) -> Any:
    rows = Pairing.objects.visible_to(request.user).select_related("volunteer", "resident")
    return rows if history else rows.filter(active_q())


@router.post(
    "/pairings/", response={201: PairingOut, **errors(403, 404, 409)}, summary="结对 (pair)"
)
def pairing_create(request: HttpRequest, payload: PairingIn) -> Any:
    """Staff pair a volunteer of their scope with a special-care resident of their scope."""
    if not request.user.has_perm("duty.add_pairing"):
        raise HttpError(403, "只有工作人员可以安排结对 (staff only)")
    volunteer = Volunteer.objects.visible_to(request.user).filter(pk=payload.volunteer_id).first()
    resident = Resident.objects.visible_to(request.user).filter(pk=payload.resident_id).first()
    if volunteer is None or resident is None:
        raise HttpError(404, "未找到 (not found)")
    pairing = services.pairing_create(
        user=request.user,  # type: ignore[arg-type]
        volunteer=volunteer,
        resident=resident,
        request=request,
    )
    return Status(201, pairing)


@router.get(
    "/pairing-suggestions/",
    response={200: list[SuggestionOut], **errors(403, 404)},
    summary="结对建议 (suggestions)",
)
def pairing_suggestions(
    request: HttpRequest,
    committee_id: Id,
    capacity: int = Query(
        DEFAULT_CAPACITY,
        ge=1,
        le=10,
        description="每位志愿者最多结对几人 (residents per volunteer)",
    ),
) -> Any:
    """An optimal set of new pairings for the committee (staff)."""
    committee = Committee.objects.visible_to(request.user).filter(pk=committee_id).first()
    if committee is None:
        raise HttpError(404, "未找到 (not found)")
    if not request.user.has_perm("duty.manage_committee", committee):
        raise HttpError(403, "只有工作人员可以查看结对建议 (staff only)")
    return selectors.suggest_pairings(request.user, committee, capacity)
