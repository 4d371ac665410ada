"""Forms of the package rounds' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.duty.models import Team
from linli.places.models import Compound
from linli.supplies.models import PackageDelivery, RoundTeam

D = PackageDelivery.Status


def _compound_label(obj: Any) -> str:
    return f"{obj.committee.name} · {obj.name}"


class RoundForm(forms.Form):
    name = forms.CharField(label=_("轮次名称"), max_length=100)
    contents = forms.CharField(
        label=_("物资内容"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：大米5公斤、食用油1桶、蔬菜一袋"),
    )
    compounds = forms.ModelMultipleChoiceField(
        label=_("发放小区"),
        queryset=Compound.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, compounds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["compounds"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = compounds
        field.label_from_instance = _compound_label  # type: ignore[method-assign,assignment]


class TeamForm(forms.Form):
    kind = forms.ChoiceField(label=_("队伍类型"), choices=RoundTeam.Kind.choices)
    team = forms.ModelChoiceField(label=_("服务小组"), queryset=Team.objects.none(), required=False)
    worksite = forms.ModelChoiceField(
        label=_("出借工地"), queryset=Compound.objects.none(), required=False
    )
    name = forms.CharField(label=_("队伍名称"), max_length=100, required=False)
    headcount = forms.IntegerField(label=_("人数"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args: Any, teams: Any, worksites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["worksite"].queryset = worksites  # type: ignore[attr-defined]


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, s) for s in (D.DELIVERED, D.ABSENT, D.VACANT, D.RESOLVED, D.PENDING)]
    )
    signer = forms.CharField(label=_("签收人"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class RoomForm(forms.Form):
    room = forms.CharField(label=_("室号"), max_length=30)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
