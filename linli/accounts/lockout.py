"""How many failed logins django-axes allows before a lockout, per login and per address.

Axes counts failures for each set in `AXES_LOCKOUT_PARAMETERS` (username + address, and the
address alone) and compares the largest count with one limit; the address's count is always
the largest. So the limit depends on the pair: once the login tried has failed
`LINLI_LOGIN_FAILURES_PER_LOGIN` times from this address it is locked at once, otherwise the
address may fail `LINLI_LOGIN_FAILURES_PER_ADDRESS` times in all (an office behind one
address holds many honest typists; a guesser trying many usernames is stopped there).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def failure_limit(request: HttpRequest, credentials: Any = None) -> int:
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    per_login = attempts[0].aggregate(n=Sum("failures_since_start"))["n"] or 0
    if per_login >= settings.LINLI_LOGIN_FAILURES_PER_LOGIN:
        return 1  # already reached by the address's count, which includes these failures
    return int(settings.LINLI_LOGIN_FAILURES_PER_ADDRESS)
