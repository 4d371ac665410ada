"""A resident finds their request again on the poster's page, by room and the last 4 digits
of the phone they gave: that one request's status, a neutral answer otherwise, rate-limited;
the copy button on the answer page; one language on the residents' pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linli.care import selfservice
from linli.care.selfservice import self_service_link
from linli.care.tests.test_selfservice import submit

pytestmark = pytest.mark.django_db
NEUTRAL = "没有找到匹配的求助记录"


@pytest.fixture
def ask_url(grid):
    link = self_service_link(user=grid.users["alice"], building=grid.b1)
    return reverse("care:ask", args=[link.token])


def find(client: Client, ask_url: str, room: str, last4: str):
    return client.post(ask_url + "find/", {"room": room, "last4": last4})


def test_a_resident_finds_their_request_by_room_and_last_4_digits(grid, ask_url):
    submit(Client(), ask_url, phone="13800001234", category="medicine", description="降压药")
    submit(Client(), ask_url, room="102", phone="13800005678", description="别人的")
    page = find(Client(), ask_url, "１０１室", "1234")
    text = page.content.decode()
    assert page.status_code == 200
    assert "办理进度" in text and 'data-status="new"' in text and "降压药" in text
    assert "别人的" not in text and "13800001234" not in text


def test_no_match_gets_one_neutral_answer_whether_room_or_phone_is_wrong(grid, ask_url):
    submit(Client(), ask_url, phone="13800001234")
    answers = [
        find(Client(), ask_url, "101", "9999"),  # the room exists, the phone does not match
        find(Client(), ask_url, "999", "1234"),  # no such room
        find(Client(), ask_url, "201", "1234"),  # a room of another building
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert NEUTRAL in answer.content.decode()
        assert "data-status" not in answer.content.decode()
    assert find(Client(), ask_url, "101", "12a4").status_code == 400


def test_finding_is_rate_limited_per_address_and_per_room(grid, ask_url):
    submit(Client(), ask_url, phone="13800001234")
    client = Client()
    for i in range(selfservice.FIND_PER_ADDRESS.count):
        assert find(client, ask_url, f"{900 + i}", "0000").status_code == 200
    assert find(client, ask_url, "101", "1234").status_code == 429  # even the right answer
    # Another address may still look, but one room's endings cannot be walked from many.
    for i in range(selfservice.FIND_PER_ROOM.count):
        walker = Client(REMOTE_ADDR=f"10.0.0.{i + 2}")
        assert find(walker, ask_url, "102", f"{i:04d}").status_code == 200
    assert find(Client(REMOTE_ADDR="10.0.1.1"), ask_url, "102", "0099").status_code == 429
    assert find(Client(REMOTE_ADDR="10.0.1.2"), ask_url, "101", "1234").status_code == 200


def test_the_answer_page_has_a_copy_button_for_the_status_link(grid, ask_url):
    text = submit(Client(), ask_url).content.decode()
    assert 'id="status-url"' in text
    assert 'data-copy="#status-url"' in text and "复制链接" in text
    assert "<script>" not in text and "onclick" not in text


def test_the_residents_pages_speak_one_language(grid, ask_url):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    refused = submit(english, ask_url, room="999")
    text = refused.content.decode()
    assert selfservice.REFUSED_EN in text and selfservice.REFUSED_ZH not in text
    chinese = submit(Client(), ask_url, room="999").content.decode()
    assert selfservice.REFUSED_ZH in chinese and selfservice.REFUSED_EN not in chinese
    bad_phone = submit(Client(), ask_url, phone="12345").content.decode()
    assert "手机号应为11位" in bad_phone and "a mobile number has 11 digits" not in bad_phone
    nothing = find(english, ask_url, "101", "0000").content.decode()
    assert "No request matches" in nothing and NEUTRAL not in nothing
