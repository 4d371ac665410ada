"""The home page: the registry's figures and charts, and a section per part of the daily
briefing (grid, care, medicine, supplies …), as far as the user's scope reaches.

A volunteer lands on their work instead: 我的任务 says what waits for them and where (their
own requests, and their building's, team's or committee's queues); a building leader or a
second secretary finds 我的楼栋 (`mine`) there, the figures of the places they answer for."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.rules import is_volunteer
from linli.care.selectors import committee_counts
from linli.core.access import scope_for
from linli.dashboards.figures import sections
from linli.dashboards.models import SentBriefing
from linli.places.models import Town
from linli.places.selectors import (
    committees_for,
    registry_figures,
    residents_per_committee,
    user_town,
)

# 我的楼栋: each part's figures link to the volunteer's own page of them.
MINE_LINKS = {"care": "care:buildings", "grid": "duty:mine"}
# (part, figure, short name on the chart's legend)
TREND_SERIES = (
    ("care", "open", gettext_lazy("在办诉求")),
    ("care", "overdue", gettext_lazy("超时诉求")),
    ("medicine", "delivered", gettext_lazy("配药送达")),
    ("supplies", "packages_delivered", gettext_lazy("物资签收")),
)


def trend(town: Town, user: Any, limit: int = 14) -> dict[str, Any]:
    """Figures over the days from the sent briefings' history (the last sent of each day)."""
    rows: dict[str, dict[str, Any]] = {}
    sent = SentBriefing.objects.visible_to(user).filter(town=town).order_by("-date", "-sent_at")
    for briefing in sent.only("date", "figures")[: limit * 3]:
        rows.setdefault(briefing.date.isoformat(), briefing.figures)
        if len(rows) >= limit:
            break
    days = sorted(rows)
    series = []
    for part_key, key, name in TREND_SERIES:
        values = [(rows[d].get(part_key) or {}).get(key) for d in days]
        series.append({"name": str(name), "data": values})
    return {"days": days, "series": series}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if is_volunteer(request.user):
        return redirect("care:tasks")
    town = user_town(request)
    context: dict[str, Any] = {"town": town}
    if town is not None and not scope_for(request.user).is_empty:
        figures = registry_figures(user=request.user, town=town)
        per_committee = residents_per_committee(user=request.user, town=town)
        committees = list(committees_for(request.user, town).values_list("pk", "name"))
        queues = committee_counts(request.user, [pk for pk, _name in committees])
        context["figures"] = figures
        context["sections"] = sections(user=request.user, town=town)
        context["chart"] = {
            "committees": [name for name, _n in per_committee],
            "residents": [n for _name, n in per_committee],
            "tags": list(figures["care_tags"]),
            "tag_counts": list(figures["care_tags"].values()),
            "queue_committees": [name for _pk, name in committees],
            "queue_open_label": _("在办"),
            "queue_overdue_label": _("超时"),
            "queue_open": [queues[pk].open if pk in queues else 0 for pk, _n in committees],
            "queue_overdue": [queues[pk].overdue if pk in queues else 0 for pk, _n in committees],
        }
        if request.user.has_perm("dashboards.send_briefing"):
            context["chart"]["trend"] = trend(town, request.user)
        if request.user.is_superuser:  # type: ignore[union-attr]
            context["towns"] = Town.objects.all()
    return render(request, "dashboards/home.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的楼栋: a building leader's buildings, a second secretary's compound: the parts about
    residents and households, through their scope."""
    town = user_town(request)
    if town is None or not scope_for(request.user).reaches("building"):
        raise Http404
    if not is_volunteer(request.user):
        raise PermissionDenied  # staff have the home page
    found = sections(user=request.user, town=town, audience="all", links=MINE_LINKS)
    return render(request, "dashboards/mine.html", {"town": town, "sections": found})
