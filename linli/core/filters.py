"""What every app's FilterSets share: ids from user input, a checkbox filter, and a FilterSet
that shows nothing (and says why) when a value is invalid."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import QuerySet

from linli.core.http import int_param
from linli.core.masking import mask_numbers_in


def parse_id(value: Any) -> int | None:
    """A row id from user input, or None when it is not one (never an error, never an overflow)."""
    return int_param(value) or None


class CheckFilter(df.BooleanFilter):
    """A checkbox: ticked ("on", "1", "true") filters, unticked does not."""

    field_class = forms.BooleanField


class StrictFilterSet(df.FilterSet):
    """A FilterSet whose result is empty when a value is invalid (callers show the errors)."""

    @property
    def qs(self) -> QuerySet[Any]:
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    def active_params(self) -> dict[str, str]:
        """The filter values given, for the audit log of an export; a phone or ID number
        typed into the search box is kept masked, as the audit log never holds one in full."""
        data = self.data if self.is_bound else {}
        return {
            name: mask_numbers_in(str(data.get(name))) for name in self.filters if data.get(name)
        }
