"""The role predicates of the rule book (docs/architecture.md, "Rules"), named once.

A login's role is coarse: town staff, committee staff or volunteer. What a volunteer may do
comes from their duties, pairings and team memberships, which the apps owning those concepts
name in their own `rules.py` (`linli/duty/rules.py`, `linli/care/rules.py`); a new role is a
new membership there, not a new flag on `User`. Rules (`app.verb_model`) combine these
predicates; `user.has_perm("app.verb_model", obj)` asks them (a superuser may do anything).
"""

from __future__ import annotations

from typing import Any

import rules

from linli.accounts.models import User


@rules.predicate
def is_town_staff(user: Any) -> bool:
    """Staff of a town or street office, or a superuser (the whole town or every town)."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or (user.role == User.Role.TOWN_STAFF and user.town_id))


@rules.predicate
def is_committee_staff(user: Any) -> bool:
    """Staff of a neighbourhood committee."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.role == User.Role.COMMITTEE_STAFF)


@rules.predicate
def is_staff(user: Any) -> bool:
    """Town or committee staff (or a superuser): who manages the registry and the grid."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.role in (User.Role.TOWN_STAFF, User.Role.COMMITTEE_STAFF))


@rules.predicate
def is_volunteer(user: Any) -> bool:
    """A volunteer's login (its scope comes from duties and pairings)."""
    return bool(user is not None and user.is_authenticated and user.role == User.Role.VOLUNTEER)


# The audit log is the town office's: a superuser reads all of it, town staff their town's.
rules.add_perm("core.view_auditentry", is_town_staff)
