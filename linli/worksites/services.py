"""Writes of the worksites app: a site's profile, transport requests, permits, crews lent.

Each is keyword-only, typed, atomic and audited; transport requests change status only
through `TRANSPORT_WORKFLOW` (`linli/worksites/workflow.py`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem, normalise_phone
from linli.core.workflow import Conflict
from linli.places.models import Compound, Resident
from linli.worksites.models import (
    CrewLoan,
    Permit,
    SiteProfile,
    TransportRequest,
    TransportRequestChange,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

MAX_HEADCOUNT = 10_000
# A permit is issued for at most this long; a longer need is a new permit (re-checked).
MAX_PERMIT_DAYS = 31


def _site(compound: Compound) -> Compound:
    if compound.kind != Compound.Kind.WORKSITE:
        raise Problem(f"“{compound.name}”不是工地", f"{compound.name} is not a worksite")
    return compound


def _plate(text: str) -> str:
    plate = "".join((text or "").split()).upper()
    if not 5 <= len(plate) <= 10:
        raise Problem("车牌号应为5到10个字符", "a plate has 5 to 10 characters")
    return plate


def _text(value: str, limit: int, zh: str, en: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Problem(f"请填写{zh}", f"give the {en}")
    if len(value) > limit:
        raise Problem(f"{zh}过长（最多{limit}字）", f"the {en} is longer than {limit} characters")
    return value


def _window(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise Problem("结束时间应晚于开始时间", "the end must come after the start")


@transaction.atomic
def site_profile_save(
    *,
    user: User | None,
    compound: Compound,
    manager: str = "",
    manager_phone: str = "",
    contractor: str = "",
    address: str = "",
    has_transport: bool = False,
    request: HttpRequest | None = None,
) -> SiteProfile:
    """State (or restate) a site's person in charge, contractor, address and transport."""
    _site(compound)
    fields = {
        "manager": _text(manager, 50, "负责人", "person in charge"),
        "manager_phone": normalise_phone(manager_phone) if manager_phone.strip() else "",
        "contractor": _text(contractor, 100, "施工单位", "contractor"),
        "address": _text(address, 200, "地址", "address"),
        "has_transport": bool(has_transport),
    }
    profile, created = SiteProfile.objects.select_for_update().get_or_create(
        compound=compound,
        defaults={"town_id": compound.town_id, "committee_id": compound.committee_id, **fields},
    )
    if not created:
        for key, value in fields.items():
            setattr(profile, key, value)
        profile.save()
    audit(
        user=user,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        target=profile,
        summary=f"worksite profile {compound.pk}",
        detail={"contractor": fields["contractor"], "has_transport": fields["has_transport"]},
        request=request,
    )
    return profile


@transaction.atomic
def transport_request_create(
    *,
    user: User | None,
    compound: Compound,
    kind: str,
    plate: str,
    route: str,
    window_from: dt.datetime,
    window_to: dt.datetime,
    escort: str = "",
    headcount: int = 0,
    note: str = "",
    request: HttpRequest | None = None,
) -> TransportRequest:
    """Ask the town for a closed-loop trip (people or goods) in a time window."""
    _site(compound)
    if kind not in TransportRequest.Kind.values:
        raise Problem("转运类别应为人员或物资", "the kind is people or goods")
    _window(window_from, window_to)
    if window_to < timezone.now():
        raise Problem("转运时间已过", "the time window is over")
    if not 0 <= headcount <= MAX_HEADCOUNT:
        raise Problem(f"人数应在0到{MAX_HEADCOUNT}之间", f"the headcount is 0 to {MAX_HEADCOUNT}")
    if kind == TransportRequest.Kind.PEOPLE and headcount == 0:
        raise Problem("人员转运请填写人数", "give the headcount of a people trip")
    transport = TransportRequest.objects.create(
        town_id=compound.town_id,
        committee_id=compound.committee_id,
        compound=compound,
        kind=kind,
        plate=_plate(plate),
        route=_text(route, 200, "路线", "route", required=True),
        escort=_text(escort, 50, "押运人", "escort"),
        window_from=window_from,
        window_to=window_to,
        headcount=headcount,
        note=_text(note, 300, "备注", "note"),
        requested_by=user,
    )
    TransportRequestChange.objects.create(
        transport=transport, from_status="", to_status=transport.status, by=user
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=transport,
        summary=f"transport request {compound.pk}",
        detail={"kind": kind, "headcount": headcount},
        request=request,
    )
    return transport


def _token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def permit_issue(
    *,
    user: User | None,
    compound: Compound,
    kind: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
    plate: str = "",
    route: str = "",
    worker: Resident | None = None,
    transport: TransportRequest | None = None,
    request: HttpRequest | None = None,
) -> Permit:
    """Issue a permit: a vehicle's (one vehicle, one route) or a worker's return-to-work pass.
    The worker must live on the site; a permit from a transport request takes an approved one
    of the same site."""
    _site(compound)
    _window(valid_from, valid_until)
    if valid_until - valid_from > dt.timedelta(days=MAX_PERMIT_DAYS):
        raise Problem(
            f"通行证有效期最长{MAX_PERMIT_DAYS}天", f"a permit lasts {MAX_PERMIT_DAYS} days at most"
        )
    if kind == Permit.Kind.VEHICLE:
        plate = _plate(plate)
        route = _text(route, 200, "路线", "route", required=True)
        worker = None
    elif kind == Permit.Kind.PERSON:
        if worker is None:
            raise Problem("请选择工人", "choose the worker")
        on_site = Resident.objects.filter(
            pk=worker.pk, household__building__compound=compound
        ).exists()
        if not on_site:
            raise Problem("该工人不在本工地", "the worker does not live on this site")
        plate, route = "", _text(route, 200, "路线", "route")
    else:
        raise Problem("通行证类别应为车辆或人员", "the kind is vehicle or person")
    if transport is not None and (
        transport.compound_id != compound.pk or transport.status != TransportRequest.Status.APPROVED
    ):
        raise Problem(
            "只能为本工地已批准的转运申请发证", "only for an approved request of the site"
        )
    permit = Permit.objects.create(
        town_id=compound.town_id,
        committee_id=compound.committee_id,
        compound=compound,
        kind=kind,
        plate=plate,
        route=route,
        worker=worker,
        transport=transport,
        valid_from=valid_from,
        valid_until=valid_until,
        token=_token(),
        issued_by=user,
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=permit,
        summary=f"permit {kind} for worksite {compound.pk}",
        detail={
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "worker": worker.pk if worker else None,
        },
        request=request,
    )
    return permit


@transaction.atomic
def permit_revoke(
    *, user: User | None, permit: Permit, reason: str, request: HttpRequest | None = None
) -> Permit:
    """Revoke a permit at once (a lost card, a worker now under observation); kept, not
    deleted: the checkpoint then reads 已撤销."""
    locked = Permit.objects.select_for_update().get(pk=permit.pk)
    if locked.revoked_at is not None:
        raise Conflict("通行证已撤销", "the permit is already revoked")
    locked.revoked_reason = _text(reason, 200, "撤销原因", "reason", required=True)
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"permit {locked.pk} revoked",
        request=request,
    )
    return locked


def permit_state(permit: Permit, now: dt.datetime | None = None) -> str:
    """What a checkpoint reads: "revoked", "not_yet_valid", "expired" or "valid"."""
    now = now or timezone.now()
    if permit.revoked_at is not None:
        return "revoked"
    if now < permit.valid_from:
        return "not_yet_valid"
    if now >= permit.valid_until:
        return "expired"
    return "valid"


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise Problem("工时应为数字", "the hours must be a number") from None
    if not Decimal("0") < hours <= Decimal("24"):
        raise Problem("工时应在0到24小时之间", "the hours must be more than 0 and at most 24")
    return hours


@transaction.atomic
def crew_loan_record(
    *,
    user: User | None,
    compound: Compound,
    task: str,
    place: str,
    headcount: int,
    hours: Any,
    date: dt.date,
    transport: str = "",
    workers: Iterable[Resident] = (),
    note: str = "",
    request: HttpRequest | None = None,
) -> CrewLoan:
    """Record a crew the site lends the street for a task; the workers, when known, must live
    on the site."""
    _site(compound)
    if task not in CrewLoan.Task.values:
        raise Problem("请选择任务", "choose the task")
    if not 0 < headcount <= MAX_HEADCOUNT:
        raise Problem(f"人数应在1到{MAX_HEADCOUNT}之间", f"the headcount is 1 to {MAX_HEADCOUNT}")
    people = list(workers)
    if people:
        ids = {w.pk for w in people}
        on_site = Resident.objects.filter(pk__in=ids, household__building__compound=compound)
        if on_site.count() != len(ids):
            raise Problem("所选工人不都在本工地", "not every worker chosen lives on this site")
        if len(ids) > headcount:
            raise Problem("所选工人多于人数", "more workers chosen than the headcount")
    loan = CrewLoan.objects.create(
        town_id=compound.town_id,
        committee_id=compound.committee_id,
        compound=compound,
        task=task,
        place=_text(place, 200, "地点", "place", required=True),
        transport=_text(transport, 200, "转运方式", "transport"),
        headcount=headcount,
        hours=_hours(hours),
        date=date,
        note=_text(note, 300, "备注", "note"),
        created_by=user,
    )
    if people:
        loan.workers.set(people)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=loan,
        summary=f"crew loan from worksite {compound.pk}",
        detail={"task": task, "headcount": headcount, "workers": len(people)},
        request=request,
    )
    return loan
