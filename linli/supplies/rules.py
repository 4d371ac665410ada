"""Rules of the supplies app: who may do what with a supplier, a complaint, a worksite's need
and its orders, a group buy, a package round, the shared basket.

Scope (what a user may read) is the access gate's (`Model.objects.visible_to`); these
predicates say what a user may do with a row they already reached. Each part of the app keeps
its predicates and rules in its own block below.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.rules import is_staff, is_town_staff
from linli.core.access import scope_for
from linli.duty.rules import active_volunteer_of, is_active_volunteer, leads_building
from linli.places.models import Building, Compound
from linli.supplies.models import BasketClaim, RoundBuilding, Supplier

# -- suppliers part (issue 11): the registry, complaints, worksites' needs -----------------


def _reaches(
    user: Any, *, town_id: int, committee_id: int | None = None, compound_id: int | None = None
) -> bool:
    scope = scope_for(user)
    if scope.all_towns:
        return True
    return (
        town_id in scope.ids["town"]
        or (committee_id is not None and committee_id in scope.ids["committee"])
        or (compound_id is not None and compound_id in scope.ids["compound"])
    )


@rules.predicate
def runs_town_supplies(user: Any, obj: Any) -> bool:
    """Town staff of the row's town: the street's supply desk, which keeps the supplier
    registry, vets suppliers, resolves complaints and matches worksites with suppliers."""
    if obj is None or not is_town_staff(user):
        return False
    return _reaches(user, town_id=obj.town_id)


@rules.predicate
def records_complaint(user: Any, supplier: Any) -> bool:
    """Staff who see the supplier (town or committee staff) record a complaint against it."""
    if supplier is None or not is_staff(user):
        return False
    return Supplier.objects.visible_to(user).filter(pk=supplier.pk).exists()


@rules.predicate
def answers_for_worksite(user: Any, obj: Any) -> bool:
    """The user answers for the worksite (a compound, or a need or order of one): town staff,
    the committee's staff, or the compound's second secretary: they state its needs and sign
    for its deliveries."""
    if obj is None:
        return False
    if isinstance(obj, Compound):
        town_id, committee_id, compound_id = obj.town_id, obj.committee_id, obj.pk
    else:
        town_id, committee_id, compound_id = obj.town_id, obj.committee_id, obj.compound_id
    return _reaches(user, town_id=town_id, committee_id=committee_id, compound_id=compound_id)


rules.add_perm("supplies.add_supplier", is_town_staff)
rules.add_perm("supplies.change_supplier", runs_town_supplies)
rules.add_perm("supplies.vet_supplier", runs_town_supplies)
rules.add_perm("supplies.add_complaint", records_complaint)
rules.add_perm("supplies.resolve_complaint", runs_town_supplies)
rules.add_perm("supplies.add_worksiteneed", answers_for_worksite)
rules.add_perm("supplies.change_worksiteneed", answers_for_worksite)
rules.add_perm("supplies.match_worksiteneed", runs_town_supplies)
rules.add_perm("supplies.assign_vehiclerequest", runs_town_supplies)


# --- Group buys (团购) --------------------------------------------------------------------


@rules.predicate
def governs_group_buy(user: Any, group_buy: Any) -> bool:
    """Staff whose scope holds the group buy's committee (its committee's staff, town staff):
    they approve, and they act for the committee in every later step."""
    if group_buy is None or not is_staff(user):
        return False
    scope = scope_for(user)
    return (
        scope.all_towns
        or group_buy.committee_id in scope.ids["committee"]
        or group_buy.town_id in scope.ids["town"]
    )


@rules.predicate
def organises(user: Any, group_buy: Any) -> bool:
    """The login is the group buy's organiser (团长), in service."""
    if group_buy is None:
        return False
    volunteer = active_volunteer_of(user)
    return volunteer is not None and volunteer.pk == group_buy.organiser_id


@rules.predicate
def may_organise(user: Any) -> bool:
    """A volunteer in service may propose a group buy (the committee's rules then decide
    whether they are eligible in that compound); staff draft one for an organiser."""
    return bool(is_staff(user)) or active_volunteer_of(user) is not None


@rules.predicate
def governs_committee(user: Any, committee: Any) -> bool:
    """Staff whose scope holds the committee (its rules are theirs to set)."""
    if committee is None or not is_staff(user):
        return False
    scope = scope_for(user)
    return (
        scope.all_towns
        or committee.pk in scope.ids["committee"]
        or committee.town_id in scope.ids["town"]
    )


runs_group_buy = organises | governs_group_buy

rules.add_perm("supplies.add_groupbuy", may_organise)
rules.add_perm("supplies.change_groupbuy", runs_group_buy)
# Ordering for a household: the organiser, the committee, or a volunteer who sees the household
# (a building leader for a neighbour without a phone); the household is fetched through the gate.
rules.add_perm("supplies.order_groupbuy", runs_group_buy | is_active_volunteer)
rules.add_perm("supplies.money_groupbuy", runs_group_buy)
rules.add_perm("supplies.complain_groupbuy", rules.is_authenticated)
rules.add_perm("supplies.change_groupbuyrules", governs_committee)


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
