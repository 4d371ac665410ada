"""API tokens: POST /api/v1/auth/token trades a username and password for a bearer token;
GET /api/v1/auth/tokens lists the caller's live tokens; DELETE /api/v1/auth/tokens/{id}
revokes one. Every status these answer is in the schema, with its body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from linli.accounts import selectors, services
from linli.accounts.models import User
from linli.core.api import Id, errors
from linli.core.http import user_of

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    id: int
    expires_at: dt.datetime


class TokenInfo(Schema):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    current: bool


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, **errors(401, 409, 429)},
)
def token(request: HttpRequest, credentials: Credentials) -> Any:
    """A bearer token (valid `LINLI_API_TOKEN_DAYS` days). 409 when the user already holds
    `LINLI_API_TOKEN_MAX` live tokens; 429 when repeated failures locked the login out."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if not isinstance(user, User):
        raise HttpError(401, "用户名或密码错误 (wrong username or password)")
    try:
        made, key = services.api_token_issue(user=user, request=request)
    except services.TooManyTokens as exc:
        raise HttpError(409, str(exc)) from exc
    return {"token": key, "id": made.pk, "expires_at": made.expires_at}


@router.get("/tokens", response={200: list[TokenInfo]})
def tokens(request: HttpRequest) -> Any:
    """The caller's live tokens, newest first; `current` marks the one making this request."""
    current = getattr(request, "api_token", None)
    return [
        {
            "id": t.pk,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "current": current is not None and t.pk == current.pk,
        }
        for t in selectors.tokens_of(user_of(request))
    ]


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **errors(404)},
)
def revoke(request: HttpRequest, token_id: Id) -> Any:
    """Revoke one of the caller's tokens (the one in use too); another user's token is 404."""
    user = user_of(request)
    services.api_token_revoke(user=user, token=selectors.token_of(user, token_id), request=request)
    return Status(204, None)
