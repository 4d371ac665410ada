"""Account writes: creating logins, issuing and revoking API tokens, auditing sign-ins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from linli.accounts.models import ApiToken, User
from linli.core.audit import audit
from linli.core.models import AuditEntry

if TYPE_CHECKING:
    from linli.places.models import Committee, Town


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    town: Town,
    committee: Committee | None = None,
    created_by: User | None = None,
) -> User:
    """Create a login with a role; committee staff need a committee of the same town."""
    if role not in User.Role.values:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(User.Role.values)}")
    if role == User.Role.COMMITTEE_STAFF and committee is None:
        raise ValueError("committee staff need --committee")
    if committee is not None and committee.town_id != town.pk:
        raise ValueError("the committee belongs to another town")
    if User.objects.filter(username=username).exists():
        raise ValueError(f"user {username!r} already exists")
    user = User.objects.create_user(
        username=username, password=password, role=role, town=town, committee=committee
    )
    audit(user=created_by, action=AuditEntry.Action.CREATE, target=user, summary=f"user {username}")
    return user


@transaction.atomic
def user_set_elder_mode(*, user: User, on: bool, request: HttpRequest | None = None) -> None:
    """Switch the login's elder-friendly pages (适老化: larger type, higher contrast)."""
    User.objects.filter(pk=user.pk).update(elder_mode=on)
    user.elder_mode = on
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=user,
        summary="elder mode " + ("on" if on else "off"),
        request=request,
    )


def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit(user=user, action=AuditEntry.Action.LOGIN, request=request)


def on_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit(user=user, action=AuditEntry.Action.LOGOUT, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username is kept; passwords never reach the log.
    audit(
        user=None,
        action=AuditEntry.Action.LOGIN_FAILED,
        summary=str(credentials.get("username", ""))[:150],
        request=request,
    )


class TooManyTokens(Exception):
    """The user already holds the most live tokens allowed."""


@transaction.atomic
def api_token_issue(*, user: User, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new API token for `user` and its key (shown once). Expired and dead tokens (an old
    password) are cleared first; with `LINLI_API_TOKEN_MAX` live ones left, refuse: silently
    revoking the oldest would let whoever holds the password push the owner's tools out."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time per user
    held = list(ApiToken.objects.select_related("user").filter(user=user))
    dead = [t.pk for t in held if not t.is_live()]
    ApiToken.objects.filter(pk__in=dead).delete()
    limit = settings.LINLI_API_TOKEN_MAX
    if len(held) - len(dead) >= limit:
        raise TooManyTokens(
            f"已有 {limit} 个有效令牌，请先撤销一个"
            f" (you already hold {limit} live tokens; revoke one first)"
        )
    token, key = ApiToken.make(user)
    audit(
        user=user,
        action=AuditEntry.Action.LOGIN,
        target=token,
        summary="api token issued",
        detail={"expires_at": token.expires_at.isoformat()},
        request=request,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Revoke one of `user`'s own tokens (the caller found it among the user's tokens)."""
    if token.user_id != user.pk:
        raise ValueError("a token is revoked only by its owner")
    audit(
        user=user,
        action=AuditEntry.Action.DELETE,
        target=token,
        summary="api token revoked",
        request=request,
    )
    token.delete()
