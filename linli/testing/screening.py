"""Test rounds on top of the grid scenario (issue 12), for every screening test.

`build_screening_scenario(s)` adds s.round: a PCR round today over 香樟苑 (新凯五村) and 丽水苑
(丽水), open, with s.point (香樟苑采样点, in 香樟苑, where volunteer erin is posted) and time
slots for 香樟苑 1号楼 (07:00–08:00) and 2号楼 (08:00–09:00) as s.slots["b1"], s.slots["b2"];
key groups (独居老人) are sampled in single tubes. The six residents of the base scenario are
all present: 香樟苑 1号楼 has 2 (zhang, li), 2号楼 2 (wang, zhao), 丽水苑 1号楼 2 (chen, liu).
`open_tube()` opens a tube as the desk would, `sample()` scans a person into it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from linli.places.models import CareTag
from linli.screening import sampling, services
from linli.screening.models import Sample, SamplingPoint, TestRound, TimeSlot, Tube
from linli.testing.scenario import Scenario


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime at a wall-clock time of the town's (Shanghai) day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build_screening_scenario(s: Scenario) -> Scenario:
    """Needs `build_grid_scenario(s)` first."""
    today = timezone.localdate()
    town_staff = s.users["town"]
    round_ = services.round_create(
        user=town_staff,
        town=s.town,
        name="第1轮核酸",
        kind=TestRound.Kind.PCR,
        date=today,
        compounds=[s.xiangzhang, s.lishuiyuan],
        single_tube_tags=list(CareTag.objects.filter(town=None, name="独居老人")),
    )
    point = SamplingPoint.objects.create(
        round=round_, town=s.town, compound=s.xiangzhang, name="香樟苑采样点", desks=2
    )
    point.volunteers.add(s.volunteers["erin"])
    s.slots = {  # type: ignore[attr-defined]
        "b1": TimeSlot.objects.create(
            round=round_,
            point=point,
            building=s.b1,
            starts_at=at_local(today, 7),
            ends_at=at_local(today, 8),
        ),
        "b2": TimeSlot.objects.create(
            round=round_,
            point=point,
            building=s.b2,
            starts_at=at_local(today, 8),
            ends_at=at_local(today, 9),
        ),
    }
    services.round_open(user=town_staff, round_=round_)
    round_.refresh_from_db()
    s.round = round_  # type: ignore[attr-defined]
    s.point = point  # type: ignore[attr-defined]
    return s


def open_tube(s: Scenario, barcode: str, capacity: int = 10, **kwargs: Any) -> Tube:
    """A tube opened at s.point's desk 1 (what the desk's "new tube" scan leaves)."""
    return Tube.objects.create(
        round=kwargs.pop("round", s.round),  # type: ignore[attr-defined]
        town=s.town,
        point=kwargs.pop("point", s.point),  # type: ignore[attr-defined]
        barcode=barcode,
        capacity=capacity,
        **kwargs,
    )


def sample(
    s: Scenario, key: str, tube: Tube, *, at: dt.datetime | None = None, reason: str = ""
) -> Sample:
    """Scan resident `key` into `tube` at the desk, as the town's staff."""
    found, _ = sampling.sample_record(
        user=s.users["town"],
        round_=tube.round,
        resident=s.residents[key],
        taken_at=at or timezone.now(),
        source=Sample.Source.DESK,
        tube=tube,
        reason=reason,
    )
    return found
