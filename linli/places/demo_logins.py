"""Demo logins (示范账号): one per role, made by providers that apps register.

`linli demo` calls every provider with the demo town and the demo password and prints the
logins they return. This module provides town staff and committee staff; an app adds its own
roles from its `AppConfig.ready()`:

    from linli.places.demo_logins import DemoLogin, demo_user, register_demo_login_provider

    def building_leader_logins(town, password):
        user = demo_user(username="leader", password=password, role=..., town=town)
        ...  # give the user a duty
        return [DemoLogin("leader", "楼组长", "香樟苑 3号楼", "/duty/mine/")]

    register_demo_login_provider(building_leader_logins)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from linli.accounts.models import User
from linli.accounts.services import user_create
from linli.places.models import Committee, Town


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # as a user would say it, in Chinese
    sees: str  # what this login's scope covers
    path: str = "/"  # where to start after signing in


DemoLoginProvider = Callable[[Town, str], list[DemoLogin]]
_providers: list[DemoLoginProvider] = []


def register_demo_login_provider(provider: DemoLoginProvider) -> None:
    """Add a provider of demo logins (called from an app's `AppConfig.ready()`)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_demo_login_provider(provider: DemoLoginProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def demo_user(
    *, username: str, password: str, role: str, town: Town, committee: Committee | None = None
) -> User:
    """The demo login `username`, created on the first run; its password is reset on every run."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return user_create(
            username=username, password=password, role=role, town=town, committee=committee
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


# (username, committee name): the committees of the seed article.
COMMITTEE_LOGINS = [("kaiwu", "新凯五村"), ("lishui", "丽水")]


def staff_logins(town: Town, password: str) -> list[DemoLogin]:
    """Town staff, and staff of two committees (the same usernames as the test scenario)."""
    demo_user(username="town", password=password, role=User.Role.TOWN_STAFF, town=town)
    logins = [DemoLogin("town", str(User.Role.TOWN_STAFF.label), f"{town.name}全镇")]
    for username, name in COMMITTEE_LOGINS:
        committee = Committee.objects.filter(town=town, name=name).first()
        if committee is None:
            continue
        demo_user(
            username=username,
            password=password,
            role=User.Role.COMMITTEE_STAFF,
            town=town,
            committee=committee,
        )
        logins.append(DemoLogin(username, str(User.Role.COMMITTEE_STAFF.label), f"{name}居委"))
    return logins


def ensure_demo_logins(town: Town, password: str) -> list[DemoLogin]:
    """Create or refresh every demo login: staff first, then the registered providers'."""
    logins = staff_logins(town, password)
    for provider in _providers:
        logins.extend(provider(town, password))
    return logins
