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
        from linli.core.plugins import register_urls

        register_urls("supplies/", "linli.supplies.urls")
        self._ready_suppliers()
        self._ready_group_buys()
        self._ready_rounds()
        # -- daily briefing part --
        from linli.core.reports import register_report
        from linli.supplies.reports_day import supplies_report

        register_report(
            "supplies",
            supplies_report,
            title="物资 (supplies)",
            options=[("date", "日期 YYYY-MM-DD，默认今天 (the day; today without it)")],
        )
        # -- end of the daily briefing part --

    def _ready_suppliers(self) -> None:
        """The suppliers part (issue 11): the registry, vetting, complaints, worksites."""
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.imports import register_importer
        from linli.core.plugins import register_api_router
        from linli.core.reports import register_report

        # Declare SUPPLIER_VETTING_WORKFLOW, COMPLAINT_WORKFLOW, WORKSITE_ORDER_WORKFLOW.
        from linli.supplies import services_suppliers, services_worksites  # noqa: F401
        from linli.supplies.importers.suppliers import SuppliersImporter
        from linli.supplies.reports_suppliers import suppliers_report, suppliers_rows

        register_importer(SuppliersImporter)
        register_demo_login_provider("linli.supplies.demo.demo_supplier_logins")
        register_report(
            "suppliers", suppliers_report, title="供应商 (suppliers)", rows=suppliers_rows
        )
        register_api_router("/", "linli.supplies.api_suppliers.router")
        register_nav("supplies:suppliers", _("供应商"), audience=is_staff, order=150)
        register_nav("supplies:worksites", _("工地需求"), audience=is_staff, order=152)

    def _ready_rounds(self) -> None:
        """Package rounds and the shared basket (the rounds part of issue 11)."""
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.imports import register_importer
        from linli.core.plugins import register_door
        from linli.core.reports import register_report
        from linli.places.hub import register_building_section

        # Declare the workflows for transition(), and the rules.
        from linli.supplies import rules, services_basket, services_rounds  # noqa: F401
        from linli.supplies.importers.deliveries import DeliveriesImporter
        from linli.supplies.selectors_rounds import package_round_report, report_rows

        register_importer(DeliveriesImporter)
        register_door("supplies:basket", _("共享菜篮子：邻居的富余物资"), order=30)
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
            order=45,
        )
        register_nav("supplies:rounds", _("物资发放"), audience=is_staff, order=156)

    def _ready_group_buys(self) -> None:
        """Group buys (团购): the workflow, pages, API, nav, the building hub's section."""
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_api_router, register_door, register_waiting
        from linli.places.hub import register_building_section

        # Declare GROUP_BUY_WORKFLOW for transition().
        from linli.supplies import group_buy_workflow  # noqa: F401

        register_api_router("/", "linli.supplies.api.router")
        register_nav("supplies:group_buys", _("团购"), audience=is_staff, order=154)
        # An organiser (a volunteer) finds their group buys on 我的任务, not in their bar.
        register_waiting("linli.supplies.selectors_group_buys.waiting")
        register_door("supplies:group_buy_door", _("小区团购：下单、查看订单"), order=20)
        register_building_section(
            "supplies/_group_buy_building.html",
            "linli.supplies.selectors_group_buys.building_group_buys",
            order=40,
        )
