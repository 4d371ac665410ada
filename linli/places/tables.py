"""Tables of the place lists. The same columns are what the xlsx export writes.

ID and phone numbers go through `shown()`; an export asked with full numbers (and allowed
them) sets `full_numbers` on the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django_tables2 import A

from linli.core.access import FieldAccess
from linli.core.masking import field_access, shown
from linli.places import selectors
from linli.places.models import Building, Committee, Compound, Resident


class CountColumn(tables.Column):
    """A figure of the place (residents, buildings, …), from `table.counts`; not sortable."""

    def __init__(self, verbose_name: Any, **kwargs: Any) -> None:
        attrs = {"td": {"class": "num"}, "th": {"class": "num"}}
        super().__init__(
            verbose_name=verbose_name, attrs=attrs, orderable=False, empty_values=(), **kwargs
        )

    def render(self, record: Any, table: Any, bound_column: Any) -> int:
        return table.figure(record, bound_column.name)


class PlaceTable(tables.Table):
    """Base of the place tables. The xlsx export writes the same columns.

    Columns show a field (choices as their labels), or what `render_<name>(value)` or
    `value_<name>(record)` returns (`value_` wins in the export, as in django-tables2).
    """

    full_numbers = False
    count_level: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_text", _("没有记录"))
        kwargs.setdefault("attrs", {"class": "list"})
        super().__init__(*args, **kwargs)
        self.counts: dict[int, dict[str, int]] = {}

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

    def export_rows(self, records: Iterable[Any]) -> Iterator[list[Any]]:
        """Rows for a spreadsheet: each column's getter is worked out once, not per cell."""
        getters = [self._getter(c) for c in self._export_columns()]
        for record in records:
            yield [get(record) for get in getters]

    def _export_columns(self) -> list[Any]:
        return [c for c in self.columns.iterall() if not c.column.exclude_from_export]

    def _getter(self, bound: Any) -> Callable[[Any], Any]:
        name = bound.name
        if isinstance(bound.column, CountColumn):
            return lambda record: self.figure(record, name)
        value_method = getattr(self, f"value_{name}", None)
        if value_method is not None:
            return value_method  # type: ignore[no-any-return]
        accessor = A(bound.accessor)
        field = accessor.get_field(self._meta.model)
        labels = dict(field.flatchoices) if getattr(field, "choices", None) else None
        render_method = getattr(self, f"render_{name}", None)

        def get(record: Any) -> Any:
            value = accessor.resolve(record, quiet=True)
            if labels is not None:
                value = labels.get(value, value)
            if render_method is not None:
                value = render_method(value)
            return "" if value is None else value

        return get

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
    name = tables.Column(verbose_name=_("小区"), linkify=True)
    committee = tables.Column(verbose_name=_("居委"), linkify=True, order_by="committee__name")
    kind = tables.Column(verbose_name=_("类型"))
    buildings_n = CountColumn(_("楼栋"))
    households_n = CountColumn(_("户数"))
    residents_n = CountColumn(_("居民"))

    class Meta:
        model = Compound
        fields = ("name", "committee", "kind")


class BuildingTable(PlaceTable):
    count_level = "building"
    name = tables.Column(verbose_name=_("楼栋"), linkify=True)
    compound = tables.Column(verbose_name=_("小区"), linkify=True, order_by="compound__name")
    committee = tables.Column(
        verbose_name=_("居委"),
        accessor="compound__committee",
        linkify=True,
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
    building = tables.Column(verbose_name=_("楼栋"), accessor="household__building__name")
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

    def value_care_tags(self, record: Resident) -> str:
        return "、".join(t.name for t in record.care_tags.all())
