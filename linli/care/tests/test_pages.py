"""The care pages: every page as anonymous, out of scope and in scope; the visit form, the
queues, transitions from the page (htmx), export and posters."""

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.care.models import HelpRequest, SelfServiceLink, Visit
from linli.care.services import visit_record
from linli.core.models import AuditEntry
from linli.core.workflow import transition

from .conftest import make_request

pytestmark = pytest.mark.django_db
LOGINS = ["town", "kaiwu", "lishui", "alice", "bob", "dave", "erin", "frank", "charlie"]


def page_matrix(grid, hr):
    """url → the logins that get 200 (the others 404, or `other` given as a dict)."""
    k, team = grid.kaiwu.pk, grid.team.pk
    everyone = set(LOGINS)
    with_scope = everyone - {"charlie", "frank"}
    return [
        (reverse("care:index"), everyone, 404),
        (reverse("care:tasks"), everyone, 404),
        (reverse("care:buildings"), everyone, 404),
        (reverse("care:team", args=[team]), {"town", "kaiwu", "frank"}, 404),
        (reverse("care:committee", args=[k]), {"town", "kaiwu", "bob"}, 404),
        (reverse("care:committee", args=[grid.lishui.pk]), {"town", "lishui"}, 404),
        (reverse("care:town"), {"town"}, 404),
        (reverse("care:export", args=["committee"]) + f"?pk={k}", {"town", "kaiwu", "bob"}, 404),
        (reverse("care:export", args=["town"]), {"town"}, 404),
        (reverse("care:request", args=[hr.pk]), {"town", "kaiwu", "alice", "bob"}, 404),
        (reverse("care:visits"), with_scope, 403),
        (reverse("care:coverage"), with_scope, 403),
        (
            reverse("care:visit_household", args=[grid.households["b1_101"].pk]),
            {"town", "kaiwu", "alice", "bob"},
            404,
        ),
        (
            reverse("care:visit_household", args=[grid.households["b2_201"].pk]),
            {"town", "kaiwu", "bob", "erin"},
            404,
        ),
        (
            reverse("care:visit_resident", args=[grid.residents["chen"].pk]),
            {"town", "lishui", "dave"},
            404,
        ),
        (
            reverse("care:request_new_household", args=[grid.households["b1_101"].pk]),
            {"town", "kaiwu", "alice", "bob"},
            404,
        ),
        (
            reverse("care:request_new_resident", args=[grid.residents["chen"].pk]),
            {"town", "lishui", "dave"},
            404,
        ),
        (reverse("care:poster", args=[grid.b1.pk]), {"town", "kaiwu", "alice", "bob"}, 404),
        (reverse("care:committee_posters", args=[k]), {"town", "kaiwu"}, 404),
    ]


def test_every_page_by_role(grid):
    hr = make_request(grid, "zhang")
    clients = {}
    for who in LOGINS:
        clients[who] = Client()
        clients[who].force_login(grid.users[who])
    for url, allowed, refused in page_matrix(grid, hr):
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"], url
        for who in LOGINS:
            status = clients[who].get(url).status_code
            assert status == (200 if who in allowed else refused), (url, who, status)


def test_post_only_actions_by_role(grid, client_for):
    hr = make_request(grid, "zhang")
    for name in ("care:transition", "care:assign", "care:new_link"):
        url = reverse(name, args=[hr.pk])
        assert Client().post(url, {"to": "accepted"}).status_code == 302
        for who in ("lishui", "dave", "erin", "frank", "charlie"):
            assert client_for(who).post(url, {"to": "accepted"}).status_code == 404, (name, who)
        assert client_for("alice").get(url).status_code == 405
    assert HelpRequest.objects.get(pk=hr.pk).status == "new"


def test_a_volunteer_records_a_visit_with_a_need_from_the_page(grid, client_for):
    alice = client_for("alice")
    url = reverse("care:visit_resident", args=[grid.residents["zhang"].pk])
    page = alice.get(url)
    token = page.context["form"]["form_token"].value()
    body = {
        "outcome": "need_found",
        "resident": grid.residents["zhang"].pk,
        "form_token": token,
        "need_medicine": "on",
        "urgency_medicine": "today",
        "text_medicine": "降压药剩2天",
        "notes": "",
    }
    done = alice.post(url, body)
    assert done.status_code == 200
    assert "走访已记录" in done.content.decode()
    assert "/care/status/" in done.content.decode()
    again = alice.post(url, body)  # a double tap
    assert again.status_code == 200
    assert Visit.objects.count() == 1
    hr = HelpRequest.objects.get()
    assert (hr.category, hr.urgency, hr.source, hr.resident) == (
        "medicine",
        "today",
        "visit",
        grid.residents["zhang"],
    )
    queue = alice.get(reverse("care:buildings")).content.decode()
    assert f'data-request="{hr.pk}"' in queue


def test_visit_form_refusals(grid, client_for):
    alice = client_for("alice")
    url = reverse("care:visit_household", args=[grid.households["b1_101"].pk])
    token = alice.get(url).context["form"]["form_token"].value()
    no_need = alice.post(url, {"outcome": "need_found", "form_token": token})
    assert no_need.status_code == 400
    assert "请勾选至少一项需求" in no_need.content.decode()
    assert alice.post(url, {"outcome": "all_well", "form_token": "短"}).status_code == 400
    other = alice.post(
        url, {"outcome": "all_well", "form_token": token, "resident": grid.residents["li"].pk}
    )  # lives in 102
    assert other.status_code == 400
    assert not Visit.objects.exists()


def test_queue_pages_show_their_requests_with_constant_queries(
    grid, client_for, django_assert_max_num_queries
):
    client = client_for("kaiwu")
    url = reverse("care:committee", args=[grid.kaiwu.pk])
    make_request(grid, "zhang")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for who in ["zhang", "li", "wang", "zhao"] * 5:
        make_request(grid, who)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("data-request=") == 21


def test_queue_filters_and_closed_requests(grid, client_for):
    a = make_request(grid, "zhang", category="medicine")
    b = make_request(grid, "li", category="supplies")
    transition(b, "cancelled", by=grid.users["kaiwu"])
    client = client_for("alice")
    url = reverse("care:buildings")
    page = client.get(url).content.decode()
    assert f'data-request="{a.pk}"' in page and f'data-request="{b.pk}"' not in page
    closed = client.get(url, {"status": "cancelled"}).content.decode()
    assert f'data-request="{b.pk}"' in closed and f'data-request="{a.pk}"' not in closed
    assert client.get(url, {"category": "haircut"}).status_code == 400
    assert client.get(url, {"building": grid.lb1.pk}).status_code == 400


def test_my_tasks_and_team_queue(grid, client_for):
    mine = make_request(grid, "zhang")
    transition(mine, "accepted", by=grid.users["alice"])
    teams = make_request(grid, "li")
    HelpRequest.objects.filter(pk=teams.pk).update(owner_team=grid.team)
    alice = client_for("alice").get(reverse("care:tasks")).content.decode()
    assert f'data-request="{mine.pk}"' in alice and f'data-request="{teams.pk}"' not in alice
    frank = client_for("frank").get(reverse("care:tasks")).content.decode()
    assert f'data-request="{teams.pk}"' in frank and f'data-request="{mine.pk}"' not in frank
    team = client_for("frank").get(reverse("care:team", args=[grid.team.pk])).content.decode()
    assert f'data-request="{teams.pk}"' in team
    index = client_for("frank").get(reverse("care:index")).content.decode()
    assert reverse("care:team", args=[grid.team.pk]) in index


def test_transition_from_the_page(grid, client_for):
    hr = make_request(grid, "zhang")
    url = reverse("care:transition", args=[hr.pk])
    alice = client_for("alice")
    swapped = alice.post(url, {"to": "accepted"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 200
    assert 'data-status="accepted"' in swapped.content.decode()
    # Somebody else was quicker: htmx gets the reason inside the swapped state…
    late = client_for("kaiwu").post(url, {"to": "accepted"}, headers={"HX-Request": "true"})
    assert late.status_code == 200 and "不能改为" in late.content.decode()
    # …a plain form post a 409 page with the reason.
    plain = client_for("kaiwu").post(url, {"to": "accepted"})
    assert plain.status_code == 409 and "不能改为" in plain.content.decode()
    assert client_for("erin").post(url, {"to": "done"}).status_code == 404
    done = alice.post(url, {"to": "done"})
    assert done.status_code == 302
    assert HelpRequest.objects.get(pk=hr.pk).status == "done"
    assert alice.post(url, {"to": "nonsense"}).status_code == 400


def test_detail_shows_the_moves_this_user_may_make(grid, client_for):
    hr = make_request(grid, "zhao")
    url = reverse("care:request", args=[hr.pk])
    erin = client_for("erin").get(url).content.decode()
    assert 'data-to="accepted"' in erin and 'data-to="cancelled"' not in erin
    assert "指派" not in erin
    kaiwu = client_for("kaiwu").get(url).content.decode()
    assert 'data-to="cancelled"' in kaiwu and "指派" in kaiwu


def test_assign_from_the_page(grid, client_for):
    hr = make_request(grid, "zhang")
    url = reverse("care:assign", args=[hr.pk])
    assert client_for("alice").post(url, {"team": grid.team.pk}).status_code == 302
    assert HelpRequest.objects.get(pk=hr.pk).owner_team == grid.team
    dave = grid.volunteers["dave"].pk  # of 丽水: not a choice
    client_for("alice").post(url, {"volunteer": dave})
    assert HelpRequest.objects.get(pk=hr.pk).owner_volunteer is None


def test_new_status_link_retires_the_old_one(grid, client_for):
    hr = make_request(grid, "zhang")
    old_hash = hr.access_token_hash
    page = client_for("alice").post(reverse("care:new_link", args=[hr.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert HelpRequest.objects.get(pk=hr.pk).access_token_hash != old_hash


def test_request_by_phone_from_the_page(grid, client_for):
    client = client_for("kaiwu")
    url = reverse("care:request_new_resident", args=[grid.residents["wang"].pk])
    token = client.get(url).context["form"]["form_token"].value()
    body = {
        "category": "supplies",
        "urgency": "today",
        "source": "phone",
        "description": "缺米",
        "form_token": token,
    }
    assert client.post(url, body).status_code == 200
    assert client.post(url, body).status_code == 200
    hr = HelpRequest.objects.get()
    assert (hr.source, hr.resident, hr.created_by) == (
        "phone",
        grid.residents["wang"],
        grid.users["kaiwu"],
    )


def test_export_is_the_filtered_queue_and_is_audited(grid, client_for):
    make_request(grid, "zhang", category="medicine")
    make_request(grid, "li", category="supplies")
    response = client_for("kaiwu").get(
        reverse("care:export", args=["committee"]), {"pk": grid.kaiwu.pk, "category": "medicine"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2
    assert rows[1][5] == "张三丰"
    assert rows[1][6] == "138****5678"  # committee staff see phones masked
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["rows"] == 1 and entry.detail["filters"] == {"category": "medicine"}


def test_coverage_counts_what_was_not_visited_within_n_days(grid, client_for):
    visit_record(user=grid.users["alice"], household=grid.households["b1_101"], outcome="all_well")
    visit_record(
        user=grid.users["alice"], household=grid.households["b1_102"], outcome="nobody_home"
    )
    page = client_for("alice").get(reverse("care:coverage"))
    rows = {r.building.pk: r for r in page.context["rows"]}
    assert set(rows) == {grid.b1.pk}  # alice's building only
    b1 = rows[grid.b1.pk]
    assert (b1.households, b1.households_overdue) == (2, 1)  # nobody home does not count
    assert (b1.special, b1.special_overdue) == (2, 1)  # 张三丰 (visited with 101), 李秀英
    assert page.context["volunteers"][0]["visits"] == 2
    later = timezone.now() + dt.timedelta(days=grid.town.visit_overdue_days, hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client_for("kaiwu").get(reverse("care:coverage"))
    rows = {r.building.pk: r for r in page.context["rows"]}
    assert set(rows) == {grid.b1.pk, grid.b2.pk}
    assert rows[grid.b1.pk].households_overdue == 2


def test_knock_list_puts_unvisited_doors_first(grid, client_for):
    visit_record(user=grid.users["alice"], household=grid.households["b1_101"], outcome="all_well")
    page = client_for("alice").get(reverse("care:visits"))
    doors = [h.pk for h in page.context["page"].object_list]
    assert doors == [grid.households["b1_102"].pk, grid.households["b1_101"].pk]
    special = [r.pk for r in page.context["special"]]
    assert special == [grid.residents["li"].pk, grid.residents["zhang"].pk]
    dave = client_for("dave").get(reverse("care:visits"))
    assert [r.pk for r in dave.context["special"]] == [grid.residents["chen"].pk]


def test_posters_are_pdfs_with_a_link_per_building(grid, client_for):
    one = client_for("alice").get(reverse("care:poster", args=[grid.b1.pk]))
    assert one["Content-Type"] == "application/pdf" and one.content.startswith(b"%PDF")
    link = SelfServiceLink.objects.get(building=grid.b1)
    assert len(link.token) >= 32
    many = client_for("kaiwu").get(reverse("care:committee_posters", args=[grid.kaiwu.pk]))
    assert len(re.findall(rb"/Type /Page\b(?!s)", many.content)) == 2  # 1号楼, 2号楼
    assert SelfServiceLink.objects.count() == 2
    old = link.token
    renew = client_for("alice").post(reverse("care:poster", args=[grid.b1.pk]), {"renew": "1"})
    assert renew.status_code == 302
    assert SelfServiceLink.objects.get(building=grid.b1).token != old
    assert Client().get(reverse("care:ask", args=[old])).status_code == 404


def test_index_lists_the_queues_of_each_role(grid, client_for):
    make_request(grid, "zhang")
    pages = {who: client_for(who).get(reverse("care:index")).content.decode() for who in LOGINS}
    committee = reverse("care:committee", args=[grid.kaiwu.pk])
    assert committee in pages["kaiwu"] and committee in pages["bob"] and committee in pages["town"]
    assert committee not in pages["alice"] and committee not in pages["lishui"]
    assert reverse("care:buildings") in pages["alice"]
    assert reverse("care:town") in pages["town"] and reverse("care:town") not in pages["kaiwu"]
    assert reverse("care:committee_posters", args=[grid.kaiwu.pk]) in pages["kaiwu"]
    assert "care:committee_posters" not in pages["bob"] and "posters.pdf" not in pages["bob"]
    assert "您目前没有需要处理的诉求队列" in pages["charlie"]


def test_a_big_scope_picks_a_building_before_the_knock_list(grid, client_for, monkeypatch):
    from linli.care import views_visits

    monkeypatch.setattr(views_visits, "KNOCK_LIST_MAX", 3)  # 新凯五村 has 4 households
    client = client_for("kaiwu")
    page = client.get(reverse("care:visits"))
    assert page.context["too_many"] and "请先在走访覆盖页选择楼栋" in page.content.decode()
    narrowed = client.get(reverse("care:visits"), {"building": grid.b2.pk})
    assert not narrowed.context["too_many"]
    assert {h.pk for h in narrowed.context["page"].object_list} == {
        grid.households["b2_101"].pk,
        grid.households["b2_201"].pk,
    }
    assert [r.pk for r in narrowed.context["special"]] == [grid.residents["zhao"].pk]
    assert not client_for("alice").get(reverse("care:visits")).context["too_many"]


def test_the_resident_page_links_to_knocking_and_asking_for_whoever_sees_the_resident(
    grid, client_for
):
    chen = grid.residents["chen"]  # 丽水, paired with dave
    knock = reverse("care:visit_resident", args=[chen.pk])
    ask = reverse("care:request_new_resident", args=[chen.pk])
    for who in ("town", "lishui", "dave"):
        client = client_for(who)
        html = client.get(chen.get_absolute_url()).content.decode()
        assert knock in html and ask in html
        assert client.get(knock).status_code == client.get(ask).status_code == 200
    # A paired volunteer sees the resident, not the household: the knock page asks for them.
    knock_page = client_for("dave").get(knock).content.decode()
    household_ask = reverse("care:request_new_household", args=[chen.household_id])
    assert f'href="{ask}"' in knock_page and household_ask not in knock_page
    for who in ("kaiwu", "alice", "charlie"):  # cannot open the page, nor the links
        assert client_for(who).get(chen.get_absolute_url()).status_code == 404
    chen.status = chen.Status.DECEASED
    chen.save(update_fields=["status"])
    html = client_for("town").get(chen.get_absolute_url()).content.decode()
    assert knock not in html and ask not in html


def test_the_admin_shows_care_read_only_with_numbers_masked(grid, client):
    from linli.accounts.models import User

    hr = make_request(grid, "zhang")
    HelpRequest.objects.filter(pk=hr.pk).update(contact_phone="13812345678")
    visit_record(user=grid.users["alice"], household=grid.households["b1_101"], outcome="all_well")
    client.force_login(User.objects.create_superuser("root", password="x"))
    for model in ("helprequest", "visit", "selfservicelink"):
        assert client.get(f"/admin/care/{model}/").status_code == 200, model
        assert client.get(f"/admin/care/{model}/add/").status_code == 403, model
    page = client.get(f"/admin/care/helprequest/{hr.pk}/change/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    client.post(f"/admin/care/helprequest/{hr.pk}/change/", {"status": "done"})
    assert HelpRequest.objects.get(pk=hr.pk).status == hr.status  # only the workflow moves it
    visit = Visit.objects.get()
    assert client.get(f"/admin/care/visit/{visit.pk}/change/").status_code == 200


def test_the_index_reads_the_users_committees_once(grid, client_for):
    client = client_for("kaiwu")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("care:index"))
    assert reverse("care:committee", args=[grid.kaiwu.pk]) in page.content.decode()
    listing = [q["sql"] for q in queries if 'ORDER BY "places_committee"."name"' in q["sql"]]
    assert len(listing) == 1, listing  # the queues and the posters share one read
