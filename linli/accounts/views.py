"""Account pages that Django's auth views don't cover: the lockout answer, one's API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts import selectors, services
from linli.core.http import user_of

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


@login_required
@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """The top bar's 适老化 switch: remembered with the login, back to the page it was on."""
    services.user_set_elder_mode(
        user=user_of(request), on=request.POST.get("elder") == "on", request=request
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    return redirect(back)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """接口令牌: the user's live API tokens, each with a button to revoke it."""
    context = {
        "tokens": selectors.tokens_of(user_of(request)),
        "token_days": settings.LINLI_API_TOKEN_DAYS,
        "token_max": settings.LINLI_API_TOKEN_MAX,
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    services.api_token_revoke(user=user, token=selectors.token_of(user, pk), request=request)
    messages.success(request, _("已撤销令牌"))
    return redirect("tokens")
