"""Notices for tests (issue 13 §1), on top of the grid scenario.

`build_notices_scenario(s)` adds the rounds scenario's worksite 城建工地 (新凯五村) with its
dormitory 宿舍1号楼 (rooms 101 and 102) and the committee's delivery team with volunteer `gina`
(login), and volunteer `ivy` (login), leader of 宿舍1号楼. Who a notice reaches, by hand from
the scenario (volunteers with logins; households):

    scope                      volunteers                      households
    town 泗泾镇                alice bob dave erin gina ivy (6)  8 (香樟苑 4, 丽水苑 2, 宿舍 2)
    committee 新凯五村         alice bob erin gina ivy (5)       6
    committee 丽水             dave (1)                          2
    compound 香樟苑            alice bob erin (3)                4
    building 香樟苑 1号楼      alice (1)                         2
    building 丽水苑 1号楼      dave (1, paired with 陈国强)      2
    worksite 城建工地          ivy (1)                           2
    team 新凯五村 物资配送     gina (1)                          —
    building leaders of 新凯五村  alice ivy (2)                  —

`notice(s, ...)` drafts one through the service as the given sender; `sent(...)` also sends it.
`robot_server(...)` starts a local HTTP server answering webhooks as scripted.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.utils import timezone

from linli.accounts.models import User
from linli.core.pinyin import initials
from linli.duty.models import Duty, Volunteer
from linli.notices import services
from linli.notices.models import Notice, RobotChannel
from linli.testing.scenario import PASSWORD, Scenario
from linli.testing.supplies_rounds import Extras, build_rounds_scenario


def build_notices_scenario(s: Scenario) -> Extras:
    """Needs `build_grid_scenario(s)` first."""
    x = build_rounds_scenario(s)
    user = User.objects.create_user(
        username="ivy", password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
    )
    s.users["ivy"] = user
    s.volunteers["ivy"] = Volunteer.objects.create(
        town=s.town,
        committee=s.kaiwu,
        user=user,
        name="艾薇",
        name_initials=initials("艾薇"),
        phone="13900000009",
        source=Volunteer.Source.RESIDENT_VOLUNTEER,
    )
    Duty.objects.create(
        volunteer=s.volunteers["ivy"],
        kind=Duty.Kind.BUILDING_LEADER,
        town=s.town,
        committee=s.kaiwu,
        compound=x.site,
        building=x.dorm,
    )
    return x


def notice(s: Scenario, by: str = "kaiwu", **fields: Any) -> Notice:
    """A draft notice; by default 新凯五村's staff to 香樟苑 1号楼, for residents too."""
    values: dict[str, Any] = {
        "scope": Notice.Scope.BUILDING,
        "building": s.b1,
        "title": "明日核酸检测安排",
        "body": "明天 7:00 起按楼栋顺序核酸。",
        "urgency": Notice.Urgency.URGENT,
        "expires_at": timezone.now() + dt.timedelta(days=1),
        "for_residents": True,
    }
    values.update(fields)
    return services.notice_create(user=s.users[by], town=s.town, **values)


def sent(s: Scenario, by: str = "kaiwu", **fields: Any) -> Notice:
    made = notice(s, by, **fields)
    services.notice_send(user=s.users[by], notice=made)
    made.refresh_from_db()
    return made


def channel(s: Scenario, url: str, kind: str = "wecom", secret: str = "", **kw: Any) -> Any:
    """A robot channel of 新凯五村 (added by its staff) at `url`."""
    return services.channel_create(
        user=s.users[kw.pop("by", "kaiwu")],
        town=s.town,
        committee=kw.pop("committee", s.kaiwu),
        name=kw.pop("name", "新凯五村防疫工作群"),
        kind=kind,
        webhook_url=url,
        secret=secret,
    )


@dataclass
class RobotServer:
    """A local webhook: answers each POST with the next scripted (status, body), repeating the
    last; keeps every request's path and body."""

    script: list[tuple[int, dict[str, Any]]]
    check: Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]] | None = None
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    def answer(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.check is not None:
            return self.check(path, body)
        index = min(len(self.requests) - 1, len(self.script) - 1)
        return self.script[index]


@contextmanager
def robot_server(
    *script: tuple[int, dict[str, Any]],
    path: str = "/send?key=k1",
    check: Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]] | None = None,
) -> Iterator[RobotServer]:
    """Serve webhooks on 127.0.0.1 (a free port) for the block: the scripted answers in turn
    (or `check(path, body)`'s answer)."""
    server_state = RobotServer(list(script) or [(200, {"errcode": 0, "errmsg": "ok"})], check)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            server_state.requests.append((self.path, body))
            status, answer = server_state.answer(self.path, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.url = f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()


def find_channel(pk: int) -> RobotChannel:
    return RobotChannel.objects.get(pk=pk)
