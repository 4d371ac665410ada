"""Account reads: a user's API tokens, and the user a bearer key stands for."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from linli.accounts.models import ApiToken, User, hash_token

TOKEN_USE_RESOLUTION = dt.timedelta(minutes=5)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's live tokens, newest first (dead ones are not worth showing)."""
    found = ApiToken.objects.unexpired().filter(user=user).select_related("user")
    return [t for t in found.order_by("-created_at", "-pk") if t.is_live()]


def token_of(user: User, pk: int) -> ApiToken:
    """One of the user's live tokens; another user's, or a dead one, is a 404."""
    found = next((t for t in tokens_of(user) if t.pk == pk), None)
    if found is None:
        raise Http404
    return found


def token_by_key(key: str) -> ApiToken | None:
    """The live token with this key, noting its use to the nearest few minutes."""
    found = ApiToken.objects.unexpired().select_related("user").filter(key_hash=hash_token(key))
    token = found.first()
    if token is None or not token.is_live():
        return None
    now = timezone.now()
    # A write per request would queue every API read behind an import's write lock on
    # SQLite; the last use is only needed to the nearest few minutes.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
