"""Forms of the group-buy pages: the committee's rules, a new group buy with its items, arrival,
disinfection, slots, money, and the households' order form (the self-service door and a
volunteer ordering for a household). Amounts are typed in yuan and kept in fen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.core.validators import Problem, normalise_phone
from linli.duty.models import Volunteer
from linli.places.models import Building, Compound
from linli.supplies.models import GroupBuyItem, GroupBuyRules, Supplier
from linli.supplies.money import parse_yuan
from linli.supplies.services_group_buy_orders import MAX_QTY
from linli.supplies.services_group_buys import ItemIn

ITEM_ROWS = 6


class YuanField(forms.CharField):
    """An amount in yuan ("12.50"), cleaned to integer fen."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal"})

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_yuan(text)
        except Problem as exc:
            raise forms.ValidationError(exc.text()) from None


class RulesForm(forms.Form):
    text = forms.CharField(
        label=_("规则全文（向居民公示）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    organisers = forms.ChoiceField(label=_("团长资格"), choices=GroupBuyRules.Organisers.choices)
    max_markup_percent = forms.DecimalField(
        label=_("最高加价（%）"), min_value=0, max_value=100, decimal_places=2
    )
    max_fee = YuanField(label=_("每单最高服务费（元）"))
    max_window_hours = forms.IntegerField(
        label=_("接龙时长上限（小时）"), min_value=1, max_value=720
    )
    min_orders = forms.IntegerField(label=_("最低成团户数"), min_value=1, max_value=10000)
    disinfection_required = forms.BooleanField(label=_("到门口须消杀"), required=False)
    suspended = forms.BooleanField(label=_("暂停全部团购"), required=False)


def _compound_label(obj: Any) -> str:
    return f"{obj.committee.name} · {obj.name}"


def _building_label(obj: Any) -> str:
    return f"{obj.compound.name} {obj.name}"


class GroupBuyForm(forms.Form):
    # One or more compounds of one committee (the service refuses a mix, with the reason).
    compounds = forms.ModelMultipleChoiceField(
        label=_("小区"),
        queryset=Compound.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个小区")},
    )
    organiser = forms.ModelChoiceField(label=_("团长"), queryset=Volunteer.objects.none())
    supplier = forms.ModelChoiceField(label=_("供应商"), queryset=Supplier.objects.none())
    title = forms.CharField(label=_("名称"), max_length=100)
    fee = YuanField(label=_("每单服务费（元）"), required=False)
    opens_at = forms.DateTimeField(
        label=_("接龙开始"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("接龙截止"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    delivery_on = forms.DateField(
        label=_("预计送达日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    after_sales = forms.CharField(label=_("售后联系方式"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        compounds: QuerySet[Any],
        organisers: QuerySet[Any],
        suppliers: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["compounds"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = compounds
        field.label_from_instance = _compound_label  # type: ignore[method-assign,assignment]
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]
        for n in range(ITEM_ROWS):
            first = n == 0
            self.fields[f"item_{n}_name"] = forms.CharField(
                label=_("商品"), max_length=100, required=first
            )
            self.fields[f"item_{n}_unit"] = forms.CharField(
                label=_("单位"), max_length=20, required=False
            )
            self.fields[f"item_{n}_pack"] = forms.CharField(
                label=_("包装规格"), max_length=50, required=False
            )
            self.fields[f"item_{n}_list"] = YuanField(label=_("供应商标价（元）"), required=first)
            self.fields[f"item_{n}_price"] = YuanField(label=_("团购价（元）"), required=first)
            self.fields[f"item_{n}_stock"] = forms.IntegerField(
                label=_("可供数量"), min_value=1, max_value=100000, required=first
            )

    def item_rows(self) -> list[list[forms.BoundField]]:
        parts = ("name", "unit", "pack", "list", "price", "stock")
        return [[self[f"item_{n}_{p}"] for p in parts] for n in range(ITEM_ROWS)]

    def items(self) -> list[ItemIn]:
        data = self.cleaned_data
        out = []
        for n in range(ITEM_ROWS):
            name = (data.get(f"item_{n}_name") or "").strip()
            if not name:
                continue
            list_fen, price, stock = (data.get(f"item_{n}_{p}") for p in ("list", "price", "stock"))
            if list_fen is None or price is None or not stock:
                raise Problem(f"“{name}”须填标价、团购价和数量", f"{name}: give prices and stock")
            out.append(
                ItemIn(
                    name=name,
                    unit_price_fen=price,
                    list_price_fen=list_fen,
                    stock=stock,
                    unit=data.get(f"item_{n}_unit") or "份",
                    pack_size=data.get(f"item_{n}_pack") or "",
                )
            )
        return out


class ArrivalForm(forms.Form):
    note = forms.CharField(label=_("到货说明"), max_length=200, required=False)

    def __init__(self, *args: Any, items: list[GroupBuyItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_list = items
        for item in items:
            self.fields[f"arrived_{item.pk}"] = forms.IntegerField(
                label=f"{item.name}（{item.unit}）",
                min_value=0,
                max_value=1000000,
                initial=item.ordered,
            )

    def arrived(self) -> dict[int, int]:
        return {i.pk: self.cleaned_data[f"arrived_{i.pk}"] for i in self.item_list}


class DisinfectionForm(forms.Form):
    by_name = forms.CharField(label=_("消杀人"), max_length=50)
    method = forms.CharField(label=_("消杀方式"), max_length=100)


class SlotForm(forms.Form):
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none())
    starts_at = forms.DateTimeField(
        label=_("开始"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("结束"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, buildings: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["building"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = buildings
        field.label_from_instance = _building_label  # type: ignore[method-assign,assignment]


class AmountForm(forms.Form):
    amount = YuanField(label=_("金额（元）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class PriceForm(forms.Form):
    price = YuanField(label=_("新团购价（元）"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ComplaintForm(forms.Form):
    summary = forms.CharField(
        label=_("投诉内容"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrderForm(forms.Form):
    """The household's order: a quantity per item (0 for none)."""

    def __init__(self, *args: Any, items: list[GroupBuyItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_list = items
        for item in items:
            self.fields[f"qty_{item.pk}"] = forms.IntegerField(
                label=item.name, min_value=0, max_value=MAX_QTY, required=False, initial=0
            )

    def quantities(self) -> list[tuple[int, int]]:
        return [(i.pk, self.cleaned_data.get(f"qty_{i.pk}") or 0) for i in self.item_list]

    def rows(self) -> list[tuple[GroupBuyItem, forms.BoundField]]:
        return [(i, self[f"qty_{i.pk}"]) for i in self.item_list]


class DoorOrderForm(OrderForm):
    """The self-service door's order: the room and the phone of a resident of that room."""

    room = forms.CharField(label=_("室号"), max_length=20)
    phone = forms.CharField(label=_("手机号（本户登记居民）"), max_length=20)
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except Problem as exc:
            raise forms.ValidationError(exc.text()) from None
