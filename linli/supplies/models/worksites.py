"""Worksites' needs (工地物资需求): what a worksite needs each day, the supplier the street's
supply desk matched to it (an order with its delivery tracked), and the vehicle it found when
the site has none."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset
from linli.core.models import TransitionRecord
from linli.supplies.models.suppliers import Category, Supplier

WorksiteQuerySet = scoped_queryset(
    {"town": "town_id", "committee": "committee_id", "compound": "compound_id"}
)


class WorksiteNeed(models.Model):
    """A worksite's daily needs (工地每日需求): headcount, rice/flour/oil in kg a day, other
    goods, and whether the site has its own transport."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("工地"),
        on_delete=models.PROTECT,
        related_name="worksite_needs",
    )
    headcount = models.PositiveIntegerField(_("在场人数"))
    rice_kg = models.PositiveIntegerField(_("大米（公斤/天）"), default=0)
    flour_kg = models.PositiveIntegerField(_("面粉（公斤/天）"), default=0)
    oil_kg = models.PositiveIntegerField(_("食用油（公斤/天）"), default=0)
    # Further goods categories (Category values) and what exactly, in words.
    other_categories = models.JSONField(_("其他品类"), default=list, blank=True)
    other_goods = models.CharField(_("其他物资"), max_length=300, blank=True)
    has_transport = models.BooleanField(_("工地自有车辆"), default=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorksiteQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            # One statement of needs per worksite, updated as the headcount changes.
            models.UniqueConstraint(fields=["compound"], name="worksite_need_one_per_site"),
        ]
        verbose_name = _("工地需求")
        verbose_name_plural = _("工地需求")

    def __str__(self) -> str:
        return f"{self.compound_id}: {self.headcount}"

    @property
    def categories(self) -> list[str]:
        """The goods categories the need asks for: grain and oil when it asks for rice, flour
        or oil, then the others it names."""
        found = [Category.GRAIN_OIL.value] if (self.rice_kg or self.flour_kg or self.oil_kg) else []
        return found + [c for c in self.other_categories or [] if c not in found]


class WorksiteOrder(models.Model):
    """An order (工地供货单) the supply desk made by matching a worksite's need to a supplier
    for a delivery day, with the delivery tracked: ordered → dispatched → delivered."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("已下单")
        DISPATCHED = "dispatched", _("配送中")
        DELIVERED = "delivered", _("已送达")
        CANCELLED = "cancelled", _("已取消")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    need = models.ForeignKey(WorksiteNeed, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("供应商"),
        on_delete=models.PROTECT,
        related_name="worksite_orders",
    )
    delivery_on = models.DateField(_("送货日期"))
    # What was ordered, copied from the need when confirmed (the need may change later).
    headcount = models.PositiveIntegerField(_("在场人数"))
    rice_kg = models.PositiveIntegerField(_("大米（公斤）"), default=0)
    flour_kg = models.PositiveIntegerField(_("面粉（公斤）"), default=0)
    oil_kg = models.PositiveIntegerField(_("食用油（公斤）"), default=0)
    other_goods = models.CharField(_("其他物资"), max_length=300, blank=True)
    # Distance supplier → site when confirmed, in metres (None: a point unknown).
    distance_m = models.PositiveIntegerField(_("距离（米）"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ORDERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorksiteQuerySet.as_manager()

    class Meta:
        ordering = ["-delivery_on", "-id"]
        constraints = [
            # One live order per need and day: two clicks (or two clerks) cannot order twice.
            models.UniqueConstraint(
                fields=["need", "delivery_on"],
                condition=~Q(status="cancelled"),
                name="worksite_order_one_per_day",
            ),
        ]
        verbose_name = _("工地供货单")
        verbose_name_plural = _("工地供货单")

    def __str__(self) -> str:
        return f"{self.compound_id} {self.delivery_on} {self.supplier_id}"


class WorksiteOrderChange(TransitionRecord):
    """One step of a worksite order's delivery (配送记录): from, to, who, when, a note."""

    order = models.ForeignKey(WorksiteOrder, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("配送记录")
        verbose_name_plural = _("配送记录")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"


class VehicleRequest(models.Model):
    """A request for a vehicle (派车申请) for a worksite order whose site has no transport;
    the supply desk fills in the vehicle it found (a transport team's, or a plate and driver)."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    order = models.OneToOneField(
        WorksiteOrder, on_delete=models.CASCADE, related_name="vehicle_request"
    )
    team = models.ForeignKey(
        "duty.Team",
        verbose_name=_("运输队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plate = models.CharField(_("车牌号"), max_length=20, blank=True)
    driver = models.CharField(_("司机"), max_length=50, blank=True)
    assigned_at = models.DateTimeField(_("派车时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("派车申请")
        verbose_name_plural = _("派车申请")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.plate or '-'}"

    @property
    def assigned(self) -> bool:
        return self.assigned_at is not None
