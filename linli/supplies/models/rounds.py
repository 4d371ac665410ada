"""Package rounds (物资发放): one package per household on the roster, packed per building,
delivered by teams, each household marked delivered (who, when) or an exception to resolve."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet
from linli.core.models import TransitionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


def delivering_teams(user: User | AnonymousUser) -> list[int]:
    """The duty teams the login's volunteer in service is a member or the leader of (memoised
    on the user object, which lives one request)."""
    cached = getattr(user, "_delivering_teams", None)
    if cached is not None:
        return list(cached)
    volunteers = apps.get_model("duty", "Volunteer").objects.filter(
        user_id=user.pk, status="active"
    )
    found = {t for t in volunteers.values_list("team_id", flat=True) if t is not None}
    teams = apps.get_model("duty", "Team").objects.filter(leader__in=volunteers)
    found.update(teams.values_list("id", flat=True))
    user._delivering_teams = sorted(found)  # type: ignore[union-attr]
    return sorted(found)


def assigned_to(teams: list[int]) -> models.QuerySet[Any]:
    """The round buildings whose delivery team is one of these duty teams: the team sees
    those buildings' rooms and statuses, which it marks."""
    model = apps.get_model("supplies", "RoundBuilding")
    return model.objects.filter(team__team_id__in=teams).order_by()


class RoundQuerySet(ScopedQuerySet["PackageRound"]):
    # Through the compounds and the buildings of a round: a building leader reaches the rounds
    # delivering to their building (readers dedupe: a round has many).
    scope_paths = {
        "town": "town_id",
        "committee": "compounds__committee_id",
        "compound": "compounds__id",
        "building": "buildings__building_id",
    }

    def also_visible_to(self, user: User | AnonymousUser) -> Q | None:
        teams = delivering_teams(user)
        return Q(pk__in=assigned_to(teams).values("round_id")) if teams else None


class RoundBuildingQuerySet(ScopedQuerySet["RoundBuilding"]):
    scope_paths = {
        "town": "town_id",
        "committee": "building__compound__committee_id",
        "compound": "building__compound_id",
        "building": "building_id",
    }

    def also_visible_to(self, user: User | AnonymousUser) -> Q | None:
        teams = delivering_teams(user)
        return Q(pk__in=assigned_to(teams).values("pk")) if teams else None


class DeliveryQuerySet(ScopedQuerySet["PackageDelivery"]):
    scope_paths = {
        "town": "town_id",
        "committee": "building__compound__committee_id",
        "compound": "building__compound_id",
        "building": "building_id",
        "household": "household_id",
    }

    def also_visible_to(self, user: User | AnonymousUser) -> Q | None:
        teams = delivering_teams(user)
        if not teams:
            return None
        assigned = assigned_to(teams).filter(
            round_id=OuterRef("round_id"), building_id=OuterRef("building_id")
        )
        return Q(Exists(assigned))


class PackageRound(models.Model):
    """A package round (物资发放轮次): what each package holds and which compounds it covers."""

    class Status(models.TextChoices):
        PACKING = "packing", _("打包中")
        DELIVERING = "delivering", _("配送中")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("轮次名称"), max_length=100)
    contents = models.TextField(_("物资内容"), blank=True)
    compounds = models.ManyToManyField(
        "places.Compound", verbose_name=_("发放小区"), related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PACKING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="package_round_unique_name")
        ]
        verbose_name = _("物资发放")
        verbose_name_plural = _("物资发放")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supplies:round", args=[self.pk])


class PackageRoundChange(TransitionRecord):
    """One status change of a package round (发放状态记录)."""

    round = models.ForeignKey(PackageRound, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("发放状态记录")
        verbose_name_plural = _("发放状态记录")

    def __str__(self) -> str:
        return f"{self.round_id}: {self.from_status} → {self.to_status}"


class RoundTeam(models.Model):
    """A team delivering in a round (配送队伍): a committee's service team, the elderly
    transport team (老年物资运输队, to the stairwell door), or a crew lent by a worksite."""

    class Kind(models.TextChoices):
        SERVICE_TEAM = "service_team", _("服务小组")
        TRANSPORT = "transport", _("老年物资运输队")
        WORKSITE_CREW = "worksite_crew", _("工地支援队")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(PackageRound, on_delete=models.CASCADE, related_name="teams")
    kind = models.CharField(_("队伍类型"), max_length=20, choices=Kind.choices)
    # A service team or the transport team: the committee's duty Team whose members deliver.
    team = models.ForeignKey(
        "duty.Team",
        verbose_name=_("服务小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A lent crew: the worksite (a compound of kind worksite) it comes from.
    worksite = models.ForeignKey(
        "places.Compound",
        verbose_name=_("出借工地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("队伍名称"), max_length=100)
    headcount = models.PositiveSmallIntegerField(_("人数"), default=0)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="round_team_unique_name")
        ]
        verbose_name = _("配送队伍")
        verbose_name_plural = _("配送队伍")

    def __str__(self) -> str:
        return self.name

    @property
    def to_door(self) -> bool:
        """The transport team carries packages to the stairwell door (送到楼道口)."""
        return self.kind == self.Kind.TRANSPORT


class RoundBuilding(models.Model):
    """A building in a round (楼栋打包): its packages packed together and the team delivering."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(PackageRound, on_delete=models.CASCADE, related_name="buildings")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        RoundTeam,
        verbose_name=_("配送队伍"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buildings",
    )
    packages = models.PositiveIntegerField(_("包数"), default=0)
    packed_at = models.DateTimeField(_("打包时间"), null=True, blank=True)
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoundBuildingQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "building_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "building"], name="round_building_unique")
        ]
        verbose_name = _("楼栋打包")
        verbose_name_plural = _("楼栋打包")

    def __str__(self) -> str:
        return f"{self.round_id} {self.building_id}"


class PackageDelivery(models.Model):
    """One household's package in a round (入户发放): delivered (who, when) or an exception.

    A room the team found lived in but missing from the roster is a row without a household
    (`room` says which), status not-on-roster, until the committee resolves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发放")
        DELIVERED = "delivered", _("已签收")
        ABSENT = "absent", _("无人在家")
        VACANT = "vacant", _("空置")
        NOT_ON_ROSTER = "not_on_roster", _("名册外")
        RESOLVED = "resolved", _("已处理")

    EXCEPTIONS = (Status.ABSENT, Status.VACANT, Status.NOT_ON_ROSTER)

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(PackageRound, on_delete=models.CASCADE, related_name="deliveries")
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "places.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    room = models.CharField(_("室号"), max_length=30)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    team = models.ForeignKey(
        RoundTeam,
        verbose_name=_("配送队伍"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who signed for it (签收人), as the team's sheet says; shown only to those who see the room.
    signer = models.CharField(_("签收人"), max_length=50, blank=True)
    delivered_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "building_id", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household"],
                condition=models.Q(household__isnull=False),
                name="package_delivery_one_per_household",
            ),
            models.UniqueConstraint(
                fields=["round", "building", "room"], name="package_delivery_unique_room"
            ),
        ]
        indexes = [models.Index(fields=["round", "building", "status"])]
        verbose_name = _("入户发放")
        verbose_name_plural = _("入户发放")

    def __str__(self) -> str:
        return f"{self.round_id} {self.building_id} {self.room}"


class PackageDeliveryChange(TransitionRecord):
    """One status change of a household's package (发放记录)."""

    delivery = models.ForeignKey(PackageDelivery, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("发放记录")
        verbose_name_plural = _("发放记录")

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.from_status} → {self.to_status}"
