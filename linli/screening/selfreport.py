"""Antigen self-tests reported on a phone (抗原结果上报), through the building's self-service
door (its poster's token): the resident gives their room, picks a member of the household
(names masked), the result and the time. A proxy (the building's team or the staff over it,
logged in) reports for the residents they see. Each report goes through the one sample writer
(source SELF or PROXY); a positive opens a case in re-check (a PCR re-check follows)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.places.models import Building, Resident
from linli.screening.models import Case, Result, Sample, TestRound

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

EARLIEST = dt.timedelta(days=1)  # a test may be reported from the day before the round's date


def open_antigen_round(building: Building) -> TestRound | None:
    """The open antigen round covering the building (the latest, if several)."""
    return (
        TestRound.objects.filter(
            town_id=building.town_id,
            kind=TestRound.Kind.ANTIGEN,
            status=TestRound.Status.OPEN,
            compounds=building.compound_id,
        )
        .order_by("-date", "-id")
        .first()
    )


def household_members(building: Building, room: str) -> list[Resident]:
    """The living residents of a room of the building ([] when there is no such room)."""
    return list(
        Resident.objects.filter(
            household__building=building,
            household__room=room.strip(),
            status__in=(Resident.Status.PRESENT, Resident.Status.AWAY),
        ).order_by("id")
    )


@transaction.atomic
def antigen_report(
    *,
    user: User | None,
    round_: TestRound,
    resident: Resident,
    result: str,
    tested_at: dt.datetime,
    proxy: bool,
    request: HttpRequest | None = None,
) -> tuple[Sample, bool]:
    """Record one antigen self-test (the resident's own, or a proxy's for them)."""
    from linli.screening.cases import case_open
    from linli.screening.sampling import sample_record

    if result not in (Result.NEGATIVE, Result.POSITIVE):
        raise Problem("请选择阴性或阳性", "choose negative or positive")
    now = timezone.now()
    if tested_at > now + dt.timedelta(minutes=5):
        raise Problem("检测时间不能晚于现在", "the test time is in the future")
    if timezone.localdate(tested_at) < round_.date - EARLIEST:
        raise Problem("检测时间早于本轮日期", "the test time is before the round")
    sample, created = sample_record(
        user=user if proxy else None,
        round_=round_,
        resident=resident,
        taken_at=tested_at,
        source=Sample.Source.PROXY if proxy else Sample.Source.SELF,
        result=result,
    )
    if created:
        if sample.result == Result.POSITIVE:
            case_open(
                user=user if proxy else None,
                sample=sample,
                status=Case.Status.RECHECKING,
                note="抗原阳性，待核酸复核",
            )
        audit(
            user=user if proxy else None,
            action=AuditEntry.Action.CREATE,
            target=round_,
            summary=f"{'proxy' if proxy else 'self'} {result}",
            detail={"resident_id": resident.pk},
            request=request,
            town_id=round_.town_id,
        )
    return sample, created
