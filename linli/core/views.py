"""The audit log page: town staff read their town's log (nobody edits it); the favicon."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from linli.core.audit_text import target_names
from linli.core.models import AuditEntry
from linli.core.tables import AuditTable, paginate

PER_PAGE = 50


def audit_entries_for(user: Any) -> QuerySet[AuditEntry]:
    """The log entries a user may read: a superuser all, town staff their town's, others none."""
    if user.is_superuser:
        return AuditEntry.objects.all()
    if user.has_perm("core.view_auditentry"):
        return AuditEntry.objects.filter(town_id=user.town_id)
    return AuditEntry.objects.none()


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilter(df.FilterSet):
    action = df.ChoiceFilter(label=_("操作"), choices=AuditEntry.Action.choices)
    username = df.CharFilter(label=_("账号"), field_name="username", lookup_expr="iexact")
    since = df.DateFilter(
        label=_("起始日期"), field_name="created_at", lookup_expr="date__gte", widget=DateInput
    )
    until = df.DateFilter(
        label=_("截止日期"), field_name="created_at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever the page links: the site's icon."""
    return HttpResponsePermanentRedirect(static("linli/icon.svg"))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.view_auditentry"):
        raise Http404
    filterset = AuditFilter(request.GET or None, queryset=audit_entries_for(request.user))
    invalid = filterset.is_bound and not filterset.is_valid()
    rows = filterset.qs if not invalid else AuditEntry.objects.none()
    table = AuditTable(rows, empty_text=_("没有记录"))
    paginate(request, table, PER_PAGE)
    table.names = target_names(request.user, (row.record for row in table.page.object_list))
    context = {"filter": filterset, "table": table}
    return render(request, "core/audit_log.html", context, status=400 if invalid else 200)
