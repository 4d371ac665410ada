"""Rules of the screening app: who may do what with a test round, a sampling desk, a tube, a
result, a pool's follow-up, a case, a zone.

Scope (what a user may read) is the access gate's (`Model.objects.visible_to`); these
predicates say what a user may do with a row they already reached. Each part keeps its
predicates and rules in its own block below.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.rules import is_committee_staff, is_staff, is_town_staff
from linli.core.access import scope_for
from linli.duty.rules import active_volunteer_of
from linli.screening.models import SamplingPoint, TestRound

# -- shared: the town's screening office, and who works a round's desks ----------------------


@rules.predicate
def runs_screening(user: Any, obj: Any) -> bool:
    """Town staff of the row's town (a round, tube, case, compound …): they plan rounds,
    import samples and results, follow pools and cases, and own the zones."""
    if obj is None or not is_town_staff(user):
        return False
    scope = scope_for(user)
    return scope.all_towns or obj.town_id in scope.ids["town"]


def _round_of(obj: Any) -> TestRound | None:
    if isinstance(obj, TestRound):
        return obj
    round_id = getattr(obj, "round_id", None)
    return TestRound.objects.filter(pk=round_id).first() if round_id else None


def _committee_covers(user: Any, round_: TestRound) -> bool:
    return (
        is_committee_staff(user)
        and user.committee_id is not None
        and round_.compounds.filter(committee_id=user.committee_id).exists()
    )


@rules.predicate
def works_round(user: Any, obj: Any) -> bool:
    """Who works a round's desks (a round, point or tube): the town's screening office, the
    staff of a committee with a compound in the round, and volunteers posted at one of its
    points."""
    round_ = _round_of(obj)
    if round_ is None or round_.status != TestRound.Status.OPEN:
        return False
    if runs_screening(user, round_) or _committee_covers(user, round_):
        return True
    volunteer = active_volunteer_of(user)
    if volunteer is None:
        return False
    points = SamplingPoint.objects.filter(round=round_, volunteers=volunteer)
    if isinstance(obj, SamplingPoint):
        points = points.filter(pk=obj.pk)
    return points.exists()


@rules.predicate
def oversees_round(user: Any, obj: Any) -> bool:
    """Who follows a round's coverage and lists (in any status): the town's screening office
    and the staff of a committee with a compound in the round."""
    round_ = _round_of(obj)
    return round_ is not None and (runs_screening(user, round_) or _committee_covers(user, round_))


rules.add_perm("screening.add_testround", is_town_staff)
rules.add_perm("screening.change_testround", runs_screening)
rules.add_perm("screening.sample_testround", works_round)
rules.add_perm("screening.view_coverage", oversees_round)

# -- coverage part --

# The zone board (分区管控看板) and the zero-infection streaks: town and committee staff, each
# seeing the compounds of their scope.
rules.add_perm("screening.view_zoneboard", is_staff)

# -- results part --------------------------------------------------------------------------


@rules.predicate
def staff_of_building(user: Any, building: Any) -> bool:
    """Town staff of the building's town, or staff of its committee."""
    if building is None or user is None or not user.is_authenticated:
        return False
    if is_town_staff(user):
        scope = scope_for(user)
        return scope.all_towns or building.town_id in scope.ids["town"]
    return (
        is_committee_staff(user)
        and user.committee_id is not None
        and building.compound.committee_id == user.committee_id
    )


@rules.predicate
def answers_for_building(user: Any, building: Any) -> bool:
    """Who reports antigen results for a building's residents (代为上报): its building team
    (the leader, 楼组长, and members) and the staff over it."""
    from linli.duty.rules import is_on_building_team

    return bool(is_on_building_team(user, building)) or bool(staff_of_building(user, building))


# A pool's follow-up (its round's overseers record retests and their results), a case's moves
# (the office), antigen reports for a building's residents.
rules.add_perm("screening.change_poolfollowup", oversees_round)
rules.add_perm("screening.change_case", runs_screening)
rules.add_perm("screening.report_antigen", answers_for_building)
