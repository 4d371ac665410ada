from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "linli.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from linli.accounts.rules import is_volunteer
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_urls, register_waiting
        from linli.core.reports import register_report
        from linli.dashboards import rules
        from linli.dashboards.briefing import (
            briefing_pdf,
            briefing_text,
            briefing_xlsx,
            daily_report,
        )

        register_urls("", "linli.dashboards.urls")
        register_urls("daily/", "linli.dashboards.urls_daily")
        register_nav("home", _("首页"), audience=~is_volunteer, order=10)
        register_nav("dashboards:daily", _("日报"), audience=rules.briefing_sender, order=12)
        # 我的楼栋 on 我的任务 (a building leader's, a second secretary's landing page).
        register_waiting("linli.dashboards.figures.waiting")
        # The daily briefing: the parts' reports in one (`linli report daily`).
        register_report(
            "daily",
            daily_report,
            title="日报 (daily briefing)",
            options=[("date", "日期 YYYY-MM-DD，默认今天 (the day; today without it)")],
            text=briefing_text,
            xlsx=briefing_xlsx,
            pdf=briefing_pdf,
        )
