from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from linli.accounts import services

        signals.user_logged_in.connect(services.on_logged_in, dispatch_uid="linli-login")
        signals.user_logged_out.connect(services.on_logged_out, dispatch_uid="linli-logout")
        signals.user_login_failed.connect(
            services.on_login_failed, dispatch_uid="linli-login-failed"
        )
