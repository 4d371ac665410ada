from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "linli.dashboards"
    label = "dashboards"
