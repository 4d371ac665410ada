"""Claims (认领): a volunteer asks to answer for an uncovered building or household; committee
staff approve or refuse. Every status change goes through `claim_transition()`, which refuses
moves not in `CLAIM_MOVES` and writes a `ClaimChange` history row.

Two approvals of claims on the same place cannot both succeed: approval locks the place's row
(select_for_update) and re-checks that nobody answers for it, and a partial unique index on
approved claims refuses a second one in the database itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.duty.models import Claim, ClaimChange, Duty, Volunteer
from linli.duty.services import duty_assign
from linli.places.models import Building, Committee, Household

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from linli.accounts.models import User

S = Claim.Status
CLAIM_MOVES: dict[str, set[str]] = {
    S.PENDING: {S.APPROVED, S.REFUSED, S.WITHDRAWN},
    S.APPROVED: {S.ENDED},
    S.REFUSED: set(),
    S.WITHDRAWN: set(),
    S.ENDED: set(),
}
# Moves made by committee staff; the rest by the volunteer who claimed.
STAFF_MOVES = {S.APPROVED, S.REFUSED, S.ENDED}


def place_is_covered(place: Building | Household) -> bool:
    """Somebody answers for the place now: a building leader, or a household's keeper.

    A household in a building that has a leader is still claimable: under "1+1+X" party
    members keep neighbours inside led buildings. The lists volunteers claim from show only the
    gaps (rooms of buildings nobody leads); this check guards against a second keeper."""
    if isinstance(place, Building):
        return Duty.objects.active().filter(kind=Duty.Kind.BUILDING_LEADER, building=place).exists()
    return Duty.objects.active().filter(kind=Duty.Kind.NEIGHBOUR_KEEPER, household=place).exists()


def may_decide(user: User | AnonymousUser | None, committee_id: int) -> bool:
    """Committee or town staff whose scope holds the committee approve its claims."""
    if user is None or not user.is_authenticated or not getattr(user, "is_staff_role", False):
        return False
    return Committee.objects.visible_to(user).filter(pk=committee_id).exists()


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
        raise Problem("志愿者不在岗（待审核或已退出）", "the volunteer is not active")
    building = place.building if isinstance(place, Household) else place
    committee_id = building.compound.committee_id
    if committee_id != volunteer.committee_id:
        raise Problem("只能认领本居委的楼栋或住户", "claims are for places of your own committee")
    if place_is_covered(place):
        raise Problem("该处已有人负责", "somebody already answers for this place")
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
        raise Problem(
            "已提交过认领，请等待审核", "you already claimed this place; wait for a decision"
        ) from None
    ClaimChange.objects.create(claim=claim, changed_by=user, from_status="", to_status=S.PENDING)
    audit(
        user=user, action=AuditEntry.Action.CREATE, target=claim, summary="claim", request=request
    )
    return claim


@transaction.atomic
def claim_transition(
    *,
    user: User | None,
    claim: Claim,
    to: str,
    note: str = "",
    force: bool = False,
    request: HttpRequest | None = None,
) -> Claim:
    """Move a claim to `to`. Approval creates the duty; other pending claims on the place are
    refused. `force` is for moves the system makes (a volunteer stood down, a duty ended)."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if to not in CLAIM_MOVES.get(locked.status, set()):
        raise Problem(
            f"认领不能从“{locked.get_status_display()}”改为该状态",
            f"a claim cannot go from {locked.status} to {to}",
        )
    if not force:
        if to in STAFF_MOVES:
            if not may_decide(user, locked.committee_id):
                raise PermissionDenied(
                    "只有居委工作人员可以审核认领 (committee staff decide claims)"
                )
        elif user is None or locked.volunteer.user_id != user.pk:
            raise PermissionDenied("只能撤回自己的认领 (you can withdraw only your own claims)")
    if to == S.APPROVED:
        _approve(user=user, claim=locked, request=request)
    from_status = locked.status
    locked.status = to
    if to in (S.APPROVED, S.REFUSED):
        locked.decided_at = timezone.now()
        locked.decided_by = user
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "decided_at", "decided_by", "duty"])
    except IntegrityError:
        raise Problem("该处已被他人认领", "another claim on this place was approved") from None
    ClaimChange.objects.create(
        claim=locked, changed_by=user, from_status=from_status, to_status=to, note=note[:200]
    )
    claim.status, claim.duty = locked.status, locked.duty
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"claim {to}",
        detail={"from": from_status, "to": to},
        request=request,
    )
    if to == S.APPROVED:
        others = Claim.objects.filter(status=S.PENDING).exclude(pk=locked.pk)
        if locked.building_id is not None:
            others = others.filter(building_id=locked.building_id)
        elif locked.household_id is not None:
            others = others.filter(household_id=locked.household_id)
        for other in others:
            claim_transition(
                user=user,
                claim=other,
                to=S.REFUSED,
                note="已由他人认领 (claimed by another)",
                force=True,
            )
    return locked


def _approve(*, user: User | None, claim: Claim, request: HttpRequest | None) -> None:
    """Lock the place, check nobody answers for it, and create the duty."""
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
        raise Problem("该处已有人负责", "somebody already answers for this place")
    claim.duty = duty_assign(
        user=user,
        volunteer=claim.volunteer,
        kind=claim.kind,
        place=place,
        note=f"claim {claim.pk}",
        request=request,
    )
