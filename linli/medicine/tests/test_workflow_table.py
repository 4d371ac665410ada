"""MEDICINE_ORDER_WORKFLOW, every move by every actor (linli.testing.workflows): the desk and
town staff coordinate, the run's runner moves what their run carries, the patient's committee
and building leader take it from the gate to the door; a runner of another run, another
committee and a login without a role may move nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from linli.medicine.models import DayPlan, MedicineRun, TeamMember
from linli.medicine.workflow import MEDICINE_ORDER_WORKFLOW
from linli.testing.medicine import make_order
from linli.testing.workflows import check_workflow_table

pytestmark = pytest.mark.django_db

COORDINATE = {"desk", "town"}
FETCH = COORDINATE | {"runner"}
PLACE = {"kaiwu", "alice"}  # 张三丰 lives in 香樟苑 1号楼: alice leads it, kaiwu is its committee


def test_every_move_of_a_medicine_request_by_every_actor(med):
    today = timezone.localdate()
    plan = DayPlan.objects.create(town=med.town, date=today, total_km=Decimal("1"))
    run = MedicineRun.objects.create(
        town=med.town,
        plan=plan,
        date=today,
        runner=TeamMember.objects.get(volunteer=med.volunteers["runner"]),
        km=Decimal("1"),
    )

    def maker(status):
        def make():
            order = make_order(med, "zhang", status=status)
            order.run = run
            order.save(update_fields=["run"])
            return order

        return make

    check_workflow_table(
        MEDICINE_ORDER_WORKFLOW,
        {status: maker(status) for status in MEDICINE_ORDER_WORKFLOW.statuses},
        {
            name: med.users[name]
            for name in ("desk", "runner", "runner2", "town", "kaiwu", "lishui", "alice", "charlie")
        },
        {
            "verified": COORDINATE,
            "planned": COORDINATE,
            "at_hospital": FETCH,
            "carried_over": FETCH,
            "fetched": FETCH,
            "partly_fetched": FETCH,
            "bagged": FETCH,
            "exchanged": FETCH,
            "handed_over": FETCH | PLACE,
            "delivered": COORDINATE | PLACE,
            "confirmed": COORDINATE | PLACE,
            "refused": COORDINATE | PLACE,
            "cancelled": COORDINATE,
            "referred": COORDINATE,
        },
    )
