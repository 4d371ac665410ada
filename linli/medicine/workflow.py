"""The medicine request workflow (`MEDICINE_ORDER_WORKFLOW`, on linli.core.workflow):

    submitted ─► verified ─► planned ─► at_hospital ─► fetched ──────┐
        │           ▲   ▲       │            ├──────► partly_fetched ┼─► bagged ─► handed_over
        │           │   └───────┘ (unplan)   └──────► carried_over   │   (counted at the gate)
        │           └────────────────────────────────────┘ (into the next day)    │
        │                                                                       delivered
        │                                                                         │    │
        └─► cancelled | referred (online hospital)                           confirmed  refused
                                                                                       │
                                                                                   exchanged

The desk (内场) or town staff verify, plan, carry over, cancel and refer; the run's runner
moves what they carry from the hospital to the gate; the patient's committee or building
leader takes it from the gate to the door and records the patient's confirmation or refusal.
"""

from __future__ import annotations

from linli.core.workflow import Workflow, moves
from linli.medicine.models import MedicineOrder, MedicineOrderChange
from linli.medicine.rules import coordinates, delivers, fetches, hands_over

Status = MedicineOrder.Status

DESK_ONLY = ("只有配药内场或镇工作人员可以操作", "only the medicine desk or town staff may")
NOT_YOURS = ("该配药单不在你的路线上", "this request is not on your run")
NOT_YOUR_PLACE = ("只有居委、楼组长或内场可以操作", "only the committee, building leader or desk")

MEDICINE_ORDER_WORKFLOW = Workflow(
    name="medicine order",
    model=MedicineOrder,
    history=MedicineOrderChange,
    subject="order",
    moves=[
        *moves([Status.SUBMITTED], [Status.VERIFIED], coordinates, refusal=DESK_ONLY),
        *moves([Status.VERIFIED], [Status.PLANNED], coordinates, refusal=DESK_ONLY),
        *moves([Status.PLANNED], [Status.VERIFIED], coordinates, refusal=DESK_ONLY),
        *moves(
            [Status.PLANNED],
            [Status.AT_HOSPITAL, Status.CARRIED_OVER],
            fetches,
            refusal=NOT_YOURS,
        ),
        *moves(
            [Status.AT_HOSPITAL],
            [Status.FETCHED, Status.PARTLY_FETCHED, Status.CARRIED_OVER],
            fetches,
            refusal=NOT_YOURS,
        ),
        *moves([Status.CARRIED_OVER], [Status.VERIFIED], coordinates, refusal=DESK_ONLY),
        *moves(
            [Status.FETCHED, Status.PARTLY_FETCHED], [Status.BAGGED], fetches, refusal=NOT_YOURS
        ),
        *moves([Status.BAGGED], [Status.HANDED_OVER], hands_over, refusal=NOT_YOURS),
        *moves([Status.HANDED_OVER], [Status.DELIVERED], delivers, refusal=NOT_YOUR_PLACE),
        *moves(
            [Status.DELIVERED], [Status.CONFIRMED, Status.REFUSED], delivers, refusal=NOT_YOUR_PLACE
        ),
        *moves([Status.REFUSED], [Status.EXCHANGED], fetches, refusal=NOT_YOURS),
        *moves(
            [Status.SUBMITTED, Status.VERIFIED, Status.CARRIED_OVER],
            [Status.CANCELLED, Status.REFERRED],
            coordinates,
            refusal=DESK_ONLY,
        ),
    ],
    related=("household__building__compound", "run"),
)
