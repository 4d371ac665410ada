"""Forms of the desk part's pages: a new round, a point, a slot, the slot generator, an
exemption, and the desk's scans."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.duty.models import Volunteer
from linli.places.models import Building, CareTag, Compound
from linli.screening.models import SamplingPoint, TestRound, Tube


def _compound_label(obj: Any) -> str:
    kind = f"（{obj.get_kind_display()}）" if obj.kind == Compound.Kind.WORKSITE else ""
    return f"{obj.name}{kind}"


class RoundForm(forms.Form):
    name = forms.CharField(label=_("轮次名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=TestRound.Kind.choices)
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    compounds = forms.ModelMultipleChoiceField(
        label=_("检测小区和工地"),
        queryset=Compound.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    single_tube_tags = forms.ModelMultipleChoiceField(
        label=_("单管单检人群"),
        queryset=CareTag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, compounds: Any, tags: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate(), "kind": TestRound.Kind.PCR})
        super().__init__(*args, **kwargs)
        field = self.fields["compounds"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = compounds
        field.label_from_instance = _compound_label  # type: ignore[method-assign,assignment]
        self.fields["single_tube_tags"].queryset = tags  # type: ignore[attr-defined]

    def compound_groups(self) -> list[tuple[str, list[Any]]]:
        """The compounds' checkboxes grouped by committee (the queryset is in that order)."""
        field = self.fields["compounds"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        committees = {c.pk: c.committee.name for c in field.queryset}  # type: ignore[union-attr]
        choices = list(self["compounds"])
        return [
            (name, list(group))
            for name, group in groupby(choices, key=lambda b: committees[int(str(b.data["value"]))])
        ]


class PointForm(forms.Form):
    name = forms.CharField(label=_("采样点名称"), max_length=100)
    location = forms.CharField(label=_("位置"), max_length=200, required=False)
    compound = forms.ModelChoiceField(
        label=_("所在小区"), queryset=Compound.objects.none(), required=False
    )
    desks = forms.IntegerField(label=_("采样台数"), min_value=1, max_value=50, initial=1)
    volunteers = forms.ModelMultipleChoiceField(
        label=_("采样点志愿者"),
        queryset=Volunteer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, round_: TestRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        compounds = round_.compounds.order_by("name")
        self.fields["compound"].queryset = compounds  # type: ignore[attr-defined]
        committees = compounds.values("committee_id")
        self.fields["volunteers"].queryset = (  # type: ignore[attr-defined]
            Volunteer.objects.filter(
                committee_id__in=committees, status=Volunteer.Status.ACTIVE
            ).order_by("committee_id", "name")
        )


class SlotForm(forms.Form):
    point = forms.ModelChoiceField(label=_("采样点"), queryset=SamplingPoint.objects.none())
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none())
    floor_from = forms.IntegerField(label=_("起始楼层"), min_value=1, max_value=200, required=False)
    floor_to = forms.IntegerField(label=_("结束楼层"), min_value=1, max_value=200, required=False)
    starts = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: Any, round_: TestRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = round_.points.all()  # type: ignore[attr-defined]
        field = self.fields["building"]
        field.queryset = (  # type: ignore[attr-defined]
            Building.objects.filter(compound__in=round_.compounds.all())
            .select_related("compound")
            .order_by("compound__name", "sort_key")
        )
        field.label_from_instance = lambda b: f"{b.compound.name} {b.name}"  # type: ignore[attr-defined]


class SpreadForm(forms.Form):
    point = forms.ModelChoiceField(label=_("采样点"), queryset=SamplingPoint.objects.none())
    starts = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("每段分钟"), min_value=5, max_value=240, initial=30)

    def __init__(self, *args: Any, round_: TestRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = round_.points.all()  # type: ignore[attr-defined]


class ExemptionForm(forms.Form):
    resident = forms.IntegerField(min_value=1)
    reason = forms.CharField(label=_("免检原因"), max_length=200)


class TubeForm(forms.Form):
    barcode = forms.CharField(label=_("采样管条码"), max_length=60)
    capacity = forms.TypedChoiceField(
        label=_("混采人数"),
        choices=Tube.Capacity.choices,
        coerce=int,
        initial=Tube.Capacity.TEN,
    )
    desk = forms.IntegerField(min_value=1, max_value=50, required=False)


class SampleForm(forms.Form):
    tube = forms.IntegerField(min_value=1)
    resident = forms.IntegerField(min_value=1, required=False)
    q = forms.CharField(max_length=60, required=False)
    reason = forms.CharField(label=_("重采原因"), max_length=200, required=False)


class CodeForm(forms.Form):
    code = forms.CharField(max_length=60)
