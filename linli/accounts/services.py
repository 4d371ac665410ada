"""Account writes: creating logins, and auditing sign-ins."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from linli.accounts.models import User
from linli.core.audit import audit
from linli.core.models import AuditEntry
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
