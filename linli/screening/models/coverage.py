"""Coverage counters (覆盖计数): per round and building, the residents expected (the roster
minus exemptions), sampled (first samples) and found positive, kept by the services in the
transaction that writes each sample, so coverage at city scale is a sum over buildings, not
a count over samples."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset
from linli.screening.models.rounds import TestRound

# Figures of a building are seen by whoever sees the building (the coverage part).
CoverageCountQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "committee_id",
        "compound": "compound_id",
        "building": "building_id",
    }
)


class CoverageCount(models.Model):
    """One building's figures in one round. `sampled` and `positives` move only by
    `F()` increments under the row's lock (`linli.screening.counters`); `expected` is set when
    the round opens and moves with exemptions. `linli screening recount` rebuilds them from
    the samples."""

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="counts")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    expected = models.PositiveIntegerField(_("应检"), default=0)
    exempt = models.PositiveIntegerField(_("免检"), default=0)
    sampled = models.PositiveIntegerField(_("已检"), default=0)
    positives = models.PositiveIntegerField(_("阳性"), default=0)

    objects = CoverageCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "building"], name="coveragecount_one")
        ]
        indexes = [
            models.Index(fields=["round", "committee"]),
            models.Index(fields=["round", "compound"]),
        ]
        verbose_name = _("覆盖计数")
        verbose_name_plural = _("覆盖计数")

    def __str__(self) -> str:
        return f"{self.round_id}/{self.building_id}: {self.sampled}/{self.expected}"
