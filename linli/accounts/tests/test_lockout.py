"""Lockouts (django-axes): one login tried too often from one address, and many logins tried
from one address, are both refused with the Chinese-first 429 page."""

from __future__ import annotations

import pytest

from linli.testing.scenario import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_many_usernames_from_one_address_are_locked_out(client, scenario, settings):
    settings.LINLI_LOGIN_FAILURES_PER_ADDRESS = 8
    for i in range(7):
        assert log_in(client, f"guess{i}", "wrong", "203.0.113.9").status_code == 200
    assert log_in(client, "guess7", "wrong", "203.0.113.9").status_code == 429
    # Even a right password is refused from that address now, with the lockout page …
    answer = log_in(client, "kaiwu", PASSWORD, "203.0.113.9")
    assert answer.status_code == 429
    html = answer.content.decode()
    assert "尝试次数过多" in html and "too many failed attempts" in html
    assert "_auth_user_id" not in client.session
    # … while the same login from another address works.
    assert log_in(client, "kaiwu", PASSWORD, "198.51.100.7").status_code == 302


def test_one_login_locked_at_one_address_leaves_other_logins_there_alone(
    client, scenario, settings
):
    settings.LINLI_LOGIN_FAILURES_PER_LOGIN = 3
    settings.LINLI_LOGIN_FAILURES_PER_ADDRESS = 20
    for _ in range(3):
        log_in(client, "kaiwu", "wrong", "203.0.113.9")
    assert log_in(client, "kaiwu", PASSWORD, "203.0.113.9").status_code == 429
    # A colleague behind the same office address still signs in.
    assert log_in(client, "lishui", PASSWORD, "203.0.113.9").status_code == 302
