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
from linli.places.models import Compound
from linli.supplies.models import Supplier

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
