"""POST /api/v1/auth/token and bearer tokens."""

import json

import pytest

from linli.accounts.models import ApiToken, hash_token
from linli.core.models import AuditEntry
from linli.testing.scenario import PASSWORD

URL = "/api/v1/auth/token"


def ask(client, body, **extra):
    return client.post(URL, json.dumps(body), content_type="application/json", **extra)


@pytest.mark.django_db
def test_a_good_password_gets_a_token_that_works(client, scenario):
    response = ask(client, {"username": "kaiwu", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 32
    stored = ApiToken.objects.get(user=scenario.users["kaiwu"])
    assert stored.key_hash == hash_token(token) and token not in stored.key_hash
    entry = AuditEntry.objects.get(action="login", username="kaiwu")
    assert entry.ip_address == "10.9.8.7"
    listed = client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listed.status_code == 200 and listed.json()["count"] == 4
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"username": "kaiwu", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_401_and_audited(client, scenario, body):
    response = ask(client, body)
    assert response.status_code == 401
    assert "wrong username or password" in response.json()["detail"]
    assert not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(action="login_failed", summary=body["username"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"username": "kaiwu"}, {"password": PASSWORD}, []])
def test_missing_fields_are_422_with_a_reason(client, scenario, body):
    response = ask(client, body)
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.django_db
def test_malformed_json_is_a_4xx(client, scenario):
    response = client.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
def test_an_inactive_users_password_and_token_stop_working(client, scenario):
    token = ApiToken.issue(scenario.users["kaiwu"])
    scenario.users["kaiwu"].is_active = False
    scenario.users["kaiwu"].save()
    assert ask(client, {"username": "kaiwu", "password": PASSWORD}).status_code == 401
    response = client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_with_a_4xx(client, scenario, settings):
    settings.LINLI_LOGIN_FAILURES_PER_LOGIN = 3
    for _ in range(3):
        ask(client, {"username": "kaiwu", "password": "wrong"})
    response = ask(client, {"username": "kaiwu", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("尝试次数过多")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_token_is_not_a_session(client, scenario):
    token = ask(client, {"username": "kaiwu", "password": PASSWORD}).json()["token"]
    page = client.get("/places/residents/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert page.status_code == 302


@pytest.mark.django_db
def test_a_token_records_its_last_use_without_a_write_per_request(client, scenario):
    key = ask(client, {"username": "kaiwu", "password": PASSWORD}).json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/residents/", **headers).status_code == 200
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    assert client.get("/api/v1/residents/", **headers).status_code == 200
    assert ApiToken.objects.get().last_used_at == first
