"""Role x page/endpoint x in/out of scope: every page and endpoint that shows people, read by
every role of the grid, shows no resident or volunteer outside the role's scope; details out
of scope are a 404 (or a redirect to the login page for the anonymous)."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

RESIDENTS = {
    "town": {"zhang", "li", "wang", "zhao", "chen", "liu"},
    "kaiwu": {"zhang", "li", "wang", "zhao"},
    "lishui": {"chen", "liu"},
    "alice": {"zhang", "li"},  # building leader of 香樟苑 1号楼
    "bob": {"zhang", "li", "wang", "zhao"},  # second secretary of 香樟苑
    "dave": {"chen"},  # paired with 陈国强
    "erin": {"zhao"},  # neighbour keeper of 2号楼 201
    "charlie": set(),
    "anonymous": set(),
}
VOLUNTEERS = {
    "town": {"alice", "bob", "dave", "erin"},
    "kaiwu": {"alice", "bob", "erin"},
    "lishui": {"dave"},
    "alice": {"alice"},
    "bob": {"alice", "bob", "erin"},
    "dave": {"dave"},
    "erin": {"erin"},
    "charlie": set(),
    "anonymous": set(),
}


def clients(grid):
    result = {}
    for role in RESIDENTS:
        page, api = Client(), Client()
        if role != "anonymous":
            page.force_login(grid.users[role])
            key = ApiToken.issue(grid.users[role])
            api = Client(headers={"authorization": f"Bearer {key}"})
        result[role] = (page, api)
    return result


def list_urls(grid):
    k, lsh = grid.kaiwu.pk, grid.lishui.pk
    pages = [
        reverse("duty:index"),
        reverse("duty:mine"),
        reverse("duty:claim"),
        reverse("duty:coverage"),
        reverse("duty:committee", args=[k]),
        reverse("duty:committee", args=[lsh]),
        reverse("duty:assign", args=[k]),
        reverse("duty:suggestions", args=[k]),
        reverse("duty:suggestions", args=[lsh]),
        reverse("places:residents"),
        reverse("places:building", args=[grid.b1.pk]),
        reverse("places:building", args=[grid.lb1.pk]),
        reverse("home"),
    ]
    api = [
        "/api/v1/volunteers/",
        "/api/v1/duties/?history=true",
        "/api/v1/claims/",
        "/api/v1/pairings/?history=true",
        f"/api/v1/pairing-suggestions/?committee_id={k}",
        f"/api/v1/pairing-suggestions/?committee_id={lsh}",
        "/api/v1/residents/",
        "/api/v1/reports/duty-coverage/?town=泗泾镇",
    ]
    return pages, api


def test_no_role_reads_anybody_out_of_its_scope(grid):
    resident_names = {k: r.name for k, r in grid.residents.items()}
    volunteer_names = {k: v.name for k, v in grid.volunteers.items()}
    pages, api = list_urls(grid)
    out_of_scope_reads, server_errors, checked = [], [], 0
    for role, (page, api_client) in clients(grid).items():
        hidden = [n for k, n in resident_names.items() if k not in RESIDENTS[role]]
        hidden += [n for k, n in volunteer_names.items() if k not in VOLUNTEERS[role]]
        for client, urls in ((page, pages), (api_client, api)):
            for url in urls:
                response = client.get(url)
                checked += 1
                if response.status_code >= 500:
                    server_errors.append((role, url, response.status_code))
                body = response.content.decode()
                out_of_scope_reads += [(role, url, n) for n in hidden if n in body]
    assert checked == len(RESIDENTS) * (len(pages) + len(api))
    assert server_errors == []
    assert out_of_scope_reads == []


@pytest.mark.parametrize("role", sorted(RESIDENTS))
def test_details_in_scope_are_shown_and_out_of_scope_are_404(grid, role):
    page, api = clients(grid)[role]
    for key, resident in grid.residents.items():
        inside = key in RESIDENTS[role]
        response = page.get(reverse("places:resident", args=[resident.pk]))
        expected = 200 if inside else (302 if role == "anonymous" else 404)
        assert response.status_code == expected, (role, key, "page")
        response = api.get(f"/api/v1/residents/{resident.pk}/")
        expected = 200 if inside else (401 if role == "anonymous" else 404)
        assert response.status_code == expected, (role, key, "api")
    for key, volunteer in grid.volunteers.items():
        inside = key in VOLUNTEERS[role]
        response = page.get(reverse("duty:volunteer", args=[volunteer.pk]))
        expected = 200 if inside else (302 if role == "anonymous" else 404)
        assert response.status_code == expected, (role, key, "volunteer page")
        response = api.get(f"/api/v1/volunteers/{volunteer.pk}/")
        expected = 200 if inside else (401 if role == "anonymous" else 404)
        assert response.status_code == expected, (role, key, "volunteer api")


@pytest.mark.parametrize(
    ("role", "kaiwu", "lishui"),
    [
        ("town", 200, 200),
        ("kaiwu", 200, 404),
        ("lishui", 404, 200),
        ("alice", 404, 404),
        ("bob", 404, 404),
        ("dave", 404, 404),
        ("erin", 404, 404),
        ("charlie", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_committee_pages_are_for_the_committees_staff(grid, role, kaiwu, lishui):
    page, _api = clients(grid)[role]
    for name in ("duty:committee", "duty:assign", "duty:suggestions", "duty:poster"):
        assert page.get(reverse(name, args=[grid.kaiwu.pk])).status_code == kaiwu, name
        assert page.get(reverse(name, args=[grid.lishui.pk])).status_code == lishui, name


def test_volunteer_pages_show_their_part_with_phone_full_and_id_masked(grid, client_for):
    dave = client_for("dave").get(reverse("duty:mine")).content.decode()
    chen = grid.residents["chen"]
    assert chen.name in dave and chen.phone in dave
    assert chen.id_number not in dave and chen.id_number[-4:] in dave
    assert "慢性病" in dave  # care tags are visible to the paired volunteer
    alice = client_for("alice").get(reverse("duty:mine")).content.decode()
    assert "张三丰" in alice and "李秀英" in alice and "13812345678" in alice


def test_scope_change_takes_effect_on_the_next_request(grid, client_for):
    from linli.duty import services
    from linli.duty.models import Duty

    erin = client_for("erin")
    assert "王建国" not in erin.get(reverse("places:residents")).content.decode()
    services.duty_assign(
        user=grid.users["kaiwu"],
        volunteer=grid.volunteers["erin"],
        kind="building_leader",
        place=grid.b2,
    )
    assert "王建国" in erin.get(reverse("places:residents")).content.decode()
    services.duty_end(
        user=grid.users["kaiwu"],
        duty=Duty.objects.get(volunteer__name="艾琳", kind="building_leader"),
    )
    assert "王建国" not in erin.get(reverse("places:residents")).content.decode()
    resident = grid.residents["wang"]
    assert erin.get(reverse("places:resident", args=[resident.pk])).status_code == 404
