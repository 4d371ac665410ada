"""Zones from the days since a compound's last positive, with a fake clock (`today`): ≤ 7
days sealed, 8–14 controlled, > 14 precaution; the boundaries worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core.models import AuditEntry
from linli.screening import cases
from linli.screening.models import Case, Zone, ZoneAssignment
from linli.screening.zones import RULESET, zone_of, zones_recompute

pytestmark = pytest.mark.django_db
D = dt.date(2022, 4, 1)


def positive(s, key, day):
    r = s.residents[key]
    return Case.objects.create(
        town=s.town, resident=r, building=r.household.building, positive_on=day
    )


def zones(compound, days):
    return [zone_of(compound, D + dt.timedelta(days=n)).zone for n in days]


def test_a_positive_seals_for_7_days_controls_to_day_14_then_precaution(scr):
    s = scr
    positive(s, "wang", D)  # 香樟苑
    zones_recompute(town=s.town, since=D, today=D + dt.timedelta(days=30))
    # Days since: 0 and 7 sealed; 8 and 14 controlled; 15 precaution.
    assert zones(s.xiangzhang, [0, 7, 8, 14, 15, 30]) == [
        Zone.SEALED, Zone.SEALED, Zone.CONTROLLED, Zone.CONTROLLED, Zone.PRECAUTION,
        Zone.PRECAUTION,
    ]  # fmt: skip
    first = zone_of(s.xiangzhang, D)
    assert first.release_on == dt.date(2022, 4, 9) and first.ruleset == RULESET
    assert first.last_positive_on == D
    assert zone_of(s.xiangzhang, dt.date(2022, 4, 9)).release_on == dt.date(2022, 4, 16)
    assert zone_of(s.xiangzhang, dt.date(2022, 4, 16)).release_on is None
    # 丽水苑 had no positive: precaution throughout.
    assert zones(s.lishuiyuan, [0, 10]) == [Zone.PRECAUTION, Zone.PRECAUTION]
    assert list(
        ZoneAssignment.objects.filter(compound=s.xiangzhang).values_list("effective_from", "zone")
    ) == [
        (dt.date(2022, 4, 1), "sealed"),
        (dt.date(2022, 4, 9), "controlled"),
        (dt.date(2022, 4, 16), "precaution"),
    ]


def test_a_back_dated_positive_rewrites_history_and_is_audited(scr):
    s = scr
    positive(s, "wang", D)
    zones_recompute(town=s.town, since=D, today=D + dt.timedelta(days=30))
    # A late result: a positive taken on day 10 (controlled then), found on day 20.
    positive(s, "li", D + dt.timedelta(days=10))
    changed = zones_recompute(
        town=s.town, since=D + dt.timedelta(days=10), today=D + dt.timedelta(days=30)
    )
    assert changed == 1
    # Day 9 stays controlled; day 10 (0 days since) sealed to day 17; 18–24 controlled; 25 on.
    assert zones(s.xiangzhang, [9, 10, 17, 18, 24, 25]) == [
        Zone.CONTROLLED, Zone.SEALED, Zone.SEALED, Zone.CONTROLLED, Zone.CONTROLLED,
        Zone.PRECAUTION,
    ]  # fmt: skip
    assert zone_of(s.xiangzhang, D + dt.timedelta(days=10)).release_on == dt.date(2022, 4, 19)
    entry = AuditEntry.objects.filter(action="update", summary__startswith="zones from").first()
    assert entry is not None and str(s.xiangzhang.pk) in entry.detail["changed"]
    assert (
        zones_recompute(
            town=s.town, since=D + dt.timedelta(days=10), today=D + dt.timedelta(days=30)
        )
        == 0
    )


def test_a_cleared_case_no_longer_counts(scr):
    s = scr
    case = positive(s, "chen", D)  # 丽水苑
    zones_recompute(town=s.town, since=D, today=D + dt.timedelta(days=3))
    assert zones(s.lishuiyuan, [0, 3]) == [Zone.SEALED, Zone.SEALED]
    cases.case_move(user=s.users["town"], case=case, to=Case.Status.RECHECKING)
    cases.case_move(
        user=s.users["town"], case=case, to=Case.Status.CLEARED, today=D + dt.timedelta(days=3)
    )
    assert zones(s.lishuiyuan, [0, 3]) == [Zone.PRECAUTION, Zone.PRECAUTION]
