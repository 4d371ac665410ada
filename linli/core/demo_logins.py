"""Demo logins (示范账号): one per role, made by providers that apps register.

`linli demo` calls every provider, in the order they were registered (INSTALLED_APPS order:
places' staff logins first), with the demo town and the demo password, and prints the logins
they return. An app adds its own roles from its `AppConfig.ready()`:

    from linli.core.demo_logins import DemoLogin, register_demo_login_provider

    def building_leader_logins(town, password):
        user = demo_user(username="leader", password=password, role=..., town=town)
        ...  # give the user a duty
        return [DemoLogin("leader", "楼组长", "香樟苑 3号楼")]  # lands on 我的任务

    register_demo_login_provider("linli.duty.demo.building_leader_logins")

A provider is named by its dotted path, imported when a demo is built: `ready()` runs at the
start of every command and should not load the demo modules. (`demo_user`, which makes or
refreshes one login, is in linli/places/demo_logins.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # as a user would say it, in Chinese
    sees: str  # what this login's scope covers
    path: str = "/"  # where to start after signing in


# (the demo town, the password) → logins; or its dotted path
DemoLoginProvider = Callable[[Any, str], list[DemoLogin]] | str
_providers: list[DemoLoginProvider] = []


def register_demo_login_provider(provider: DemoLoginProvider) -> None:
    """Add a provider of demo logins (called from an app's `AppConfig.ready()`)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_demo_login_provider(provider: DemoLoginProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def ensure_demo_logins(town: Any, password: str) -> list[DemoLogin]:
    """Create or refresh every demo login, provider by provider."""
    logins: list[DemoLogin] = []
    for provider in _providers:
        make = import_string(provider) if isinstance(provider, str) else provider
        logins.extend(make(town, password))
    return logins
