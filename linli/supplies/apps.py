from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    """Supplies: vetted suppliers, group buys under a committee's rules, package rounds to
    every household, the shared basket and worksites' needs."""

    name = "linli.supplies"
    label = "supplies"
    verbose_name = _("物资")

    def ready(self) -> None:
        pass
