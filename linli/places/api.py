"""The places API: committees, compounds, buildings, residents and registry reports.

Lists filter through the same FilterSets as the pages (linli/places/filters.py) and read
through the same selectors, so the gate and the masking are the pages' own. Out of scope is a
404 (a filter naming a place out of scope too); another invalid filter a 400 naming it.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from linli.core.api import Id, Pagination, errors, filtered, query_data
from linli.core.filters import StrictFilterSet
from linli.core.http import context_user
from linli.core.masking import shown
from linli.core.reports import build_report, report_kinds, report_options
from linli.places import selectors
from linli.places.filters import BuildingFilter, CommitteeFilter, CompoundFilter, ResidentFilter
from linli.places.models import Building, Committee, Compound, Resident, Town

router = Router(tags=["places"])


class CountedPagination(Pagination):
    """Pagination where, with `counts=LEVEL`, the places of the page get their figures
    (residents, buildings, …) through the gate."""

    def __init__(self, counts: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counts = counts

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.counts is not None:
            items = list(page[self.items_attribute])
            page[self.items_attribute] = selectors.attach_counts(request.user, self.counts, items)
        return page


class CommitteeOut(Schema):
    id: int
    name: str
    compounds: int = Field(..., alias="compounds_n")
    buildings: int = Field(..., alias="buildings_n")
    households: int = Field(..., alias="households_n")
    residents: int = Field(..., alias="residents_n")
    special_residents: int = Field(..., alias="special_n")


class CompoundOut(Schema):
    id: int
    name: str
    kind: str
    committee_id: int
    committee: str = Field(..., alias="committee.name")
    buildings: int = Field(..., alias="buildings_n")
    households: int = Field(..., alias="households_n")
    residents: int = Field(..., alias="residents_n")


class BuildingOut(Schema):
    id: int
    name: str
    compound_id: int
    compound: str = Field(..., alias="compound.name")
    committee_id: int = Field(..., alias="compound.committee_id")
    committee: str = Field(..., alias="compound.committee.name")
    households: int = Field(..., alias="households_n")
    residents: int = Field(..., alias="residents_n")


class ResidentOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date | None
    id_number: str = Field(..., description="按权限脱敏 (masked unless the role needs it)")
    phone: str = Field(..., description="按权限脱敏 (masked unless the role needs it)")
    status: str
    committee_id: int = Field(..., alias="household.building.compound.committee_id")
    committee: str = Field(..., alias="household.building.compound.committee.name")
    compound_id: int = Field(..., alias="household.building.compound_id")
    compound: str = Field(..., alias="household.building.compound.name")
    building_id: int = Field(..., alias="household.building_id")
    building: str = Field(..., alias="household.building.name")
    household_id: int
    room: str = Field(..., alias="household.room")
    care_tags: list[str]

    @staticmethod
    def resolve_id_number(obj: Resident, context: Any) -> str:
        return shown(context_user(context), "id_number", obj.id_number or "")

    @staticmethod
    def resolve_phone(obj: Resident, context: Any) -> str:
        return shown(context_user(context), "phone", obj.phone or "")

    @staticmethod
    def resolve_care_tags(obj: Resident) -> list[str]:
        return [t.name for t in obj.care_tags.all()]


class CareTagOut(Schema):
    id: int
    name: str
    code: str


class PlaceQuery(Schema):
    q: str | None = Field(None, description="名称 (name contains)")


class CompoundQuery(PlaceQuery):
    committee: Id | None = None
    kind: Compound.Kind | None = None


class BuildingQuery(PlaceQuery):
    committee: Id | None = None
    compound: Id | None = None


class ResidentQuery(Schema):
    q: str | None = Field(
        None,
        description=(
            "姓名、拼音首字母、手机尾号4位或完整手机号、室号 (name, initials, the phone "
            "number's last 4 digits or all 11 — a whole number is audited — or room)"
        ),
    )
    committee: Id | None = None
    compound: Id | None = None
    building: Id | None = None
    care_tag: Id | None = Field(None, description="特殊人群标签 id (see /care-tags/)")
    special: bool | None = Field(None, description="仅特殊人群 (only residents with a care tag)")
    status: Resident.Status | None = None


def _filter(
    request: HttpRequest, filterset: type[StrictFilterSet], rows: QuerySet[Any], query: Schema
) -> QuerySet[Any]:
    return filtered(filterset(query_data(query) or None, queryset=rows, request=request))


@router.get("/committees/", response=list[CommitteeOut], summary="居委 (committees)")
@paginate(CountedPagination, counts="committee")
def committee_list(request: HttpRequest, filters: Query[PlaceQuery]) -> Any:
    rows = selectors.committees_for(request.user)
    return _filter(request, CommitteeFilter, rows, filters)


@router.get("/committees/{committee_id}/", response={200: CommitteeOut, **errors(404)})
def committee_detail(request: HttpRequest, committee_id: Id) -> Any:
    found = selectors.get_object_visible(Committee, request.user, pk=committee_id)
    return selectors.attach_counts(request.user, "committee", [found])[0]


@router.get(
    "/compounds/",
    response={200: list[CompoundOut], **errors(400, 404)},
    summary="小区 (compounds)",
)
@paginate(CountedPagination, counts="compound")
def compound_list(request: HttpRequest, filters: Query[CompoundQuery]) -> Any:
    rows = selectors.compounds_for(request.user)
    return _filter(request, CompoundFilter, rows, filters)


@router.get("/compounds/{compound_id}/", response={200: CompoundOut, **errors(404)})
def compound_detail(request: HttpRequest, compound_id: Id) -> Any:
    found = selectors.get_object_visible(Compound, request.user, pk=compound_id)
    return selectors.attach_counts(request.user, "compound", [found])[0]


@router.get(
    "/buildings/",
    response={200: list[BuildingOut], **errors(400, 404)},
    summary="楼栋 (buildings)",
)
@paginate(CountedPagination, counts="building")
def building_list(request: HttpRequest, filters: Query[BuildingQuery]) -> Any:
    rows = selectors.buildings_for(request.user)
    return _filter(request, BuildingFilter, rows, filters)


@router.get("/buildings/{building_id}/", response={200: BuildingOut, **errors(404)})
def building_detail(request: HttpRequest, building_id: Id) -> Any:
    found = selectors.get_object_visible(Building, request.user, pk=building_id)
    return selectors.attach_counts(request.user, "building", [found])[0]


@router.get(
    "/residents/",
    response={200: list[ResidentOut], **errors(400, 404)},
    summary="居民 (residents)",
)
@paginate(Pagination)
def resident_list(request: HttpRequest, filters: Query[ResidentQuery]) -> Any:
    rows = selectors.residents_for(request.user)
    return _filter(request, ResidentFilter, rows, filters)


@router.get("/residents/{resident_id}/", response={200: ResidentOut, **errors(404)})
def resident_detail(request: HttpRequest, resident_id: Id) -> Any:
    return selectors.resident_for(request.user, resident_id)


@router.get("/care-tags/", response=list[CareTagOut], summary="特殊人群标签 (care tags)")
def care_tag_list(request: HttpRequest) -> Any:
    return selectors.care_tags_for(request.user)


@router.get(
    "/reports/{kind}/", response={200: dict[str, Any], **errors(404)}, summary="报表 (reports)"
)
def report(request: HttpRequest, kind: str, town: str | None = None) -> Any:
    """A report's figures for the caller's town, through the caller's scope (e.g. `registry`);
    a kind's own options come as query parameters (`package-round`: `?round=NAME`)."""
    if kind not in report_kinds():
        raise HttpError(404, f"未知的报表 (unknown report; known: {', '.join(report_kinds())})")
    user: Any = request.user
    if user.is_superuser and town:
        found = Town.objects.filter(name=town).first()
    elif town and town != getattr(user.town, "name", None):
        found = None
    else:
        found = user.town
    if found is None:
        raise HttpError(404, "未找到该镇/街道 (no such town in your scope)")
    options = {name: request.GET[name] for name in report_options() if request.GET.get(name)}
    return build_report(kind, town=found, user=user, **options)
