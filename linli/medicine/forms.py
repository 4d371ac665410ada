"""Forms of the medicine desk: a new request (the patient by address and name, its lines), a
line, a status move, a team post, a committee's gate, a plan, a resident's own request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.care.forms import FormTokenField
from linli.medicine.models import Department, Hospital, MedicineLine, MedicineOrder, TeamMember
from linli.medicine.services import LineData
from linli.places.models import Committee

Urgency = MedicineOrder.Urgency


class LineForm(forms.Form):
    """One drug: names, maker (or any maker), strength, form, boxes, days, flags."""

    generic_name = forms.CharField(label=_("药品通用名"), max_length=100)
    trade_name = forms.CharField(label=_("商品名"), max_length=100, required=False)
    maker = forms.CharField(label=_("厂家"), max_length=100, required=False)
    any_maker = forms.BooleanField(label=_("厂家不限"), required=False)
    strength = forms.CharField(label=_("规格"), max_length=60, required=False)
    form = forms.CharField(label=_("剂型"), max_length=30, required=False)
    # Not required (1 when empty), so that an untouched extra form of the formset stays empty.
    boxes = forms.IntegerField(label=_("数量（盒）"), min_value=1, max_value=99, required=False)
    days = forms.IntegerField(label=_("天数"), min_value=1, max_value=999, required=False)
    cold_chain = forms.BooleanField(label=_("冷链"), required=False)
    substitution_allowed = forms.BooleanField(label=_("可替换"), required=False)
    confidential = forms.BooleanField(label=_("保密"), required=False)

    def line(self) -> LineData:
        return LineData(**{**self.cleaned_data, "boxes": self.cleaned_data["boxes"] or 1})

    @staticmethod
    def initial_of(line: MedicineLine) -> dict[str, Any]:
        return {name: getattr(line, name) for name in LineForm.base_fields}


class LineEditForm(LineForm):
    substitution_consent = forms.CharField(
        label=_("替换同意记录（谁、何时、如何同意）"), max_length=200, required=False
    )

    def line(self) -> LineData:
        data = dict(self.cleaned_data)
        data.pop("substitution_consent", None)
        return LineData(**{**data, "boxes": data["boxes"] or 1})


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=20, min_num=1, validate_min=True)


class OrderForm(forms.Form):
    """The desk's new request: the patient by address and name (and ID number), the hospital."""

    committee = forms.ModelChoiceField(label=_("居委"), queryset=Committee.objects.none())
    compound = forms.CharField(label=_("小区"), max_length=50)
    building = forms.CharField(label=_("楼栋"), max_length=50)
    room = forms.CharField(label=_("室号"), max_length=30)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号（同名时必填）"), max_length=18, required=False)
    hospital = forms.ModelChoiceField(label=_("医院"), queryset=Hospital.objects.none())
    department = forms.ModelChoiceField(
        label=_("科室"), queryset=Department.objects.none(), required=False
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.YELLOW
    )
    form_number = forms.CharField(label=_("配药单号"), max_length=40, required=False)
    service_date = forms.DateField(label=_("配药日期"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
    form_token = FormTokenField()

    def __init__(self, *args: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["committee"].queryset = Committee.objects.filter(town_id=town_id)
        fields["hospital"].queryset = Hospital.objects.filter(town_id=town_id)
        fields["department"].queryset = Department.objects.filter(
            hospital__town_id=town_id
        ).select_related("hospital")
        self.fields["service_date"].widget.input_type = "date"  # type: ignore[attr-defined]


class HelpRequestOrderForm(forms.Form):
    """A medicine help request becoming a request: which hospital, how urgent."""

    hospital = forms.ModelChoiceField(label=_("医院"), queryset=Hospital.objects.none())
    department = forms.ModelChoiceField(
        label=_("科室"), queryset=Department.objects.none(), required=False
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.YELLOW
    )

    def __init__(self, *args: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["hospital"].queryset = Hospital.objects.filter(town_id=town_id)
        fields["department"].queryset = Department.objects.filter(hospital__town_id=town_id)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=MedicineOrder.Status.choices)
    reason = forms.CharField(max_length=300, required=False)


class PostForm(forms.Form):
    post = forms.ChoiceField(label=_("岗位"), choices=TeamMember.Post.choices)
    capacity = forms.IntegerField(
        label=_("每日单数上限"), min_value=1, max_value=200, initial=TeamMember.DEFAULT_CAPACITY
    )
    home_lat = forms.DecimalField(
        label=_("出发点纬度"), max_digits=9, decimal_places=6, required=False
    )
    home_lon = forms.DecimalField(
        label=_("出发点经度"), max_digits=9, decimal_places=6, required=False
    )
    on_duty = forms.BooleanField(label=_("在岗"), required=False, initial=True)


class GateForm(forms.Form):
    gate_lat = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    gate_lon = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)


class PlanForm(forms.Form):
    date = forms.DateField(label=_("日期"))
    time_limit = forms.IntegerField(
        label=_("计算时间（秒）"), min_value=1, max_value=600, initial=10
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate() + dt.timedelta(days=1)})
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.input_type = "date"  # type: ignore[attr-defined]


class SelfServiceForm(forms.Form):
    """A resident's own request (居民自助配药): room, name, phone, hospital, one drug."""

    room = forms.CharField(label=_("室号"), max_length=30)
    name = forms.CharField(label=_("患者姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    hospital = forms.ModelChoiceField(label=_("医院"), queryset=Hospital.objects.none())
    generic_name = forms.CharField(label=_("药品名称"), max_length=100)
    strength = forms.CharField(label=_("规格"), max_length=60, required=False)
    maker = forms.CharField(label=_("厂家"), max_length=100, required=False)
    boxes = forms.IntegerField(label=_("数量（盒）"), min_value=1, max_value=99, initial=1)
    out_of_medicine = forms.BooleanField(label=_("已经断药"), required=False)
    form_token = FormTokenField()

    def __init__(self, *args: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["hospital"].queryset = Hospital.objects.filter(town_id=town_id)
