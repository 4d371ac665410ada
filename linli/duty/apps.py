from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "linli.duty"
    label = "duty"
    verbose_name = _("包干")

    def ready(self) -> None:

        from linli.accounts.models import User
        from linli.accounts.roles import register_login_role
        from linli.accounts.rules import is_staff, is_volunteer
        from linli.core.access import register_scope_provider
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.imports import register_importer
        from linli.core.plugins import register_api_router, register_urls
        from linli.core.reports import register_report

        # Declare CLAIM_WORKFLOW and VOLUNTEER_WORKFLOW for transition().
        from linli.duty import claims, volunteer_workflow  # noqa: F401
        from linli.duty.coverage import duty_coverage_report, report_rows
        from linli.duty.importers import IMPORTERS
        from linli.duty.logins import link_volunteer_login, volunteer_places
        from linli.duty.scope import duty_scope
        from linli.duty.services import volunteer_transfer_apply
        from linli.places.hub import register_building_section
        from linli.places.models import TransferRequest
        from linli.places.transfers import register_transfer_kind

        register_scope_provider(duty_scope)
        register_building_section(
            "duty/_building_team.html", "linli.duty.selectors.building_team", order=10
        )
        for importer in IMPORTERS:
            register_importer(importer)
        register_demo_login_provider("linli.duty.demo.demo_grid_logins")
        register_transfer_kind(TransferRequest.Kind.VOLUNTEER, volunteer_transfer_apply)
        register_report(
            "duty-coverage",
            duty_coverage_report,
            title="包干覆盖 (duty coverage)",
            rows=report_rows,
        )
        register_login_role(User.Role.VOLUNTEER, volunteer_places, link=link_volunteer_login)
        register_urls("duty/", "linli.duty.urls")
        register_api_router("/", "linli.duty.api.router")
        register_nav("duty:index", _("包干"), audience=is_staff, order=70)
        register_nav("duty:coverage", _("覆盖"), audience=is_staff, order=80)
        register_nav("duty:mine", _("我的包干"), audience=is_volunteer, order=90)
        register_nav("duty:claim", _("认领"), audience=is_volunteer, order=100)
