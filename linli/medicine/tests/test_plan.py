"""Planning the day's runs through its doors: `linli medicine plan` (JSON, text, --save), the
desk's plan page (a task with progress, then save), and saving twice (also at once).

Distances are recomputed here by hand (haversine with R = 6371.0 km, × 1.3), never taken
from the code under test."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from linli.core.workflow import Conflict
from linli.medicine import plans, selectors
from linli.medicine.models import DayPlan, MedicineOrder, MedicineRun, TeamMember
from linli.testing.medicine import build_medicine_scenario, make_order
from linli.testing.scenario import build_grid_scenario, build_scenario

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 20)
HOME = (31.1234, 121.265)  # 香樟苑: 新凯五村's gate, the runners' home
LOCAL = (31.117, 121.262)  # 泗泾医院
LISHUI = (31.11, 121.25)  # 丽水苑: 丽水's gate


def km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h)) * 1.3


def _plan(*args):
    from io import StringIO

    out = StringIO()
    call_command(
        "medicine",
        "plan",
        "--town",
        "泗泾镇",
        "--date",
        str(DAY),
        "--time-limit",
        "1",
        *args,
        stdout=out,
    )
    return out.getvalue()


def _only_runner(med, capacity=30):
    TeamMember.objects.filter(volunteer=med.volunteers["runner2"]).update(on_duty=False)
    TeamMember.objects.filter(volunteer=med.volunteers["runner"]).update(capacity=capacity)


def test_one_request_one_run_with_its_km_recomputed_by_hand(med):
    _only_runner(med)
    make_order(med, "zhang", hospital="local", department=None, form_number="A1", service_date=DAY)
    answer = json.loads(_plan("--format", "json"))
    # home → 泗泾医院 → 新凯五村's gate (= home) → home
    expected = km(HOME, LOCAL) + km(LOCAL, HOME) + km(HOME, HOME)
    assert answer["date"] == "2026-04-20" and answer["carried_over"] == []
    (run,) = answer["runs"]
    assert run["runner"] == "13900000012" and run["name"] == "冉娜"
    assert run["hospitals"] == ["泗泾医院"] and run["gates"] == ["新凯五村"]
    assert run["requests"] == ["A1"]
    assert run["km"] == pytest.approx(expected, abs=0.01)
    assert answer["total_km"] == pytest.approx(expected, abs=0.01)


def test_a_request_without_form_number_is_named_by_its_id_and_gates_in_visiting_order(med):
    _only_runner(med)
    a = make_order(med, "zhang", hospital="local", department=None, service_date=DAY)
    b = make_order(med, "chen", hospital="local", department=None, service_date=DAY)
    (run,) = json.loads(_plan("--format", "json"))["runs"]
    assert sorted(run["requests"]) == sorted([str(a.pk), str(b.pk)])
    assert set(run["gates"]) == {"新凯五村", "丽水"}
    points = {"新凯五村": HOME, "丽水": LISHUI}
    route = [HOME, LOCAL, *(points[g] for g in run["gates"]), HOME]
    assert run["km"] == pytest.approx(sum(km(p, q) for p, q in itertools.pairwise(route)), abs=0.01)
    # Either order is shorter or equal to the one not taken.
    other = [HOME, LOCAL, *(points[g] for g in reversed(run["gates"])), HOME]
    assert run["km"] <= sum(km(p, q) for p, q in itertools.pairwise(other)) + 0.01


def test_only_green_requests_are_carried_over_when_demand_exceeds_capacity(med):
    _only_runner(med, capacity=2)
    make_order(med, "zhang", urgency="green", form_number="G1", service_date=DAY)
    make_order(med, "li", urgency="red", form_number="R1", service_date=DAY)
    make_order(med, "wang", urgency="yellow", form_number="Y1", service_date=DAY)
    answer = json.loads(_plan("--format", "json"))
    assert answer["carried_over"] == ["G1"]
    assert sorted(answer["runs"][0]["requests"]) == ["R1", "Y1"]


def test_reds_beyond_capacity_are_refused_in_both_languages(med):
    _only_runner(med, capacity=1)
    make_order(med, "zhang", urgency="red", service_date=DAY)
    make_order(med, "li", urgency="red", service_date=DAY)
    with pytest.raises(CommandError):
        _plan("--format", "json")


def test_the_text_form_is_the_morning_run_sheet(med):
    _only_runner(med)
    make_order(med, "zhang", hospital="local", department=None, form_number="A1", service_date=DAY)
    text = _plan("--format", "text")
    assert "配药排班 2026-04-20" in text and "冉娜" in text and "泗泾医院" in text
    assert "A1" in text and "顺延至次日 carried over (0)" in text


def test_save_plans_the_requests_and_moves_carried_over_to_tomorrow_once(med):
    _only_runner(med, capacity=1)
    red = make_order(med, "zhang", urgency="red", form_number="R1", service_date=DAY)
    green = make_order(med, "li", urgency="green", form_number="G1", service_date=DAY)
    earlier = make_order(med, "wang", urgency="green", service_date=DAY - dt.timedelta(days=3))
    _plan("--save", "--user", "desk")
    plan = DayPlan.objects.get(date=DAY)
    run = MedicineRun.objects.get(plan=plan)
    assert run.runner.volunteer == med.volunteers["runner"]
    red.refresh_from_db()
    green.refresh_from_db()
    earlier.refresh_from_db()
    assert (red.status, red.run) == ("planned", run)
    assert red.changes.last().by == med.users["desk"]
    assert green.status == "verified" and green.run is None
    assert green.service_date == DAY + dt.timedelta(days=1)
    assert earlier.service_date == DAY + dt.timedelta(days=1)  # left over before, carried again
    assert sorted(plan.carried_over) == sorted(["G1", str(earlier.pk)])
    assert plan.total_km == run.km and run.hospital_order == [med.hospitals["central"].pk]
    with pytest.raises(CommandError, match="已保存"):
        _plan("--save")
    assert DayPlan.objects.count() == 1 and MedicineRun.objects.count() == 1


def test_a_stale_plan_is_refused_whole(med):
    _only_runner(med)
    order = make_order(med, "zhang", service_date=DAY)
    outcome = selectors.plan_day(med.town, DAY, time_limit=1)
    MedicineOrder.objects.filter(pk=order.pk).update(status="cancelled")
    with pytest.raises(Conflict):
        plans.plan_save(user=med.users["desk"], town=med.town, draft=outcome.draft)
    assert not DayPlan.objects.exists() and not MedicineRun.objects.exists()


def test_a_building_leader_may_not_save_a_plan(med):
    _only_runner(med)
    make_order(med, "zhang", service_date=DAY)
    outcome = selectors.plan_day(med.town, DAY, time_limit=1)
    with pytest.raises(Exception, match="排班"):
        plans.plan_save(user=med.users["alice"], town=med.town, draft=outcome.draft)


# -- the plan page ------------------------------------------------------------------------------


def test_the_plan_page_starts_a_task_shows_runs_and_saves_once(med, client_for):
    _only_runner(med)
    make_order(med, "zhang", hospital="local", department=None, form_number="A1", service_date=DAY)
    desk = client_for("desk")
    assert desk.get(reverse("medicine:plan")).status_code == 200
    started = desk.post(reverse("medicine:plan"), {"date": "2026-04-20", "time_limit": "2"})
    assert started.status_code == 302
    page = desk.get(started["Location"])
    assert page.status_code == 200 and page.context["done"]
    text = page.content.decode()
    assert "冉娜" in text and "泗泾医院" in text and "A1" in text and "保存排班" in text
    key = page.context["key"]
    # Someone else's draft is not theirs to read or save.
    assert client_for("town").get(started["Location"]).status_code == 404
    poll = desk.get(reverse("medicine:plan_poll", args=[key]))
    assert poll.status_code == 200 and poll.headers.get("HX-Refresh") == "true"
    saved = desk.post(reverse("medicine:plan_save", args=[key]))
    assert saved.status_code == 302
    assert MedicineOrder.objects.get(form_number="A1").status == "planned"
    again = desk.post(reverse("medicine:plan_save", args=[key]))
    assert again.status_code == 409 and "已保存" in again.content.decode()
    listing = desk.get(reverse("medicine:plan")).content.decode()
    assert "2026-04-20" in listing


def test_the_plan_page_shows_the_progress_bar_while_the_task_waits(med, client_for, database_queue):
    _only_runner(med)
    make_order(med, "zhang", service_date=DAY)
    desk = client_for("desk")
    started = desk.post(reverse("medicine:plan"), {"date": "2026-04-20", "time_limit": "1"})
    page = desk.get(started["Location"])
    assert not page.context["done"] and 'id="task-progress"' in page.content.decode()
    key = page.context["key"]
    assert b"<progress" in desk.get(reverse("medicine:plan_poll", args=[key])).content
    database_queue.work()
    assert desk.get(started["Location"]).context["done"]


def test_the_plan_page_is_refused_to_a_runner_and_a_building_leader(med, client_for):
    assert client_for("runner").get(reverse("medicine:plan")).status_code == 403
    assert client_for("alice").get(reverse("medicine:plan")).status_code == 403
    bad = client_for("desk").post(reverse("medicine:plan"), {"date": "x", "time_limit": "9999"})
    assert bad.status_code == 400


def test_the_plan_page_says_why_a_day_cannot_be_planned(med, client_for):
    TeamMember.objects.filter(post="runner").update(on_duty=False)
    make_order(med, "zhang", service_date=DAY)
    desk = client_for("desk")
    started = desk.post(reverse("medicine:plan"), {"date": "2026-04-20", "time_limit": "1"})
    page = desk.get(started["Location"])
    assert "没有在岗的外场" in page.content.decode()


# -- saving at the same moment ------------------------------------------------------------------


@pytest.fixture
def med_tx(transactional_db):
    return build_medicine_scenario(build_grid_scenario(build_scenario()))


def test_concurrent_saves_of_one_day_plan_it_once(med_tx):
    from linli.care.tests.test_concurrency import run_together

    s = med_tx
    TeamMember.objects.filter(volunteer=s.volunteers["runner2"]).update(on_duty=False)
    for key in ("zhang", "li", "wang"):
        make_order(s, key, service_date=DAY)
    draft = selectors.plan_day(s.town, DAY, time_limit=1).draft
    desk = s.users["desk"]

    def save(i):
        from linli.accounts.models import User

        plans.plan_save(user=User.objects.get(pk=desk.pk), town=s.town, draft=draft)
        return "ok"

    results = run_together(6 if connection.vendor == "postgresql" else 3, save)
    assert results.count("ok") == 1
    assert all(isinstance(r, Conflict) for r in results if r != "ok"), results
    assert DayPlan.objects.count() == 1 and MedicineRun.objects.count() == 1
    assert MedicineOrder.objects.filter(status="planned").count() == 3
    assert (
        sum(o.changes.filter(to_status="planned").count() for o in MedicineOrder.objects.all()) == 3
    )


def test_save_keeps_km_as_decimal_of_the_plan(med):
    _only_runner(med)
    make_order(med, "zhang", hospital="local", department=None, service_date=DAY)
    _plan("--save")
    plan = DayPlan.objects.get()
    expected = km(HOME, LOCAL) * 2
    assert abs(plan.total_km - Decimal(str(round(expected, 2)))) <= Decimal("0.01")
