from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicineConfig(AppConfig):
    """The medicine team (配药队): requests, planned runs, card custody, money, labels."""

    name = "linli.medicine"
    label = "medicine"
    verbose_name = _("配药")

    def ready(self) -> None:
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.imports import register_importer
        from linli.core.plugins import register_api_router, register_urls
        from linli.core.reports import register_report

        # Declare MEDICINE_ORDER_WORKFLOW for transition().
        from linli.medicine import workflow  # noqa: F401
        from linli.medicine.importers import IMPORTERS
        from linli.medicine.reports import medicine_report
        from linli.medicine.rules import is_runner, team_office, works_desk
        from linli.places.hub import register_building_section

        # --- the desk: requests, importers, pages, API, demo logins ---
        for importer in IMPORTERS:
            register_importer(importer)
        register_urls("medicine/", "linli.medicine.urls")
        register_api_router("/", "linli.medicine.api.router")
        register_building_section(
            "medicine/_building.html", "linli.medicine.selectors.building_medicine", order=30
        )
        register_demo_login_provider("linli.medicine.demo.demo_medicine_logins")
        register_nav("medicine:desk", _("配药"), audience=works_desk, order=140)
        # --- The runner's part: the day's page, the evening check, the gate's hand-overs ---
        register_nav("medicine:runner", _("外场"), audience=is_runner, order=142)
        register_nav("medicine:reconcile", _("查漏补缺"), audience=team_office, order=146)
        register_nav("medicine:gate", _("药袋交接"), audience=is_staff, order=148)

        # --- Printing and the day's report (reports) ---
        register_report(
            "medicine",
            medicine_report,
            title="配药 (medicine team)",
            options=[("date", "日期 YYYY-MM-DD，默认今天 (the day; today without it)")],
        )
        # Committee staff print their hand-over lists there too.
        register_nav("medicine:print", _("配药单据"), audience=team_office | is_staff, order=145)
