"""The audit log's table, and paging that every table page shares."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from linli.core.audit_text import describe
from linli.core.models import AuditEntry


def paginate(request: HttpRequest, table: tables.Table, per_page: int) -> None:
    """Sort the table by ?sort= and show ?page= (the first for junk, the last past the end)."""
    RequestConfig(request, paginate=False).configure(table)
    try:
        table.paginate(page=request.GET.get("page", 1), per_page=per_page)
    except PageNotAnInteger:
        table.paginate(page=1, per_page=per_page)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=per_page)


class AuditTable(tables.Table):
    """The log as sentences (linli.core.audit_text); `names` are the page's targets' names."""

    created_at = tables.DateTimeColumn(
        verbose_name=_("时间"), format="Y-m-d H:i", attrs={"td": {"class": "audit-time"}}
    )
    event = tables.Column(
        verbose_name=_("事件"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "audit-event"}},
    )
    ip_address = tables.Column(
        verbose_name=_("来源地址"), attrs={"th": {"class": "audit-ip"}, "td": {"class": "audit-ip"}}
    )

    names: dict[tuple[str, str], str] = {}

    class Meta:
        model = AuditEntry
        fields = ("created_at", "event", "ip_address")

    def render_event(self, record: AuditEntry) -> str:
        line = describe(record, self.names)
        facts = format_html_join(
            "", '<span class="audit-fact">{}</span>', ((f,) for f in line.facts)
        )
        return format_html('<span class="audit-sentence">{}</span>{}', line.sentence, facts)
