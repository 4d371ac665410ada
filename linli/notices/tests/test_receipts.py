"""Read receipts: a volunteer's one tap, a household's tap at the building's door, double taps,
reminders reaching only the unread, 我的任务, the sender's counts by building, expiry."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.care.selfservice import self_service_link
from linli.core.plugins import waiting_for
from linli.notices import services
from linli.notices.models import Notice, Receipt
from linli.testing.notices import notice, sent

pytestmark = pytest.mark.django_db


def _receipt(n: Notice, **kw) -> Receipt:
    return Receipt.objects.get(notice=n, **kw)


def test_a_volunteer_confirms_reading_in_one_tap_and_a_second_tap_changes_nothing(
    world, client_for
):
    n = sent(world)
    alice = client_for("alice")
    page = alice.get(f"/notices/{n.pk}/").content.decode()
    assert "明天 7:00 起按楼栋顺序核酸。" in page and 'class="primary notice-read-button"' in page
    assert alice.post(f"/notices/{n.pk}/read/").status_code == 302
    first = _receipt(n, user=world.users["alice"]).read_at
    assert first is not None
    assert alice.post(f"/notices/{n.pk}/read/", HTTP_HX_REQUEST="true").status_code == 200
    assert _receipt(n, user=world.users["alice"]).read_at == first
    assert "notice-read-button" not in alice.get(f"/notices/{n.pk}/").content.decode()


def test_unread_notices_wait_on_my_tasks_until_read(world, client_for):
    n = sent(world)
    [(_label, url, counts)] = [row for row in waiting_for(world.users["alice"]) if "通知" in row[0]]
    assert (url, counts.open, counts.overdue) == ("/notices/mine/", 1, 0)
    assert "明日核酸检测安排" in client_for("alice").get(url).content.decode()
    services.receipt_read(user=world.users["alice"], notice=n)
    assert not [row for row in waiting_for(world.users["alice"]) if "通知" in row[0]]


def test_a_household_confirms_at_the_buildings_door_by_its_room(world, client):
    n = sent(world)
    token = self_service_link(user=None, building=world.b1).token
    page = client.get(f"/notices/door/{token}/")
    assert page.status_code == 200 and "明日核酸检测安排" in page.content.decode()
    answer = client.post(f"/notices/door/{token}/notices/{n.pk}/", {"room": "101"})
    assert answer.status_code == 200 and "已收到确认" in answer.content.decode()
    first = _receipt(n, household=world.households["b1_101"]).read_at
    assert first is not None
    client.post(f"/notices/door/{token}/notices/{n.pk}/", {"room": "101"})
    assert _receipt(n, household=world.households["b1_101"]).read_at == first
    assert _receipt(n, household=world.households["b1_102"]).read_at is None


def test_a_room_not_in_the_building_gets_the_same_answer_and_marks_nothing(world, client):
    n = sent(world)
    token = self_service_link(user=None, building=world.b1).token
    answer = client.post(f"/notices/door/{token}/notices/{n.pk}/", {"room": "999"})
    assert answer.status_code == 200 and "已收到确认" in answer.content.decode()
    assert not Receipt.objects.filter(notice=n, read_at__isnull=False).exists()


def test_door_taps_are_rate_limited_per_room(world, client):
    n = sent(world)
    token = self_service_link(user=None, building=world.b1).token
    codes = [
        client.post(f"/notices/door/{token}/notices/{n.pk}/", {"room": "102"}).status_code
        for _ in range(11)
    ]
    assert codes == [200] * 10 + [429]


def test_the_door_shows_only_this_buildings_notices_for_residents(world, client):
    sent(world, title="只给志愿者", for_residents=False)
    sent(world, "lishui", title="丽水的通知", building=world.lb1)
    token = self_service_link(user=None, building=world.b1).token
    html = client.get(f"/notices/door/{token}/").content.decode()
    assert "只给志愿者" not in html and "丽水的通知" not in html
    other = client.get(f"/notices/door/{token}/").status_code
    assert other == 200
    assert client.get("/notices/door/not-a-real-token-0123456789/").status_code == 404


def test_a_reminder_reaches_only_the_unread(world, client_for):
    n = sent(world, scope=Notice.Scope.COMPOUND, compound=world.xiangzhang, building=None)
    services.receipt_read(user=world.users["alice"], notice=n)
    services.household_read(notice=n, household=world.households["b2_101"])
    assert client_for("kaiwu").post(f"/notices/{n.pk}/remind/").status_code == 302
    reminded = {
        (r.user.username if r.user else r.household.room, r.building_id): r.reminders
        for r in Receipt.objects.filter(notice=n).select_related("user", "household")
    }
    assert reminded == {
        ("alice", world.b1.pk): 0,
        ("bob", None): 1,
        ("erin", world.b2.pk): 1,
        ("101", world.b1.pk): 1,
        ("102", world.b1.pk): 1,
        ("101", world.b2.pk): 0,
        ("201", world.b2.pk): 1,
    }
    [(_, _, counts)] = [row for row in waiting_for(world.users["erin"]) if "通知" in row[0]]
    assert (counts.open, counts.overdue) == (1, 1)
    again = client_for("kaiwu").post(f"/notices/{n.pk}/remind/")
    assert again.status_code == 409


def test_the_sender_sees_who_has_not_read_by_building(world, client_for):
    n = sent(world, scope=Notice.Scope.COMPOUND, compound=world.xiangzhang, building=None)
    services.receipt_read(user=world.users["alice"], notice=n)
    services.household_read(notice=n, household=world.households["b2_101"])
    html = client_for("kaiwu").get(f"/notices/{n.pk}/").content.decode()
    # 香樟苑 1号楼: alice read, 101 and 102 not; 2号楼: 101 read, erin and 201 not; bob (no
    # building) not; in all 2 of 7.
    assert html.count('<span class="of">1/3</span>') == 2
    assert '<span class="of">0/1</span>' in html and '<span class="of">2/7</span>' in html
    assert "101室 · 102室" in html and "艾琳 · 201室" in html and "鲍勃" in html
    assert "张三丰" not in html and "13812345678" not in html


def test_names_out_of_the_senders_scope_are_masked(world, client_for):
    from linli.notices.selectors import receipts_by_building

    n = sent(world, "town", scope=Notice.Scope.TOWN, building=None, for_residents=False)
    # 新凯五村's staff do not see 丽水's volunteer dave (戴维): masked if they could read it.
    rows = receipts_by_building(world.users["kaiwu"], n)
    names = [name for row in rows for name in row.unread_people]
    assert "戴*" in names and "戴维" not in names and "艾丽丝" in names


def test_expired_notices_are_closed_by_the_command_and_cannot_be_read(world, client_for):
    n = sent(world)
    Notice.objects.filter(pk=n.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    out = StringIO()
    call_command("notices", "expire", stdout=out)
    assert "已过期 1 条通知" in out.getvalue()
    n.refresh_from_db()
    assert n.status == Notice.Status.EXPIRED
    assert "notice-read-button" not in client_for("alice").get(f"/notices/{n.pk}/").content.decode()
    assert client_for("kaiwu").post(f"/notices/{n.pk}/remind/").status_code == 409


def test_a_withdrawn_notice_leaves_my_tasks(world, client_for):
    n = sent(world)
    assert (
        client_for("kaiwu").post(f"/notices/{n.pk}/move/", {"to": "withdrawn"}).status_code == 302
    )
    assert not [row for row in waiting_for(world.users["alice"]) if "通知" in row[0]]


def test_a_draft_has_no_recipients_until_sent(world, client_for):
    n = notice(world)
    assert not Receipt.objects.filter(notice=n).exists()
    assert client_for("alice").get(f"/notices/{n.pk}/").status_code == 404
    assert client_for("kaiwu").post(f"/notices/{n.pk}/move/", {"to": "sent"}).status_code == 302
    assert Receipt.objects.filter(notice=n).count() == 3


def test_the_door_link_is_logged_without_its_token(caplog):
    import logging
    from pathlib import Path

    from django.conf import settings

    path = "/notices/door/SeCrEt7/notices/12/"
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info('"%s" %s %s', f"POST {path} HTTP/1.1", "200", "5")
    logged = caplog.records[-1].getMessage()
    assert "SeCrEt" not in logged and "/notices/door/***/notices/12/" in logged
    nginx = (Path(settings.BASE_DIR).parent / "deploy/nginx/linli.conf").read_text()
    assert "|notices/door|" in nginx or "|notices/door)/)" in nginx
