from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from linli.places.demo_logins import DemoLogin
    from linli.places.models import Town


def demo_care_logins(town: Town, password: str) -> list[DemoLogin]:
    """The care app's demo logins; the demo module loads only when a demo is built."""
    from linli.care.demo import demo_care_logins

    return demo_care_logins(town, password)


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"

    def ready(self) -> None:
        from linli.places.demo_logins import register_demo_login_provider

        # After the duty app's provider (INSTALLED_APPS order): visits need the grid's helpers.
        register_demo_login_provider(demo_care_logins)
