"""Advances (垫付): the float a runner carries, what they pay at hospitals (with the invoice),
what patients pay back, and disputes. Money is integer fen (分), never a float."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User

ORDER_PATHS = {
    "town": "town_id",
    "committee": "order__committee_id",
    "compound": "order__household__building__compound_id",
    "building": "order__household__building_id",
    "household": "order__household_id",
    "resident": "order__resident_id",
}


def _team_money(user: User | AnonymousUser) -> Q:
    """The town's desk sees its town's money; a runner their own account."""
    from linli.duty.models import Volunteer
    from linli.medicine.models.team import TeamMember

    posts = TeamMember.objects.filter(
        volunteer__user=user.pk, volunteer__status=Volunteer.Status.ACTIVE, on_duty=True
    )
    desk_towns = posts.filter(post=TeamMember.Post.DESK).values("town_id")
    return Q(town_id__in=desk_towns) | Q(runner__in=posts.values("pk"))


class AdvanceEntryQuerySet(ScopedQuerySet["AdvanceEntry"]):
    scope_paths = ORDER_PATHS

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return _team_money(user)

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the advance ledger is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the advance ledger is append-only")


class AdvanceEntry(models.Model):
    """One movement of a runner's advance account (垫付台账): a float issued, a payment at a
    hospital with its invoice, or a patient's repayment (cash or transfer). Append-only;
    a correction is a new entry. Balance = float − spent + repaid."""

    class Kind(models.TextChoices):
        FLOAT = "float", _("备用金")
        PAYMENT = "payment", _("垫付")
        REPAYMENT = "repayment", _("还款")

    class Method(models.TextChoices):
        CASH = "cash", _("现金")
        TRANSFER = "transfer", _("转账")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    runner = models.ForeignKey(
        "medicine.TeamMember",
        verbose_name=_("外场"),
        on_delete=models.PROTECT,
        related_name="advance_entries",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    amount_fen = models.PositiveBigIntegerField(_("金额（分）"))
    order = models.ForeignKey(
        "medicine.MedicineOrder",
        verbose_name=_("配药单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advance_entries",
    )
    # A payment the float did not cover, which the runner paid from their own pocket and said
    # so: the only way a balance goes below zero.
    out_of_pocket = models.BooleanField(_("自掏垫付"), default=False)
    invoice_photo = models.FileField(_("发票照片"), upload_to="medicine/invoices/", blank=True)
    method = models.CharField(_("还款方式"), max_length=10, choices=Method.choices, blank=True)
    reference = models.CharField(_("转账单号"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)

    objects = AdvanceEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="advanceentry_positive"),
            models.CheckConstraint(
                condition=Q(kind="float") | Q(order__isnull=False),
                name="advanceentry_order_named",
            ),
            models.UniqueConstraint(
                fields=["town", "idempotency_key"], name="advanceentry_unique_idempotency_key"
            ),
        ]
        verbose_name = _("垫付台账")
        verbose_name_plural = _("垫付台账")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_fen}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the advance ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the advance ledger is append-only")


class MoneyDisputeQuerySet(ScopedQuerySet["MoneyDispute"]):
    scope_paths = ORDER_PATHS

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        from linli.medicine.models.orders import MedicineOrder

        return Q(town_id__in=_desk_towns(user)) | Q(
            order__in=MedicineOrder.objects.visible_to(user).values("pk")
        )


def _desk_towns(user: User | AnonymousUser) -> Any:
    from linli.duty.models import Volunteer
    from linli.medicine.models.team import TeamMember

    return TeamMember.objects.filter(
        volunteer__user=user.pk,
        volunteer__status=Volunteer.Status.ACTIVE,
        on_duty=True,
        post=TeamMember.Post.DESK,
    ).values("town_id")


class MoneyDispute(models.Model):
    """A disagreement about a request's money (费用争议): what was paid or repaid is
    questioned; open until the desk records how it was settled."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "medicine.MedicineOrder",
        verbose_name=_("配药单"),
        on_delete=models.PROTECT,
        related_name="money_disputes",
    )
    reason = models.CharField(_("争议内容"), max_length=300)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"))
    resolution = models.CharField(_("处理结果"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = MoneyDisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("费用争议")
        verbose_name_plural = _("费用争议")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.reason[:30]}"
