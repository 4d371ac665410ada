"""404, 403 and 500 pages: Chinese first (English when chosen), phone-sized, in the site's
layout, with a way back; and a favicon. Tests run with DEBUG off, as production does."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from linli.places.models import Resident

pytestmark = pytest.mark.django_db


def test_debug_is_off_in_tests():
    assert settings.DEBUG is False


def test_the_404_page_is_chinese_phone_sized_and_leads_home(client_for):
    answer = client_for("kaiwu").get("/no-such-page/")
    html = answer.content.decode()
    assert answer.status_code == 404
    assert "找不到这个页面" in html and 'name="viewport"' in html and "linli.css" in html
    assert f'href="{reverse("home")}"' in html and "data-back" in html
    assert 'class="nav"' in html  # the site's top bar, with the user's links


def test_a_resident_out_of_scope_is_the_same_404_page(client_for, scenario):
    other = Resident.objects.filter(household__building__compound__committee=scenario.lishui)[0]
    answer = client_for("kaiwu").get(reverse("places:resident", args=[other.pk]))
    assert answer.status_code == 404 and "找不到这个页面" in answer.content.decode()


def test_the_404_page_in_english(client_for):
    client = client_for("kaiwu")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and "找不到这个页面" not in html


def test_the_403_page_says_why_in_chinese(client_for, scenario):
    from linli.testing.scenario import build_grid_scenario

    build_grid_scenario(scenario)
    # A building leader sees the residents of the building but may not move them.
    zhang = scenario.residents["zhang"]
    answer = client_for("alice").post(reverse("places:resident_move", args=[zhang.pk]))
    html = answer.content.decode()
    assert answer.status_code == 403
    assert "您没有权限做这件事" in html and "只有工作人员可以修改居民信息" in html
    assert f'href="{reverse("home")}"' in html and 'class="nav"' in html


def test_a_stale_form_is_a_chinese_page_not_djangos(scenario):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["kaiwu"])
    answer = client.post(reverse("logout"))
    assert answer.status_code == 403 and "页面已过期" in answer.content.decode()


def test_the_500_page_needs_neither_request_context_nor_database(
    rf: RequestFactory, django_assert_num_queries
):
    with django_assert_num_queries(0):
        answer = server_error(rf.get("/"))
    html = answer.content.decode()
    assert answer.status_code == 500 and "系统出错了" in html and 'name="viewport"' in html


def test_favicon_ico_is_the_sites_icon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith(".svg")
    assert client.get(answer["Location"]).status_code == 200
