"""Who a notice reaches: fixed when it is sent (a `Receipt` each), never recomputed.

Volunteers are reached through their logins: an active volunteer (在岗) with a login counts; one
without a login or stood down does not. By scope:

- town (全镇): every such volunteer of the town;
- committee (居委): the volunteers registered with the committee, and those holding a duty in
  it or paired with a resident living in it (a neighbour committee's cadre posted here);
- compound (小区) and worksite (工地, a compound of kind worksite): the volunteers holding a
  duty in it (its second secretary, its buildings' leaders, team members and neighbour
  keepers) and those paired with a resident living in it;
- building (楼栋): its leader and building team, its neighbour keepers, and the volunteers
  paired with its residents (not the compound's second secretary: send to the compound);
- team (服务小组): its members and its leader;
- duty kind (某类志愿者): the holders of a duty of that kind in the notice's committee (or,
  town-wide, the town): e.g. every building leader of a committee.

A volunteer is counted under the building of their duty or pairing in the scope (the first
found: a building duty before a pairing), or under no building.

Households (居民户), when the notice is for residents: every household of the scope's buildings
(a worksite's dormitory rooms included, registered residents or not); a team or a kind of
volunteer has no households, so such a notice cannot be for residents.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from linli.duty.models import Duty, Pairing, Volunteer
from linli.duty.models.volunteers import active_q
from linli.notices.models import Notice
from linli.places.models import Building, Household

Scope = Notice.Scope


def _place_q(notice: Notice, prefix: str) -> Q:
    """Rows whose place (buildings reached by `prefix`, "" for Building itself) is in scope."""
    if notice.scope == Scope.TOWN:
        return Q(**{f"{prefix}town_id": notice.town_id})
    if notice.scope == Scope.COMMITTEE:
        return Q(**{f"{prefix}compound__committee_id": notice.committee_id})
    if notice.scope in (Scope.COMPOUND, Scope.WORKSITE):
        return Q(**{f"{prefix}compound_id": notice.compound_id})
    if notice.scope == Scope.BUILDING:
        return Q(**{f"{prefix}pk" if not prefix else f"{prefix[:-2]}_id": notice.building_id})
    return Q(pk__in=[])


def volunteers(notice: Notice) -> dict[int, tuple[int, int | None]]:
    """volunteer id → (login id, building counted under) of the notice's volunteer recipients."""
    found: dict[int, int | None] = {}
    duties = Duty.objects.filter(active_q(), town_id=notice.town_id)
    pairings = Pairing.objects.filter(active_q(), town_id=notice.town_id)
    extra = Volunteer.objects.none()
    if notice.scope == Scope.DUTY_KIND:
        duties = duties.filter(kind=notice.duty_kind)
        if notice.committee_id:
            duties = duties.filter(committee_id=notice.committee_id)
        pairings = pairings.none()
    elif notice.scope == Scope.TEAM:
        assert notice.team is not None
        duties, pairings = duties.none(), pairings.none()
        members = Q(team_id=notice.team_id)
        if notice.team.leader_id:
            members |= Q(pk=notice.team.leader_id)
        extra = Volunteer.objects.filter(members)
    else:
        duties = duties.filter(_duty_q(notice))
        pairings = pairings.filter(_place_q(notice, "resident__household__building__"))
        if notice.scope == Scope.TOWN:
            extra = Volunteer.objects.filter(town_id=notice.town_id)
        elif notice.scope == Scope.COMMITTEE:
            extra = Volunteer.objects.filter(committee_id=notice.committee_id or 0)
    for volunteer_id, building_id in duties.order_by("building_id").values_list(
        "volunteer_id", "building_id"
    ):
        if found.get(volunteer_id) is None:
            found[volunteer_id] = building_id
    for volunteer_id, building_id in pairings.values_list(
        "volunteer_id", "resident__household__building_id"
    ):
        if found.get(volunteer_id) is None:
            found[volunteer_id] = building_id
    for volunteer_id in extra.values_list("pk", flat=True):
        found.setdefault(volunteer_id, None)
    logins = dict(
        Volunteer.objects.filter(
            pk__in=list(found),
            town_id=notice.town_id,
            status=Volunteer.Status.ACTIVE,
            user__isnull=False,
            user__is_active=True,
        ).values_list("pk", "user_id")
    )
    return {pk: (user_id, found[pk]) for pk, user_id in logins.items()}


def _duty_q(notice: Notice) -> Q:
    if notice.scope == Scope.TOWN:
        return Q(town_id=notice.town_id)
    if notice.scope == Scope.COMMITTEE:
        return Q(committee_id=notice.committee_id)
    if notice.scope in (Scope.COMPOUND, Scope.WORKSITE):
        return Q(compound_id=notice.compound_id)
    if notice.scope == Scope.BUILDING:
        return Q(building_id=notice.building_id)
    return Q(pk__in=[])


def buildings(notice: Notice) -> Any:
    """The scope's buildings (none for a team or a kind of volunteer)."""
    if notice.scope in (Scope.TEAM, Scope.DUTY_KIND):
        return Building.objects.none()
    if notice.scope == Scope.BUILDING:
        return Building.objects.filter(pk=notice.building_id or 0)
    return Building.objects.filter(_place_q(notice, ""))


def households(notice: Notice) -> list[tuple[int, int]]:
    """(household id, building id) of the households a notice for residents reaches."""
    return list(
        Household.objects.filter(building__in=buildings(notice).values("pk"))
        .order_by("building_id", "pk")
        .values_list("pk", "building_id")
    )
