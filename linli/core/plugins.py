"""Where apps plug their pages and their API into the project.

Each app registers, from its `AppConfig.ready()`, its URL module under a prefix and its API
router; `linli/urls.py` and `linli/api.py` read them, so neither lists the apps:

    register_urls("duty/", "linli.duty.urls")
    register_api_router("/", "linli.duty.api.router")

Both take dotted paths, loaded when the URLs or the API are first built, so `ready()` (run at
the start of every command) imports neither views nor schemas. Registration order is
INSTALLED_APPS order; it is the order of the API's paths in its schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

_urls: dict[str, str] = {}  # prefix → URL module
_routers: dict[str, str] = {}  # router's dotted path → prefix


def register_urls(prefix: str, module: str) -> None:
    """Serve the URL module `module` (with its `app_name`) under `prefix` ("duty/")."""
    _urls[prefix] = module


def register_api_router(prefix: str, router: str) -> None:
    """Mount the django-ninja router at the dotted path `router` under /api/v1/`prefix`."""
    _routers[router] = prefix


def url_modules() -> list[tuple[str, str]]:
    """(prefix, URL module) in registration order."""
    return list(_urls.items())


def api_routers() -> list[tuple[str, Any]]:
    """(prefix, router) in registration order, the routers imported."""
    return [(prefix, import_string(path)) for path, prefix in _routers.items()]


# Work waiting for a login outside the help-request queues (a runner's run today, the desk's
# requests to verify), listed on 我的任务, a volunteer's landing page. A provider is a dotted
# path to a function of the user returning (label, URL, counts) rows, counts having `.open`
# and `.overdue`; it asks the user's role first, so a login with no such work costs no query.
_waiting: list[str] = []


def register_waiting(provider: str) -> None:
    """List what the provider at the dotted path finds waiting for a login on 我的任务."""
    if provider not in _waiting:
        _waiting.append(provider)


def waiting_for(user: Any) -> list[tuple[str, str, Any]]:
    """Every registered provider's rows for the user, in registration order."""
    return [row for path in _waiting for row in import_string(path)(user)]


# Pages of other apps a resident reaches from a building's self-service poster (care's
# /care/ask/<token>/, the building's one door): a medicine request, group buys, the shared
# basket. Each is a URL name taking the poster's token, shown as a button under the form.
_doors: list[tuple[int, str, Any]] = []


def register_door(url_name: str, label: Any, *, order: int = 100) -> None:
    """Add a button to the building's self-service page: `url_name` takes the poster token."""
    if url_name not in [name for _, name, _ in _doors]:
        _doors.append((order, url_name, label))
        _doors.sort(key=lambda door: door[0])


def doors() -> list[tuple[str, Any]]:
    """(URL name, label) of the registered doors, in order."""
    return [(name, label) for _, name, label in _doors]
