"""The one writer of samples (`sample_record`): the desk's scan, a door-to-door sample, an
imported sheet's row and a self-reported antigen test all land through it, so one sample per
person per round, tube capacity and the coverage counters hold whatever the door."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from linli.core.validators import Problem
from linli.core.workflow import Conflict
from linli.screening import counters
from linli.screening.models import Result, Sample, SamplingPoint, TestRound, TimeSlot, Tube

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.places.models import Resident

S = Sample.Source
TUBE_SOURCES = {S.DESK, S.DOOR, S.IMPORT}
REPORTED = {Result.NEGATIVE, Result.POSITIVE}


def _slot_for(round_id: int, building_id: int, at: dt.datetime) -> int | None:
    return (
        TimeSlot.objects.filter(
            round_id=round_id, building_id=building_id, starts_at__lte=at, ends_at__gt=at
        )
        .values_list("pk", flat=True)
        .first()
    )


def _check_round(round_: TestRound, source: str) -> None:
    allowed = [TestRound.Status.OPEN]
    if source == S.IMPORT:  # sampling done elsewhere may be entered after the round closes
        allowed.append(TestRound.Status.CLOSED)
    if round_.status not in allowed:
        raise Conflict("本轮不在采样中", "the round is not taking samples")


def _check_tube(tube: Tube, round_: TestRound, resident: Resident) -> None:
    if tube.round_id != round_.pk:
        raise Problem("采样管不属于本轮", "the tube belongs to another round")
    if tube.status != Tube.Status.OPEN:
        raise Conflict("采样管已封管", "the tube is sealed")
    if tube.filled >= tube.capacity:
        raise Conflict(
            f"采样管已满（{tube.capacity} 人），请封管换新管",
            f"the tube is full ({tube.capacity}): seal it and open a new one",
        )
    if (
        tube.capacity != Tube.Capacity.SINGLE
        and round_.single_tube_tags.filter(pk__in=resident.care_tags.all()).exists()
    ):
        raise Problem("重点人群须单管单检", "key groups are sampled in single tubes")


@transaction.atomic
def sample_record(
    *,
    user: User | None,
    round_: TestRound,
    resident: Resident,
    taken_at: dt.datetime,
    source: str,
    tube: Tube | None = None,
    point: SamplingPoint | None = None,
    result: str = "",
    reason: str = "",
) -> tuple[Sample, bool]:
    """Record that `resident` was sampled (PCR: into `tube`) or self-tested (antigen: with
    `result`). Returns (sample, created): a repeat of the same sample (the same tube, or the
    same reported result; a weak connection's second submit) is the first one, not created.
    A second sample of the person in the round needs a `reason` (a resample), else Conflict.
    Callers check the actor's rule first; this checks the round, the tube and the person."""
    _check_round(round_, source)
    reason = reason.strip()
    if round_.kind == TestRound.Kind.PCR:
        if tube is None or source not in TUBE_SOURCES:
            raise Problem("核酸采样须扫采样管", "a PCR sample needs a tube")
        tube = Tube.objects.select_for_update().get(pk=tube.pk)
    else:
        if tube is not None:
            raise Problem("抗原自测不用采样管", "an antigen self-test has no tube")
        if result not in REPORTED:
            raise Problem(
                "请填写抗原结果：阴性或阳性", "give the antigen result: negative or positive"
            )
    previous = Sample.objects.filter(round=round_, resident=resident).order_by("-attempt").first()
    if previous is not None:
        same = (
            previous.tube_id == tube.pk
            if tube is not None
            else previous.result == result and not reason
        )
        if same:
            return previous, False
        if not reason:
            raise Conflict(
                "此人本轮已采样；重采请填写原因",
                "already sampled in this round: a resample needs a reason",
            )
    if tube is not None:
        _check_tube(tube, round_, resident)
    building_id = resident.household.building_id
    attempt = (
        Sample.objects.filter(round=round_, resident=resident).aggregate(n=Max("attempt"))["n"] or 0
    ) + 1
    sample = Sample(
        round=round_,
        town_id=round_.town_id,
        resident=resident,
        building_id=building_id,
        tube=tube,
        point=point or (tube.point if tube is not None else None),
        slot_id=_slot_for(round_.pk, building_id, taken_at),
        attempt=attempt,
        reason=reason if attempt > 1 else "",
        source=source,
        taken_at=taken_at,
        result=result or Result.PENDING,
        result_at=taken_at if result else None,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    try:
        with transaction.atomic():
            sample.save()
    except IntegrityError:
        # Another desk saved this person's sample first (a double scan racing itself).
        again = Sample.objects.filter(round=round_, resident=resident, attempt=attempt).first()
        if again is not None and (again.tube_id == sample.tube_id):
            return again, False
        raise Conflict("此人刚被采样", "this person was just sampled") from None
    if tube is not None:
        Tube.objects.filter(pk=tube.pk).update(filled=F("filled") + 1)
        tube.filled += 1
    if attempt == 1:
        counters.add_sampled(round_.pk, building_id)
    if sample.result == Result.POSITIVE:
        counters.add_positive(sample)
    return sample, True
