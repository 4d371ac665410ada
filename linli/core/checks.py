"""System checks of Linli's own: `linli check` (and runserver, migrate) refuse to run
without a secret key."""

from __future__ import annotations

from typing import Any

from django.core import checks

from linli.core.secret_key import MISSING, configured_key


@checks.register(checks.Tags.security)
def secret_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if configured_key():
        return []
    return [checks.Error(MISSING, id="linli.E001")]
