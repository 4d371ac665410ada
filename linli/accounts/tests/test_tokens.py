"""API tokens expire, die with the password or the account, are listed and revoked by their
owner (API and page), and a user holds only a few live ones."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.core.models import AuditEntry
from linli.testing.scenario import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
TOKENS_URL = "/api/v1/auth/tokens"


def issue(client, username="kaiwu", password=PASSWORD):
    return client.post(
        TOKEN_URL,
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def works(client, key: str) -> bool:
    status = client.get("/api/v1/residents/", **bearer(key)).status_code
    assert status in (200, 401)
    return status == 200


def test_a_token_expires_after_the_configured_days(client, scenario, settings):
    settings.LINLI_API_TOKEN_DAYS = 30
    answer = issue(client)
    assert answer.status_code == 200
    key = answer.json()["token"]
    stored = ApiToken.objects.get()
    assert abs(stored.expires_at - stored.created_at - dt.timedelta(days=30)).total_seconds() < 1
    assert answer.json()["expires_at"]
    assert works(client, key)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert not works(client, key)


def test_the_token_lifetime_comes_from_settings(client, scenario, settings):
    settings.LINLI_API_TOKEN_DAYS = 2
    issue(client)
    stored = ApiToken.objects.get()
    assert abs(stored.expires_at - stored.created_at - dt.timedelta(days=2)).total_seconds() < 1


def test_changing_the_password_stops_every_token(client, scenario):
    key = issue(client).json()["token"]
    assert works(client, key)
    user = scenario.users["kaiwu"]
    user.set_password("a-new-password-2026")
    user.save()
    assert not works(client, key)
    # A token issued with the new password works.
    assert works(client, issue(client, password="a-new-password-2026").json()["token"])


def test_deactivating_the_account_stops_its_tokens(client, scenario):
    key = issue(client).json()["token"]
    user = scenario.users["kaiwu"]
    user.is_active = False
    user.save()
    assert not works(client, key)


def test_a_user_lists_only_their_own_tokens_without_keys(client, scenario):
    key = issue(client).json()["token"]
    issue(client)
    issue(client, username="lishui")
    answer = client.get(TOKENS_URL, **bearer(key))
    assert answer.status_code == 200
    listed = answer.json()
    mine = ApiToken.objects.filter(user=scenario.users["kaiwu"])
    assert sorted(t["id"] for t in listed) == sorted(mine.values_list("id", flat=True))
    assert [t for t in listed if t["current"]] and all("expires_at" in t for t in listed)
    text = answer.content.decode()
    assert key not in text and all(t.key_hash not in text for t in ApiToken.objects.all())


def test_listing_tokens_needs_a_token(client, scenario):
    answer = client.get(TOKENS_URL)
    assert answer.status_code == 401 and answer.json()["detail"]


def test_a_user_revokes_a_token_and_it_stops_working(client, scenario):
    first = issue(client).json()["token"]
    second_answer = issue(client).json()
    answer = client.delete(f"{TOKENS_URL}/{second_answer['id']}", **bearer(first))
    assert answer.status_code == 204
    assert not works(client, second_answer["token"])
    assert works(client, first)
    entry = AuditEntry.objects.get(action="delete", target_type="accounts.apitoken")
    assert entry.username == "kaiwu" and entry.target_id == str(second_answer["id"])


def test_a_user_revokes_the_token_they_use(client, scenario):
    answer = issue(client).json()
    revoked = client.delete(f"{TOKENS_URL}/{answer['id']}", **bearer(answer["token"]))
    assert revoked.status_code == 204
    assert not works(client, answer["token"])


@pytest.mark.parametrize("other", ["other user's", "unknown", "huge"])
def test_revoking_a_token_that_is_not_yours_is_404(client, scenario, other):
    key = issue(client).json()["token"]
    others = issue(client, username="lishui").json()
    target = {"other user's": others["id"], "unknown": 999_999, "huge": 2**70}[other]
    answer = client.delete(f"{TOKENS_URL}/{target}", **bearer(key))
    assert answer.status_code in (404, 422) and answer.json()["detail"]
    assert works(client, others["token"])


def test_issuing_is_audited_with_the_token(client, scenario):
    answer = issue(client).json()
    entry = AuditEntry.objects.get(action="login", username="kaiwu")
    assert entry.target_type == "accounts.apitoken" and entry.target_id == str(answer["id"])


def test_a_user_holds_at_most_five_live_tokens(client, scenario, settings):
    settings.LINLI_API_TOKEN_MAX = 5
    keys = [issue(client).json() for _ in range(5)]
    refused = issue(client)
    assert refused.status_code == 409
    assert "5" in refused.json()["detail"] and "revoke" in refused.json()["detail"]
    assert ApiToken.objects.count() == 5
    assert all(works(client, k["token"]) for k in keys)
    client.delete(f"{TOKENS_URL}/{keys[0]['id']}", **bearer(keys[1]["token"]))
    assert issue(client).status_code == 200


def test_expired_and_stale_tokens_do_not_count_against_the_limit(client, scenario, settings):
    settings.LINLI_API_TOKEN_MAX = 2
    issue(client)
    issue(client)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert issue(client).status_code == 200
    assert ApiToken.objects.count() == 1  # the expired ones were cleared away


# The page: /accounts/tokens/


def test_the_tokens_page_lists_and_revokes_own_tokens(client, client_for, scenario):
    mine = issue(client).json()
    issue(client, username="lishui")
    page = client_for("kaiwu")
    answer = page.get("/")
    assert b'href="/accounts/tokens/"' in answer.content
    listing = page.get("/accounts/tokens/")
    assert listing.status_code == 200
    assert len(listing.context["tokens"]) == 1
    revoked = page.post(f"/accounts/tokens/{mine['id']}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"] == "/accounts/tokens/"
    assert not works(client, mine["token"])
    assert AuditEntry.objects.filter(action="delete", target_id=str(mine["id"])).exists()


def test_the_tokens_page_cannot_revoke_another_users_token(client, client_for, scenario):
    others = issue(client, username="lishui").json()
    answer = client_for("kaiwu").post(f"/accounts/tokens/{others['id']}/revoke/")
    assert answer.status_code == 404
    assert works(client, others["token"])


def test_the_tokens_page_needs_a_login(client, scenario):
    assert client.get("/accounts/tokens/").status_code == 302
    assert client.post("/accounts/tokens/1/revoke/").status_code == 302


def test_the_tokens_page_is_in_english(client, client_for, scenario):
    import re

    from linli.core.tests.test_i18n import LANGUAGE_SWITCH, english

    issue(client)
    page = english(client_for("kaiwu"))
    html = page.get("/accounts/tokens/").content.decode().replace(LANGUAGE_SWITCH, "")
    assert "Revoke" in html and "valid for 30 days" in html
    assert not re.findall(r"[\u3400-\u9fff]", html)
