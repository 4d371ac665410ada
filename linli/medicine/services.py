"""Writes of the medicine desk (内场): requests and their lines, the team's posts, a
committee's hand-over gate, and saving a day's plan.

Keyword-only, typed, transactional and audited; status moves go through
`MEDICINE_ORDER_WORKFLOW` (linli/medicine/workflow.py). The line rules live here and are the
ones every door uses (the desk's form, the import, self-service, the API, the runner's
checklist): `check_line()` when a line is written; before a line counts as fetched,
`linli.medicine.lines.line_fetch_problem()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.accounts.rules import is_town_staff
from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.duty.models import Team, Volunteer
from linli.medicine.models import (
    Department,
    Hospital,
    MedicineLine,
    MedicineOrder,
    MedicineOrderChange,
    TeamMember,
)
from linli.medicine.rules import team_post_of

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.care.models import HelpRequest
    from linli.places.models import Committee, Resident

Status = MedicineOrder.Status
Source = MedicineOrder.Source

MAX_BOXES = 99
# A prescription beyond this many days is a long prescription (长处方): allowed up to
# MedicineLine.MAX_DAYS (84, twelve weeks) for chronic illness, never for the classes below.
LONG_FROM_DAYS = 30
# Drug classes no long prescription may cover (麻醉药品、第一类精神药品 and the like): a line
# naming one of these for more than LONG_FROM_DAYS days is refused.
EXCLUDED_FROM_LONG = (
    "吗啡",
    "芬太尼",
    "哌替啶",
    "羟考酮",
    "可待因",
    "曲马多",
    "氯胺酮",
    "哌甲酯",
    "丁丙诺啡",
    "三唑仑",
    "麻醉",
    "精神一类",
)
MAX_LINES = 20


@dataclass(frozen=True)
class LineData:
    """One drug as the desk, an import or a resident writes it."""

    generic_name: str
    trade_name: str = ""
    maker: str = ""
    any_maker: bool = False
    strength: str = ""
    form: str = ""
    boxes: int = 1
    days: int | None = None
    cold_chain: bool = False
    substitution_allowed: bool = False
    confidential: bool = False


@dataclass
class Created:
    order: MedicineOrder
    created: bool
    warnings: list[Problem] = field(default_factory=list)


def check_line(line: LineData) -> LineData:
    """The rules of a line as it is written; a bad line is a Problem naming the rule."""
    name = line.generic_name.strip()
    if not name:
        raise Problem("缺少药品名称", "missing the drug's name")
    if len(name) > 100 or len(line.trade_name) > 100 or len(line.maker) > 100:
        raise Problem("药品名称或厂家过长（最多100字）", "drug name or maker over 100 characters")
    if len(line.strength) > 60 or len(line.form) > 30:
        raise Problem("规格或剂型过长", "strength or form too long")
    if not 1 <= line.boxes <= MAX_BOXES:
        raise Problem(f"数量应为1到{MAX_BOXES}盒", f"boxes must be 1 to {MAX_BOXES}")
    if line.days is not None:
        if line.days < 1:
            raise Problem("天数应大于0", "days must be at least 1")
        if line.days > MedicineLine.MAX_DAYS:
            raise Problem(
                f"长处方最多{MedicineLine.MAX_DAYS}天",
                f"a long prescription covers at most {MedicineLine.MAX_DAYS} days",
            )
        if line.days > LONG_FROM_DAYS and excluded_class(line):
            raise Problem(
                f"{name}属于不得开具长处方的药品，天数不能超过{LONG_FROM_DAYS}天",
                f"{name} may not be on a long prescription (over {LONG_FROM_DAYS} days)",
            )
    return line


def excluded_class(line: LineData | MedicineLine) -> bool:
    text = f"{line.generic_name} {line.trade_name}"
    return any(word in text for word in EXCLUDED_FROM_LONG)


def _label(line: LineData | MedicineLine) -> str:
    return line.generic_name


def initial_status(user: User | None, source: str) -> str:
    """Requests entered or imported by staff or the desk start verified (a help request the
    desk turns into one too); a resident's own waits for the desk to verify it."""
    if source in (Source.DESK, Source.IMPORT):
        return Status.VERIFIED
    if source == Source.HELP_REQUEST and user is not None:
        return Status.VERIFIED  # the desk or town staff wrote it from the help request
    return Status.SUBMITTED


def _replay(town_id: int, form_number: str | None, key: str | None) -> MedicineOrder | None:
    rows = MedicineOrder.objects.filter(town_id=town_id)
    if form_number:
        found = rows.filter(form_number=form_number).first()
        if found is not None:
            return found
    if key:
        return rows.filter(idempotency_key=key).first()
    return None


def _may_enter(user: User | None, town_id: int) -> bool:
    if user is None:
        return True  # the command line and the system
    if user.is_superuser or is_town_staff(user):
        return user.is_superuser or user.town_id == town_id
    post = team_post_of(user)
    return post is not None and post.post == TeamMember.Post.DESK and post.town_id == town_id


@transaction.atomic
def order_create(
    *,
    user: User | None,
    resident: Resident,
    hospital: Hospital,
    lines: list[LineData],
    source: str,
    department: Department | None = None,
    urgency: str = MedicineOrder.Urgency.YELLOW,
    service_date: dt.date | None = None,
    form_number: str | None = None,
    note: str = "",
    help_request: HelpRequest | None = None,
    idempotency_key: str | None = None,
    request: HttpRequest | None = None,
) -> Created:
    """A request for a resident from one hospital; the same form number or idempotency key
    again returns the first request and creates nothing."""
    household = resident.household
    town_id = household.town_id
    if source not in Source.values:
        raise Problem(f"未知来源：{source}", f"unknown source {source!r}")
    if urgency not in MedicineOrder.Urgency.values:
        raise Problem(f"紧急程度无效：{urgency}", f"invalid urgency {urgency!r}")
    if source in (Source.DESK, Source.IMPORT, Source.HELP_REQUEST) and not _may_enter(
        user, town_id
    ):
        raise NotAllowed("只有配药内场或镇工作人员可以登记", "only the desk or town staff")
    if hospital.town_id != town_id:
        raise Problem("医院不在本镇", "the hospital is not in this town")
    if department is not None and department.hospital_id != hospital.pk:
        raise Problem("科室不属于该医院", "the department is not of that hospital")
    if not lines:
        raise Problem("至少填写一种药品", "a request lists at least one drug")
    if len(lines) > MAX_LINES:
        raise Problem(f"一张配药单最多{MAX_LINES}种药品", f"at most {MAX_LINES} drugs a request")
    checked = [check_line(line) for line in lines]
    form_number = (form_number or "").strip() or None
    if form_number and len(form_number) > 40:
        raise Problem("配药单号过长（最多40字）", "form number over 40 characters")
    replayed = _replay(town_id, form_number, idempotency_key)
    if replayed is not None:
        return Created(replayed, False)
    if help_request is not None and hasattr(help_request, "medicine_order"):
        return Created(help_request.medicine_order, False)
    status = initial_status(user, source)
    who = user if user is not None and user.is_authenticated else None
    order = MedicineOrder(
        town_id=town_id,
        committee_id=household.building.compound.committee_id,
        household=household,
        resident=resident,
        form_number=form_number,
        hospital=hospital,
        department=department,
        urgency=urgency,
        source=source,
        status=status,
        service_date=service_date or timezone.localdate(),
        help_request=help_request,
        note=note.strip()[:300],
        idempotency_key=idempotency_key or None,
        created_by=who,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        # The same form number or key arrived twice at once: the other call's request stands.
        replayed = _replay(town_id, form_number, idempotency_key)
        if replayed is None:
            raise
        return Created(replayed, False)
    MedicineLine.objects.bulk_create(
        [MedicineLine(order=order, **_fields(line)) for line in checked]
    )
    MedicineOrderChange.objects.create(
        order=order, from_status="", to_status=status, by=who, at=timezone.now()
    )
    audit(
        user=who,
        action=AuditEntry.Action.CREATE,
        target=order,
        summary=f"medicine order {urgency} ({source}, {len(checked)} lines)",
        request=request,
        town_id=town_id,
    )
    return Created(order, True)


def _fields(line: LineData) -> dict[str, Any]:
    return {
        "generic_name": line.generic_name.strip(),
        "trade_name": line.trade_name.strip(),
        "maker": line.maker.strip(),
        "any_maker": line.any_maker,
        "strength": line.strength.strip(),
        "form": line.form.strip(),
        "boxes": line.boxes,
        "days": line.days,
        "cold_chain": line.cold_chain,
        "substitution_allowed": line.substitution_allowed,
        "confidential": line.confidential,
    }


def _require_desk(user: User, order: MedicineOrder) -> None:
    if not user.has_perm("medicine.change_medicineorder", order):
        raise NotAllowed("只有配药内场或镇工作人员可以操作", "only the medicine desk or town staff")


EDITABLE = (Status.SUBMITTED, Status.VERIFIED, Status.PLANNED, Status.CARRIED_OVER)


@transaction.atomic
def line_edit(
    *,
    user: User,
    line: MedicineLine,
    data: LineData,
    substitution_consent: str = "",
    request: HttpRequest | None = None,
) -> MedicineLine:
    """The desk corrects a line (the drug, maker, strength, how much) before it is fetched, or
    records the patient's consent to a substitute."""
    order = MedicineOrder.objects.select_for_update().get(pk=line.order_id)
    _require_desk(user, order)
    if order.status not in EDITABLE:
        raise Conflict("配药单已在取药或之后，不能修改药品", "the request is past fetching")
    check_line(data)
    locked = MedicineLine.objects.select_for_update().get(pk=line.pk)
    for name, value in _fields(data).items():
        setattr(locked, name, value)
    if substitution_consent.strip():
        locked.substitution_consent = substitution_consent.strip()[:200]
    locked.save()
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=order,
        summary=f"medicine line {locked.pk} edited",
        request=request,
        town_id=order.town_id,
    )
    return locked


@transaction.atomic
def line_add(
    *, user: User, order: MedicineOrder, data: LineData, request: HttpRequest | None = None
) -> MedicineLine:
    locked = MedicineOrder.objects.select_for_update().get(pk=order.pk)
    _require_desk(user, locked)
    if locked.status not in EDITABLE:
        raise Conflict("配药单已在取药或之后，不能修改药品", "the request is past fetching")
    if locked.lines.count() >= MAX_LINES:
        raise Problem(f"一张配药单最多{MAX_LINES}种药品", f"at most {MAX_LINES} drugs a request")
    line = MedicineLine.objects.create(order=locked, **_fields(check_line(data)))
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"medicine line {line.pk} added",
        request=request,
        town_id=locked.town_id,
    )
    return line


def order_from_help_request(
    *,
    user: User,
    help_request: HelpRequest,
    hospital: Hospital,
    lines: list[LineData],
    department: Department | None = None,
    urgency: str = MedicineOrder.Urgency.YELLOW,
    form_number: str | None = None,
    request: HttpRequest | None = None,
) -> Created:
    """A help request of category medicine becomes a request the desk then verifies; a second
    call returns the first request."""
    from linli.care.models import HelpRequest as HelpRequestModel

    if help_request.category != HelpRequestModel.Category.MEDICINE:
        raise Problem("只有配药类诉求可以转为配药单", "only a medicine help request")
    if help_request.resident is None:
        raise Problem("请先在诉求中指定患者", "name the patient on the help request first")
    return order_create(
        user=user,
        resident=help_request.resident,
        hospital=hospital,
        department=department,
        lines=lines,
        source=Source.HELP_REQUEST,
        urgency=urgency,
        form_number=form_number,
        note=help_request.description[:300],
        help_request=help_request,
        idempotency_key=f"help:{help_request.pk}",
        request=request,
    )


# -- the team's posts and the committees' gates ------------------------------------------------


@transaction.atomic
def post_set(
    *,
    user: User,
    volunteer: Volunteer,
    post: str,
    capacity: int = TeamMember.DEFAULT_CAPACITY,
    home: tuple[Decimal, Decimal] | None = None,
    on_duty: bool = True,
    request: HttpRequest | None = None,
) -> TeamMember:
    """Give a volunteer of a 就医配药 team a post (desk or runner), its capacity and home point;
    town staff only."""
    if not user.has_perm("medicine.manage_teammember", volunteer.town):
        raise NotAllowed("只有镇工作人员可以设置配药岗位", "only town staff set medicine posts")
    if post not in TeamMember.Post.values:
        raise Problem(f"未知岗位：{post}", f"unknown post {post!r}")
    team = volunteer.team
    if team is None or team.function != Team.Function.MEDICINE:
        raise Problem("只有就医配药小组的志愿者可以担任配药岗位", "not in a medicine team")
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise Problem("该志愿者不在服务中", "the volunteer is not in service")
    if not 1 <= capacity <= 200:
        raise Problem("每日单数上限应为1到200", "capacity must be 1 to 200")
    lat, lon = home if home is not None else (None, None)
    if lat is not None and lon is not None:
        check_point(lat, lon)
    member, created = TeamMember.objects.select_for_update().update_or_create(
        volunteer=volunteer,
        defaults={
            "town_id": volunteer.town_id,
            "post": post,
            "capacity": capacity,
            "home_lat": lat,
            "home_lon": lon,
            "on_duty": on_duty,
        },
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        target=member,
        summary=f"medicine post {post} capacity {capacity}{'' if on_duty else ' off duty'}",
        request=request,
        town_id=volunteer.town_id,
    )
    return member


def check_point(lat: Decimal, lon: Decimal) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Problem("经纬度超出范围", "latitude or longitude out of range")


@transaction.atomic
def gate_set(
    *,
    user: User,
    committee: Committee,
    lat: Decimal | None,
    lon: Decimal | None,
    request: HttpRequest | None = None,
) -> Committee:
    """A committee sets its hand-over gate (交接点); none set, it is its first compound's point."""
    if not user.has_perm("medicine.set_gate_committee", committee):
        raise NotAllowed("只有本居委或镇工作人员可以设置交接点", "only the committee's staff")
    if (lat is None) != (lon is None):
        raise Problem("经度和纬度须同时填写", "give both latitude and longitude")
    if lat is not None and lon is not None:
        check_point(lat, lon)
    committee.gate_lat, committee.gate_lon = lat, lon
    committee.save(update_fields=["gate_lat", "gate_lon"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=committee,
        summary="committee gate set" if lat is not None else "committee gate cleared",
        request=request,
        town_id=committee.town_id,
    )
    return committee
