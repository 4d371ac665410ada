"""Account pages that Django's auth views don't cover: the lockout answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT = (
    "尝试次数过多，账号已暂时锁定，请15分钟后再试"
    " (too many failed attempts; try again in 15 minutes)"
)


def lockout(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this when an account+address is locked out: 429, Chinese first."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT}, status=429)
    return render(request, "accounts/locked_out.html", {"message": LOCKED_OUT}, status=429)
