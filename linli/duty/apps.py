from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from linli.places.demo_logins import DemoLogin
    from linli.places.models import Town


def demo_grid_logins(town: Town, password: str) -> list[DemoLogin]:
    """The grid's demo logins; the demo module loads only when a demo is built, not at the
    start of every command."""
    from linli.duty.demo import demo_grid_logins

    return demo_grid_logins(town, password)


class DutyConfig(AppConfig):
    name = "linli.duty"
    label = "duty"
    verbose_name = _("包干")

    def ready(self) -> None:
        from linli.core.access import register_scope_provider
        from linli.core.imports import register_importer
        from linli.core.reports import register_report

        # Declare CLAIM_WORKFLOW and VOLUNTEER_WORKFLOW for transition().
        from linli.duty import claims, volunteer_workflow  # noqa: F401
        from linli.duty.coverage import duty_coverage_report, report_rows
        from linli.duty.importers import IMPORTERS
        from linli.duty.scope import duty_scope
        from linli.duty.services import volunteer_transfer_apply
        from linli.places.demo_logins import register_demo_login_provider
        from linli.places.models import TransferRequest
        from linli.places.transfers import register_transfer_kind

        register_scope_provider(duty_scope)
        for importer in IMPORTERS:
            register_importer(importer)
        register_demo_login_provider(demo_grid_logins)
        register_transfer_kind(TransferRequest.Kind.VOLUNTEER, volunteer_transfer_apply)
        register_report(
            "duty-coverage",
            duty_coverage_report,
            title="包干覆盖 (duty coverage)",
            rows=report_rows,
        )
