"""Pairings (结对): a volunteer looking after a special-care resident."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.duty.models.volunteers import HeldQuerySet, Volunteer


class PairingQuerySet(HeldQuerySet["Pairing"]):
    """Pairings are visible with the resident's place (staff, leaders) and to the volunteer."""

    scope_paths = {
        "town": "town_id",
        "committee": "resident__household__building__compound__committee_id",
        "compound": "resident__household__building__compound_id",
        "building": "resident__household__building_id",
    }


class Pairing(models.Model):
    """A pairing (结对): a volunteer looking after a special-care resident."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工")
        IMPORT = "import", _("导入")
        SUGGESTION = "suggestion", _("系统建议")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="pairings")
    resident = models.ForeignKey(
        "places.Resident", on_delete=models.PROTECT, related_name="pairings"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    starts_at = models.DateTimeField(_("开始"), default=timezone.now)
    ends_at = models.DateTimeField(_("结束"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "resident"],
                condition=Q(ends_at__isnull=True),
                name="pairing_one_open_per_pair",
            )
        ]
        verbose_name = _("结对")
        verbose_name_plural = _("结对")

    def __str__(self) -> str:
        return f"{self.volunteer} ↔ {self.resident}"
