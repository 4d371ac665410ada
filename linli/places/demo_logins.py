"""The staff's demo logins (town staff, two committees' staff) and `demo_user`, which any app's
demo login provider uses to make or refresh a login (the registry of providers is
linli/core/demo_logins.py; PlacesConfig.ready registers `staff_logins` first)."""

from __future__ import annotations

from linli.accounts.models import User
from linli.accounts.services import user_create
from linli.core.demo_logins import DemoLogin
from linli.places.models import Committee, Town


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
