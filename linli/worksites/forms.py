"""Forms of the worksites pages: a site's profile, a transport request, a permit, a crew lent.
They only parse; the services check the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.places.models import Resident
from linli.worksites.models import CrewLoan, Permit, TransportRequest

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    manager = forms.CharField(label=_("负责人"), max_length=50, required=False)
    manager_phone = forms.CharField(label=_("负责人电话"), max_length=20, required=False)
    contractor = forms.CharField(label=_("施工单位"), max_length=100, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    has_transport = forms.BooleanField(label=_("自有车辆"), required=False)


class TransportForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=TransportRequest.Kind.choices)
    plate = forms.CharField(label=_("车牌号"), max_length=20)
    route = forms.CharField(label=_("路线"), max_length=200)
    escort = forms.CharField(label=_("押运人"), max_length=50, required=False)
    window_from = forms.DateTimeField(label=_("开始时间"), widget=LOCAL_INPUT)
    window_to = forms.DateTimeField(label=_("结束时间"), widget=LOCAL_INPUT)
    headcount = forms.IntegerField(label=_("人数"), min_value=0, initial=0)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class PermitForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Permit.Kind.choices)
    plate = forms.CharField(label=_("车牌号"), max_length=20, required=False)
    route = forms.CharField(label=_("路线"), max_length=200, required=False)
    worker = forms.ModelChoiceField(
        label=_("工人"), queryset=Resident.objects.none(), required=False
    )
    valid_from = forms.DateTimeField(label=_("生效时间"), widget=LOCAL_INPUT)
    valid_until = forms.DateTimeField(label=_("失效时间"), widget=LOCAL_INPUT)

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["worker"]
        field.queryset = workers


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class CrewForm(forms.Form):
    task = forms.ChoiceField(label=_("任务"), choices=CrewLoan.Task.choices)
    place = forms.CharField(label=_("地点"), max_length=200)
    transport = forms.CharField(label=_("转运方式"), max_length=200, required=False)
    headcount = forms.IntegerField(label=_("人数"), min_value=1)
    hours = forms.DecimalField(label=_("工时（小时）"), max_digits=5, decimal_places=1)
    date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    workers = forms.ModelMultipleChoiceField(
        label=_("工人"), queryset=Resident.objects.none(), required=False
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["workers"]
        field.queryset = workers
