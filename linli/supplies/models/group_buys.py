"""Group buys (团购) under a committee's rules: the rules, the group buy and its items, the
households' orders and lines, the money ledger, price changes orderers consent to, and the
status history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet, scope_for, scope_q
from linli.core.models import TransitionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


class GroupBuyRules(models.Model):
    """A committee's group-buying rules (团购管理办法), or a compound's own: who may organise, the
    fee and mark-up caps, the order window, the minimum orders, disinfection at the gate, and
    the switch that suspends every group buy. The text is shown to residents; the numbers are
    enforced by the services."""

    class Organisers(models.TextChoices):
        RESIDENT_OR_NOMINATED = "either", _("本小区居民或居委指定人员")
        RESIDENT = "resident", _("仅本小区登记居民")
        NOMINATED = "nominated", _("仅居委指定人员")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        "places.Committee", on_delete=models.CASCADE, related_name="group_buy_rules"
    )
    # Set: the compound's own rules, which replace the committee's for that compound.
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("规则全文"), blank=True)
    organisers = models.CharField(
        _("团长资格"),
        max_length=20,
        choices=Organisers.choices,
        default=Organisers.RESIDENT_OR_NOMINATED,
    )
    nominated = models.ManyToManyField(
        "duty.Volunteer", verbose_name=_("居委指定团长"), blank=True, related_name="+"
    )
    # Mark-up over the supplier's list price, in basis points (1000 = 10%).
    max_markup_bp = models.PositiveIntegerField(_("最高加价（万分比）"), default=0)
    max_fee_fen = models.PositiveIntegerField(_("每单最高服务费（分）"), default=0)
    max_window_hours = models.PositiveIntegerField(_("接龙时长上限（小时）"), default=48)
    min_orders = models.PositiveIntegerField(_("最低成团户数"), default=1)
    disinfection_required = models.BooleanField(_("到门口须消杀"), default=True)
    suspended = models.BooleanField(_("暂停全部团购"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(compound__isnull=True),
                name="groupbuyrules_one_per_committee",
            ),
            models.UniqueConstraint(
                fields=["compound"],
                condition=Q(compound__isnull=False),
                name="groupbuyrules_one_per_compound",
            ),
        ]
        verbose_name = _("团购规则")
        verbose_name_plural = _("团购规则")

    def __str__(self) -> str:
        return f"{self.committee_id}/{self.compound_id or '-'}"


class GroupBuyQuerySet(ScopedQuerySet["GroupBuy"]):
    """Group buys are visible with their committee (staff), with each compound they cover
    (its second secretary, the leaders of its buildings) and to their organiser.

    The compound and building levels go through the many-to-many `compounds`: joined in the
    gate's filter they would repeat a group buy once per matching compound or building, so
    they are matched in a subquery (`pk__in`) instead and `visible_to` yields each row once."""

    scope_paths = {
        "town": "town_id",
        "committee": "committee_id",
        "compound": "compounds__id",
        "building": "compounds__buildings__id",
    }
    DIRECT_LEVELS = ("town", "committee")

    def scope_paths_for(self, user: User | AnonymousUser) -> dict[str, str]:
        return {k: v for k, v in self.scope_paths.items() if k in self.DIRECT_LEVELS}

    def also_visible_to(self, user: User | AnonymousUser) -> Q | None:
        own = Q(organiser__user_id=user.pk)
        through = {k: v for k, v in self.scope_paths.items() if k not in self.DIRECT_LEVELS}
        scope = scope_for(user)
        if not any(scope.ids[level] for level in through):
            return own
        condition = scope_q(through, user)
        assert condition is not None  # the superuser's all_towns never reaches this hook
        return own | Q(pk__in=self.model._base_manager.filter(condition).values("pk"))


class GroupBuy(models.Model):
    """A group buy (团购): the households of one or more compounds of one committee order a
    supplier's items through an organiser (团长), under the strictest of those compounds'
    rules, from draft to settled."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已审批")
        OPEN = "open", _("接龙中")
        CLOSED = "closed", _("已截单")
        ORDERED = "ordered", _("已下单")
        ARRIVED = "arrived", _("已到门口")
        DISINFECTED = "disinfected", _("已消杀")
        DISTRIBUTING = "distributing", _("分批配送中")
        SETTLED = "settled", _("已结算")
        CANCELLED = "cancelled", _("已取消")
        DISPUTED = "disputed", _("有争议")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    # One or more compounds, all of `committee` (the services refuse any other).
    compounds = models.ManyToManyField(
        "places.Compound", verbose_name=_("小区"), related_name="group_buys"
    )
    organiser = models.ForeignKey(
        "duty.Volunteer", on_delete=models.PROTECT, related_name="group_buys"
    )
    supplier = models.ForeignKey(
        "supplies.Supplier", on_delete=models.PROTECT, related_name="group_buys"
    )
    title = models.CharField(_("名称"), max_length=100)
    # Stated up front: what each ordering household pays on top of the goods.
    fee_fen = models.PositiveIntegerField(_("每单服务费（分）"), default=0)
    opens_at = models.DateTimeField(_("接龙开始"))
    closes_at = models.DateTimeField(_("接龙截止"))
    delivery_on = models.DateField(_("预计送达日"))
    after_sales = models.CharField(_("售后联系方式"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    disputed_from = models.CharField(max_length=20, blank=True)
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    arrival_note = models.CharField(_("到货说明"), max_length=200, blank=True)
    disinfected_at = models.DateTimeField(_("消杀时间"), null=True, blank=True)
    disinfected_by = models.CharField(_("消杀人"), max_length=50, blank=True)
    disinfection_method = models.CharField(_("消杀方式"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupBuyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["town", "status"])]
        verbose_name = _("团购")
        verbose_name_plural = _("团购")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supplies:group_buy", args=[self.pk])

    @property
    def compound_names(self) -> str:
        """The compounds' names joined with "、" (pages, file names, sheet subtitles), in the
        order the compounds were registered (as the pick lists), from the prefetch if any."""
        return "、".join(c.name for c in sorted(self.compounds.all(), key=lambda c: c.pk))


class GroupBuyChange(TransitionRecord):
    """A group buy's status history (团购状态记录)."""

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("团购状态记录")
        verbose_name_plural = _("团购状态记录")


class GroupBuyItem(models.Model):
    """An item of a group buy (团购商品): price per unit to residents, the supplier's list
    price, the unit and pack, the stock available, how many units are ordered and, once goods
    reach the gate, how many arrived."""

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("商品"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, default="份")
    pack_size = models.CharField(_("包装规格"), max_length=50, blank=True)
    list_price_fen = models.PositiveIntegerField(_("供应商标价（分）"))
    unit_price_fen = models.PositiveIntegerField(_("团购价（分）"))
    stock = models.PositiveIntegerField(_("可供数量"))
    ordered = models.PositiveIntegerField(_("已订数量"), default=0)
    arrived = models.PositiveIntegerField(_("到货数量"), null=True, blank=True)

    class Meta:
        ordering = ["group_buy_id", "id"]
        constraints = [
            # The stock is never oversold, whatever the race (the services' guard besides).
            models.CheckConstraint(
                condition=Q(ordered__lte=F("stock")), name="groupbuyitem_not_oversold"
            )
        ]
        verbose_name = _("团购商品")
        verbose_name_plural = _("团购商品")

    def __str__(self) -> str:
        return self.name

    @property
    def markup_bp(self) -> int:
        """The mark-up over the list price in basis points, rounded down (500 = 5%)."""
        if self.list_price_fen == 0:
            return 0 if self.unit_price_fen == 0 else 10**6
        return (self.unit_price_fen - self.list_price_fen) * 10000 // self.list_price_fen


ORDER_PATHS = {
    "town": "group_buy__town_id",
    "committee": "group_buy__committee_id",
    "compound": "household__building__compound_id",
    "building": "household__building_id",
    "household": "household_id",
}


class GroupBuyOrderQuerySet(ScopedQuerySet["GroupBuyOrder"]):
    """A household's order is visible with its place and to the group buy's organiser."""

    scope_paths = ORDER_PATHS

    def also_visible_to(self, user: User | AnonymousUser) -> Q | None:
        return Q(group_buy__organiser__user_id=user.pk)


class GroupBuyOrder(models.Model):
    """A household's order in a group buy (团购订单): its lines, placed at a time (first come,
    first served when goods arrive short), what it is due and what it paid."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        CANCELLED = "cancelled", _("已取消")

    class Source(models.TextChoices):
        SELF_SERVICE = "self_service", _("居民自助")
        VOLUNTEER = "volunteer", _("志愿者代订")
        API = "api", _("接口")

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="orders")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    placed_at = models.DateTimeField(_("下单时间"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fee_fen = models.PositiveIntegerField(_("服务费（分）"), default=0)
    paid_fen = models.PositiveIntegerField(_("已付（分）"), default=0)
    refunded_fen = models.PositiveIntegerField(_("已退（分）"), default=0)
    idempotency_key = models.CharField(max_length=140, null=True, blank=True)
    # SHA-256 of the household's own link (self-service): view, change or cancel the order.
    access_token_hash = models.CharField(max_length=64, blank=True)

    objects = GroupBuyOrderQuerySet.as_manager()

    class Meta:
        ordering = ["placed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group_buy", "household"],
                condition=Q(status="active"),
                name="groupbuyorder_one_active_per_household",
            ),
            models.UniqueConstraint(
                fields=["group_buy", "idempotency_key"], name="groupbuyorder_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(refunded_fen__lte=F("paid_fen")), name="groupbuyorder_refund_le_paid"
            ),
        ]
        indexes = [models.Index(fields=["group_buy", "status", "placed_at"])]
        verbose_name = _("团购订单")
        verbose_name_plural = _("团购订单")

    def __str__(self) -> str:
        return f"{self.group_buy_id}/{self.household_id}"


class GroupBuyLine(models.Model):
    """One item of a household's order (订单明细): the quantity ordered, the price it was
    ordered at, and what it was allocated when goods arrived."""

    order = models.ForeignKey(GroupBuyOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(GroupBuyItem, on_delete=models.PROTECT, related_name="lines")
    qty = models.PositiveIntegerField(_("数量"))
    unit_price_fen = models.PositiveIntegerField(_("单价（分）"))
    allocated = models.PositiveIntegerField(_("实配数量"), null=True, blank=True)

    class Meta:
        ordering = ["order_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "item"], name="groupbuyline_one_per_item"),
            models.CheckConstraint(condition=Q(qty__gt=0), name="groupbuyline_qty_positive"),
        ]
        verbose_name = _("订单明细")
        verbose_name_plural = _("订单明细")

    def __str__(self) -> str:
        return f"{self.item_id}×{self.qty}"


class MoneyEntry(models.Model):
    """One movement of a group buy's money (资金流水), in fen: a household paid the organiser,
    the organiser refunded a household, or paid the supplier. What the organiser holds is what
    was collected less what was paid out and refunded, and never below zero."""

    class Kind(models.TextChoices):
        COLLECTED = "collected", _("收款")
        REFUNDED = "refunded", _("退款")
        PAID_SUPPLIER = "paid_supplier", _("付供应商")

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="money")
    order = models.ForeignKey(
        GroupBuyOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="money"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="moneyentry_positive")
        ]
        verbose_name = _("资金流水")
        verbose_name_plural = _("资金流水")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_fen}"


class PriceChange(models.Model):
    """A price change proposed after opening (改价申请): it applies only once every household
    that ordered the item has consented."""

    item = models.ForeignKey(GroupBuyItem, on_delete=models.CASCADE, related_name="price_changes")
    new_price_fen = models.PositiveIntegerField(_("新价格（分）"))
    reason = models.CharField(_("原因"), max_length=200)
    applied = models.BooleanField(default=False)
    consented = models.ManyToManyField(GroupBuyOrder, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("改价申请")
        verbose_name_plural = _("改价申请")

    def __str__(self) -> str:
        return f"{self.item_id} → {self.new_price_fen}"


class DistributionSlot(models.Model):
    """A time slot in which one building collects its goods (分楼栋分时段配送), so the gate
    does not crowd."""

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="slots")
    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))

    class Meta:
        ordering = ["starts_at", "building__sort_key"]
        verbose_name = _("配送时段")
        verbose_name_plural = _("配送时段")

    def __str__(self) -> str:
        return f"{self.building_id} {self.starts_at:%m-%d %H:%M}"
