"""Forms of the resident page: moving a resident, changing their status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.filters import parse_id
from linli.places import selectors
from linli.places.models import Building, Household, Resident


def household_label(household: Household) -> str:
    building = household.building
    return f"{building.compound.name} {building.name} {household.room}"


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return household_label(obj)


class ResidentMoveForm(forms.Form):
    """Pick a building of the resident's committee (its rooms are then offered), a room, and
    say why."""

    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none())
    to_household = HouseholdChoiceField(label=_("室号"), queryset=Household.objects.none())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, resident: Resident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resident = resident
        # Moves stay within the resident's committee (a move further is a move out and a new
        # registration there); this also keeps the list short for town staff.
        committee_id = resident.household.building.compound.committee_id
        buildings = (
            selectors.buildings_for(user)
            .filter(compound__committee_id=committee_id)
            .order_by("compound__name", "sort_key")
        )
        building_field: Any = self.fields["building"]
        building_field.queryset = buildings
        building_field.label_from_instance = lambda b: f"{b.compound.name} {b.name}"
        # Choosing a building fetches its rooms (htmx), through the gate like every read.
        building_field.widget.attrs.update(
            {
                "hx-get": reverse("places:household_options"),
                "hx-target": "#id_to_household",
                "hx-trigger": "change",
            }
        )
        households = selectors.households_for(user).filter(
            building__compound__committee_id=committee_id
        )
        chosen = parse_id(self.data.get("building")) if self.is_bound else None
        if chosen:
            households = households.filter(building_id=chosen)
        else:
            households = households.filter(building_id=resident.household.building_id)
            self.initial.setdefault("building", resident.household.building_id)
        household_field: Any = self.fields["to_household"]
        household_field.queryset = households

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        household = data.get("to_household")
        if household is not None and household.pk == self.resident.household_id:
            raise forms.ValidationError(_("居民已住在该户 (the resident already lives there)"))
        return data


class ResidentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=Resident.Status.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, resident: Resident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.initial.setdefault("status", resident.status)

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        if status == self.resident.status:
            raise forms.ValidationError(_("状态未改变 (the status is unchanged)"))
        return status
