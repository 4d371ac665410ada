"""POST /api/v1/auth/token: trade a username and password for a bearer token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from linli.accounts.models import ApiToken
from linli.core.api import errors
from linli.core.audit import audit
from linli.core.models import AuditEntry

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut, **errors(401, 429)})
def token(request: HttpRequest, credentials: Credentials) -> dict[str, str]:
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise HttpError(401, "用户名或密码错误 (wrong username or password)")
    audit(user=user, action=AuditEntry.Action.LOGIN, summary="api token", request=request)  # type: ignore[arg-type]
    return {"token": ApiToken.issue(user)}  # type: ignore[arg-type]
