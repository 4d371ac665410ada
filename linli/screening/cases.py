"""Cases (病例): a confirmed positive opened from a lab result or a pool member's retest, an
antigen positive opened in re-check (an antigen positive needs a PCR re-check), and the office's
moves through CASE_WORKFLOW (re-check, transfer with its destination, cleared, recovered). Each
change of who counts as a positive recomputes the zones from the case's day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.screening.models import Case, CaseChange, Sample

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

C = Case.Status
ACTIVE = (C.CONFIRMED, C.RECHECKING, C.TRANSFERRED)


def case_open(
    *,
    user: User | None,
    sample: Sample,
    status: str = C.CONFIRMED,
    note: str = "",
    recompute: bool = True,
) -> tuple[Case, bool]:
    """Open the case of a positive sample (call inside the transaction that marks it positive).
    A resident with an active case keeps it (returns it, created=False). The case counts from
    the day the sample was taken (a late result back-dates the zones)."""
    existing = (
        Case.objects.filter(town_id=sample.town_id, resident_id=sample.resident_id)
        .filter(status__in=ACTIVE)
        .first()
    )
    if existing is not None:
        return existing, False
    by = user if user is not None and user.is_authenticated else None
    case = Case.objects.create(
        town_id=sample.town_id,
        resident_id=sample.resident_id,
        building_id=sample.building_id,
        sample=sample,
        positive_on=timezone.localdate(sample.taken_at),
        status=status,
        note=note[:300],
        created_by=by,
    )
    CaseChange.objects.create(
        case=case, from_status="", to_status=status, by=by, at=timezone.now(), reason=note[:300]
    )
    if recompute:
        from linli.screening.zones import zones_recompute

        zones_recompute(town=case.town, since=case.positive_on, user=user)
    return case, True


@transaction.atomic
def case_move(
    *,
    user: User | None,
    case: Case,
    to: str,
    destination: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Case:
    """Move a case (the office): a transfer names where to (医院/方舱); clearing a case (the
    re-check was negative) takes its positive out of the zones, recomputed from its day."""
    destination = destination.strip()
    if to == C.TRANSFERRED and not destination:
        raise Problem("转运须填写去向（医院或方舱）", "a transfer needs its destination")
    moved = transition(case, to, by=user, reason=reason or destination, request=request)
    if to == C.TRANSFERRED:
        Case.objects.filter(pk=case.pk).update(transferred_to=destination[:100])
        case.transferred_to = moved.transferred_to = destination[:100]
    if to == C.CLEARED:
        from linli.screening.zones import zones_recompute

        zones_recompute(
            town=case.town, since=case.positive_on, today=today, user=user, request=request
        )
    return moved
