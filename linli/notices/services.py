"""Writes of the notices app: a notice drafted, sent (its recipients fixed, the robots' messages
queued), read, reminded, withdrawn, expired; robot channels added and switched off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict, transition
from linli.notices import recipients
from linli.notices.models import Attachment, Delivery, Notice, Receipt, RobotChannel
from linli.notices.rules import sends_for

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.duty.models import Team
    from linli.places.models import Building, Committee, Compound, Household, Town

Scope = Notice.Scope
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
REMIND_EVERY = dt.timedelta(minutes=10)


def _committee_of(
    scope: str,
    *,
    committee: Committee | None,
    compound: Compound | None,
    building: Building | None,
    team: Team | None,
) -> Any:
    if scope in (Scope.COMPOUND, Scope.WORKSITE):
        return compound.committee if compound else None
    if scope == Scope.BUILDING:
        return building.compound.committee if building else None
    if scope == Scope.TEAM:
        return team.committee if team else None
    if scope == Scope.TOWN:
        return None
    return committee


def _check_place(
    town: Town,
    scope: str,
    *,
    committee: Committee | None,
    compound: Compound | None,
    building: Building | None,
    team: Team | None,
    duty_kind: str,
) -> None:
    from linli.duty.models import Duty
    from linli.places.models import Compound as CompoundModel

    missing = Problem("请选择发送范围", "choose where the notice goes")
    if scope not in Scope.values:
        raise missing
    needed: dict[str, Any] = {
        Scope.COMMITTEE: committee,
        Scope.COMPOUND: compound,
        Scope.WORKSITE: compound,
        Scope.BUILDING: building,
        Scope.TEAM: team,
    }
    if scope in needed and needed[scope] is None:
        raise missing
    if scope == Scope.DUTY_KIND and duty_kind not in Duty.Kind.values:
        raise Problem("请选择志愿者类别", "choose a kind of volunteer")
    if scope == Scope.WORKSITE and compound and compound.kind != CompoundModel.Kind.WORKSITE:
        raise Problem("所选小区不是工地", "that compound is not a worksite")
    place = needed.get(scope) or committee
    if place is not None and place.town_id != town.pk:
        raise missing


def notice_create(
    *,
    user: User,
    town: Town,
    scope: str,
    title: str,
    body: str,
    urgency: str,
    expires_at: dt.datetime,
    committee: Committee | None = None,
    compound: Compound | None = None,
    building: Building | None = None,
    team: Team | None = None,
    duty_kind: str = "",
    for_residents: bool = False,
    template: str = "",
    channels: Sequence[RobotChannel] = (),
    files: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> Notice:
    """Draft a notice (草稿) to a scope the sender answers for; it is sent by `notice_send`."""
    if not user.has_perm("notices.add_notice"):
        raise PermissionDenied
    _check_place(
        town,
        scope,
        committee=committee,
        compound=compound,
        building=building,
        team=team,
        duty_kind=duty_kind,
    )
    if for_residents and scope in (Scope.TEAM, Scope.DUTY_KIND):
        raise Problem(
            "发给服务小组或某类志愿者的通知不能同时通知居民",
            "a notice to a team or a kind of volunteer has no households",
        )
    if not title.strip() or not body.strip():
        raise Problem("请填写标题和正文", "give a title and a text")
    if urgency not in Notice.Urgency.values:
        raise Problem("紧急程度无效", "unknown urgency")
    if expires_at <= timezone.now():
        raise Problem("有效期须晚于现在", "the expiry must be in the future")
    if len(files) > MAX_FILES:
        raise Problem(f"附件最多 {MAX_FILES} 个", f"at most {MAX_FILES} attachments")
    for upload in files:
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise Problem("附件不能超过 10MB", "an attachment may not exceed 10 MB")
    notice = Notice(
        town=town,
        committee=_committee_of(
            scope, committee=committee, compound=compound, building=building, team=team
        ),
        scope=scope,
        compound=compound if scope in (Scope.COMPOUND, Scope.WORKSITE) else None,
        building=building if scope == Scope.BUILDING else None,
        team=team if scope == Scope.TEAM else None,
        duty_kind=duty_kind if scope == Scope.DUTY_KIND else "",
        for_residents=for_residents,
        title=title.strip()[:100],
        body=body.strip()[:4000],
        urgency=urgency,
        expires_at=expires_at,
        template=template,
        created_by=user,
    )
    if not sends_for(user, notice):
        raise Problem("只能发往本单位管辖范围", "you may send only within your own area")
    for channel in channels:
        if channel.town_id != town.pk or not sends_for(user, channel) or not channel.active:
            raise Problem("不能使用该群机器人", "you may not use that group robot")
    with transaction.atomic():
        notice.save()
        notice.channels.set(channels)
        for upload in files:
            Attachment.objects.create(
                notice=notice,
                file=upload,
                name=(upload.name or "file")[-120:],
                size=upload.size or 0,
            )
        audit(
            user=user,
            action=AuditEntry.Action.CREATE,
            target=notice,
            summary=f"notice drafted ({scope})",
            detail={"scope": scope, "files": len(files), "channels": len(channels)},
            request=request,
        )
    return notice


def notice_send(*, user: User, notice: Notice, request: HttpRequest | None = None) -> Notice:
    """Send a draft: the recipients are fixed (a receipt each) and the robots told, in the one
    transaction of the move (NOTICE_WORKFLOW's `after` hook: `recipients_fix`)."""
    return transition(notice, Notice.Status.SENT, by=user, request=request)


def recipients_fix(notice: Notice, *, request: HttpRequest | None) -> None:
    """The recipients of a notice being sent, and the robots' messages (called once, by the
    draft → sent move on the locked row)."""
    volunteers = recipients.volunteers(notice)
    rows = [
        Receipt(
            notice=notice,
            kind=Receipt.Kind.VOLUNTEER,
            volunteer_id=volunteer_id,
            user_id=user_id,
            building_id=building_id,
        )
        for volunteer_id, (user_id, building_id) in volunteers.items()
    ]
    if notice.for_residents:
        rows += [
            Receipt(
                notice=notice,
                kind=Receipt.Kind.HOUSEHOLD,
                household_id=household_id,
                building_id=building_id,
            )
            for household_id, building_id in recipients.households(notice)
        ]
    Receipt.objects.bulk_create(rows, batch_size=1000)
    Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    people, homes = _counts(notice)
    _queue(notice, Delivery.Purpose.SEND, sent_text(notice, people, homes, request), request)


def _counts(notice: Notice, *, unread: bool = False) -> tuple[int, int]:
    rows = Receipt.objects.filter(notice=notice)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    people = rows.filter(kind=Receipt.Kind.VOLUNTEER).count()
    return people, rows.count() - people


def link_to(notice: Notice, request: HttpRequest | None) -> str:
    """The notice's page as a full address (LINLI_SITE_URL, else the request's host)."""
    path = notice.get_absolute_url()
    base = getattr(settings, "LINLI_SITE_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path) if request is not None else path


def _expiry(notice: Notice) -> str:
    local = timezone.localtime(notice.expires_at)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def sent_text(notice: Notice, people: int, homes: int, request: HttpRequest | None) -> str:
    """What a robot says of a sent notice: its title, urgency, expiry, counts and a link;
    never a name, a room, an ID or a phone number."""
    lines = [
        f"**【{notice.get_urgency_display()}】{notice.title}**",
        f"有效期至：{_expiry(notice)}",
        f"应读：志愿者 {people} 人" + (f"，居民 {homes} 户" if notice.for_residents else ""),
        f"请在邻里查看并确认已读：{link_to(notice, request)}",
    ]
    return "\n\n".join(lines)


def reminder_text(notice: Notice, people: int, homes: int, request: HttpRequest | None) -> str:
    lines = [
        f"**【提醒】{notice.title}**",
        f"尚未确认：志愿者 {people} 人" + (f"，居民 {homes} 户" if notice.for_residents else ""),
        f"有效期至：{_expiry(notice)}",
        f"请尽快在邻里确认已读：{link_to(notice, request)}",
    ]
    return "\n\n".join(lines)


def _queue(notice: Notice, purpose: str, text: str, request: HttpRequest | None) -> None:
    """A delivery per active channel of the notice, each a task (committed with the row)."""
    from linli.notices.tasks import deliver

    for channel in notice.channels.filter(active=True):
        delivery = Delivery.objects.create(
            notice=notice, channel=channel, purpose=purpose, text=text
        )
        deliver.enqueue(delivery.pk)


def notice_withdraw(
    *, user: User, notice: Notice, reason: str = "", request: HttpRequest | None = None
) -> Notice:
    return transition(notice, Notice.Status.WITHDRAWN, by=user, reason=reason, request=request)


def notices_expire(*, now: dt.datetime | None = None) -> int:
    """Move every sent notice past its expiry to expired (a system move); how many moved."""
    now = now or timezone.now()
    moved = 0
    for notice in Notice.objects.filter(status=Notice.Status.SENT, expires_at__lte=now):
        try:
            transition(notice, Notice.Status.EXPIRED, by=None, reason="到期", system=True)
        except Conflict:
            continue  # withdrawn meanwhile
        moved += 1
    return moved


def _open(notice: Notice) -> None:
    if notice.status != Notice.Status.SENT or notice.is_expired:
        raise Conflict("通知已撤回或过期", "the notice was withdrawn or has expired")


@transaction.atomic
def receipt_read(
    *, user: User, notice: Notice, request: HttpRequest | None = None
) -> tuple[Receipt, bool]:
    """A volunteer's one tap (已读): their receipt's first read is kept; a second tap changes
    nothing. (receipt, whether this tap marked it)."""
    receipt = Receipt.objects.select_for_update().filter(notice=notice, user_id=user.pk).first()
    if receipt is None:
        raise PermissionDenied
    if receipt.read_at is not None:
        return receipt, False
    receipt.read_at = timezone.now()
    receipt.save(update_fields=["read_at"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=notice,
        summary="notice read",
        detail={"receipt": receipt.pk},
        request=request,
    )
    return receipt, True


@transaction.atomic
def household_read(
    *, notice: Notice, household: Household, request: HttpRequest | None = None
) -> bool:
    """A household's tap on the building's self-service page; False when the household is
    not a recipient (the caller answers neutrally). A second tap keeps the first time."""
    receipt = (
        Receipt.objects.select_for_update()
        .filter(notice=notice, household=household, kind=Receipt.Kind.HOUSEHOLD)
        .first()
    )
    if receipt is None:
        return False
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
        audit(
            user=None,
            action=AuditEntry.Action.UPDATE,
            target=notice,
            summary="notice read by a household",
            detail={"receipt": receipt.pk},
            request=request,
        )
    return True


@transaction.atomic
def notice_remind(*, user: User, notice: Notice, request: HttpRequest | None = None) -> int:
    """Remind the unread (催读): their receipts count one more reminder (their 我的任务 shows
    it), and the robots say how many have not read. How many were reminded."""
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if not user.has_perm("notices.remind_notice", locked):
        raise PermissionDenied
    _open(locked)
    now = timezone.now()
    last = (
        Receipt.objects.filter(notice=locked, reminded_at__isnull=False)
        .order_by("-reminded_at")
        .values_list("reminded_at", flat=True)
        .first()
    )
    if last is not None and now - last < REMIND_EVERY:
        raise Conflict("十分钟内已提醒过，请稍后再试", "reminded less than 10 minutes ago")
    unread = Receipt.objects.filter(notice=locked, read_at__isnull=True)
    reminded = unread.update(reminders=F("reminders") + 1, reminded_at=now)
    if reminded:
        people, homes = _counts(locked, unread=True)
        _queue(
            locked, Delivery.Purpose.REMIND, reminder_text(locked, people, homes, request), request
        )
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="notice reminder",
        detail={"reminded": reminded},
        request=request,
    )
    return reminded


# -- group robots -----------------------------------------------------------------------------

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _check_webhook(url: str) -> None:
    parts = urlsplit(url.strip())
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)
    if not secure or not parts.hostname:
        raise Problem("Webhook 地址须以 https:// 开头", "the webhook must be an https:// address")


@transaction.atomic
def channel_create(
    *,
    user: User,
    town: Town,
    committee: Committee | None,
    name: str,
    kind: str,
    webhook_url: str,
    secret: str = "",
    request: HttpRequest | None = None,
) -> RobotChannel:
    """A town's (no committee) or a committee's group robot; its address and secret are kept,
    never shown whole again and never put in the audit log."""
    if kind not in RobotChannel.Kind.values:
        raise Problem("机器人类型无效", "unknown robot kind")
    if not name.strip():
        raise Problem("请填写群名称", "give the group's name")
    _check_webhook(webhook_url)
    if committee is not None and committee.town_id != town.pk:
        raise Problem("居委不属于本镇", "the committee is not of this town")
    channel = RobotChannel(
        town=town,
        committee=committee,
        name=name.strip()[:60],
        kind=kind,
        webhook_url=webhook_url.strip(),
        secret=secret.strip(),
        created_by=user,
    )
    if not user.has_perm("notices.change_robotchannel", channel):
        raise PermissionDenied
    channel.save()
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=channel,
        summary=f"robot channel added ({kind})",
        detail={"name": channel.name, "host": urlsplit(channel.webhook_url).hostname or ""},
        request=request,
    )
    return channel


@transaction.atomic
def channel_switch(
    *, user: User, channel: RobotChannel, active: bool, request: HttpRequest | None = None
) -> RobotChannel:
    if not user.has_perm("notices.change_robotchannel", channel):
        raise PermissionDenied
    RobotChannel.objects.filter(pk=channel.pk).update(active=active)
    channel.active = active
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=channel,
        summary="robot channel " + ("on" if active else "off"),
        request=request,
    )
    return channel


def channels_for(user: User, town_id: int) -> Iterable[RobotChannel]:
    """The active channels of the town the user may send to."""
    rows = RobotChannel.objects.visible_to(user).filter(town_id=town_id, active=True)
    return [c for c in rows if sends_for(user, c)]
