from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksitesConfig(AppConfig):
    """Worksites (工地): worker rosters, the site board, closed-loop transport, permits, crews
    lent to the street."""

    name = "linli.worksites"
    label = "worksites"
    verbose_name = _("工地")
