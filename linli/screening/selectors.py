"""Reads of the screening app for the coverage pages, the round report and the API: the
rounds a viewer follows, the lists behind each coverage figure (the missing list 未检人员名单
above all), samples per time slot, open pools by hours since flagged, and the tube and box
reconciliation. The figures themselves are the counters' (`linli.screening.coverage`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from linli.accounts.rules import is_staff
from linli.core.access import scope_for
from linli.core.masking import mask_name
from linli.core.validators import Problem
from linli.places.models import Compound, Resident
from linli.screening.models import (
    Exemption,
    PoolFollowUp,
    PoolMember,
    Result,
    Sample,
    TestRound,
    TimeSlot,
    TransportBox,
    Tube,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

LISTS = ("expected", "exempt", "sampled", "missing", "positives")
PLACE_ORDER = (
    "household__building__compound__committee__name",
    "household__building__compound__name",
    "household__building__sort_key",
    "household__room",
    "id",
)


def rounds_for(user: User | AnonymousUser) -> QuerySet[TestRound]:
    """The rounds the viewer reaches (deduplicated: a round covers many compounds), newest
    first."""
    return TestRound.objects.filter(pk__in=TestRound.objects.visible_to(user).values("pk"))


def round_by_name(town: Town, name: str | None) -> TestRound:
    if not name:
        raise Problem("请用 --round 指定检测轮次", "name the round with --round")
    found = TestRound.objects.filter(town=town, name=name).first()
    if found is None:
        raise Problem(f"找不到检测轮次“{name}”", f"no test round named {name!r}")
    return found


def sees_whole_town(user: User | AnonymousUser | None, town_id: int) -> bool:
    """The viewer's scope holds the whole town (the operator, town staff)."""
    if user is None:
        return True
    scope = scope_for(user)
    return scope.all_towns or town_id in scope.ids["town"]


def names_shown(user: User | AnonymousUser | None) -> bool:
    """Full names on a page for staff; masked for volunteers and whatever leaves the app
    (`user=None`: a report or an export, masked)."""
    return user is not None and is_staff(user)


def _place_filter(prefix: str, within: dict[str, int]) -> Q:
    paths = {
        "committee_id": "building__compound__committee_id",
        "compound_id": "building__compound_id",
        "building_id": "building_id",
    }
    return Q(**{f"{prefix}{paths[key]}": value for key, value in within.items()})


def _residents(round_: TestRound, user: User | AnonymousUser | None) -> QuerySet[Resident]:
    rows = Resident.objects.filter(
        town_id=round_.town_id,
        household__building__compound__in=round_.compounds.all(),
    )
    if not sees_whole_town(user, round_.town_id):
        rows = rows & Resident.objects.visible_to(user)
    return rows


def people(
    round_: TestRound, which: str, user: User | AnonymousUser | None = None, **within: int
) -> QuerySet[Resident]:
    """The residents behind one coverage figure (`which`: expected, exempt, sampled, missing,
    positives) of the round, inside `within` (committee_id, compound_id or building_id), in
    place order: committee, compound, building, room."""
    if which not in LISTS:
        raise Problem(f"未知名单：{which}", f"unknown list {which!r}")
    rows = _residents(round_, user).filter(_place_filter("household__", within))
    exempt = Exists(Exemption.objects.filter(round=round_, resident=OuterRef("pk")))
    sampled = Exists(Sample.objects.filter(round=round_, resident=OuterRef("pk"), attempt=1))
    positive = Exists(
        Sample.objects.filter(round=round_, resident=OuterRef("pk"), result=Result.POSITIVE)
    )
    present = Q(status=Resident.Status.PRESENT)
    if which == "expected":
        rows = rows.filter(present).exclude(exempt)
    elif which == "exempt":
        rows = rows.filter(exempt)
    elif which == "sampled":
        rows = rows.filter(sampled)
    elif which == "missing":
        rows = rows.filter(present).exclude(exempt).exclude(sampled)
    else:
        rows = rows.filter(positive)
    return rows.select_related("household__building__compound__committee").order_by(*PLACE_ORDER)


def person_line(resident: Resident, user: User | AnonymousUser | None) -> dict[str, str]:
    """One line of a list: where the person lives and their name (masked unless the viewer is
    staff; worksites stand where committees do)."""
    building = resident.household.building
    compound = building.compound
    worksite = compound.kind == Compound.Kind.WORKSITE
    return {
        "committee": "" if worksite else compound.committee.name,
        "worksite": compound.name if worksite else "",
        "compound": compound.name,
        "building": building.name,
        "room": resident.household.room,
        "name": resident.name if names_shown(user) else mask_name(resident.name),
    }


def missing_list(
    round_: TestRound, user: User | AnonymousUser | None = None, **within: int
) -> list[dict[str, str]]:
    """未检人员名单: the roster present minus the exempt minus the sampled, by place."""
    return [person_line(r, user) for r in people(round_, "missing", user, **within).iterator()]


def by_slot(round_: TestRound, building_id: int) -> list[dict[str, Any]]:
    """A building's time slots with the residents sampled in each (first samples), and those
    sampled outside any slot (door-to-door, another point, late)."""
    slots = (
        TimeSlot.objects.filter(round=round_, building_id=building_id)
        .select_related("point")
        .annotate(n=Count("samples", filter=Q(samples__attempt=1)))
        .order_by("starts_at", "id")
    )
    lines: list[dict[str, Any]] = [
        {
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "point": slot.point.name,
            "floors": (slot.floor_from, slot.floor_to) if slot.floor_from else None,
            "sampled": slot.n,
        }
        for slot in slots
    ]
    outside = Sample.objects.filter(
        round=round_, building_id=building_id, attempt=1, slot__isnull=True
    ).count()
    lines.append({"starts_at": None, "ends_at": None, "point": "", "sampled": outside})
    return lines


def open_pools(
    round_: TestRound, user: User | AnonymousUser | None = None, *, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The round's open pool follow-ups, longest waiting first: the tube, hours since
    flagged, members and those still without a retest result."""
    now = now or timezone.now()
    members = PoolMember.objects.all()
    if not sees_whole_town(user, round_.town_id):
        members = members.visible_to(user)
    visible = members.values("follow_up_id")
    rows = (
        PoolFollowUp.objects.filter(round=round_, status=PoolFollowUp.Status.OPEN, pk__in=visible)
        .select_related("tube")
        .annotate(
            members_n=Count("members", distinct=True),
            pending=Count(
                "members",
                filter=~Q(members__result__in=[Result.NEGATIVE, Result.POSITIVE]),
                distinct=True,
            ),
        )
        .order_by("flagged_at", "id")
    )
    return [
        {
            "id": f.pk,
            "tube": f.tube.barcode,
            "flagged_at": f.flagged_at,
            "hours": int((now - f.flagged_at).total_seconds() // 3600),
            "members": f.members_n,
            "pending": f.pending,
        }
        for f in rows
    ]


def tube_reconciliation(round_: TestRound, point_id: int | None = None) -> dict[str, Any]:
    """Tubes and boxes of a round (or of one sampling point): tubes opened and by status,
    tubes whose `filled` differs from their samples, sealed tubes in no box, and each box
    with its tubes."""
    tubes = Tube.objects.filter(round=round_)
    boxes = TransportBox.objects.filter(round=round_)
    if point_id is not None:
        tubes = tubes.filter(point_id=point_id)
        boxes = boxes.filter(point_id=point_id)
    by_status = dict(tubes.order_by().values_list("status").annotate(n=Count("id")))
    counted = tubes.annotate(n=Count("samples")).exclude(filled=F("n"))
    return {
        "opened": sum(by_status.values()),
        **{status: by_status.get(status, 0) for status in Tube.Status.values},
        "mismatched": [
            {"barcode": t.barcode, "filled": t.filled, "samples": t.n}
            for t in counted.order_by("barcode")
        ],
        "unboxed": list(
            tubes.filter(status=Tube.Status.SEALED, box__isnull=True)
            .order_by("barcode")
            .values_list("barcode", flat=True)
        ),
        "boxes": [
            {
                "code": box.code,
                "tubes": box.n,
                "sealed_at": box.sealed_at,
                "sent_at": box.sent_at,
                "received_at": box.received_at,
            }
            for box in boxes.annotate(n=Count("tubes")).order_by("code")
        ],
    }
