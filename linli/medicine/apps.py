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
