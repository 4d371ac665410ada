"""Every page by role: anonymous to the login, out of scope 404, in scope but not allowed 403;
attachments only to senders and recipients; the workflow's table."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.notices.models import Notice
from linli.notices.workflow import NOTICE_WORKFLOW
from linli.testing.notices import channel, notice, sent
from linli.testing.workflows import check_workflow_table

pytestmark = pytest.mark.django_db


def _codes(client_for, client, path, roles, method="get", data=None):
    out = {}
    for role in roles:
        c = client if role == "anonymous" else client_for(role)
        response = getattr(c, method)(path, data or {})
        out[role] = response.status_code
    return out


def test_the_senders_pages_are_for_staff(world, client_for, client):
    for path in ("/notices/", "/notices/new/", "/notices/robots/"):
        codes = _codes(client_for, client, path, ["anonymous", "charlie", "alice", "kaiwu", "town"])
        assert codes == {"anonymous": 302, "charlie": 403, "alice": 403, "kaiwu": 200, "town": 200}


def test_a_notice_page_by_role(world, client_for, client):
    n = sent(world)  # 新凯五村 to 香樟苑 1号楼: alice reads it
    codes = _codes(
        client_for,
        client,
        f"/notices/{n.pk}/",
        ["anonymous", "charlie", "lishui", "dave", "bob", "alice", "kaiwu", "town"],
    )
    assert codes == {
        "anonymous": 302,
        "charlie": 404,
        "lishui": 404,
        "dave": 404,
        "bob": 404,
        "alice": 200,
        "kaiwu": 200,
        "town": 200,
    }
    assert "已读情况" not in client_for("alice").get(f"/notices/{n.pk}/").content.decode()
    assert "已读情况" in client_for("kaiwu").get(f"/notices/{n.pk}/").content.decode()


def test_reading_is_the_recipients_and_moves_the_senders(world, client_for, client):
    n = sent(world)
    read = _codes(
        client_for, client, f"/notices/{n.pk}/read/", ["anonymous", "dave", "kaiwu"], "post"
    )
    assert read == {"anonymous": 302, "dave": 404, "kaiwu": 403}
    move = _codes(
        client_for,
        client,
        f"/notices/{n.pk}/move/",
        ["anonymous", "lishui", "alice"],
        "post",
        {"to": "withdrawn"},
    )
    assert move == {"anonymous": 302, "lishui": 404, "alice": 403}
    remind = _codes(client_for, client, f"/notices/{n.pk}/remind/", ["lishui", "alice"], "post")
    assert remind == {"lishui": 404, "alice": 403}
    assert client_for("kaiwu").get(f"/notices/{n.pk}/read/").status_code == 405
    bad = client_for("kaiwu").post(f"/notices/{n.pk}/move/", {"to": "draft"})
    assert bad.status_code == 409


def test_attachments_go_only_to_senders_and_recipients(world, client_for, client):
    upload = SimpleUploadedFile("采样点示意图.pdf", b"%PDF-1.4 notice", "application/pdf")
    n = notice(world, files=[upload])
    from linli.notices import services

    services.notice_send(user=world.users["kaiwu"], notice=n)
    f = n.attachments.get()
    assert "采样点示意图" not in f.file.name.split("/")[1]  # a random folder, not the name
    path = f"/notices/{n.pk}/files/{f.pk}/"
    codes = _codes(
        client_for, client, path, ["anonymous", "bob", "dave", "lishui", "alice", "kaiwu"]
    )
    assert codes == {
        "anonymous": 302,
        "bob": 404,
        "dave": 404,
        "lishui": 404,
        "alice": 200,
        "kaiwu": 200,
    }
    got = client_for("alice").get(path)
    assert b"".join(got.streaming_content) == b"%PDF-1.4 notice"


def test_a_notice_drafted_through_the_page(world, client_for):
    upload = SimpleUploadedFile("说明.txt", b"hello", "text/plain")
    page = client_for("kaiwu").post(
        "/notices/new/",
        {
            "scope": "compound",
            "compound": world.xiangzhang.pk,
            "title": "今晚停水",
            "body": "今晚 22:00 至次日 6:00 停水，请提前储水。",
            "urgency": "normal",
            "expires_at": "2099-12-31T18:00",
            "for_residents": "on",
            "files": [upload],
        },
    )
    assert page.status_code == 302
    n = Notice.objects.get(title="今晚停水")
    assert (n.committee_id, n.compound_id, n.status) == (
        world.kaiwu.pk,
        world.xiangzhang.pk,
        "draft",
    )
    assert n.attachments.get().name == "说明.txt"
    bad = client_for("kaiwu").post(
        "/notices/new/",
        {
            "scope": "building",
            "building": world.lb1.pk,
            "title": "x",
            "body": "y",
            "urgency": "normal",
            "expires_at": "2099-12-31T18:00",
        },
    )
    assert bad.status_code == 400  # 丽水's building is not among 新凯五村's choices


def test_robot_pages_by_role(world, client_for, client):
    ch = channel(world, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")
    codes = _codes(
        client_for,
        client,
        f"/notices/robots/{ch.pk}/",
        ["anonymous", "alice", "lishui", "kaiwu", "town"],
    )
    assert codes == {"anonymous": 302, "alice": 404, "lishui": 404, "kaiwu": 200, "town": 200}
    switch = _codes(
        client_for,
        client,
        f"/notices/robots/{ch.pk}/switch/",
        ["lishui", "kaiwu"],
        "post",
        {"active": "0"},
    )
    assert switch == {"lishui": 404, "kaiwu": 302}
    ch.refresh_from_db()
    assert ch.active is False


def test_my_notices_page(world, client_for, client):
    sent(world)
    assert client.get("/notices/mine/").status_code == 302
    page = client_for("alice").get("/notices/mine/")
    assert page.status_code == 200 and "明日核酸检测安排" in page.content.decode()
    assert "明日核酸检测安排" not in client_for("dave").get("/notices/mine/").content.decode()


def test_the_notice_workflow_table(world):
    check_workflow_table(
        NOTICE_WORKFLOW,
        {"draft": lambda: notice(world), "sent": lambda: sent(world)},
        {n: world.users[n] for n in ("town", "kaiwu", "lishui", "alice", "charlie")},
        {"sent": {"town", "kaiwu"}, "withdrawn": {"town", "kaiwu"}, "expired": {"town", "kaiwu"}},
    )
