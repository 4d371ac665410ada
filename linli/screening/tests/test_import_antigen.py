"""`linli import antigen-results FILE --town NAME --round NAME [--date D]`: self-tests from a
sheet (openpyxl, in the test); a positive opens a case in re-check."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.core.imports import run_import as engine
from linli.screening import services
from linli.screening.models import Case, CoverageCount, Sample, TestRound
from linli.testing.rosters import write_roster_xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["身份证号", "姓名", "结果", "时间"]


@pytest.fixture
def antigen(scr):
    round_ = services.round_create(
        user=scr.users["town"],
        town=scr.town,
        name="抗原自测第1轮",
        kind=TestRound.Kind.ANTIGEN,
        date=timezone.localdate(),
        compounds=[scr.xiangzhang, scr.lishuiyuan],
    )
    return services.round_open(user=scr.users["town"], round_=round_)


def sheet(tmp_path, rows, name="抗原.xlsx"):
    return write_roster_xlsx(tmp_path / name, rows, headers=HEADERS, title="抗原自测汇总")


def test_self_tests_land_with_a_positive_in_recheck_and_a_reimport_changes_nothing(
    scr, antigen, tmp_path
):
    r = scr.residents
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    path = sheet(
        tmp_path,
        [
            [r["wang"].id_number, "王建国", "阴性", "07:30"],
            [r["zhao"].id_number, "赵丽华", "阳性", "07:45"],
            [r["chen"].id_number, "陈国强", "阴性", ""],
        ],
    )
    out = StringIO()
    call_command(
        "import", "antigen-results", str(path), "--town", "泗泾镇", "--round", antigen.name,
        "--date", yesterday.isoformat(), stdout=out,
    )  # fmt: skip
    samples = {x.resident.name: x for x in Sample.objects.filter(round=antigen)}
    assert {k: v.result for k, v in samples.items()} == {
        "王建国": "negative",
        "赵丽华": "positive",
        "陈国强": "negative",
    }
    wang = timezone.localtime(samples["王建国"].taken_at)
    assert (wang.date(), wang.hour, wang.minute) == (yesterday, 7, 30)
    case = Case.objects.get()
    assert case.resident == r["zhao"] and case.status == Case.Status.RECHECKING
    assert case.positive_on == yesterday
    counts = dict(CoverageCount.objects.filter(round=antigen).values_list("building", "sampled"))
    assert counts == {scr.b1.pk: 0, scr.b2.pk: 2, scr.lb1.pk: 1}
    call_command(
        "import", "antigen-results", str(path), "--town", "泗泾镇", "--round", antigen.name,
        "--date", yesterday.isoformat(), stdout=StringIO(),
    )  # fmt: skip
    assert Sample.objects.filter(round=antigen).count() == 3 and Case.objects.count() == 1


def test_bad_rows_land_nothing(scr, antigen, tmp_path):
    """Times without a day fall on --date: yesterday, so that 07:30 is past at any hour (on
    the round's day it is in the future before 07:30, and row 3 was a bad row at night)."""
    r = scr.residents
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    later = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    path = sheet(
        tmp_path,
        [
            [r["wang"].id_number, "王建国", "阴性", "07:30"],
            [r["zhao"].id_number, "赵丽华", "弱阳", "07:45"],
            [r["chen"].id_number, "陈国强", "阴性", later],
            [r["liu"].id_number, "刘晓红", "阴性", "07:50"],
        ],
    )
    params = {"round": antigen.name, "date": yesterday.isoformat()}
    result = engine("antigen-results", path, town=scr.town, params=params)
    reasons = {e.row: e.zh for e in result.errors}
    assert set(reasons) == {4, 5, 6}
    assert "阴性 或 阳性" in reasons[4] and "晚于现在" in reasons[5] and "姓名" in reasons[6]
    assert not Sample.objects.filter(round=antigen).exists()


def test_a_pcr_round_is_refused(scr, tmp_path):
    r = scr.residents
    path = sheet(tmp_path, [[r["wang"].id_number, "王建国", "阴性", "07:30"]])
    result = engine("antigen-results", path, town=scr.town, params={"round": scr.round.name})
    assert "不是抗原轮次" in result.file_problem_zh and not result.written
