"""Tubes, boxes, samples and lab results: a tube (采样管) holds up to its capacity of samples
from one desk, is sealed once and packed into a transport box (转运箱); a sample is one person
once per round (a resample needs a reason); a lab reports a result per tube."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset
from linli.core.models import TransitionRecord
from linli.screening.models.rounds import SamplingPoint, TestRound, TimeSlot


class Result(models.TextChoices):
    PENDING = "pending", _("待出结果")
    NEGATIVE = "negative", _("阴性")
    POSITIVE = "positive", _("阳性")
    # A member of a positive pool until their single-tube retest says which.
    POOL_POSITIVE = "pool_positive", _("混管阳性待复核")


class TransportBox(models.Model):
    """A transport box (转运箱) of sealed tubes, from the point to the lab."""

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="boxes")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    point = models.ForeignKey(SamplingPoint, on_delete=models.PROTECT, related_name="boxes")
    code = models.CharField(_("转运箱号"), max_length=40)
    sealed_at = models.DateTimeField(_("封箱时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送检时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("实验室签收"), null=True, blank=True)

    class Meta:
        ordering = ["round_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="transportbox_unique_code")
        ]
        verbose_name = _("转运箱")
        verbose_name_plural = _("转运箱")

    def __str__(self) -> str:
        return self.code


class Tube(models.Model):
    """A sampling tube (采样管) by its barcode: 1, 5, 10 or 20 people, sealed once."""

    class Status(models.TextChoices):
        OPEN = "open", _("采样中")
        SEALED = "sealed", _("已封管")
        BOXED = "boxed", _("已装箱")
        RESULTED = "resulted", _("已出结果")

    class Capacity(models.IntegerChoices):
        SINGLE = 1, _("单管单检")
        FIVE = 5, _("5 混 1")
        TEN = 10, _("10 混 1")
        TWENTY = 20, _("20 混 1")

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="tubes")
    # Indexed by the unique (town, barcode) constraint.
    town = models.ForeignKey(
        "places.Town", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    point = models.ForeignKey(
        SamplingPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="tubes"
    )
    desk = models.PositiveSmallIntegerField(_("采样台"), default=1)
    barcode = models.CharField(_("采样管条码"), max_length=40)
    capacity = models.PositiveSmallIntegerField(
        _("混采人数"), choices=Capacity.choices, default=Capacity.TEN
    )
    # Samples in it, kept by the sampling service under the tube's row lock.
    filled = models.PositiveSmallIntegerField(_("已采人数"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    box = models.ForeignKey(
        TransportBox, null=True, blank=True, on_delete=models.PROTECT, related_name="tubes"
    )
    result = models.CharField(
        _("结果"), max_length=20, choices=Result.choices, default=Result.PENDING
    )
    resulted_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    sealed_at = models.DateTimeField(_("封管时间"), null=True, blank=True)

    class Meta:
        ordering = ["round_id", "opened_at", "id"]
        constraints = [
            # Barcodes are printed once: one tube per code in a town.
            models.UniqueConstraint(fields=["town", "barcode"], name="tube_unique_barcode"),
            models.CheckConstraint(
                condition=Q(filled__lte=models.F("capacity")), name="tube_not_overfilled"
            ),
        ]
        # No index holds status or result: a lab's results update 100,000 tubes in place (HOT
        # updates, with the fillfactor set in migration 0002).
        verbose_name = _("采样管")
        verbose_name_plural = _("采样管")

    def __str__(self) -> str:
        return self.barcode


class TubeChange(TransitionRecord):
    """One status change of a tube: opened, sealed, boxed, resulted."""

    tube = models.ForeignKey(Tube, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("采样管记录")
        verbose_name_plural = _("采样管记录")

    def __str__(self) -> str:
        return f"{self.tube_id}: {self.from_status or '-'} → {self.to_status}"


SampleQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "building__compound__committee_id",
        "compound": "building__compound_id",
        "building": "building_id",
        "household": "resident__household_id",
        "resident": "resident_id",
    }
)


class Sample(models.Model):
    """One person sampled in a round (采样记录): in a tube at a desk (PCR), or an antigen
    self-test reported by the resident, a proxy or a sheet. One per person per round
    (attempt 1); a resample (attempt 2, 3 …) states its reason."""

    class Source(models.TextChoices):
        DESK = "desk", _("采样点扫码")
        DOOR = "door", _("上门采样")
        IMPORT = "import", _("表格导入")
        SELF = "self", _("本人上报")
        PROXY = "proxy", _("代为上报")

    # Indexed by the unique (round, resident, attempt) constraint.
    round = models.ForeignKey(
        TestRound, on_delete=models.CASCADE, related_name="samples", db_index=False
    )
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("places.Resident", on_delete=models.PROTECT, related_name="+")
    # The resident's building when sampled: the coverage counters' key.
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    tube = models.ForeignKey(
        Tube, null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    point = models.ForeignKey(
        SamplingPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    slot = models.ForeignKey(
        TimeSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="samples"
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    reason = models.CharField(_("重采原因"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    taken_at = models.DateTimeField(_("采样时间"))
    # PCR: positive (a positive single tube) or pool_positive (a positive pool's members,
    # until their retest's result replaces it); otherwise it stays pending and its result is
    # its tube's (`tube.result`): a lab's negative tube rewrites none of its samples.
    # Antigen: the reported result.
    result = models.CharField(
        _("结果"), max_length=20, choices=Result.choices, default=Result.PENDING
    )
    result_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SampleQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "taken_at", "id"]
        constraints = [
            # One sample per person per round: a second scan is the same sample, a resample
            # is the next attempt (with a reason).
            models.UniqueConstraint(
                fields=["round", "resident", "attempt"], name="sample_one_per_attempt"
            ),
            models.CheckConstraint(
                condition=Q(attempt=1) | ~Q(reason=""), name="sample_resample_has_reason"
            ),
        ]
        # No index holds result or result_at: a positive updates its samples in place.
        indexes = [models.Index(fields=["round", "building"])]
        verbose_name = _("采样记录")
        verbose_name_plural = _("采样记录")

    def __str__(self) -> str:
        return f"{self.round_id}/{self.resident_id}#{self.attempt}"

    @property
    def outcome(self) -> str:
        """The person's result: the sample's own, or while it is pending its tube's."""
        if self.result == Result.PENDING and self.tube is not None:
            return self.tube.result
        return self.result


class LabResult(models.Model):
    """A lab's result for a tube (检测结果), as imported: idempotent on tube + lab + time."""

    # Indexed by the unique (tube, lab, reported_at) constraint. No town of its own: the
    # tube's (a lab's file writes 100,000 of these; each foreign key is checked per row).
    tube = models.ForeignKey(
        Tube, on_delete=models.CASCADE, related_name="lab_results", db_index=False
    )
    lab = models.CharField(_("检测机构"), max_length=100)
    result = models.CharField(
        _("结果"),
        max_length=20,
        choices=[
            (Result.NEGATIVE, Result.NEGATIVE.label),
            (Result.POSITIVE, Result.POSITIVE.label),
        ],
    )
    reported_at = models.DateTimeField(_("报告时间"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tube", "lab", "reported_at"], name="labresult_idempotent"
            )
        ]
        verbose_name = _("检测结果")
        verbose_name_plural = _("检测结果")

    def __str__(self) -> str:
        return f"{self.tube_id} {self.result}"


__all__ = [
    "LabResult",
    "Result",
    "Sample",
    "TransportBox",
    "Tube",
    "TubeChange",
]
