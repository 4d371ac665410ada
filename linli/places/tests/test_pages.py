"""The registry's list and detail pages: anonymous, out of scope, in scope."""

import pytest
from django.urls import reverse

from linli.places.models import CareTag, Resident

LISTS = ["places:committees", "places:compounds", "places:buildings", "places:residents"]


def detail_urls(s):
    return {
        "committee": reverse("places:committee", args=[s.kaiwu.pk]),
        "compound": reverse("places:compound", args=[s.xiangzhang.pk]),
        "building": reverse("places:building", args=[s.b1.pk]),
        "resident": reverse("places:resident", args=[s.residents["zhang"].pk]),
    }


def text(response):
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_anonymous_is_sent_to_login_from_lists(client, scenario, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["committee", "compound", "building", "resident"])
def test_anonymous_is_sent_to_login_from_details(client, scenario, kind):
    response = client.get(detail_urls(scenario)[kind])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["lishui", "charlie"])
@pytest.mark.parametrize("kind", ["committee", "compound", "building", "resident"])
def test_places_out_of_scope_are_not_found(client_for, scenario, username, kind):
    assert client_for(username).get(detail_urls(scenario)[kind]).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["kaiwu", "town"])
@pytest.mark.parametrize("kind", ["committee", "compound", "building", "resident"])
def test_places_in_scope_are_shown(client_for, scenario, username, kind):
    response = client_for(username).get(detail_urls(scenario)[kind])
    assert response.status_code == 200


@pytest.mark.django_db
def test_committee_staff_list_only_their_residents(client_for, scenario):
    page = text(client_for("kaiwu").get(reverse("places:residents")))
    for name in ["张三丰", "李秀英", "王建国", "赵丽华"]:
        assert name in page
    assert "陈国强" not in page and "刘小红" not in page


@pytest.mark.django_db
def test_other_committee_sees_only_its_own(client_for, scenario):
    page = text(client_for("lishui").get(reverse("places:residents")))
    assert "陈国强" in page and "刘小红" in page
    assert "张三丰" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_login_without_scope_gets_empty_lists(client_for, scenario, name):
    response = client_for("charlie").get(reverse(name))
    assert response.status_code == 200
    page = text(response)
    for place in ["新凯五村", "丽水苑", "香樟苑", "张三丰", "陈国强"]:
        assert place not in page
    assert "没有记录" in page


@pytest.mark.django_db
def test_place_lists_count_through_the_gate(client_for, scenario):
    kaiwu = client_for("kaiwu")
    table = kaiwu.get(reverse("places:committees")).context["table"]
    assert [r.name for r in table.data] == ["新凯五村"]
    assert table.counts == {
        scenario.kaiwu.pk: {
            "compounds_n": 1,
            "buildings_n": 2,
            "households_n": 4,
            "residents_n": 4,
            "special_n": 3,
        }
    }
    buildings = [b.name for b in kaiwu.get(reverse("places:buildings")).context["table"].data]
    assert sorted(buildings) == ["1号楼", "2号楼"]
    town_table = client_for("town").get(reverse("places:committees")).context["table"]
    residents = {pk: figures["residents_n"] for pk, figures in town_table.counts.items()}
    assert residents == {scenario.kaiwu.pk: 4, scenario.lishui.pk: 2}


@pytest.mark.django_db
def test_residents_who_left_are_listed_but_not_counted(client_for, scenario):
    Resident.objects.filter(pk=scenario.residents["wang"].pk).update(status="moved_out")
    kaiwu = client_for("kaiwu")
    assert "王建国" in text(kaiwu.get(reverse("places:residents")))
    committee = kaiwu.get(reverse("places:committee", args=[scenario.kaiwu.pk]))
    assert committee.context["figures"]["residents_n"] == 3


@pytest.mark.django_db
def test_lists_show_masked_numbers(client_for, scenario):
    zhang = scenario.residents["zhang"]
    page = text(client_for("kaiwu").get(reverse("places:residents")))
    assert zhang.id_number[:3] + "*" * 11 + zhang.id_number[-4:] in page
    assert "138****5678" in page
    assert zhang.id_number not in page and "13812345678" not in page


@pytest.mark.django_db
def test_building_page_shows_households_with_their_residents(client_for, scenario):
    page = text(client_for("kaiwu").get(reverse("places:building", args=[scenario.b1.pk])))
    assert "101" in page and "102" in page
    assert "张三丰" in page and "李秀英" in page and "王建国" not in page
    assert "138****5678" in page and "13812345678" not in page


@pytest.mark.django_db
def test_resident_page_masks_and_offers_reveal(client_for, scenario):
    zhang = scenario.residents["zhang"]
    page = text(client_for("kaiwu").get(reverse("places:resident", args=[zhang.pk])))
    assert "138****5678" in page and "13812345678" not in page and zhang.id_number not in page
    assert reverse("places:resident_reveal", args=[zhang.pk, "phone"]) in page
    assert "独居老人" in page and "香樟苑 1号楼 101" in page


def resident_names(response):
    return sorted(r.name for r in response.context["table"].data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("zsf", ["张三丰"]),
        ("ZS", ["张三丰"]),
        ("秀英", ["李秀英"]),
        ("5678", ["张三丰"]),
        ("13812345678", ["张三丰"]),
        ("101", ["张三丰", "王建国"]),
        ("201", ["赵丽华"]),
        ("陈国强", []),
        ("  ", ["张三丰", "李秀英", "王建国", "赵丽华"]),
    ],
)
def test_search_by_name_initials_phone_tail_or_room(client_for, scenario, q, expected):
    response = client_for("kaiwu").get(reverse("places:residents"), {"q": q})
    assert response.status_code == 200
    assert resident_names(response) == sorted(expected)


@pytest.mark.django_db
def test_phone_tail_needs_four_digits(client_for, scenario):
    response = client_for("kaiwu").get(reverse("places:residents"), {"q": "678"})
    assert resident_names(response) == []


@pytest.mark.django_db
def test_filters_by_care_tag_status_and_place(client_for, scenario):
    kaiwu = client_for("kaiwu")
    dialysis = CareTag.objects.get(name="血透")
    url = reverse("places:residents")
    assert resident_names(kaiwu.get(url, {"care_tag": dialysis.pk})) == ["李秀英"]
    assert resident_names(kaiwu.get(url, {"special": "on"})) == ["张三丰", "李秀英", "赵丽华"]
    Resident.objects.filter(pk=scenario.residents["wang"].pk).update(status="away")
    assert resident_names(kaiwu.get(url, {"status": "away"})) == ["王建国"]
    assert resident_names(kaiwu.get(url, {"building": scenario.b2.pk})) == ["王建国", "赵丽华"]
    both = kaiwu.get(url, {"building": scenario.b1.pk, "q": "lxy"})
    assert resident_names(both) == ["李秀英"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"committee": "lishui"},  # replaced by the id below
        {"building": "abc"},
        {"care_tag": "99999"},
        {"status": "escaped"},
        {"compound": "99999999999999999999999"},
    ],
)
def test_invalid_or_foreign_filters_are_a_400_with_no_rows(client_for, scenario, params):
    if params.get("committee") == "lishui":
        params = {"committee": scenario.lishui.pk}
    response = client_for("kaiwu").get(reverse("places:residents"), params)
    assert response.status_code == 400
    assert resident_names(response) == []
    assert 'class="errorlist"' in text(response)


@pytest.mark.django_db
def test_place_lists_filter_by_name_and_committee(client_for, scenario):
    town = client_for("town")
    compounds = town.get(reverse("places:compounds"), {"committee": scenario.lishui.pk})
    assert [c.name for c in compounds.context["table"].data] == ["丽水苑"]
    buildings = town.get(reverse("places:buildings"), {"compound": scenario.xiangzhang.pk})
    assert sorted(b.name for b in buildings.context["table"].data) == ["1号楼", "2号楼"]
    committees = town.get(reverse("places:committees"), {"q": "丽"})
    assert [c.name for c in committees.context["table"].data] == ["丽水"]


@pytest.mark.django_db
def test_bad_page_and_sort_values_do_not_break_lists(client_for, scenario):
    kaiwu = client_for("kaiwu")
    url = reverse("places:residents")
    for params in [{"page": "x"}, {"page": "999"}, {"sort": "nope"}, {"sort": "-name"}]:
        assert kaiwu.get(url, params).status_code == 200


def add_residents(scenario, count):
    household = scenario.households["b1_101"]
    tag = CareTag.objects.get(name="慢性病")
    made = Resident.objects.bulk_create(
        Resident(town=scenario.town, household=household, name=f"居民{i}", phone=f"1390000{i:04d}")
        for i in range(count)
    )
    for resident in made:
        resident.care_tags.add(tag)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_list_pages_keep_query_counts_flat(
    client_for, scenario, django_assert_max_num_queries, name
):
    kaiwu = client_for("kaiwu")
    # Two of them are Django's permission cache (user and group permissions), read once per
    # request by `has_perm` when the rule book says no.
    with django_assert_max_num_queries(14) as few:
        kaiwu.get(reverse(name))
    add_residents(scenario, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = kaiwu.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_resident_list_is_paginated(client_for, scenario):
    add_residents(scenario, 60)
    response = client_for("kaiwu").get(reverse("places:residents"))
    assert len(response.context["table"].page.object_list) == 50
    second = client_for("kaiwu").get(reverse("places:residents"), {"page": 2})
    assert len(second.context["table"].page.object_list) == 14


@pytest.mark.django_db
def test_pages_switch_to_english(client_for, scenario):
    kaiwu = client_for("kaiwu")
    response = kaiwu.post(reverse("set_language"), {"language": "en", "next": "/places/residents/"})
    assert response.status_code == 302
    page = text(kaiwu.get(reverse("places:residents")))
    assert "Residents" in page and "Export" in page and "ID number" in page
    assert 'lang="en"' in page
    chinese = text(client_for("kaiwu").get(reverse("places:residents")))
    assert "导出 Excel" in chinese and 'lang="zh-hans"' in chinese


@pytest.mark.django_db
def test_long_building_lists_wait_for_a_committee_or_compound(client_for, scenario, monkeypatch):
    from linli.places import filters

    monkeypatch.setattr(filters, "BUILDING_CHOICES_MAX", 1)
    town = client_for("town")
    url = reverse("places:residents")
    html = text(town.get(url))
    select = html.split('name="building"')[1].split("</select>")[0]
    assert "先选择居委或小区" in select and "香樟苑 1号楼" not in select
    chosen = town.get(url, {"building": scenario.b2.pk})
    assert resident_names(chosen) == ["王建国", "赵丽华"]
    narrowed = text(town.get(url, {"compound": scenario.xiangzhang.pk}))
    select = narrowed.split('name="building"')[1].split("</select>")[0]
    assert "香樟苑 1号楼" in select and "丽水苑" not in select


@pytest.mark.django_db
def test_breadcrumbs_link_only_to_places_the_user_may_open(client_for, scenario):
    from linli.testing.scenario import build_grid_scenario

    s = build_grid_scenario(scenario)  # alice leads 1号楼; bob is second secretary of 香樟苑
    urls = detail_urls(s)
    leader = text(client_for("alice").get(urls["resident"]))
    assert f'href="{urls["building"]}"' in leader and "香樟苑" in leader and "新凯五村" in leader
    assert f'href="{urls["compound"]}"' not in leader
    assert f'href="{urls["committee"]}"' not in leader
    secretary = text(client_for("bob").get(urls["building"]))
    assert f'href="{urls["compound"]}"' in secretary
    assert f'href="{urls["committee"]}"' not in secretary
    staff = text(client_for("kaiwu").get(urls["resident"]))
    assert all(f'href="{urls[k]}"' in staff for k in ("committee", "compound", "building"))


@pytest.mark.django_db
def test_lists_link_only_to_places_the_user_may_open(client_for, scenario):
    from linli.testing.scenario import build_grid_scenario

    s = build_grid_scenario(scenario)
    urls = detail_urls(s)
    leader = text(client_for("alice").get(reverse("places:buildings")))
    assert f'href="{urls["building"]}"' in leader and "香樟苑" in leader
    assert f'href="{urls["compound"]}"' not in leader
    assert f'href="{urls["committee"]}"' not in leader
    staff = text(client_for("kaiwu").get(reverse("places:buildings")))
    assert f'href="{urls["compound"]}"' in staff and f'href="{urls["committee"]}"' in staff
