"""System checks of Linli's own: `linli check --deploy` fails without a secret key.

A deploy check, not one of every command's: migrate, import or a benchmark need no key (they
run on a throw-away one), while every server refuses to start without one, because gunicorn and
runserver both load linli.wsgi, which refuses (see there)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from linli.core.secret_key import MISSING, configured_key


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if configured_key():
        return []
    return [checks.Error(MISSING, id="linli.E001")]
