from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from linli.places.models import Town


def registry_report(*, town: Town, user: Any = None) -> dict[str, Any]:
    """`linli report registry`: the registry's figures for the town."""
    from linli.places.selectors import registry_figures

    return registry_figures(user=user, town=town)


class PlacesConfig(AppConfig):
    name = "linli.places"
    label = "places"

    def ready(self) -> None:
        from linli.accounts.models import User
        from linli.accounts.roles import register_login_role
        from linli.accounts.rules import is_staff, is_town_staff, is_volunteer
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.imports import register_importer
        from linli.core.plugins import register_api_router, register_urls
        from linli.core.reports import register_report
        from linli.places import transfers  # noqa: F401  (declares TRANSFER_WORKFLOW)
        from linli.places.importers import PlacesImporter, ResidentsImporter
        from linli.places.logins import committee_staff_places, town_staff_places

        register_importer(PlacesImporter)
        register_importer(ResidentsImporter)
        register_urls("places/", "linli.places.urls")
        register_api_router("/", "linli.places.api.router")
        register_nav("places:committees", _("居委"), audience=is_staff, order=20)
        # A volunteer's residents are on 我的包干 (duty:mine).
        register_nav("places:residents", _("居民"), audience=~is_volunteer, order=30)
        register_nav("places:import", _("导入"), audience=is_staff, order=40)
        register_nav("places:transfers", _("迁入确认"), audience=is_town_staff, order=60)
        register_report("registry", registry_report, title="人口登记 (registry)")
        # The staff's demo logins come first: places' ready() runs before the other apps'.
        register_demo_login_provider("linli.places.demo_logins.staff_logins")
        register_login_role(User.Role.TOWN_STAFF, town_staff_places)
        register_login_role(User.Role.COMMITTEE_STAFF, committee_staff_places)
