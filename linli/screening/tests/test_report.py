"""`linli report round` (json, text, xlsx) and `/api/v1/reports/round/`: the worked round's
figures, counted by hand in test_coverage's docstring, and its missing list with names
masked."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from linli.accounts.models import ApiToken
from linli.screening.tests.test_coverage import worked_round

ROUND = "第1轮核酸"
CHEN = {
    "committee": "丽水",
    "worksite": "",
    "compound": "丽水苑",
    "building": "1号楼",
    "room": "101",
    "name": "陈*强",
}


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("report", "round", "--town", "泗泾镇", "--round", ROUND, *args, stdout=out)
    return out.getvalue()


def test_the_json_report_holds_the_hand_counted_figures(scr):
    worked_round(scr)
    figures = json.loads(run("--format", "json"))
    assert figures["kind"] == "pcr"
    assert figures["date"] == scr.round.date.isoformat()
    assert (figures["expected"], figures["exempt"], figures["sampled"]) == (5, 1, 4)
    assert (figures["missing"], figures["positives"], figures["tubes"]) == (1, 1, 3)
    assert figures["percent"] == 80.0
    assert figures["missing_list"] == [CHEN]


def test_the_text_report_names_each_figure(scr):
    worked_round(scr)
    text = run("--format", "text")
    assert "expected: 5" in text and "missing: 1" in text and "tubes: 3" in text
    assert "陈*强" in text and "陈国强" not in text


def test_the_xlsx_report_lists_the_missing_under_the_figures(scr, tmp_path):
    worked_round(scr)
    path = tmp_path / "round.xlsx"
    run("--format", "xlsx", "--output", str(path))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    cells = {row[0]: row[1] for row in rows if row[0] in ("expected", "sampled", "missing")}
    assert cells == {"expected": "5", "sampled": "4", "missing": "1"} or cells == {
        "expected": 5,
        "sampled": 4,
        "missing": 1,
    }
    assert ("丽水", None, "丽水苑", "1号楼", "101", "陈*强") in [
        tuple(None if c == "" else c for c in row) for row in rows
    ]


def test_an_unknown_round_is_refused(scr):
    with pytest.raises(CommandError):
        call_command("report", "round", "--town", "泗泾镇", "--round", "没有这轮")
    with pytest.raises(CommandError):
        call_command("report", "round", "--town", "泗泾镇")


def test_the_api_serves_the_report_as_far_as_the_viewer_sees(scr):
    from django.test import Client

    worked_round(scr)
    url = f"/api/v1/reports/round/?town=泗泾镇&round={ROUND}"
    town = Client().get(
        url, headers={"authorization": f"Bearer {ApiToken.issue(scr.users['town'])}"}
    )
    assert town.status_code == 200
    assert (town.json()["sampled"], town.json()["missing"]) == (4, 1)
    assert town.json()["missing_list"] == [CHEN]
    # 新凯五村's staff: their committee's figures only, nobody missing there.
    kaiwu = Client().get(
        url, headers={"authorization": f"Bearer {ApiToken.issue(scr.users['kaiwu'])}"}
    )
    assert kaiwu.status_code == 200
    assert (kaiwu.json()["expected"], kaiwu.json()["missing"]) == (4, 0)
    assert kaiwu.json()["missing_list"] == []
    assert kaiwu.json()["tubes"] == 3
    assert Client().get(url).status_code == 401
    erin = Client().get(
        url, headers={"authorization": f"Bearer {ApiToken.issue(scr.users['erin'])}"}
    )
    # erin works the desk but does not oversee coverage: refused with a reason, no names.
    assert erin.status_code in (403, 404, 422)
    assert "陈" not in erin.content.decode()
