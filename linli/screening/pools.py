"""Positive pools (混管阳性): a pooled tube found positive flags its members (kept in place,
原地管控) in a follow-up; each member is retested single-tube at home (a door sample with the
reason 混管阳性复核 into a capacity-1 tube, whose lab result lands through the lab import), or
the retest's result is entered when a lab reports it. A member found positive becomes a case;
the follow-up closes itself (a system move) once every member has a result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict, transition
from linli.screening import counters
from linli.screening.models import PoolFollowUp, PoolMember, Result, Sample, Tube

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

RETEST_REASON = "混管阳性复核"
F = PoolFollowUp.Status


def pool_flag(*, tube: Tube, samples: Iterable[Sample], at: dt.datetime) -> PoolFollowUp:
    """Open the follow-up of a positive pooled tube: one member per sample, kept in place from
    `at` (call inside the transaction that marks the samples pool_positive)."""
    follow_up, _ = PoolFollowUp.objects.get_or_create(
        tube=tube, defaults={"round_id": tube.round_id, "town_id": tube.town_id, "flagged_at": at}
    )
    have = set(follow_up.members.values_list("sample_id", flat=True))
    PoolMember.objects.bulk_create(
        [
            PoolMember(
                follow_up=follow_up,
                sample=s,
                resident_id=s.resident_id,
                building_id=s.building_id,
                kept_in_place_at=at,
            )
            for s in samples
            if s.pk not in have
        ]
    )
    return follow_up


def _retest_tube(member: PoolMember, barcode: str, user: User | None) -> Tube:
    barcode = barcode.strip()
    if not barcode:
        raise Problem("请扫描复核采样管条码", "scan the retest tube's barcode")
    follow_up = member.follow_up
    tube = Tube.objects.filter(town_id=follow_up.town_id, barcode=barcode).first()
    if tube is None:
        try:
            with transaction.atomic():
                tube = Tube.objects.create(
                    round_id=follow_up.round_id,
                    town_id=follow_up.town_id,
                    barcode=barcode[:40],
                    capacity=Tube.Capacity.SINGLE,
                    opened_by=user if user is not None and user.is_authenticated else None,
                )
        except IntegrityError:
            raise Conflict("条码刚被使用", "the barcode was just used") from None
    if tube.capacity != Tube.Capacity.SINGLE or tube.round_id != follow_up.round_id:
        raise Problem("复核须用本轮的单管（1人管）", "a retest needs a single tube of the round")
    return tube


@transaction.atomic
def retest_sample(
    *,
    user: User | None,
    member: PoolMember,
    barcode: str,
    taken_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Sample:
    """Sample a pool member single-tube at home (上门单采): through the one sample writer, as
    the next attempt with the reason 混管阳性复核; the tube is sealed at once."""
    from linli.screening.sampling import sample_record

    member = (
        PoolMember.objects.select_for_update(of=("self",))
        .select_related("follow_up")
        .get(pk=member.pk)
    )
    if member.result != Result.PENDING:
        raise Conflict("此人已有复核结果", "this member already has a retest result")
    if member.retest_id is not None:
        raise Conflict("此人已采复核样", "this member's retest sample is already taken")
    tube = _retest_tube(member, barcode, user)
    sample, _ = sample_record(
        user=user,
        round_=member.follow_up.round,
        resident=member.resident,
        taken_at=taken_at or timezone.now(),
        source=Sample.Source.DOOR,
        tube=tube,
        reason=RETEST_REASON,
    )
    transition(tube, Tube.Status.SEALED, by=user, reason=RETEST_REASON, system=True)
    Tube.objects.filter(pk=tube.pk).update(sealed_at=timezone.now())
    PoolMember.objects.filter(pk=member.pk).update(retest=sample)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=member.follow_up,
        summary=f"retest {tube.barcode}",
        request=request,
    )
    return sample


@transaction.atomic
def member_result(
    *,
    user: User | None,
    member: PoolMember,
    result: str,
    at: dt.datetime | None = None,
    request: HttpRequest | None = None,
    audited: bool = True,
) -> PoolMember:
    """A member's retest result (entered when the lab reports it, or from the retest tube's
    lab result): the pool sample takes it; positive → counted and a case; the follow-up closes
    when every member has one. Entering the same result again changes nothing."""
    if result not in (Result.NEGATIVE, Result.POSITIVE):
        raise Problem("复核结果应为阴性或阳性", "a retest result is negative or positive")
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise Problem("时间不能晚于现在", "the time is in the future")
    member = (
        PoolMember.objects.select_for_update(of=("self",))
        .select_related("follow_up", "sample", "retest")
        .get(pk=member.pk)
    )
    if member.result == result:
        return member
    if member.result != Result.PENDING:
        raise Conflict("此人已有不同的复核结果", "this member already has another result")
    member.result, member.result_at = result, at
    member.save(update_fields=["result", "result_at"])
    pool_sample = member.sample
    Sample.objects.filter(pk=pool_sample.pk).update(result=result, result_at=at)
    pool_sample.result = result
    if result == Result.POSITIVE:
        from linli.screening.cases import case_open

        counters.add_positive(pool_sample)
        case_open(user=user, sample=member.retest or pool_sample, note=RETEST_REASON)
    if audited:
        audit(
            user=user,
            action=AuditEntry.Action.UPDATE,
            target=member.follow_up,
            summary=f"member {member.pk}: {result}",
            request=request,
        )
    close_if_done(member.follow_up, user=user)
    return member


def close_if_done(follow_up: PoolFollowUp, *, user: User | None) -> bool:
    """Close the follow-up (a system move) when no member is waiting for a result."""
    if follow_up.status != F.OPEN:
        return False
    if follow_up.members.filter(result=Result.PENDING).exists():
        return False
    transition(follow_up, F.CLOSED, by=user, reason="每名成员均有复核结果", system=True)
    PoolFollowUp.objects.filter(pk=follow_up.pk).update(closed_at=timezone.now())
    return True


def retests_resulted(*, user: User | None, town_id: int) -> int:
    """Members whose retest tube has a lab result take it (after a lab import)."""
    done = 0
    waiting = PoolMember.objects.filter(
        follow_up__town_id=town_id,
        result=Result.PENDING,
        retest__tube__result__in=[Result.NEGATIVE, Result.POSITIVE],
    ).select_related("retest__tube")
    for member in waiting:
        assert member.retest is not None and member.retest.tube is not None
        member_result(
            user=user,
            member=member,
            result=member.retest.tube.result,
            at=member.retest.tube.resulted_at,
            audited=False,
        )
        done += 1
    return done


def hours_open(follow_up: PoolFollowUp, now: dt.datetime | None = None) -> int:
    """Whole hours since the pool was flagged."""
    return int(((now or timezone.now()) - follow_up.flagged_at).total_seconds() // 3600)
