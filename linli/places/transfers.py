"""Transfer requests (迁入申请): people an import found registered in another committee.

An import acts with the uploader's scope (linli.core.imports): a committee clerk's row naming a
person registered elsewhere in the town never moves them and never says where. The row is held
here; town staff confirm (the move is applied by the kind's own service, which keeps history) or
refuse (nothing changes). Apps add kinds with `register_transfer_kind()`: places moves
residents, the duty app volunteers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.places.models import Resident, TransferRequest
from linli.places.services import resident_move

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

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


def _decide(
    *, user: User, transfer: TransferRequest, status: str, request: HttpRequest | None
) -> TransferRequest:
    locked = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
    if locked.status != TransferRequest.Status.PENDING:
        raise Problem("该申请已经处理过", "this request was already decided")
    if status == TransferRequest.Status.CONFIRMED:
        _appliers[locked.kind](user, locked, request)
    locked.status, locked.decided_by, locked.decided_at = status, user, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"transfer {status}",
        detail={
            "kind": locked.kind,
            "subject": locked.subject_id,
            "from_committee": locked.from_committee_id,
            "to_committee": locked.to_committee_id,
            "status": status,
        },
        request=request,
    )
    return locked


@transaction.atomic
def transfer_confirm(
    *, user: User, transfer: TransferRequest, request: HttpRequest | None = None
) -> TransferRequest:
    """Apply the held move through the kind's service (which records the person's history)."""
    return _decide(
        user=user, transfer=transfer, status=TransferRequest.Status.CONFIRMED, request=request
    )


@transaction.atomic
def transfer_refuse(
    *, user: User, transfer: TransferRequest, request: HttpRequest | None = None
) -> TransferRequest:
    """Leave everything as it is; the request is closed."""
    return _decide(
        user=user, transfer=transfer, status=TransferRequest.Status.REFUSED, request=request
    )


def _move_resident(user: User, transfer: TransferRequest, request: HttpRequest | None) -> None:
    resident = Resident.objects.filter(pk=transfer.subject_id, town_id=transfer.town_id).first()
    if resident is None or transfer.to_household is None:
        raise Problem("该居民已不在登记中", "the resident is no longer registered")
    resident_move(
        user=user, resident=resident, to_household=transfer.to_household, note=NOTE, request=request
    )


register_transfer_kind(TransferRequest.Kind.RESIDENT, _move_resident)
