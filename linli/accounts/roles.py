"""What each role needs when a login is made from the command line (`linli user add`).

A role's places come from the apps that own them: places registers town staff and committee
staff (a town, a committee), the duty app volunteers (`--volunteer PHONE`). Each registers
from its `AppConfig.ready()`:

    register_login_role(User.Role.VOLUNTEER, volunteer_places, link=link_volunteer_login)

`places(options)` reads the command's options and returns the keyword arguments `user_create`
takes (town, committee), raising `CommandError` for a mistake; `link(options, user)`, when
given, runs after the login is created, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

RolePlaces = Callable[[dict[str, Any]], dict[str, Any]]
LinkLogin = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class LoginRole:
    places: RolePlaces
    link: LinkLogin | None = None


_roles: dict[str, LoginRole] = {}


def register_login_role(role: str, places: RolePlaces, *, link: LinkLogin | None = None) -> None:
    _roles[role] = LoginRole(places, link)


def login_roles() -> dict[str, LoginRole]:
    return dict(_roles)
