"""Rules of the worksites app: who may do what with a site, its transport requests, permits
and crews.

Who answers for a site: town staff (the street's worksite desk), the staff of the site's
committee, and the site's person in charge when they have a login. A person in charge gets
that login as the compound's second secretary (第二书记, a `duty.Duty` on the site), which
gives them the site's scope like any second secretary: no new role. The town alone approves
transport and issues or revokes permits.

Scope (what a user may read) is the access gate's (`Model.objects.visible_to`); these
predicates say what a user may do with a row they already reached.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.rules import is_town_staff
from linli.core.access import scope_for
from linli.places.models import Compound


def _site_ids(obj: Any) -> tuple[int, int, int]:
    """(town, committee, compound) of a site or of a row of one."""
    if isinstance(obj, Compound):
        return obj.town_id, obj.committee_id, obj.pk
    return obj.town_id, obj.committee_id, obj.compound_id


@rules.predicate
def runs_worksites(user: Any, obj: Any) -> bool:
    """Town staff of the row's town: they approve closed-loop transport and issue and revoke
    permits."""
    if obj is None or not is_town_staff(user):
        return False
    scope = scope_for(user)
    return scope.all_towns or obj.town_id in scope.ids["town"]


@rules.predicate
def answers_for_site(user: Any, obj: Any) -> bool:
    """The user answers for the site (a compound of kind worksite, or a row of one): town staff,
    the site committee's staff, or the site's person in charge (its second secretary)."""
    if obj is None or user is None or not user.is_authenticated:
        return False
    town_id, committee_id, compound_id = _site_ids(obj)
    scope = scope_for(user)
    return bool(
        scope.all_towns
        or town_id in scope.ids["town"]
        or committee_id in scope.ids["committee"]
        or compound_id in scope.ids["compound"]
    )


rules.add_perm("worksites.view_worksite", answers_for_site)
rules.add_perm("worksites.change_worksite", answers_for_site)
rules.add_perm("worksites.add_transportrequest", answers_for_site)
rules.add_perm("worksites.decide_transportrequest", runs_worksites)
rules.add_perm("worksites.issue_permit", runs_worksites)
rules.add_perm("worksites.revoke_permit", runs_worksites)
rules.add_perm("worksites.add_crewloan", answers_for_site)
