"""Notices (通知) to a scope, their recipients fixed when sent with a read receipt each (已读回执),
attachments, and the group robots (群机器人) a notice is announced to, with a delivery log."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet
from linli.core.models import TransitionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


class NoticeQuerySet(ScopedQuerySet["Notice"]):
    """Staff see their town's or committee's notices; a recipient the notices sent to them."""

    scope_paths = {"town": "town_id", "committee": "committee_id"}

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return Q(pk__in=Receipt.objects.filter(user_id=user.pk or 0).values("notice_id"))


class Notice(models.Model):
    """A notice (通知): a title and text sent to the volunteers (and maybe the households) of a
    scope, with an urgency and an expiry; `committee` is empty for a town-wide scope."""

    class Scope(models.TextChoices):
        TOWN = "town", _("全镇")
        COMMITTEE = "committee", _("居委")
        COMPOUND = "compound", _("小区")
        BUILDING = "building", _("楼栋")
        TEAM = "team", _("服务小组")
        WORKSITE = "worksite", _("工地")
        DUTY_KIND = "duty_kind", _("某类志愿者")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")
        CRITICAL = "critical", _("特急")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SENT = "sent", _("已发送")
        EXPIRED = "expired", _("已过期")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Template(models.TextChoices):
        NONE = "", _("不用模板")
        SAMPLING = "sampling", _("核酸采样安排")
        PACKAGE_ROUND = "package_round", _("物资发放")
        GROUP_BUY = "group_buy", _("团购到货")
        ZONE = "zone", _("分区调整")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        "places.Committee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("发送范围"), max_length=20, choices=Scope.choices)
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "duty.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duty_kind = models.CharField(_("志愿者类别"), max_length=30, blank=True)
    for_residents = models.BooleanField(_("同时通知居民（各户确认）"), default=False)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), max_length=4000)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    expires_at = models.DateTimeField(_("有效期至"))
    template = models.CharField(
        _("模板"), max_length=20, choices=Template.choices, blank=True, default=""
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    channels = models.ManyToManyField(
        "notices.RobotChannel", verbose_name=_("群机器人"), blank=True, related_name="notices"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="notice_scope_has_its_place",
                condition=(
                    Q(scope="town", committee__isnull=True)
                    | Q(scope="committee", committee__isnull=False)
                    | Q(scope__in=["compound", "worksite"], compound__isnull=False)
                    | Q(scope="building", building__isnull=False)
                    | Q(scope="team", team__isnull=False)
                    | Q(scope="duty_kind", duty_kind__gt="")
                ),
            )
        ]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:notice", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.SENT and self.expires_at <= timezone.now()
        )

    @property
    def place_label(self) -> str:
        """The scope in words: 新凯五村 香樟苑 1号楼, 全镇, 新凯五村 楼组长 …"""
        if self.scope == self.Scope.TOWN:
            return str(self.Scope.TOWN.label)
        if self.scope == self.Scope.DUTY_KIND:
            from linli.duty.models import Duty

            kind = dict(Duty.Kind.choices).get(self.duty_kind, self.duty_kind)
            where = str(self.committee) if self.committee_id else str(self.Scope.TOWN.label)
            return f"{where} {kind}"
        if self.scope == self.Scope.TEAM:
            return str(self.team)
        if self.scope == self.Scope.BUILDING and self.building is not None:
            return f"{self.building.compound} {self.building}"
        if self.compound_id:
            return str(self.compound)
        return str(self.committee)


class NoticeChange(TransitionRecord):
    """A notice's status change (通知状态记录)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("通知状态记录")
        verbose_name_plural = _("通知状态记录")


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random folder per file: the name is kept for the download, the path guessed by nobody
    # (and never served by the web server: the app's view checks the reader first).
    return f"notices/{secrets.token_hex(16)}/{filename}"


class Attachment(models.Model):
    """A file attached to a notice (附件), served only to its senders and recipients."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=120)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class ReceiptQuerySet(ScopedQuerySet["Receipt"]):
    scope_paths = {"town": "notice__town_id", "committee": "notice__committee_id"}

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return Q(user_id=user.pk)


class Receipt(models.Model):
    """A read receipt (已读回执): one recipient of a sent notice, a volunteer's login or a
    household, fixed when the notice is sent; `read_at` is set by their one tap."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("志愿者")
        HOUSEHOLD = "household", _("居民户")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    volunteer = models.ForeignKey(
        "duty.Volunteer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice_receipts",
    )
    household = models.ForeignKey(
        "places.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The building the recipient is counted under on the sender's page (a household's own; a
    # volunteer's duty or pairing building in the scope); empty: not tied to one building.
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    reminded_at = models.DateTimeField(_("最近提醒"), null=True, blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["notice_id", "building_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "volunteer"],
                condition=Q(volunteer__isnull=False),
                name="receipt_one_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["notice", "household"],
                condition=Q(household__isnull=False),
                name="receipt_one_per_household",
            ),
            models.CheckConstraint(
                name="receipt_kind_has_its_recipient",
                condition=(
                    Q(kind="volunteer", volunteer__isnull=False, user__isnull=False)
                    | Q(kind="household", household__isnull=False)
                ),
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="receipt_user_unread")]
        verbose_name = _("已读回执")
        verbose_name_plural = _("已读回执")

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind} {self.volunteer_id or self.household_id}"


class RobotChannelQuerySet(ScopedQuerySet["RobotChannel"]):
    scope_paths = {"town": "town_id", "committee": "committee_id"}


class RobotChannel(models.Model):
    """A group robot (群机器人) of a town's or a committee's work group: its webhook address
    and signing secret are kept here and never shown whole again nor logged."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信")
        DINGTALK = "dingtalk", _("钉钉")
        FEISHU = "feishu", _("飞书")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        "places.Committee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("群名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    webhook_url = models.CharField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RobotChannelQuerySet.as_manager()

    class Meta:
        ordering = ["committee_id", "name", "id"]
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("notices:channel", args=[self.pk])

    @property
    def masked_url(self) -> str:
        """The address as shown again: its host and its last 4 characters."""
        from urllib.parse import urlsplit

        host = urlsplit(self.webhook_url).hostname or ""
        return f"https://{host}/…{self.webhook_url[-4:]}"


class Delivery(models.Model):
    """One message to one group robot (机器人推送): a notice sent or a reminder; a task posts it,
    retrying with backoff, and gives up after `MAX_ATTEMPTS` (the notice's page flags it)."""

    class Purpose(models.TextChoices):
        SEND = "send", _("发送")
        REMIND = "remind", _("提醒")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RETRYING = "retrying", _("重试中")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("失败")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(RobotChannel, on_delete=models.CASCADE, related_name="deliveries")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    # The message as sent (the notice's title, urgency, expiry, counts and link: nothing
    # personal), so every attempt sends the same.
    text = models.TextField()
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("机器人推送")
        verbose_name_plural = _("机器人推送")

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.channel_id} {self.status}"


class DeliveryAttempt(models.Model):
    """One try of a delivery (推送记录): the status code and the robot's answer, no secret."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"
