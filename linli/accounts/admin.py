"""Logins and API tokens in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "town", "committee", "is_active", "last_login")
    list_filter = ("role", "town", "is_active", "is_superuser")
    list_select_related = ("town", "committee")
    autocomplete_fields = ("committee",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("角色与范围"), {"fields": ("role", "town", "committee")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("角色与范围"), {"fields": ("role", "town", "committee")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be revoked (deleted), never created or read here: only their hash is stored."""

    list_display = ("id", "user", "created_at", "expires_at", "last_used_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at", "expires_at", "last_used_at")
    exclude = ("key_hash", "password_mark")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
