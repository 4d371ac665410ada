"""The grid in the admin, for superusers: read-only, because every change of a duty, claim or
pairing goes through the services (history, audit, the claim workflow). Numbers are masked."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.core.admin import GatedAdmin, ReadOnlyAdmin
from linli.core.masking import shown
from linli.duty.models import Claim, ClaimChange, Duty, Pairing, ReportInLink, Team, Volunteer


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("name", "masked_phone", "committee", "source", "status", "team", "post")
    list_filter = ("status", "source", "town")
    list_select_related = ("committee", "team")
    search_fields = ("name", "name_initials")
    exclude = ("id_number", "phone")

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: Volunteer) -> str:
        return shown(None, "phone", obj.phone)


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("committee", "function", "leader")
    list_select_related = ("committee", "leader")


@admin.register(Duty)
class DutyAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("volunteer", "kind", "title", "place_label", "starts_at", "ends_at")
    list_filter = ("kind", "town")
    list_select_related = ("volunteer", "committee", "compound", "building", "household")


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("volunteer", "place_label", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("volunteer", "building__compound", "household__building__compound")


@admin.register(ClaimChange)
class ClaimChangeAdmin(ReadOnlyAdmin):
    list_display = ("claim", "from_status", "to_status", "at", "by")


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("volunteer", "resident", "source", "starts_at", "ends_at")
    list_select_related = ("volunteer", "resident")


@admin.register(ReportInLink)
class ReportInLinkAdmin(ReadOnlyAdmin):
    list_display = ("committee", "created_at")
    exclude = ("token",)
