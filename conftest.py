"""Project-wide pytest fixtures: the base scenario and logged-in clients."""

from __future__ import annotations

import os
import signal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.management.commands import db_worker

from linli.testing.scenario import Scenario, build_scenario

CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config: pytest.Config) -> None:
    """Without chromium, one line says what to install, not an error per browser test."""
    if not os.access(CHROMIUM, os.X_OK) and "not browser" not in (config.option.markexpr or ""):
        raise pytest.UsageError(
            f"浏览器测试需要 Debian 的 chromium（{CHROMIUM}）：运行 make test 自动安装，"
            "或 apt-get install chromium，或加 -m 'not browser' "
            f"(the browser tests need Debian's chromium at {CHROMIUM}: `make test` installs it)"
        )


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A configured key, as a deployment has: a clean clone has no var/secret_key, and commands
    # run in-process would otherwise meet the missing-key check (tested in subprocesses).
    settings.SECRET_KEY = "linli-tests-" + "k" * 50
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Locmem caches live as long as the process: rate-limit counts must not carry over from the
    # test before.
    from django.core.cache import cache

    cache.clear()
    # Tasks run at once, in the request that enqueues them; test_tasks.py runs a real worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class DatabaseQueue:
    """The production task backend (django-tasks-db); `work()` runs `linli worker` until the
    queue is empty, in this process and this test's transaction: like the test client, it keeps
    the connection open (a real worker closes old ones between tasks) and leaves the signal
    handlers as they were."""

    def work(self, *args: str) -> str:
        out = StringIO()
        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
        saved = {sig: signal.getsignal(sig) for sig in signals}
        try:
            with mock.patch(f"{db_worker.__name__}.close_old_connections"):
                call_command("worker", "--batch", "--no-startup-delay", *args, stdout=out)
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
        return out.getvalue()


@pytest.fixture
def database_queue(settings) -> DatabaseQueue:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return DatabaseQueue()


@pytest.fixture
def scenario(db) -> Scenario:
    return build_scenario()


@pytest.fixture
def client_for(scenario):
    """client_for("kaiwu") → a Client logged in as that scenario user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(scenario.users[username])
        return client

    return make


@pytest.fixture
def browser_page(live_server, transactional_db):
    """A phone-width (360 px) page in Debian's headless chromium, with `page.base` the server URL.

    Playwright's sync API runs an event loop in this thread; the Django ORM calls that tests make
    around it are still synchronous, hence DJANGO_ALLOW_ASYNC_UNSAFE.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="zh-CN", device_scale_factor=2
        )
        page = context.new_page()
        page.base = live_server.url  # type: ignore[attr-defined]
        # Every browser test also proves the pages work under the Content-Security-Policy:
        # chromium reports each refused script, style or handler on the console.
        violations: list[str] = []
        page.csp_violations = violations  # type: ignore[attr-defined]

        def note_violation(message) -> None:
            if "Content Security Policy" in message.text:
                violations.append(f"{page.url}: {message.text} {message.location}")

        page.on("console", note_violation)
        try:
            yield page
            assert not violations, violations
        finally:
            context.close()
            browser.close()
            # ORM calls made inside playwright's context get connections of their own; close
            # them here, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()
