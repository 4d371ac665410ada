from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def reads_audit_log(user: Any) -> bool:
    return bool(user.has_perm("core.view_auditentry"))


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = "Linli core"

    def ready(self) -> None:
        from linli.core import checks  # noqa: F401 (registers the checks)
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_urls

        register_urls("audit/", "linli.core.urls")
        register_urls("exports/", "linli.core.export_urls")
        register_nav("core:audit_log", _("审计日志"), audience=reads_audit_log, order=50)
