from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"

    def ready(self) -> None:
        import rules

        from linli.accounts.rules import is_volunteer
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.plugins import register_api_router, register_urls
        from linli.places.hub import register_building_section

        # After the duty app's provider (INSTALLED_APPS order): visits need the grid's helpers.
        register_demo_login_provider("linli.care.demo.demo_care_logins")
        register_urls("care/", "linli.care.urls")
        register_building_section(
            "care/_building.html", "linli.care.selectors.building_care", order=20
        )
        register_api_router("/", "linli.care.api.router")
        register_nav("care:tasks", _("我的任务"), audience=is_volunteer, order=110)
        # 我的任务 lists a volunteer's other queues with what waits in them: no 诉求 for them.
        register_nav("care:index", _("诉求"), audience=~is_volunteer, order=120)
        register_nav("care:visits", _("走访"), audience=rules.always_true, order=130)
        # The day in figures (the daily briefing's care part).
        from linli.care.reports import care_report
        from linli.core.reports import register_report

        register_report(
            "care",
            care_report,
            title="关爱 (care)",
            options=[("date", "日期 YYYY-MM-DD，默认今天 (the day; today without it)")],
        )
