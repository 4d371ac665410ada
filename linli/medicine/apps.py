from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicineConfig(AppConfig):
    """The medicine team (配药队): requests, planned runs, card custody, money, labels."""

    name = "linli.medicine"
    label = "medicine"
    verbose_name = _("配药")

    def ready(self) -> None:
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_urls
        from linli.core.reports import register_report

        # Declare MEDICINE_ORDER_WORKFLOW for transition().
        from linli.medicine import workflow  # noqa: F401
        from linli.medicine.reports import medicine_report
        from linli.medicine.rules import prints_day

        # --- Printing and the day's report (reports) ---
        register_urls("medicine/", "linli.medicine.urls")
        register_report("medicine", medicine_report, title="配药 (medicine team)", dated=True)
        register_nav("medicine:print", _("配药单据"), audience=prints_day, order=145)
