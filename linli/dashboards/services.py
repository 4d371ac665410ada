"""Writes of the dashboards: marking a daily briefing sent."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.workflow import Conflict, NotAllowed
from linli.dashboards.briefing import briefing_text, daily_report
from linli.dashboards.models import SentBriefing

if TYPE_CHECKING:
    import datetime as dt

    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Town


def digest(text: str) -> str:
    """What the sender saw, in short: the page sends it back with "mark as sent"."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@transaction.atomic
def briefing_mark_sent(
    *,
    user: User,
    town: Town,
    day: dt.date,
    seen: str,
    request: HttpRequest | None = None,
) -> SentBriefing:
    """Store the day's briefing as it was shown (`seen`: the digest of the text the page
    showed): built again now, refused with a Conflict if the data changed in between, so the
    history holds exactly what was sent."""
    if not user.has_perm("dashboards.send_briefing"):
        raise NotAllowed("只有镇/街道工作人员可以发送日报", "only town staff send the briefing")
    figures: dict[str, Any] = daily_report(town=town, user=user, date=day)
    text = briefing_text(figures)
    if digest(text) != seen:
        raise Conflict(
            "日报数据已更新，请刷新页面核对后再标记为已发送",
            "the figures changed since the page was shown: reload, check, then mark it sent",
        )
    sent = SentBriefing.objects.create(
        town=town, date=day, figures=figures, text=text, sent_by=user, sent_at=timezone.now()
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=sent,
        summary=f"daily briefing {day.isoformat()} marked sent",
        detail={"parts": [k for k in figures if isinstance(figures[k], dict)]},
        request=request,
        town_id=town.pk,
    )
    return sent
