"""The day's plan (配药排班) and each runner's run (配药路线) in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset

TownQuerySet = scoped_queryset({"town": "town_id"})


class DayPlan(models.Model):
    """A saved plan of one day's runs (配药排班): what the planner proposed and the desk kept."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    total_km = models.DecimalField(_("总里程（公里）"), max_digits=9, decimal_places=2)
    # The labels (form number or id) of requests the plan carried to the next day.
    carried_over = models.JSONField(_("顺延"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TownQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["town", "date"], name="dayplan_unique_date")]
        verbose_name = _("配药排班")
        verbose_name_plural = _("配药排班")

    def __str__(self) -> str:
        return f"{self.date} {self.total_km} km"


class MedicineRun(models.Model):
    """One runner's run for a day (配药路线): home → hospitals → committees' gates → home."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(DayPlan, on_delete=models.CASCADE, related_name="runs")
    date = models.DateField(_("日期"), db_index=True)
    runner = models.ForeignKey(
        "medicine.TeamMember", verbose_name=_("外场"), on_delete=models.PROTECT, related_name="runs"
    )
    # Visiting order: hospital ids, then committee ids (whose gates are visited).
    hospital_order = models.JSONField(default=list)
    gate_order = models.JSONField(default=list)
    km = models.DecimalField(_("里程（公里）"), max_digits=8, decimal_places=2)

    objects = TownQuerySet.as_manager()

    class Meta:
        ordering = ["date", "runner_id"]
        constraints = [
            models.UniqueConstraint(fields=["runner", "date"], name="medicinerun_unique_day")
        ]
        verbose_name = _("配药路线")
        verbose_name_plural = _("配药路线")

    def __str__(self) -> str:
        return f"{self.date} {self.runner}"
