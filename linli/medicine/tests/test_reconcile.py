"""The evening check (查漏补缺) through its page: what is not delivered, short lines, cards
not back, advances open; and carrying the unfinished into tomorrow in one action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.medicine.custody import Holder, card_hand_over, card_register
from linli.medicine.models import HolderKind, MedicineOrder, MedicineOrderChange
from linli.medicine.money import float_issue, payment_record
from linli.medicine.runs import line_mark, order_bag
from linli.testing.medicine import make_order, make_run

pytestmark = pytest.mark.django_db
S = MedicineOrder.Status


@pytest.fixture
def evening(med):
    today = timezone.localdate()
    runner = med.users["runner"]
    line = {"generic_name": "氨氯地平", "strength": "5mg", "maker": "辉瑞", "boxes": 2}
    med.done = make_order(med, "zhang", form_number="D-1", lines=[line])
    med.short = make_order(med, "li", form_number="S-1", lines=[line])
    med.planned = make_order(med, "wang", form_number="P-1")
    med.at_hospital = make_order(med, "zhao", form_number="H-1")
    med.unplanned = make_order(med, "chen", form_number="V-1")  # verified, never planned
    make_run(med, [med.done, med.short, med.planned, med.at_hospital])
    line_mark(user=runner, line=med.done.lines.get(), outcome="fetched")
    line_mark(user=runner, line=med.short.lines.get(), outcome="short", boxes_fetched=1)
    order_bag(user=runner, order=MedicineOrder.objects.get(pk=med.done.pk))
    from linli.core.workflow import transition

    transition(MedicineOrder.objects.get(pk=med.at_hospital.pk), S.AT_HOSPITAL, by=runner)
    card = card_register(user=med.users["desk"], resident=med.residents["wang"], last4="7788")
    card_hand_over(
        user=med.users["desk"],
        card=card,
        from_holder=Holder(HolderKind.PATIENT, card.household_id),
        to_holder=Holder(HolderKind.RUNNER, med.volunteers["runner"].medicine_post.pk),
    )
    post = med.volunteers["runner"].medicine_post
    float_issue(user=med.users["desk"], runner=post, amount_fen=10000)
    payment_record(user=runner, order=med.short, amount_fen=2680)
    med.today = today
    return med


def test_the_evening_page_lists_every_loose_end(evening, client_for):
    page = client_for("desk").get("/medicine/reconcile/").content.decode()
    for label in ["D-1", "S-1", "P-1", "H-1", "V-1"]:
        assert label in page  # none delivered
    assert "部分取到 1/2" in page
    assert "…7788" in page and "报失" in page
    assert "¥26.80" in page
    assert "未取药的 3 张顺延到明天" in page  # planned, at hospital, verified


def test_the_evening_page_is_the_desks(evening, client_for):
    assert client_for("runner").get("/medicine/reconcile/").status_code == 403
    assert client_for("kaiwu").get("/medicine/reconcile/").status_code == 403
    assert client_for("town").get("/medicine/reconcile/").status_code == 200
    assert client_for("desk").post("/medicine/reconcile/carry/").status_code == 302
    assert client_for("runner").post("/medicine/reconcile/carry/").status_code == 403


def test_carrying_moves_the_unfetched_into_tomorrows_plan_once(evening, client_for):
    desk = client_for("desk")
    answer = desk.post(f"/medicine/reconcile/carry/?date={evening.today:%Y-%m-%d}")
    assert answer.status_code == 302
    tomorrow = evening.today + dt.timedelta(days=1)
    for order in (evening.planned, evening.at_hospital, evening.unplanned):
        order.refresh_from_db()
        assert (order.status, order.service_date, order.run_id) == (S.VERIFIED, tomorrow, None)
    assert list(
        MedicineOrderChange.objects.filter(order=evening.at_hospital)
        .order_by("id")
        .values_list("to_status", flat=True)
    ) == [S.AT_HOSPITAL, S.CARRIED_OVER, S.VERIFIED]
    # On their way: bagged and partly fetched requests stay today's.
    for order, status in ((evening.done, S.BAGGED), (evening.short, S.PARTLY_FETCHED)):
        order.refresh_from_db()
        assert (order.status, order.service_date) == (status, evening.today)
    desk.post(f"/medicine/reconcile/carry/?date={evening.today:%Y-%m-%d}")
    assert MedicineOrder.objects.filter(service_date=tomorrow).count() == 3
    page = desk.get(f"/medicine/reconcile/?date={evening.today:%Y-%m-%d}").content.decode()
    assert "未取药的" not in page and "已将 0 张" in page
