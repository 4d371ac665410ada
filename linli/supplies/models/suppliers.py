"""Suppliers (供应商): who may sell into the town, with their papers and complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet, scope_for, scoped_queryset
from linli.core.models import TransitionRecord

TownQuerySet = scoped_queryset({"town": "town_id"})


class SupplierQuerySet(ScopedQuerySet["Supplier"]):
    """The registry is the town's: town staff see it, and so do committee staff and second
    secretaries (committee or compound scope), who pick suppliers for group buys and record
    complaints. A supplier holds no resident's data; its phone is a business line."""

    scope_paths = {"town": "town_id"}

    def also_visible_to(self, user: Any) -> Q | None:
        from linli.places.models import Committee, Compound

        scope = scope_for(user)
        committees, compounds = scope.ids["committee"], scope.ids["compound"]
        if not committees and not compounds:
            return None
        towns = set(
            Committee.objects.filter(pk__in=sorted(committees)).values_list("town_id", flat=True)
        )
        towns |= set(
            Compound.objects.filter(pk__in=sorted(compounds)).values_list("town_id", flat=True)
        )
        return Q(town_id__in=sorted(towns))


class ComplaintQuerySet(ScopedQuerySet["Complaint"]):
    """Town staff see the town's complaints; committee staff those their committee recorded."""

    scope_paths = {"town": "town_id", "committee": "committee_id"}


class Category(models.TextChoices):
    """Goods categories a supplier sells and a worksite needs."""

    VEGETABLES = "vegetables", _("蔬菜")
    MEAT = "meat", _("肉禽蛋")
    GRAIN_OIL = "grain_oil", _("米面粮油")
    DAIRY = "dairy", _("乳制品")
    MEDICAL = "medical", _("医药用品")
    DAILY = "daily", _("日用品")
    MATERNAL = "maternal", _("母婴用品")
    OTHER = "other", _("其他")


class Supplier(models.Model):
    """A supplier (供应商) vetted by the town: goods, daily capacity, delivery area, papers."""

    class Vetting(models.TextChoices):
        PENDING = "pending", _("待审核")
        VETTED = "vetted", _("已审核")
        SUSPENDED = "suspended", _("已暂停")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    categories = models.JSONField(_("供应品类"), default=list, blank=True)
    # What it can deliver in a day, in households' orders (团购 orders or packages).
    daily_capacity = models.PositiveIntegerField(_("日供应能力（单）"), default=0)
    # The committees it delivers to; none means the whole town.
    delivery_area = models.ManyToManyField(
        "places.Committee", verbose_name=_("配送范围"), blank=True, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    # A business line printed on order sheets, not a person's private number.
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    vetting = models.CharField(
        _("审核状态"), max_length=20, choices=Vetting.choices, default=Vetting.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # -- suppliers part (issue 11) --
    note = models.CharField(_("备注"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="supplier_unique_name")
        ]
        verbose_name = _("供应商")
        verbose_name_plural = _("供应商")

    def __str__(self) -> str:
        return self.name


class SupplierPaper(models.Model):
    """One of a supplier's papers (证照): licence, food permit, whitelist entry, vehicle pass,
    a driver's test date; each with its expiry."""

    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("营业执照")
        FOOD_PERMIT = "food_permit", _("食品经营许可证")
        WHITELIST = "whitelist", _("保供企业白名单")
        VEHICLE_PASS = "vehicle_pass", _("车辆通行证")
        DRIVER_TEST = "driver_test", _("司机核酸检测")

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="papers")
    kind = models.CharField(_("证照类型"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("编号"), max_length=100, blank=True)
    holder = models.CharField(_("持有人/车辆"), max_length=100, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        ordering = ["supplier_id", "kind", "expires_on"]
        verbose_name = _("证照")
        verbose_name_plural = _("证照")

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.kind} {self.expires_on or '-'}"

    def valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class Complaint(models.Model):
    """A complaint (投诉) against a supplier: wrong or short goods, hidden mark-ups, …"""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        RESOLVED = "resolved", _("已处理")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="complaints")
    summary = models.CharField(_("投诉内容"), max_length=300)
    # The group buy it is about, if any (complaints per group buy and per supplier).
    group_buy = models.ForeignKey(
        "supplies.GroupBuy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("团购"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # -- suppliers part (issue 11) --
    # The committee that recorded it (none: the town office); its staff see it.
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=_("居委"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.CharField(_("处理结果"), max_length=300, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")

    def __str__(self) -> str:
        return f"{self.supplier_id}: {self.summary[:20]}"


# -- suppliers part (issue 11): the histories of the vetting and complaint workflows --


class SupplierVettingChange(TransitionRecord):
    """One change of a supplier's vetting status (审核记录): from, to, who, when and why."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="vetting_changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.supplier_id}: {self.from_status or '-'} → {self.to_status}"


class ComplaintChange(TransitionRecord):
    """One status change of a complaint (投诉处理记录): resolved or reopened, by whom, why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("投诉处理记录")
        verbose_name_plural = _("投诉处理记录")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.from_status or '-'} → {self.to_status}"
