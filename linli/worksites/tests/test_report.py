"""`linli report worksites`: figures worked by hand for three sites of 238, 9 and 40 workers.

Rounds (today T): PCR1 (T-3) over A, B, C and PCR2 (T-2) over A, B, both closed; antigen AG1
(T-1) over B and C, AG2 (T) over A, both open. Not counted: a planned PCR round over A, a
cancelled one over B, and an open round over the residential 香樟苑 alone.
So pcr_rounds = 2, antigen_rounds = 2; rounds per site A 3 (PCR1, PCR2, AG2), B 3 (PCR1, PCR2,
AG1), C 2 (PCR1, AG1).
Latest round's coverage: A AG2 3 of 238 = 0.0126 → 0.013; B AG1 9 of 9 = 1.0; C AG1 30 of
40 = 0.75.
Cases: one in B sampled T-5 (counted), one in A cleared on re-check (not counted), one in
香樟苑 T (not a site): positives 1, days since 5.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.core.workflow import transition
from linli.places.models import Building, Resident
from linli.screening import sampling
from linli.screening import services as screening
from linli.screening.models import Case, Sample, TestRound
from linli.testing.worksites import make_site

pytestmark = pytest.mark.django_db


def _round(s, name: str, kind: str, days_ago: int, compounds: list, status: str) -> TestRound:
    town_staff = s.users["town"]
    round_ = screening.round_create(
        user=town_staff,
        town=s.town,
        name=name,
        kind=kind,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        compounds=compounds,
    )
    if status == "cancelled":
        transition(round_, TestRound.Status.CANCELLED, by=town_staff)
    elif status in ("open", "closed"):
        screening.round_open(user=town_staff, round_=round_)
        if status == "closed":
            transition(round_, TestRound.Status.CLOSED, by=town_staff)
    return round_


def _self_tests(s, round_: TestRound, site, count: int) -> None:
    people = Resident.objects.filter(
        household__building__compound=site, status=Resident.Status.PRESENT
    ).order_by("pk")[:count]
    for person in people:
        sampling.sample_record(
            user=s.users["town"],
            round_=round_,
            resident=person,
            taken_at=timezone.now(),
            source=Sample.Source.SELF,
            result="negative",
        )


def _case(s, site, days_ago: int, status: str = Case.Status.CONFIRMED) -> Case:
    resident = Resident.objects.filter(household__building__compound=site).first()
    assert resident is not None
    return Case.objects.create(
        town=s.town,
        resident=resident,
        building=resident.household.building,
        positive_on=timezone.localdate() - dt.timedelta(days=days_ago),
        status=status,
    )


def report(*args: str) -> str:
    out = StringIO()
    call_command("report", "worksites", "--town", "泗泾镇", *args, stdout=out)
    return out.getvalue()


def test_the_report_counts_sites_workers_rounds_positives_and_coverage(scenario):
    s = scenario
    a = make_site(s, "A工地", 239)
    b = make_site(s, "B工地", 9)
    c = make_site(s, "C工地", 40, committee=s.lishui)
    # One of A's 239 has left: 238 present.
    Resident.objects.filter(
        pk=Resident.objects.filter(household__building__compound=a).first().pk
    ).update(status=Resident.Status.MOVED_OUT)
    assert Building.objects.filter(compound=a).count() == 2  # 160 to a dormitory
    _round(s, "PCR1", "pcr", 3, [a, b, c], "closed")
    _round(s, "PCR2", "pcr", 2, [a, b], "closed")
    ag1 = _round(s, "AG1", "antigen", 1, [b, c], "open")
    ag2 = _round(s, "AG2", "antigen", 0, [a], "open")
    _round(s, "PCR3", "pcr", 0, [a], "planned")
    _round(s, "PCR4", "pcr", 0, [b], "cancelled")
    _round(s, "香樟苑核酸", "pcr", 0, [s.xiangzhang], "open")
    _self_tests(s, ag1, b, 9)
    _self_tests(s, ag1, c, 30)
    _self_tests(s, ag2, a, 3)
    _case(s, b, 5)
    _case(s, a, 1, status=Case.Status.CLEARED)
    _case(s, s.xiangzhang, 0)

    figures = json.loads(report("--format", "json"))
    assert figures == {
        "worksites": 3,
        "workers": 287,
        "largest": 238,
        "smallest": 9,
        "pcr_rounds": 2,
        "antigen_rounds": 2,
        "positives": 1,
        "days_since_last_positive": 5,
        "per_site": [
            {"name": "A工地", "workers": 238, "rounds": 3, "last_round_coverage": 0.013},
            {"name": "B工地", "workers": 9, "rounds": 3, "last_round_coverage": 1.0},
            {"name": "C工地", "workers": 40, "rounds": 2, "last_round_coverage": 0.75},
        ],
    }
    text = report("--format", "text")
    assert "workers: 287" in text and "per_site: (3)" in text
    # Each site a line of its own figures, not a Python dict.
    assert "  - name: C工地, workers: 40, rounds: 2, last_round_coverage: 0.75" in text
    assert "{" not in text


def test_the_report_writes_an_xlsx_with_a_row_per_site(scenario, tmp_path):
    from openpyxl import load_workbook

    make_site(scenario, "E工地", 7)
    make_site(scenario, "F工地", 3)
    out = tmp_path / "worksites.xlsx"
    report("--format", "xlsx", "--output", str(out))
    rows = [tuple(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    # Every cell is text (linli.core.export); no coverage without a round.
    assert ("workers", "10", None, None) in rows
    names = {r[0]: r[1:3] for r in rows}
    assert names["E工地"] == ("7", "0") and names["F工地"] == ("3", "0")


def test_a_town_without_positives_or_rounds_reports_null_days(scenario):
    make_site(scenario, "D工地", 5)
    figures = json.loads(report("--format", "json"))
    assert figures["positives"] == 0 and figures["days_since_last_positive"] is None
    assert figures["per_site"] == [
        {"name": "D工地", "workers": 5, "rounds": 0, "last_round_coverage": None}
    ]
    assert (figures["largest"], figures["smallest"], figures["pcr_rounds"]) == (5, 5, 0)
