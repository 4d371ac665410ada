"""Reads of the responsibility grid; each takes the viewer and goes through the access gate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from linli.duty.models import Claim, Duty, Pairing, Team, Volunteer, active_q
from linli.duty.suggest import DEFAULT_CAPACITY, NEEDS, Person, pair_cost, solve
from linli.places.models import Building, Committee, Household, Resident

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


def volunteer_of(user: User | AnonymousUser | None) -> Volunteer | None:
    """The volunteer record linked to this login, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user_id=user.pk).select_related("committee", "team").first()


def residents_with_tags(queryset: QuerySet[Resident]) -> QuerySet[Resident]:
    return queryset.select_related("household__building__compound").prefetch_related("care_tags")


@dataclass
class MyGrid:
    """A volunteer's own part of the grid: what they answer for and whom they look after."""

    volunteer: Volunteer | None
    duties: list[Duty] = field(default_factory=list)
    residents_by_building: dict[Building, list[Resident]] = field(default_factory=dict)
    pairings: list[Pairing] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def my_grid(user: User | AnonymousUser | None) -> MyGrid:
    volunteer = volunteer_of(user)
    if volunteer is None:
        return MyGrid(volunteer=None)
    duties = list(
        Duty.objects.visible_to(user)
        .filter(active_q(), volunteer=volunteer)
        .select_related("committee", "compound", "building__compound", "household__building")
    )
    building_ids = {d.building_id for d in duties if d.building_id and not d.household_id}
    household_ids = {d.household_id for d in duties if d.household_id}
    residents = residents_with_tags(
        Resident.objects.visible_to(user)
        .filter(Q(household__building_id__in=building_ids) | Q(household_id__in=household_ids))
        .exclude(status=Resident.Status.MOVED_OUT)
        .order_by("household__building__sort_key", "household__room", "id")
    )
    by_building: dict[Building, list[Resident]] = defaultdict(list)
    for resident in residents:
        by_building[resident.household.building].append(resident)
    pairings = list(
        Pairing.objects.visible_to(user)
        .filter(active_q(), volunteer=volunteer)
        .select_related("resident__household__building__compound")
        .prefetch_related("resident__care_tags")
    )
    claims = list(
        Claim.objects.visible_to(user)
        .filter(volunteer=volunteer)
        .select_related("building__compound", "household__building__compound")[:20]
    )
    return MyGrid(volunteer, duties, dict(by_building), pairings, claims)


def uncovered_buildings(committee: Committee) -> QuerySet[Building]:
    """Buildings of the committee with no building leader now. Places, not people: any
    volunteer of the committee may see them in order to claim one."""
    leader = Duty.objects.filter(
        active_q(), kind=Duty.Kind.BUILDING_LEADER, building_id=OuterRef("pk")
    )
    return (
        Building.objects.filter(compound__committee=committee)
        .exclude(Exists(leader))
        .select_related("compound")
        .order_by("compound__name", "sort_key")
    )


def uncovered_households(committee: Committee) -> QuerySet[Household]:
    """Households nobody answers for: no keeper, in a building with no leader (rooms only)."""
    leader = Duty.objects.filter(
        active_q(), kind=Duty.Kind.BUILDING_LEADER, building_id=OuterRef("building_id")
    )
    keeper = Duty.objects.filter(
        active_q(), kind=Duty.Kind.NEIGHBOUR_KEEPER, household_id=OuterRef("pk")
    )
    return (
        Household.objects.filter(building__compound__committee=committee)
        .exclude(Exists(leader))
        .exclude(Exists(keeper))
        .select_related("building__compound")
        .order_by("building__compound__name", "building__sort_key", "room")
    )


@dataclass
class CommitteeGrid:
    committee: Committee
    teams: list[Team]
    duties: list[Duty]
    pending_claims: list[Claim]
    applicants: list[Volunteer]
    volunteers: list[Volunteer]
    volunteer_count: int


def committee_grid(user: User | AnonymousUser | None, committee: Committee) -> CommitteeGrid:
    """The committee's teams, duties in force, claims and report-ins awaiting a decision."""
    volunteers = Volunteer.objects.visible_to(user).filter(committee=committee)
    teams = list(
        Team.objects.visible_to(user)
        .filter(committee=committee)
        .select_related("leader")
        .annotate(size=Count("members", filter=Q(members__status=Volunteer.Status.ACTIVE)))
    )
    duties = list(
        Duty.objects.visible_to(user)
        .filter(active_q(), committee=committee)
        .select_related("volunteer", "compound", "building", "household")
        .order_by("kind", "compound__name", "building__sort_key", "household__room")[:500]
    )
    claims = list(
        Claim.objects.visible_to(user)
        .filter(committee=committee, status=Claim.Status.PENDING)
        .select_related("volunteer", "building__compound", "household__building__compound")
    )
    applicants = list(volunteers.filter(status=Volunteer.Status.APPLIED).order_by("created_at"))
    active = volunteers.filter(status=Volunteer.Status.ACTIVE).select_related("team")
    return CommitteeGrid(
        committee=committee,
        teams=teams,
        duties=duties,
        pending_claims=claims,
        applicants=applicants,
        volunteers=list(active[:300]),
        volunteer_count=active.count(),
    )


@dataclass
class Suggestion:
    resident: Resident
    volunteer: Volunteer
    cost: int

    @property
    def nearness(self) -> str:
        from django.utils.translation import gettext as _

        return {1: _("同楼"), 3: _("同小区")}.get(self.cost, _("同居委"))


def pairing_capacity_left(volunteers: QuerySet[Volunteer], capacity: int) -> dict[int, int]:
    counts = dict(
        Pairing.objects.filter(active_q(), volunteer__in=volunteers)
        .order_by()
        .values_list("volunteer_id")
        .annotate(n=Count("pk"))
    )
    return {v: capacity - counts.get(v, 0) for v in volunteers.values_list("pk", flat=True)}


def suggest_pairings(
    user: User | AnonymousUser | None, committee: Committee, capacity: int = DEFAULT_CAPACITY
) -> list[Suggestion]:
    """An optimal set of new pairings for the committee's unpaired special-care residents.

    The solver needs only numbers (ids, places, the skills needed), so the candidates are read
    as values, and only the residents and volunteers of the suggestions as rows: a committee
    has a thousand candidates and a page of suggestions (bench/pairing_suggestions.py)."""
    from linli.duty.coverage import CARED_STATUSES

    tags = Resident.care_tags.through.objects
    paired = Pairing.objects.filter(active_q(), town_id=committee.town_id).values("resident_id")
    candidates = (
        Resident.objects.visible_to(user)
        .filter(
            household__building__compound__committee=committee,
            status__in=CARED_STATUSES,
            pk__in=tags.values("resident_id"),
        )
        .exclude(pk__in=paired)
    )
    rows = list(
        candidates.order_by("id").values_list(
            "id", "household__building__compound_id", "household__building_id"
        )
    )
    needs: dict[int, set[str]] = {}
    for resident_id, code in tags.filter(
        resident__household__building__compound__committee=committee,
        caretag__code__in=list(NEEDS),
    ).values_list("resident_id", "caretag__code"):
        needs.setdefault(resident_id, set()).add(NEEDS[code])
    volunteers_qs = Volunteer.objects.visible_to(user).filter(
        committee=committee, status=Volunteer.Status.ACTIVE
    )
    left = pairing_capacity_left(volunteers_qs, capacity)
    homes = volunteers_qs.values_list(
        "id",
        "resident__household__building__compound_id",
        "resident__household__building_id",
        "skills",
    )
    r_people = [
        Person(pk, committee.pk, compound, building, frozenset(needs.get(pk, ())))
        for pk, compound, building in rows
    ]
    v_people = [
        Person(pk, committee.pk, compound, building, frozenset(skills or ()), left[pk])
        for pk, compound, building, skills in homes
        if left.get(pk, 0) > 0
    ]
    pairs = solve(r_people, v_people)
    # The rows of the suggestions, read through the same gated querysets as the candidates.
    residents = (
        candidates.select_related("household__building")
        .prefetch_related("care_tags")
        .in_bulk([r_people[i].id for i, _j in pairs])
    )
    volunteers = volunteers_qs.in_bulk([v_people[j].id for _i, j in pairs])
    return [
        Suggestion(
            residents[r_people[i].id],
            volunteers[v_people[j].id],
            pair_cost(r_people[i], v_people[j]),
        )
        for i, j in pairs
    ]


def volunteer_detail(user: Any, volunteer: Volunteer) -> dict[str, Any]:
    return {
        "duties": list(
            Duty.objects.visible_to(user)
            .filter(volunteer=volunteer)
            .select_related("committee", "compound", "building", "household")
            .order_by("-starts_at")
        ),
        "pairings": list(
            Pairing.objects.visible_to(user)
            .filter(volunteer=volunteer)
            .select_related("resident__household__building")
        ),
        "claims": list(
            Claim.objects.visible_to(user)
            .filter(volunteer=volunteer)
            .select_related("building__compound", "household__building__compound")
        ),
    }


def building_team(user: User | AnonymousUser | None, building: Building) -> dict[str, Any]:
    """The building's hub section: its building leader and team (1+1+X) serving now, leaders
    first. Shown even when empty: a building without a leader says so."""
    duties = list(
        Duty.objects.visible_to(user)
        .filter(
            active_q(),
            building=building,
            household__isnull=True,
            volunteer__status=Volunteer.Status.ACTIVE,
            kind__in=(Duty.Kind.BUILDING_LEADER, Duty.Kind.BUILDING_TEAM_MEMBER),
        )
        .select_related("volunteer")
        .order_by("kind", "volunteer__name")  # building_leader sorts before building_team_member
    )
    return {
        "duties": duties,
        "has_leader": any(d.kind == Duty.Kind.BUILDING_LEADER for d in duties),
    }


def building_leaders(
    user: User | AnonymousUser | None, buildings: list[Building]
) -> dict[int, tuple[str, str]]:
    """Each building's leader serving now, as (name, phone), for its poster: one query."""
    duties = (
        Duty.objects.visible_to(user)
        .filter(
            active_q(),
            building__in=buildings,
            household__isnull=True,
            kind=Duty.Kind.BUILDING_LEADER,
            volunteer__status=Volunteer.Status.ACTIVE,
        )
        .order_by("-starts_at")
        .values_list("building_id", "volunteer__name", "volunteer__phone")
    )
    leaders: dict[int, tuple[str, str]] = {}
    for building_id, name, phone in duties:
        leaders.setdefault(building_id, (name, phone))
    return leaders
