"""适老化: larger type and higher contrast, switched in the top bar and kept with the login."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import AuditEntry
from linli.testing.scenario import PASSWORD

pytestmark = pytest.mark.django_db


def html_tag(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return html[html.index("<html") : html.index(">", html.index("<html")) + 1]


def log_in(username: str) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_elder_mode_is_switched_on_the_page_and_kept_across_logins(scenario):
    client = log_in("kaiwu")
    page = reverse("places:residents")
    assert 'class="elder"' not in html_tag(client, page)
    assert 'name="elder" value="on"' in client.get(page).content.decode()  # the switch is there
    back = client.post(reverse("elder_mode"), {"elder": "on", "next": page})
    assert back.status_code == 302 and back["Location"] == page
    assert 'class="elder"' in html_tag(client, page)
    client.post(reverse("logout"))

    again = log_in("kaiwu")  # another session, another day
    assert 'class="elder"' in html_tag(again, page)
    assert 'class="elder"' not in html_tag(log_in("town"), reverse("home"))  # per login
    again.post(reverse("elder_mode"), {"elder": "off", "next": page})
    assert 'class="elder"' not in html_tag(again, page)
    assert AuditEntry.objects.filter(username="kaiwu", summary="elder mode on").count() == 1


def test_the_switch_goes_back_only_to_this_site(scenario):
    client = log_in("kaiwu")
    answer = client.post(reverse("elder_mode"), {"elder": "on", "next": "https://evil.example/"})
    assert answer["Location"] == reverse("home")


def test_the_switch_is_a_post_for_a_logged_in_user(client, scenario):
    assert client.post(reverse("elder_mode"), {"elder": "on"})["Location"].startswith(
        reverse("login")
    )
    assert log_in("kaiwu").get(reverse("elder_mode")).status_code == 405
