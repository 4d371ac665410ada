"""The place registry: town > committee > compound > building > household > resident."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset
from linli.core.models import TransitionRecord
from linli.core.natural import NaturalKeyField

CommitteeQuerySet = scoped_queryset({"town": "town_id", "committee": "id"})
CompoundQuerySet = scoped_queryset(
    {"town": "town_id", "committee": "committee_id", "compound": "id"}
)
BuildingQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "compound__committee_id",
        "compound": "compound_id",
        "building": "id",
    }
)
HouseholdQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "building__compound__committee_id",
        "compound": "building__compound_id",
        "building": "building_id",
        "household": "id",
    }
)
ResidentQuerySet = scoped_queryset(
    {
        "town": "town_id",
        "committee": "household__building__compound__committee_id",
        "compound": "household__building__compound_id",
        "building": "household__building_id",
        "household": "household_id",
        "resident": "id",
    }
)


class Town(models.Model):
    """A town or street office (镇/街道), the deploying office."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    visit_overdue_days = models.PositiveSmallIntegerField(_("走访间隔天数"), default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("镇/街道")
        verbose_name_plural = _("镇/街道")

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """A neighbourhood or village committee (居民区/居委会/村委会), the unit that runs things."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(_("名称"), max_length=50)
    # The office's public number, printed on the buildings' posters (not a person's phone).
    hotline = models.CharField(_("居委热线"), max_length=30, blank=True, default="", db_default="")
    # The hand-over gate (交接点) where runners and delivery teams hand goods to the committee;
    # unset, it is the first registered compound's point (`gate_point()`).
    gate_lat = models.DecimalField(
        _("交接点纬度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    gate_lon = models.DecimalField(
        _("交接点经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="committee_unique_name")
        ]
        verbose_name = _("居委")
        verbose_name_plural = _("居委")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:committee", args=[self.pk])

    def gate_point(self) -> tuple[Decimal, Decimal] | None:
        """The hand-over gate as (latitude, longitude): the one set, else the first registered
        compound's point that has one, else None."""
        if self.gate_lat is not None and self.gate_lon is not None:
            return (self.gate_lat, self.gate_lon)
        first = self.compounds.filter(lat__isnull=False, lon__isnull=False).order_by("pk").first()
        if first is None or first.lat is None or first.lon is None:
            return None
        return (first.lat, first.lon)


class Compound(models.Model):
    """A gated compound or control point (小区/防控点); worksites and farms are compounds too."""

    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("住宅小区")
        WORKSITE = "worksite", _("工地")
        ENTERPRISE = "enterprise", _("企业")
        FARM = "farm", _("农场")

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="compounds")
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(
        _("类型"), max_length=20, choices=Kind.choices, default=Kind.RESIDENTIAL
    )
    # WGS-84 decimal degrees (经度/纬度 in `linli import places`), for routes and distances.
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = CompoundQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="compound_unique_name")
        ]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:compound", args=[self.pk])


class Building(models.Model):
    """A building (楼栋), or a dormitory block on a worksite."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=50)
    # 1号楼, 2号楼 … 10号楼: order by this, never by name (linli/core/natural.py).
    sort_key = NaturalKeyField(source="name", db_index=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        ordering = ["compound_id", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="building_unique_name")
        ]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:building", args=[self.pk])


class Household(models.Model):
    """A flat or room (户/室) in a building."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households")
    room = models.CharField(_("室号"), max_length=30)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["building_id", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "room"], name="household_unique_room")
        ]
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return self.room


class CareTag(models.Model):
    """A kind of special-care resident (特殊人群): built-in, or defined by a town."""

    town = models.ForeignKey(
        Town, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=30)
    code = models.SlugField(max_length=40, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="caretag_unique_name")]
        verbose_name = _("特殊人群标签")
        verbose_name_plural = _("特殊人群标签")

    def __str__(self) -> str:
        return self.name


class Resident(models.Model):
    """A person living in a household (居民), workers of a worksite included."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Status(models.TextChoices):
        PRESENT = "present", _("在住")
        AWAY = "away", _("外出")
        MOVED_OUT = "moved_out", _("已迁出")
        DECEASED = "deceased", _("已故")

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    care_tags = models.ManyToManyField(CareTag, blank=True, related_name="residents")
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PRESENT, db_index=True
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "id_number"],
                condition=models.Q(id_number__isnull=False),
                name="resident_unique_id_number",
            )
        ]
        indexes = [models.Index(fields=["town", "name"]), models.Index(fields=["phone"])]
        verbose_name = _("居民")
        verbose_name_plural = _("居民")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:resident", args=[self.pk])


class ResidentChange(models.Model):
    """One move or status change of a resident (居民变动), kept as history."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("居民变动")
        verbose_name_plural = _("居民变动")

    def __str__(self) -> str:
        return f"{self.resident_id} {self.changed_at:%Y-%m-%d}"


class TransferRequest(models.Model):
    """A person an import found registered in another committee (待镇/街道确认的迁入):
    held until town staff confirm the move or refuse it; the uploader never learns where."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("居民")
        VOLUNTEER = "volunteer", _("志愿者")

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REFUSED = "refused", _("已拒绝")

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    subject_id = models.PositiveBigIntegerField()  # the resident's or the volunteer's id
    name = models.CharField(_("姓名"), max_length=50)
    from_committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="+", verbose_name=_("现属居委")
    )
    to_committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="+", verbose_name=_("申请迁入居委")
    )
    to_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("文件"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    # Only the town sees the queue: a committee must not learn where else a person lives.
    objects = scoped_queryset({"town": "town_id"}).as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("迁入申请")
        verbose_name_plural = _("迁入申请")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} → {self.to_committee_id}"


class TransferRequestChange(TransitionRecord):
    """One status change of a transfer request (迁入申请记录): from, to, who, when and why."""

    transfer = models.ForeignKey(TransferRequest, on_delete=models.CASCADE, related_name="changes")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("迁入申请记录")
        verbose_name_plural = _("迁入申请记录")

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.from_status} → {self.to_status}"
