"""Project-wide pytest fixtures: the base scenario and logged-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.testing.scenario import Scenario, build_scenario


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True
    settings.MEDIA_ROOT = tmp_path / "media"


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
