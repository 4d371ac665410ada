from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"
