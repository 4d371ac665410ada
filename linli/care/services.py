"""Writes of the care app: door-knock visits, help requests, assignment and status links.

Keyword-only, typed, transactional and audited. Status moves live in `linli.care.workflow`.
Idempotency: a caller may pass a key (the API's Idempotency-Key header, a page's form token);
the same key twice returns the first help request and creates nothing, also when the two arrive at
the same moment (the database's unique constraint decides, the loser reads the winner's row).
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from linli.accounts.models import hash_token
from linli.care.models import HelpRequest, HelpRequestTransition, Visit
from linli.care.rules import supervises, supervises_or_owns, volunteer_of
from linli.care.workflow import due_at_for
from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import NotAllowed
from linli.duty.models import Team, Volunteer
from linli.places.models import Resident

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Household

MAX_DESCRIPTION = 1000
MAX_NOTES = 1000


@dataclass(frozen=True)
class Need:
    """A need found on a visit, to become a help request."""

    category: str
    urgency: str = HelpRequest.Urgency.NORMAL
    description: str = ""


@dataclass
class Created:
    """A help request and whether this call created it; `status_token` is the resident's status
    link token, known only at creation (only its hash is stored) or on a replay of the same key."""

    help_request: HelpRequest
    created: bool
    status_token: str | None = None


@dataclass
class VisitRecorded:
    visit: Visit
    created: bool
    help_requests: list[Created] = field(default_factory=list)
    # Nobody answered at a living-alone elder's door: whom to call now, and the urgent request
    # a second miss in a row raised (once per run of misses).
    to_call: list[Resident] = field(default_factory=list)
    escalated: HelpRequest | None = None


LIVING_ALONE = "living_alone"  # the built-in care tag 独居老人 (places migration 0002)
MISSED_KEY = "nobody-home"
MISSED_ZH = "独居老人连续两次敲门无人应答，请立即电话联系或上门确认安全"


def _status_token(town_id: int, key: str | None) -> str:
    """A long random token; for a keyed help request derived from the key with the secret key, so a
    replay of the same key gives the same link without storing the token itself."""
    if not key:
        return secrets.token_urlsafe(32)
    digest = salted_hmac("linli.care.status-link", f"{town_id}:{key}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _check_choice(value: str, choices: type[models.TextChoices], zh: str, en: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise Problem(
            f"{zh}无效：{value}（可选 {allowed}）", f"invalid {en} {value!r}; use {allowed}"
        )
    return value


def _replay(town_id: int, key: str) -> Created | None:
    found = HelpRequest.objects.filter(town_id=town_id, idempotency_key=key).first()
    if found is None:
        return None
    token = _status_token(town_id, key)
    return Created(found, False, token if hash_token(token) == found.access_token_hash else None)


@transaction.atomic
def help_request_create(
    *,
    user: User | None,
    category: str,
    urgency: str,
    source: str,
    household: Household | None = None,
    resident: Resident | None = None,
    description: str = "",
    contact_phone: str = "",
    visit: Visit | None = None,
    owner_volunteer: Volunteer | None = None,
    owner_team: Team | None = None,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Created:
    """Record a need of a resident (its household is derived) or of a household."""
    if resident is not None:
        if household is not None and household.pk != resident.household_id:
            raise Problem("居民不住在该户", "the resident does not live in that household")
        household = resident.household
    if household is None:
        raise Problem("请指定居民或户", "name a resident or a household")
    _check_choice(category, HelpRequest.Category, "类别", "category")
    _check_choice(urgency, HelpRequest.Urgency, "紧急程度", "urgency")
    _check_choice(source, HelpRequest.Source, "来源", "source")
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise Problem(
            f"内容过长（最多{MAX_DESCRIPTION}字）", f"the description exceeds {MAX_DESCRIPTION}"
        )
    town_id = household.town_id
    if idempotency_key:
        replayed = _replay(town_id, idempotency_key)
        if replayed is not None:
            return replayed
    now = now or timezone.now()
    token = _status_token(town_id, idempotency_key)
    row = HelpRequest(
        town_id=town_id,
        household=household,
        resident=resident,
        visit=visit,
        category=category,
        urgency=urgency,
        description=description,
        source=source,
        contact_phone=contact_phone,
        owner_volunteer=owner_volunteer,
        owner_team=owner_team,
        due_at=due_at_for(urgency, now),
        idempotency_key=idempotency_key or None,
        access_token_hash=hash_token(token),
        created_by=user if user is not None and user.is_authenticated else None,
        created_at=now,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # The same key arrived twice at once: the other call's help request stands.
        replayed = _replay(town_id, idempotency_key or "")
        if replayed is None:
            raise
        return replayed
    HelpRequestTransition.objects.create(
        request=row,
        from_status="",
        to_status=row.status,
        by=row.created_by,
        at=now,
        by_volunteer=volunteer_of(user),
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=row,
        summary=f"help request {category}/{urgency} ({source})",
        request=request,
    )
    return Created(row, True, token)


@transaction.atomic
def visit_record(
    *,
    user: User,
    household: Household,
    outcome: str,
    resident: Resident | None = None,
    notes: str = "",
    needs: list[Need] | tuple[Need, ...] = (),
    form_token: str | None = None,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> VisitRecorded:
    """Record a door-knock and turn the needs found into help requests, in one step. A form
    token makes it double-tap safe: the second submission returns the first visit."""
    if outcome not in Visit.Outcome.values:
        raise Problem(f"未知走访结果：{outcome}", f"unknown outcome {outcome!r}")
    if resident is not None and resident.household_id != household.pk:
        raise Problem("居民不住在该户", "the resident does not live in that household")
    if outcome == Visit.Outcome.NEED_FOUND and not needs:
        raise Problem("请至少填写一项需求", "a visit that found a need lists at least one")
    if needs and outcome == Visit.Outcome.ALL_WELL:
        outcome = Visit.Outcome.NEED_FOUND
    notes = notes.strip()[:MAX_NOTES]
    town_id = household.town_id
    # The token is stored namespaced by the login: a token replayed by someone else is a new
    # visit of theirs, never a look at the first one (whose status links it would return).
    form_token = _visit_key(user, form_token) if form_token else None
    if form_token:
        found = Visit.objects.filter(town_id=town_id, form_token=form_token).first()
        if found is not None:
            return _visit_replay(found, form_token)
    now = now or timezone.now()
    visit = Visit(
        town_id=town_id,
        household=household,
        resident=resident,
        volunteer=volunteer_of(user),
        recorded_by=user,
        outcome=outcome,
        notes=notes,
        visited_at=now,
        form_token=form_token or None,
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        found = Visit.objects.filter(town_id=town_id, form_token=form_token).first()
        if found is None:
            raise
        return _visit_replay(found, form_token or "")
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=visit,
        summary=f"visit {outcome} ({len(needs)} needs)",
        request=request,
    )
    made = [
        help_request_create(
            user=user,
            household=household,
            resident=resident,
            category=need.category,
            urgency=need.urgency,
            description=need.description,
            source=HelpRequest.Source.VISIT,
            visit=visit,
            idempotency_key=f"visit:{form_token}:{i}" if form_token else None,
            now=now,
            request=request,
        )
        for i, need in enumerate(needs)
    ]
    recorded = VisitRecorded(visit, True, made)
    if outcome == Visit.Outcome.NOBODY_HOME:
        _missed_living_alone(recorded, user=user, request=request)
    return recorded


def _missed_living_alone(
    recorded: VisitRecorded, *, user: User, request: HttpRequest | None
) -> None:
    """Nobody answered: for a household with a living-alone elder, the visitor is prompted to
    call them; a second miss in a row raises one urgent help request (the queues' escalation
    takes it up the grid if nobody acts), unless one raised so is still open."""
    visit = recorded.visit
    recorded.to_call = list(
        visit.household.residents.filter(
            status__in=(Resident.Status.PRESENT, Resident.Status.AWAY),
            care_tags__code=LIVING_ALONE,
        ).distinct()
    )
    if not recorded.to_call:
        return
    previous = (
        Visit.objects.filter(household_id=visit.household_id, visited_at__lte=visit.visited_at)
        .exclude(pk=visit.pk)
        .order_by("-visited_at", "-id")
        .first()
    )
    if previous is None or previous.outcome != Visit.Outcome.NOBODY_HOME:
        return
    raised = HelpRequest.objects.filter(
        household_id=visit.household_id,
        status__in=HelpRequest.OPEN_STATUSES,
        idempotency_key__startswith=f"{MISSED_KEY}:",
    )
    if raised.exists():
        return
    made = help_request_create(
        user=user,
        household=visit.household,
        resident=recorded.to_call[0] if len(recorded.to_call) == 1 else None,
        category=HelpRequest.Category.OTHER,
        urgency=HelpRequest.Urgency.URGENT,
        description=MISSED_ZH,
        source=HelpRequest.Source.VISIT,
        visit=visit,
        idempotency_key=f"{MISSED_KEY}:{previous.pk}",
        now=visit.visited_at,
        request=request,
    )
    recorded.escalated = made.help_request
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=visit,
        summary="visit: living-alone elder missed twice, urgent help request raised",
        detail={"help_request": made.help_request.pk, "previous_visit": previous.pk},
        request=request,
    )


def _visit_key(user: User, form_token: str) -> str:
    return salted_hmac("linli.care.visit", f"{user.pk}:{form_token}").hexdigest()[:40]


def _visit_replay(visit: Visit, form_token: str) -> VisitRecorded:
    help_requests = []
    for i in range(visit.help_requests.count()):
        replayed = _replay(visit.town_id, f"visit:{form_token}:{i}")
        if replayed is not None:
            help_requests.append(replayed)
    return VisitRecorded(visit, False, help_requests)


@transaction.atomic
def help_request_assign(
    *,
    help_request: HelpRequest,
    user: User,
    volunteer: Volunteer | None = None,
    team: Team | None = None,
    request: HttpRequest | None = None,
) -> HelpRequest:
    """Give an open help request an owner (a volunteer, a team, or both) of its committee."""
    locked = (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("household__building__compound")
        .get(pk=help_request.pk)
    )
    if not supervises(user, locked):
        raise NotAllowed("只有楼组长及以上可以指派", "only a building leader or above may assign")
    if not locked.is_open:
        raise Problem("诉求已结束，不能指派", "the request is closed")
    if volunteer is None and team is None:
        raise Problem("请选择志愿者或服务小组", "choose a volunteer or a team")
    committee_id = locked.household.building.compound.committee_id
    for owner in (volunteer, team):
        if owner is not None and owner.committee_id != committee_id:
            raise Problem("只能指派本居委的志愿者或小组", "assign within the request's committee")
    if volunteer is not None and volunteer.status != Volunteer.Status.ACTIVE:
        raise Problem("该志愿者不在岗", "the volunteer is not active")
    locked.owner_volunteer = volunteer
    locked.owner_team = team
    locked.save(update_fields=["owner_volunteer", "owner_team", "updated_at"])
    label = locked.owner_label
    HelpRequestTransition.objects.create(
        request=locked,
        from_status=locked.status,
        to_status=locked.status,
        by=user,
        by_volunteer=volunteer_of(user),
        at=timezone.now(),
        reason=label[:300],
    )
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="help request assigned",
        detail={
            "volunteer": volunteer.pk if volunteer else None,
            "team": team.pk if team else None,
        },
        request=request,
    )
    return locked


@transaction.atomic
def help_request_new_link(
    *, help_request: HelpRequest, user: User, request: HttpRequest | None = None
) -> str:
    """A new status link for the resident (the old one stops working); returns its token."""
    if not supervises_or_owns(user, help_request):
        raise NotAllowed("只有负责人或楼组长及以上可以生成链接", "only the owner or a leader may")
    token = secrets.token_urlsafe(32)
    HelpRequest.objects.filter(pk=help_request.pk).update(access_token_hash=hash_token(token))
    help_request.access_token_hash = hash_token(token)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=help_request,
        summary="help request status link renewed",
        request=request,
    )
    return token
