"""Group robots: signatures against examples worked by hand, delivery to local webhook servers
(success, a 5xx then success, always 5xx → given up and flagged, a 4xx or the robot's own error
→ no retry), the signatures checked by the server, the backoff on the real queue, and the
secret never shown again."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import socket
import urllib.parse
from typing import Any

import pytest
from django.utils import timezone

from linli.core.models import AuditEntry
from linli.notices import robots, services
from linli.notices.models import Delivery, Notice
from linli.notices.tasks import MAX_ATTEMPTS, backoff
from linli.testing.notices import channel, robot_server, sent

pytestmark = pytest.mark.django_db

OK = (200, {"errcode": 0, "errmsg": "ok"})


def test_dingtalk_signature_matches_an_example_worked_by_hand():
    # openssl: printf '1700000000000\nSEC0123456789abcdef' |
    #   openssl dgst -sha256 -hmac 'SEC0123456789abcdef' -binary | base64
    # → TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=, then "/" → %2F and "=" → %3D.
    sign = robots.dingtalk_sign("SEC0123456789abcdef", 1700000000000)
    assert sign == "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"


def test_feishu_signature_matches_an_example_worked_by_hand():
    # openssl dgst -sha256 -hmac "$(printf '1700000000\nfeishu-secret')" -binary /dev/null | base64
    assert robots.feishu_sign("feishu-secret", 1700000000) == (
        "OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU="
    )


def test_dingtalk_request_carries_timestamp_and_sign_in_the_address():
    url, body = robots.request_for(
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=T",
        "SEC0123456789abcdef",
        "标题",
        "正文",
        now=1700000000.0,
    )
    assert url == (
        "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000"
        "&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"
    )
    assert body == {"msgtype": "markdown", "markdown": {"title": "标题", "text": "正文"}}


def test_backoff_doubles_from_the_first_wait(settings):
    settings.LINLI_ROBOT_BACKOFF_SECONDS = 30
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def _send_with(world: Any, ch: Any, **kw: Any) -> Notice:
    return sent(world, channels=[ch], **kw)


def test_a_wecom_robot_gets_the_notice_as_markdown(world):
    with robot_server(OK) as server:
        n = _send_with(world, channel(world, server.url))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 1)
    [(path, body)] = server.requests
    assert path == "/send?key=k1"
    expiry = timezone.localtime(n.expires_at)
    assert body == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**【紧急】明日核酸检测安排**\n\n"
            f"有效期至：{expiry.month}月{expiry.day}日 {expiry:%H:%M}\n\n"
            "应读：志愿者 1 人，居民 2 户\n\n"
            f"请在邻里查看并确认已读：https://linli.example.cn/notices/{n.pk}/"
        },
    }


def test_a_5xx_is_tried_again_and_then_delivered(world):
    with robot_server((502, {}), OK) as server:
        n = _send_with(world, channel(world, server.url))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 2)
    assert [t.status_code for t in delivery.tries.all()] == [502, 200]
    assert len(server.requests) == 2


def test_always_5xx_gives_up_after_max_attempts_and_flags_the_notice(world, client_for):
    with robot_server((503, {"error": "busy"})) as server:
        n = _send_with(world, channel(world, server.url))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert len(server.requests) == MAX_ATTEMPTS == 5
    page = client_for("kaiwu").get(f"/notices/{n.pk}/").content.decode()
    assert "群机器人推送失败" in page


def test_a_4xx_is_not_tried_again(world):
    with robot_server((404, {"error": "no such hook"})) as server:
        n = _send_with(world, channel(world, server.url))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert len(server.requests) == 1


def test_the_robots_own_error_code_is_not_tried_again(world):
    with robot_server((200, {"errcode": 93000, "errmsg": "invalid webhook url"})) as server:
        n = _send_with(world, channel(world, server.url))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert delivery.tries.get().answer == '{"errcode": 93000, "errmsg": "invalid webhook url"}'


def test_a_connection_error_is_tried_again_then_given_up(world):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    n = _send_with(world, channel(world, f"http://127.0.0.1:{port}/send?key=k"))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert {t.error for t in delivery.tries.all()} == {"ConnectionRefusedError"}
    assert {t.status_code for t in delivery.tries.all()} == {None}


def _dingtalk_checker(secret: str) -> Any:
    """The server's own check of DingTalk's signature (as DingTalk documents it)."""

    def check(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        ts = query["timestamp"][0]
        digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
        fresh = abs(int(ts) / 1000 - timezone.now().timestamp()) < 3600
        if query["sign"][0] == base64.b64encode(digest).decode() and fresh:
            return OK
        return 200, {"errcode": 310000, "errmsg": "sign not match"}

    return check


def test_dingtalk_signature_is_checked_by_the_robot(world):
    secret = "SECabcdef0123456789"
    with robot_server(check=_dingtalk_checker(secret), path="/robot/send?access_token=T") as srv:
        n = _send_with(world, channel(world, srv.url, kind="dingtalk", secret=secret))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 1)
    path, body = srv.requests[0]
    assert path.startswith("/robot/send?access_token=T&timestamp=")
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "【紧急】明日核酸检测安排"


def test_a_wrong_dingtalk_secret_is_refused_and_not_tried_again(world):
    checker = _dingtalk_checker("SECright")
    with robot_server(check=checker, path="/robot/send?access_token=T") as srv:
        n = _send_with(world, channel(world, srv.url, kind="dingtalk", secret="SECwrong"))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "310000" in delivery.tries.get().answer


def test_feishu_signature_is_checked_by_the_robot(world):
    secret = "feishu-secret"

    def check(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = f"{body['timestamp']}\n{secret}".encode()
        want = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        if body.get("sign") == want:
            return 200, {"code": 0, "msg": "success"}
        return 200, {"code": 19021, "msg": "sign match fail"}

    with robot_server(check=check, path="/open-apis/bot/v2/hook/abc") as srv:
        n = _send_with(world, channel(world, srv.url, kind="feishu", secret=secret))
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 1)
    body = srv.requests[0][1]
    assert body["msg_type"] == "text"
    assert "应读：志愿者 1 人，居民 2 户" in body["content"]["text"]


def test_on_the_real_queue_a_retry_waits_its_backoff(world, database_queue, settings):
    from django_tasks_db.models import DBTaskResult

    settings.LINLI_ROBOT_BACKOFF_SECONDS = 30
    with robot_server((500, {})) as server:
        n = _send_with(world, channel(world, server.url))
        before = timezone.now()
        database_queue.work()
    delivery = Delivery.objects.get(notice=n)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.RETRYING, 1)
    assert len(server.requests) == 1
    waiting = DBTaskResult.objects.filter(task_path="linli.notices.tasks.deliver", status="READY")
    [next_try] = list(waiting)
    assert before + dt.timedelta(seconds=29) < next_try.run_after
    assert next_try.run_after < timezone.now() + dt.timedelta(seconds=31)


def test_a_second_run_of_a_delivered_task_posts_nothing(world):
    from linli.notices.tasks import deliver

    with robot_server(OK) as server:
        n = _send_with(world, channel(world, server.url))
        deliver.call(Delivery.objects.get(notice=n).pk)
    assert len(server.requests) == 1


def test_a_reminder_tells_the_robot_how_many_have_not_read(world):
    with robot_server(OK) as server:
        n = _send_with(world, channel(world, server.url))
        services.receipt_read(user=world.users["alice"], notice=n)
        services.notice_remind(user=world.users["kaiwu"], notice=n)
    text = server.requests[1][1]["markdown"]["content"]
    assert text.startswith("**【提醒】明日核酸检测安排**")
    assert "尚未确认：志愿者 0 人，居民 2 户" in text


def test_the_webhook_and_secret_are_never_shown_or_audited(world, client_for):
    url = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789TOKEN"
    ch = channel(world, url, kind="dingtalk", secret="SECsecretvalue42")
    client = client_for("kaiwu")
    for page in ("/notices/robots/", f"/notices/robots/{ch.pk}/"):
        html = client.get(page).content.decode()
        assert "abcdef0123456789" not in html and "SECsecretvalue42" not in html
        assert "…OKEN" in html
    audited = str(list(AuditEntry.objects.values_list("summary", "detail")))
    assert "access_token" not in audited and "SECsecret" not in audited


def test_committee_staff_add_a_robot_through_the_page(world, client_for):
    page = client_for("kaiwu").post(
        "/notices/robots/",
        {
            "name": "香樟苑群",
            "kind": "wecom",
            "committee": world.kaiwu.pk,
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        },
    )
    assert page.status_code == 302
    bad = client_for("kaiwu").post(
        "/notices/robots/",
        {"name": "x", "kind": "wecom", "webhook_url": "http://example.com/hook"},
    )
    assert bad.status_code == 400
    assert "https://" in bad.content.decode()
