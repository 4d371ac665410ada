"""Coverage of the responsibility grid (包干覆盖): the seed town's figures, from the data.

`coverage()` reads through the access gate of the viewer (`user=None` is the operator running
`linli report`: the whole town) and returns the figures and, for each gap, the ids in display
order; the page fetches the first few of each, the report all of them.

For speed on a town of 180,000 residents, each table is read once as plain ids (duties,
pairings, volunteers: thousands of rows; special-care residents from the care-tag links, not by
testing every resident) and the sets are combined in Python, instead of correlated EXISTS
subqueries whose plans depend on the database's statistics.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import QuerySet

from linli.core.masking import shown
from linli.duty.models import Duty, Pairing, Volunteer, active_q
from linli.places.models import Building, Committee, Resident, Town

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

Q_ = TypeVar("Q_", bound=QuerySet[Any])
CARED_STATUSES = (Resident.Status.PRESENT, Resident.Status.AWAY)
CHUNK = 2000


def _gate(queryset: Q_, user: User | AnonymousUser | None) -> Q_:
    return queryset if user is None else queryset.visible_to(user)  # type: ignore[attr-defined]


def special_resident_ids(town: Town, user: User | AnonymousUser | None) -> set[int]:
    """Residents with a care tag who still live here, as far as the viewer can see.

    Written as `id IN (care-tag links)` so that the database walks the links (a sixth of the
    residents) and looks residents up by key, rather than scanning the town's residents."""
    tagged = Resident.care_tags.through.objects.values("resident_id")
    residents = Resident.objects.filter(town=town, status__in=CARED_STATUSES, pk__in=tagged)
    return set(_gate(residents, user).order_by().values_list("id", flat=True))


@dataclass
class Coverage:
    """Figures of one town as far as the viewer can see, and the ids of each gap in order."""

    town: Town
    figures: dict[str, Any]
    committee_gaps: list[int]
    building_gaps: list[int]
    resident_gaps: list[int]
    volunteer_gaps: list[int]

    def committees_without_second_secretary(self, limit: int | None = None) -> list[Committee]:
        return _fetch(Committee.objects.all(), self.committee_gaps[:limit])

    def buildings_without_leader(self, limit: int | None = None) -> list[Building]:
        rows = Building.objects.select_related("compound__committee")
        return _fetch(rows, self.building_gaps[:limit])

    def special_residents_unpaired(self, limit: int | None = None) -> list[Resident]:
        rows = Resident.objects.select_related("household__building__compound")
        return _fetch(rows, self.resident_gaps[:limit])

    def volunteers_without_duty(self, limit: int | None = None) -> list[Volunteer]:
        return _fetch(Volunteer.objects.select_related("committee"), self.volunteer_gaps[:limit])


def _fetch(queryset: QuerySet[Any], ids: list[int]) -> list[Any]:
    """The rows with these ids, in the order of the ids."""
    found: dict[int, Any] = {}
    for start in range(0, len(ids), CHUNK):
        found.update((o.pk, o) for o in queryset.filter(pk__in=ids[start : start + CHUNK]))
    return [found[i] for i in ids if i in found]


def coverage(*, town: Town, user: User | AnonymousUser | None = None) -> Coverage:
    duties = list(
        _gate(Duty.objects.filter(active_q(), town=town), user)
        .order_by()
        .values_list("kind", "volunteer_id", "committee_id", "building_id")
    )
    committees = dict(
        _gate(Committee.objects.filter(town=town), user).order_by("name").values_list("id", "name")
    )
    with_secretary = {c for k, _v, c, _b in duties if k == Duty.Kind.SECOND_SECRETARY}
    buildings = list(
        _gate(Building.objects.filter(town=town), user)
        .order_by("compound__committee__name", "compound__name", "sort_key")
        .values_list("id", flat=True)
    )
    with_leader = {b for k, _v, _c, b in duties if k == Duty.Kind.BUILDING_LEADER}

    special = special_resident_ids(town, user)
    pairs = _gate(Pairing.objects.filter(active_q(), town=town), user)
    pairs_seen = list(pairs.order_by().values_list("resident_id", "volunteer_id"))
    paired = {r for r, _v in pairs_seen}

    committee_names = dict(Committee.objects.filter(town=town).values_list("id", "name"))
    volunteers = sorted(
        _gate(Volunteer.objects.filter(town=town, status=Volunteer.Status.ACTIVE), user)
        .order_by()
        .values_list("id", "source", "committee_id", "name"),
        key=lambda v: (committee_names.get(v[2], ""), v[3], v[0]),
    )
    by_source = dict.fromkeys(Volunteer.Source.values, 0)
    by_source.update(Counter(v[1] for v in volunteers))
    in_force = {"town": town}
    busy = set(
        Duty.objects.filter(active_q(), **in_force)
        .order_by()
        .values_list("volunteer_id", flat=True)
    )
    busy |= set(
        Pairing.objects.filter(active_q(), **in_force)
        .order_by()
        .values_list("volunteer_id", flat=True)
    )

    def holders(kind: str) -> int:
        return len({v for k, v, _c, _b in duties if k == kind})

    figures = {
        "town": town.name,
        "committees": len(committees),
        "committees_with_second_secretary": len(with_secretary & committees.keys()),
        "second_secretaries": holders(Duty.Kind.SECOND_SECRETARY),
        "volunteers_by_source": by_source,
        "buildings": len(buildings),
        "buildings_with_leader": len(with_leader.intersection(buildings)),
        "building_leaders": holders(Duty.Kind.BUILDING_LEADER),
        "special_residents": len(special),
        "special_residents_paired": len(special & paired),
        "pairing_volunteers": len({v for _r, v in pairs_seen}),
    }
    return Coverage(
        town=town,
        figures=figures,
        committee_gaps=[c for c in committees if c not in with_secretary],
        building_gaps=[b for b in buildings if b not in with_leader],
        resident_gaps=sorted(special - paired),
        volunteer_gaps=[v[0] for v in volunteers if v[0] not in busy],
    )


def _labels(
    queryset: QuerySet[Any], ids: list[int], fields: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """Values of these rows (as tuples of `fields`), in the order of the ids."""
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = queryset.filter(pk__in=ids[start : start + CHUNK]).order_by()
        found.update((row[0], row[1:]) for row in chunk.values_list("pk", *fields))
    return [found[i] for i in ids if i in found]


def duty_coverage_report(*, town: Town, user: User | AnonymousUser | None = None) -> dict[str, Any]:
    """The `duty-coverage` report: figures, then the gaps as lists of names (read as plain
    values: a large town has tens of thousands of them)."""
    found = coverage(town=town, user=user)
    buildings = _labels(
        Building.objects.all(),
        found.building_gaps,
        ("compound__committee__name", "compound__name", "name"),
    )
    residents = _labels(
        Resident.objects.all(),
        found.resident_gaps,
        (
            "name",
            "household__building__compound__name",
            "household__building__name",
            "household__room",
        ),
    )
    volunteers = _labels(
        Volunteer.objects.all(), found.volunteer_gaps, ("name", "phone", "committee__name")
    )
    return {
        **found.figures,
        "committees_without_second_secretary": [
            name for (name,) in _labels(Committee.objects.all(), found.committee_gaps, ("name",))
        ],
        "buildings_without_leader": [" ".join(b) for b in buildings],
        "special_residents_unpaired": [f"{n}（{c} {b} {r}）" for n, c, b, r in residents],
        "volunteers_without_duty": [
            f"{n} {shown(user, 'phone', p)}（{c}）" for n, p, c in volunteers
        ],
    }


GAP_KEYS = (
    "committees_without_second_secretary",
    "buildings_without_leader",
    "special_residents_unpaired",
    "volunteers_without_duty",
)


def report_rows(figures: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The xlsx layout: one row per figure, then one row per gap (kind, name)."""
    rows: list[list[Any]] = []
    for key, value in figures.items():
        if key in GAP_KEYS:
            continue
        if isinstance(value, dict):
            rows.extend([f"{key}.{name}", v] for name, v in value.items())
        else:
            rows.append([key, value])
    for key in GAP_KEYS:
        rows.extend([key, name] for name in figures.get(key, []))
    return ["key", "value"], rows
