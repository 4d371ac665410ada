from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"

    def ready(self) -> None:
        from linli.care.demo import demo_care_logins
        from linli.places.demo_logins import register_demo_login_provider

        # After the duty app's provider (INSTALLED_APPS order): visits need the grid's helpers.
        register_demo_login_provider(demo_care_logins)
