"""Forms of the results part: a pool member's retest, a case's move, the antigen self-report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.screening.models import Case, Result

RESULTS = [(Result.NEGATIVE, _("阴性")), (Result.POSITIVE, _("阳性"))]


class RetestForm(forms.Form):
    """A member's single-tube retest at home: the tube's barcode."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    barcode = forms.CharField(label=_("复核采样管条码"), max_length=40)


class MemberResultForm(forms.Form):
    """A member's retest result, entered when the lab reports it."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("复核结果"), choices=RESULTS)


class CaseMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("改为"), choices=Case.Status.choices)
    destination = forms.CharField(label=_("转运去向"), max_length=100, required=False)
    reason = forms.CharField(label=_("说明"), max_length=300, required=False)


class RoomForm(forms.Form):
    room = forms.CharField(label=_("室号"), max_length=30)


class AntigenForm(forms.Form):
    """The self-report: a member of the room's household, the result and the time."""

    room = forms.CharField(widget=forms.HiddenInput, max_length=30)
    resident = forms.TypedChoiceField(label=_("家庭成员"), coerce=int, widget=forms.RadioSelect)
    result = forms.ChoiceField(label=_("抗原结果"), choices=RESULTS, widget=forms.RadioSelect)
    tested_at = forms.DateTimeField(
        label=_("检测时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = members  # type: ignore[attr-defined]
