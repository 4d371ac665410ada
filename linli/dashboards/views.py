"""The home page: the registry's figures and charts, as far as the user's scope reaches.

A volunteer lands on their work instead: 我的任务 says what waits for them and where (their
own requests, and their building's, team's or committee's queues)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from linli.accounts.rules import is_volunteer
from linli.core.access import scope_for
from linli.places.models import Town
from linli.places.selectors import registry_figures, residents_per_committee, user_town


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if is_volunteer(request.user):
        return redirect("care:tasks")
    town = user_town(request)
    context: dict[str, Any] = {"town": town}
    if town is not None and not scope_for(request.user).is_empty:
        figures = registry_figures(user=request.user, town=town)
        per_committee = residents_per_committee(user=request.user, town=town)
        context["figures"] = figures
        context["chart"] = {
            "committees": [name for name, _ in per_committee],
            "residents": [n for _, n in per_committee],
            "tags": list(figures["care_tags"]),
            "tag_counts": list(figures["care_tags"].values()),
        }
        if request.user.is_superuser:  # type: ignore[union-attr]
            context["towns"] = Town.objects.all()
    return render(request, "dashboards/home.html", context)
