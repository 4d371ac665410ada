"""The daily briefing's page (/daily/): the day's briefing with the change since yesterday,
the text to copy, the downloads, "标记为已发送", and the history of sent briefings, each
exactly as it was sent. Town staff only (`dashboards.send_briefing`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.audit import audit
from linli.core.http import int_param, user_of
from linli.core.models import AuditEntry
from linli.core.validators import Problem, parse_day
from linli.dashboards.briefing import briefing_pdf, briefing_text, briefing_xlsx, daily_report
from linli.dashboards.figures import tiles_of, url_of
from linli.dashboards.models import SentBriefing
from linli.dashboards.parts import PARTS
from linli.dashboards.services import briefing_mark_sent, digest
from linli.dashboards.views import trend
from linli.places.models import Town
from linli.places.selectors import user_town_or_refuse


def _town(request: HttpRequest) -> Town:
    if not request.user.has_perm("dashboards.send_briefing"):
        raise PermissionDenied
    return user_town_or_refuse(request)


def _day(request: HttpRequest, source: Any) -> dt.date | None:
    """The day asked for (today without one); None for a malformed date (a 400)."""
    try:
        day = parse_day(source.get("date") or None)
    except Problem:
        return None
    return day or timezone.localdate()


def _bad_date(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboards/daily_refused.html",
        {"reason": _("日期格式应为 YYYY-MM-DD")},
        status=400,
    )


def _part_views(figures: dict[str, Any], *, frozen: bool = False) -> list[dict[str, Any]]:
    """Each part's tiles; `frozen` (a sent briefing): no links to today's lists."""
    changes = figures.get("changes") or {}
    return [
        {
            "part": part,
            "tiles": tiles_of(
                part,
                figures[part.key],
                changes.get(part.key),
                links={} if frozen else None,
                default_link=None if frozen else part.link,
            ),
            "url": None if frozen else url_of(part.link),
            "changes_from": (figures.get("changes_from") or {}).get(part.key),
        }
        for part in PARTS
        if isinstance(figures.get(part.key), dict)
    ]


@login_required
def daily(request: HttpRequest) -> HttpResponse:
    town = _town(request)
    day = _day(request, request.GET)
    if day is None:
        return _bad_date(request)
    figures = daily_report(town=town, user=request.user, date=day)
    text = briefing_text(figures)
    sent = SentBriefing.objects.visible_to(request.user).filter(town=town)
    context = {
        "town": town,
        "day": day,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "parts": _part_views(figures),
        "text": text,
        "digest": digest(text),
        "sent_today": sent.filter(date=day).order_by("-sent_at").first(),
        "recent": sent.select_related("sent_by")[:5],
        "chart": {"trend": trend(town, request.user)},
    }
    return render(request, "dashboards/daily.html", context)


@login_required
@require_POST
def daily_send(request: HttpRequest) -> HttpResponse:
    town = _town(request)
    day = _day(request, request.POST)
    if day is None:
        return _bad_date(request)
    try:
        sent = briefing_mark_sent(
            user=user_of(request),
            town=town,
            day=day,
            seen=str(request.POST.get("digest", "")),
            request=request,
        )
    except Problem as exc:
        return render(
            request,
            "dashboards/daily_refused.html",
            {"reason": exc.text(), "day": day},
            status=409,
        )
    messages.success(request, _("日报已标记为已发送"))
    return redirect("dashboards:daily_sent", sent.pk)


@login_required
def daily_download(request: HttpRequest, fmt: str) -> HttpResponse:
    town = _town(request)
    day = _day(request, request.GET)
    if day is None:
        return _bad_date(request)
    figures = daily_report(town=town, user=request.user, date=day)
    if fmt == "pdf":
        body, kind = briefing_pdf(figures), "application/pdf"
    else:
        body = briefing_xlsx(figures)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit(
        user=user_of(request),
        action=AuditEntry.Action.EXPORT,
        summary=f"daily briefing {day.isoformat()} ({fmt})",
        detail={"format": fmt, "date": day.isoformat()},
        request=request,
        town_id=town.pk,
    )
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="daily-{day.isoformat()}.{fmt}"'
    return response


@login_required
def daily_history(request: HttpRequest) -> HttpResponse:
    town = _town(request)
    rows = SentBriefing.objects.visible_to(request.user).filter(town=town)
    page = Paginator(rows.select_related("sent_by"), 20).get_page(
        int_param(request.GET.get("page"), 1)
    )
    return render(request, "dashboards/daily_history.html", {"town": town, "page": page})


@login_required
def daily_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """One sent briefing, exactly as it was sent (its stored JSON and text)."""
    if not request.user.has_perm("dashboards.send_briefing"):
        raise PermissionDenied
    sent = get_object_or_404(
        SentBriefing.objects.visible_to(request.user).select_related("sent_by", "town"), pk=pk
    )
    return render(
        request,
        "dashboards/daily_sent.html",
        {"sent": sent, "parts": _part_views(sent.figures, frozen=True)},
    )
