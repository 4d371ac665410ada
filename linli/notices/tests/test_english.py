"""The notices pages in English: no Chinese left but the data (names, titles, texts)."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.care.selfservice import self_service_link
from linli.core.tests.test_i18n import english, english_client_for, get_english, leftover_chinese
from linli.testing.notices import channel, sent

pytestmark = pytest.mark.django_db


def _left(html: str, *data: str) -> list[str]:
    for value in sorted(data, key=len, reverse=True):
        html = html.replace(value, "")
    return leftover_chinese(html)


def test_the_senders_pages_are_in_english(world):
    robot = channel(world, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=en")
    n = sent(world)
    data = (n.title, n.body, robot.name)
    client = english_client_for(world, "kaiwu")
    for url, words in [
        ("/notices/", ["Notices", "New notice", "Group robots"]),
        ("/notices/new/?template=zone", ["Notice template", "Sent to", "Save", "Urgency"]),
        (f"/notices/{n.pk}/", ["Who has read", "Remind the unread", "Withdraw"]),
        ("/notices/robots/", ["Add a group robot", "Webhook address"]),
        (f"/notices/robots/{robot.pk}/", ["Delivery log", "Switch off"]),
    ]:
        html = get_english(client, url)
        assert _left(html, *data) == [], url
        for word in words:
            assert word in html, (url, word)


def test_a_volunteers_and_a_households_pages_are_in_english(world):
    n = sent(world)
    client = english_client_for(world, "alice")
    for url, word in (("/notices/mine/", "Unread"), (f"/notices/{n.pk}/", ">Read<")):
        html = get_english(client, url)
        assert _left(html, n.title, n.body) == [], url
        assert word in html
    token = self_service_link(user=None, building=world.b1).token
    html = get_english(english(Client()), f"/notices/door/{token}/")
    assert _left(html, n.title, n.body) == []
    assert "Our household has read it" in html
