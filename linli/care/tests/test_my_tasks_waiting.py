"""我的任务 says what waits for the volunteer elsewhere (their building's, team's or
committee's queue) instead of "0 · 没有诉求", and volunteers' navigation keeps to their work."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.care.tests.conftest import make_request

pytestmark = pytest.mark.django_db


def test_a_leader_with_no_own_task_sees_their_buildings_pending_requests(grid, client_for):
    make_request(grid, "zhang")  # 香樟苑 1号楼, alice's building; nobody owns it yet
    make_request(grid, "zhang", category="supplies")
    page = client_for("alice").get(reverse("care:tasks"))
    html = page.content.decode()
    assert page.context["page"].paginator.count == 0
    assert "楼栋诉求：2 条待处理" in html
    assert f'href="{reverse("care:buildings")}"' in html
    assert "没有指派给您本人的诉求" in html


def test_a_second_secretary_sees_their_committees_queue_waiting(grid, client_for):
    make_request(grid, "zhang")
    html = client_for("bob").get(reverse("care:tasks")).content.decode()
    assert "新凯五村：1 条待处理" in html
    assert reverse("care:committee", args=[grid.kaiwu.pk]) in html


def test_nothing_waiting_says_so_plainly(grid, client_for):
    html = client_for("dave").get(reverse("care:tasks")).content.decode()  # paired, no queue
    assert "条待处理" not in html and "没有诉求" in html
    assert f'href="{reverse("duty:mine")}"' in html and "结对居民在「我的包干」" in html


def test_a_volunteers_navigation_has_no_overlapping_items(grid, client_for):
    nav = client_for("alice").get(reverse("care:tasks")).context["nav_items"]
    assert [str(item["label"]) for item in nav] == ["我的包干", "认领", "我的任务", "走访"]
    staff = client_for("kaiwu").get(reverse("care:index")).context["nav_items"]
    labels = [str(item["label"]) for item in staff]
    assert "首页" in labels and "居民" in labels and "诉求" in labels and "我的任务" not in labels


def test_volunteers_see_only_the_registry_tabs_their_scope_fills(grid, client_for):
    leader = client_for("alice").get(reverse("places:buildings")).content.decode()
    assert reverse("places:residents") in leader
    assert reverse("places:committees") not in leader
    assert reverse("places:compounds") not in leader
    paired = client_for("dave").get(reverse("places:residents")).content.decode()
    assert 'class="subnav"' not in paired  # one list only: no tabs at all
    staff = client_for("kaiwu").get(reverse("places:residents")).content.decode()
    assert reverse("places:committees") in staff and reverse("places:compounds") in staff
