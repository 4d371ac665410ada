"""Rules of the supplies app: who may do what with a row they already reached through
`visible_to` (the access gate decides what they may read).

Each part of issue 11 keeps its predicates and rules in its own block below.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.rules import is_staff, is_town_staff
from linli.core.access import scope_for
from linli.duty.rules import active_volunteer_of, leads_building
from linli.places.models import Building
from linli.supplies.models import BasketClaim, RoundBuilding

# -- Package rounds and the shared basket (物资发放, 共享菜篮子) --------------------------------


def _reaches_building(user: Any, building: Any) -> bool:
    """The user's scope holds the building, or its compound, committee or town."""
    scope = scope_for(user)
    if scope.all_towns:
        return True
    ids = scope.ids
    return bool(
        building.town_id in ids["town"]
        or building.compound.committee_id in ids["committee"]
        or building.compound_id in ids["compound"]
        or building.pk in ids["building"]
    )


@rules.predicate
def manages_round(user: Any, package_round: Any = None) -> bool:
    """Staff whose scope holds every compound of the round run it (its teams, its status):
    town staff a town's round, a committee's staff a round of their committee only."""
    if not is_staff(user):
        return False
    if package_round is None:
        return bool(is_town_staff(user))
    scope = scope_for(user)
    if scope.all_towns or package_round.town_id in scope.ids["town"]:
        return True
    committees = set(package_round.compounds.values_list("committee_id", flat=True))
    return bool(committees) and committees <= scope.ids["committee"]


@rules.predicate
def staff_of_building(user: Any, obj: Any) -> bool:
    """Town or committee staff whose scope holds the row's building (a round's building, a
    delivery, a basket post or claim, or a building)."""
    if obj is None or not is_staff(user):
        return False
    return _reaches_building(user, _building_of(obj))


@rules.predicate
def leads_building_of(user: Any, obj: Any) -> bool:
    """The user leads (楼组长) the row's building."""
    return obj is not None and bool(leads_building(user, _building_of(obj)))


@rules.predicate
def delivers_to(user: Any, delivery: Any) -> bool:
    """The user serves in the duty team assigned to deliver to the delivery's building."""
    volunteer = active_volunteer_of(user)
    if delivery is None or volunteer is None:
        return False
    assigned = RoundBuilding.objects.filter(
        round_id=delivery.round_id, building_id=delivery.building_id, team__team__isnull=False
    ).values_list("team__team_id", "team__team__leader_id")
    return any(volunteer.team_id == team or volunteer.pk == leader for team, leader in assigned)


def _building_of(obj: Any) -> Building:
    if isinstance(obj, Building):
        return obj
    if isinstance(obj, BasketClaim):
        return obj.post.building
    return obj.building  # type: ignore[no-any-return]


# A delivery is marked by staff of its place, the building's leader, or the assigned team.
marks_delivery = staff_of_building | leads_building_of | delivers_to
# Exceptions (absent, vacant, not on the roster) are resolved by the committee or town.
resolves_delivery = staff_of_building
# Packing a building's packages, assigning its team: staff of the place.
packs_building = staff_of_building
# The building's basket: its slots, closing a post, marking pick-ups and no-shows.
keeps_basket = staff_of_building | leads_building_of

rules.add_perm("supplies.add_packageround", is_staff)
rules.add_perm("supplies.change_packageround", manages_round)
rules.add_perm("supplies.pack_roundbuilding", packs_building)
rules.add_perm("supplies.mark_packagedelivery", marks_delivery)
rules.add_perm("supplies.resolve_packagedelivery", resolves_delivery)
rules.add_perm("supplies.change_basketslots", keeps_basket)
rules.add_perm("supplies.close_basketpost", keeps_basket)
rules.add_perm("supplies.mark_basketclaim", keeps_basket)
