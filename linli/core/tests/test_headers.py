"""Pages and API answers are never stored by browsers or proxies, and pages carry a
Content-Security-Policy that allows only this site; static files keep their caching."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from linli.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_of_a_login_are_not_stored(client_for, scenario):
    client = client_for("kaiwu")
    for url in [
        reverse("home"),
        reverse("places:residents"),
        reverse("places:resident", args=[scenario.residents["zhang"].pk]),
        reverse("tokens"),
    ]:
        answer = client.get(url)
        assert answer.status_code == 200 and no_store(answer), url
    export = client.get(reverse("places:export", args=["residents"]))
    assert export.status_code == 200 and no_store(export)


def test_api_answers_are_not_stored(client, scenario):
    key = ApiToken.issue(scenario.users["kaiwu"])
    answer = client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200 and no_store(answer)
    refused = client.get("/api/v1/residents/")
    assert refused.status_code == 401 and no_store(refused)


def test_static_files_keep_their_caching(client):
    answer = client.get("/static/linli/linli.css")
    assert answer.status_code == 200 and not no_store(answer)


def test_pages_allow_scripts_and_styles_only_from_this_site(client_for, client):
    for answer in (client.get(reverse("login")), client_for("kaiwu").get(reverse("home"))):
        policy = answer["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src" not in policy and "unsafe-eval" not in policy


def test_templates_hold_no_inline_scripts_or_handlers():
    """What the policy would refuse: <script> without src (JSON data blocks are data, not
    scripts) and on…= attributes."""
    inline_script = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    for path in settings.BASE_DIR.rglob("templates/**/*.html"):
        text = path.read_text()
        found += [f"{path.name}: {m.group(0)}" for m in inline_script.finditer(text)]
        found += [f"{path.name}: {m.group(0)}" for m in handler.finditer(text)]
    assert not found
