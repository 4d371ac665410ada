from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    """Supplies: vetted suppliers, group buys under a committee's rules, package rounds to
    every household, the shared basket and worksites' needs."""

    name = "linli.supplies"
    label = "supplies"
    verbose_name = _("物资")

    def ready(self) -> None:
        _group_buys_ready()


def _group_buys_ready() -> None:
    """Group buys (团购): the workflow, pages, API, nav, the building hub's section."""
    from linli.accounts.rules import is_staff
    from linli.core.context_processors import register_nav
    from linli.core.plugins import register_api_router, register_urls
    from linli.places.hub import register_building_section

    # Declare GROUP_BUY_WORKFLOW for transition().
    from linli.supplies import group_buy_workflow  # noqa: F401
    from linli.supplies.rules import organises_any

    register_urls("supplies/", "linli.supplies.urls")
    register_api_router("/", "linli.supplies.api.router")
    register_nav("supplies:group_buys", _("团购"), audience=is_staff | organises_any, order=150)
    register_building_section(
        "supplies/_group_buy_building.html",
        "linli.supplies.selectors_group_buys.building_group_buys",
        order=40,
    )
