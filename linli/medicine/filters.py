"""The medicine request FilterSet: the desk's list and the API list filter through it."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.core.filters import CheckFilter, StrictFilterSet
from linli.medicine.models import Hospital, MedicineOrder
from linli.places.models import Committee


def _town_id(request: HttpRequest | None) -> int:
    """The viewer's town (0, matching nothing, without one)."""
    user = getattr(request, "user", None)
    return getattr(user, "town_id", None) or 0


def _committees(request: HttpRequest | None) -> QuerySet[Committee]:
    return Committee.objects.filter(town_id=_town_id(request))


def _hospitals(request: HttpRequest | None) -> QuerySet[Hospital]:
    return Hospital.objects.filter(town_id=_town_id(request))


class MedicineOrderFilter(StrictFilterSet):
    status = df.ChoiceFilter(label=_("状态"), choices=MedicineOrder.Status.choices)
    urgency = df.ChoiceFilter(label=_("紧急程度"), choices=MedicineOrder.Urgency.choices)
    committee = df.ModelChoiceFilter(label=_("居委"), queryset=_committees)
    hospital = df.ModelChoiceFilter(label=_("医院"), queryset=_hospitals)
    service_date = df.DateFilter(label=_("配药日期"))
    open = CheckFilter(label=_("仅未办结"), method="only_open")
    q = df.CharFilter(label=_("搜索"), method="search")

    class Meta:
        model = MedicineOrder
        fields: list[str] = []

    def only_open(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if value:
            return queryset.exclude(status__in=MedicineOrder.CLOSED_STATUSES)
        return queryset

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(
            Q(form_number__icontains=value)
            | Q(resident__name__icontains=value)
            | Q(household__room=value)
            | Q(household__building__compound__name__icontains=value)
        )
