"""Forms and the list filter of the supplier registry and of worksites' needs."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from linli.core.filters import StrictFilterSet
from linli.places.models import Committee, Compound
from linli.supplies.models import Supplier, SupplierPaper
from linli.supplies.models.suppliers import Category


class DateInput(forms.DateInput):
    input_type = "date"


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    categories = forms.MultipleChoiceField(
        label=_("供应品类"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    daily_capacity = forms.IntegerField(
        label=_("日供应能力（单）"), min_value=0, max_value=1_000_000, initial=0
    )
    delivery_area = forms.ModelMultipleChoiceField(
        label=_("配送范围（不选即全镇）"),
        queryset=Committee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lat = forms.DecimalField(
        label=_("纬度"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    lon = forms.DecimalField(
        label=_("经度"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["delivery_area"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Committee.objects.filter(town_id=town_id).order_by("name")


class PaperForm(forms.Form):
    kind = forms.ChoiceField(label=_("证照类型"), choices=SupplierPaper.Kind.choices)
    number = forms.CharField(label=_("编号"), max_length=100, required=False)
    holder = forms.CharField(label=_("持有人/车辆"), max_length=100, required=False)
    expires_on = forms.DateField(label=_("有效期至"), widget=DateInput, required=False)


class ComplaintForm(forms.Form):
    summary = forms.CharField(
        label=_("投诉内容"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    to = forms.CharField(max_length=20)
    reason = forms.CharField(max_length=300, required=False)


class SupplierFilter(StrictFilterSet):
    """The registry's list: the page and the API list filter through it."""

    vetting = df.ChoiceFilter(label=_("审核状态"), choices=Supplier.Vetting.choices)
    category = df.ChoiceFilter(label=_("供应品类"), choices=Category.choices, method="by_category")
    q = df.CharFilter(label=_("搜索"), method="search")

    class Meta:
        model = Supplier
        fields: list[str] = []

    def by_category(
        self, queryset: QuerySet[Supplier], name: str, value: str
    ) -> QuerySet[Supplier]:
        # A JSON list of short codes: `contains` is not on SQLite, so match the quoted code.
        return queryset.filter(categories__icontains=f'"{value}"') if value else queryset

    def search(self, queryset: QuerySet[Supplier], name: str, value: str) -> QuerySet[Supplier]:
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))


class NeedForm(forms.Form):
    compound = forms.ModelChoiceField(label=_("工地"), queryset=Compound.objects.none())
    headcount = forms.IntegerField(label=_("在场人数"), min_value=1, max_value=100_000)
    rice_kg = forms.IntegerField(
        label=_("大米（公斤/天）"), min_value=0, max_value=1_000_000, initial=0
    )
    flour_kg = forms.IntegerField(
        label=_("面粉（公斤/天）"), min_value=0, max_value=1_000_000, initial=0
    )
    oil_kg = forms.IntegerField(
        label=_("食用油（公斤/天）"), min_value=0, max_value=1_000_000, initial=0
    )
    other_categories = forms.MultipleChoiceField(
        label=_("其他品类"),
        choices=[c for c in Category.choices if c[0] != Category.GRAIN_OIL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_goods = forms.CharField(label=_("其他物资"), max_length=300, required=False)
    has_transport = forms.BooleanField(label=_("工地自有车辆"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args: Any, compounds: QuerySet[Compound], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["compound"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = compounds


class MatchForm(forms.Form):
    supplier = forms.IntegerField(min_value=1)
    delivery_on = forms.DateField(label=_("送货日期"), widget=DateInput)


class VehicleForm(forms.Form):
    team = forms.IntegerField(required=False, min_value=1)
    plate = forms.CharField(label=_("车牌号"), max_length=20, required=False)
    driver = forms.CharField(label=_("司机"), max_length=50, required=False)
