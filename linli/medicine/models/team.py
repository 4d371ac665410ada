"""Hospitals (医院) and their departments, and the medicine team's posts (配药队)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset

TownQuerySet = scoped_queryset({"town": "town_id"})


class Hospital(models.Model):
    """A hospital (医院) the runners fetch prescriptions from, with its point on the map."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    # A general-clinic green channel (绿色通道) opened for the town's runners.
    green_channel = models.BooleanField(_("绿色通道"), default=False)

    objects = TownQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="hospital_unique_name")
        ]
        verbose_name = _("医院")
        verbose_name_plural = _("医院")

    def __str__(self) -> str:
        return self.name

    @property
    def point(self) -> tuple[Decimal, Decimal]:
        return (self.lat, self.lon)


class Department(models.Model):
    """A hospital department (科室) prescriptions are registered at."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("科室"), max_length=50)

    class Meta:
        ordering = ["hospital_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "name"], name="department_unique_name")
        ]
        verbose_name = _("科室")
        verbose_name_plural = _("科室")

    def __str__(self) -> str:
        return f"{self.hospital} {self.name}"


class TeamMember(models.Model):
    """A medicine team member's post (配药队岗位): a volunteer of a 就医配药 team working the
    desk (内场/内勤) or running to hospitals (外场/外勤), with a daily capacity and a home
    point (their committee's gate unless set)."""

    class Post(models.TextChoices):
        DESK = "desk", _("内场")
        RUNNER = "runner", _("外场")

    DEFAULT_CAPACITY = 30

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    volunteer = models.OneToOneField(
        "duty.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        related_name="medicine_post",
    )
    post = models.CharField(_("岗位"), max_length=10, choices=Post.choices)
    capacity = models.PositiveSmallIntegerField(_("每日单数上限"), default=DEFAULT_CAPACITY)
    home_lat = models.DecimalField(
        _("出发点纬度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    home_lon = models.DecimalField(
        _("出发点经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    on_duty = models.BooleanField(_("在岗"), default=True)

    objects = TownQuerySet.as_manager()

    class Meta:
        ordering = ["post", "volunteer__name", "id"]
        verbose_name = _("配药队员")
        verbose_name_plural = _("配药队员")

    def __str__(self) -> str:
        return f"{self.volunteer} ({self.get_post_display()})"
