from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    """Test rounds (核酸/抗原筛查): sampling with pooled tubes, results, pools' follow-ups,
    cases, zones and coverage."""

    name = "linli.screening"
    label = "screening"
    verbose_name = _("筛查")

    def ready(self) -> None:
        from linli.core.plugins import register_urls

        # Declare the workflows for transition().
        from linli.screening import workflow  # noqa: F401

        register_urls("screening/", "linli.screening.urls")
        # -- desk part --

        # -- results part --
        from linli.core.imports import register_importer
        from linli.screening.importers import (
            AntigenResultsImporter,
            LabResultsImporter,
            SamplesImporter,
        )

        for importer in (SamplesImporter, LabResultsImporter, AntigenResultsImporter):
            register_importer(importer)
        from linli.accounts.rules import is_staff
        from linli.core.context_processors import register_nav
        from linli.core.plugins import register_door

        register_door("screening:antigen", _("抗原结果上报"), order=40)
        register_nav("screening:follow_ups", _("混管追踪"), audience=is_staff, order=162)
        register_nav("screening:cases", _("病例"), audience=is_staff, order=163)

        # -- coverage part --
