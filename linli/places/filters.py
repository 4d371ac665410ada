"""One FilterSet per list: the page, the API and the export all filter through these.

Choices (committees, compounds, buildings, care tags) come from the access gate, so a filter
value out of the user's scope is an invalid choice, never a way to see another committee.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.core.access import FieldAccess
from linli.core.audit import audit
from linli.core.filters import CheckFilter, StrictFilterSet, parse_id
from linli.core.http import viewer_of
from linli.core.masking import field_access, mask_phone
from linli.core.models import AuditEntry
from linli.places import selectors
from linli.places.models import Building, CareTag, Committee, Compound, Resident

_LETTERS = re.compile(r"^[A-Za-z]+$")
_DIGITS = re.compile(r"^\d+$")
PHONE_TAIL = 4
PHONE_WHOLE = 11


def _param_id(request: HttpRequest | None, name: str) -> int | None:
    """A raw id from the query string, for narrowing choices (validated again by the form)."""
    return parse_id(request.GET.get(name)) if request is not None else None


def _committees(request: HttpRequest | None) -> QuerySet[Committee]:
    if request is None:
        return Committee.objects.none()
    return selectors.committees_for(viewer_of(request))


def _compounds(request: HttpRequest | None) -> QuerySet[Compound]:
    if request is None:
        return Compound.objects.none()
    qs = selectors.compounds_for(viewer_of(request))
    committee = _param_id(request, "committee")
    return qs.filter(committee_id=committee) if committee else qs


def _buildings(request: HttpRequest | None) -> QuerySet[Building]:
    """Visible buildings, narrowed to the chosen compound or committee (keeps the select short)."""
    if request is None:
        return Building.objects.none()
    qs = selectors.buildings_for(viewer_of(request))
    compound, committee = _param_id(request, "compound"), _param_id(request, "committee")
    if compound:
        return qs.filter(compound_id=compound)
    return qs.filter(compound__committee_id=committee) if committee else qs


def _care_tags(request: HttpRequest | None) -> QuerySet[CareTag]:
    if request is None:
        return CareTag.objects.none()
    return selectors.care_tags_for(viewer_of(request))


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.compound.name} {obj.name}"


class BuildingChoiceFilter(df.ModelChoiceFilter):
    field_class = BuildingChoiceField


BUILDING_CHOICES_MAX = 100


def _shorten_building_choices(form: forms.Form, request: HttpRequest | None) -> None:
    """A town has thousands of buildings: until a committee or compound is chosen, offer only
    the chosen building (any visible one is still accepted, e.g. from a link or the API)."""
    if request is None or _param_id(request, "compound") or _param_id(request, "committee"):
        return
    field: Any = form.fields["building"]
    if field.queryset.count() <= BUILDING_CHOICES_MAX:
        return
    chosen = field.queryset.filter(pk=_param_id(request, "building") or 0)
    field.widget.choices = [
        ("", _("（先选择居委或小区）")),
        *((b.pk, field.label_from_instance(b)) for b in chosen),
    ]


class CommitteeFilter(StrictFilterSet):
    q = df.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Committee
        fields: list[str] = []


class CompoundFilter(StrictFilterSet):
    q = df.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    committee = df.ModelChoiceFilter(label=_("居委"), queryset=_committees)
    kind = df.ChoiceFilter(label=_("类型"), choices=Compound.Kind.choices)

    class Meta:
        model = Compound
        fields: list[str] = []


class BuildingFilter(StrictFilterSet):
    q = df.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    committee = df.ModelChoiceFilter(
        label=_("居委"), queryset=_committees, field_name="compound__committee"
    )
    compound = df.ModelChoiceFilter(label=_("小区"), queryset=_compounds)

    class Meta:
        model = Building
        fields: list[str] = []


class ResidentFilter(StrictFilterSet):
    q = df.CharFilter(label=_("搜索"), method="search")
    committee = df.ModelChoiceFilter(
        label=_("居委"), queryset=_committees, field_name="household__building__compound__committee"
    )
    compound = df.ModelChoiceFilter(
        label=_("小区"), queryset=_compounds, field_name="household__building__compound"
    )
    building = BuildingChoiceFilter(
        label=_("楼栋"), queryset=_buildings, field_name="household__building"
    )
    care_tag = df.ModelChoiceFilter(
        label=_("特殊人群"), queryset=_care_tags, field_name="care_tags"
    )
    special = CheckFilter(label=_("仅特殊人群"), method="only_special")
    status = df.ChoiceFilter(label=_("状态"), choices=Resident.Status.choices)

    class Meta:
        model = Resident
        fields: list[str] = []

    @property
    def form(self) -> forms.Form:
        form: forms.Form = super().form
        if not getattr(self, "_buildings_narrowed", False):
            self._buildings_narrowed = True
            _shorten_building_choices(form, self.request)
        return form

    def search(self, queryset: QuerySet[Resident], name: str, value: str) -> QuerySet[Resident]:
        """Name (contains), pinyin initials (张三丰 → zsf), phone tail or whole number, room."""
        q = value.strip()
        if not q:
            return queryset
        condition = Q(name__icontains=q) | Q(household__room=q)
        if _LETTERS.match(q):
            condition |= Q(name_initials__startswith=q.lower())
        if _DIGITS.match(q):
            condition |= self._phone(queryset, q)
        return queryset.filter(condition)

    def _phone(self, queryset: QuerySet[Resident], q: str) -> Q:
        """The tail everyone sees (4 digits), or a whole number (11). Nothing in between: growing
        tails would spell out a masked number without the audited reveal. A whole number typed
        by a login that sees numbers masked is audited as the reveal it amounts to; a login
        that may not reveal at all matches on the tail only."""
        user = viewer_of(self.request)
        access = field_access(user, "phone")
        if len(q) == PHONE_TAIL:
            return Q(phone__endswith=q)
        if len(q) != PHONE_WHOLE or access is FieldAccess.MASKED:
            return Q(pk__in=[])
        if access is FieldAccess.REVEALABLE:
            found = list(queryset.filter(phone=q).values_list("pk", flat=True)[:50])
            audit(
                user=user,  # type: ignore[arg-type]  # REVEALABLE: a signed-in user
                action=AuditEntry.Action.REVEAL,
                summary="phone search",
                detail={"field": "phone", "search": mask_phone(q), "residents": found},
                request=self.request,
            )
        return Q(phone=q)

    def only_special(
        self, queryset: QuerySet[Resident], name: str, value: bool | None
    ) -> QuerySet[Resident]:
        if not value:
            return queryset
        return selectors.special(queryset)
