"""Forms of the notices pages: a notice (its scope, text, urgency, expiry, robots, files), a
robot channel, a household's room at the door."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.duty.models import Duty, Team
from linli.notices.models import Notice, RobotChannel
from linli.places.models import Building, Committee, Compound


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class NoticeForm(forms.Form):
    scope = forms.ChoiceField(label=_("发送范围"), choices=Notice.Scope.choices)
    committee = forms.ModelChoiceField(
        label=_("居委"), queryset=Committee.objects.none(), required=False
    )
    compound = forms.ModelChoiceField(
        label=_("小区或工地"), queryset=Compound.objects.none(), required=False
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("服务小组"), queryset=Team.objects.none(), required=False)
    duty_kind = forms.ChoiceField(
        label=_("志愿者类别"), choices=[("", "—"), *Duty.Kind.choices], required=False
    )
    for_residents = forms.BooleanField(label=_("同时通知居民（各户确认）"), required=False)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("正文"), max_length=4000, widget=forms.Textarea(attrs={"rows": 8})
    )
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Notice.Urgency.choices)
    expires_at = forms.DateTimeField(
        label=_("有效期至"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("同时推送到群机器人"),
        queryset=RobotChannel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    files = MultipleFileField(label=_("附件"), required=False)  # type: ignore[assignment]
    template = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, town_id: int, channels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["committee"].queryset = Committee.objects.visible_to(user).filter(town_id=town_id)
        fields["compound"].queryset = (
            Compound.objects.visible_to(user).filter(town_id=town_id).select_related("committee")
        )
        fields["building"].queryset = (
            Building.objects.visible_to(user)
            .filter(town_id=town_id)
            .select_related("compound")
            .order_by("compound_id", "sort_key")
        )
        fields["building"].label_from_instance = lambda b: f"{b.compound} {b}"
        fields["team"].queryset = (
            Team.objects.visible_to(user).filter(town_id=town_id).select_related("committee")
        )
        fields["channels"].queryset = RobotChannel.objects.filter(pk__in=[c.pk for c in channels])


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("群名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=RobotChannel.Kind.choices)
    committee = forms.ModelChoiceField(
        label=_("居委（不选则为全镇）"), queryset=Committee.objects.none(), required=False
    )
    webhook_url = forms.CharField(
        label=_("Webhook 地址"), max_length=500, widget=forms.PasswordInput(render_value=False)
    )
    secret = forms.CharField(
        label=_("加签密钥（钉钉、飞书，可不填）"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )

    def __init__(self, *args: Any, user: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["committee"].queryset = Committee.objects.visible_to(user).filter(town_id=town_id)


class RoomForm(forms.Form):
    room = forms.CharField(label=_("室号"), max_length=30)
