"""Coverage pages: the round → committee → compound → building drill-down from the counters,
the lists behind each figure (the missing list above all, names masked for volunteers), samples
per time slot, open pools by hours since flagged, the tube and box reconciliation; each page
as town staff, committee staff, a volunteer, an outsider and anonymous.

The worked round (`worked_round`), counted by hand from the scenario (six residents, all
present, two a building): 刘小红 (丽水苑 1号楼 301) exempted (住院) → expected 5, exempt 1.
Tube T1 (10): 王建国, 赵丽华 (2号楼), 李秀英 (1号楼); tube T2 (single): 张三丰 (1号楼, a key
group); 王建国 resampled with a reason into T3 (not counted twice). 陈国强 (丽水苑 1号楼 101)
never comes down: sampled 4, missing 1. T2 comes back positive: positives 1 (1号楼).
Per committee: 新凯五村 expected 4 sampled 4 missing 0 positives 1; 丽水 1 / 0 / 1 / 0."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from linli.core.workflow import transition
from linli.screening import counters, services
from linli.screening.models import (
    PoolFollowUp,
    PoolMember,
    Result,
    Sample,
    TransportBox,
    Tube,
)
from linli.testing.screening import at_local, open_tube, sample


@transaction.atomic
def mark_positive(tube: Tube) -> None:
    """What a positive lab result does to a tube's samples and the counters (the results
    part's writer, reduced to the counters' side)."""
    tube = Tube.objects.select_for_update().get(pk=tube.pk)
    for found in Sample.objects.filter(tube=tube):
        found.result = Result.POSITIVE
        found.result_at = timezone.now()
        found.save(update_fields=["result", "result_at"])
        counters.add_positive(found)


def worked_round(scr) -> SimpleNamespace:
    services.exemption_add(
        user=scr.users["town"], round_=scr.round, resident=scr.residents["liu"], reason="住院"
    )
    day = scr.round.date
    t1 = open_tube(scr, "T1", capacity=10)
    t2 = open_tube(scr, "T2", capacity=1)
    t3 = open_tube(scr, "T3", capacity=10)
    sample(scr, "wang", t1, at=at_local(day, 8, 10))
    sample(scr, "zhao", t1, at=at_local(day, 8, 20))
    sample(scr, "li", t1, at=at_local(day, 7, 30))
    sample(scr, "zhang", t2, at=at_local(day, 10, 0))  # outside 1号楼's 07:00–08:00 slot
    sample(scr, "wang", t3, at=at_local(day, 9, 0), reason="管子破损")
    mark_positive(t2)
    return SimpleNamespace(t1=t1, t2=t2, t3=t3)


def test_the_round_page_shows_the_hand_counted_figures_and_each_committee(scr, client_for):
    worked_round(scr)
    page = client_for("town").get(f"/screening/coverage/{scr.round.pk}/")
    assert page.status_code == 200
    assert page.context["figures"] == {
        "expected": 5,
        "exempt": 1,
        "sampled": 4,
        "missing": 1,
        "positives": 1,
        "percent": 80.0,
    }
    lines = {line["name"]: line for line in page.context["lines"]}
    assert set(lines) == {"新凯五村", "丽水"}
    assert (lines["新凯五村"]["expected"], lines["新凯五村"]["sampled"]) == (4, 4)
    assert (lines["新凯五村"]["missing"], lines["新凯五村"]["positives"]) == (0, 1)
    assert (lines["丽水"]["expected"], lines["丽水"]["sampled"], lines["丽水"]["missing"]) == (
        1,
        0,
        1,
    )
    # Each figure links to the list behind it.
    html = page.content.decode()
    assert f"/screening/coverage/{scr.round.pk}/people/missing/?committee={scr.lishui.pk}" in html


def test_drilling_down_to_a_building_lists_its_missing_with_rooms(scr, client_for):
    worked_round(scr)
    client = client_for("town")
    committee = client.get(f"/screening/coverage/{scr.round.pk}/committee/{scr.lishui.pk}/")
    assert [c["name"] for c in committee.context["lines"]] == ["丽水苑"]
    compound = client.get(f"/screening/coverage/{scr.round.pk}/compound/{scr.lishuiyuan.pk}/")
    assert [(b["name"], b["missing"]) for b in compound.context["lines"]] == [("1号楼", 1)]
    building = client.get(f"/screening/coverage/{scr.round.pk}/building/{scr.lb1.pk}/")
    assert building.status_code == 200
    assert [(m["room"], m["name"]) for m in building.context["missing"]] == [("101", "陈国强")]
    assert building.context["figures"]["expected"] == 1  # 刘小红 exempt


def test_samples_per_time_slot_count_first_samples_and_those_outside_any_slot(scr, client_for):
    worked_round(scr)
    client = client_for("town")
    b2 = client.get(f"/screening/coverage/{scr.round.pk}/building/{scr.b2.pk}/")
    # 王建国 08:10 and 赵丽华 08:20 in the 08:00–09:00 slot; the resample (09:00) not counted.
    assert [s["sampled"] for s in b2.context["slots"]] == [2, 0]
    b1 = client.get(f"/screening/coverage/{scr.round.pk}/building/{scr.b1.pk}/")
    # 李秀英 07:30 in the slot; 张三丰 at 10:00 outside it.
    assert [s["sampled"] for s in b1.context["slots"]] == [1, 1]


@pytest.mark.parametrize(
    ("which", "names"),
    [
        ("missing", ["陈国强"]),
        ("exempt", ["刘小红"]),
        ("positives", ["张三丰"]),
        ("sampled", ["张三丰", "李秀英", "王建国", "赵丽华"]),
        ("expected", ["张三丰", "李秀英", "王建国", "赵丽华", "陈国强"]),
    ],
)
def test_each_list_holds_the_people_behind_its_figure(scr, client_for, which, names):
    worked_round(scr)
    page = client_for("town").get(f"/screening/coverage/{scr.round.pk}/people/{which}/")
    assert page.status_code == 200
    # (The order across committees follows the database's collation: compared as sets.)
    assert sorted(m["name"] for m in page.context["lines"]) == sorted(names)
    assert page.context["figure"] == len(names)


def test_committee_staff_see_only_their_committee(scr, client_for):
    worked_round(scr)
    client = client_for("kaiwu")
    page = client.get(f"/screening/coverage/{scr.round.pk}/")
    assert page.status_code == 200
    assert [line["name"] for line in page.context["lines"]] == ["新凯五村"]
    assert page.context["figures"]["expected"] == 4
    assert (
        client.get(f"/screening/coverage/{scr.round.pk}/building/{scr.lb1.pk}/").status_code == 404
    )
    assert (
        client.get(f"/screening/coverage/{scr.round.pk}/committee/{scr.lishui.pk}/").status_code
        == 404
    )
    missing = client.get(f"/screening/coverage/{scr.round.pk}/people/missing/")
    assert missing.context["lines"] == []


def test_outsiders_and_volunteers_are_kept_out(scr, client, client_for):
    url = f"/screening/coverage/{scr.round.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client_for("charlie").get(url).status_code == 404
    # erin works the round's desk but does not oversee its coverage.
    assert client_for("erin").get(url).status_code == 403


def test_names_are_masked_for_volunteers_and_in_the_report(scr):
    from linli.screening import selectors

    worked_round(scr)
    chen = scr.residents["chen"]
    assert selectors.person_line(chen, scr.users["town"])["name"] == "陈国强"
    assert selectors.person_line(chen, scr.users["erin"])["name"] == "陈*强"
    assert selectors.person_line(chen, None)["name"] == "陈*强"


def test_a_malformed_place_is_a_400_with_a_reason(scr, client_for):
    page = client_for("town").get(f"/screening/coverage/{scr.round.pk}/people/missing/?building=x")
    assert page.status_code == 400
    assert "地点参数有误" in page.content.decode()
    other = client_for("town").get(f"/screening/coverage/{scr.round.pk}/people/nobody/")
    assert other.status_code == 404


def test_open_pools_by_hours_since_flagged(scr, client_for):
    made = worked_round(scr)
    now = timezone.now()
    older = PoolFollowUp.objects.create(
        tube=made.t1,
        round=scr.round,
        town=scr.town,
        flagged_at=now - dt.timedelta(hours=7, minutes=30),
    )
    for found in Sample.objects.filter(tube=made.t1):
        PoolMember.objects.create(
            follow_up=older,
            sample=found,
            resident=found.resident,
            building_id=found.building_id,
            result=Result.NEGATIVE
            if found.resident_id == scr.residents["li"].pk
            else Result.PENDING,
        )
    newer = PoolFollowUp.objects.create(
        tube=made.t3, round=scr.round, town=scr.town, flagged_at=now - dt.timedelta(hours=2)
    )
    PoolMember.objects.create(
        follow_up=newer,
        sample=Sample.objects.get(tube=made.t3),
        resident=scr.residents["wang"],
        building=scr.b2,
    )
    closed = PoolFollowUp.objects.create(
        tube=made.t2,
        round=scr.round,
        town=scr.town,
        flagged_at=now - dt.timedelta(hours=20),
        status=PoolFollowUp.Status.CLOSED,
    )
    page = client_for("town").get(f"/screening/coverage/{scr.round.pk}/pools/")
    assert page.status_code == 200
    pools = page.context["pools"]
    assert [p["tube"] for p in pools] == ["T1", "T3"]  # the closed one (T2) left out
    assert [(p["hours"], p["members"], p["pending"]) for p in pools] == [(7, 3, 2), (2, 1, 1)]
    assert closed.pk not in [p["id"] for p in pools]


def test_tube_and_box_reconciliation(scr, client_for):
    made = worked_round(scr)
    town = scr.users["town"]
    box = TransportBox.objects.create(round=scr.round, town=scr.town, point=scr.point, code="B1")
    transition(made.t1, Tube.Status.SEALED, by=town)
    Tube.objects.filter(pk=made.t1.pk).update(box=box)
    transition(Tube.objects.get(pk=made.t1.pk), Tube.Status.BOXED, by=town)
    transition(made.t2, Tube.Status.SEALED, by=town)  # sealed, in no box
    # A tube whose count says 2 but holds no sample (a desk's lost scan).
    open_tube(scr, "T4", capacity=5, filled=2)
    page = client_for("town").get(f"/screening/coverage/{scr.round.pk}/tubes/")
    assert page.status_code == 200
    tubes = page.context["tubes"]
    assert (tubes["opened"], tubes["open"], tubes["sealed"], tubes["boxed"]) == (4, 2, 1, 1)
    assert tubes["mismatched"] == [{"barcode": "T4", "filled": 2, "samples": 0}]
    assert tubes["unboxed"] == ["T2"]
    assert [(b["code"], b["tubes"]) for b in tubes["boxes"]] == [("B1", 1)]
    by_point = client_for("town").get(
        f"/screening/coverage/{scr.round.pk}/tubes/?point={scr.point.pk}"
    )
    assert by_point.context["tubes"]["opened"] == 4
    assert (
        client_for("town").get(f"/screening/coverage/{scr.round.pk}/tubes/?point=x").status_code
        == 400
    )


def test_the_rounds_list_shows_each_round_the_viewer_follows(scr, client_for):
    worked_round(scr)
    page = client_for("kaiwu").get("/screening/coverage/")
    assert page.status_code == 200
    assert [(r.name, f["sampled"]) for r, f in page.context["lines"]] == [("第1轮核酸", 4)]
    assert client_for("charlie").get("/screening/coverage/").context["lines"] == []


def test_list_pages_keep_their_query_count(scr, client_for, django_assert_max_num_queries):
    worked_round(scr)
    client = client_for("town")
    with django_assert_max_num_queries(20):
        client.get(f"/screening/coverage/{scr.round.pk}/people/expected/")
    with django_assert_max_num_queries(20):
        client.get(f"/screening/coverage/{scr.round.pk}/")
