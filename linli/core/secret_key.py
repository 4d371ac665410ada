"""The secret key when none is configured: a random one kept in `$LINLI_VAR_DIR/secret_key`.

There is no development key in the repository: a published key would let anyone forge
sessions and derive keyed link tokens (a resident's status link). With DEBUG on the settings
make the file on first use; with DEBUG off only `linli demo` makes it. Without a key the
process gets a random throw-away one (`unset_key()`: commands that never serve, like
collectstatic or the tests, still run), which `linli check`, runserver and gunicorn
(linli/wsgi.py) treat as missing: they refuse to start.

Imported by linli/settings.py: nothing here may load Django's settings at import.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MISSING = "SECRET_KEY is not set: set SECRET_KEY or SECRET_KEY_FILE, or run `linli demo` once"
DEVELOPMENT = (
    "SECRET_KEY is a development key (django-insecure-…): use a random one,"
    ' e.g. python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
)


# Django's own prefix for keys not to deploy; `check --deploy` flags it (security.W009).
INSECURE = "django-insecure-"
UNSET = INSECURE + "unset-"


def is_development_key(key: str) -> bool:
    return key.startswith(INSECURE)


def unset_key() -> str:
    """A random key for one process that has none configured; it counts as no key."""
    return UNSET + secrets.token_urlsafe(50)


def local_key(path: Path, *, create: bool) -> str:
    """The key in `path`; if there is none and `create`, a new random one written there
    (owner-only). Two processes starting at once agree on the first one written."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        if not create:
            return ""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


def configured_key() -> str:
    """The running settings' key, or "" when it is a throw-away or development key."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        key = str(settings.SECRET_KEY)
    except ImproperlyConfigured:  # an empty key
        return ""
    return "" if is_development_key(key) else key
