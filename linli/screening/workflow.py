"""The screening workflows (on linli.core.workflow):

    round:      planned ─► open ─► closed          planned ─► cancelled
    tube:       open ─► sealed ─► boxed ─► resulted     (sealed ─► resulted: a lab that
                                                           receives tubes without a box)
    follow-up:  open ─► closed                     (when each member has a result)
    case:       confirmed ─► rechecking ─► transferred ─► recovered
                    │             └─► cleared (the re-check was negative)
                    └─► transferred

The town's screening office moves rounds, follow-ups and cases; whoever works the round's
desks opens, seals and boxes tubes; a lab result (imported by the office) marks a tube
resulted, a move recorded by the tube's `LabResult` rather than a `TubeChange`
(`linli.screening.results`).
"""

from __future__ import annotations

from linli.core.workflow import Workflow, moves
from linli.screening.models import (
    Case,
    CaseChange,
    PoolFollowUp,
    PoolFollowUpChange,
    TestRound,
    TestRoundChange,
    Tube,
    TubeChange,
)
from linli.screening.rules import runs_screening, works_round

OFFICE_ONLY = ("只有镇筛查专班可以操作", "only the town's screening office may")
DESK_ONLY = ("只有本轮采样点的工作人员可以操作", "only those working this round's desks may")

R = TestRound.Status
ROUND_WORKFLOW = Workflow(
    name="test round",
    model=TestRound,
    history=TestRoundChange,
    subject="round",
    moves=[
        *moves([R.PLANNED], [R.OPEN, R.CANCELLED], runs_screening, refusal=OFFICE_ONLY),
        *moves([R.OPEN], [R.CLOSED], runs_screening, refusal=OFFICE_ONLY),
    ],
)

T = Tube.Status
TUBE_WORKFLOW = Workflow(
    name="tube",
    model=Tube,
    history=TubeChange,
    subject="tube",
    moves=[
        *moves([T.OPEN], [T.SEALED], works_round, refusal=DESK_ONLY),
        *moves([T.SEALED], [T.BOXED], works_round, refusal=DESK_ONLY),
        *moves([T.SEALED, T.BOXED], [T.RESULTED], runs_screening, refusal=OFFICE_ONLY),
    ],
)

F = PoolFollowUp.Status
FOLLOW_UP_WORKFLOW = Workflow(
    name="pool follow-up",
    model=PoolFollowUp,
    history=PoolFollowUpChange,
    subject="follow_up",
    moves=[*moves([F.OPEN], [F.CLOSED], runs_screening, refusal=OFFICE_ONLY)],
)

C = Case.Status
CASE_WORKFLOW = Workflow(
    name="case",
    model=Case,
    history=CaseChange,
    subject="case",
    moves=[
        *moves([C.CONFIRMED], [C.RECHECKING, C.TRANSFERRED], runs_screening, refusal=OFFICE_ONLY),
        *moves([C.RECHECKING], [C.TRANSFERRED, C.CLEARED], runs_screening, refusal=OFFICE_ONLY),
        *moves([C.TRANSFERRED], [C.RECOVERED], runs_screening, refusal=OFFICE_ONLY),
    ],
)
