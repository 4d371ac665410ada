"""The site board and the town's list of sites, by role: roster vs tested per round (from
screening's counters), workers under observation, permits expiring, needs, transport, crews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.screening import sampling
from linli.screening import services as screening
from linli.screening.models import Sample, TestRound
from linli.supplies.services_worksites import worksite_need_save
from linli.worksites import services
from linli.worksites.models import Permit

pytestmark = pytest.mark.django_db


def _login(ws, name: str) -> Client:
    client = Client()
    client.force_login(ws.users[name])
    return client


def _antigen_round(ws, name: str, compounds: list) -> TestRound:
    round_ = screening.round_create(
        user=ws.users["town"],
        town=ws.town,
        name=name,
        kind=TestRound.Kind.ANTIGEN,
        date=timezone.localdate(),
        compounds=compounds,
    )
    return screening.round_open(user=ws.users["town"], round_=round_)


def _self_test(ws, round_: TestRound, resident) -> None:
    sampling.sample_record(
        user=ws.users["town"],
        round_=round_,
        resident=resident,
        taken_at=timezone.now(),
        source=Sample.Source.SELF,
        result="negative",
    )


def _vehicle_permit(ws, *, until: dt.timedelta, plate: str) -> Permit:
    now = timezone.now()
    return services.permit_issue(
        user=ws.users["town"],
        compound=ws.site,
        kind=Permit.Kind.VEHICLE,
        plate=plate,
        route="工地→仓库",
        valid_from=now - dt.timedelta(hours=1),
        valid_until=now + until,
    )


def test_the_board_shows_each_part_of_the_site(ws):
    round_ = _antigen_round(ws, "工地抗原第1轮", [ws.site, ws.xiangzhang])
    _self_test(ws, round_, ws.workers["zhou"])
    _self_test(ws, round_, ws.workers["wu"])
    _self_test(ws, round_, ws.residents["zhang"])  # 香樟苑: not the site's
    soon = _vehicle_permit(ws, until=dt.timedelta(days=2), plate="沪E11111")
    _vehicle_permit(ws, until=dt.timedelta(days=10), plate="沪E22222")
    revoked = _vehicle_permit(ws, until=dt.timedelta(days=1), plate="沪E33333")
    services.permit_revoke(user=ws.users["town"], permit=revoked, reason="改派")
    worksite_need_save(user=ws.users["kaiwu"], compound=ws.site, headcount=3, rice_kg=5)
    services.crew_loan_record(
        user=ws.users["kaiwu"],
        compound=ws.site,
        task="barriers",
        place="香樟苑北门",
        transport="工地自有车辆闭环转运",
        headcount=2,
        hours="6",
        date=timezone.localdate(),
        workers=[ws.workers["wu"], ws.workers["zheng"]],
    )
    services.site_profile_save(
        user=ws.users["kaiwu"],
        compound=ws.site,
        manager="钱工头",
        manager_phone="13900000066",
        contractor="建工集团",
    )
    text = _login(ws, "kaiwu").get(reverse("worksites:board", args=[ws.site.pk])).content.decode()
    # Roster vs tested: 3 workers expected, 2 sampled (the counters, summed over 2 dormitories).
    assert f'data-round="{round_.pk}">\n      <td>工地抗原第1轮</td>' in text
    row = text.split(f'data-round="{round_.pk}">')[1].split("</tr>")[0]
    assert "<td>3</td><td>2</td><td>0</td>" in row
    assert "<dd data-workers>3</dd>" in text
    # Observation: 周大力 entered 3 days ago; the others 60 days ago.
    observed = text.split("观察期内的工人")[1].split("</section>")[0]
    assert "周大力" in observed and "吴小海" not in observed and "(1)" in text
    expiring = text.split("三天内到期的通行证")[1].split("</section>")[0]
    assert soon.plate in expiring and "沪E22222" not in expiring and "沪E33333" not in expiring
    assert "在场人数 3" in text and "香樟苑北门" in text and "建工集团" in text
    for worker in ws.workers.values():
        assert worker.id_number not in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("town", 200),
        ("kaiwu", 200),
        ("foreman", 200),
        ("lishui", 404),
        ("bob", 404),  # second secretary of 香樟苑, not of the site
        ("alice", 404),
        ("charlie", 404),
    ],
)
def test_the_board_by_role(ws, role, status):
    answer = _login(ws, role).get(reverse("worksites:board", args=[ws.site.pk]))
    assert answer.status_code == status


def test_anonymous_is_sent_to_log_in_and_a_residential_compound_has_no_board(ws, client_for):
    answer = Client().get(reverse("worksites:board", args=[ws.site.pk]))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert (
        client_for("town").get(reverse("worksites:board", args=[ws.xiangzhang.pk])).status_code
        == 404
    )


def test_the_list_shows_the_sites_in_scope_with_their_workers(
    ws, client_for, django_assert_max_num_queries
):
    client = client_for("town")
    with django_assert_max_num_queries(12):
        text = client.get(reverse("worksites:list")).content.decode()
    assert "安置房工地" in text and "丽水物流工地" in text and "香樟苑" not in text
    assert "<td>3</td>" in text and "<td>1</td>" in text
    kaiwu = client_for("kaiwu").get(reverse("worksites:list")).content.decode()
    assert "安置房工地" in kaiwu and "丽水物流工地" not in kaiwu
    foreman = _login(ws, "foreman").get(reverse("worksites:list")).content.decode()
    assert "安置房工地" in foreman and "丽水物流工地" not in foreman


def test_the_person_in_charge_keeps_the_profile_and_a_bad_phone_is_a_400(ws):
    url = reverse("worksites:profile", args=[ws.site.pk])
    foreman = _login(ws, "foreman")
    bad = foreman.post(url, {"manager": "钱工头", "manager_phone": "12345"})
    assert bad.status_code == 400 and "手机号应为11位" in bad.content.decode()
    good = foreman.post(
        url, {"manager": "钱工头", "manager_phone": "139 0000 0066", "has_transport": "on"}
    )
    assert good.status_code == 302
    ws.site.site_profile.refresh_from_db()
    assert (ws.site.site_profile.manager_phone, ws.site.site_profile.has_transport) == (
        "13900000066",
        True,
    )
    assert _login(ws, "lishui").post(url, {"manager": "x"}).status_code == 404


def test_a_crew_with_a_worker_of_another_site_is_refused(ws, client_for):
    url = reverse("worksites:crew_new", args=[ws.site.pk])
    data = {
        "task": "delivery",
        "place": "丽水苑",
        "headcount": "2",
        "hours": "4",
        "date": timezone.localdate().isoformat(),
        "workers": [ws.workers["sun"].pk],  # 丽水物流工地's
    }
    answer = client_for("town").post(url, data)
    assert answer.status_code == 400
    assert not ws.site.crew_loans.exists()
    data["workers"] = [ws.workers["wu"].pk]
    assert client_for("town").post(url, data).status_code == 302
    loan = ws.site.crew_loans.get()
    assert list(loan.workers.all()) == [ws.workers["wu"]] and loan.hours == 4
