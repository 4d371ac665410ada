"""The audit log's table, and paging that every table page shares."""

from __future__ import annotations

import json
from typing import Any

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

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
    created_at = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d H:i:s")
    username = tables.Column(verbose_name=_("账号"), default="—")
    action = tables.Column(verbose_name=_("操作"))
    target = tables.Column(verbose_name=_("对象"), empty_values=(), orderable=False)
    summary = tables.Column(verbose_name=_("摘要"))
    detail = tables.Column(verbose_name=_("详情"), orderable=False)
    ip_address = tables.Column(verbose_name=_("来源地址"))

    class Meta:
        model = AuditEntry
        fields = ("created_at", "username", "action", "target", "summary", "detail", "ip_address")

    def render_target(self, record: AuditEntry) -> str:
        return f"{record.target_type} #{record.target_id}" if record.target_type else "—"

    def render_detail(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False) if value else "—"
