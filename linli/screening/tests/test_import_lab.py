"""`linli import lab-results FILE --town NAME`: a lab's sheet (openpyxl, in the test) results
tubes and their samples: negatives, a positive single tube (a case), a positive pool (a
follow-up); idempotent on tube + lab + time; bad rows land nothing; late rows are named."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli.core.imports import run_import as engine
from linli.core.workflow import transition
from linli.screening.models import (
    Case,
    CoverageCount,
    LabResult,
    PoolFollowUp,
    Result,
    Sample,
    Tube,
    TubeChange,
)
from linli.testing.rosters import write_roster_xlsx
from linli.testing.screening import open_tube, sample

pytestmark = pytest.mark.django_db
HEADERS = ["采样管条码", "检测机构", "结果", "报告时间"]
LAB = "松江区疾控中心"


def sheet(tmp_path, rows, name="检测结果.xlsx"):
    return write_roster_xlsx(tmp_path / name, rows, headers=HEADERS, title="核酸检测结果报告")


def run(path):
    out = StringIO()
    call_command("import", "lab-results", str(path), "--town", "泗泾镇", stdout=out)
    return out.getvalue()


def sealed(s, barcode, keys, capacity=10, at=None):
    tube = open_tube(s, barcode, capacity=capacity)
    for key in keys:
        sample(s, key, tube, at=at)
    transition(tube, Tube.Status.SEALED, by=s.users["town"])
    Tube.objects.filter(pk=tube.pk).update(sealed_at=at or timezone.now())
    tube.refresh_from_db()
    return tube


def local(at):
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def tubes(scr):
    taken = timezone.now() - dt.timedelta(hours=6)
    return {
        "neg": sealed(scr, "NEG001", ["li", "chen", "liu"], at=taken),
        "pool": sealed(scr, "POOL01", ["wang", "zhao"], at=taken),
        "single": sealed(scr, "ONE001", ["zhang"], capacity=1, at=taken),
    }


def test_results_move_tubes_samples_counters_cases_and_pools_and_a_reimport_changes_nothing(
    scr, tubes, tmp_path
):
    s = scr
    at = local(timezone.now() - dt.timedelta(hours=1))
    path = sheet(
        tmp_path,
        [["NEG001", LAB, "阴性", at], ["POOL01", LAB, "阳性", at], ["ONE001", LAB, "阳性", at]],
    )
    run(path)
    for tube in tubes.values():
        tube.refresh_from_db()
        assert tube.status == Tube.Status.RESULTED
    assert tubes["neg"].result == Result.NEGATIVE and tubes["pool"].result == Result.POSITIVE
    assert local(tubes["neg"].resulted_at) == at
    # A negative tube's samples are not rewritten: each person's result is the tube's.
    samples = Sample.objects.filter(round=s.round).select_related("resident", "tube")
    assert {x.resident.name: x.result for x in samples}["李秀英"] == Result.PENDING
    results = {x.resident.name: x.outcome for x in samples}
    assert results == {
        "李秀英": "negative",
        "陈国强": "negative",
        "刘小红": "negative",
        "王建国": "pool_positive",
        "赵丽华": "pool_positive",
        "张三丰": "positive",
    }
    case = Case.objects.get()
    assert case.resident == s.residents["zhang"] and case.building == s.b1
    assert case.status == Case.Status.CONFIRMED
    assert case.positive_on == timezone.localdate(timezone.now() - dt.timedelta(hours=6))
    positives = dict(
        CoverageCount.objects.filter(round=s.round).values_list("building", "positives")
    )
    assert positives == {s.b1.pk: 1, s.b2.pk: 0, s.lb1.pk: 0}
    follow_up = PoolFollowUp.objects.get()
    assert follow_up.tube == tubes["pool"] and follow_up.status == PoolFollowUp.Status.OPEN
    members = {m.resident.name: m for m in follow_up.members.select_related("resident")}
    assert set(members) == {"王建国", "赵丽华"}
    assert all(m.building == s.b2 and m.kept_in_place_at for m in members.values())
    # The lab's LabResult records each tube's move to resulted; no TubeChange repeats it.
    assert not TubeChange.objects.filter(to_status=Tube.Status.RESULTED).exists()
    assert set(LabResult.objects.values_list("tube__barcode", "lab", "result")) == {
        ("NEG001", LAB, "negative"),
        ("POOL01", LAB, "positive"),
        ("ONE001", LAB, "positive"),
    }
    counts = (LabResult.objects.count(), TubeChange.objects.count(), Case.objects.count())
    run(path)
    assert (LabResult.objects.count(), TubeChange.objects.count(), Case.objects.count()) == counts
    assert PoolFollowUp.objects.count() == 1 and follow_up.members.count() == 2


def test_a_second_lab_agreeing_is_recorded_and_one_disagreeing_is_a_bad_row(scr, tubes, tmp_path):
    at = local(timezone.now() - dt.timedelta(hours=2))
    run(sheet(tmp_path, [["NEG001", LAB, "阴性", at]]))
    later = local(timezone.now() - dt.timedelta(hours=1))
    run(sheet(tmp_path, [["NEG001", "第三方检测所", "阴性", later]], name="b.xlsx"))
    assert LabResult.objects.filter(tube=tubes["neg"]).count() == 2
    tubes["neg"].refresh_from_db()
    assert local(tubes["neg"].resulted_at) == at  # the first lab's result moved the tube
    result = engine(
        "lab-results",
        sheet(tmp_path, [["NEG001", "另一家", "阳性", later]], name="c.xlsx"),
        town=scr.town,
    )
    assert "已有结果" in result.errors[0].zh and "already has" in result.errors[0].en
    assert LabResult.objects.filter(tube=tubes["neg"]).count() == 2


def test_bad_rows_land_nothing_and_each_is_named(scr, tubes, tmp_path):
    at = local(timezone.now() - dt.timedelta(hours=1))
    future = local(timezone.now() + dt.timedelta(days=1))
    open_tube(scr, "OPEN01")
    path = sheet(
        tmp_path,
        [
            ["NEG001", LAB, "阴性", at],
            ["NOSUCH", LAB, "阴性", at],
            ["POOL01", LAB, "弱阳", at],
            ["ONE001", LAB, "阳性", future],
            ["OPEN01", LAB, "阴性", at],
            ["NEG001", LAB, "阴性", at],
        ],
    )
    result = engine("lab-results", path, town=scr.town, user=scr.users["town"])
    reasons = {e.row: (e.zh, e.en) for e in result.errors}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert "找不到采样管条码" in reasons[4][0] and "unknown tube barcode" in reasons[4][1]
    assert "阴性 或 阳性" in reasons[5][0] and "should be" in reasons[5][1]
    assert "晚于现在" in reasons[6][0] and "future" in reasons[6][1]
    assert "未封管" in reasons[7][0] and "not sealed" in reasons[7][1]
    assert "第3行重复" in reasons[8][0]
    assert not result.written and not LabResult.objects.exists()
    assert not Tube.objects.filter(status=Tube.Status.RESULTED).exists()
    assert not Case.objects.exists()
    with pytest.raises(CommandError):
        run(path)


def test_a_late_result_is_imported_and_named_as_late(scr, tmp_path):
    taken = timezone.now() - dt.timedelta(hours=30)
    late = sealed(scr, "LATE01", ["li"], at=taken)
    on_time = sealed(scr, "INTIME", ["wang"], at=taken)
    path = sheet(
        tmp_path,
        [
            # 30 h after sampling minus 1 h = 29 h: late; minus 7 h = 23 h: on time.
            ["LATE01", LAB, "阴性", local(timezone.now() - dt.timedelta(hours=1))],
            ["INTIME", LAB, "阴性", local(timezone.now() - dt.timedelta(hours=7))],
        ],
    )
    result = engine("lab-results", path, town=scr.town, user=scr.users["town"])
    assert result.written
    assert [(w.row, "迟报" in w.zh, "late" in w.en) for w in result.warnings] == [(3, True, True)]
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.status == on_time.status == Tube.Status.RESULTED


def test_a_committee_clerk_may_not_import_results(scr, tubes, tmp_path):
    at = local(timezone.now() - dt.timedelta(hours=1))
    result = engine(
        "lab-results",
        sheet(tmp_path, [["NEG001", LAB, "阴性", at]]),
        town=scr.town,
        user=scr.users["kaiwu"],
        committee=scr.kaiwu,
    )
    assert "镇筛查专班" in result.file_problem_zh and "screening office" in result.file_problem_en
    assert not result.written and not LabResult.objects.exists()


def test_each_negative_tube_and_its_samples_take_their_own_rows_report_time(scr, tubes, tmp_path):
    """The whole file's negatives land in one statement set (PostgreSQL binds the ids and an
    index into the file's few report times): every tube still gets its own row's time."""
    now = timezone.now()
    first, second, third = (local(now - dt.timedelta(hours=h)) for h in (3, 2, 1))
    path = sheet(
        tmp_path,
        [
            ["NEG001", LAB, "阴性", first],
            ["POOL01", LAB, "阴性", second],
            ["ONE001", LAB, "阴性", third],
            ["NEG001", "另一检测机构", "阴性", third],  # a second lab agreeing: recorded only
        ],
    )
    run(path)
    times = {t.barcode: local(t.resulted_at) for t in Tube.objects.filter(round=scr.round)}
    assert times == {"NEG001": first, "POOL01": second, "ONE001": third}
    samples = {
        x.resident.name: (x.outcome, local(x.tube.resulted_at))
        for x in Sample.objects.filter(round=scr.round).select_related("resident", "tube")
    }
    assert samples == {
        "李秀英": ("negative", first),
        "陈国强": ("negative", first),
        "刘小红": ("negative", first),
        "王建国": ("negative", second),
        "赵丽华": ("negative", second),
        "张三丰": ("negative", third),
    }
    assert LabResult.objects.count() == 4
    assert not Case.objects.exists() and not PoolFollowUp.objects.exists()
