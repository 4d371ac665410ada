"""The two reports the briefing added to their apps, `linli report care` and `linli report
supplies`, against the day of linli/testing/daily.py, counted by hand (see its docstring)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from linli.care.reports import care_report

ZERO_CATEGORIES = {"medicine": 0, "supplies": 0, "medical": 0, "psychological": 0, "other": 0}
ZERO_URGENCIES = {"urgent": 0, "today": 0, "normal": 0}


@pytest.mark.django_db
def test_the_care_report_of_the_day(day, report_json):
    figures = report_json("care", "--date", day.day.isoformat())
    # Open at the end of D: hr_open (medicine, urgent) and hr_late (supplies, normal); hr_done
    # and hr_gone closed on D. Overdue: hr_late (due yesterday 18:00).
    assert figures["open"] == 2
    assert figures["open_by_category"] == {**ZERO_CATEGORIES, "medicine": 1, "supplies": 1}
    assert figures["open_by_urgency"] == {**ZERO_URGENCIES, "urgent": 1, "normal": 1}
    assert figures["overdue"] == 1
    assert figures["overdue_by_category"] == {**ZERO_CATEGORIES, "supplies": 1}
    assert figures["overdue_by_urgency"] == {**ZERO_URGENCIES, "normal": 1}
    # Opened on D: hr_open, hr_gone; closed on D: hr_done, hr_gone.
    assert (figures["opened"], figures["closed"]) == (2, 2)
    # Special care: 张三丰, 李秀英, 赵丽华, 陈国强. 赵丽华 was seen two days ago (within 3 days),
    # so 3 are due; on D 张三丰 was seen (李秀英's door went unanswered): 1 done.
    assert figures["special_residents"] == 4
    assert (figures["visits_due"], figures["visits_done"]) == (3, 1)
    # The grid's one pairing (戴维–陈国强, a special-care resident) is in force.
    assert (figures["pairings"], figures["paired_residents"]) == (1, 1)
    assert (figures["town"], figures["date"]) == ("泗泾镇", day.day.isoformat())


@pytest.mark.django_db
def test_the_care_report_rebuilt_for_yesterday(day, report_json):
    yesterday = (day.day - dt.timedelta(days=1)).isoformat()
    figures = report_json("care", "--date", yesterday)
    # At the end of Y: hr_late (supplies, normal, overdue) and hr_done (medical, today; due
    # D 12:00) open; both opened on Y; nothing closed. 赵丽华 seen on Y (D−2) is not due; the
    # pairing started today.
    assert figures["open"] == 2
    assert figures["open_by_category"] == {**ZERO_CATEGORIES, "supplies": 1, "medical": 1}
    assert figures["open_by_urgency"] == {**ZERO_URGENCIES, "today": 1, "normal": 1}
    assert figures["overdue"] == 1
    assert (figures["opened"], figures["closed"]) == (2, 0)
    assert (figures["visits_due"], figures["visits_done"]) == (3, 0)
    assert (figures["pairings"], figures["paired_residents"]) == (0, 0)


@pytest.mark.django_db
def test_the_care_report_through_a_committees_scope(day):
    # 丽水's staff: 陈国强 only (special, due, paired); hr_done (丽水) closed on D.
    figures = care_report(town=day.s.town, user=day.s.users["lishui"], date=day.day)
    assert (figures["open"], figures["closed"], figures["opened"]) == (0, 1, 0)
    assert (figures["special_residents"], figures["visits_due"], figures["visits_done"]) == (
        1,
        1,
        0,
    )
    assert (figures["pairings"], figures["paired_residents"]) == (1, 1)


@pytest.mark.django_db
def test_the_supplies_report_of_the_day(day, report_json):
    figures = report_json("supplies", "--date", day.day.isoformat())
    # The round covers 6 households: 2 delivered on D, 1 absent (an exception), 3 pending.
    assert figures["rounds_in_progress"] == 1
    assert (figures["rounds_households"], figures["rounds_delivered"]) == (6, 2)
    assert figures["rounds_missing"] == 3
    assert figures["rounds_missing_by_round"] == {"第一轮大礼包": 3}
    assert figures["packages_delivered"] == 2
    assert (
        figures["group_buys_open"],
        figures["group_buys_arrived"],
        figures["group_buys_settled"],
    ) == (1, 1, 1)
    assert (figures["worksite_orders"], figures["worksite_orders_delivered"]) == (2, 1)
    # The round's figures are the package-round report's own.
    own = report_json("package-round", "--round", "第一轮大礼包")
    assert (own["households"], own["delivered"], own["missing"]) == (6, 2, 3)


@pytest.mark.django_db
def test_the_supplies_report_of_yesterday(day, report_json):
    figures = report_json("supplies", "--date", (day.day - dt.timedelta(days=1)).isoformat())
    assert figures["packages_delivered"] == 0
    assert (figures["group_buys_arrived"], figures["group_buys_settled"]) == (0, 0)
    assert figures["worksite_orders"] == 0
    # Rounds in progress and open group buys are today's state, whatever the day.
    assert (figures["rounds_in_progress"], figures["group_buys_open"]) == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["care", "supplies", "daily"])
def test_a_malformed_date_is_refused_in_both_languages(day, kind):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("report", kind, "--town", "泗泾镇", "--date", "07/12/2026")
