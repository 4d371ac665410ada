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
        from linli.core.plugins import (
            register_api_router,
            register_door,
            register_urls,
            register_waiting,
        )
        from linli.core.reports import register_report

        # Declare MEDICINE_ORDER_WORKFLOW for transition().
        from linli.medicine import workflow  # noqa: F401
        from linli.medicine.importers import IMPORTERS
        from linli.medicine.reports import medicine_report
        from linli.medicine.rules import works_desk
        from linli.places.hub import register_building_section

        for importer in IMPORTERS:
            register_importer(importer)
        register_urls("medicine/", "linli.medicine.urls")
        register_api_router("/", "linli.medicine.api.router")
        register_building_section(
            "medicine/_building.html", "linli.medicine.selectors.building_medicine", order=30
        )
        register_demo_login_provider("linli.medicine.demo.demo_medicine_logins")
        register_report(
            "medicine",
            medicine_report,
            title="配药 (medicine team)",
            options=[("date", "日期 YYYY-MM-DD，默认今天 (the day; today without it)")],
        )
        # The role is asked first, so a staff login's bar costs no query for a team post. A
        # runner's day is on their landing page, 我的任务, not in their one-row bar.
        register_waiting("linli.medicine.selectors.waiting")
        register_door("medicine:ask", _("配药登记：代配常用药"), order=10)
        register_nav("medicine:desk", _("配药"), audience=works_desk, order=140)
        # The desk's own pages (plan, prints, the evening check, money) are in its sub-bar;
        # committee staff print their hand-over lists and receive bags at the gate.
        register_nav("medicine:print", _("配药单据"), audience=is_staff, order=145)
        register_nav("medicine:gate", _("药袋交接"), audience=is_staff, order=148)
