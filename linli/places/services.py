"""Writes to the place registry. Keyword-only, transactional, audited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.places.models import Committee, Household, Resident, ResidentChange

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

# The same list is seeded by migration places 0002.
BUILTIN_CARE_TAGS = [
    ("living_alone", "独居老人"),
    ("aged_80_plus", "高龄老人"),
    ("disabled", "残疾人"),
    ("chronic_illness", "慢性病"),
    ("dialysis", "血透"),
    ("pregnant", "孕产妇"),
    ("serious_illness", "重病"),
    ("mental_disorder", "精神障碍"),
    ("low_income", "低保"),
]


@transaction.atomic
def resident_move(
    *,
    user: User | None,
    resident: Resident,
    to_household: Household,
    note: str = "",
    request: HttpRequest | None = None,
) -> ResidentChange:
    """Move a resident to another household, keeping the old address in history."""
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    change = ResidentChange.objects.create(
        town_id=locked.town_id,
        resident=locked,
        changed_by=user,
        from_household_id=locked.household_id,
        to_household=to_household,
        note=note,
    )
    locked.household = to_household
    locked.save(update_fields=["household", "updated_at"])
    resident.household = to_household
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="move",
        detail={"from_household": change.from_household_id, "to_household": to_household.pk},
        request=request,
    )
    return change


@transaction.atomic
def resident_set_status(
    *,
    user: User | None,
    resident: Resident,
    status: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ResidentChange:
    """Change a resident's status (present, away, moved out, deceased), keeping history."""
    if status not in Resident.Status.values:
        raise ValueError(f"unknown status {status!r}")
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    change = ResidentChange.objects.create(
        town_id=locked.town_id,
        resident=locked,
        changed_by=user,
        from_status=locked.status,
        to_status=status,
        note=note,
    )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    resident.status = status
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="status",
        detail={"from": change.from_status, "to": status},
        request=request,
    )
    return change


_HOTLINE = re.compile(r"^[0-9+()（） -]{0,30}$")


@transaction.atomic
def committee_set_hotline(
    *, user: User, committee: Committee, hotline: str, request: HttpRequest | None = None
) -> Committee:
    """The committee's office number (居委热线), printed on its posters; empty removes it. An
    office number, not a person's: it is public, and not masked."""
    hotline = " ".join(hotline.split())
    if not _HOTLINE.match(hotline):
        raise Problem("热线号码只能包含数字、空格和 -", "a hotline holds digits, spaces and -")
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    before = locked.hotline
    locked.hotline = hotline
    locked.save(update_fields=["hotline"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="committee hotline set",
        detail={"from": before, "to": hotline},
        request=request,
    )
    return locked
