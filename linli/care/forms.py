"""Forms of the care pages: the door-knock form, the staff's request form, transitions,
assignment and the residents' self-service form."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.care.models import HelpRequest, Visit
from linli.care.services import MAX_NOTES, Need
from linli.core.validators import Problem, normalise_phone
from linli.duty.models import Team, Volunteer
from linli.places.models import Resident

Category = HelpRequest.Category
Urgency = HelpRequest.Urgency
NEED_TEXT_MAX = 200
SELF_SERVICE_TEXT_MAX = 500


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class FormTokenField(forms.CharField):
    """The hidden token that makes a form's submission idempotent (double-tap safe)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, max_length=64, min_length=16, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
            raise forms.ValidationError(_("表单已失效，请刷新页面"))
        return str(text)


class VisitForm(forms.Form):
    """敲门: outcome buttons, notes, the resident met (optional) and one line per kind of need."""

    outcome = forms.ChoiceField(
        label=_("走访结果"), choices=Visit.Outcome.choices, widget=forms.RadioSelect
    )
    resident = forms.ModelChoiceField(
        label=_("走访对象"),
        queryset=Resident.objects.none(),
        required=False,
        empty_label=_("全户"),
    )
    notes = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    form_token = FormTokenField()

    def __init__(self, *args: Any, residents: QuerySet[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents  # type: ignore[attr-defined]
        for value, label in Category.choices:
            self.fields[f"need_{value}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"urgency_{value}"] = forms.ChoiceField(
                label=_("紧急程度"),
                choices=Urgency.choices,
                initial=Urgency.NORMAL,
                required=False,
            )
            self.fields[f"text_{value}"] = forms.CharField(
                label=_("说明"), required=False, max_length=NEED_TEXT_MAX
            )

    def need_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "value": value,
                "label": label,
                "check": self[f"need_{value}"],
                "urgency": self[f"urgency_{value}"],
                "text": self[f"text_{value}"],
            }
            for value, label in Category.choices
        ]

    def needs(self) -> list[Need]:
        data = self.cleaned_data
        return [
            Need(
                category=value,
                urgency=data.get(f"urgency_{value}") or Urgency.NORMAL,
                description=data.get(f"text_{value}", ""),
            )
            for value in Category.values
            if data.get(f"need_{value}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Visit.Outcome.NEED_FOUND and not self.needs():
            raise forms.ValidationError(_("请勾选至少一项需求"))
        return data


class HelpRequestForm(forms.Form):
    """A request taken by phone or by staff for a resident or household of the user's scope."""

    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (HelpRequest.Source.PHONE, HelpRequest.Source.PHONE.label),
            (HelpRequest.Source.STAFF, HelpRequest.Source.STAFF.label),
        ],
    )
    description = forms.CharField(
        label=_("内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    form_token = FormTokenField()


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=HelpRequest.Status.choices)
    reason = forms.CharField(required=False, max_length=300)


class AssignForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        label=_("志愿者"), queryset=Volunteer.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("服务小组"), queryset=Team.objects.none(), required=False)

    def __init__(
        self, *args: Any, volunteers: QuerySet[Volunteer], teams: QuerySet[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: t.get_function_display()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("volunteer") and not data.get("team"):
            raise forms.ValidationError(_("请选择志愿者或服务小组"))
        return data


_FULL_WIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")


def normalise_room(raw: str) -> str:
    """'１２０１室' → '1201': full-width digits, spaces and a trailing 室/号 are tolerated."""
    value = raw.translate(_FULL_WIDTH).strip().replace(" ", "")
    return re.sub(r"[室号]$", "", value)


class SelfServiceForm(forms.Form):
    """求助: what a resident fills in from the building's poster, without an account."""

    room = forms.CharField(label=_("室号"), max_length=20)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    category = forms.ChoiceField(
        label=_("需要什么帮助"), choices=Category.choices, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("具体情况"),
        max_length=SELF_SERVICE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    form_token = FormTokenField()

    def clean_room(self) -> str:
        room = normalise_room(self.cleaned_data["room"])
        if not room:
            raise forms.ValidationError(_("请填写室号"))
        return room

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except Problem as exc:
            raise forms.ValidationError(exc.text()) from None


class LookupForm(forms.Form):
    """查询: a resident finds their request again by room and the last 4 digits of the phone
    they gave, on the building's public page."""

    room = forms.CharField(label=_("室号"), max_length=20)
    last4 = forms.RegexField(
        label=_("手机号后4位"),
        regex=r"^[0-9]{4}$",
        error_messages={"invalid": _("请填写手机号的后4位数字")},
    )

    def clean_room(self) -> str:
        room = normalise_room(self.cleaned_data["room"])
        if not room:
            raise forms.ValidationError(_("请填写室号"))
        return room
