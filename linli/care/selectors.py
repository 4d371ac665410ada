"""Reads of the care app. Every function takes the viewer and goes through the access gate.

The queues: "my tasks" (what a volunteer or their team owns), the building queue (a building
leader's buildings), a team's queue, a committee's queue and the town's queue (requests
escalated to the town). Each level's list includes what has escalated to it; lists are sorted
by escalation level, then by due time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils import timezone

from linli.care.models import HelpRequest, Visit
from linli.care.workflow import escalation_expression, volunteer_of
from linli.duty.models import Duty, Team, Volunteer, active_q
from linli.places.models import Building, Committee, Household, Resident, Town

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

    Viewer = User | AnonymousUser | None

Escalation = HelpRequest.Escalation
# Building duties whose holders work the building's queue (the "1+1+X" building team).
BUILDING_DUTIES = (Duty.Kind.BUILDING_LEADER, Duty.Kind.BUILDING_TEAM_MEMBER)
LIVING = (Resident.Status.PRESENT, Resident.Status.AWAY)
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def help_requests_for(user: Viewer, now: dt.datetime | None = None) -> QuerySet[HelpRequest]:
    """Every request the user may see, annotated with `escalation`, most pressing first."""
    now = now or timezone.now()
    return (
        HelpRequest.objects.visible_to(user)
        .select_related(
            "household__building__compound__committee",
            "resident",
            "owner_volunteer",
            "owner_team__committee",
        )
        .annotate(escalation=escalation_expression(now))
        .order_by("-escalation", "due_at", "id")
    )


def _open(queryset: QuerySet[HelpRequest], open_only: bool) -> QuerySet[HelpRequest]:
    return queryset.filter(status__in=HelpRequest.OPEN_STATUSES) if open_only else queryset


def my_tasks(
    user: Viewer, now: dt.datetime | None = None, open_only: bool = True
) -> QuerySet[HelpRequest]:
    """我的任务: requests the volunteer owns, or their team owns with nobody named yet."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        return help_requests_for(user, now).none()
    teams = Team.objects.filter(Q(members=volunteer) | Q(leader=volunteer)).values("pk")
    return _open(help_requests_for(user, now), open_only).filter(
        Q(owner_volunteer=volunteer) | Q(owner_volunteer__isnull=True, owner_team_id__in=teams)
    )


def led_buildings(user: Viewer) -> QuerySet[Building]:
    """Buildings the user answers for now as building leader or building-team member."""
    if user is None or not user.is_authenticated:
        return Building.objects.none()
    duties = Duty.objects.filter(
        active_q(),
        kind__in=BUILDING_DUTIES,
        volunteer__user_id=user.pk,
        volunteer__status=Volunteer.Status.ACTIVE,
    )
    return Building.objects.filter(pk__in=duties.values("building_id")).select_related("compound")


def building_queue(
    user: Viewer, now: dt.datetime | None = None, open_only: bool = True
) -> QuerySet[HelpRequest]:
    """楼栋诉求: requests of the buildings the user leads (escalated ones first)."""
    buildings = led_buildings(user).values("pk")
    return _open(help_requests_for(user, now), open_only).filter(household__building__in=buildings)


def my_teams(user: Viewer) -> QuerySet[Team]:
    volunteer = volunteer_of(user)
    if volunteer is None:
        return Team.objects.none()
    return Team.objects.filter(Q(members=volunteer) | Q(leader=volunteer)).distinct()


def team_queue(
    user: Viewer, team: Team, now: dt.datetime | None = None, open_only: bool = True
) -> QuerySet[HelpRequest]:
    """小组诉求: requests the team owns."""
    return _open(help_requests_for(user, now), open_only).filter(owner_team=team)


def committee_queue(
    user: Viewer, committee: Committee, now: dt.datetime | None = None, open_only: bool = True
) -> QuerySet[HelpRequest]:
    """居委诉求: the committee's requests; those escalated to it come first."""
    return _open(help_requests_for(user, now), open_only).filter(
        household__building__compound__committee=committee
    )


def town_queue(
    user: Viewer, town: Town, now: dt.datetime | None = None, open_only: bool = True
) -> QuerySet[HelpRequest]:
    """镇/街道督办: requests that escalated to the town (only open ones can be escalated)."""
    escalated = help_requests_for(user, now).filter(town=town, escalation=Escalation.TOWN)  # type: ignore[misc]
    return escalated


@dataclass
class QueueCount:
    open: int
    overdue: int


def queue_counts(queryset: QuerySet[HelpRequest]) -> QueueCount:
    """Open and overdue (escalated at all) requests of a queue, in one query."""
    figures = queryset.order_by().aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(escalation__gt=Escalation.OWNER))
    )
    return QueueCount(figures["open"] or 0, figures["overdue"] or 0)


def committee_counts(
    user: Viewer, committee_ids: list[int], now: dt.datetime | None = None
) -> dict[int, QueueCount]:
    """Open and overdue requests of several committees' queues, in one grouped query."""
    rows = (
        help_requests_for(user, now)
        .filter(
            status__in=HelpRequest.OPEN_STATUSES,
            household__building__compound__committee_id__in=committee_ids,
        )
        .order_by()
        .values_list("household__building__compound__committee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(escalation__gt=Escalation.OWNER)))
    )
    return {pk: QueueCount(n, late) for pk, n, late in rows}


# Visits ---------------------------------------------------------------------------------------


def _contact_visits(since: dt.datetime | None = None) -> QuerySet[Visit]:
    """Visits where someone answered the door (a visit where nobody did does not count)."""
    visits = Visit.objects.exclude(outcome=Visit.Outcome.NOBODY_HOME)
    return visits if since is None else visits.filter(visited_at__gte=since)


def _last_contact(**lookups: Any) -> Subquery:
    # Newest first, one row: walks the (household|resident, visited_at) index backwards.
    return Subquery(
        _contact_visits().filter(**lookups).order_by("-visited_at").values("visited_at")[:1]
    )


def households_to_visit(user: Viewer) -> QuerySet[Household]:
    """Households of the user's scope with their last visit (`last_visit`), never-visited
    first."""
    return (
        Household.objects.visible_to(user)
        .select_related("building__compound")
        .annotate(last_visit=_last_contact(household_id=OuterRef("pk")))
        .order_by(F("last_visit").asc(nulls_first=True), "building__sort_key", "room")
    )


def special_residents(user: Viewer) -> QuerySet[Resident]:
    """Residents of the user's scope with a care tag who still live here."""
    tagged = Resident.care_tags.through.objects.values("resident_id")
    return Resident.objects.visible_to(user).filter(pk__in=tagged, status__in=LIVING)


def special_residents_to_visit(user: Viewer) -> QuerySet[Resident]:
    """Special-care residents of the user's scope with their last visit: one that names them,
    or one of their household that names nobody."""
    named = _last_contact(resident_id=OuterRef("pk"))
    household = _last_contact(household_id=OuterRef("household_id"), resident__isnull=True)
    # One expression using each subquery once (an annotation referenced by F() is inlined
    # again, which would run the subqueries twice per row); NEVER stands for "no visit".
    latest = Greatest(Coalesce(named, Value(NEVER)), Coalesce(household, Value(NEVER)))
    return (
        special_residents(user)
        .select_related("household__building__compound")
        .prefetch_related("care_tags")
        .annotate(last_visit=NullIf(latest, Value(NEVER)))
        .order_by(F("last_visit").asc(nulls_first=True), "household__building__sort_key", "id")
    )


@dataclass
class BuildingCoverage:
    building: Building
    households: int
    households_overdue: int
    special: int
    special_overdue: int


def _per_building(queryset: QuerySet[Any], path: str) -> dict[int, int]:
    return dict(queryset.order_by().values_list(path).annotate(n=Count("pk")))


def visit_coverage(
    user: Viewer, town: Town, now: dt.datetime | None = None
) -> list[BuildingCoverage]:
    """Per building of the user's scope: households and special-care residents not visited
    within the town's `visit_overdue_days`. Four grouped queries, whatever the size."""
    now = now or timezone.now()
    recent = _contact_visits(now - dt.timedelta(days=town.visit_overdue_days))
    homes = Household.objects.visible_to(user).filter(town=town)
    # Semi-joins against the recent visits (hashed once), not a probe per row.
    visited_homes = homes.filter(pk__in=recent.values("household_id"))
    people = special_residents(user).filter(town=town)
    visited_people = people.filter(
        Q(pk__in=recent.filter(resident__isnull=False).values("resident_id"))
        | Q(household_id__in=recent.filter(resident__isnull=True).values("household_id"))
    )
    houses = _per_building(homes, "building_id")
    houses_seen = _per_building(visited_homes, "building_id")
    special = _per_building(people, "household__building_id")
    special_seen = _per_building(visited_people, "household__building_id")
    buildings = Building.objects.filter(pk__in=set(houses) | set(special)).select_related(
        "compound__committee"
    )
    result = [
        BuildingCoverage(
            b,
            houses.get(b.pk, 0),
            houses.get(b.pk, 0) - houses_seen.get(b.pk, 0),
            special.get(b.pk, 0),
            special.get(b.pk, 0) - special_seen.get(b.pk, 0),
        )
        for b in buildings
    ]
    # Most overdue first; ties in the order people number buildings (1号, 2号 … 10号).
    result.sort(
        key=lambda c: (
            -c.households_overdue - c.special_overdue,
            c.building.compound.name,
            c.building.sort_key,
        )
    )
    return result


def visits_per_volunteer(user: Viewer, town: Town, since: dt.datetime) -> list[dict[str, Any]]:
    """Visits since a time, per volunteer, of the visits the user may see."""
    rows = (
        Visit.objects.visible_to(user)
        .filter(town=town, visited_at__gte=since, volunteer__isnull=False)
        .order_by()
        .values("volunteer_id", "volunteer__name")
        .annotate(
            visits=Count("pk"),
            households=Count("household_id", distinct=True),
            needs=Count("pk", filter=Q(outcome=Visit.Outcome.NEED_FOUND)),
            last=Max("visited_at"),
        )
        .order_by("-visits", "volunteer__name")
    )
    return list(rows)


def recent_visits(user: Viewer, household: Household, limit: int = 5) -> QuerySet[Visit]:
    return (
        Visit.objects.visible_to(user)
        .filter(household=household)
        .select_related("volunteer", "resident")[:limit]
    )


HUB_ROWS = 10


def building_care(user: Viewer, building: Building) -> dict[str, Any]:
    """The building hub's care section: its open help requests (most pressing first), recent
    visits, and the gaps: households and special-care residents nobody has reached within the
    town's `visit_overdue_days` (never reached first)."""
    now = timezone.now()
    since = now - dt.timedelta(days=building.town.visit_overdue_days)
    not_lately = Q(last_visit__isnull=True) | Q(last_visit__lt=since)
    requests = help_requests_for(user, now).filter(
        household__building=building, status__in=HelpRequest.OPEN_STATUSES
    )
    homes = households_to_visit(user).filter(building=building).filter(not_lately)
    people = special_residents_to_visit(user).filter(household__building=building)
    return {
        "building": building,
        "requests": list(requests[:HUB_ROWS]),
        "requests_count": requests.count(),
        "visits": list(
            Visit.objects.visible_to(user)
            .filter(household__building=building)
            .select_related("household", "resident", "volunteer")[:HUB_ROWS]
        ),
        "homes_count": homes.count(),
        "special": list(people.filter(not_lately)[: HUB_ROWS * 2]),
        "since": since,
        # Where "all of them" lives: the leader's own queue, else the committee's.
        "leads": led_buildings(user).filter(pk=building.pk).exists(),
    }
