"""Care in the admin, for superusers: read-only like the grid, because every request's status
moves through the workflow (history, audit, escalation) and visits through the services.
Phone numbers are masked; the self-service links' tokens are not shown."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.care.models import HelpRequest, HelpRequestTransition, SelfServiceLink, Visit
from linli.core.admin import GatedAdmin, ReadOnlyAdmin
from linli.core.masking import shown


class TransitionInline(admin.TabularInline):
    model = HelpRequestTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "by_volunteer", "at", "reason")


@admin.register(HelpRequest)
class HelpRequestAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("id", "category", "urgency", "status", "source", "household", "due_at")
    list_filter = ("status", "category", "urgency", "source")
    exclude = ("contact_phone", "idempotency_key", "access_token_hash")
    readonly_fields = ("masked_contact_phone",)
    inlines = [TransitionInline]

    @admin.display(description=_("联系电话"))
    def masked_contact_phone(self, obj: HelpRequest) -> str:
        return shown(None, "phone", obj.contact_phone)


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("id", "household", "resident", "volunteer", "outcome", "visited_at")
    list_filter = ("outcome",)


@admin.register(SelfServiceLink)
class SelfServiceLinkAdmin(ReadOnlyAdmin):
    list_display = ("building", "created_at")
    exclude = ("token",)
