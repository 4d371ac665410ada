from django.contrib import admin

from linli.care.models import HelpRequest, HelpRequestTransition, SelfServiceLink, Visit


class TransitionInline(admin.TabularInline):
    model = HelpRequestTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "by_volunteer", "at", "note")


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "category", "urgency", "status", "source", "household", "due_at")
    list_filter = ("status", "category", "urgency", "source")
    raw_id_fields = ("household", "resident", "visit", "owner_volunteer", "owner_team")
    readonly_fields = ("idempotency_key", "access_token_hash", "created_by")
    inlines = [TransitionInline]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "resident", "volunteer", "outcome", "visited_at")
    list_filter = ("outcome",)
    raw_id_fields = ("household", "resident", "volunteer")


@admin.register(SelfServiceLink)
class SelfServiceLinkAdmin(admin.ModelAdmin):
    list_display = ("building", "created_at")
    raw_id_fields = ("building",)
