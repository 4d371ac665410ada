"""Settings come from the environment: SQLite in var/ by default, secrets from *_FILE, secure
cookies and HSTS behind HTTPS; repeated failed logins lock an account out."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

import linli.settings
from linli.testing.scenario import PASSWORD

ENV = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "LINLI_HTTPS",
    "DATABASE_URL",
    "DATABASE_URL_FILE",
    "STATIC_ROOT",
    "ALLOWED_HOSTS",
    "CONN_MAX_AGE",  # `make test` sets it to 0
)


def load_settings(monkeypatch, tmp_path: Path, **env: str) -> ModuleType:
    """A fresh copy of linli/settings.py read with the given environment."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path / "var"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", linli.settings.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_by_default_the_database_is_sqlite_in_the_var_directory(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path)
    assert s.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(s.DATABASES["default"]["NAME"]) == tmp_path / "var" / "linli.sqlite3"
    assert s.DEBUG is False


def test_database_url_selects_postgresql(monkeypatch, tmp_path):
    s = load_settings(
        monkeypatch, tmp_path, DATABASE_URL="postgres://linli:pw@db.internal:5432/linli"
    )
    db = s.DATABASES["default"]
    assert (db["ENGINE"], db["HOST"], db["NAME"], db["USER"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "linli",
        "linli",
    )
    assert db["CONN_MAX_AGE"] == 60


def test_secrets_are_read_from_files(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("k" * 60 + "\n")
    (tmp_path / "db").write_text("postgres://linli:s3cret@127.0.0.1:5432/linli\n")
    s = load_settings(
        monkeypatch,
        tmp_path,
        SECRET_KEY_FILE=str(tmp_path / "key"),
        DATABASE_URL_FILE=str(tmp_path / "db"),
    )
    assert s.SECRET_KEY == "k" * 60
    assert s.DATABASES["default"]["PASSWORD"] == "s3cret"


def test_the_static_root_exists_so_whitenoise_starts_without_a_warning(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path)
    assert tmp_path / "var" / "static" == s.STATIC_ROOT
    assert s.STATIC_ROOT.is_dir()


def test_without_https_cookies_are_http_only_but_not_secure(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path)
    assert s.SESSION_COOKIE_HTTPONLY and s.CSRF_COOKIE_HTTPONLY
    assert not hasattr(s, "SESSION_COOKIE_SECURE")


def test_behind_https_cookies_are_secure_and_hsts_is_on(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path, LINLI_HTTPS="1", SECRET_KEY="x" * 60)
    assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE and s.SECURE_SSL_REDIRECT
    assert s.SESSION_COOKIE_NAME.startswith("__Host-") and s.CSRF_COOKIE_NAME.startswith("__Host-")
    assert s.SECURE_HSTS_SECONDS >= 31_536_000
    assert s.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s.AXES_CLIENT_IP_CALLABLE == "linli.core.audit.client_ip"


def test_https_needs_a_real_secret_key(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, tmp_path, LINLI_HTTPS="1")


def test_without_debug_and_without_a_key_the_key_is_a_throw_away_one(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path)
    # Random for each process, and marked so that `linli check`, runserver and gunicorn refuse
    # to start with it (test_deploy_check.py); never a key written in the repository.
    assert s.SECRET_KEY.startswith("django-insecure-unset-") and len(s.SECRET_KEY) > 60
    assert load_settings(monkeypatch, tmp_path).SECRET_KEY != s.SECRET_KEY
    assert not (tmp_path / "var" / "secret_key").exists()


def test_a_development_key_is_refused_in_one_line(monkeypatch, tmp_path):
    for debug in ("0", "1"):
        with pytest.raises(ImproperlyConfigured, match=r"^SECRET_KEY is a development key[^\n]+$"):
            load_settings(
                monkeypatch,
                tmp_path,
                DEBUG=debug,
                SECRET_KEY="django-insecure-linli-development-key-not-for-production-use",
            )


def test_with_debug_a_random_key_is_kept_under_var(monkeypatch, tmp_path):
    first = load_settings(monkeypatch, tmp_path, DEBUG="1")
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.read_text().strip() == first.SECRET_KEY and len(first.SECRET_KEY) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_settings(monkeypatch, tmp_path, DEBUG="1").SECRET_KEY == first.SECRET_KEY
    # Without DEBUG, the key written under var/ (by `linli demo`) is used too.
    assert load_settings(monkeypatch, tmp_path).SECRET_KEY == first.SECRET_KEY
    elsewhere = load_settings(monkeypatch, tmp_path / "other", DEBUG="1")
    assert elsewhere.SECRET_KEY != first.SECRET_KEY


def login(client: Client, password: str):
    return client.post(reverse("login"), {"username": "kaiwu", "password": password})


def test_repeated_failed_logins_lock_the_account_out_until_reset(scenario, settings):
    client = Client()
    for _ in range(settings.LINLI_LOGIN_FAILURES_PER_LOGIN - 1):
        assert login(client, "wrong-password").status_code == 200  # the form again, with an error
    assert login(client, "wrong-password").status_code == 429  # the last failure allowed locks
    locked = login(client, PASSWORD)
    assert locked.status_code == 429  # the right password no longer helps
    assert "账号已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    call_command("axes_reset", verbosity=0)
    assert login(client, PASSWORD).status_code == 302


def test_behind_the_proxy_each_client_address_is_locked_out_on_its_own(scenario, settings):
    settings.LINLI_BEHIND_PROXY = True
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(settings.LINLI_LOGIN_FAILURES_PER_LOGIN):
        login(attacker, "wrong-password")
    assert login(attacker, PASSWORD).status_code == 429
    clerk = Client(HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert login(clerk, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_a_forged_forwarded_header_does_not_escape_lockout(scenario, settings):
    settings.LINLI_BEHIND_PROXY = False
    for n in range(settings.LINLI_LOGIN_FAILURES_PER_LOGIN):
        login(Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), "wrong-password")
    assert login(Client(HTTP_X_FORWARDED_FOR="198.51.100.7"), PASSWORD).status_code == 429
