"""A volunteer's status (待审核 → 在岗 → 已退出, and back): the workflow `VOLUNTEER_WORKFLOW`.

Committee or town staff whose scope holds the volunteer's committee approve or reject a
report-in, stand a volunteer down or bring them back, through
`transition(volunteer, to, by=user, reason=..., request=...)`; each move writes a
`VolunteerChange`. Standing down ends the volunteer's duties and pairings (kept as history)
and withdraws their pending claims, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from linli.core.workflow import Change, Workflow, moves, transition
from linli.duty.models import Claim, Duty, Pairing, Volunteer, VolunteerChange
from linli.duty.rules import manages_volunteer
from linli.duty.services import duty_end, pairing_end

S = Volunteer.Status


def _apply(change: Change[Volunteer]) -> Iterable[str]:
    if change.target == S.STOOD_DOWN:
        volunteer, by, now = change.obj, change.by, change.at
        for duty in Duty.objects.active().filter(volunteer=volunteer):
            duty_end(user=by, duty=duty, ends_at=now, note=change.reason or "stood down")
        for pairing in Pairing.objects.active().filter(volunteer=volunteer):
            pairing_end(user=by, pairing=pairing, ends_at=now)
        for claim in Claim.objects.filter(volunteer=volunteer, status=Claim.Status.PENDING):
            transition(claim, Claim.Status.WITHDRAWN, by=by, reason="stood down", system=True)
    return ["updated_at"]


STAFF_ONLY = ("只有本居委或镇街的工作人员可以更改志愿者状态", "staff of the committee only")

VOLUNTEER_WORKFLOW = Workflow(
    name="volunteer",
    model=Volunteer,
    history=VolunteerChange,
    subject="volunteer",
    moves=[
        *moves([S.APPLIED], [S.ACTIVE, S.STOOD_DOWN], manages_volunteer, refusal=STAFF_ONLY),
        *moves([S.ACTIVE], [S.STOOD_DOWN], manages_volunteer, refusal=STAFF_ONLY),
        *moves([S.STOOD_DOWN], [S.ACTIVE], manages_volunteer, refusal=STAFF_ONLY),
    ],
    apply=_apply,
)
