"""Custody (保管) of insurance cards (医保卡) and of bags (一人一档): who holds each now, and
an append-only ledger of every hand-over (from whom, to whom, when, where, recorded by whom).

"A card has exactly one holder at any time" is kept by the database: the current holder is
stored on the card (or bag) itself, one row, and every hand-over is written in the same
transaction as the holder's change, under `select_for_update`, with the event's from-holder
checked against the stored one and a per-item sequence number that is unique: two hand-overs
of one holder can never both land (`linli/medicine/custody.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


class HolderKind(models.TextChoices):
    """Who may hold a card or a bag. `ref` says which one: the household (patient), the
    runner's `TeamMember`, the hospital or the committee (its gate); the desk needs none."""

    PATIENT = "patient", _("患者家中")
    DESK = "desk", _("内场")
    RUNNER = "runner", _("外场")
    HOSPITAL = "hospital", _("医院")
    GATE = "gate", _("居委交接点")


class AppendOnlyQuerySet(ScopedQuerySet[Any]):
    """The ledger's rows are never changed or removed (as `core.models.AuditEntry`)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the custody ledger is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the custody ledger is append-only")


def _team_scope(user: User | AnonymousUser) -> Q:
    """The town's desk, and the runner holding an item or carrying its patient's request."""
    from linli.duty.models import Volunteer
    from linli.medicine.models.orders import MedicineOrder
    from linli.medicine.models.team import TeamMember

    active = Volunteer.Status.ACTIVE
    posts = TeamMember.objects.filter(
        volunteer__user=user.pk, volunteer__status=active, on_duty=True
    )
    desk_towns = posts.filter(post=TeamMember.Post.DESK).values("town_id")
    runner_posts = posts.filter(post=TeamMember.Post.RUNNER).values("pk")
    carried = MedicineOrder.objects.filter(
        run__runner__volunteer__user_id=user.pk or 0, run__runner__volunteer__status=active
    ).values("resident_id")
    return (
        Q(town_id__in=desk_towns)
        | Q(holder_kind=HolderKind.RUNNER, holder_ref__in=runner_posts)
        | Q(resident_id__in=carried)
    )


class InsuranceCardQuerySet(ScopedQuerySet["InsuranceCard"]):
    scope_paths = {
        "town": "town_id",
        "committee": "committee_id",
        "compound": "household__building__compound_id",
        "building": "household__building_id",
        "household": "household_id",
        "resident": "resident_id",
    }

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return _team_scope(user)


class InsuranceCard(models.Model):
    """A patient's insurance card (医保卡) in the medicine team's custody: whose it is, the
    last digits of its number (never the whole number), and who holds it now."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
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
        related_name="insurance_cards",
    )
    # At most the last 4 digits: enough to tell two cards of a household apart.
    last4 = models.CharField(_("卡号后四位"), max_length=4, blank=True)
    holder_kind = models.CharField(
        _("持有方"), max_length=10, choices=HolderKind.choices, default=HolderKind.PATIENT
    )
    holder_ref = models.PositiveBigIntegerField(_("持有方编号"), null=True, blank=True)
    # The number of hand-overs so far; the next event's `seq` is this + 1.
    seq = models.PositiveIntegerField(default=0)
    # Flagged lost at its last holder (who stays the holder until it is found).
    lost_at = models.DateTimeField(_("遗失时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InsuranceCardQuerySet.as_manager()

    class Meta:
        ordering = ["committee_id", "household_id", "id"]
        constraints = [
            # Never a whole card number: the service also checks they are digits.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("last4"), 4), name="insurancecard_last4_only"
            ),
            models.CheckConstraint(
                condition=Q(holder_kind="desk") | Q(holder_ref__isnull=False),
                name="insurancecard_holder_named",
            ),
        ]
        verbose_name = _("医保卡")
        verbose_name_plural = _("医保卡")

    def __str__(self) -> str:
        return f"{_('医保卡')} …{self.last4}" if self.last4 else str(_("医保卡"))


class BagQuerySet(ScopedQuerySet["Bag"]):
    scope_paths = {
        "town": "order__town_id",
        "committee": "order__committee_id",
        "compound": "order__household__building__compound_id",
        "building": "order__household__building_id",
        "household": "order__household_id",
        "resident": "order__resident_id",
    }

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        from linli.medicine.models.orders import MedicineOrder

        return Q(order__in=MedicineOrder.objects.visible_to(user).values("pk"))


class Bag(models.Model):
    """A request's labelled bag (一人一档药袋), from bagging to the patient's door: who holds
    it now."""

    order = models.OneToOneField(
        "medicine.MedicineOrder", on_delete=models.PROTECT, related_name="bag"
    )
    holder_kind = models.CharField(_("持有方"), max_length=10, choices=HolderKind.choices)
    holder_ref = models.PositiveBigIntegerField(_("持有方编号"), null=True, blank=True)
    seq = models.PositiveIntegerField(default=0)
    lost_at = models.DateTimeField(_("遗失时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BagQuerySet.as_manager()

    class Meta:
        ordering = ["order_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder_kind="desk") | Q(holder_ref__isnull=False),
                name="bag_holder_named",
            ),
        ]
        verbose_name = _("药袋")
        verbose_name_plural = _("药袋")

    def __str__(self) -> str:
        return f"{_('药袋')} {self.order_id}"


class CustodyEventQuerySet(AppendOnlyQuerySet):
    scope_paths = {
        "town": "town_id",
        "committee": "committee_id",
        "compound": "household__building__compound_id",
        "building": "household__building_id",
        "household": "household_id",
        "resident": "resident_id",
    }

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return _team_scope(user) | Q(by=user.pk)


class CustodyEvent(models.Model):
    """One hand-over of a card or a bag (交接记录): from whom to whom, when, where, recorded by
    whom; or the item flagged lost at its holder. Append-only."""

    class Kind(models.TextChoices):
        HAND_OVER = "hand_over", _("交接")
        LOST = "lost", _("报失")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("places.Resident", on_delete=models.PROTECT, related_name="+")
    card = models.ForeignKey(
        InsuranceCard, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    bag = models.ForeignKey(
        Bag, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HAND_OVER)
    from_kind = models.CharField(_("交出方"), max_length=10, choices=HolderKind.choices)
    from_ref = models.PositiveBigIntegerField(null=True, blank=True)
    to_kind = models.CharField(_("接收方"), max_length=10, choices=HolderKind.choices)
    to_ref = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)

    objects = CustodyEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(card__isnull=False, bag__isnull=True)
                | Q(card__isnull=True, bag__isnull=False),
                name="custodyevent_card_or_bag",
            ),
            models.UniqueConstraint(fields=["card", "seq"], name="custodyevent_card_seq"),
            models.UniqueConstraint(fields=["bag", "seq"], name="custodyevent_bag_seq"),
            models.UniqueConstraint(
                fields=["town", "idempotency_key"], name="custodyevent_unique_idempotency_key"
            ),
        ]
        verbose_name = _("交接记录")
        verbose_name_plural = _("交接记录")

    def __str__(self) -> str:
        return f"{self.from_kind} → {self.to_kind} {self.at:%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the custody ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the custody ledger is append-only")
