"""Worksites in the admin, for superusers: read-only, because transport moves through its
workflow and every write through the services (audited)."""

from __future__ import annotations

from django.contrib import admin

from linli.core.admin import GatedAdmin, ReadOnlyAdmin
from linli.worksites.models import CrewLoan, Permit, SiteProfile, TransportRequest, WorkerInfo


@admin.register(SiteProfile)
class SiteProfileAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("compound", "manager", "contractor", "has_transport")


@admin.register(WorkerInfo)
class WorkerInfoAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("resident", "employer", "trade", "entered_on")


@admin.register(TransportRequest)
class TransportRequestAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("compound", "kind", "plate", "window_from", "status")
    list_filter = ("status", "kind")


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("compound", "kind", "plate", "valid_from", "valid_until", "revoked_at")
    list_filter = ("kind",)
    exclude = ("token",)  # the QR's secret stays off the admin's pages


@admin.register(CrewLoan)
class CrewLoanAdmin(ReadOnlyAdmin, GatedAdmin):
    list_display = ("compound", "task", "date", "headcount", "hours")
