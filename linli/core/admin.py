"""The audit log in the admin: read-only (no add, change or delete, not even for superusers);
`ReadOnlyAdmin` for every model whose writes must go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from linli.core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "username",
        "action",
        "target_type",
        "target_id",
        "summary",
        "ip_address",
    )
    list_filter = ("action", "town", "created_at")
    search_fields = ("username", "summary", "target_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
