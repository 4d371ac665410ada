"""Every move of MEDICINE_ORDER_WORKFLOW by every actor: the desk, the run's runner, another
runner, the patient's committee and building leader, another committee, town staff."""

from __future__ import annotations

import pytest

from linli.medicine.models import MedicineOrder
from linli.medicine.workflow import MEDICINE_ORDER_WORKFLOW
from linli.testing.medicine import make_order, make_run
from linli.testing.workflows import check_workflow_table

S = MedicineOrder.Status
COORDINATORS = {"desk", "town"}
FETCHERS = COORDINATORS | {"runner"}
PLACE = COORDINATORS | {"kaiwu", "alice"}  # zhang's committee and building leader


@pytest.mark.django_db
def test_every_move_of_a_medicine_request_by_every_actor(med):
    run = make_run(med, [make_order(med, "li")])

    def maker(status: str):
        def make() -> MedicineOrder:
            order = make_order(med, "zhang", status=status)
            MedicineOrder.objects.filter(pk=order.pk).update(run=run)
            order.refresh_from_db()
            return order

        return make

    check_workflow_table(
        MEDICINE_ORDER_WORKFLOW,
        {status: maker(status) for status in S.values},
        {
            name: med.users[name]
            for name in ("desk", "runner", "runner2", "kaiwu", "alice", "lishui", "town")
        },
        {
            S.VERIFIED: COORDINATORS,
            S.PLANNED: COORDINATORS,
            S.AT_HOSPITAL: FETCHERS,
            S.FETCHED: FETCHERS,
            S.PARTLY_FETCHED: FETCHERS,
            S.CARRIED_OVER: FETCHERS,
            S.BAGGED: FETCHERS,
            S.HANDED_OVER: FETCHERS | PLACE,
            S.DELIVERED: PLACE,
            S.CONFIRMED: PLACE,
            S.REFUSED: PLACE,
            S.EXCHANGED: FETCHERS,
            S.CANCELLED: COORDINATORS,
            S.REFERRED: COORDINATORS,
        },
    )
