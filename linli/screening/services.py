"""Writes of the screening app's rounds: creating a round over compounds, opening it (which
seeds its coverage counters), exemptions. The desk's tubes are in `desk.py`, samples in
`sampling.py`, results in `results.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.places.models import CareTag, Compound, Resident, Town
from linli.screening import counters
from linli.screening.models import Exemption, TestRound

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User


@transaction.atomic
def round_create(
    *,
    user: User | None,
    town: Town,
    name: str,
    kind: str,
    date: dt.date,
    compounds: Sequence[Compound],
    single_tube_tags: Sequence[CareTag] = (),
    note: str = "",
    request: HttpRequest | None = None,
) -> TestRound:
    """A planned round over `compounds` (residential compounds and worksites of the town)."""
    name = name.strip()
    if not name:
        raise Problem("请填写轮次名称", "the round needs a name")
    if kind not in TestRound.Kind.values:
        raise Problem(f"未知检测类型：{kind}", f"unknown kind {kind!r}")
    if not compounds:
        raise Problem("请至少选择一个小区或工地", "choose at least one compound or worksite")
    if any(c.town_id != town.pk for c in compounds):
        raise Problem("小区不在本镇", "a compound is not in this town")
    try:
        with transaction.atomic():
            round_ = TestRound.objects.create(
                town=town,
                name=name,
                kind=kind,
                date=date,
                note=note,
                created_by=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:
        raise Problem(f"已有同名轮次：{name}", f"a round named {name!r} exists") from None
    round_.compounds.set(compounds)
    round_.single_tube_tags.set(single_tube_tags)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=round_,
        summary=f"{name} {kind} {date} ({len(compounds)})",
        request=request,
    )
    return round_


@transaction.atomic
def round_open(
    *, user: User | None, round_: TestRound, request: HttpRequest | None = None
) -> TestRound:
    """Open a round for sampling: its counters are seeded from the roster as it stands."""
    transition(round_, TestRound.Status.OPEN, by=user, request=request)
    counters.seed(round_)
    return round_


@transaction.atomic
def exemption_add(
    *,
    user: User | None,
    round_: TestRound,
    resident: Resident,
    reason: str,
    request: HttpRequest | None = None,
) -> Exemption:
    """Take a resident off a round's expected list, with the reason (away, in hospital, a
    case). Once per resident and round."""
    reason = reason.strip()
    if not reason:
        raise Problem("请填写免检原因", "an exemption needs a reason")
    if round_.status not in (TestRound.Status.PLANNED, TestRound.Status.OPEN):
        raise Problem("本轮已结束", "the round is over")
    building_id = resident.household.building_id
    exemption, created = Exemption.objects.get_or_create(
        round=round_,
        resident=resident,
        defaults={
            "building_id": building_id,
            "reason": reason,
            "created_by": user if user is not None and user.is_authenticated else None,
        },
    )
    if not created:
        raise Problem("此人本轮已免检", "already exempted in this round")
    counters.add_exempt(round_.pk, building_id)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=round_,
        summary=f"{round_.name}: {reason}",
        detail={"resident_id": resident.pk},
        request=request,
    )
    return exemption
