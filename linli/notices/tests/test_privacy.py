"""No personal data in any outbound message: every payload sent to the robots (WeCom, DingTalk,
Feishu; notices to every kind of scope, templates' titles, reminders) is scanned for each
scenario resident's and volunteer's name, phone, ID number and room."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from linli.duty.models import Duty, Team, Volunteer
from linli.notices import fill, services
from linli.notices.models import Delivery, Notice
from linli.places.models import Household, Resident
from linli.screening.models import ZoneAssignment
from linli.testing.notices import channel, robot_server, sent
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy

pytestmark = pytest.mark.django_db

OK = (200, {"errcode": 0, "code": 0, "errmsg": "ok"})
S = Notice.Scope


def _forbidden() -> list[tuple[str, re.Pattern[str]]]:
    """Every personal value of the scenario, as a pattern (rooms: not inside a longer number)."""
    values: list[tuple[str, re.Pattern[str]]] = []
    for r in Resident.objects.all():
        for v in (r.name, r.phone, r.id_number):
            if v:
                values.append((v, re.compile(re.escape(v))))
    for v in Volunteer.objects.all():
        for value in (v.name, v.phone, v.id_number):
            if value:
                values.append((value, re.compile(re.escape(value))))
    for room in set(Household.objects.values_list("room", flat=True)):
        values.append((room, re.compile(rf"(?<!\d){re.escape(room)}(?!\d)")))
    return values


def _outbound(requests: list[tuple[str, dict]]) -> list[str]:
    """Each request as text: its path without the signature (a digest, no data) and its body."""
    texts = []
    for path, body in requests:
        body = {k: v for k, v in body.items() if k != "sign"}
        texts.append(re.sub(r"sign=[^&]*", "sign=", path) + json.dumps(body, ensure_ascii=False))
    return texts


def test_no_outbound_message_names_a_person_a_room_an_id_or_a_phone(world):
    team = Team.objects.get(committee=world.kaiwu, function=Team.Function.DELIVERY)
    gb = make_group_buy(group_buy_world(world))
    zone = ZoneAssignment.objects.create(
        town=world.town,
        compound=world.xiangzhang,
        zone="controlled",
        effective_from=dt.date(2026, 12, 7),
        ruleset="2022-4",
    )
    with (
        robot_server(OK) as wecom,
        robot_server(OK, path="/robot/send?access_token=T") as ding,
        robot_server(OK, path="/open-apis/bot/v2/hook/x") as feishu,
    ):
        town_channels = [
            channel(world, wecom.url, by="town", committee=None, name="镇企业微信群"),
            channel(
                world, ding.url, "dingtalk", "SECx", by="town", committee=None, name="镇钉钉群"
            ),
            channel(world, feishu.url, "feishu", "fs", by="town", committee=None, name="镇飞书群"),
        ]
        kaiwu_channel = channel(world, wecom.url)
        plans = [
            ("town", {"scope": S.TOWN, "building": None}, town_channels),
            ("kaiwu", {"scope": S.COMMITTEE, "committee": world.kaiwu, "building": None}, []),
            ("kaiwu", {"scope": S.COMPOUND, "compound": world.xiangzhang, "building": None}, []),
            ("kaiwu", {}, []),
            ("lishui", {"building": world.lb1}, []),
            ("kaiwu", {"scope": S.WORKSITE, "compound": world.extras.site, "building": None}, []),
            (
                "kaiwu",
                {"scope": S.TEAM, "team": team, "building": None, "for_residents": False},
                [],
            ),
            (
                "town",
                {
                    "scope": S.DUTY_KIND,
                    "duty_kind": Duty.Kind.BUILDING_LEADER,
                    "building": None,
                    "for_residents": False,
                },
                town_channels,
            ),
            ("kaiwu", {"title": fill.fill(world.users["kaiwu"], "group_buy", gb.pk).title}, []),
            ("kaiwu", {"title": fill.fill(world.users["kaiwu"], "zone", zone.pk).title}, []),
        ]
        for by, fields, extra in plans:
            channels = extra or ([kaiwu_channel] if by == "kaiwu" else [])
            n = sent(world, by, channels=channels, **fields)
            services.notice_remind(user=world.users[by if by != "lishui" else "town"], notice=n)
    requests = wecom.requests + ding.requests + feishu.requests
    # Each sent notice and each reminder reached its robots: 2 × (3 + 1 + 1 + 1 + 0 + 1 + 1 + 3
    # + 1 + 1) = 26 messages (丽水's notice had no robot).
    assert len(requests) == 26
    assert Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 26
    leaks = [
        (value, text)
        for text in _outbound(requests) + list(Delivery.objects.values_list("text", flat=True))
        for value, pattern in _forbidden()
        if pattern.search(text)
    ]
    assert leaks == []
    # The scan itself catches a leak: a room or a name in a message is found.
    probe = _outbound([("/send", {"text": "香樟苑1号楼101室 张三丰"})])[0]
    assert {v for v, p in _forbidden() if p.search(probe)} >= {"101", "张三丰"}
