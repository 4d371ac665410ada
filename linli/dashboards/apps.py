from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "linli.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from linli.accounts.rules import is_volunteer
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_urls

        register_urls("", "linli.dashboards.urls")
        register_nav("home", _("首页"), audience=~is_volunteer, order=10)
