from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "linli.duty"
    label = "duty"
