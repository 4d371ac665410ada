"""WSGI entry point for gunicorn."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from linli.core.secret_key import MISSING, configured_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
application = get_wsgi_application()
# Sessions, CSRF and keyed links need the key: without one, refuse to serve at all.
if not configured_key():
    raise ImproperlyConfigured(MISSING)
