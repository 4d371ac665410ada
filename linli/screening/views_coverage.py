"""Coverage pages (覆盖率): the rounds a viewer follows, a round's coverage drilled down from the
round to its committees, compounds and buildings (figures from the counters), the list behind
each figure (the missing list 未检人员名单 above all), a building's samples per time slot, open
pools by hours since flagged, the tube and box reconciliation, and the zone board with the
zero-infection streaks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.places.models import Building, Committee, Compound
from linli.places.selectors import user_town_or_refuse
from linli.screening import coverage, selectors, streaks
from linli.screening.models import SamplingPoint, TestRound, Zone

ROUNDS_PER_PAGE = 20
PEOPLE_PER_PAGE = 100


class CountedPaginator(Paginator):
    """A paginator told its count (the counters' figure) instead of counting the rows."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self) -> int:
        return self._known


def _round(request: HttpRequest, pk: int) -> TestRound:
    """The round, if the viewer follows its coverage: out of scope a 404, in scope without
    the rule a 403."""
    found = get_object_or_404(selectors.rounds_for(request.user), pk=pk)
    if not request.user.has_perm("screening.view_coverage", found):
        raise PermissionDenied
    return found


def _refused(request: HttpRequest, found: TestRound) -> HttpResponse:
    """A malformed place or point in the query: a 400 with the reason and the way back."""
    context = {"round": found, "reason": _("地点参数有误（应为编号）")}
    return render(request, "screening/coverage_refused.html", context, status=400)


@login_required
def coverage_rounds(request: HttpRequest) -> HttpResponse:
    """筛查覆盖: the rounds the viewer follows, newest first, with their figures."""
    rounds = selectors.rounds_for(request.user).order_by("-date", "-id")
    page = Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    lines = [
        (r, coverage.totals(r, request.user))
        for r in page.object_list
        if request.user.has_perm("screening.view_coverage", r)
    ]
    zone_board = request.user.has_perm("screening.view_zoneboard")
    context = {"page": page, "lines": lines, "zone_board": zone_board}
    return render(request, "screening/coverage_rounds.html", context)


@login_required
def coverage_round(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's coverage: its figures and one line per committee."""
    found = _round(request, pk)
    context = {
        "round": found,
        "figures": coverage.totals(found, request.user),
        "level": "committee",
        "lines": coverage.breakdown(found, "committee", request.user),
        "points": SamplingPoint.objects.filter(round=found).order_by("name"),
    }
    return render(request, "screening/coverage_round.html", context)


@login_required
def coverage_committee(request: HttpRequest, pk: int, committee: int) -> HttpResponse:
    """One committee's compounds in the round."""
    found = _round(request, pk)
    place = get_object_or_404(Committee, pk=committee, town_id=found.town_id)
    lines = coverage.breakdown(found, "compound", request.user, committee_id=place.pk)
    if not lines:
        raise Http404
    context = {
        "round": found,
        "place": place,
        "within": "committee",
        "query": f"?committee={place.pk}",
        "figures": coverage.totals(found, request.user, committee_id=place.pk),
        "level": "compound",
        "lines": lines,
    }
    return render(request, "screening/coverage_level.html", context)


@login_required
def coverage_compound(request: HttpRequest, pk: int, compound: int) -> HttpResponse:
    """One compound's buildings in the round."""
    found = _round(request, pk)
    place = get_object_or_404(
        Compound.objects.select_related("committee"), pk=compound, town_id=found.town_id
    )
    lines = coverage.breakdown(found, "building", request.user, compound_id=place.pk)
    if not lines:
        raise Http404
    context = {
        "round": found,
        "place": place,
        "within": "compound",
        "query": f"?compound={place.pk}",
        "figures": coverage.totals(found, request.user, compound_id=place.pk),
        "level": "building",
        "lines": lines,
    }
    return render(request, "screening/coverage_level.html", context)


@login_required
def coverage_building(request: HttpRequest, pk: int, building: int) -> HttpResponse:
    """One building: its figures, its missing list with rooms, samples per time slot."""
    found = _round(request, pk)
    place = get_object_or_404(
        Building.objects.select_related("compound__committee"), pk=building, town_id=found.town_id
    )
    if not coverage.counts_for(found, request.user).filter(building=place).exists():
        raise Http404
    missing = selectors.people(found, "missing", request.user, building_id=place.pk)
    context = {
        "round": found,
        "place": place,
        "query": f"?building={place.pk}",
        "figures": coverage.totals(found, request.user, building_id=place.pk),
        "missing": [selectors.person_line(r, request.user) for r in missing[:PEOPLE_PER_PAGE]],
        "more": max(missing.count() - PEOPLE_PER_PAGE, 0),
        "slots": selectors.by_slot(found, place.pk),
    }
    return render(request, "screening/coverage_building.html", context)


PLACE_PARAMS = {"committee": "committee_id", "compound": "compound_id", "building": "building_id"}
LIST_TITLES = {
    "expected": "应检人员",
    "exempt": "免检人员",
    "sampled": "已检人员",
    "missing": "未检人员名单",
    "positives": "阳性人员",
}


@login_required
def coverage_people(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """The list behind a figure (?committee=, ?compound= or ?building= narrows it), paged;
    its count is the counters' figure, so a town-wide list never counts samples."""
    found = _round(request, pk)
    if which not in selectors.LISTS:
        raise Http404
    within: dict[str, int] = {}
    for param, key in PLACE_PARAMS.items():
        value = request.GET.get(param, "")
        if value:
            if not value.isdigit():
                return _refused(request, found)
            within[key] = int(value)
    rows = selectors.people(found, which, request.user, **within)
    figures = coverage.totals(found, request.user, **within)
    paginator = CountedPaginator(rows, PEOPLE_PER_PAGE, count=figures[which])
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "round": found,
        "which": which,
        "title": LIST_TITLES[which],
        "page": page,
        "lines": [selectors.person_line(r, request.user) for r in page.object_list],
        "figure": figures[which],
    }
    return render(request, "screening/coverage_people.html", context)


@login_required
def coverage_pools(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's open pool follow-ups by hours since flagged."""
    found = _round(request, pk)
    context = {"round": found, "pools": selectors.open_pools(found, request.user)}
    return render(request, "screening/coverage_pools.html", context)


@login_required
def coverage_tubes(request: HttpRequest, pk: int) -> HttpResponse:
    """Tube and box reconciliation of the round, or of one sampling point (?point=)."""
    found = _round(request, pk)
    point = None
    value = request.GET.get("point", "")
    if value:
        if not value.isdigit():
            return _refused(request, found)
        point = get_object_or_404(SamplingPoint, pk=int(value), round=found)
    context = {
        "round": found,
        "point": point,
        "points": SamplingPoint.objects.filter(round=found).order_by("name"),
        "tubes": selectors.tube_reconciliation(found, point.pk if point else None),
    }
    return render(request, "screening/coverage_tubes.html", context)


@login_required
def zone_board(request: HttpRequest) -> HttpResponse:
    """分区管控看板: each compound and worksite's zone, its release date, the days since its
    last positive and its all-negative rounds in a row."""
    town = user_town_or_refuse(request)
    if not request.user.has_perm("screening.view_zoneboard"):
        raise PermissionDenied
    today = timezone.localdate()
    # The sealed first, then the controlled, then the rest: what the board is looked at for.
    rank = {Zone.SEALED: 0, Zone.CONTROLLED: 1, Zone.PRECAUTION: 2}
    lines = sorted(
        streaks.streaks(town, request.user, today=today),
        key=lambda line: rank.get(line["zone"], 3),
    )
    counts = {zone: sum(line["zone"] == zone for line in lines) for zone in rank}
    sections = [
        (_("小区"), [line for line in lines if line["kind"] != Compound.Kind.WORKSITE]),
        (_("工地"), [line for line in lines if line["kind"] == Compound.Kind.WORKSITE]),
    ]
    context = {
        "today": today,
        "sections": sections,
        "counts": [(zone, Zone(zone).label, n) for zone, n in counts.items()],
    }
    return render(request, "screening/coverage_zones.html", context)
