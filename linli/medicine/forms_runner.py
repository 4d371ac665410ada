"""Forms of the runner's checklist, custody and money pages. Each carries a one-time token
(`FormTokenField`, as care's forms do): a form sent twice on a weak connection is one record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.care.forms import FormTokenField, new_form_token
from linli.core.validators import Problem
from linli.medicine.models import AdvanceEntry, MedicineLine
from linli.medicine.money import parse_yuan

__all__ = [
    "CardForm",
    "DisputeForm",
    "FloatForm",
    "HandOverForm",
    "LineForm",
    "PaymentForm",
    "RepaymentForm",
    "ResolveForm",
    "new_form_token",
]


class YuanField(forms.CharField):
    """An amount typed in yuan ("12.50"), cleaned into integer fen (1250)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)

    def clean(self, value: Any) -> int:  # type: ignore[override]
        text = super().clean(value)
        try:
            return parse_yuan(text)
        except Problem as exc:
            raise forms.ValidationError(exc.text()) from exc


class LineForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (MedicineLine.Status.FETCHED, _("已取")),
            (MedicineLine.Status.SHORT, _("部分取到")),
            (MedicineLine.Status.STOCK_OUT, _("缺药")),
        ]
    )
    boxes_fetched = forms.IntegerField(label=_("取到盒数"), required=False, min_value=0)
    substitute = forms.CharField(label=_("替换药品"), required=False, max_length=200)
    consent = forms.CharField(label=_("患者同意记录"), required=False, max_length=200)


class PaymentForm(forms.Form):
    amount = YuanField(label=_("发票金额（元）"))
    photo = forms.FileField(label=_("发票照片"), required=False)
    out_of_pocket = forms.BooleanField(label=_("自掏垫付"), required=False)
    form_token = FormTokenField()


class FloatForm(forms.Form):
    runner = forms.IntegerField(widget=forms.HiddenInput)
    amount = YuanField(label=_("备用金（元）"))
    form_token = FormTokenField()


class RepaymentForm(forms.Form):
    amount = YuanField(label=_("还款金额（元）"))
    method = forms.ChoiceField(label=_("还款方式"), choices=AdvanceEntry.Method.choices)
    reference = forms.CharField(label=_("转账单号"), required=False, max_length=60)
    form_token = FormTokenField()


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("争议内容"), max_length=300)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), max_length=300)


class CardForm(forms.Form):
    last4 = forms.CharField(label=_("卡号后四位"), required=False, max_length=4)


class HandOverForm(forms.Form):
    to_holder = forms.ChoiceField(label=_("交给"))
    place = forms.CharField(label=_("地点"), required=False, max_length=100)
    # The holder the page showed: a stale page's hand-over is refused, not applied.
    from_holder = forms.CharField(widget=forms.HiddenInput)
    form_token = FormTokenField()

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_holder"].choices = choices  # type: ignore[attr-defined]
