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
        # --- The runner's part: pages (the desk registers the same urls module), nav ---
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_urls
        from linli.core.reports import register_report
        from linli.medicine import workflow  # noqa: F401
        from linli.medicine.reports import medicine_report
        from linli.medicine.rules import is_runner, team_office

        register_urls("medicine/", "linli.medicine.urls")
        register_nav("medicine:runner", _("外场"), audience=is_runner, order=142)
        register_nav("medicine:reconcile", _("查漏补缺"), audience=team_office, order=146)
        register_nav("medicine:gate", _("药袋交接"), audience=is_staff, order=148)

        # --- Printing and the day's report (reports) ---
        register_report("medicine", medicine_report, title="配药 (medicine team)", dated=True)
        # Committee staff print their hand-over lists there too.
        register_nav("medicine:print", _("配药单据"), audience=team_office | is_staff, order=145)
