"""What a positive result opens: a pool's follow-up (混管阳性追踪: its members kept in place and
retested single-tube at home), a case (病例: a confirmed positive, re-checked, transferred), and
the zone (封控区 / 管控区 / 防范区) each compound is in, from the days since its last positive."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset
from linli.core.models import TransitionRecord
from linli.screening.models.rounds import TestRound
from linli.screening.models.tubes import Result, Sample, Tube


class PoolFollowUp(models.Model):
    """A positive pool's follow-up: open until each member has a single-tube result."""

    class Status(models.TextChoices):
        OPEN = "open", _("追踪中")
        CLOSED = "closed", _("已闭环")

    tube = models.OneToOneField(Tube, on_delete=models.CASCADE, related_name="follow_up")
    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="follow_ups")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    flagged_at = models.DateTimeField(_("发现时间"))
    closed_at = models.DateTimeField(_("闭环时间"), null=True, blank=True)

    class Meta:
        ordering = ["flagged_at", "id"]
        verbose_name = _("混管阳性追踪")
        verbose_name_plural = _("混管阳性追踪")

    def __str__(self) -> str:
        return f"{self.tube_id} {self.status}"


class PoolFollowUpChange(TransitionRecord):
    follow_up = models.ForeignKey(PoolFollowUp, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("混管追踪记录")
        verbose_name_plural = _("混管追踪记录")

    def __str__(self) -> str:
        return f"{self.follow_up_id}: {self.from_status or '-'} → {self.to_status}"


PoolMemberQuerySet = scoped_queryset(
    {
        "town": "follow_up__town_id",
        "committee": "building__compound__committee_id",
        "compound": "building__compound_id",
        "building": "building_id",
        "household": "resident__household_id",
        "resident": "resident_id",
    }
)


class PoolMember(models.Model):
    """A member of a positive pool: kept in place (原地管控), retested single-tube at home."""

    follow_up = models.ForeignKey(PoolFollowUp, on_delete=models.CASCADE, related_name="members")
    sample = models.OneToOneField(Sample, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey("places.Resident", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    kept_in_place_at = models.DateTimeField(_("原地管控时间"), null=True, blank=True)
    retest = models.ForeignKey(
        Sample, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(
        _("复核结果"), max_length=20, choices=Result.choices, default=Result.PENDING
    )
    result_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    objects = PoolMemberQuerySet.as_manager()

    class Meta:
        ordering = ["follow_up_id", "building_id", "id"]
        verbose_name = _("混管成员")
        verbose_name_plural = _("混管成员")

    def __str__(self) -> str:
        return f"{self.follow_up_id}/{self.resident_id}"


CaseQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "building__compound__committee_id",
        "compound": "building__compound_id",
        "building": "building_id",
        "household": "resident__household_id",
        "resident": "resident_id",
    }
)


class Case(models.Model):
    """A confirmed positive (阳性病例): re-checked, transferred (转运), closed."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认")
        RECHECKING = "rechecking", _("复核中")
        TRANSFERRED = "transferred", _("已转运")
        RECOVERED = "recovered", _("已出院/解除")
        CLEARED = "cleared", _("复核排除")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("places.Resident", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    sample = models.ForeignKey(
        Sample, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The day the positive sample was taken: what zones count from (a late result back-dates).
    positive_on = models.DateField(_("阳性采样日"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    transferred_to = models.CharField(_("转运去向"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-positive_on", "-id"]
        indexes = [models.Index(fields=["town", "positive_on"])]
        verbose_name = _("病例")
        verbose_name_plural = _("病例")

    def __str__(self) -> str:
        return f"{self.resident_id} {self.positive_on}"


class CaseChange(TransitionRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("病例记录")
        verbose_name_plural = _("病例记录")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status or '-'} → {self.to_status}"


class Zone(models.TextChoices):
    SEALED = "sealed", _("封控区")
    CONTROLLED = "controlled", _("管控区")
    PRECAUTION = "precaution", _("防范区")


class ZoneAssignment(models.Model):
    """A compound's zone from a day on (分区管控): which zone, why (its last positive), until
    when, and under which version of the rules. A compound's zone on a day is its latest
    assignment from on or before that day; a back-dated result rewrites them from its day."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.CASCADE, related_name="zone_assignments"
    )
    zone = models.CharField(_("分区"), max_length=20, choices=Zone.choices)
    effective_from = models.DateField(_("起始日"))
    # The day it moves down a zone if no new positive comes (null: precaution, the lowest).
    release_on = models.DateField(_("预计解除日"), null=True, blank=True)
    last_positive_on = models.DateField(_("最近阳性日"), null=True, blank=True)
    ruleset = models.CharField(_("规则版本"), max_length=40)
    computed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["compound_id", "effective_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "effective_from"], name="zoneassignment_one_per_day"
            )
        ]
        verbose_name = _("分区")
        verbose_name_plural = _("分区")

    def __str__(self) -> str:
        return f"{self.compound_id} {self.zone} {self.effective_from}"
