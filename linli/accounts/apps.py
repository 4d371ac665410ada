from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.core.access import Scope


def role_scope(user: User, scope: Scope) -> None:
    """What the role itself grants (town staff a town, committee staff a committee)."""
    user.role_scope(scope)


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from linli.accounts import services
        from linli.core.access import register_scope_provider
        from linli.core.plugins import register_api_router, register_urls

        signals.user_logged_in.connect(services.on_logged_in, dispatch_uid="linli-login")
        signals.user_logged_out.connect(services.on_logged_out, dispatch_uid="linli-logout")
        signals.user_login_failed.connect(
            services.on_login_failed, dispatch_uid="linli-login-failed"
        )
        register_scope_provider(role_scope)
        register_urls("accounts/", "linli.accounts.urls")
        register_api_router("/auth/", "linli.accounts.api.router")
