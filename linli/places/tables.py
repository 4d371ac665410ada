"""Tables of the place lists. The same columns are what the xlsx export writes.

ID and phone numbers go through `shown()`; an export asked with full numbers (and allowed
them) sets `full_numbers` on the table. Figures (residents, buildings, …) are counted for the
rows shown only (`count_page`), through the gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django_tables2 import A

from linli.core.access import FieldAccess
from linli.core.masking import field_access, shown
from linli.places import selectors
from linli.places.models import Building, Committee, Compound, Resident

EXPORT_CHUNK = 2000


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class CountColumn(tables.Column):
    """A figure of the place (residents, buildings, …), from `table.counts`; not sortable."""

    def __init__(self, verbose_name: Any, **kwargs: Any) -> None:
        attrs = {"td": {"class": "num"}, "th": {"class": "num"}}
        super().__init__(
            verbose_name=verbose_name, attrs=attrs, orderable=False, empty_values=(), **kwargs
        )

    def render(self, record: Any, table: Any, bound_column: Any) -> int:
        return table.figure(record, bound_column.name)


def link_if_openable(value: Any, table: PlaceTable) -> str | None:
    """The page of the place in this cell, if the user may open it (a building leader lists
    their building, but not its compound's or committee's page)."""
    return value.get_absolute_url() if value is not None and table.may_open(value) else None


class PlaceTable(tables.Table):
    """Base of the place tables; the xlsx export writes the same columns (see export_rows)."""

    full_numbers = False
    count_level: str | None = None
    export_paths: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_text", _("没有记录"))
        kwargs.setdefault("attrs", {"class": "list"})
        super().__init__(*args, **kwargs)
        self.counts: dict[int, dict[str, int]] = {}
        self.openable: dict[type[Any], set[int]] = {}

    def may_open(self, place: Any) -> bool:
        """Whether the user may open the page of `place` (one query per kind of place)."""
        model = type(place)
        if model not in self.openable:
            user = getattr(getattr(self, "request", None), "user", None)
            visible = model.objects.visible_to(user).values_list("pk", flat=True)
            self.openable[model] = set(visible)
        return place.pk in self.openable[model]

    def figure(self, record: Any, name: str) -> int:
        return self.counts.get(record.pk, {}).get(name, 0)

    def load_counts(self, user: Any, ids: list[int] | None) -> None:
        """Count the figures of the places `ids` (None: all the user may see)."""
        if self.count_level is not None:
            self.counts = selectors.place_counts(user, self.count_level, ids)

    def count_page(self, user: Any) -> None:
        """Count the figures of the rows on the current page only."""
        if self.count_level is not None and getattr(self, "page", None) is not None:
            records = list(self.page.object_list.data)  # type: ignore[union-attr]
            self.load_counts(user, [r.pk for r in records])

    def export_headers(self) -> list[str]:
        return [str(c.header) for c in self._export_columns()]

    def export_rows(self, queryset: QuerySet[Any]) -> Iterator[list[Any]]:
        """The table's columns for every row of `queryset` (a whole list, not a page).

        Rows are read as values, not model instances, a chunk at a time: a town's 50,000
        residents must not take minutes. A column reads its accessor (`export_paths` names
        the field where the accessor is an object), shows choices as their labels and goes
        through `render_<name>(value)`; a column with `export_<name>(ids)` gets its values
        for a chunk of rows at once (care tags); a count column reads `self.counts`.
        """
        plan = [self._export_plan(bound) for bound in self._export_columns()]
        paths = ["pk", *(path for _, kind, path, _, _ in plan if kind == "field")]
        rows = queryset.prefetch_related(None).values(*paths).iterator(chunk_size=EXPORT_CHUNK)
        for chunk in _chunks(rows, EXPORT_CHUNK):
            ids = [row["pk"] for row in chunk]
            batches = {
                name: getattr(self, f"export_{name}")(ids)
                for name, kind, _, _, _ in plan
                if kind == "batch"
            }
            for row in chunk:
                yield [self._export_value(row, step, batches) for step in plan]

    def _export_value(self, row: dict[str, Any], step: tuple[Any, ...], batches: Any) -> Any:
        name, kind, path, labels, render = step
        if kind == "count":
            return self.counts.get(row["pk"], {}).get(name, 0)
        if kind == "batch":
            return batches[name].get(row["pk"], "")
        value = row[path]
        if labels is not None:
            value = labels.get(value, value)
        if render is not None:
            value = render(value)
        return "" if value is None else value

    def _export_columns(self) -> list[Any]:
        return [c for c in self.columns.iterall() if not c.column.exclude_from_export]

    def _export_plan(self, bound: Any) -> tuple[Any, ...]:
        name = bound.name
        if isinstance(bound.column, CountColumn):
            return (name, "count", None, None, None)
        if hasattr(self, f"export_{name}"):
            return (name, "batch", None, None, None)
        path = self.export_paths.get(name, str(bound.accessor).replace(".", "__"))
        field = A(path).get_field(self._meta.model)
        labels = dict(field.flatchoices) if getattr(field, "choices", None) else None
        return (name, "field", path, labels, getattr(self, f"render_{name}", None))

    def sensitive(self, field: str, value: str | None) -> str:
        user = getattr(getattr(self, "request", None), "user", None)
        if self.full_numbers and field_access(user, field) >= FieldAccess.REVEALABLE:
            return value or ""
        return shown(user, field, value or "")


class CommitteeTable(PlaceTable):
    count_level = "committee"
    name = tables.Column(verbose_name=_("居委"), linkify=True)
    compounds_n = CountColumn(_("小区"))
    buildings_n = CountColumn(_("楼栋"))
    households_n = CountColumn(_("户数"))
    residents_n = CountColumn(_("居民"))
    special_n = CountColumn(_("特殊人群"))

    class Meta:
        model = Committee
        fields = ("name",)
        sequence = (
            "name",
            "compounds_n",
            "buildings_n",
            "households_n",
            "residents_n",
            "special_n",
        )


class CompoundTable(PlaceTable):
    count_level = "compound"
    export_paths = {"committee": "committee__name"}
    name = tables.Column(verbose_name=_("小区"), linkify=True)
    committee = tables.Column(
        verbose_name=_("居委"), linkify=link_if_openable, order_by="committee__name"
    )
    kind = tables.Column(verbose_name=_("类型"))
    buildings_n = CountColumn(_("楼栋"))
    households_n = CountColumn(_("户数"))
    residents_n = CountColumn(_("居民"))

    class Meta:
        model = Compound
        fields = ("name", "committee", "kind")


class BuildingTable(PlaceTable):
    count_level = "building"
    export_paths = {"compound": "compound__name", "committee": "compound__committee__name"}
    name = tables.Column(verbose_name=_("楼栋"), linkify=True, order_by="sort_key")
    compound = tables.Column(
        verbose_name=_("小区"), linkify=link_if_openable, order_by="compound__name"
    )
    committee = tables.Column(
        verbose_name=_("居委"),
        accessor="compound__committee",
        linkify=link_if_openable,
        order_by="compound__committee__name",
    )
    households_n = CountColumn(_("户数"))
    residents_n = CountColumn(_("居民"))

    class Meta:
        model = Building
        fields = ("name", "compound", "committee")


class ResidentTable(PlaceTable):
    name = tables.Column(verbose_name=_("姓名"), linkify=True)
    gender = tables.Column(verbose_name=_("性别"))
    birth_date = tables.DateColumn(verbose_name=_("出生日期"), format="Y-m-d")
    id_number = tables.Column(verbose_name=_("身份证号"), orderable=False, empty_values=())
    phone = tables.Column(verbose_name=_("手机号"), orderable=False, empty_values=())
    committee = tables.Column(
        verbose_name=_("居委"),
        accessor="household__building__compound__committee__name",
    )
    compound = tables.Column(verbose_name=_("小区"), accessor="household__building__compound__name")
    building = tables.Column(
        verbose_name=_("楼栋"),
        accessor="household__building__name",
        order_by="household__building__sort_key",
    )
    room = tables.Column(verbose_name=_("室号"), accessor="household__room")
    care_tags = tables.Column(verbose_name=_("特殊人群"), orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Resident
        fields = ("name", "gender", "birth_date", "id_number", "phone", "status")
        # What a clerk on a phone needs first: who, where, how to call, what care.
        sequence = (
            "name",
            "compound",
            "building",
            "room",
            "phone",
            "care_tags",
            "status",
            "id_number",
            "gender",
            "birth_date",
            "committee",
        )

    def render_id_number(self, value: str | None) -> str:
        return self.sensitive("id_number", value)

    def render_phone(self, value: str | None) -> str:
        return self.sensitive("phone", value)

    def render_care_tags(self, record: Resident) -> str:
        return format_html_join(
            "", '<span class="tag">{}</span>', ((t.name,) for t in record.care_tags.all())
        )

    def export_care_tags(self, ids: list[int]) -> dict[int, str]:
        """Care tag names of a chunk of residents, in one query."""
        names: dict[int, list[str]] = {}
        links = Resident.care_tags.through.objects.filter(resident_id__in=ids)
        for resident_id, name in links.order_by("caretag_id").values_list(
            "resident_id", "caretag__name"
        ):
            names.setdefault(resident_id, []).append(name)
        return {pk: "、".join(tags) for pk, tags in names.items()}
