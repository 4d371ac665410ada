"""The responsibility grid: volunteers, teams, duties (包干), claims (认领), pairings (结对)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet, scope_for, scope_q
from linli.core.models import PosterLink

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


def active_q(prefix: str = "") -> Q:
    """Rows in force now: started, and not ended (no end date, or an end in the future)."""
    now = timezone.now()
    return Q(**{f"{prefix}starts_at__lte": now}) & (
        Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": now})
    )


def scope_condition(paths: dict[str, str], user: User | AnonymousUser | None) -> Q:
    """The access gate's condition for these level → lookup paths, as a Q that can be widened
    with `|` (for a superuser one that matches every row)."""
    condition = scope_q(paths, user)
    return ~Q(pk__in=[]) if condition is None else condition


def own_volunteer(user: User | AnonymousUser) -> Q:
    """Rows of the user's own volunteer record (a subquery, so lists need no join)."""
    assert user.pk is not None  # callers check is_authenticated first
    return Q(volunteer_id__in=Volunteer.objects.filter(user_id=user.pk).values("pk"))


class VolunteerQuerySet(ScopedQuerySet["Volunteer"]):
    """Staff see their town's or committee's volunteers; everybody sees themself; a second
    secretary of a compound and a building leader also see who answers for places in it."""

    scope_paths = {"town": "town_id", "committee": "committee_id"}

    def visible_to(self, user: User | AnonymousUser | None) -> Self:
        scope = scope_for(user)
        if scope.all_towns:
            return self.all()
        condition = scope_condition(self.scope_paths, user)
        place_duties = Q(pk__in=[])
        if scope.ids["compound"]:
            place_duties |= Q(compound_id__in=sorted(scope.ids["compound"]))
        if scope.ids["building"]:
            place_duties |= Q(building_id__in=sorted(scope.ids["building"]))
        if scope.ids["compound"] or scope.ids["building"]:
            answering = Duty.objects.filter(active_q()).filter(place_duties)
            condition |= Q(pk__in=answering.values("volunteer_id"))
        if user is not None and user.is_authenticated:
            condition |= Q(user_id=user.pk)
        return self.filter(condition)


class Volunteer(models.Model):
    """A volunteer (志愿者): reported party member, dispatched cadre, resident or staff."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Source(models.TextChoices):
        REPORTED_PARTY_MEMBER = "reported_party_member", _("报到党员")
        DISPATCHED_CADRE = "dispatched_cadre", _("下沉干部")
        RESIDENT_VOLUNTEER = "resident_volunteer", _("居民志愿者")
        STAFF = "staff", _("社工/居委干部")

    class Status(models.TextChoices):
        APPLIED = "applied", _("待审核")
        ACTIVE = "active", _("在岗")
        STOOD_DOWN = "stood_down", _("已退出")

    class Skill(models.TextChoices):
        MEDICAL = "medical", _("医护")
        DRIVING = "driving", _("驾驶")
        PSYCHOLOGY = "psychology", _("心理疏导")
        IT = "it", _("信息录入")
        DIALECT = "dialect", _("方言/外语")

    class Post(models.TextChoices):
        ORGANISER = "organiser", _("组织员")
        LIVELIHOOD = "livelihood", _("生活员")
        HEALTH = "health", _("卫生员")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=_("所属居委"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_roles",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    team = models.ForeignKey(
        "duty.Team",
        verbose_name=_("服务小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("手机号"), max_length=20)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    source = models.CharField(_("来源"), max_length=30, choices=Source.choices)
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices, blank=True)
    skills = models.JSONField(_("技能"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["committee_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "phone"], name="volunteer_unique_phone")
        ]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(ScopedQuerySet["Team"]):
    scope_paths = {"town": "town_id", "committee": "committee_id"}


class Team(models.Model):
    """A service team (服务小组) of a committee, by function, with a leader."""

    class Function(models.TextChoices):
        MEDICINE = "medicine", _("就医配药")
        PATROL = "patrol", _("巡视宣传")
        DELIVERY = "delivery", _("物资配送")
        SAMPLING = "sampling", _("核酸采样")
        DISINFECTION = "disinfection", _("物资消杀")
        TRANSPORT = "transport", _("运输")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        "places.Committee", on_delete=models.PROTECT, related_name="teams"
    )
    function = models.CharField(_("职能"), max_length=20, choices=Function.choices)
    leader = models.ForeignKey(
        Volunteer,
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["committee_id", "function"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "function"], name="team_unique_function")
        ]
        verbose_name = _("服务小组")
        verbose_name_plural = _("服务小组")

    def __str__(self) -> str:
        return f"{self.committee} {self.get_function_display()}"


_Held = TypeVar("_Held", bound=models.Model)


class HeldQuerySet(ScopedQuerySet[_Held]):
    """What a volunteer holds for a time (duties, pairings): visible with its place, and to the
    volunteer who holds it."""

    def visible_to(self, user: User | AnonymousUser | None) -> Self:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(scope_condition(self.scope_paths, user) | own_volunteer(user))

    def active(self) -> Self:
        return self.filter(active_q())


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

    def visible_to(self, user: User | AnonymousUser | None) -> Self:
        if user is None or not user.is_authenticated:
            return self.none()
        scope = scope_for(user)
        if scope.all_towns:
            return self.all()
        condition = own_volunteer(user)
        # Committee-level scope counts only for staff: a second secretary is not an approver.
        if getattr(user, "is_staff_role", False):
            for level in ("town", "committee"):
                if scope.ids[level]:
                    condition |= Q(**{f"{self.scope_paths[level]}__in": sorted(scope.ids[level])})
        return self.filter(condition)


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


class ClaimChange(models.Model):
    """One status change of a claim (认领记录), kept as history."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("认领记录")
        verbose_name_plural = _("认领记录")

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status}"


class PairingQuerySet(HeldQuerySet["Pairing"]):
    """Pairings are visible with the resident's place (staff, leaders) and to the volunteer."""

    scope_paths = {
        "town": "town_id",
        "committee": "resident__household__building__compound__committee_id",
        "compound": "resident__household__building__compound_id",
        "building": "resident__household__building_id",
    }


class Pairing(models.Model):
    """A pairing (结对): a volunteer looking after a special-care resident."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工")
        IMPORT = "import", _("导入")
        SUGGESTION = "suggestion", _("系统建议")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="pairings")
    resident = models.ForeignKey(
        "places.Resident", on_delete=models.PROTECT, related_name="pairings"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    starts_at = models.DateTimeField(_("开始"), default=timezone.now)
    ends_at = models.DateTimeField(_("结束"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "resident"],
                condition=Q(ends_at__isnull=True),
                name="pairing_one_open_per_pair",
            )
        ]
        verbose_name = _("结对")
        verbose_name_plural = _("结对")

    def __str__(self) -> str:
        return f"{self.volunteer} ↔ {self.resident}"


class ReportInLink(PosterLink):
    """A committee's report-in link (报到二维码): a public page reached by an unguessable token."""

    committee = models.OneToOneField(
        "places.Committee", on_delete=models.CASCADE, related_name="report_in_link"
    )

    class Meta:
        verbose_name = _("报到二维码")
        verbose_name_plural = _("报到二维码")

    def __str__(self) -> str:
        return f"{self.committee} report-in"
