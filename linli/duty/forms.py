"""Forms of the duty pages: report-in, assigning a duty."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.duty.models import Duty, Team, Volunteer
from linli.places.models import Committee


class ReportInForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", "—"), *Volunteer.Gender.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("报到身份"),
        choices=[
            (Volunteer.Source.REPORTED_PARTY_MEMBER, _("在职党员报到")),
            (Volunteer.Source.RESIDENT_VOLUNTEER, _("居民志愿者")),
        ],
        widget=forms.RadioSelect,
    )
    is_party_member = forms.BooleanField(label=_("中共党员"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("特长（可多选）"),
        choices=Volunteer.Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TeamForm(forms.Form):
    """A volunteer's team (by function, within their committee) and post."""

    function = forms.ChoiceField(
        label=_("服务小组"), choices=[("", "—"), *Team.Function.choices], required=False
    )
    post = forms.ChoiceField(
        label=_("岗位"), choices=[("", "—"), *Volunteer.Post.choices], required=False
    )
    leader = forms.BooleanField(label=_("任组长"), required=False)


class AssignForm(forms.Form):
    """Assign a duty for a place of the committee to one of its active volunteers."""

    volunteer = forms.ModelChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none())
    kind = forms.ChoiceField(label=_("职责"), choices=Duty.Kind.choices)
    title = forms.CharField(label=_("职务名称（可选）"), max_length=30, required=False)
    replace = forms.ModelChoiceField(
        label=_("接替现任（现任的职责结束，记录保留）"),
        queryset=Duty.objects.none(),
        required=False,
        empty_label=_("不接替，新增一人"),
    )

    def __init__(
        self, *args: Any, committee: Committee, volunteers: Any, holders: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["replace"].queryset = holders  # type: ignore[attr-defined]
        self.fields["replace"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.title or d.get_kind_display()} {d.volunteer.name}"
        )
