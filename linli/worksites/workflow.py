"""The closed-loop transport workflow (闭环转运审批), on the one engine.

requested → approved | refused (town staff); requested | approved → cancelled (the site's
side or the town); approved → done (the site's side or the town, once the trip is made).
"""

from __future__ import annotations

from linli.core.workflow import Workflow, moves
from linli.worksites.models import TransportRequest, TransportRequestChange
from linli.worksites.rules import answers_for_site, runs_worksites

S = TransportRequest.Status
TOWN_ONLY = ("只有镇/街道可以审批转运申请", "only the town office approves transport")
SITE_SIDE = ("只有工地所在居委、工地负责人或镇/街道可以操作", "only the site's side or the town")

TRANSPORT_WORKFLOW = Workflow(
    name="transport request",
    model=TransportRequest,
    history=TransportRequestChange,
    subject="transport",
    moves=[
        *moves([S.REQUESTED], [S.APPROVED, S.REFUSED], runs_worksites, refusal=TOWN_ONLY),
        *moves([S.REQUESTED, S.APPROVED], [S.CANCELLED], answers_for_site, refusal=SITE_SIDE),
        *moves([S.APPROVED], [S.DONE], answers_for_site, refusal=SITE_SIDE),
    ],
)
