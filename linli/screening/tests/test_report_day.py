"""`linli report screening --town NAME [--date D]`: one day's rounds and where the town stands,
the daily briefing's screening part. Counted by hand on the screening scenario: a PCR round
today over 香樟苑 (zhang, li in 1号楼; wang, zhao in 2号楼) and 丽水苑 (chen, liu): 6 expected.

- T1 (10 in 1): wang, zhao, chen → negative;
- T2 (single): liu → positive: a case in 丽水苑 today, which puts 丽水苑 in 封控区 and 香樟苑 in
  防范区;
- T3 (single, 张三丰 is a key group): zhang → no result yet;
- li is not sampled.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.core.workflow import transition
from linli.screening.models import Tube
from linli.testing.rosters import write_roster_xlsx
from linli.testing.screening import open_tube, sample


def _sealed(s, barcode, keys, capacity):
    tube = open_tube(s, barcode, capacity=capacity)
    for key in keys:
        sample(s, key, tube)
    return transition(tube, Tube.Status.SEALED, by=s.users["town"])


@pytest.fixture
def day(scr, tmp_path):
    _sealed(scr, "T1", ["wang", "zhao", "chen"], 10)
    _sealed(scr, "T2", ["liu"], 1)
    _sealed(scr, "T3", ["zhang"], 1)
    # Reported a minute on (the sheet has minutes; the samples were taken seconds ago).
    at = (timezone.localtime() + dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    path = write_roster_xlsx(
        tmp_path / "结果.xlsx",
        [["T1", "松江区疾控中心", "阴性", at], ["T2", "松江区疾控中心", "阳性", at]],
        headers=["采样管条码", "检测机构", "结果", "报告时间"],
        title="核酸检测结果报告",
    )
    call_command("import", "lab-results", str(path), "--town", "泗泾镇", stdout=StringIO())
    return scr


def report(*options):
    out = StringIO()
    call_command(
        "report", "screening", "--town", "泗泾镇", "--format", "json", *options, stdout=out
    )
    return json.loads(out.getvalue())


def test_the_days_figures_for_the_town(day):
    figures = report("--date", day.round.date.isoformat())
    assert figures == {
        "date": day.round.date.isoformat(),
        "rounds": 1,
        "pcr_rounds": 1,
        "antigen_rounds": 0,
        "expected": 6,
        "sampled": 5,
        "missing": 1,
        "positives": 1,
        "tubes": 3,
        "tubes_waiting": 1,
        "cases_new": 1,
        "cases_open": 1,
        "pools_open": 0,
        "zones": {"sealed": 1, "controlled": 0, "precaution": 1},
        "days_since_last_positive": 0,
    }


def test_a_committee_sees_its_own_compounds(day):
    key = ApiToken.issue(day.users["lishui"])
    response = Client(headers={"authorization": f"Bearer {key}"}).get(
        "/api/v1/reports/screening/", {"date": day.round.date.isoformat()}
    )
    assert response.status_code == 200
    figures = response.json()
    # 丽水苑 alone: chen and liu expected and sampled, liu positive; tubes mix committees.
    assert (figures["expected"], figures["sampled"], figures["missing"]) == (2, 2, 0)
    assert (figures["positives"], figures["cases_new"], figures["tubes"]) == (1, 1, None)
    assert figures["zones"] == {"sealed": 1, "controlled": 0, "precaution": 0}


def test_another_day_has_no_rounds(day):
    figures = report("--date", "2020-01-01")
    assert (figures["rounds"], figures["expected"], figures["cases_new"]) == (0, 0, 0)
    # Before any positive: none to count days from.
    assert figures["days_since_last_positive"] is None
