"""The audit log in the admin: read-only (no add, change or delete, not even for superusers);
what every app's admin builds on: `ReadOnlyAdmin` for models whose writes must go through the
services, `AuditedAdmin` (writes audited), `GatedAdmin` (rows through the access gate)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from linli.core.audit import audit
from linli.core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Writes made in the admin are audited like any other."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE
        audit(
            user=request.user,
            action=action,
            target=obj,
            summary=f"admin: {obj}"[:300],
            request=request,
        )  # type: ignore[arg-type]

    def delete_model(self, request: Any, obj: Any) -> None:
        audit(
            user=request.user,
            action=AuditEntry.Action.DELETE,
            target=obj,
            summary=f"admin: {obj}"[:300],
            request=request,
        )  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class GatedAdmin(AuditedAdmin):
    """Rows through the access gate: out of the user's scope, a row is not listed."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


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
