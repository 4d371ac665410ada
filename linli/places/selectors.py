"""Reads of the place registry. Every function takes the user and goes through the access gate.

`user=None` is the operator's own context (management commands such as `linli report`): it
reads the whole town named. Views and the API always pass `request.user`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from linli.core.access import scope_for
from linli.core.http import int_param
from linli.places.models import (
    Building,
    CareTag,
    Committee,
    Compound,
    Household,
    Resident,
    ResidentChange,
    Town,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from linli.accounts.models import User

    Viewer = User | AnonymousUser | None

M = TypeVar("M", Committee, Compound, Building, Household, Resident)

# Residents who have left the registry (moved out, died) stay in it as history but are not
# counted as living there.
GONE_STATUSES = (Resident.Status.MOVED_OUT, Resident.Status.DECEASED)


def _visible(model: type[M], user: Viewer, town: Town | None = None) -> QuerySet[M]:
    manager: Any = model.objects
    qs: QuerySet[M] = manager.all() if user is None else manager.visible_to(user)
    if town is not None:
        qs = qs.filter(town=town)
    return qs


def committees_for(user: Viewer, town: Town | None = None) -> QuerySet[Committee]:
    return _visible(Committee, user, town)


def compounds_for(user: Viewer, town: Town | None = None) -> QuerySet[Compound]:
    return _visible(Compound, user, town).select_related("committee")


def buildings_for(user: Viewer, town: Town | None = None) -> QuerySet[Building]:
    return _visible(Building, user, town).select_related("compound__committee")


def households_for(user: Viewer, town: Town | None = None) -> QuerySet[Household]:
    return _visible(Household, user, town).select_related("building__compound__committee")


def residents_for(user: Viewer, town: Town | None = None) -> QuerySet[Resident]:
    """Residents the user may see, ready for lists (places joined, care tags prefetched)."""
    return (
        _visible(Resident, user, town)
        .select_related("household__building__compound__committee")
        .prefetch_related("care_tags")
    )


def resident_for(user: Viewer, pk: int) -> Resident:
    """One resident the user may see, ready for their page; else Http404."""
    return get_object_or_404(residents_for(user), pk=pk)


def household_and_resident(
    user: Viewer, *, household: int | None = None, resident: int | None = None
) -> tuple[Household, Resident | None]:
    """The household a page or call is about, and the resident when it names one (their
    household then); else Http404."""
    if resident is not None:
        found = get_object_or_404(
            _visible(Resident, user).select_related("household__building__compound"), pk=resident
        )
        return found.household, found
    queryset = _visible(Household, user).select_related("building__compound")
    return get_object_or_404(queryset, pk=household), None


def current_residents_for(user: Viewer, town: Town | None = None) -> QuerySet[Resident]:
    """Residents living here now: neither moved out nor deceased."""
    return _visible(Resident, user, town).exclude(status__in=GONE_STATUSES)


def care_tags_for(user: Viewer) -> QuerySet[CareTag]:
    """Care tags the user can filter by: the built-in ones and their town's own."""
    town_id = getattr(user, "town_id", None)
    if user is not None and getattr(user, "is_superuser", False) and town_id is None:
        return CareTag.objects.all()
    return CareTag.objects.filter(Q(town=None) | Q(town_id=town_id))


def resident_history(resident: Resident) -> QuerySet[ResidentChange]:
    """The moves and status changes of a resident fetched through the gate, newest first."""
    return ResidentChange.objects.filter(resident=resident).select_related(
        "changed_by", "from_household__building__compound", "to_household__building__compound"
    )


def get_object_visible(model: type[M], user: Viewer, **lookup: Any) -> M:
    """One row the user may see, else Http404 (out of scope looks like absent)."""
    return get_object_or_404(_visible(model, user), **lookup)


def special(residents: QuerySet[Resident]) -> QuerySet[Resident]:
    """Residents with at least one care tag (特殊人群); no join, so no duplicates."""
    tagged = Resident.care_tags.through.objects.filter(resident_id=OuterRef("pk"))
    return residents.filter(Exists(tagged))


# For each level of a place list: figure → (what is counted, path from it to the place's id).
COUNTS: dict[str, dict[str, tuple[str, str]]] = {
    "committee": {
        "compounds_n": ("compounds", "committee_id"),
        "buildings_n": ("buildings", "compound__committee_id"),
        "households_n": ("households", "building__compound__committee_id"),
        "residents_n": ("residents", "household__building__compound__committee_id"),
        "special_n": ("special", "household__building__compound__committee_id"),
    },
    "compound": {
        "buildings_n": ("buildings", "compound_id"),
        "households_n": ("households", "building__compound_id"),
        "residents_n": ("residents", "household__building__compound_id"),
    },
    "building": {
        "households_n": ("households", "building_id"),
        "residents_n": ("residents", "household__building_id"),
    },
}


def place_counts(
    user: Viewer, level: str, ids: list[int] | None = None, only: tuple[str, ...] | None = None
) -> dict[int, dict[str, int]]:
    """Figures (compounds, buildings, households, residents, special) of the places `ids` (or of
    every visible place), counted through the gate: {place id: {figure: n}}; `only` names the
    figures wanted when not all are.

    One grouped query per figure, restricted to the places shown: a page of 50 buildings costs
    the same whatever the size of the town, and counts never include what the user may not see.
    """
    if ids is not None and not ids:
        return {}
    current = current_residents_for(user)
    sources: dict[str, QuerySet[Any]] = {
        "compounds": _visible(Compound, user),
        "buildings": _visible(Building, user),
        "households": _visible(Household, user),
        "residents": current,
        "special": special(current),
    }
    figures = {f: spec for f, spec in COUNTS[level].items() if only is None or f in only}
    found: dict[int, dict[str, int]] = {}
    for figure, (source, path) in figures.items():
        rows = sources[source]
        if ids is not None:
            rows = rows.filter(**{f"{path}__in": ids})
        grouped = rows.order_by().values(path).annotate(n=Count("pk")).values_list(path, "n")
        for place_id, n in grouped:
            found.setdefault(place_id, {})[figure] = n
    zeros = dict.fromkeys(figures, 0)
    keys = ids if ids is not None else list(found)
    return {pk: {**zeros, **found.get(pk, {})} for pk in keys}


def attach_counts(user: Viewer, level: str, places: list[Any]) -> list[Any]:
    """Set each place's figures as attributes (`residents_n`, …), for the API's schemas."""
    counts = place_counts(user, level, [p.pk for p in places])
    for place in places:
        for figure, n in counts[place.pk].items():
            setattr(place, figure, n)
    return places


def registry_figures(*, user: Viewer, town: Town) -> dict[str, Any]:
    """The registry's figures for a town as the user may see them.

    Keys: town, committees, compounds, buildings, households, residents, special_residents
    (residents with at least one care tag), care_tags (tag name → residents with it). Residents
    are those living here now (not moved out or deceased). Shared by the dashboard,
    `linli report registry` and GET /api/v1/reports/registry/.
    """
    current = current_residents_for(user, town)
    tag_counts = dict(
        current.filter(care_tags__isnull=False)
        .order_by()
        .values("care_tags__name")
        .annotate(n=Count("pk"))
        .values_list("care_tags__name", "n")
    )
    town_tags = CareTag.objects.filter(Q(town=None) | Q(town=town)).values_list("name", flat=True)
    return {
        "town": town.name,
        "committees": _visible(Committee, user, town).count(),
        "compounds": _visible(Compound, user, town).count(),
        "buildings": _visible(Building, user, town).count(),
        "households": _visible(Household, user, town).count(),
        "residents": current.count(),
        "special_residents": special(current).count(),
        "care_tags": {name: tag_counts.get(name, 0) for name in town_tags},
    }


def residents_per_committee(*, user: Viewer, town: Town) -> list[tuple[str, int]]:
    """(committee name, residents living there now) for the committees the user may see."""
    committees = list(committees_for(user, town).values_list("pk", "name"))
    counts = place_counts(user, "committee", [pk for pk, _ in committees], only=("residents_n",))
    return [(name, counts[pk]["residents_n"]) for pk, name in committees]


def user_town(request: HttpRequest) -> Town | None:
    """The town a page is about, one rule for every page: a committee's staff → their
    committee's town; anyone else with a town of their own (town staff, a volunteer) → it; a
    superuser → the town chosen with `?town=<id>` (an older link's `?town=<name>` still works),
    else their own, else the first town. None for a login with no town."""
    user: Any = request.user
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        towns = Town.objects.order_by("pk")
        chosen = request.GET.get("town", "").strip()
        if chosen:
            found = towns.filter(pk=int_param(chosen)).first() or towns.filter(name=chosen).first()
            if found is not None:
                return found
        return towns.filter(pk=user.town_id).first() or towns.first()
    if user.committee_id is not None:
        return Town.objects.filter(committees=user.committee_id).first()
    return Town.objects.filter(pk=user.town_id).first() if user.town_id else None


def user_town_or_refuse(request: HttpRequest) -> Town:
    """`user_town` for a page of people's data: a login without scope is refused (403), one
    without a town finds nothing (404)."""
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    town = user_town(request)
    if town is None:
        raise Http404
    return town
