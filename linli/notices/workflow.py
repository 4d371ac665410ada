"""A notice's status (`NOTICE_WORKFLOW`, on linli.core.workflow):

    draft ─► sent ─► withdrawn
               └───► expired   (past its expiry: `notices_expire`, a system move)

Sending fixes the recipients (a receipt each) and queues the robots' messages
(`services.notice_send`, the move's `after` hook); the sender withdraws it.
"""

from __future__ import annotations

from linli.core.workflow import Change, Workflow, moves
from linli.notices.models import Notice, NoticeChange
from linli.notices.rules import sends_for

Status = Notice.Status

SENDERS_ONLY = ("只有发送单位可以操作", "only the sending office may")


def _after(change: Change[Notice]) -> None:
    if change.target == Status.SENT:
        from linli.notices.services import recipients_fix

        recipients_fix(change.obj, request=change.request)


NOTICE_WORKFLOW = Workflow(
    name="notice",
    model=Notice,
    history=NoticeChange,
    subject="notice",
    moves=[
        *moves([Status.DRAFT], [Status.SENT], sends_for, refusal=SENDERS_ONLY),
        *moves([Status.SENT], [Status.WITHDRAWN], sends_for, refusal=SENDERS_ONLY),
        # Made by the expiry sweep (system=True); staff may also close a notice early.
        *moves([Status.SENT], [Status.EXPIRED], sends_for, refusal=SENDERS_ONLY),
    ],
    after=_after,
)
