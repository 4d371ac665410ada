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
        from linli.core.plugins import register_urls

        # Declare the workflows for transition().
        from linli.screening import workflow  # noqa: F401

        register_urls("screening/", "linli.screening.urls")
        # -- desk part --
        self._ready_desk()

        # -- results part --

        # -- coverage part --

    def _ready_desk(self) -> None:
        """The desk part: rounds in the staff's bar, a volunteer's desks on 我的任务."""
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_waiting

        register_nav("screening:rounds", _("核酸筛查"), audience=is_staff, order=160)
        # A volunteer posted at a point reaches its desk from 我的任务, not from their bar.
        register_waiting("linli.screening.selectors_desk.waiting")
        self._ready_coverage()

    def _ready_coverage(self) -> None:
        """Coverage pages, the `round` report, the zone board (the coverage part)."""
        from linli.core.reports import register_report
        from linli.screening.reports import round_report, round_rows

        register_report(
            "round",
            round_report,
            title="检测轮次 (test round)",
            rows=round_rows,
            options=[("round", "检测轮次名称 (the test round's name)")],
        )
        register_nav("screening:coverage_rounds", _("筛查覆盖"), audience=is_staff, order=160)
