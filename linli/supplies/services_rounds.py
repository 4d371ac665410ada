"""Package rounds (物资发放): writes, and the two workflows (the round's, each household's).

A round covers compounds; creating it writes one `PackageDelivery` per household on their
roster (renters' and workers' rooms are households like any other), one `RoundBuilding` per
building (its packages packed together), both in bulk. A household's package then moves
pending → delivered (who signed, which team, when) or into an exception (absent, vacant) that
is delivered later or resolved; a room the team finds lived in but missing from the roster is
added as not-on-roster for the committee to resolve. Every move goes through
`linli.core.workflow.transition()`; the delivery sheet's import writes the same history rows in
bulk (`linli.supplies.importers.deliveries`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from linli.core.audit import audit
from linli.core.bulk import BATCH
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Workflow, moves, transition
from linli.places.models import Building, Compound, Household
from linli.supplies.models import (
    PackageDelivery,
    PackageDeliveryChange,
    PackageRound,
    PackageRoundChange,
    RoundBuilding,
    RoundTeam,
)
from linli.supplies.rules import manages_round, marks_delivery, resolves_delivery

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.duty.models import Team
    from linli.places.models import Town

R = PackageRound.Status
D = PackageDelivery.Status

_RUN = (
    "只有负责全部发放小区的工作人员可以推进发放",
    "only staff answering for all the round's compounds run it",
)
ROUND_WORKFLOW = Workflow(
    name="package round",
    model=PackageRound,
    history=PackageRoundChange,
    subject="round",
    moves=[
        *moves([R.PACKING], [R.DELIVERING], manages_round, refusal=_RUN),
        *moves([R.DELIVERING], [R.CLOSED], manages_round, refusal=_RUN),
        *moves([R.CLOSED], [R.DELIVERING], manages_round, refusal=_RUN),
        *moves([R.PACKING, R.DELIVERING], [R.CANCELLED], manages_round, refusal=_RUN),
    ],
)

_MARK = (
    "只有该楼的配送队伍、楼组长或工作人员可以登记",
    "only the building's team, leader or staff",
)
_RESOLVE = (
    "只有居委或镇/街道工作人员可以处理异常",
    "only committee or town staff resolve exceptions",
)
DELIVERY_WORKFLOW = Workflow(
    name="package delivery",
    model=PackageDelivery,
    history=PackageDeliveryChange,
    subject="delivery",
    moves=[
        *moves([D.PENDING], [D.DELIVERED, D.ABSENT, D.VACANT], marks_delivery, refusal=_MARK),
        *moves([D.ABSENT], [D.DELIVERED, D.VACANT], marks_delivery, refusal=_MARK),
        *moves([D.VACANT], [D.DELIVERED], marks_delivery, refusal=_MARK),
        *moves([D.NOT_ON_ROSTER], [D.DELIVERED], resolves_delivery, refusal=_RESOLVE),
        *moves(
            [D.ABSENT, D.VACANT, D.NOT_ON_ROSTER], [D.RESOLVED], resolves_delivery, refusal=_RESOLVE
        ),
        # A mark made in error is undone by staff.
        *moves([D.DELIVERED, D.RESOLVED], [D.PENDING], resolves_delivery, refusal=_RESOLVE),
    ],
    related=("building__compound",),
)

EXCEPTION_STATUSES = (D.ABSENT, D.VACANT)


def _households(compounds: Iterable[Compound]) -> list[tuple[int, int, str]]:
    return list(
        Household.objects.filter(building__compound__in=list(compounds))
        .order_by("building_id", "room")
        .values_list("id", "building_id", "room")
    )


@transaction.atomic
def round_create(
    *,
    user: User | None,
    town: Town,
    name: str,
    contents: str,
    compounds: Iterable[Compound],
    request: HttpRequest | None = None,
) -> PackageRound:
    """A round over these compounds: a package for every household on their roster now."""
    name = name.strip()
    if not name:
        raise Problem("请填写轮次名称", "give the round a name")
    compounds = list(compounds)
    if not compounds:
        raise Problem("请至少选择一个小区", "choose at least one compound")
    if any(c.town_id != town.pk for c in compounds):
        raise Problem("小区不属于本镇/街道", "a compound belongs to another town")
    if user is not None:
        visible = set(Compound.objects.visible_to(user).values_list("pk", flat=True))
        if any(c.pk not in visible for c in compounds):
            raise Problem("只能为您负责的小区发放", "you may choose only compounds you see")
    if PackageRound.objects.filter(town=town, name=name).exists():
        raise Problem(f"已有同名轮次“{name}”", f"a round named {name!r} exists")
    package_round = PackageRound.objects.create(
        town=town, name=name, contents=contents.strip(), created_by=user
    )
    package_round.compounds.set(compounds)
    PackageRoundChange.objects.create(round=package_round, by=user, to_status=R.PACKING)
    added = _add_households(package_round, _households(compounds))
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=package_round,
        summary=f"package round {name}",
        detail={"compounds": len(compounds), "households": added},
        request=request,
    )
    return package_round


def _add_households(package_round: PackageRound, rows: list[tuple[int, int, str]]) -> int:
    """Deliveries and building rows for these (household, building, room) rows, in bulk."""
    town_id = package_round.town_id
    PackageDelivery.objects.bulk_create(
        [
            PackageDelivery(
                town_id=town_id, round=package_round, household_id=h, building_id=b, room=room
            )
            for h, b, room in rows
        ],
        batch_size=BATCH,
    )
    counts: dict[int, int] = {}
    for _h, b, _room in rows:
        counts[b] = counts.get(b, 0) + 1
    existing = dict(
        RoundBuilding.objects.filter(round=package_round).values_list("building_id", "pk")
    )
    RoundBuilding.objects.bulk_create(
        [
            RoundBuilding(town_id=town_id, round=package_round, building_id=b, packages=n)
            for b, n in counts.items()
            if b not in existing
        ],
        batch_size=BATCH,
    )
    for b, n in counts.items():
        if b in existing:
            RoundBuilding.objects.filter(pk=existing[b]).update(packages=F("packages") + n)
    return len(rows)


@transaction.atomic
def round_sync_roster(
    *, user: User | None, package_round: PackageRound, request: HttpRequest | None = None
) -> int:
    """Add packages for households registered since the round began (a renter's room added to
    the roster); returns how many."""
    locked = PackageRound.objects.select_for_update().get(pk=package_round.pk)
    if locked.status in (R.CLOSED, R.CANCELLED):
        raise Problem("本轮发放已结束", "the round has ended")
    have = set(
        PackageDelivery.objects.filter(round=locked, household__isnull=False).values_list(
            "household_id", flat=True
        )
    )
    rows = [r for r in _households(locked.compounds.all()) if r[0] not in have]
    added = _add_households(locked, rows)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"package round {locked.name}: roster",
        detail={"added": added},
        request=request,
    )
    return added


@transaction.atomic
def round_team_add(
    *,
    user: User | None,
    package_round: PackageRound,
    kind: str,
    name: str = "",
    team: Team | None = None,
    worksite: Compound | None = None,
    headcount: int = 0,
    request: HttpRequest | None = None,
) -> RoundTeam:
    """A team delivering in the round: a committee's service team or transport team (a duty
    Team), or a crew lent by a worksite."""
    K = RoundTeam.Kind
    if kind not in K.values:
        raise Problem("未知的队伍类型", f"unknown team kind {kind!r}")
    if kind == K.WORKSITE_CREW:
        if worksite is None or worksite.kind != Compound.Kind.WORKSITE:
            raise Problem("工地支援队需选择一个工地", "a lent crew comes from a worksite")
        if worksite.town_id != package_round.town_id:
            raise Problem("工地不属于本镇/街道", "the worksite belongs to another town")
        team = None
        name = name.strip() or f"{worksite.name}支援队"
    else:
        if team is None or team.town_id != package_round.town_id:
            raise Problem("请选择本镇/街道的服务小组", "choose a service team of the town")
        worksite = None
        name = name.strip() or str(team)
    if headcount < 0 or headcount > 1000:
        raise Problem("人数应在0到1000之间", "headcount must be between 0 and 1000")
    if RoundTeam.objects.filter(round=package_round, name=name).exists():
        raise Problem(f"已有同名队伍“{name}”", f"a team named {name!r} exists in the round")
    made = RoundTeam.objects.create(
        town_id=package_round.town_id,
        round=package_round,
        kind=kind,
        team=team,
        worksite=worksite,
        name=name,
        headcount=headcount,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=made,
        summary=f"package round {package_round.pk} team {made.pk}",
        request=request,
    )
    return made


@transaction.atomic
def round_building_assign(
    *,
    user: User | None,
    round_building: RoundBuilding,
    team: RoundTeam | None,
    request: HttpRequest | None = None,
) -> RoundBuilding:
    """The team that delivers the building's packages (None: nobody yet)."""
    if team is not None and team.round_id != round_building.round_id:
        raise Problem("该队伍不属于本轮发放", "the team is not in this round")
    round_building.team = team
    round_building.save(update_fields=["team"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=round_building,
        summary=f"package round {round_building.round_id}: building team",
        detail={"building": round_building.building_id, "team": team.pk if team else None},
        request=request,
    )
    return round_building


@transaction.atomic
def round_building_pack(
    *, user: User | None, round_building: RoundBuilding, request: HttpRequest | None = None
) -> RoundBuilding:
    """The building's packages are packed (打包完成) and wait for their team."""
    locked = RoundBuilding.objects.select_for_update().get(pk=round_building.pk)
    if locked.packed_at is not None:
        return locked
    locked.packed_at = timezone.now()
    locked.packed_by = user
    locked.save(update_fields=["packed_at", "packed_by"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"package round {locked.round_id}: building packed",
        detail={"building": locked.building_id, "packages": locked.packages},
        request=request,
    )
    return locked


@transaction.atomic
def delivery_mark(
    *,
    user: User | None,
    delivery: PackageDelivery,
    status: str,
    signer: str = "",
    team: RoundTeam | None = None,
    at: dt.datetime | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> PackageDelivery:
    """Mark a household's package: delivered (signed for by `signer`), absent or vacant, or
    resolve an exception; a move goes through the delivery workflow (409 when the package
    moved meanwhile, 403 for a user the move's rule refuses)."""
    package_round = PackageRound.objects.get(pk=delivery.round_id)
    if package_round.status != R.DELIVERING:
        raise Problem(
            "本轮发放不在配送中，不能登记", "the round is not delivering: nothing can be marked"
        )
    if team is not None and team.round_id != delivery.round_id:
        raise Problem("该队伍不属于本轮发放", "the team is not in this round")
    if at is not None and at > timezone.now() + dt.timedelta(minutes=5):
        raise Problem("签收时间不能晚于现在", "the delivery time is in the future")
    moved = transition(delivery, status, by=user, reason=note, request=request, at=at)
    fields: dict[str, Any] = {"marked_by": user, "note": note.strip()[:200]}
    if status == D.DELIVERED:
        if team is None:
            team = _team_of(moved)
        fields.update(signer=signer.strip()[:50], team=team, delivered_at=at or timezone.now())
    elif status == D.PENDING:
        fields.update(signer="", team=None, delivered_at=None)
    PackageDelivery.objects.filter(pk=moved.pk).update(**fields)
    moved.refresh_from_db()
    return moved


def _team_of(delivery: PackageDelivery) -> RoundTeam | None:
    found = (
        RoundBuilding.objects.filter(round_id=delivery.round_id, building_id=delivery.building_id)
        .select_related("team")
        .first()
    )
    return found.team if found else None


@transaction.atomic
def delivery_not_on_roster(
    *,
    user: User | None,
    package_round: PackageRound,
    building: Building,
    room: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> PackageDelivery:
    """A room the team found lived in that is missing from the roster (名册外): an exception for
    the committee to resolve (register the household, then deliver)."""
    room = room.strip()
    if not room or len(room) > 30:
        raise Problem("请填写室号（不超过30字）", "give the room (up to 30 characters)")
    if not RoundBuilding.objects.filter(round=package_round, building=building).exists():
        raise Problem("该楼不在本轮发放范围内", "the building is not in this round")
    if PackageDelivery.objects.filter(round=package_round, building=building, room=room).exists():
        raise Problem(f"{room}已在本轮名单中", f"room {room} is already on the round's list")
    made = PackageDelivery.objects.create(
        town_id=package_round.town_id,
        round=package_round,
        building=building,
        room=room,
        status=D.NOT_ON_ROSTER,
        marked_by=user,
        note=note.strip()[:200],
    )
    PackageDeliveryChange.objects.create(delivery=made, by=user, to_status=D.NOT_ON_ROSTER)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=made,
        summary=f"package round {package_round.pk}: room not on roster",
        detail={"building": building.pk},
        request=request,
    )
    return made
