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
        self._ready_rounds()

    def _ready_rounds(self) -> None:
        """Package rounds and the shared basket (the rounds part of issue 11)."""
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.imports import register_importer
        from linli.core.plugins import register_urls
        from linli.core.reports import register_report
        from linli.places.hub import register_building_section

        # Declare the workflows for transition(), and the rules.
        from linli.supplies import rules, services_basket, services_rounds  # noqa: F401
        from linli.supplies.importers.deliveries import DeliveriesImporter
        from linli.supplies.selectors_rounds import package_round_report, report_rows

        register_urls("supplies/", "linli.supplies.urls")
        register_importer(DeliveriesImporter)
        register_report(
            "package-round",
            package_round_report,
            title="物资发放 (package round)",
            rows=report_rows,
            options=[("round", "发放轮次名称 (the package round's name)")],
        )
        register_building_section(
            "supplies/round_hub_section.html",
            "linli.supplies.selectors_rounds.building_section",
            order=40,
        )
        register_nav("supplies:rounds", _("物资发放"), audience=is_staff, order=150)
