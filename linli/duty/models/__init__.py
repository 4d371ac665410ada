"""The responsibility grid: volunteers, teams, duties (包干), claims (认领), pairings (结对).

Split by concern; import from here (`from linli.duty.models import Duty`), not from the
modules: volunteers.py (volunteers and their status history, teams, report-in links, the
querysets' shared helpers), duties.py (duties, claims and their history), pairings.py.
"""

from linli.duty.models.duties import Claim, ClaimChange, ClaimQuerySet, Duty, DutyQuerySet
from linli.duty.models.pairings import Pairing, PairingQuerySet
from linli.duty.models.volunteers import (
    HeldQuerySet,
    ReportInLink,
    Team,
    TeamQuerySet,
    Volunteer,
    VolunteerChange,
    VolunteerQuerySet,
    active_q,
    own_volunteer,
)

__all__ = [
    "Claim",
    "ClaimChange",
    "ClaimQuerySet",
    "Duty",
    "DutyQuerySet",
    "HeldQuerySet",
    "Pairing",
    "PairingQuerySet",
    "ReportInLink",
    "Team",
    "TeamQuerySet",
    "Volunteer",
    "VolunteerChange",
    "VolunteerQuerySet",
    "active_q",
    "own_volunteer",
]
