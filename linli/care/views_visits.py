"""Door-knock pages: the knock list, recording a visit from a phone, and visit coverage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.care import selectors, services
from linli.care.forms import VisitForm, new_form_token
from linli.care.models import HelpRequest
from linli.core.filters import parse_id
from linli.core.http import user_of
from linli.core.validators import Problem
from linli.places.models import Resident
from linli.places.selectors import household_and_resident, user_town_or_refuse

PER_PAGE = 50
SPECIAL_ROWS = 50
BUILDING_ROWS = 100  # the most overdue first; ?committee= narrows a town's list
VOLUNTEER_ROWS = 200
KNOCK_LIST_MAX = 1000  # doors listed without choosing a building
COVERAGE_PAGE = 20  # buildings, and volunteers, per page of the coverage page


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    """走访: the doors of the user's scope, longest unvisited first, each with a knock button."""
    town = user_town_or_refuse(request)
    since = timezone.now() - dt.timedelta(days=town.visit_overdue_days)
    households = selectors.households_to_visit(request.user).filter(town=town)
    special = selectors.special_residents_to_visit(request.user).filter(town=town)
    building = parse_id(request.GET.get("building"))
    if building:
        households = households.filter(building_id=building)
        special = special.filter(household__building_id=building)
    # A town's or a big committee's doors are not one list: they pick a building first.
    too_many = not building and households.count() > KNOCK_LIST_MAX
    context = {
        "town": town,
        "since": since,
        "too_many": too_many,
        "page": None
        if too_many
        else Paginator(households, PER_PAGE).get_page(request.GET.get("page")),
        "special": [] if too_many else list(special[:SPECIAL_ROWS]),
        "building": building,
    }
    return render(request, "care/visits.html", context)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """走访覆盖: per building, who has not been visited within N days; visits per volunteer."""
    town = user_town_or_refuse(request)
    now = timezone.now()
    since = now - dt.timedelta(days=town.visit_overdue_days)
    rows = selectors.visit_coverage(request.user, town, now)
    totals = {
        "households": sum(r.households for r in rows),
        "households_overdue": sum(r.households_overdue for r in rows),
        "special": sum(r.special for r in rows),
        "special_overdue": sum(r.special_overdue for r in rows),
    }
    committees = _by_committee(rows)
    committee = parse_id(request.GET.get("committee"))
    if committee:
        rows = [r for r in rows if r.building.compound.committee_id == committee]
    # A volunteer finds their building by name; the rest is in pages, most overdue first.
    q = request.GET.get("q", "").strip()
    if q:
        rows = [r for r in rows if q in r.building.name or q in r.building.compound.name]
    volunteers = selectors.visits_per_volunteer(request.user, town, since)[:VOLUNTEER_ROWS]
    context = {
        "town": town,
        "rows": Paginator(rows[:BUILDING_ROWS], COVERAGE_PAGE).get_page(request.GET.get("page")),
        "more": max(len(rows) - BUILDING_ROWS, 0),
        "committees": committees if len(committees) > 1 else [],
        "committee": committee,
        "q": q,
        "totals": totals,
        "volunteers": Paginator(volunteers, COVERAGE_PAGE).get_page(request.GET.get("vpage")),
        "days": town.visit_overdue_days,
    }
    return render(request, "care/coverage.html", context)


def _by_committee(rows: list[selectors.BuildingCoverage]) -> list[dict[str, Any]]:
    """The building rows summed per committee, most overdue first."""
    sums: dict[int, dict[str, Any]] = {}
    for row in rows:
        committee = row.building.compound.committee
        item = sums.setdefault(
            committee.pk,
            {
                "committee": committee,
                "households": 0,
                "households_overdue": 0,
                "special": 0,
                "special_overdue": 0,
            },
        )
        for key in ("households", "households_overdue", "special", "special_overdue"):
            item[key] += getattr(row, key)
    return sorted(
        sums.values(),
        key=lambda i: (-i["households_overdue"] - i["special_overdue"], i["committee"].name),
    )


@login_required
def visit(request: HttpRequest, **place: int) -> HttpResponse:
    """Record a door-knock at the household or the resident the URL names."""
    household, resident = household_and_resident(request.user, **place)
    residents = Resident.objects.visible_to(request.user).filter(
        household=household, status__in=selectors.LIVING
    )
    initial = {"form_token": new_form_token(), "resident": resident}
    form = VisitForm(request.POST or None, residents=residents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.visit_record(
                user=user_of(request),
                household=household,
                resident=data["resident"],
                outcome=data["outcome"],
                notes=data["notes"],
                needs=form.needs(),
                form_token=data["form_token"],
                request=request,
            )
        except Problem as exc:
            form.add_error(None, str(exc))
        else:
            links = [
                (
                    made.help_request,
                    request.build_absolute_uri(reverse("care:status", args=[made.status_token])),
                )
                for made in recorded.help_requests
                if made.status_token
            ]
            context = {
                "visit": recorded.visit,
                "links": links,
                "title": _("走访已记录"),
                "back": reverse("care:visits"),
                "to_call": recorded.to_call,
                "escalated": recorded.escalated,
            }
            return render(request, "care/visit_done.html", context)
    context = {
        "form": form,
        "household": household,
        "resident": resident,
        "recent": selectors.recent_visits(request.user, household),
        "open_requests": HelpRequest.objects.visible_to(request.user)
        .filter(household=household, status__in=HelpRequest.OPEN_STATUSES)
        .order_by("due_at")[:10],
    }
    return render(request, "care/visit.html", context, status=400 if form.errors else 200)
