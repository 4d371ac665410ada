"""Transfer requests (迁入申请): people an import found registered in another committee.

An import acts with the uploader's scope (linli.core.imports): a committee clerk's row naming a
person registered elsewhere in the town never moves them and never says where. The row is held
here; town staff confirm (the move is applied by the kind's own service, which keeps history) or
refuse (nothing changes), through `transition()` with `TRANSFER_WORKFLOW`. Apps add kinds with
`register_transfer_kind()`: places moves residents, the duty app volunteers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from linli.accounts.models import User
from linli.core.validators import Problem
from linli.core.workflow import Change, Workflow, moves
from linli.places.models import Resident, TransferRequest, TransferRequestChange
from linli.places.rules import decides_transfers
from linli.places.services import resident_move

if TYPE_CHECKING:
    from django.http import HttpRequest

Applier = Callable[["User", TransferRequest, "HttpRequest | None"], None]
_appliers: dict[str, Applier] = {}
NOTE = "跨居委迁入，镇/街道确认 (moved from another committee, confirmed by the town)"


def register_transfer_kind(kind: str, apply: Applier) -> None:
    """How a confirmed transfer of this kind is applied (called from AppConfig.ready)."""
    _appliers[kind] = apply


def pending_subjects(town_id: int, kind: str) -> set[tuple[int, int]]:
    """(subject id, committee) pairs already awaiting the town: an import held twice is one."""
    rows = TransferRequest.objects.filter(
        town_id=town_id, kind=kind, status=TransferRequest.Status.PENDING
    )
    return set(rows.values_list("subject_id", "to_committee_id"))


def transfers_hold(requests: Iterable[TransferRequest]) -> None:
    """Store held rows (inside an import's transaction; the import's one audit entry counts
    them), skipping any already awaiting the town."""
    requests = list(requests)
    if not requests:
        return
    first = requests[0]
    pending = pending_subjects(first.town_id, first.kind)
    fresh = {(r.subject_id, r.to_committee_id): r for r in requests}
    TransferRequest.objects.bulk_create(
        [r for key, r in fresh.items() if key not in pending], batch_size=500
    )


def _apply(change: Change[TransferRequest]) -> list[str]:
    """A confirmed transfer is applied by its kind's service (which keeps the person's
    history); a refused one changes nothing."""
    transfer = change.obj
    if change.target == TransferRequest.Status.CONFIRMED:
        _appliers[transfer.kind](change.by, transfer, change.request)
    transfer.decided_by, transfer.decided_at = change.by, change.at
    return ["decided_by", "decided_at"]


def _detail(change: Change[TransferRequest]) -> dict[str, object]:
    transfer = change.obj
    return {
        "kind": transfer.kind,
        "subject": transfer.subject_id,
        "from_committee": transfer.from_committee_id,
        "to_committee": transfer.to_committee_id,
    }


TRANSFER_WORKFLOW = Workflow(
    name="transfer",
    model=TransferRequest,
    history=TransferRequestChange,
    subject="transfer",
    moves=moves(
        [TransferRequest.Status.PENDING],
        [TransferRequest.Status.CONFIRMED, TransferRequest.Status.REFUSED],
        decides_transfers,
        refusal=("只有镇/街道工作人员可以处理迁入申请", "town staff decide transfers"),
    ),
    apply=_apply,
    detail=_detail,
)


def _move_resident(user: User, transfer: TransferRequest, request: HttpRequest | None) -> None:
    resident = Resident.objects.filter(pk=transfer.subject_id, town_id=transfer.town_id).first()
    if resident is None or transfer.to_household is None:
        raise Problem("该居民已不在登记中", "the resident is no longer registered")
    resident_move(
        user=user, resident=resident, to_household=transfer.to_household, note=NOTE, request=request
    )


register_transfer_kind(TransferRequest.Kind.RESIDENT, _move_resident)
