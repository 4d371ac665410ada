"""The `suppliers` report (`linli report suppliers --town NAME`): the registry's figures today,
and which suppliers cannot be used and why (supplier names are businesses', not people's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from linli.places.models import Town
from linli.supplies.models import Complaint, Supplier
from linli.supplies.vetting import supplier_problem

EXPIRING_DAYS = 7


def suppliers_report(*, town: Town, user: Any = None, day: dt.date | None = None) -> dict[str, Any]:
    """Counts by vetting status, usable today, papers expiring within a week, open complaints,
    and the blocked suppliers with their reasons."""
    day = day or timezone.localdate()
    found = Supplier.objects.filter(town=town)
    if user is not None:
        found = found & Supplier.objects.visible_to(user)
    suppliers = list(found.prefetch_related("papers").order_by("name"))
    soon = day + dt.timedelta(days=EXPIRING_DAYS)
    blocked = []
    expiring = []
    for supplier in suppliers:
        problem = supplier_problem(supplier, day)
        if problem is not None:
            blocked.append({"name": supplier.name, "reason": problem.zh, "reason_en": problem.en})
        elif any(
            p.expires_on is not None and day <= p.expires_on < soon for p in supplier.papers.all()
        ):
            expiring.append(supplier.name)
    complaints = Complaint.objects.filter(town=town, status=Complaint.Status.OPEN)
    if user is not None:
        complaints = complaints & Complaint.objects.visible_to(user)
    return {
        "town": town.name,
        "day": day.isoformat(),
        "suppliers": len(suppliers),
        "vetting": {
            status: sum(1 for s in suppliers if s.vetting == status)
            for status in Supplier.Vetting.values
        },
        "usable": len(suppliers) - len(blocked),
        "blocked": len(blocked),
        "papers_expiring_7_days": len(expiring),
        "open_complaints": complaints.count(),
        "blocked_list": blocked,
        "expiring_list": expiring,
    }


def suppliers_rows(figures: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The xlsx layout: one row per figure, then one per blocked supplier with its reason."""
    rows: list[list[Any]] = []
    for key, value in figures.items():
        if key in ("blocked_list", "expiring_list"):
            continue
        if isinstance(value, dict):
            rows.extend([f"{key}.{name}", v, ""] for name, v in value.items())
        else:
            rows.append([key, value, ""])
    rows.extend(["blocked_supplier", b["name"], b["reason"]] for b in figures["blocked_list"])
    rows.extend(["expiring_supplier", name, ""] for name in figures["expiring_list"])
    return ["key", "value", "reason"], rows
