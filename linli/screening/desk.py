"""Writes of a round's desks: sampling points and their time slots (by hand, or spread over a
window by building), and the desk's tubes and transport boxes (open a tube by its barcode,
seal it, pack sealed tubes in a box, seal the box). Samples themselves land through
`sampling.sample_record`, the one writer of samples."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict, transition
from linli.places.models import Building, Compound
from linli.screening.models import SamplingPoint, TestRound, TimeSlot, TransportBox, Tube

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.duty.models import Volunteer

R = TestRound.Status
T = Tube.Status
PLANNING = (R.PLANNED, R.OPEN)
MAX_CODE = 40


def _actor(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _check_planning(round_: TestRound) -> None:
    if round_.status not in PLANNING:
        raise Conflict("本轮已结束，不能再修改", "the round is over: it can no longer change")


def _code(value: str, zh: str, en: str) -> str:
    code = "".join(value.split())
    if not code:
        raise Problem(f"请扫描或输入{zh}", f"scan or type the {en}")
    if len(code) > MAX_CODE:
        raise Problem(f"{zh}过长（最多 {MAX_CODE} 位）", f"the {en} is too long (max {MAX_CODE})")
    return code


# -- points and slots --------------------------------------------------------------------------


@transaction.atomic
def point_add(
    *,
    user: User | None,
    round_: TestRound,
    name: str,
    location: str = "",
    compound: Compound | None = None,
    desks: int = 1,
    volunteers: Sequence[Volunteer] = (),
    request: HttpRequest | None = None,
) -> SamplingPoint:
    """A sampling point of the round, standing in one of its compounds (or outside, serving
    several), with the volunteers posted there (of the round's committees)."""
    _check_planning(round_)
    name = name.strip()
    if not name:
        raise Problem("请填写采样点名称", "the point needs a name")
    if not 1 <= desks <= 50:
        raise Problem("采样台数应为 1–50", "desks must be 1–50")
    committees = set(round_.compounds.values_list("committee_id", flat=True))
    if compound is not None and not round_.compounds.filter(pk=compound.pk).exists():
        raise Problem("该小区不在本轮", "the compound is not in this round")
    if any(v.committee_id not in committees for v in volunteers):
        raise Problem("志愿者不属于本轮的居委", "a volunteer is not of this round's committees")
    try:
        with transaction.atomic():
            point = SamplingPoint.objects.create(
                round=round_,
                town_id=round_.town_id,
                compound=compound,
                name=name,
                location=location.strip(),
                desks=desks,
            )
    except IntegrityError:
        raise Problem(f"本轮已有采样点：{name}", f"the round has a point named {name!r}") from None
    point.volunteers.set(volunteers)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=round_,
        summary=f"sampling point {name} ({desks} desks, {len(volunteers)} volunteers)",
        request=request,
    )
    return point


def _slot_checks(
    round_: TestRound, point: SamplingPoint, building: Building, starts: dt.datetime
) -> None:
    if point.round_id != round_.pk:
        raise Problem("采样点不属于本轮", "the point belongs to another round")
    if not round_.compounds.filter(pk=building.compound_id).exists():
        raise Problem("该楼栋不在本轮", "the building is not in this round")
    if timezone.localtime(starts).date() != round_.date:
        raise Problem("时段须在本轮当天", "a slot must be on the round's day")


@transaction.atomic
def slot_add(
    *,
    user: User | None,
    round_: TestRound,
    point: SamplingPoint,
    building: Building,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    floor_from: int | None = None,
    floor_to: int | None = None,
    request: HttpRequest | None = None,
) -> TimeSlot:
    """A time slot calling a building (or floors `floor_from`–`floor_to` of it) down."""
    _check_planning(round_)
    _slot_checks(round_, point, building, starts_at)
    if ends_at <= starts_at:
        raise Problem("结束时间须晚于开始时间", "the slot must end after it starts")
    if (floor_from is None) != (floor_to is None):
        raise Problem("请同时填写起止楼层", "give both the first and the last floor")
    if floor_from is not None and floor_to is not None and not 1 <= floor_from <= floor_to:
        raise Problem("楼层范围不对", "the floor range is wrong")
    slot = TimeSlot.objects.create(
        round=round_,
        point=point,
        building=building,
        floor_from=floor_from,
        floor_to=floor_to,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=round_,
        summary=f"time slot {building.compound.name} {building.name} "
        f"{timezone.localtime(starts_at):%H:%M}–{timezone.localtime(ends_at):%H:%M}",
        request=request,
    )
    return slot


def spread(
    buildings: Sequence[Building], starts_at: dt.datetime, ends_at: dt.datetime, minutes: int
) -> list[tuple[Building, dt.datetime, dt.datetime]]:
    """Buildings, in the order given, over [starts_at, ends_at) in `minutes`-long slots: one
    building a slot while they fit; when there are more buildings than slots, building i (from
    0, of n) goes into slot i × slots ÷ n (rounded down), so each slot calls a few."""
    if minutes < 5:
        raise Problem("每个时段至少 5 分钟", "a slot lasts at least 5 minutes")
    step = dt.timedelta(minutes=minutes)
    slots = int((ends_at - starts_at) / step)
    if slots < 1:
        raise Problem("时间窗口短于一个时段", "the window is shorter than one slot")
    n = len(buildings)
    plan = []
    for i, building in enumerate(buildings):
        k = i if n <= slots else i * slots // n
        plan.append((building, starts_at + k * step, starts_at + (k + 1) * step))
    return plan


@transaction.atomic
def slots_spread(
    *,
    user: User | None,
    round_: TestRound,
    point: SamplingPoint,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    minutes: int,
    request: HttpRequest | None = None,
) -> list[TimeSlot]:
    """按楼栋生成时段: the point's buildings (its compound's, or every compound's of the round
    for a point outside) in natural order (compound, then 1号楼, 2号楼 … 10号楼), spread over the
    window (`spread`)."""
    _check_planning(round_)
    if point.round_id != round_.pk:
        raise Problem("采样点不属于本轮", "the point belongs to another round")
    if timezone.localtime(starts_at).date() != round_.date:
        raise Problem("时段须在本轮当天", "a slot must be on the round's day")
    buildings = Building.objects.filter(compound__in=round_.compounds.all())
    if point.compound_id is not None:
        buildings = buildings.filter(compound_id=point.compound_id)
    ordered = list(buildings.select_related("compound").order_by("compound__name", "sort_key"))
    if not ordered:
        raise Problem("没有可排的楼栋", "no buildings to schedule")
    made = TimeSlot.objects.bulk_create(
        [
            TimeSlot(round=round_, point=point, building=b, starts_at=start, ends_at=end)
            for b, start, end in spread(ordered, starts_at, ends_at, minutes)
        ]
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=round_,
        summary=f"time slots by building at {point.name}: {len(made)} × {minutes} min",
        request=request,
    )
    return made


# -- tubes and boxes ---------------------------------------------------------------------------


@transaction.atomic
def tube_open(
    *,
    user: User | None,
    point: SamplingPoint,
    barcode: str,
    capacity: int = Tube.Capacity.TEN,
    desk: int = 1,
    request: HttpRequest | None = None,
) -> tuple[Tube, bool]:
    """The desk scans a tube's barcode: a new code opens a tube of `capacity` at the point
    (its creation, `opened_by`/`opened_at`, is the tube's opening in its history); the code of
    a tube already open at this point is that tube again (a second scan, a resent form).
    Returns (tube, created)."""
    barcode = _code(barcode, "采样管条码", "tube barcode")
    round_ = point.round
    if round_.status != R.OPEN:
        raise Conflict("本轮不在采样中", "the round is not taking samples")
    if round_.kind != TestRound.Kind.PCR:
        raise Problem("抗原自测不用采样管", "an antigen self-test has no tube")
    if capacity not in Tube.Capacity.values:
        raise Problem("混采人数应为 1、5、10 或 20", "a tube holds 1, 5, 10 or 20")
    if not 1 <= desk <= point.desks:
        desk = 1
    existing = Tube.objects.filter(town_id=point.town_id, barcode=barcode).first()
    if existing is None:
        try:
            with transaction.atomic():
                tube = Tube.objects.create(
                    round=round_,
                    town_id=point.town_id,
                    point=point,
                    desk=desk,
                    barcode=barcode,
                    capacity=capacity,
                    opened_by=_actor(user),
                )
        except IntegrityError:
            # The same scan sent twice at once: the other request opened it.
            existing = Tube.objects.get(town_id=point.town_id, barcode=barcode)
        else:
            audit(
                user=user,
                action=AuditEntry.Action.CREATE,
                target=tube,
                summary=f"tube {barcode} opened at {point.name} ({capacity})",
                request=request,
            )
            return tube, True
    if existing.round_id != round_.pk or existing.point_id != point.pk:
        raise Conflict(
            f"条码 {barcode} 已在其他采样点或轮次使用", f"barcode {barcode} is used elsewhere"
        )
    if existing.status != T.OPEN:
        raise Conflict(f"采样管 {barcode} 已封管", f"tube {barcode} is sealed")
    return existing, False


@transaction.atomic
def tube_seal(*, user: User | None, tube: Tube, request: HttpRequest | None = None) -> Tube:
    """封管: open → sealed, stamping `sealed_at`. A tube is sealed once; an empty one is not."""
    if tube.status == T.OPEN and not Tube.objects.filter(pk=tube.pk, filled__gt=0).exists():
        raise Problem("空管不能封管", "an empty tube cannot be sealed")
    sealed = transition(tube, T.SEALED, by=user, request=request)
    Tube.objects.filter(pk=tube.pk).update(sealed_at=timezone.now())
    sealed.refresh_from_db()
    return sealed


@transaction.atomic
def box_open(
    *, user: User | None, point: SamplingPoint, code: str, request: HttpRequest | None = None
) -> tuple[TransportBox, bool]:
    """The desk scans a transport box's code: a new code is a new box of the round at the
    point; a known one (still open, of this point) is that box. Returns (box, created)."""
    code = _code(code, "转运箱号", "box code")
    round_ = point.round
    if round_.status != R.OPEN:
        raise Conflict("本轮不在采样中", "the round is not taking samples")
    try:
        with transaction.atomic():
            box, created = TransportBox.objects.get_or_create(
                round=round_, code=code, defaults={"town_id": point.town_id, "point": point}
            )
    except IntegrityError:
        box, created = TransportBox.objects.get(round=round_, code=code), False
    if box.point_id != point.pk:
        raise Conflict(f"转运箱 {code} 属于其他采样点", f"box {code} belongs to another point")
    if box.sealed_at is not None:
        raise Conflict(f"转运箱 {code} 已封箱", f"box {code} is sealed")
    if created:
        audit(
            user=user,
            action=AuditEntry.Action.CREATE,
            target=round_,
            summary=f"transport box {code} opened at {point.name}",
            request=request,
        )
    return box, created


@transaction.atomic
def box_add(
    *, user: User | None, box: TransportBox, barcode: str, request: HttpRequest | None = None
) -> Tube:
    """Put a sealed tube of the box's point in the (open) box; again is nothing new."""
    barcode = _code(barcode, "采样管条码", "tube barcode")
    box = TransportBox.objects.select_for_update().get(pk=box.pk)
    if box.sealed_at is not None:
        raise Conflict("转运箱已封箱", "the box is sealed")
    tube = (
        Tube.objects.select_for_update()
        .filter(town_id=box.town_id, round_id=box.round_id, barcode=barcode)
        .first()
    )
    if tube is None:
        raise Problem(f"本轮没有采样管 {barcode}", f"no tube {barcode} in this round")
    if tube.box_id == box.pk:
        return tube
    if tube.box_id is not None:
        raise Conflict(f"采样管 {barcode} 已装入其他转运箱", f"tube {barcode} is in another box")
    if tube.point_id != box.point_id:
        raise Conflict(f"采样管 {barcode} 属于其他采样点", f"tube {barcode} is of another point")
    if tube.status != T.SEALED:
        raise Conflict(f"采样管 {barcode} 尚未封管", f"tube {barcode} is not sealed")
    Tube.objects.filter(pk=tube.pk).update(box=box)
    tube.box = box
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=tube,
        summary=f"tube {barcode} into box {box.code}",
        request=request,
    )
    return tube


@transaction.atomic
def box_seal(
    *, user: User | None, box: TransportBox, request: HttpRequest | None = None
) -> TransportBox:
    """封箱: the box's tubes move sealed → boxed, and the box is stamped sealed."""
    box = TransportBox.objects.select_for_update().get(pk=box.pk)
    if box.sealed_at is not None:
        raise Conflict("转运箱已封箱", "the box is sealed")
    tubes = list(Tube.objects.filter(box=box).order_by("pk"))
    if not tubes:
        raise Problem("空箱不能封箱", "an empty box cannot be sealed")
    for tube in tubes:
        if tube.status == T.SEALED:
            transition(tube, T.BOXED, by=user, request=request)
    box.sealed_at = timezone.now()
    box.save(update_fields=["sealed_at"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=box.round,
        summary=f"transport box {box.code} sealed ({len(tubes)} tubes)",
        request=request,
    )
    return box
