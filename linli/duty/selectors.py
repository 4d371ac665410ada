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
    """An optimal set of new pairings for the committee's unpaired special-care residents."""
    from linli.duty.coverage import CARED_STATUSES, special_resident_ids

    paired = Pairing.objects.filter(active_q(), town_id=committee.town_id).values("resident_id")
    residents = list(
        Resident.objects.visible_to(user)
        .filter(
            household__building__compound__committee=committee,
            status__in=CARED_STATUSES,
            pk__in=sorted(special_resident_ids(committee.town, user)),
        )
        .exclude(pk__in=paired)
        .select_related("household__building")
        .prefetch_related("care_tags")
        .order_by("id")
    )
    volunteers_qs = Volunteer.objects.visible_to(user).filter(
        committee=committee, status=Volunteer.Status.ACTIVE
    )
    left = pairing_capacity_left(volunteers_qs, capacity)
    volunteers = [
        v
        for v in volunteers_qs.select_related("resident__household__building")
        if left.get(v.pk, 0) > 0
    ]
    r_people = [
        Person(
            r.pk,
            committee.pk,
            r.household.building.compound_id,
            r.household.building_id,
            frozenset(NEEDS[t.code] for t in r.care_tags.all() if t.code in NEEDS),
        )
        for r in residents
    ]
    v_people = []
    for v in volunteers:
        home = v.resident.household.building if v.resident is not None else None
        v_people.append(
            Person(
                v.pk,
                committee.pk,
                home.compound_id if home else None,
                home.pk if home else None,
                frozenset(v.skills),
                left[v.pk],
            )
        )
    return [
        Suggestion(residents[i], volunteers[j], pair_cost(r_people[i], v_people[j]))
        for i, j in solve(r_people, v_people)
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
