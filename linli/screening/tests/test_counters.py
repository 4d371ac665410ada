"""`linli screening recount`: prints each building whose counters it corrected (before →
after), and nothing but the summary when they were right."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linli.core.models import AuditEntry
from linli.screening.models import CoverageCount
from linli.screening.tests.test_coverage import worked_round


def recount() -> str:
    out = StringIO()
    call_command("screening", "recount", "--town", "泗泾镇", "--round", "第1轮核酸", stdout=out)
    return out.getvalue()


def test_right_counters_are_left_alone(scr):
    worked_round(scr)
    out = recount()
    assert "更正 0 栋" in out
    assert "→" not in out


def test_wrong_counters_are_corrected_and_printed(scr):
    worked_round(scr)
    # Damage two buildings' figures, as a crash between writes never could but a hand edit might.
    CoverageCount.objects.filter(round=scr.round, building=scr.b2).update(sampled=7)
    CoverageCount.objects.filter(round=scr.round, building=scr.lb1).update(positives=3)
    out = recount()
    lines = [line for line in out.splitlines() if "→" in line]
    assert lines == ["丽水苑 1号楼: positives 3→0", "香樟苑 2号楼: sampled 7→2"] or sorted(
        lines
    ) == sorted(["丽水苑 1号楼: positives 3→0", "香樟苑 2号楼: sampled 7→2"])
    assert "更正 2 栋" in out
    assert CoverageCount.objects.get(round=scr.round, building=scr.b2).sampled == 2
    assert CoverageCount.objects.get(round=scr.round, building=scr.lb1).positives == 0
    assert AuditEntry.objects.filter(summary__startswith="覆盖计数重算").count() == 1
    assert "更正 0 栋" in recount()


def test_an_unknown_town_or_round_is_refused(scr):
    with pytest.raises(CommandError):
        call_command("screening", "recount", "--town", "无此镇", "--round", "第1轮核酸")
    with pytest.raises(CommandError):
        call_command("screening", "recount", "--town", "泗泾镇", "--round", "无此轮")
