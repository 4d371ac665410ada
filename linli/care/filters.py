"""The help-request FilterSet: the queue pages, the API list and the xlsx export filter through it.

Building choices come from the access gate, so a building out of scope is an invalid value.
"""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.care.models import HelpRequest
from linli.core.filters import CheckFilter, StrictFilterSet
from linli.places import selectors as place_selectors
from linli.places.filters import BuildingChoiceFilter
from linli.places.models import Building


def _buildings(request: HttpRequest | None) -> QuerySet[Building]:
    if request is None:
        return Building.objects.none()
    return place_selectors.buildings_for(getattr(request, "user", None))


class HelpRequestFilter(StrictFilterSet):
    status = df.ChoiceFilter(label=_("状态"), choices=HelpRequest.Status.choices)
    category = df.ChoiceFilter(label=_("类别"), choices=HelpRequest.Category.choices)
    urgency = df.ChoiceFilter(label=_("紧急程度"), choices=HelpRequest.Urgency.choices)
    source = df.ChoiceFilter(label=_("来源"), choices=HelpRequest.Source.choices)
    building = BuildingChoiceFilter(
        label=_("楼栋"), queryset=_buildings, field_name="household__building"
    )
    overdue = CheckFilter(label=_("仅超时"), method="only_overdue")
    q = df.CharFilter(label=_("搜索"), method="search")

    class Meta:
        model = HelpRequest
        fields: list[str] = []

    def __init__(self, *args: Any, buildings: QuerySet[Building] | None = None, **kwargs: Any):
        """`buildings` narrows the building choices (a queue offers the buildings it lists)."""
        super().__init__(*args, **kwargs)
        if buildings is not None:
            self.filters["building"].queryset = buildings

    def only_overdue(
        self, queryset: QuerySet[HelpRequest], name: str, value: bool | None
    ) -> QuerySet[HelpRequest]:
        # The queryset is annotated with `escalation` by the selectors.
        if not value:
            return queryset
        return queryset.filter(escalation__gt=HelpRequest.Escalation.OWNER)  # type: ignore[misc]

    def search(
        self, queryset: QuerySet[HelpRequest], name: str, value: str
    ) -> QuerySet[HelpRequest]:
        """Room, resident name or words of the description."""
        q = value.strip()[:50]
        if not q:
            return queryset
        condition: Any = (
            Q(household__room=q) | Q(resident__name__icontains=q) | Q(description__icontains=q)
        )
        if q.isdigit() and len(q) < 10:
            condition |= Q(pk=int(q))
        return queryset.filter(condition)
