"""Worksites (工地): a site's profile, its workers' employment facts, closed-loop transport
requests, permits with a QR code, and crews lent to the street.

A worksite is a `places.Compound` of kind worksite; its dormitories are buildings, its rooms
households, its workers residents. This app adds what a residential compound does not have.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset
from linli.core.models import TransitionRecord

# A worker entering a site is under observation (观察期) for this many days from the day they
# entered (进场日期): the day itself is day 1, so one who entered on the 1st is out on the 15th.
OBSERVATION_DAYS = 14

# Rows of one site: reached from the town, the site's committee and the site (a compound).
SiteQuerySet = scoped_queryset(
    {"town": "town_id", "committee": "committee_id", "compound": "compound_id"}
)
WorkerInfoQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "resident__household__building__compound__committee_id",
        "compound": "resident__household__building__compound_id",
        "building": "resident__household__building_id",
        "household": "resident__household_id",
        "resident": "resident_id",
    }
)


class SiteProfile(models.Model):
    """A worksite's profile (工地信息): the person in charge and their phone, the contractor,
    the address, and whether the site has its own transport."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    compound = models.OneToOneField(
        "places.Compound", on_delete=models.PROTECT, related_name="site_profile"
    )
    manager = models.CharField(_("负责人"), max_length=50, blank=True)
    manager_phone = models.CharField(_("负责人电话"), max_length=20, blank=True)
    contractor = models.CharField(_("施工单位"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    has_transport = models.BooleanField(_("自有车辆"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("工地信息")
        verbose_name_plural = _("工地信息")

    def __str__(self) -> str:
        return str(self.compound_id)


class WorkerInfo(models.Model):
    """A worker's employment facts (工人信息): employer (单位), trade (工种) and the day they
    entered the site (进场日期), from which their observation period runs."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    resident = models.OneToOneField(
        "places.Resident", on_delete=models.CASCADE, related_name="worker_info"
    )
    employer = models.CharField(_("单位"), max_length=100, blank=True)
    trade = models.CharField(_("工种"), max_length=50, blank=True)
    entered_on = models.DateField(_("进场日期"), null=True, blank=True)

    objects = WorkerInfoQuerySet.as_manager()

    class Meta:
        verbose_name = _("工人信息")
        verbose_name_plural = _("工人信息")

    def __str__(self) -> str:
        return str(self.resident_id)

    @property
    def observed_until(self) -> dt.date | None:
        """The last day of the observation period (None: the entry day is unknown)."""
        if self.entered_on is None:
            return None
        return self.entered_on + dt.timedelta(days=OBSERVATION_DAYS - 1)


class TransportRequest(models.Model):
    """A closed-loop transport request (闭环转运申请): people or goods, the vehicle, route,
    escort and time window; town staff approve or refuse it."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("人员")
        GOODS = "goods", _("物资")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("未批准")
        CANCELLED = "cancelled", _("已取消")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="transport_requests"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    plate = models.CharField(_("车牌号"), max_length=20)
    route = models.CharField(_("路线"), max_length=200)
    escort = models.CharField(_("押运人"), max_length=50, blank=True)
    window_from = models.DateTimeField(_("开始时间"))
    window_to = models.DateTimeField(_("结束时间"))
    headcount = models.PositiveIntegerField(_("人数"), default=0)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-window_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_to__gt=models.F("window_from")),
                name="transport_window_ends_after_start",
            )
        ]
        verbose_name = _("闭环转运申请")
        verbose_name_plural = _("闭环转运申请")

    def __str__(self) -> str:
        return f"{self.compound_id} {self.plate}"

    def get_absolute_url(self) -> str:
        return reverse("worksites:transport", args=[self.pk])


class TransportRequestChange(TransitionRecord):
    """One status change of a transport request (转运审批记录)."""

    transport = models.ForeignKey(
        TransportRequest, on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("转运审批记录")
        verbose_name_plural = _("转运审批记录")

    def __str__(self) -> str:
        return f"{self.transport_id}: {self.from_status or '-'} → {self.to_status}"


class Permit(models.Model):
    """A permit (通行证/复工证): a vehicle's (one vehicle, one route) or a worker's
    return-to-work pass, valid between two times unless revoked; its QR code carries an
    unguessable token a checkpoint verifies without logging in."""

    class Kind(models.TextChoices):
        VEHICLE = "vehicle", _("车辆通行证")
        PERSON = "person", _("复工证")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="permits"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    plate = models.CharField(_("车牌号"), max_length=20, blank=True)
    route = models.CharField(_("路线"), max_length=200, blank=True)
    worker = models.ForeignKey(
        "places.Resident",
        verbose_name=_("工人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transport = models.ForeignKey(
        TransportRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="permits"
    )
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    token = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")),
                name="permit_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(kind="vehicle") & ~Q(plate=""))
                | Q(kind="person", worker__isnull=False),
                name="permit_has_its_subject",
            ),
        ]
        verbose_name = _("通行证")
        verbose_name_plural = _("通行证")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("worksites:permit", args=[self.pk])


class CrewLoan(models.Model):
    """A crew lent to the street (借调班组): workers of a site sent for a task (barriers,
    package delivery) at a place, on a day, for some hours, carried by closed-loop transport."""

    class Task(models.TextChoices):
        BARRIERS = "barriers", _("围挡搭建")
        DELIVERY = "delivery", _("物资配送")
        OTHER = "other", _("其他")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="crew_loans"
    )
    task = models.CharField(_("任务"), max_length=20, choices=Task.choices)
    place = models.CharField(_("地点"), max_length=200)
    transport = models.CharField(_("转运方式"), max_length=200, blank=True)
    headcount = models.PositiveIntegerField(_("人数"))
    hours = models.DecimalField(_("工时（小时）"), max_digits=5, decimal_places=1)
    date = models.DateField(_("日期"))
    workers = models.ManyToManyField(
        "places.Resident", verbose_name=_("工人"), blank=True, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gt=0), name="crewloan_headcount"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="crewloan_hours"),
        ]
        verbose_name = _("借调班组")
        verbose_name_plural = _("借调班组")

    def __str__(self) -> str:
        return f"{self.compound_id} {self.date} {self.task}"
