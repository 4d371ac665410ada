"""The shared basket (共享菜篮子): a resident's surplus offered in their building, claimed by
neighbours in staggered pickup slots (错峰) whose capacity keeps the stairwell uncrowded."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset
from linli.core.models import TransitionRecord

BuildingRowQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "building__compound__committee_id",
        "compound": "building__compound_id",
        "building": "building_id",
    }
)
ClaimQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "post__building__compound__committee_id",
        "compound": "post__building__compound_id",
        "building": "post__building_id",
    }
)


class BasketSlots(models.Model):
    """A building's pickup slots (错峰取件时段): their length, hours and how many neighbours
    one slot lets into the stairwell. A building without a row has the defaults."""

    DEFAULT_MINUTES = 30
    DEFAULT_CAPACITY = 3
    DEFAULT_OPENS = dt.time(8, 0)
    DEFAULT_CLOSES = dt.time(20, 0)

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    building = models.OneToOneField(
        "places.Building", on_delete=models.CASCADE, related_name="basket_slots"
    )
    minutes = models.PositiveSmallIntegerField(_("每时段分钟数"), default=DEFAULT_MINUTES)
    capacity = models.PositiveSmallIntegerField(_("每时段人数上限"), default=DEFAULT_CAPACITY)
    opens_at = models.TimeField(_("开始时间"), default=DEFAULT_OPENS)
    closes_at = models.TimeField(_("结束时间"), default=DEFAULT_CLOSES)

    objects = BuildingRowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=5, capacity__gte=1), name="basket_slots_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="basket_slots_hours_ordered",
            ),
        ]
        verbose_name = _("取件时段")
        verbose_name_plural = _("取件时段")

    def __str__(self) -> str:
        return f"{self.building_id}: {self.capacity}/{self.minutes}min"


class BasketPost(models.Model):
    """A resident's surplus in the shared basket (共享菜篮子): what, how much, until when."""

    class Status(models.TextChoices):
        OPEN = "open", _("可领取")
        CLOSED = "closed", _("已结束")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("物品"), max_length=60)
    quantity = models.PositiveSmallIntegerField(_("份数"))
    unit = models.CharField(_("单位"), max_length=10, default="份")
    perishable = models.BooleanField(_("易腐（需尽快取）"), default=False)
    until = models.DateTimeField(_("截止时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # Only the SHA-256 of the giver's link is kept: the link is their key to the post.
    giver_token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BuildingRowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="basket_post_quantity")
        ]
        verbose_name = _("共享菜篮子")
        verbose_name_plural = _("共享菜篮子")

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity}"


class BasketPostChange(TransitionRecord):
    """One status change of a basket post (菜篮子记录)."""

    post = models.ForeignKey(BasketPost, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("菜篮子记录")
        verbose_name_plural = _("菜篮子记录")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.from_status} → {self.to_status}"


class BasketClaim(models.Model):
    """A neighbour's claim (领取) on a basket post, to be picked up in one slot."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("待领取")
        PICKED_UP = "picked_up", _("已领取")
        NO_SHOW = "no_show", _("未领取")
        CANCELLED = "cancelled", _("已取消")

    # The claims that hold part of the post; a no-show or cancelled one frees it.
    HOLDING = (Status.CLAIMED, Status.PICKED_UP)

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(BasketPost, on_delete=models.CASCADE, related_name="claims")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    # The claimer's phone, shown to the giver only masked (linli.core.masking).
    phone = models.CharField(_("手机号"), max_length=20)
    quantity = models.PositiveSmallIntegerField(_("份数"), default=1)
    slot_start = models.DateTimeField(_("取件时段"))
    slot_end = models.DateTimeField()
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.CLAIMED, db_index=True
    )
    claimer_token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["slot_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="basket_claim_quantity"
            )
        ]
        indexes = [models.Index(fields=["post", "status"])]
        verbose_name = _("领取")
        verbose_name_plural = _("领取")

    def __str__(self) -> str:
        return f"{self.post_id} {self.household_id} {self.slot_start:%H:%M}"


class BasketClaimChange(TransitionRecord):
    """One status change of a claim (领取记录)."""

    claim = models.ForeignKey(BasketClaim, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("领取记录")
        verbose_name_plural = _("领取记录")

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status}"
