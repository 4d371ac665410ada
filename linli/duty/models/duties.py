"""Duties (包干): who answers for which place; claims (认领) of uncovered places and their
history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.rules import is_staff
from linli.core.access import ScopedQuerySet
from linli.core.models import TransitionRecord
from linli.duty.models.volunteers import HeldQuerySet, Volunteer, own_volunteer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


class DutyQuerySet(HeldQuerySet["Duty"]):
    """Duties are visible with the places they are for, and to the volunteer who holds them."""

    scope_paths = {
        "town": "town_id",
        "committee": "committee_id",
        "compound": "compound_id",
        "building": "building_id",
    }


class Duty(models.Model):
    """A duty (包干): who answers for which place, from when to when; history is never deleted.

    The place is stored as its full path (committee, compound, building, household) down to the
    level the duty is for: a second secretary of a committee has only `committee`, of a compound
    also `compound`; a building leader has the building too; a neighbour keeper a household (one
    row per household). So every duty can be found from any level above its place.
    """

    class Kind(models.TextChoices):
        SECOND_SECRETARY = "second_secretary", _("第二书记")
        BUILDING_LEADER = "building_leader", _("楼组长")
        BUILDING_TEAM_MEMBER = "building_team_member", _("楼组成员")
        NEIGHBOUR_KEEPER = "neighbour_keeper", _("包邻里")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="duties"
    )
    kind = models.CharField(_("职责"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("职务名称"), max_length=30, blank=True)
    committee = models.ForeignKey(
        "places.Committee", on_delete=models.PROTECT, related_name="duties"
    )
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="duties"
    )
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="duties"
    )
    household = models.ForeignKey(
        "places.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="duties"
    )
    starts_at = models.DateTimeField(_("开始"), default=timezone.now)
    ends_at = models.DateTimeField(_("结束"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["committee_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                name="duty_place_matches_kind",
                condition=(
                    Q(kind="second_secretary", building__isnull=True, household__isnull=True)
                    | Q(
                        kind__in=["building_leader", "building_team_member"],
                        compound__isnull=False,
                        building__isnull=False,
                        household__isnull=True,
                    )
                    | Q(
                        kind="neighbour_keeper",
                        compound__isnull=False,
                        building__isnull=False,
                        household__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="duty_ends_after_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "building"], name="duty_kind_building"),
            models.Index(fields=["kind", "committee"], name="duty_kind_committee"),
        ]
        verbose_name = _("包干职责")
        verbose_name_plural = _("包干职责")

    def __str__(self) -> str:
        return f"{self.volunteer} {self.get_kind_display()} {self.place_label}"

    @property
    def place_label(self) -> str:
        parts = [self.committee, self.compound, self.building, self.household]
        return " ".join(str(p) for p in parts if p is not None)

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)


class ClaimQuerySet(ScopedQuerySet["Claim"]):
    """Staff see their committee's claims; a volunteer sees their own."""

    scope_paths = {"town": "town_id", "committee": "committee_id"}

    def scope_paths_for(self, user: User | AnonymousUser) -> dict[str, str]:
        # Committee-level scope counts only for staff: a second secretary is not an approver.
        return self.scope_paths if is_staff(user) else {}

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return own_volunteer(user)


class Claim(models.Model):
    """A volunteer's claim (认领) of an uncovered building or household; staff decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")
        ENDED = "ended", _("已结束")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("places.Committee", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="claims")
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    household = models.ForeignKey(
        "places.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    duty = models.OneToOneField(
        Duty, null=True, blank=True, on_delete=models.SET_NULL, related_name="claim"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="claim_one_place",
                condition=Q(building__isnull=False, household__isnull=True)
                | Q(building__isnull=True, household__isnull=False),
            ),
            # A double-tapped claim is one pending claim, even at the same moment.
            models.UniqueConstraint(
                fields=["volunteer", "building"],
                condition=Q(status="pending", building__isnull=False),
                name="claim_one_pending_per_volunteer_building",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "household"],
                condition=Q(status="pending", household__isnull=False),
                name="claim_one_pending_per_volunteer_household",
            ),
            # The database itself refuses a second approved claim on the same place.
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(status="approved", building__isnull=False),
                name="claim_one_approved_per_building",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="approved", household__isnull=False),
                name="claim_one_approved_per_household",
            ),
        ]
        verbose_name = _("认领")
        verbose_name_plural = _("认领")

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.place_label}"

    @property
    def kind(self) -> str:
        return Duty.Kind.BUILDING_LEADER if self.building_id else Duty.Kind.NEIGHBOUR_KEEPER

    @property
    def place_label(self) -> str:
        if self.household_id:
            hh = self.household
            assert hh is not None
            return f"{hh.building.compound} {hh.building} {hh.room}"
        assert self.building is not None
        return f"{self.building.compound} {self.building}"


class ClaimChange(TransitionRecord):
    """One status change of a claim (认领记录): from, to, who, when and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("认领记录")
        verbose_name_plural = _("认领记录")

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status}"
