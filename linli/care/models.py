"""Care: door-knock visits (走访), help requests (诉求) with their workflow, and the buildings'
self-service links (求助二维码)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.access import ScopedQuerySet
from linli.core.models import PosterLink, TransitionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

PLACE_PATHS = {
    "town": "town_id",
    "committee": "household__building__compound__committee_id",
    "compound": "household__building__compound_id",
    "building": "household__building_id",
    "household": "household_id",
    "resident": "resident_id",
}


class VisitQuerySet(ScopedQuerySet["Visit"]):
    """Visits are visible with their place, and to the volunteer who made them."""

    scope_paths = PLACE_PATHS

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return Q(volunteer__user_id=user.pk)


class Visit(models.Model):
    """A door-knock (敲门/走访): who knocked on which door, when, and what they found."""

    class Outcome(models.TextChoices):
        ALL_WELL = "all_well", _("一切正常")
        NEED_FOUND = "need_found", _("发现需求")
        NOBODY_HOME = "nobody_home", _("无人应答")
        REFUSED = "refused", _("拒绝走访")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "places.Household", verbose_name=_("户"), on_delete=models.PROTECT, related_name="visits"
    )
    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    volunteer = models.ForeignKey(
        "duty.Volunteer",
        verbose_name=_("志愿者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("备注"), blank=True)
    visited_at = models.DateTimeField(_("走访时间"), db_index=True)
    form_token = models.CharField(max_length=64, null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "form_token"], name="visit_unique_form_token")
        ]
        indexes = [
            models.Index(fields=["household", "visited_at"], name="visit_household_time"),
            models.Index(fields=["resident", "visited_at"], name="visit_resident_time"),
            models.Index(fields=["volunteer", "visited_at"], name="visit_volunteer_time"),
        ]
        verbose_name = _("走访")
        verbose_name_plural = _("走访")

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_at:%Y-%m-%d %H:%M} {self.outcome}"


class HelpRequestQuerySet(ScopedQuerySet["HelpRequest"]):
    """Requests are visible with their place (building leader and up), to the residents' paired
    volunteers, to the volunteer who owns one and to the members of the team that owns one."""

    scope_paths = PLACE_PATHS

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        from linli.duty.models import Team, Volunteer

        # What a volunteer owns stays visible to them only while they serve.
        active = Volunteer.Status.ACTIVE
        teams = Team.objects.filter(
            Q(members__user_id=user.pk, members__status=active)
            | Q(leader__user_id=user.pk, leader__status=active)
        )
        return Q(owner_volunteer__user_id=user.pk, owner_volunteer__status=active) | Q(
            owner_team_id__in=teams.values("pk")
        )


class HelpRequest(models.Model):
    """A help request (诉求): a need of a resident or household, with an owner and a workflow."""

    class Category(models.TextChoices):
        MEDICINE = "medicine", _("配药")
        SUPPLIES = "supplies", _("食品物资")
        MEDICAL = "medical", _("就医/转运")
        PSYCHOLOGICAL = "psychological", _("心理疏导")
        OTHER = "other", _("其他")

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("紧急")
        TODAY = "today", _("今日")
        NORMAL = "normal", _("一般")

    class Source(models.TextChoices):
        VISIT = "visit", _("走访")
        PHONE = "phone", _("电话")
        SELF_SERVICE = "self_service", _("居民自助")
        STAFF = "staff", _("工作人员")

    class Status(models.TextChoices):
        NEW = "new", _("待接单")
        ACCEPTED = "accepted", _("已接单")
        IN_PROGRESS = "in_progress", _("办理中")
        DONE = "done", _("已完成")
        CANNOT_DO = "cannot_do", _("无法办理")
        CANCELLED = "cancelled", _("已取消")

    class Escalation(models.IntegerChoices):
        OWNER = 0, _("负责人")
        BUILDING_LEADER = 1, _("楼组长")
        COMMITTEE = 2, pgettext_lazy("escalation level", "居委")
        TOWN = 3, _("镇/街道")

    OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS)

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    description = models.TextField(_("内容"), blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    owner_volunteer = models.ForeignKey(
        "duty.Volunteer",
        verbose_name=_("负责志愿者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
    )
    owner_team = models.ForeignKey(
        "duty.Team",
        verbose_name=_("负责小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
    )
    due_at = models.DateTimeField(_("办理时限"), db_index=True)
    cannot_do_reason = models.CharField(_("无法办理原因"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)
    access_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提出时间"), db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "idempotency_key"], name="helprequest_unique_idempotency_key"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="helprequest_status_due"),
            models.Index(fields=["household", "status"], name="helprequest_household_status"),
        ]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("care:request", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def owner_label(self) -> str:
        parts = [str(o) for o in (self.owner_team, self.owner_volunteer) if o is not None]
        return " · ".join(parts)


class HelpRequestTransition(TransitionRecord):
    """One status change of a help request (诉求记录): from, to, who, when and why."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="transitions")
    by_volunteer = models.ForeignKey(
        "duty.Volunteer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("诉求记录")
        verbose_name_plural = _("诉求记录")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status or '-'} → {self.to_status}"


class SelfServiceLink(PosterLink):
    """A building's self-service link (求助二维码): the poster's unguessable token."""

    building = models.OneToOneField(
        "places.Building", on_delete=models.CASCADE, related_name="self_service_link"
    )

    class Meta:
        verbose_name = _("求助二维码")
        verbose_name_plural = _("求助二维码")

    def __str__(self) -> str:
        return f"{self.building_id} self-service"

    def get_absolute_url(self) -> str:
        return reverse("care:ask", args=[self.token])
