"""The registry in the admin, for superusers. Querysets still go through the access gate, and
ID and phone numbers are listed masked."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.core.admin import AuditedAdmin, GatedAdmin, ReadOnlyAdmin
from linli.core.masking import shown
from linli.places.models import (
    Building,
    CareTag,
    Committee,
    Compound,
    Household,
    Resident,
    ResidentChange,
    Town,
    TransferRequest,
)


@admin.register(Town)
class TownAdmin(AuditedAdmin):
    list_display = ("name", "visit_overdue_days", "created_at")
    search_fields = ("name",)


@admin.register(Committee)
class CommitteeAdmin(GatedAdmin):
    list_display = ("name", "town", "hotline")
    list_filter = ("town",)
    search_fields = ("name",)


@admin.register(Compound)
class CompoundAdmin(GatedAdmin):
    list_display = ("name", "committee", "kind")
    list_filter = ("kind", "town")
    list_select_related = ("committee",)
    search_fields = ("name", "committee__name")
    autocomplete_fields = ("committee",)


@admin.register(Building)
class BuildingAdmin(GatedAdmin):
    list_display = ("name", "compound")
    list_select_related = ("compound",)
    search_fields = ("name", "compound__name")
    autocomplete_fields = ("compound",)


@admin.register(Household)
class HouseholdAdmin(GatedAdmin):
    list_display = ("room", "building")
    list_select_related = ("building__compound",)
    search_fields = ("room", "building__name", "building__compound__name")
    autocomplete_fields = ("building",)


@admin.register(CareTag)
class CareTagAdmin(AuditedAdmin):
    list_display = ("name", "code", "town")
    list_filter = ("town",)


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin, GatedAdmin):
    """Read-only: residents change through the pages' services (pinyin, ID checks, history)."""

    list_display = ("name", "masked_id_number", "masked_phone", "household", "status")
    list_filter = ("status", "care_tags", "town")
    list_select_related = ("household__building__compound",)
    search_fields = ("name", "name_initials")
    exclude = ("id_number", "phone")

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj: Resident) -> str:
        return shown(None, "id_number", obj.id_number or "")

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: Resident) -> str:
        return shown(None, "phone", obj.phone or "")


@admin.register(ResidentChange)
class ResidentChangeAdmin(ReadOnlyAdmin):
    """History: read-only, written only by the move and status services."""

    list_display = ("resident", "changed_at", "changed_by", "from_status", "to_status", "note")
    list_select_related = ("resident", "changed_by")
    readonly_fields = [f.name for f in ResidentChange._meta.fields]


@admin.register(TransferRequest)
class TransferRequestAdmin(ReadOnlyAdmin, GatedAdmin):
    """Read-only: transfers are decided on the town's queue page (audited, applied by services)."""

    list_display = ("kind", "name", "from_committee", "to_committee", "status", "requested_at")
    list_filter = ("status", "kind", "town")
