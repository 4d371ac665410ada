from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    """Test rounds (核酸/抗原筛查): sampling with pooled tubes, results, pools' follow-ups,
    cases, zones and coverage."""

    name = "linli.screening"
    label = "screening"
    verbose_name = _("筛查")

    def ready(self) -> None:
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.imports import register_importer
        from linli.core.plugins import register_door, register_urls, register_waiting
        from linli.core.reports import register_report

        # Declare the workflows for transition().
        from linli.screening import workflow  # noqa: F401
        from linli.screening.importers import (
            AntigenResultsImporter,
            LabResultsImporter,
            SamplesImporter,
        )
        from linli.screening.reports import round_report, round_rows
        from linli.screening.reports_day import screening_report

        register_urls("screening/", "linli.screening.urls")
        # One entry in the staff's bar: the rounds page leads to coverage, pools, cases and
        # the zone board through the app's own sub-bar (screening/_subnav.html).
        register_nav("screening:rounds", _("核酸筛查"), audience=is_staff, order=160)
        # A volunteer posted at a point reaches its desk from 我的任务, not from their bar.
        register_waiting("linli.screening.selectors_desk.waiting")
        register_demo_login_provider("linli.screening.demo.demo_screening_logins")
        register_door("screening:antigen", _("抗原结果上报"), order=40)
        for importer in (SamplesImporter, LabResultsImporter, AntigenResultsImporter):
            register_importer(importer)
        register_report(
            "round",
            round_report,
            title="检测轮次 (test round)",
            rows=round_rows,
            options=[("round", "检测轮次名称 (the test round's name)")],
        )
        register_report(
            "screening",
            screening_report,
            title="筛查日报 (screening, one day)",
            options=[("date", "日期 YYYY-MM-DD，默认今天 (the day; today without it)")],
        )
