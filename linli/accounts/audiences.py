"""Who sees a top-bar link (`linli.core.context_processors.register_nav`): predicates of a
signed-in login, by role."""

from __future__ import annotations

from typing import Any

from linli.accounts.models import User


def everyone(user: Any) -> bool:
    return True


def staff(user: Any) -> bool:
    """Town and committee staff (and a superuser)."""
    return bool(user.is_staff_role)


def town_staff(user: Any) -> bool:
    return bool(user.is_superuser or user.role == User.Role.TOWN_STAFF)


def volunteers(user: Any) -> bool:
    return bool(user.role == User.Role.VOLUNTEER)
