"""Reads of the desk part: the rounds a login sees, the people a desk may sample (its search,
an ID number's match), the door-to-door list, and a volunteer's desks on 我的任务."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from linli.core.masking import mask_name
from linli.places.models import Resident
from linli.screening.models import (
    PoolFollowUp,
    PoolMember,
    Result,
    Sample,
    SamplingPoint,
    TestRound,
    Tube,
)

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
ID_TAIL = re.compile(r"^\d{3}[\dXx]$")
SEARCH_LIMIT = 20
# Care tags of people who cannot come down to a point (linli/places/services.py's
# BUILTIN_CARE_TAGS has no "bedridden": the disabled and the seriously ill are the ones).
HOUSEBOUND_TAGS = ("disabled", "serious_illness")
SAMPLEABLE = (Resident.Status.PRESENT, Resident.Status.AWAY)


def rounds_for(user: Any) -> QuerySet[TestRound]:
    """The rounds the login sees (through the round's compounds, or a point it is posted at),
    each once, newest first."""
    ids = TestRound.objects.visible_to(user).values("pk")
    return TestRound.objects.filter(pk__in=ids).order_by("-date", "-id")


def shows_full_names(user: Any) -> bool:
    """Staff see names in full at a desk; a volunteer sees them masked (张*丰)."""
    from linli.accounts.rules import is_staff

    return bool(is_staff(user))


def name_for(user: Any, name: str) -> str:
    return name if shows_full_names(user) else mask_name(name)


def desk_people(point: SamplingPoint) -> QuerySet[Resident]:
    """Whom a desk may sample: the residents (present, or away and back) of the round's
    compounds. The desk's gate is the round's rule (`screening.sample_testround` on the point):
    a volunteer posted there searches the round's people, shown with masked names and rooms,
    never an ID or phone number."""
    return Resident.objects.filter(
        town_id=point.town_id,
        household__building__compound__in=point.round.compounds.all(),
        status__in=SAMPLEABLE,
    ).select_related("household__building__compound")


def by_id_number(point: SamplingPoint, value: str) -> Resident | None:
    """The resident an ID card (or a personal code) names, among the desk's people."""
    return desk_people(point).filter(id_number=value.upper()).first()


def search(point: SamplingPoint, q: str) -> list[Resident]:
    """Search by name, ID tail (the last 4) or room ("201", or "2号楼 201")."""
    q = " ".join(q.split())[:50]
    if not q:
        return []
    condition = Q(name__contains=q) | Q(name_initials=q.lower())
    if ID_TAIL.match(q):
        condition |= Q(id_number__endswith=q.upper())
    parts = q.split(" ")
    if len(parts) == 2:
        condition |= Q(household__building__name=parts[0], household__room=parts[1])
    else:
        condition |= Q(household__room=q)
    people = desk_people(point).filter(condition)
    return list(
        people.order_by(
            "household__building__compound__name",
            "household__building__sort_key",
            "household__room",
        )[:SEARCH_LIMIT]
    )


def sampled_in_round(round_: TestRound, residents: list[Resident]) -> set[int]:
    """Which of these residents already have a sample in the round."""
    return set(
        Sample.objects.filter(round=round_, resident__in=residents).values_list(
            "resident_id", flat=True
        )
    )


def tube_samples(tube: Tube) -> list[Sample]:
    """The tube's samples, the last scanned first."""
    return list(
        Sample.objects.filter(tube=tube)
        .select_related("resident__household__building")
        .order_by("-created_at", "-id")
    )


@dataclass
class DoorLine:
    resident: Resident
    why: str  # "housebound", "retest" or "co_resident"
    sampled: bool


def door_list(round_: TestRound, people: QuerySet[Resident]) -> list[DoorLine]:
    """上门采样名单: among `people` (the residents a viewer or desk may reach in the round),
    those who cannot come down (HOUSEBOUND_TAGS), the members of the round's open pool
    follow-ups still awaiting their retest, and the co-residents (same household) of those
    members; in building and room order, each with why and whether sampled this round."""
    pending = PoolMember.objects.filter(
        follow_up__round=round_,
        follow_up__status=PoolFollowUp.Status.OPEN,
        result=Result.PENDING,
    )
    retest_ids = set(pending.values_list("resident_id", flat=True))
    households = set(pending.values_list("resident__household_id", flat=True))
    rows = (
        people.filter(
            Q(care_tags__code__in=HOUSEBOUND_TAGS)
            | Q(pk__in=retest_ids)
            | Q(household_id__in=households)
        )
        .annotate(done=Exists(Sample.objects.filter(round=round_, resident_id=OuterRef("pk"))))
        .select_related("household__building__compound")
        .distinct()
        .order_by(
            "household__building__compound__name",
            "household__building__sort_key",
            "household__room",
            "pk",
        )
    )
    lines = []
    for r in rows:
        if r.pk in retest_ids:
            why = "retest"
        elif r.household_id in households:
            why = "co_resident"
        else:
            why = "housebound"
        lines.append(DoorLine(r, why, bool(r.done)))  # type: ignore[attr-defined]
    return lines


def waiting(user: Any) -> list[tuple[str, str, Any]]:
    """我的任务: the desks of open rounds a volunteer is posted at, with their open tubes. A
    login that is not a volunteer costs no query."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from linli.accounts.rules import is_volunteer
    from linli.care.selectors import QueueCount
    from linli.duty.rules import active_volunteer_of

    if not is_volunteer(user):
        return []
    volunteer = active_volunteer_of(user)
    if volunteer is None:
        return []
    points = (
        SamplingPoint.objects.filter(volunteers=volunteer, round__status=TestRound.Status.OPEN)
        .select_related("round")
        .annotate(open_tubes=Count("tubes", filter=Q(tubes__status=Tube.Status.OPEN)))
        .order_by("round__date", "name")
    )
    return [
        (
            _("采样点：%(point)s（%(round)s）") % {"point": p.name, "round": p.round.name},
            reverse("screening:desk", args=[p.pk]),
            QueueCount(max(p.open_tubes, 1), 0),  # type: ignore[attr-defined]
        )
        for p in points
    ]
