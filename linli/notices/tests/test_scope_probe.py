"""Every page path read with notices of two committees sent (with a robot each and a file):
another committee's staff and a volunteer see no notice they were not sent, no volunteer out of
their reach, and no path answers a 5xx (linli.testing.probe)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linli.notices.models import Notice
from linli.testing.notices import channel, sent
from linli.testing.probe import probe

pytestmark = pytest.mark.django_db

KAIWU_TITLE, LISHUI_TITLE = "香樟苑停水通知", "丽水苑消杀通知"
HIDDEN = {
    # 丽水's staff: nothing of 新凯五村's notice or its volunteers.
    "lishui": [KAIWU_TITLE, "艾丽丝", "鲍勃", "艾琳", "吉娜", "艾薇", "新凯五村防疫工作群"],
    # alice (leader of 香樟苑 1号楼, a recipient): not 丽水's notice, not the unread list.
    "alice": [LISHUI_TITLE, "艾琳", "戴维", "新凯五村防疫工作群"],
    # dave (丽水): not 新凯五村's notice nor who has not read it.
    "dave": [KAIWU_TITLE, "艾丽丝", "艾琳"],
}


@pytest.mark.parametrize("role", sorted(HIDDEN))
def test_no_notice_path_shows_a_notice_or_a_volunteer_out_of_reach(world, role):
    # A robot on its pages only: nothing is posted to it (tests touch no network).
    channel(world, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=probe")
    files = [SimpleUploadedFile("示意图.txt", b"map", "text/plain")]
    sent(
        world,
        scope=Notice.Scope.COMPOUND,
        compound=world.xiangzhang,
        building=None,
        title=KAIWU_TITLE,
        files=files,
    )
    sent(world, "lishui", building=world.lb1, title=LISHUI_TITLE)
    client = Client()
    client.force_login(world.users[role])
    pages = probe(client, HIDDEN[role], api=False, label=role)
    assert pages.server_errors == []
    assert pages.leaks == []
