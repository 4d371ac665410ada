"""The audit log: a read-only page for town staff, read-only in the admin."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.places.models import Town

URL = "/audit/"


@pytest.fixture
def entries(scenario):
    kaiwu, town_user = scenario.users["kaiwu"], scenario.users["town"]
    audit(user=kaiwu, action="export", summary="residents (4)", detail={"rows": 4})
    audit(user=kaiwu, action="reveal", target=scenario.residents["zhang"], summary="phone")
    audit(user=town_user, action="update", summary="by town")
    other = Town.objects.create(name="海湾镇")
    audit(user=None, action="import", summary="other town", town_id=other.pk)


def usernames(response):
    return [e.username for e in response.context["table"].data]


@pytest.mark.django_db
def test_town_staff_read_their_towns_log(client_for, entries):
    response = client_for("town").get(URL)
    assert response.status_code == 200
    # the page's own client logged in too: that login is in the log as well
    assert sorted(usernames(response)) == ["kaiwu", "kaiwu", "town", "town"]
    assert "other town" not in response.content.decode()


@pytest.mark.django_db
def test_filter_by_action_user_and_date(client_for, entries):
    town = client_for("town")
    assert usernames(town.get(URL, {"action": "reveal"})) == ["kaiwu"]
    assert usernames(town.get(URL, {"username": "TOWN", "action": "update"})) == ["town"]
    today = dt.date.today()
    assert len(usernames(town.get(URL, {"since": today - dt.timedelta(days=1)}))) == 4
    assert usernames(town.get(URL, {"until": today - dt.timedelta(days=2)})) == []
    bad = town.get(URL, {"since": "yesterday"})
    assert bad.status_code == 400 and usernames(bad) == []


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["kaiwu", "charlie"])
def test_others_cannot_find_the_log(client_for, entries, username):
    assert client_for(username).get(URL).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, entries):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_only_town_staff_have_the_link(client_for, entries):
    assert 'href="/audit/"' in client_for("town").get("/").content.decode()
    assert 'href="/audit/"' not in client_for("kaiwu").get("/").content.decode()


@pytest.mark.django_db
def test_the_admin_cannot_change_the_log(client, entries):
    from linli.accounts.models import User

    client.force_login(User.objects.create_superuser("root", password="x"))
    entry = AuditEntry.objects.filter(action="export").first()
    assert client.get("/admin/core/auditentry/").status_code == 200
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"summary": "edited"})
    entry.refresh_from_db()
    assert entry.summary == "residents (4)"
    client.post(
        "/admin/core/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_admin_pages_of_the_registry_open(client, scenario):
    from linli.accounts.models import User

    client.force_login(User.objects.create_superuser("root", password="x"))
    for model in [
        "places/resident",
        "places/committee",
        "places/building",
        "accounts/user",
        "places/residentchange",
        "accounts/apitoken",
    ]:
        assert client.get(f"/admin/{model}/").status_code == 200, model
    page = client.get(f"/admin/places/resident/{scenario.residents['zhang'].pk}/change/")
    assert page.status_code == 200
    assert scenario.residents["zhang"].id_number not in page.content.decode()
    listing = client.get("/admin/places/resident/").content.decode()
    assert "138****5678" in listing and "13812345678" not in listing
