"""What waits for the medicine team on 我的任务 (their landing page): the runner's requests on
today's run not yet bagged, the desk's requests to verify; red ones count as overdue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.medicine.models import MedicineOrder
from linli.testing.medicine import make_order, make_run

pytestmark = pytest.mark.django_db
S = MedicineOrder.Status


def test_the_desk_and_the_runner_find_their_work_on_my_tasks(med, client_for):
    make_order(med, "zhang", status=S.SUBMITTED, urgency=MedicineOrder.Urgency.RED)
    make_order(med, "li", status=S.SUBMITTED)
    on_run = [make_order(med, "wang", status=S.PLANNED), make_order(med, "chen", status=S.PLANNED)]
    make_run(med, on_run)
    MedicineOrder.objects.filter(pk=on_run[1].pk).update(status=S.BAGGED)  # done with it

    desk = client_for("desk").get(reverse("care:tasks")).content.decode()
    assert "配药内场：待核实：2 条待处理" in desk and "1 件超时" in desk
    runner = client_for("runner").get(reverse("care:tasks")).content.decode()
    assert "外场：今日路线：1 条待处理" in runner and "配药内场" not in runner
    assert "外场" not in client_for("runner2").get(reverse("care:tasks")).content.decode()
    assert "配药内场" not in client_for("alice").get(reverse("care:tasks")).content.decode()
