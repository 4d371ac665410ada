from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicineConfig(AppConfig):
    """The medicine team (配药队): requests, planned runs, card custody, money, labels."""

    name = "linli.medicine"
    label = "medicine"
    verbose_name = _("配药")

    def ready(self) -> None:
        # Declare MEDICINE_ORDER_WORKFLOW for transition().
        from linli.medicine import workflow  # noqa: F401

        self._ready_runner()

    def _ready_runner(self) -> None:
        """The runner's part: its pages (the desk registers the same urls module) and nav.
        The role is asked first, so a staff login's bar costs no query for a team post."""
        from linli.accounts.rules import is_staff, is_town_staff, is_volunteer
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_urls
        from linli.medicine.rules import is_desk, is_runner

        register_urls("medicine/", "linli.medicine.urls")
        register_nav("medicine:runner", _("外场"), audience=is_volunteer & is_runner, order=142)
        register_nav(
            "medicine:reconcile",
            _("查漏补缺"),
            audience=is_town_staff | (is_volunteer & is_desk),
            order=146,
        )
        register_nav("medicine:gate", _("药袋交接"), audience=is_staff, order=148)
