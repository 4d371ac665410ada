"""The runner's day through the pages: stops in run order, one tap per line, the line rules,
bagging, the gate's counted receipt, delivery and the custody of bags; refusals as 4xx."""

from __future__ import annotations

import pytest

from linli.medicine.lines import line_fetch_problem
from linli.medicine.models import (
    Bag,
    CustodyEvent,
    HolderKind,
    MedicineLine,
    MedicineOrder,
    MedicineOrderChange,
)
from linli.testing.medicine import make_order, make_run

pytestmark = pytest.mark.django_db
S = MedicineOrder.Status

GOOD = {"generic_name": "二甲双胍", "strength": "0.5g×20片", "maker": "中美上海施贵宝", "boxes": 3}


@pytest.fixture
def day(med):
    med.local = make_order(
        med,
        "li",
        hospital="local",
        department="local_general",
        form_number="L-1",
        lines=[GOOD],
    )
    med.central = make_order(
        med,
        "zhang",
        form_number="C-1",
        lines=[
            GOOD,
            {
                "generic_name": "胰岛素",
                "strength": "300单位",
                "any_maker": True,
                "boxes": 2,
                "cold_chain": True,
            },
        ],
    )
    med.other = make_order(med, "chen", form_number="X-1")  # on no run
    med.run = make_run(med, [med.local, med.central], hospitals=["local", "central"])
    return med


def _mark(client, line, outcome, headers=None, **more):
    url = f"/medicine/runner/lines/{line.pk}/"
    return client.post(url, {"outcome": outcome, **more}, headers=headers or {})


def test_the_day_lists_hospitals_in_run_order_with_each_patients_lines(day, client_for):
    page = client_for("runner").get("/medicine/runner/").content.decode()
    local, central = page.index("泗泾医院"), page.index("松江区中心医院")
    assert 0 < local < central  # the run visits 泗泾医院 first
    assert page.index("全科") < central < page.index("内科")
    assert "L-1" in page and "C-1" in page and "X-1" not in page
    assert "胰岛素" in page and "冷链" in page and "厂家不限" in page


def test_anonymous_is_sent_to_log_in_and_a_day_without_a_run_says_so(day, client_for, client):
    assert client.get("/medicine/runner/").status_code == 302
    page = client_for("runner2").get("/medicine/runner/")
    assert page.status_code == 200 and "没有你的配药路线" in page.content.decode()
    assert "L-1" not in page.content.decode()
    assert client_for("runner").get("/medicine/runner/?date=2026-99-01").status_code == 200


def test_another_runner_cannot_touch_a_request_off_their_run(day, client_for):
    line = day.central.lines.first()
    assert _mark(client_for("runner2"), line, "fetched").status_code == 404
    assert (
        client_for("runner2")
        .post(f"/medicine/runner/orders/{day.central.pk}/register/")
        .status_code
        == 404
    )
    # Committee staff see the request (their place) but do not fetch it.
    assert _mark(client_for("kaiwu"), line, "fetched").status_code == 403


def test_one_tap_per_line_moves_the_request_through_the_workflow(day, client_for):
    runner = client_for("runner")
    assert runner.post(f"/medicine/runner/orders/{day.central.pk}/register/").status_code == 302
    day.central.refresh_from_db()
    assert day.central.status == S.AT_HOSPITAL
    first, insulin = day.central.lines.order_by("id")
    assert _mark(runner, first, "fetched").status_code == 302
    assert _mark(runner, insulin, "short", boxes_fetched="1").status_code == 302
    day.central.refresh_from_db()
    first.refresh_from_db()
    insulin.refresh_from_db()
    assert (first.status, first.boxes_fetched) == ("fetched", 3)
    assert (insulin.status, insulin.boxes_fetched) == ("short", 1)
    assert day.central.status == S.PARTLY_FETCHED
    moves = list(
        MedicineOrderChange.objects.filter(order=day.central).values_list(
            "from_status", "to_status"
        )
    )
    assert moves == [("planned", "at_hospital"), ("at_hospital", "partly_fetched")]
    assert runner.post(f"/medicine/runner/orders/{day.central.pk}/bag/").status_code == 302
    day.central.refresh_from_db()
    assert day.central.status == S.BAGGED
    bag = Bag.objects.get(order=day.central)
    assert (bag.holder_kind, bag.holder_ref) == ("runner", day.run.runner_id)


def test_a_double_tap_on_a_line_is_one_record(day, client_for):
    runner = client_for("runner")
    line = day.local.lines.get()
    assert _mark(runner, line, "fetched").status_code == 302
    assert _mark(runner, line, "fetched").status_code == 302  # resent on a weak connection
    assert MedicineOrderChange.objects.filter(order=day.local, to_status="fetched").count() == 1
    day.local.refresh_from_db()
    assert day.local.status == S.FETCHED


def test_a_stock_out_of_every_line_carries_the_request_over(day, client_for):
    runner = client_for("runner")
    answer = _mark(runner, day.local.lines.get(), "stock_out", headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "缺药" in answer.content.decode()
    day.local.refresh_from_db()
    assert day.local.status == S.CARRIED_OVER and day.local.carry_reason == "缺药"


def test_a_partial_fill_needs_a_count_below_the_boxes(day, client_for):
    line = day.local.lines.get()
    for bad in ["", "0", "3", "7"]:
        answer = _mark(client_for("runner"), line, "short", boxes_fetched=bad)
        assert answer.status_code == 400, bad
        assert "1 到 2 盒" in answer.content.decode()


def test_a_line_without_maker_or_strength_cannot_be_fetched(day, client_for):
    order = make_order(
        day, "wang", form_number="N-1", lines=[{"generic_name": "阿司匹林", "strength": "100mg"}]
    )
    make_run(day, [order], runner="runner2")
    runner2 = client_for("runner2")
    line = order.lines.get()
    answer = _mark(runner2, line, "fetched")
    assert answer.status_code == 400 and "厂家" in answer.content.decode()
    line.refresh_from_db()
    assert line.status == "pending"
    # A stock-out needs no maker: nothing is handed to the patient.
    assert _mark(runner2, line, "stock_out").status_code == 302


def test_a_substitute_needs_permission_and_recorded_consent(day, client_for):
    runner = client_for("runner")
    line = day.local.lines.get()
    answer = _mark(runner, line, "fetched", substitute="格华止")
    assert answer.status_code == 400 and "不允许替换" in answer.content.decode()
    MedicineLine.objects.filter(pk=line.pk).update(substitution_allowed=True)
    answer = _mark(runner, line, "fetched", substitute="格华止")
    assert answer.status_code == 400 and "患者同意" in answer.content.decode()
    consent = "电话联系李秀英本人同意 5/5 9:10"
    assert _mark(runner, line, "fetched", substitute="格华止", consent=consent).status_code == 302
    line.refresh_from_db()
    assert (line.substitute, line.substitution_consent) == ("格华止", consent)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"maker": "施贵宝", "strength": "0.5g"}, None),
        ({"any_maker": True, "strength": "0.5g"}, None),
        ({"maker": "施贵宝"}, "规格"),
        ({"strength": "0.5g"}, "厂家"),
        ({"any_maker": True}, "规格"),
        ({"maker": "施贵宝", "strength": "0.5g", "substitute": "格华止"}, "不允许替换"),
        (
            {"maker": "a", "strength": "b", "substitute": "c", "substitution_allowed": True},
            "患者同意",
        ),
        (
            {
                "maker": "a",
                "strength": "b",
                "substitute": "c",
                "substitution_allowed": True,
                "substitution_consent": "本人同意",
            },
            None,
        ),
    ],
)
def test_line_fetch_problem(fields, problem):
    found = line_fetch_problem(MedicineLine(generic_name="二甲双胍", **fields))
    assert (found.zh if found else None) is None if problem is None else problem in found.zh


def test_the_gate_counts_bags_received_and_delivered(day, client_for):
    runner = client_for("runner")
    for order in (day.local, day.central):
        for line in order.lines.all():
            _mark(runner, line, "fetched")
        runner.post(f"/medicine/runner/orders/{order.pk}/bag/")
    kaiwu = client_for("kaiwu")
    page = kaiwu.get("/medicine/gate/").content.decode()
    assert "C-1" in page and "L-1" in page and "二甲双胍" not in page  # no drug names at the gate
    assert client_for("lishui").get("/medicine/gate/").content.decode().count("C-1") == 0
    received = kaiwu.post("/medicine/gate/", {"order": [day.local.pk, day.central.pk]})
    assert received.status_code == 302
    again = kaiwu.post("/medicine/gate/", {"order": [day.local.pk]})  # resent: counted once
    assert again.status_code == 302
    statuses = set(MedicineOrder.objects.filter(run=day.run).values_list("status", flat=True))
    assert statuses == {S.HANDED_OVER}
    assert MedicineOrderChange.objects.filter(to_status=S.HANDED_OVER).count() == 2
    page = kaiwu.get("/medicine/gate/").content.decode()
    assert "<strong>0</strong> 待签收" in page and "<strong>2</strong> 已签收" in page
    assert kaiwu.post(f"/medicine/gate/orders/{day.local.pk}/deliver/").status_code == 302
    day.local.refresh_from_db()
    assert day.local.status == S.DELIVERED
    chain = list(
        CustodyEvent.objects.filter(bag__order=day.local)
        .order_by("seq")
        .values_list("from_kind", "to_kind")
    )
    assert chain == [("runner", "gate"), ("gate", "patient")]
    assert Bag.objects.get(order=day.local).holder_kind == HolderKind.PATIENT
    # A building leader of another building, or a volunteer, has no gate.
    assert client_for("charlie").get("/medicine/gate/").status_code == 403


def test_a_move_not_in_the_table_is_a_409(day, client_for):
    runner = client_for("runner")
    answer = runner.post(f"/medicine/runner/orders/{day.local.pk}/bag/")  # not fetched yet
    assert answer.status_code == 409
