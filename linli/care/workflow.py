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

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import Expression
from django.utils import timezone

from linli.care.models import HelpRequest, HelpRequestTransition
from linli.care.rules import may_take, owns, supervises, supervises_or_owns, volunteer_of
from linli.core.validators import Problem
from linli.core.workflow import Change, Workflow, moves

__all__ = ["HELP_REQUEST_WORKFLOW", "may_take", "owns", "supervises", "volunteer_of"]

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


def escalation_level(help_request: HelpRequest, now: dt.datetime | None = None) -> int:
    """The level an open help request has reached (0 owner … 3 town); closed ones are at 0."""
    if help_request.status not in HelpRequest.OPEN_STATUSES:
        return Escalation.OWNER
    now = now or timezone.now()
    if now <= help_request.due_at:
        return Escalation.OWNER
    overdue = now - help_request.due_at
    step = ESCALATION_STEP[help_request.urgency]
    if overdue > 2 * step:
        return Escalation.TOWN
    if overdue > step:
        return Escalation.COMMITTEE
    return Escalation.BUILDING_LEADER


def escalated_at(help_request: HelpRequest, level: int) -> dt.datetime:
    """When an open help request reaches (or reached) the level."""
    step = ESCALATION_STEP[help_request.urgency]
    return help_request.due_at + max(level - 1, 0) * step


def escalation_expression(now: dt.datetime) -> Expression:
    """`escalation_level` as SQL, for annotating and filtering lists."""
    whens = [When(~Q(status__in=HelpRequest.OPEN_STATUSES), then=Value(Escalation.OWNER))]
    for urgency, step in ESCALATION_STEP.items():
        whens.append(When(urgency=urgency, due_at__lt=now - 2 * step, then=Value(Escalation.TOWN)))
        whens.append(When(urgency=urgency, due_at__lt=now - step, then=Value(Escalation.COMMITTEE)))
    whens.append(When(due_at__lt=now, then=Value(Escalation.BUILDING_LEADER)))
    return Case(*whens, default=Value(Escalation.OWNER), output_field=IntegerField())


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
