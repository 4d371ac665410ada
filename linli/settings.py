"""One settings module, driven by environment variables (secrets may come from `NAME_FILE`)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from linli.core.secret_key import DEVELOPMENT, is_development_key, local_key, unset_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("LINLI_VAR_DIR", PROJECT_DIR / "var"))


def env(name: str, default: str = "") -> str:
    """Read a setting from NAME, or from the file named by NAME_FILE (for secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# LINLI_HTTPS=1 marks a production deployment behind the TLS proxy of deploy/nginx.
HTTPS = env_bool("LINLI_HTTPS", False)
# SECRET_KEY (or SECRET_KEY_FILE) in production. Otherwise the random key `linli demo` (or
# a DEBUG run) keeps under var/; with neither, a throw-away random key on which the checks,
# runserver and gunicorn refuse to start (linli/core/secret_key.py). No development default.
LINLI_SECRET_KEY_PATH = VAR_DIR / "secret_key"
SECRET_KEY = env("SECRET_KEY")
if is_development_key(SECRET_KEY):
    raise ImproperlyConfigured(DEVELOPMENT)
if HTTPS and not SECRET_KEY:
    raise ImproperlyConfigured("LINLI_HTTPS=1 needs SECRET_KEY or SECRET_KEY_FILE")
SECRET_KEY = SECRET_KEY or local_key(LINLI_SECRET_KEY_PATH, create=DEBUG) or unset_key()
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "linli.core",
    "linli.accounts",
    "linli.places",
    "linli.duty",
    "linli.care",
    "linli.medicine",
    "linli.supplies",
    "linli.screening",
    "linli.worksites",
    "linli.notices",
    "linli.dashboards",
    # Imports each app's rules.py: the rule book of actions (docs/architecture.md, "Rules").
    "rules.apps.AutodiscoverRulesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their caching (linli/core/middleware.py).
    "linli.core.middleware.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "linli.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'linli.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The models core's rows point at, named here as AUTH_USER_MODEL is: core is infrastructure
# and names no app (docs/architecture.md, "Layers"); places owns towns and committees.
LINLI_TOWN_MODEL = "places.Town"
LINLI_COMMITTEE_MODEL = "places.Committee"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# API tokens (docs/operations.md): days until one expires; live tokens one login may hold
# (issuing one more is refused with 409 until one is revoked or expires).
LINLI_API_TOKEN_DAYS = int(env("LINLI_API_TOKEN_DAYS", "30"))
LINLI_API_TOKEN_MAX = int(env("LINLI_API_TOKEN_MAX", "5"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock out a login tried too often from one address, and an address trying many logins
# (django-axes; the two limits are applied by linli.accounts.lockout).
LINLI_LOGIN_FAILURES_PER_LOGIN = int(env("AXES_FAILURE_LIMIT", "5"))
LINLI_LOGIN_FAILURES_PER_ADDRESS = int(env("LINLI_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_FAILURE_LIMIT = "linli.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "id_number", "phone"]
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "linli.accounts.views.lockout"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]  # linli.css and vendor/ (ECharts, built by make install)
# WhiteNoise warns at start-up when STATIC_ROOT is missing (tests, a fresh clone).
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("LINLI_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# Uploaded rosters may be large; they are streamed to a temporary file, never into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
LINLI_IMPORT_MAX_BYTES = 50 * 1024 * 1024
LINLI_IMPORT_MAX_ROWS = 500_000

# Background work (imports, large exports) is queued in the database; `linli worker` runs it
# (docs/operations.md). An export of more rows than this is made by a worker, not the request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LINLI_EXPORT_NOW_ROWS = int(env("LINLI_EXPORT_NOW_ROWS", "2000"))
# Notices: the site's address for links in group robots' messages (https://linli.example.cn),
# and the first wait before a robot's message is tried again (doubling each time).
LINLI_SITE_URL = env("LINLI_SITE_URL", "")
LINLI_ROBOT_BACKOFF_SECONDS = int(env("LINLI_ROBOT_BACKOFF_SECONDS", "30"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only this site: no inline scripts or <style> elements, no other origins (pages;
# linli/core/middleware.py). ECharts sets style attributes on the chart elements it draws:
# attributes only (style-src-attr), which can restyle an element but select or send nothing.
LINLI_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; style-src-attr 'unsafe-inline'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
# Trust X-Forwarded-For only behind the reverse proxy of deploy/ (HTTPS implies it).
LINLI_BEHIND_PROXY = env_bool("LINLI_BEHIND_PROXY", HTTPS and not DEBUG)
AXES_CLIENT_IP_CALLABLE = "linli.core.audit.client_ip"

if HTTPS and not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host, on path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Rate limits (self-service, report-in) count in the cache: a file cache under var/ is shared
# by all the workers of one host.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("LINLI_CACHE_DIR", str(VAR_DIR / "cache")),
    }
}

DJANGO_TABLES2_TEMPLATE = "linli/table.html"
DJANGO_TABLES2_PAGE_RANGE = 5

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Paths in log lines lose their link tokens (linli/core/logs.py).
    "filters": {"link_tokens": {"()": "linli.core.logs.RedactLinkTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "loggers": {
        "django.request": {"filters": ["link_tokens"]},
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["link_tokens"],
            "level": "INFO",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
