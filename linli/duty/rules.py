"""Rules of the responsibility grid: who manages a committee's grid, decides claims, answers
for a building, is on a team.

Scope (what a user may read) is the access gate's; these predicates say what a user may do
with a row they already reached through `visible_to`. A volunteer's powers come from their
duties and team memberships, never from a flag on the login.
"""

from __future__ import annotations

from typing import Any, cast

import rules
from django.db.models import Q

from linli.accounts.rules import is_staff
from linli.duty.models import Claim, Duty, Team, Volunteer
from linli.places.models import Building, Committee


def _volunteer_duties(user: Any, kinds: tuple[str, ...]) -> Any:
    return Duty.objects.active().filter(
        kind__in=kinds, volunteer__user_id=user.pk, volunteer__status=Volunteer.Status.ACTIVE
    )


@rules.predicate
def sees_committee(user: Any, obj: Committee | Claim | Volunteer | None) -> bool:
    """The committee (or a claim's or a volunteer's committee) is in the user's scope."""
    if obj is None:
        return False
    committee_id = obj.pk if isinstance(obj, Committee) else obj.committee_id
    return Committee.objects.visible_to(user).filter(pk=committee_id).exists()


@rules.predicate
def is_claimant(user: Any, claim: Claim | None) -> bool:
    """The volunteer who claimed (withdraws their own claim)."""
    if claim is None or user is None or not user.is_authenticated:
        return False
    return bool(claim.volunteer.user_id == user.pk)


def active_volunteer_of(user: Any) -> Volunteer | None:
    """The login's volunteer record in service, if any (memoised on the user object, which
    lives one request, like the gate's scope)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_active_volunteer"):
        found = Volunteer.objects.filter(user_id=user.pk, status=Volunteer.Status.ACTIVE).first()
        setattr(user, "_active_volunteer", found)  # noqa: B010
    return cast("Volunteer | None", user._active_volunteer)


@rules.predicate
def is_active_volunteer(user: Any) -> bool:
    """The login has a volunteer record in service (claims, errands)."""
    return active_volunteer_of(user) is not None


@rules.predicate
def leads_building(user: Any, building: Building | None) -> bool:
    """The user's volunteer is the building's leader (楼组长) now."""
    if building is None or user is None or not user.is_authenticated:
        return False
    kinds = (Duty.Kind.BUILDING_LEADER,)
    return _volunteer_duties(user, kinds).filter(building_id=building.pk).exists()


@rules.predicate
def is_on_building_team(user: Any, building: Building | None) -> bool:
    """The user's volunteer is on the building's "1+1+X" team (its leader or a member)."""
    if building is None or user is None or not user.is_authenticated:
        return False
    kinds = (Duty.Kind.BUILDING_LEADER, Duty.Kind.BUILDING_TEAM_MEMBER)
    return _volunteer_duties(user, kinds).filter(building_id=building.pk).exists()


@rules.predicate
def is_on_team(user: Any, team: Team | None) -> bool:
    """The user's volunteer serves in the service team (服务小组), as a member or its leader."""
    if team is None or user is None or not user.is_authenticated:
        return False
    active = Volunteer.Status.ACTIVE
    mine = Volunteer.objects.filter(user_id=user.pk, status=active)
    leader = [team.leader_id] if team.leader_id is not None else []
    return mine.filter(Q(team_id=team.pk) | Q(pk__in=leader)).exists()


# Committee or town staff whose scope holds the committee run its grid and decide its claims.
manages_committee = is_staff & sees_committee
decides_claim = is_staff & sees_committee
manages_volunteer = is_staff & sees_committee  # VOLUNTEER_WORKFLOW's moves

rules.add_perm("duty.manage_committee", manages_committee)
rules.add_perm("duty.decide_claim", decides_claim)
rules.add_perm("duty.withdraw_claim", is_claimant)
rules.add_perm("duty.add_claim", is_active_volunteer)
rules.add_perm("duty.change_volunteer", is_staff)
rules.add_perm("duty.end_duty", is_staff)
rules.add_perm("duty.add_pairing", is_staff)
