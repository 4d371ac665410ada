"""Test rounds (检测轮次): a PCR or antigen round over chosen compounds and worksites on a day,
its sampling points with their desks, the time slots that call buildings (or floor ranges)
down in turn, and the residents exempted from it with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet
from linli.core.models import TransitionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


class TestRoundQuerySet(ScopedQuerySet["TestRound"]):
    # Through the round's compounds: readers dedupe (a round covers many compounds).
    scope_paths = {
        "town": "town_id",
        "committee": "compounds__committee_id",
        "compound": "compounds__id",
        "building": "compounds__buildings__id",
    }

    def also_visible_to(self, user: User | AnonymousUser) -> Q | None:
        # A volunteer posted at one of the round's sampling points works its desk.
        return Q(points__volunteers__user_id=user.pk)


class TestRound(models.Model):
    """A test round (检测轮次): PCR sampling at points, or antigen self-tests reported by
    residents, over chosen compounds and worksites on one day."""

    __test__ = False  # not a pytest class, despite the name

    class Kind(models.TextChoices):
        PCR = "pcr", _("核酸")
        ANTIGEN = "antigen", _("抗原")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        OPEN = "open", _("采样中")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("轮次名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PCR)
    date = models.DateField(_("日期"))
    compounds = models.ManyToManyField(
        "places.Compound", verbose_name=_("检测小区和工地"), related_name="+"
    )
    # Key groups (重点人群) sampled in single tubes: residents with one of these tags.
    single_tube_tags = models.ManyToManyField(
        "places.CareTag", verbose_name=_("单管单检人群"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TestRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="testround_unique_name")
        ]
        verbose_name = _("检测轮次")
        verbose_name_plural = _("检测轮次")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("screening:round", args=[self.pk])


class TestRoundChange(TransitionRecord):
    """One status change of a test round: from, to, who, when and why."""

    __test__ = False

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("检测轮次记录")
        verbose_name_plural = _("检测轮次记录")

    def __str__(self) -> str:
        return f"{self.round_id}: {self.from_status or '-'} → {self.to_status}"


class SamplingPoint(models.Model):
    """A sampling point (采样点) of a round, with its desks and the volunteers posted there."""

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="points")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    # The compound it stands in (null: a point outside, serving several).
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("采样点"), max_length=100)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    desks = models.PositiveSmallIntegerField(_("采样台数"), default=1)
    volunteers = models.ManyToManyField(
        "duty.Volunteer", verbose_name=_("采样点志愿者"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="samplingpoint_unique_name")
        ]
        verbose_name = _("采样点")
        verbose_name_plural = _("采样点")

    def __str__(self) -> str:
        return self.name


class TimeSlot(models.Model):
    """A time slot (分时段) at a point: a building, or floors of it, comes down in turn so the
    queue stays short."""

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="slots")
    point = models.ForeignKey(SamplingPoint, on_delete=models.CASCADE, related_name="slots")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    floor_from = models.PositiveSmallIntegerField(_("起始楼层"), null=True, blank=True)
    floor_to = models.PositiveSmallIntegerField(_("结束楼层"), null=True, blank=True)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))

    class Meta:
        ordering = ["round_id", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="timeslot_ends_after_start"
            )
        ]
        verbose_name = _("时段")
        verbose_name_plural = _("时段")

    def __str__(self) -> str:
        return f"{self.building_id} {self.starts_at:%H:%M}"


class Exemption(models.Model):
    """A resident not expected in a round (免检), with the reason: away, in hospital, a case."""

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="exemptions")
    resident = models.ForeignKey("places.Resident", on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("免检原因"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "resident"], name="exemption_one_per_round")
        ]
        verbose_name = _("免检")
        verbose_name_plural = _("免检")

    def __str__(self) -> str:
        return f"{self.round_id}/{self.resident_id}"
