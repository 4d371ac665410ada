from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices (通知) with read receipts (已读回执), templates, and group robots (群机器人)."""

    name = "linli.notices"
    label = "notices"
    verbose_name = _("通知")

    def ready(self) -> None:
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.demo_logins import register_demo_login_provider
        from linli.core.plugins import register_door, register_urls, register_waiting

        # Declare NOTICE_WORKFLOW for transition().
        from linli.notices import workflow  # noqa: F401

        register_urls("notices/", "linli.notices.urls")
        register_demo_login_provider("linli.notices.demo.demo_notice_logins")
        # A volunteer's unread notices are on 我的任务, not in their one-row bar.
        register_waiting("linli.notices.selectors.waiting")
        register_door("notices:door", _("通知公告"), order=5)
        register_nav("notices:list", _("通知"), audience=is_staff, order=165)
