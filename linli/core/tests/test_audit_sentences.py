"""The audit log reads as sentences: who did what to whom, in the reader's language, names as
the reader's scope finds them and numbers masked; not "places.resident #1" and raw JSON."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.accounts.models import User
from linli.core.audit import audit
from linli.duty.models import Duty
from linli.places.services import resident_set_status
from linli.testing.scenario import build_grid_scenario

pytestmark = pytest.mark.django_db
URL = "/audit/"


def events(client: Client, **params: str) -> list[str]:
    page = client.get(URL, params)
    assert page.status_code == 200
    html = page.content.decode()
    assert "places.resident" not in html and "&quot;" not in html  # no model labels, no JSON
    return sentences(html)


def sentences(html: str) -> list[str]:
    return re.findall(r'<span class="audit-sentence">(.*?)</span>', html)


def test_names_of_many_duties_cost_no_more_queries_than_one(client_for, scenario):
    grid = build_grid_scenario(scenario)
    town = scenario.users["town"]
    place = {"town": grid.town, "committee": grid.kaiwu, "compound": grid.xiangzhang}

    def page_queries(duties: int) -> int:
        for volunteer in list(grid.volunteers.values())[:duties]:
            duty = Duty.objects.create(
                volunteer=volunteer, kind=Duty.Kind.BUILDING_TEAM_MEMBER, building=grid.b1, **place
            )
            audit(user=town, action="create", target=duty, summary="duty team member")
        client = client_for("town")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    one = page_queries(1)
    assert page_queries(4) == one  # five duties named with the queries of one


def test_a_status_change_reads_as_who_changed_whom_from_what_to_what(client_for, scenario):
    zhang = scenario.residents["zhang"]
    resident_set_status(user=scenario.users["kaiwu"], resident=zhang, status="away")
    assert "kaiwu 把居民「张三丰」从「在住」改为「外出」" in events(client_for("town"))


def test_a_reveal_names_the_resident_and_the_field_never_the_number(client_for, scenario):
    zhang = scenario.residents["zhang"]
    kaiwu = client_for("kaiwu")
    assert (
        kaiwu.post(reverse("places:resident_reveal", args=[zhang.pk, "phone"])).status_code == 200
    )
    html = client_for("town").get(URL, {"action": "reveal"}).content.decode()
    assert "kaiwu 查看了完整号码：居民「张三丰」" in sentences(html)
    assert "手机号" in html and zhang.phone not in html


def test_an_export_says_how_many_rows_and_a_login_failure_who_tried(client, client_for, scenario):
    kaiwu = scenario.users["kaiwu"]
    audit(user=kaiwu, action="export", summary="residents (4)", detail={"rows": 4})
    html = client_for("town").get(URL).content.decode()
    assert "kaiwu 导出了表格" in sentences(html) and "4 行" in html
    # A failed login belongs to no town: the superuser's log shows it, the number masked.
    client.post(reverse("login"), {"username": "13812345678", "password": "wrong"})
    root = Client()
    root.force_login(User.objects.create_superuser("root", password="x"))
    html = root.get(URL).content.decode()
    assert "138****5678 登录失败" in sentences(html) and "13812345678" not in html


def test_a_target_out_of_the_readers_scope_is_named_by_kind_and_number(client_for, scenario):
    from linli.places.models import Committee, Town

    other = Committee.objects.create(town=Town.objects.create(name="海湾镇"), name="海湾村")
    # An entry of this town about a row the reader's scope does not hold.
    audit(
        user=scenario.users["kaiwu"],
        action="update",
        target=other,
        summary="admin: x",
        town_id=scenario.town.pk,
    )
    [sentence] = [s for s in events(client_for("town")) if "管理后台" in s]
    assert f"#{other.pk}" in sentence and "海湾村" not in sentence


def test_the_log_in_english(client_for, scenario):
    resident_set_status(
        user=scenario.users["kaiwu"], resident=scenario.residents["zhang"], status="away"
    )
    town = client_for("town")
    town.post(reverse("set_language"), {"language": "en", "next": "/"})
    changed = [s for s in events(town) if "张三丰" in s]
    assert changed and "changed" in changed[0] and "Away" in changed[0], changed
