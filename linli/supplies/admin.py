"""Supplies in the admin, for superusers: read-only, because statuses move through the
workflows (history, audit) and writes through the services."""

from __future__ import annotations

from django.contrib import admin

from linli.core.admin import GatedAdmin, ReadOnlyAdmin

# -- suppliers part (issue 11) --
from linli.supplies.models import (
    Complaint,
    Supplier,
    SupplierPaper,
    SupplierVettingChange,
    WorksiteNeed,
    WorksiteOrder,
    WorksiteOrderChange,
)


class PaperInline(admin.TabularInline):
    model = SupplierPaper
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "number", "holder", "expires_on")


class VettingInline(admin.TabularInline):
    model = SupplierVettingChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "at", "reason")


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("name", "town", "vetting", "daily_capacity")
    list_filter = ("vetting",)
    search_fields = ("name",)
    inlines = [PaperInline, VettingInline]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("id", "supplier", "status", "committee", "created_at")
    list_filter = ("status",)


@admin.register(WorksiteNeed)
class WorksiteNeedAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("compound", "headcount", "rice_kg", "flour_kg", "oil_kg", "has_transport")


class OrderChangeInline(admin.TabularInline):
    model = WorksiteOrderChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "at", "reason")


@admin.register(WorksiteOrder)
class WorksiteOrderAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("id", "compound", "supplier", "delivery_on", "status")
    list_filter = ("status",)
    inlines = [OrderChangeInline]
