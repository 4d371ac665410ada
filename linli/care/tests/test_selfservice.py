"""Resident self-service: the poster's page, the per-request status link, privacy and abuse."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from linli.care import selfservice
from linli.care.forms import normalise_room
from linli.care.models import HelpRequest
from linli.care.selfservice import self_service_link
from linli.core.ratelimit import Limit
from linli.core.workflow import transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask_url(grid):
    link = self_service_link(user=grid.users["alice"], building=grid.b1)
    return reverse("care:ask", args=[link.token])


def form_token(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page.context["form"]["form_token"].value()


def submit(client, url, **fields):
    body = {
        "room": "101",
        "phone": "13800000000",
        "category": "supplies",
        "urgency": "today",
        "description": "家里没有米了",
        **fields,
    }
    body.setdefault("form_token", form_token(client, url))
    return client.post(url, body)


def status_path(response):
    return re.search(r'href="(/care/status/[A-Za-z0-9_-]+/)"', response.content.decode()).group(1)


def test_a_resident_asks_for_help_and_follows_it(grid, ask_url):
    resident = Client()
    done = submit(resident, ask_url)
    assert done.status_code == 200
    assert "已收到您的求助" in done.content.decode()
    hr = HelpRequest.objects.get()
    assert (hr.source, hr.household, hr.resident, hr.contact_phone) == (
        "self_service",
        grid.households["b1_101"],
        None,
        "13800000000",
    )
    assert hr.created_by is None
    path = status_path(done)
    assert len(path.split("/")[3]) >= 43
    assert resident.get(path).status_code == 200
    assert 'data-status="new"' in resident.get(path).content.decode()
    # The building leader sees it in her queue, takes it on and finishes it.
    transition(hr, "accepted", by=grid.users["alice"])
    transition(hr, "done", by=grid.users["alice"])
    page = resident.get(path).content.decode()
    assert 'data-status="done"' in page
    assert "艾志愿者" in page and "艾丽丝" not in page


def test_a_matching_phone_links_the_resident_without_saying_so(grid, ask_url):
    matched = submit(Client(), ask_url, phone="138 1234 5678")  # 张三丰 of 101
    unmatched = submit(Client(), ask_url, phone="13800000001")
    first, second = HelpRequest.objects.order_by("id")
    assert first.resident == grid.residents["zhang"] and second.resident is None
    for page in (matched, unmatched):
        text = page.content.decode()
        assert "张三丰" not in text and "13812345678" not in text


def test_rooms_must_exist_in_the_posters_building(grid, ask_url):
    for room in ("999", "201"):  # 201 is in 2号楼, not 1号楼
        refused = submit(Client(), ask_url, room=room)
        assert refused.status_code == 400
        assert selfservice.REFUSED_ZH in refused.content.decode()
    assert not HelpRequest.objects.exists()
    assert normalise_room(" １０１室 ") == "101"
    assert submit(Client(), ask_url, room="１０１室").status_code == 200


def test_an_unknown_room_gets_the_same_neutral_answer_as_a_stale_form(grid, ask_url):
    client = Client()
    unknown_room = submit(client, ask_url, room="999")
    submit(client, ask_url, form_token="same-form-token-0123456789")
    stale = submit(client, ask_url, room="102", form_token="same-form-token-0123456789")
    assert unknown_room.status_code == stale.status_code == 400

    def errors(page):
        return page.context["form"].non_field_errors()

    assert errors(unknown_room) == errors(stale)
    assert "室号" in str(errors(unknown_room)) and "没有这个室号" not in str(errors(unknown_room))


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345"), ("category", "haircut"), ("description", ""), ("room", "")],
)
def test_bad_input_is_a_clear_400(grid, ask_url, field, value):
    response = submit(Client(), ask_url, **{field: value})
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


def test_a_double_tap_creates_one_request_with_one_link(grid, ask_url):
    client = Client()
    token = form_token(client, ask_url)
    first = submit(client, ask_url, form_token=token)
    second = submit(client, ask_url, form_token=token)
    assert HelpRequest.objects.count() == 1
    assert status_path(first) == status_path(second)
    # The same form token with someone else's phone gets nothing.
    other = submit(client, ask_url, form_token=token, phone="13900009999")
    assert other.status_code == 400 and "/care/status/" not in other.content.decode()
    assert HelpRequest.objects.count() == 1


def test_a_status_link_opens_only_its_own_request(grid, ask_url):
    mine = status_path(submit(Client(), ask_url, description="我的"))
    theirs = status_path(submit(Client(), ask_url, room="102", description="别人的"))
    page = Client().get(mine).content.decode()
    assert "我的" in page and "别人的" not in page
    token = mine.split("/")[3]
    for guess in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token[:-2],
        "x" * 43,
        "../" + token,
    ):
        assert Client().get(f"/care/status/{guess}/").status_code == 404
    # Request ids give nothing to a visitor without a login.
    hr = HelpRequest.objects.get(description="别人的")
    anonymous = Client().get(reverse("care:request", args=[hr.pk]))
    assert anonymous.status_code == 302 and "别人的" not in anonymous.content.decode()
    assert Client().get(f"/api/v1/help-requests/{hr.pk}/").status_code == 401
    assert "别人的" in Client().get(theirs).content.decode()


def test_the_status_page_shows_no_one_elses_data(grid, ask_url):
    path = status_path(submit(Client(), ask_url, phone="13812345678"))
    hr = HelpRequest.objects.get()
    transition(hr, "accepted", by=grid.users["alice"])
    page = Client().get(path)
    text = page.content.decode()
    for secret in ("张三丰", "13812345678", "138****5678", "艾丽丝", "alice", "kaiwu"):
        assert secret not in text, secret
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


def test_unknown_poster_tokens_are_404(grid):
    for token in ("nope", "x" * 32, "a" * 200):
        assert Client().get(reverse("care:ask", args=[token])).status_code == 404


def test_guessing_links_is_rate_limited_per_address_but_a_valid_link_always_opens(grid, ask_url):
    good = status_path(submit(Client(), ask_url))
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    limit = selfservice.LOOKUP_MISSES_PER_ADDRESS.count
    for i in range(limit):
        assert guesser.get(f"/care/status/{'g' * 40}{i:03d}/").status_code == 404
    assert guesser.get(f"/care/status/{'g' * 43}/").status_code == 429
    assert guesser.get(f"/care/ask/{'g' * 43}/").status_code == 429
    # A neighbour behind the same address (the compound's Wi-Fi) still opens real links.
    assert guesser.get(good).status_code == 200
    assert guesser.get(ask_url).status_code == 200
    assert submit(guesser, ask_url, phone="13811110000").status_code == 200


def test_a_bad_neighbour_cannot_lock_the_building_out(grid, ask_url, monkeypatch):
    # Two rooms here; let each take more than a day's five to show the address is no limit.
    monkeypatch.setattr(selfservice, "SUBMIT_PER_ROOM", Limit("test:room", 100, 3600))
    shared = Client(REMOTE_ADDR="203.0.113.10")  # the whole building behind one address
    limit = selfservice.SUBMIT_MISSES.count
    for i in range(limit):
        assert submit(shared, ask_url, room=f"9{i:02d}").status_code == 400
    refused = submit(shared, ask_url, room="998")
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    # Right answers from that address are neither refused nor counted.
    for i in range(12):
        room = ("101", "102")[i % 2]
        assert submit(shared, ask_url, phone=f"1380000{i:04d}", room=room).status_code == 200
    # The misses count for this poster only: the next building's poster is unaffected.
    other = reverse("care:ask", args=[self_service_link(user=None, building=grid.b2).token])
    assert submit(shared, other, room="999").status_code == 400


def test_submissions_are_limited_per_phone_and_per_room(grid, ask_url):
    per_phone = selfservice.SUBMIT_PER_PHONE.count
    for i in range(per_phone):
        assert (
            submit(
                Client(REMOTE_ADDR=f"10.0.0.{i}"), ask_url, room=("101", "102")[i % 2]
            ).status_code
            == 200
        )
    over = submit(Client(REMOTE_ADDR="10.0.1.1"), ask_url, room="102")
    assert over.status_code == 429 and "上限" in over.content.decode()
    assert HelpRequest.objects.count() == per_phone
    # 101 has had 3 of its 5; two more phones, then the room itself is full.
    made = HelpRequest.objects.filter(household=grid.households["b1_101"]).count()
    # Refused submissions (no such room) count against no phone and no room.
    assert submit(Client(REMOTE_ADDR="10.0.1.2"), ask_url, room="999", phone="13900000000")
    for i in range(selfservice.SUBMIT_PER_ROOM.count - made):
        assert (
            submit(Client(REMOTE_ADDR=f"10.0.2.{i}"), ask_url, phone=f"1390000{i:04d}").status_code
            == 200
        )
    assert submit(Client(REMOTE_ADDR="10.0.3.1"), ask_url, phone="13700000000").status_code == 429


def test_large_bodies_are_refused(grid, ask_url):
    response = submit(Client(), ask_url, description="长" * 6000)
    assert response.status_code == 413
    assert not HelpRequest.objects.exists()


def test_csrf_protection_stays_on(grid, ask_url):
    client = Client(enforce_csrf_checks=True)
    token = form_token(client, ask_url)
    body = {
        "room": "101",
        "phone": "13800000000",
        "category": "other",
        "urgency": "normal",
        "description": "x",
        "form_token": token,
    }
    assert client.post(ask_url, body).status_code == 403
    body["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    assert client.post(ask_url, body).status_code == 200
