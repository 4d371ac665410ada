"""Volunteers (志愿者) and their service teams (服务小组), the committees' report-in links
(报到二维码), and what the grid's querysets share: "in force now" and the holder's own rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.access import ScopedQuerySet, scope_for
from linli.core.models import PosterLink, TransitionRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User


def active_q(prefix: str = "") -> Q:
    """Rows in force now: started, and not ended (no end date, or an end in the future)."""
    now = timezone.now()
    return Q(**{f"{prefix}starts_at__lte": now}) & (
        Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": now})
    )


def own_volunteer(user: User | AnonymousUser) -> Q:
    """Rows of the user's own volunteer record (a subquery, so lists need no join)."""
    assert user.pk is not None  # callers check is_authenticated first
    return Q(volunteer_id__in=Volunteer.objects.filter(user_id=user.pk).values("pk"))


_Held = TypeVar("_Held", bound=models.Model)


class HeldQuerySet(ScopedQuerySet[_Held]):
    """What a volunteer holds for a time (duties, pairings): visible with its place, and to the
    volunteer who holds it."""

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        return own_volunteer(user)

    def active(self) -> Self:
        return self.filter(active_q())


class VolunteerQuerySet(ScopedQuerySet["Volunteer"]):
    """Staff see their town's or committee's volunteers; everybody sees themself; a second
    secretary of a compound and a building leader also see who answers for places in it."""

    scope_paths = {"town": "town_id", "committee": "committee_id"}

    def also_visible_to(self, user: User | AnonymousUser) -> Q:
        scope = scope_for(user)
        condition = Q(user_id=user.pk)
        place_duties = Q(pk__in=[])
        if scope.ids["compound"]:
            place_duties |= Q(compound_id__in=sorted(scope.ids["compound"]))
        if scope.ids["building"]:
            place_duties |= Q(building_id__in=sorted(scope.ids["building"]))
        if scope.ids["compound"] or scope.ids["building"]:
            # Duty is declared in duties.py, which builds on this module: looked up by name.
            duty_model = apps.get_model("duty", "Duty")
            answering = duty_model.objects.filter(active_q()).filter(place_duties)
            condition |= Q(pk__in=answering.values("volunteer_id"))
        return condition


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


class VolunteerChange(TransitionRecord):
    """One status change of a volunteer (志愿者状态记录): approved, rejected, stood down or back."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("志愿者状态记录")
        verbose_name_plural = _("志愿者状态记录")

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.from_status} → {self.to_status}"
