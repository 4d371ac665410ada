"""`linli check --deploy` passes with production settings and flags what is missing otherwise.

Each check runs `python -m linli` in a fresh process, since settings are read once at start.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION = {
    "DEBUG": "0",
    "LINLI_HTTPS": "1",
    "ALLOWED_HOSTS": "linli.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://linli.example.org",
}
CLEARED = (
    "DEBUG",
    "LINLI_HTTPS",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "STATIC_ROOT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in the same worker
    "DATABASE_URL",  # the subprocesses use a new SQLite database under tmp_path
)


def check_deploy(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environ.update(LINLI_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="linli.settings")
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "linli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_secret_key_may_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n")
    result = check_deploy(tmp_path, SECRET_KEY_FILE=str(key_file), **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_https_without_a_secret_key_refuses_to_start(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode != 0
    assert "LINLI_HTTPS=1 needs SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "warning",
    ["security.W004", "security.W008", "security.W009", "security.W012", "security.W016"],
)
def test_the_development_defaults_fail_the_deploy_check(tmp_path, warning):
    result = check_deploy(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert warning in result.stderr


MISSING_KEY = "SECRET_KEY is not set"


def test_without_debug_and_without_a_key_the_server_refuses_to_start(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environ.update(LINLI_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="linli.settings")

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - this Python, our arguments
            [sys.executable, *argv], env=environ, capture_output=True, text=True, timeout=120
        )

    # The deploy check fails in one clear line.
    check = run("-m", "linli", "check", "--deploy")
    assert check.returncode != 0 and MISSING_KEY in check.stderr
    # gunicorn and runserver load linli.wsgi: both refuse (a server that started would not
    # return before the timeout).
    wsgi = run("-c", "import linli.wsgi")
    assert wsgi.returncode != 0
    assert (
        wsgi.stderr.strip()
        .splitlines()[-1]
        .endswith(MISSING_KEY + ": set SECRET_KEY or SECRET_KEY_FILE, or run `linli demo` once")
    )
    server = run("-m", "linli", "runserver", "127.0.0.1:0", "--noreload")
    assert server.returncode != 0 and MISSING_KEY in server.stderr
    # Commands that never serve need no key: migrating a new database works.
    migrate = run("-m", "linli", "migrate", "-v0")
    assert migrate.returncode == 0, migrate.stderr
