"""The notices app's rows of the rules matrix (linli/tests/test_rules_matrix.py): rule →
(make the object in scope, make it out of scope, roles allowed in, roles allowed out).
"In" is 新凯五村's (a notice to 香樟苑 1号楼, whose leader is alice and whose building team
has gina; its robot channel), "out" 丽水's (a notice to 丽水苑 1号楼, reaching dave, paired
with a resident there; its robot channel)."""

from __future__ import annotations

from typing import Any

from linli.testing.scenario import Scenario

STAFF = {"town", "kaiwu"}


def _notice(s: Scenario, where: str, *, send: bool = False) -> Any:
    from linli.testing import notices

    maker = notices.sent if send else notices.notice
    if where == "in":
        return maker(s, "kaiwu", building=s.b1)
    return maker(s, "town", building=s.lb1)


def _channel(s: Scenario, where: str) -> Any:
    from linli.testing import notices

    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=matrix"
    if where == "in":
        return notices.channel(s, url)
    return notices.channel(s, url, by="town", committee=s.lishui, name="丽水防疫工作群")


ROWS: dict[str, Any] = {
    "notices.add_notice": (None, None, STAFF, set()),
    "notices.change_notice": (
        lambda s: _notice(s, "in"),
        lambda s: _notice(s, "out"),
        STAFF,
        {"town"},
    ),
    "notices.remind_notice": (
        lambda s: _notice(s, "in", send=True),
        lambda s: _notice(s, "out", send=True),
        STAFF,
        {"town"},
    ),
    "notices.view_receipts_notice": (
        lambda s: _notice(s, "in", send=True),
        lambda s: _notice(s, "out", send=True),
        STAFF,
        {"town"},
    ),
    "notices.read_notice": (
        lambda s: _notice(s, "in", send=True),
        lambda s: _notice(s, "out", send=True),
        {"alice", "gina"},
        {"dave"},
    ),
    "notices.add_robotchannel": (None, None, STAFF, set()),
    "notices.change_robotchannel": (
        lambda s: _channel(s, "in"),
        lambda s: _channel(s, "out"),
        STAFF,
        {"town"},
    ),
}
