"""What duties and pairings add to a login's scope (a provider of the access gate).

Only duties and pairings in force now count, and only while the volunteer is active; the gate
asks on every request, so a change of duty takes effect on the next one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linli.accounts.rules import is_staff
from linli.core.access import FieldAccess, Scope
from linli.duty.models import Duty, Pairing, Volunteer, active_q

if TYPE_CHECKING:
    from linli.accounts.models import User


def duty_scope(user: User, scope: Scope) -> None:
    """Add the places a volunteer answers for, and the residents paired with them."""
    mine = {"volunteer__user_id": user.pk, "volunteer__status": Volunteer.Status.ACTIVE}
    duties = Duty.objects.filter(active_q(), **mine).values_list(
        "kind", "committee_id", "compound_id", "building_id", "household_id"
    )
    residents = list(
        Pairing.objects.filter(active_q(), **mine).values_list("resident_id", flat=True)
    )
    granted = bool(residents)
    oversees = False  # answers for a whole compound or committee
    scope.add("resident", residents)
    for kind, committee_id, compound_id, building_id, household_id in duties:
        granted = True
        if kind == Duty.Kind.SECOND_SECRETARY:
            oversees = True
            if compound_id is not None:
                scope.add("compound", [compound_id])
            else:
                scope.add("committee", [committee_id])
        elif kind == Duty.Kind.NEIGHBOUR_KEEPER:
            scope.add("household", [household_id])
        else:
            scope.add("building", [building_id])
    if not granted or is_staff(user):
        # Field access is per login, not per place: a staff login that also holds a duty keeps
        # its masked-and-audited reveal, or every number of its committee would show in full.
        return
    if oversees:
        # A second secretary sees a compound or a whole committee: numbers stay masked there,
        # each one revealed on demand and audited, as for committee staff.
        scope.widen(phone=FieldAccess.REVEALABLE, id_number=FieldAccess.MASKED)
    else:
        # A building leader, neighbour keeper or paired volunteer calls the few people they
        # look after, but never needs their ID number.
        scope.widen(phone=FieldAccess.FULL, id_number=FieldAccess.MASKED)
