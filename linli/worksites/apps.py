from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksitesConfig(AppConfig):
    """Worksites (工地): worker rosters, the site board, closed-loop transport, permits, crews
    lent to the street."""

    name = "linli.worksites"
    label = "worksites"
    verbose_name = _("工地")

    def ready(self) -> None:
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.imports import register_importer
        from linli.core.plugins import register_urls
        from linli.core.reports import register_report

        # Declare TRANSPORT_WORKFLOW for transition(), and the rules.
        from linli.worksites import rules, workflow  # noqa: F401
        from linli.worksites.importers import IMPORTERS
        from linli.worksites.selectors import report_rows, worksites_report

        register_urls("worksites/", "linli.worksites.urls")
        register_demo_login_provider("linli.worksites.demo.demo_worksite_logins")
        register_nav("worksites:list", _("工地"), audience=is_staff, order=158)
        for importer in IMPORTERS:
            register_importer(importer)
        register_report("worksites", worksites_report, title="工地 (worksites)", rows=report_rows)
