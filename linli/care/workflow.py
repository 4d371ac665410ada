"""The help-request workflow (`HELP_REQUEST_WORKFLOW`, on linli.core.workflow): the table of
allowed moves, who may make them, the due time from the urgency, and escalation up the grid
derived from the clock.

    new ──► accepted ──► in_progress ──► done
     │          │  └──────────────────────► done      (a quick errand needs no "in progress")
     └──────────┴──────────┴──► cannot_do (with a reason) | cancelled

Escalation is not stored: it is computed from `due_at` and now, in Python for one request
(`escalation_level`) and in SQL for lists (`escalation_expression`), so no worker has to run
for an overdue request to reach the next level's list. An open request is at the owner's level
until it is due; once overdue it reaches the building leader, one step later the committee and
two steps later the town (the step depends on the urgency, `ESCALATION_STEP`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import Expression
from django.utils import timezone

from linli.care.models import HelpRequest, HelpRequestTransition
from linli.core.access import scope_for
from linli.core.validators import Problem
from linli.core.workflow import Change, Workflow, moves
from linli.duty.models import Duty, Volunteer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

Status = HelpRequest.Status
Urgency = HelpRequest.Urgency
Escalation = HelpRequest.Escalation

CLOSED = (Status.DONE, Status.CANNOT_DO, Status.CANCELLED)

# How long a request may take: urgent 2 hours, "today" 8 hours, normal 48 hours.
DUE_IN: dict[str, dt.timedelta] = {
    Urgency.URGENT: dt.timedelta(hours=2),
    Urgency.TODAY: dt.timedelta(hours=8),
    Urgency.NORMAL: dt.timedelta(hours=48),
}
# How long an overdue request stays at each level before it goes one level up.
ESCALATION_STEP: dict[str, dt.timedelta] = {
    Urgency.URGENT: dt.timedelta(hours=1),
    Urgency.TODAY: dt.timedelta(hours=4),
    Urgency.NORMAL: dt.timedelta(hours=24),
}


def due_at_for(urgency: str, created_at: dt.datetime) -> dt.datetime:
    return created_at + DUE_IN[urgency]


def escalation_level(request: HelpRequest, now: dt.datetime | None = None) -> int:
    """The level an open request has reached (0 owner … 3 town); closed requests are at 0."""
    if request.status not in HelpRequest.OPEN_STATUSES:
        return Escalation.OWNER
    now = now or timezone.now()
    if now <= request.due_at:
        return Escalation.OWNER
    overdue = now - request.due_at
    step = ESCALATION_STEP[request.urgency]
    if overdue > 2 * step:
        return Escalation.TOWN
    if overdue > step:
        return Escalation.COMMITTEE
    return Escalation.BUILDING_LEADER


def escalated_at(request: HelpRequest, level: int) -> dt.datetime:
    """When an open request reaches (or reached) the level."""
    step = ESCALATION_STEP[request.urgency]
    return request.due_at + max(level - 1, 0) * step


def escalation_expression(now: dt.datetime) -> Expression:
    """`escalation_level` as SQL, for annotating and filtering lists."""
    whens = [When(~Q(status__in=HelpRequest.OPEN_STATUSES), then=Value(Escalation.OWNER))]
    for urgency, step in ESCALATION_STEP.items():
        whens.append(When(urgency=urgency, due_at__lt=now - 2 * step, then=Value(Escalation.TOWN)))
        whens.append(When(urgency=urgency, due_at__lt=now - step, then=Value(Escalation.COMMITTEE)))
    whens.append(When(due_at__lt=now, then=Value(Escalation.BUILDING_LEADER)))
    return Case(*whens, default=Value(Escalation.OWNER), output_field=IntegerField())


def volunteer_of(user: User | AnonymousUser | None) -> Volunteer | None:
    if user is None or not user.is_authenticated:
        return None
    # Memoised on the user object, which lives one request (like the gate's scope).
    if hasattr(user, "_care_volunteer"):
        return cast("Volunteer | None", user._care_volunteer)
    found = Volunteer.objects.filter(user_id=user.pk, status=Volunteer.Status.ACTIVE).first()
    setattr(user, "_care_volunteer", found)  # noqa: B010
    return found


def supervises(user: User | AnonymousUser | None, request: HelpRequest) -> bool:
    """Whether the user answers for the request's place: its building leader, the compound's or
    committee's second secretary, committee or town staff."""
    scope = scope_for(user)
    if scope.all_towns:
        return True
    building = request.household.building
    if (
        request.town_id in scope.ids["town"]
        or building.compound.committee_id in scope.ids["committee"]
        or building.compound_id in scope.ids["compound"]
    ):
        return True
    # The building level of the scope also holds "1+1+X" team members, who help with errands
    # but do not supervise: only the building's leader does.
    return building.pk in scope.ids["building"] and (
        Duty.objects.active()
        .filter(
            kind=Duty.Kind.BUILDING_LEADER,
            building_id=building.pk,
            volunteer__user_id=user.pk,  # type: ignore[union-attr,misc]
            volunteer__status=Volunteer.Status.ACTIVE,
        )
        .exists()
    )


def owns(user: User | AnonymousUser | None, request: HelpRequest) -> bool:
    """Whether the user is the request's owner, or in (or leading) the team that owns it."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        return False
    if request.owner_volunteer_id == volunteer.pk:
        return True
    team = request.owner_team
    return team is not None and (team.pk == volunteer.team_id or team.leader_id == volunteer.pk)


def supervises_or_owns(user: User | AnonymousUser | None, request: HelpRequest) -> bool:
    return supervises(user, request) or owns(user, request)


def may_take(user: User | AnonymousUser | None, request: HelpRequest) -> bool:
    """Besides its owner and supervisors, anyone else who may see an unowned request (a
    neighbour keeper, a paired volunteer) may take it on."""
    return supervises_or_owns(user, request) or (
        request.owner_volunteer_id is None and volunteer_of(user) is not None
    )


def _apply(change: Change[HelpRequest]) -> list[str]:
    """Accepting gives an unowned request its taker; closing stamps the time."""
    locked, to = change.obj, change.target
    if to == Status.CANNOT_DO and not change.reason:
        raise Problem("请填写无法办理的原因", "give the reason it cannot be done")
    fields = ["updated_at"]
    volunteer = volunteer_of(change.by)
    if to == Status.ACCEPTED and locked.owner_volunteer_id is None and volunteer is not None:
        locked.owner_volunteer = volunteer
        fields.append("owner_volunteer")
    if to == Status.CANNOT_DO:
        locked.cannot_do_reason = change.reason
        fields.append("cannot_do_reason")
    if to in CLOSED:
        locked.closed_at = change.at
        fields.append("closed_at")
    return fields


ELSEWHERE = ("该诉求由他人负责", "this request belongs to someone else")
HELP_REQUEST_WORKFLOW = Workflow(
    name="help request",
    model=HelpRequest,
    history=HelpRequestTransition,
    subject="request",
    moves=[
        *moves([Status.NEW], [Status.ACCEPTED], may_take, refusal=ELSEWHERE),
        *moves(
            [Status.ACCEPTED],
            [Status.IN_PROGRESS, Status.DONE],
            supervises_or_owns,
            refusal=ELSEWHERE,
        ),
        *moves([Status.IN_PROGRESS], [Status.DONE], supervises_or_owns, refusal=ELSEWHERE),
        *moves(
            [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS],
            [Status.CANNOT_DO],
            supervises_or_owns,
            refusal=ELSEWHERE,
        ),
        *moves(
            [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS],
            [Status.CANCELLED],
            supervises,
            refusal=("只有楼组长及以上可以取消诉求", "only a building leader or above may cancel"),
        ),
    ],
    related=("household__building__compound", "owner_team"),
    apply=_apply,
    record=lambda change: {"by_volunteer": volunteer_of(change.by)},
)
