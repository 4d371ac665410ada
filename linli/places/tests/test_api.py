"""The places API: anonymous, out of scope and in scope; filters, pagination, reasons for 4xx."""

import pytest
from django.test import Client

from linli.accounts.models import ApiToken
from linli.places.models import CareTag, Resident

ENDPOINTS = [
    "/api/v1/committees/",
    "/api/v1/compounds/",
    "/api/v1/buildings/",
    "/api/v1/residents/",
    "/api/v1/care-tags/",
    "/api/v1/reports/registry/",
]


@pytest.fixture
def api_for(scenario):
    def make(username):
        return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(scenario.users[username])}")

    return make


def detail_urls(s):
    return [
        f"/api/v1/committees/{s.kaiwu.pk}/",
        f"/api/v1/compounds/{s.xiangzhang.pk}/",
        f"/api/v1/buildings/{s.b1.pk}/",
        f"/api/v1/residents/{s.residents['zhang'].pk}/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_gets_401(client, scenario, url):
    response = client.get(url)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


@pytest.mark.django_db
def test_anonymous_gets_401_on_details_and_bad_tokens_too(client, scenario):
    for url in detail_urls(scenario):
        assert client.get(url).status_code == 401
        assert client.get(url, HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


@pytest.mark.django_db
def test_committee_staff_list_their_residents_masked(api_for, scenario):
    body = api_for("kaiwu").get("/api/v1/residents/").json()
    assert body["count"] == 4
    zhang = next(r for r in body["items"] if r["name"] == "张三丰")
    z = scenario.residents["zhang"]
    assert zhang["id"] == z.pk
    assert zhang["id_number"] == z.id_number[:3] + "*" * 11 + z.id_number[-4:]
    assert zhang["phone"] == "138****5678"
    assert zhang["committee"] == "新凯五村" and zhang["committee_id"] == scenario.kaiwu.pk
    assert zhang["compound"] == "香樟苑" and zhang["building"] == "1号楼" and zhang["room"] == "101"
    assert zhang["care_tags"] == ["独居老人", "高龄老人"]
    assert zhang["status"] == "present"


@pytest.mark.django_db
def test_out_of_scope_lists_are_empty(api_for, scenario):
    lishui = api_for("lishui").get("/api/v1/residents/").json()
    assert sorted(r["name"] for r in lishui["items"]) == ["刘小红", "陈国强"]
    charlie = api_for("charlie")
    for url in ENDPOINTS[:4]:
        assert charlie.get(url).json() == {"items": [], "count": 0}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["lishui", "charlie"])
def test_out_of_scope_details_are_404(api_for, scenario, username):
    client = api_for(username)
    for url in detail_urls(scenario):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "未找到 (not found)"}


@pytest.mark.django_db
def test_in_scope_details(api_for, scenario):
    kaiwu = api_for("kaiwu")
    committee, compound, building, resident = (kaiwu.get(u).json() for u in detail_urls(scenario))
    assert committee == {
        "id": scenario.kaiwu.pk,
        "name": "新凯五村",
        "compounds": 1,
        "buildings": 2,
        "households": 4,
        "residents": 4,
        "special_residents": 3,
    }
    assert compound["committee"] == "新凯五村" and compound["kind"] == "residential"
    assert compound["buildings"] == 2 and compound["residents"] == 4
    assert building["compound"] == "香樟苑" and building["households"] == 2
    assert resident["name"] == "张三丰" and resident["phone"] == "138****5678"


@pytest.mark.django_db
def test_place_lists(api_for, scenario):
    town = api_for("town")
    assert town.get("/api/v1/committees/").json()["count"] == 2
    compounds = town.get("/api/v1/compounds/", {"committee": scenario.lishui.pk}).json()
    assert [c["name"] for c in compounds["items"]] == ["丽水苑"]
    buildings = town.get("/api/v1/buildings/", {"committee": scenario.kaiwu.pk}).json()
    assert sorted(b["name"] for b in buildings["items"]) == ["1号楼", "2号楼"]
    assert api_for("kaiwu").get("/api/v1/buildings/").json()["count"] == 2


@pytest.mark.django_db
def test_resident_filters(api_for, scenario):
    town = api_for("town")

    def names(params):
        response = town.get("/api/v1/residents/", params)
        assert response.status_code == 200, response.content
        return sorted(r["name"] for r in response.json()["items"])

    dialysis = CareTag.objects.get(name="血透")
    assert names({"q": "zsf"}) == ["张三丰"]
    assert names({"q": "5604"}) == ["陈国强"]
    assert names({"q": "301"}) == ["刘小红"]
    assert names({"care_tag": dialysis.pk}) == ["李秀英"]
    assert names({"committee": scenario.lishui.pk}) == ["刘小红", "陈国强"]
    assert names({"building": scenario.b2.pk}) == ["王建国", "赵丽华"]
    assert names({"special": "true", "committee": scenario.lishui.pk}) == ["陈国强"]
    Resident.objects.filter(pk=scenario.residents["liu"].pk).update(status="moved_out")
    assert names({"status": "moved_out"}) == ["刘小红"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"care_tag": "99999"}, 404, "care_tag"),
        ({"committee": "abc"}, 422, "committee"),
        ({"building": "1.5"}, 422, "building"),
        ({"status": "escaped"}, 422, "status"),
        ({"limit": "-1"}, 422, "limit"),
        ({"limit": "0"}, 422, "limit"),
        ({"offset": "-5"}, 422, "offset"),
        ({"offset": "99999999999999999999999"}, 422, "offset"),
        ({"compound": "99999999999999999999999"}, 422, "compound"),
        ({"committee": "0"}, 422, "committee"),
    ],
)
def test_invalid_filters_are_4xx_with_a_reason(api_for, scenario, params, status, reason):
    response = api_for("kaiwu").get("/api/v1/residents/", params)
    assert response.status_code == status
    assert reason in response.content.decode()


@pytest.mark.django_db
def test_filtering_by_a_foreign_committee_is_refused(api_for, scenario):
    """As a detail endpoint would: a 404 that does not confirm the committee exists."""
    response = api_for("kaiwu").get("/api/v1/residents/", {"committee": scenario.lishui.pk})
    assert response.status_code == 404
    assert "committee" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "-1", "99999999999999999999999"])
def test_bad_ids_in_paths_are_4xx(api_for, scenario, bad):
    client = api_for("town")
    for kind in ["committees", "compounds", "buildings", "residents"]:
        response = client.get(f"/api/v1/{kind}/{bad}/")
        assert 400 <= response.status_code < 500, (kind, bad)


@pytest.mark.django_db
def test_pagination_is_limit_offset_and_capped(api_for, scenario):
    household = scenario.households["b1_101"]
    Resident.objects.bulk_create(
        Resident(town=scenario.town, household=household, name=f"居民{i}") for i in range(230)
    )
    kaiwu = api_for("kaiwu")
    page = kaiwu.get("/api/v1/residents/", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 234 and len(page["items"]) == 2
    assert len(kaiwu.get("/api/v1/residents/").json()["items"]) == 50
    assert len(kaiwu.get("/api/v1/residents/", {"limit": 1000}).json()["items"]) == 200


@pytest.mark.django_db
def test_resident_list_keeps_query_count_flat(api_for, scenario, django_assert_max_num_queries):
    kaiwu = api_for("kaiwu")
    with django_assert_max_num_queries(8) as few:
        kaiwu.get("/api/v1/residents/")
    household = scenario.households["b1_101"]
    made = Resident.objects.bulk_create(
        Resident(town=scenario.town, household=household, name=f"居民{i}") for i in range(40)
    )
    tag = CareTag.objects.get(name="独居老人")
    for resident in made:
        resident.care_tags.add(tag)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert kaiwu.get("/api/v1/residents/").json()["count"] == 44


@pytest.mark.django_db
def test_care_tags_are_the_builtin_and_the_towns_own(api_for, scenario):
    from linli.places.models import Town

    other = Town.objects.create(name="海湾镇")
    CareTag.objects.create(town=scenario.town, name="失独家庭")
    CareTag.objects.create(town=other, name="别镇标签")
    names = [t["name"] for t in api_for("kaiwu").get("/api/v1/care-tags/").json()]
    assert "独居老人" in names and "失独家庭" in names and "别镇标签" not in names


@pytest.mark.django_db
def test_registry_report_through_the_gate(api_for, scenario):
    kaiwu = api_for("kaiwu").get("/api/v1/reports/registry/").json()
    assert kaiwu["town"] == "泗泾镇"
    assert (kaiwu["committees"], kaiwu["buildings"], kaiwu["residents"]) == (1, 2, 4)
    town = api_for("town").get("/api/v1/reports/registry/").json()
    assert (town["committees"], town["residents"], town["special_residents"]) == (2, 6, 4)
    assert town["care_tags"]["独居老人"] == 1
    assert api_for("charlie").get("/api/v1/reports/registry/").json()["residents"] == 0


@pytest.mark.django_db
def test_reports_of_unknown_kinds_or_other_towns_are_404(api_for, scenario):
    from linli.places.models import Town

    Town.objects.create(name="海湾镇")
    town = api_for("town")
    assert town.get("/api/v1/reports/nonsense/").status_code == 404
    assert town.get("/api/v1/reports/registry/", {"town": "海湾镇"}).status_code == 404
    assert town.get("/api/v1/reports/registry/", {"town": "泗泾镇"}).status_code == 200


@pytest.mark.django_db
def test_openapi_schema_lists_the_endpoints(client, scenario):
    schema = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/auth/token",
        "/api/v1/residents/",
        "/api/v1/residents/{resident_id}/",
        "/api/v1/committees/",
        "/api/v1/compounds/",
        "/api/v1/buildings/",
        "/api/v1/reports/{kind}/",
    ]:
        assert path in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/residents/"]["get"]["parameters"]}
    assert {"q", "committee", "building", "care_tag", "limit", "offset"} <= params


@pytest.mark.django_db
def test_docs_page_loads_its_assets_locally(client, scenario):
    import re

    from django.contrib.staticfiles import finders

    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in html.lower()
