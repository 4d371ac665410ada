"""Writing the audit log. Every service that writes, reveals, exports or imports calls `audit()`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from linli.core.models import AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy in deploy/ the real address is the last X-Forwarded-For hop;
    # without one, that header is the client's own word and is ignored.
    forwarded = (
        request.META.get("HTTP_X_FORWARDED_FOR", "")
        if getattr(settings, "LINLI_BEHIND_PROXY", False)
        else ""
    )
    ip = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def audit(
    *,
    user: User | None,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    town_id: int | None = None,
) -> AuditEntry:
    """Record one event. Never put full ID or phone numbers in summary or detail."""
    if user is not None and not user.is_authenticated:
        user = None
    if town_id is None:
        town_id = getattr(target, "town_id", None) or getattr(user, "town_id", None)
    return AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        town_id=town_id,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        detail=detail or {},
        ip_address=client_ip(request),
    )
