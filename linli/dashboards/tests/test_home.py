"""The home dashboard: the registry's figures and charts, by the user's scope."""

import json

import pytest
from django.urls import reverse

from linli.testing.scenario import PASSWORD, build_grid_scenario


@pytest.fixture
def grid(scenario):
    return build_grid_scenario(scenario)


def chart_data(response):
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, scenario):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_town_staff_see_the_whole_town(client_for, scenario):
    response = client_for("town").get(reverse("home"))
    figures = response.context["figures"]
    assert (figures["committees"], figures["buildings"], figures["residents"]) == (2, 3, 6)
    assert figures["special_residents"] == 4
    data = chart_data(response)
    assert dict(zip(data["committees"], data["residents"], strict=True)) == {
        "新凯五村": 4,
        "丽水": 2,
    }
    assert dict(zip(data["tags"], data["tag_counts"], strict=True))["慢性病"] == 1


@pytest.mark.django_db
def test_committee_staff_see_their_committee_only(client_for, scenario):
    response = client_for("kaiwu").get(reverse("home"))
    figures = response.context["figures"]
    assert (figures["committees"], figures["households"], figures["residents"]) == (1, 4, 4)
    assert figures["care_tags"]["慢性病"] == 0
    data = chart_data(response)
    assert data["committees"] == ["新凯五村"] and data["residents"] == [4]
    assert "丽水" not in response.content.decode()


@pytest.mark.django_db
def test_a_login_without_scope_sees_no_figures(client_for, scenario):
    response = client_for("charlie").get(reverse("home"))
    assert response.status_code == 200
    assert "figures" not in response.context
    assert "尚未分配范围" in response.content.decode()


@pytest.mark.django_db
def test_the_chart_library_is_served_locally(client_for, scenario):
    from django.contrib.staticfiles import finders

    html = client_for("town").get(reverse("home")).content.decode()
    assert 'src="/static/vendor/echarts.min.js"' in html
    assert 'src="/static/dashboards/home.js"' in html
    assert finders.find("vendor/echarts.min.js") and finders.find("dashboards/home.js")
    assert "://" not in "".join(line for line in html.splitlines() if "<script" in line)


@pytest.mark.django_db
def test_a_superuser_picks_the_town(client, scenario):
    from linli.accounts.models import User
    from linli.places.models import Town

    other = Town.objects.create(name="海湾镇")
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    assert client.get(reverse("home")).context["figures"]["town"] == "泗泾镇"
    chosen = client.get(reverse("home"), {"town": other.pk}).context["figures"]
    assert chosen["town"] == "海湾镇" and chosen["residents"] == 0
    assert client.get(reverse("home"), {"town": "x"}).status_code == 200


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_committees(
    client_for, scenario, django_assert_max_num_queries
):
    from linli.places.models import Committee

    town = client_for("town")
    # The registry's figures, then each part's report (grid, care, medicine, supplies,
    # screening, worksites).
    with django_assert_max_num_queries(80) as few:
        town.get(reverse("home"))
    for i in range(10):
        Committee.objects.create(town=scenario.town, name=f"新居委{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        town.get(reverse("home"))


@pytest.mark.django_db
def test_dashboard_in_english(client_for, scenario):
    town = client_for("town")
    town.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = town.get(reverse("home")).content.decode()
    assert "Registry overview" in html and "Residents per committee" in html


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["alice", "bob", "dave", "erin"])
def test_a_volunteer_lands_on_their_tasks_not_the_town_overview(client, grid, username):
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("care:tasks")
    html = response.content.decode()
    assert "人口登记概况" not in html and "echarts" not in html
    # The brand link and / take them to the same place.
    again = client.get(reverse("home"))
    assert again.status_code == 302 and again["Location"] == reverse("care:tasks")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["town", "kaiwu"])
def test_staff_land_on_the_town_overview(client, scenario, username):
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "figures" in response.context


@pytest.mark.django_db
def test_login_keeps_a_safe_next_and_refuses_another_site(client, grid):
    wanted = reverse("duty:mine")
    response = client.post(
        f"{reverse('login')}?next={wanted}", {"username": "alice", "password": PASSWORD}
    )
    assert response["Location"] == wanted
    client.post(reverse("logout"))
    response = client.post(
        f"{reverse('login')}?next=https://evil.example/",
        {"username": "alice", "password": PASSWORD},
    )
    assert response["Location"] == reverse("home")
