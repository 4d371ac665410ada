"""Medicine requests (配药单): one patient's prescriptions to fetch from one hospital, their
lines, and the history of their status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet
from linli.core.models import TransitionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

PLACE_PATHS = {
    "town": "town_id",
    "committee": "committee_id",
    "compound": "household__building__compound_id",
    "building": "household__building_id",
    "household": "household_id",
    "resident": "resident_id",
}


class MedicineOrderQuerySet(ScopedQuerySet["MedicineOrder"]):
    """Requests are visible with their place (building leader and up), to the town's medicine
    desk (内场) and to the runner whose run carries one."""

    scope_paths = PLACE_PATHS

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        from linli.duty.models import Volunteer
        from linli.medicine.models.team import TeamMember

        active = Volunteer.Status.ACTIVE
        desk_towns = TeamMember.objects.filter(
            volunteer__user=user.pk,
            volunteer__status=active,
            post=TeamMember.Post.DESK,
            on_duty=True,
        ).values("town_id")
        return Q(town_id__in=desk_towns) | Q(
            run__runner__volunteer__user_id=user.pk, run__runner__volunteer__status=active
        )


class MedicineOrder(models.Model):
    """A medicine request (配药单): one patient's lines to fetch from one hospital department,
    with its urgency, its status and, once planned, the run that carries it."""

    class Urgency(models.TextChoices):
        RED = "red", _("红（已断药）")
        YELLOW = "yellow", _("黄（今日需要）")
        GREEN = "green", _("绿（可缓一天）")

    class Source(models.TextChoices):
        HELP_REQUEST = "help_request", _("诉求")
        DESK = "desk", _("内场登记")
        SELF_SERVICE = "self_service", _("居民自助")
        IMPORT = "import", _("表格导入")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待核实")
        VERIFIED = "verified", _("已核实")
        PLANNED = "planned", _("已排班")
        AT_HOSPITAL = "at_hospital", _("在医院")
        FETCHED = "fetched", _("已取药")
        PARTLY_FETCHED = "partly_fetched", _("部分取药")
        CARRIED_OVER = "carried_over", _("顺延")
        BAGGED = "bagged", _("已装袋")
        HANDED_OVER = "handed_over", _("已交居委")
        DELIVERED = "delivered", _("已送达")
        CONFIRMED = "confirmed", _("已确认")
        REFUSED = "refused", _("拒收（错药）")
        EXCHANGED = "exchanged", _("已换药")
        CANCELLED = "cancelled", _("已取消")
        REFERRED = "referred", _("转线上医院")

    CLOSED_STATUSES = (Status.CONFIRMED, Status.EXCHANGED, Status.CANCELLED, Status.REFERRED)

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    # The patient's committee, stored so the desk's lists and the gate's counts need no join.
    committee = models.ForeignKey(
        "places.Committee", verbose_name=_("居委"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "places.Household", verbose_name=_("户"), on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("患者"),
        on_delete=models.PROTECT,
        related_name="medicine_orders",
    )
    # The desk's paper form number (配药单号), unique in the town when given.
    form_number = models.CharField(_("配药单号"), max_length=40, null=True, blank=True)
    hospital = models.ForeignKey(
        "medicine.Hospital", verbose_name=_("医院"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "medicine.Department",
        verbose_name=_("科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.YELLOW
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # The day the desk means it to be fetched; carrying over moves it to the next day.
    service_date = models.DateField(_("配药日期"), db_index=True)
    run = models.ForeignKey(
        "medicine.MedicineRun",
        verbose_name=_("配药路线"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    help_request = models.OneToOneField(
        "care.HelpRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="medicine_order",
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    carry_reason = models.CharField(_("顺延原因"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MedicineOrderQuerySet.as_manager()

    class Meta:
        ordering = ["service_date", "committee_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "form_number"], name="medicineorder_unique_form_number"
            ),
            models.UniqueConstraint(
                fields=["town", "idempotency_key"], name="medicineorder_unique_idempotency_key"
            ),
        ]
        indexes = [
            models.Index(fields=["town", "service_date", "status"], name="medicineorder_day"),
        ]
        verbose_name = _("配药单")
        verbose_name_plural = _("配药单")

    def __str__(self) -> str:
        return self.form_number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("medicine:order", args=[self.pk])

    @property
    def label(self) -> str:
        """The form number, or the request's id where the desk gave none (the plan's key)."""
        return self.form_number or str(self.pk)

    @property
    def cold_chain(self) -> bool:
        return any(line.cold_chain for line in self.lines.all())


class MedicineLine(models.Model):
    """One drug on a request (配药明细): what, which maker and strength, how much, how long,
    and what was fetched."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待取")
        FETCHED = "fetched", _("已取")
        SHORT = "short", _("部分取到")
        STOCK_OUT = "stock_out", _("缺药")

    # A long prescription (长处方) covers at most this many days.
    MAX_DAYS = 84

    order = models.ForeignKey(MedicineOrder, on_delete=models.CASCADE, related_name="lines")
    generic_name = models.CharField(_("药品通用名"), max_length=100)
    trade_name = models.CharField(_("商品名"), max_length=100, blank=True)
    maker = models.CharField(_("厂家"), max_length=100, blank=True)
    any_maker = models.BooleanField(_("厂家不限"), default=False)
    strength = models.CharField(_("规格"), max_length=60, blank=True)
    form = models.CharField(_("剂型"), max_length=30, blank=True)
    boxes = models.PositiveSmallIntegerField(_("数量（盒）"), default=1)
    days = models.PositiveSmallIntegerField(_("天数"), null=True, blank=True)
    cold_chain = models.BooleanField(_("冷链"), default=False)
    substitution_allowed = models.BooleanField(_("可替换"), default=False)
    # The patient's recorded consent to a substitute (who agreed, how, when), required before
    # a substituted line counts as fetched.
    substitution_consent = models.CharField(_("替换同意记录"), max_length=200, blank=True)
    # Confidential lines (e.g. psychiatric or HIV drugs) hide the drug's names from building
    # leaders and volunteers other than the runner and the desk.
    confidential = models.BooleanField(_("保密"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    boxes_fetched = models.PositiveSmallIntegerField(_("已取数量"), default=0)
    substitute = models.CharField(_("替换药品"), max_length=200, blank=True)

    class Meta:
        ordering = ["order_id", "id"]
        verbose_name = _("配药明细")
        verbose_name_plural = _("配药明细")

    def __str__(self) -> str:
        return f"{self.generic_name} {self.strength} ×{self.boxes}"


class MedicineOrderChange(TransitionRecord):
    """One status change of a medicine request (配药单记录): from, to, who, when and why."""

    order = models.ForeignKey(MedicineOrder, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("配药单记录")
        verbose_name_plural = _("配药单记录")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"
