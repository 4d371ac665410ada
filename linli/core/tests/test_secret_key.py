"""`linli demo` writes a random secret key under var/ the first time and uses it afterwards
(the settings tests show there is no key in the repository to fall back on)."""

from __future__ import annotations

import io

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from linli.core.secret_key import unset_key

pytestmark = pytest.mark.django_db


def test_the_demo_writes_a_key_once_and_keeps_it(settings, tmp_path):
    settings.SECRET_KEY = unset_key()
    settings.LINLI_SECRET_KEY_PATH = tmp_path / "var" / "secret_key"
    call_command("demo", "--scale", "0.01", stdout=io.StringIO())
    key = settings.LINLI_SECRET_KEY_PATH.read_text().strip()
    assert len(key) >= 50 and key == django_settings.SECRET_KEY
    assert settings.LINLI_SECRET_KEY_PATH.stat().st_mode & 0o777 == 0o600
    settings.SECRET_KEY = unset_key()
    call_command("demo", "--scale", "0.01", stdout=io.StringIO())
    assert key == django_settings.SECRET_KEY
