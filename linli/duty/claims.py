"""Claims (认领): a volunteer asks to answer for an uncovered building or household; committee
staff approve or refuse. Every status change goes through `linli.core.workflow.transition()`
with the table `CLAIM_WORKFLOW`, which writes a `ClaimChange` history row.

Two approvals of claims on the same place cannot both succeed: approval locks the place's row
(select_for_update) and re-checks that nobody answers for it, and a partial unique index on
approved claims refuses a second one in the database itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Change, Conflict, Workflow, moves, transition
from linli.duty.models import Claim, ClaimChange, Duty, Volunteer
from linli.duty.rules import decides_claim, is_claimant
from linli.duty.services import duty_assign
from linli.places.models import Building, Household

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

S = Claim.Status


def place_is_covered(place: Building | Household) -> bool:
    """Somebody answers for the place now: a building leader, or a household's keeper.

    A household in a building that has a leader is still claimable: under "1+1+X" party
    members keep neighbours inside led buildings. The lists volunteers claim from show only the
    gaps (rooms of buildings nobody leads); this check guards against a second keeper."""
    if isinstance(place, Building):
        return Duty.objects.active().filter(kind=Duty.Kind.BUILDING_LEADER, building=place).exists()
    return Duty.objects.active().filter(kind=Duty.Kind.NEIGHBOUR_KEEPER, household=place).exists()


@transaction.atomic
def claim_create(
    *,
    user: User | None,
    volunteer: Volunteer,
    place: Building | Household,
    request: HttpRequest | None = None,
) -> Claim:
    """A volunteer claims an uncovered building (to lead it) or household (to keep it)."""
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise Conflict("志愿者不在岗（待审核或已退出）", "the volunteer is not active")
    building = place.building if isinstance(place, Household) else place
    committee_id = building.compound.committee_id
    if committee_id != volunteer.committee_id:
        raise Problem("只能认领本居委的楼栋或住户", "claims are for places of your own committee")
    if place_is_covered(place):
        raise Conflict("该处已有人负责", "somebody already answers for this place")
    field = "household" if isinstance(place, Household) else "building"
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                town_id=volunteer.town_id,
                committee_id=committee_id,
                volunteer=volunteer,
                **{field: place},
            )
    except IntegrityError:  # a pending claim of this volunteer on this place exists
        raise Conflict(
            "已提交过认领，请等待审核", "you already claimed this place; wait for a decision"
        ) from None
    ClaimChange.objects.create(claim=claim, by=user, from_status="", to_status=S.PENDING)
    audit(
        user=user, action=AuditEntry.Action.CREATE, target=claim, summary="claim", request=request
    )
    return claim


def _apply(change: Change[Claim]) -> list[str]:
    """Approval locks the place, checks nobody answers for it and creates the duty."""
    claim, to = change.obj, change.target
    if to == S.APPROVED:
        claim.duty = duty_assign(
            user=change.by,
            volunteer=claim.volunteer,
            kind=claim.kind,
            place=_locked_place(claim),
            note=f"claim {claim.pk}",
            request=change.request,
        )
    if to in (S.APPROVED, S.REFUSED):
        claim.decided_at, claim.decided_by = change.at, change.by
    return ["decided_at", "decided_by", "duty"]


def _after(change: Change[Claim]) -> None:
    """An approved claim refuses the other pending claims on its place."""
    if change.target != S.APPROVED:
        return
    claim = change.obj
    others = Claim.objects.filter(status=S.PENDING).exclude(pk=claim.pk)
    if claim.building_id is not None:
        others = others.filter(building_id=claim.building_id)
    elif claim.household_id is not None:
        others = others.filter(household_id=claim.household_id)
    for other in others:
        transition(
            other, S.REFUSED, by=change.by, reason="已由他人认领 (claimed by another)", system=True
        )


def _locked_place(claim: Claim) -> Building | Household:
    """The claim's place, locked, nobody answering for it."""
    place: Building | Household
    if claim.building_id is not None:
        place = Building.objects.select_for_update().get(pk=claim.building_id)
    else:
        assert claim.household_id is not None  # the claim_one_place constraint
        place = (
            Household.objects.select_for_update(of=("self",))
            .select_related("building")
            .get(pk=claim.household_id)
        )
    if place_is_covered(place):
        raise Conflict("该处已有人负责", "somebody already answers for this place")
    return place


CLAIM_WORKFLOW = Workflow(
    name="claim",
    model=Claim,
    history=ClaimChange,
    subject="claim",
    moves=[
        *moves(
            [S.PENDING],
            [S.APPROVED, S.REFUSED],
            decides_claim,
            refusal=("只有居委工作人员可以审核认领", "committee staff decide claims"),
        ),
        *moves(
            [S.APPROVED],
            [S.ENDED],
            decides_claim,
            refusal=("只有居委工作人员可以审核认领", "committee staff decide claims"),
        ),
        *moves(
            [S.PENDING],
            [S.WITHDRAWN],
            is_claimant,
            refusal=("只能撤回自己的认领", "you can withdraw only your own claims"),
        ),
    ],
    related=("volunteer",),
    apply=_apply,
    after=_after,
    clash=("该处已被他人认领", "another claim on this place was approved"),
)
