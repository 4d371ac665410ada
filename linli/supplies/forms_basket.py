"""Forms of the shared basket's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.supplies.models import BasketSlots


class PostForm(forms.Form):
    room = forms.CharField(label=_("您的室号"), max_length=20)
    item = forms.CharField(label=_("物品"), max_length=60)
    quantity = forms.IntegerField(label=_("份数"), min_value=1, max_value=99, initial=1)
    unit = forms.CharField(label=_("单位"), max_length=10, required=False)
    perishable = forms.BooleanField(label=_("易腐（需尽快取）"), required=False)
    until = forms.DateTimeField(
        label=_("截止时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ClaimForm(forms.Form):
    room = forms.CharField(label=_("您的室号"), max_length=20)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    quantity = forms.IntegerField(label=_("份数"), min_value=1, max_value=99, initial=1)
    slot = forms.DateTimeField(
        label=_("取件时段"), input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]
    )


class SlotsForm(forms.ModelForm):
    class Meta:
        model = BasketSlots
        fields = ["minutes", "capacity", "opens_at", "closes_at"]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
