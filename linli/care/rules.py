"""Rules of help requests: who supervises one, who owns it, who may take it on.

These predicates are the `who` of `HELP_REQUEST_WORKFLOW`'s moves (linli/care/workflow.py) and
the rules the pages and the API ask (`user.has_perm("care.assign_helprequest", help_request)`),
always of a help request the user reached through `visible_to`.
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.rules import is_staff, is_town_staff
from linli.care.models import HelpRequest
from linli.core.access import scope_for
from linli.duty.rules import active_volunteer_of as volunteer_of
from linli.duty.rules import is_active_volunteer, leads_building


@rules.predicate
def supervises(user: Any, help_request: HelpRequest | None) -> bool:
    """The user answers for the help request's place: its building leader, the compound's or
    committee's second secretary, committee or town staff."""
    if help_request is None:
        return False
    scope = scope_for(user)
    if scope.all_towns:
        return True
    building = help_request.household.building
    if (
        help_request.town_id in scope.ids["town"]
        or building.compound.committee_id in scope.ids["committee"]
        or building.compound_id in scope.ids["compound"]
    ):
        return True
    # The building level of the scope also holds "1+1+X" team members, who help with errands
    # but do not supervise: only the building's leader does.
    return building.pk in scope.ids["building"] and bool(leads_building(user, building))


@rules.predicate
def owns(user: Any, help_request: HelpRequest | None) -> bool:
    """The user is the help request's owner, or in (or leading) the team that owns it."""
    volunteer = volunteer_of(user)
    if volunteer is None or help_request is None:
        return False
    if help_request.owner_volunteer_id == volunteer.pk:
        return True
    team = help_request.owner_team
    return team is not None and (team.pk == volunteer.team_id or team.leader_id == volunteer.pk)


@rules.predicate
def is_unowned(user: Any, help_request: HelpRequest | None) -> bool:
    return help_request is not None and help_request.owner_volunteer_id is None


supervises_or_owns = supervises | owns
# Besides its owner and supervisors, anyone else who may see an unowned help request (a
# neighbour keeper, a paired volunteer) may take it on.
may_take = supervises_or_owns | (is_unowned & is_active_volunteer)

rules.add_perm("care.take_helprequest", may_take)
rules.add_perm("care.work_helprequest", supervises_or_owns)
rules.add_perm("care.cancel_helprequest", supervises)
rules.add_perm("care.assign_helprequest", supervises)
rules.add_perm("care.link_helprequest", supervises_or_owns)
rules.add_perm("care.view_town_queue", is_town_staff)
rules.add_perm("care.print_selfservicelink", is_staff)
