"""The desk on a phone, through the test client: who reaches it, a tube opened, three people
sampled, sealed, a fourth refused, boxed; repeated posts; every refusal a 4xx with its reason;
names masked for volunteers; the 上门 mode; 我的任务."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.core.tests.test_i18n import english_client_for
from linli.places.models import CareTag
from linli.screening import services
from linli.screening.models import Sample, SamplingPoint, TestRound, TransportBox, Tube
from linli.screening.workflow import ROUND_WORKFLOW
from linli.testing.scenario import make_id_number
from linli.testing.screening import open_tube, sample

pytestmark = pytest.mark.django_db


def url(scr, name="desk", *args):
    return reverse(f"screening:{name}", args=[scr.point.pk, *args])


def open_at_desk(client, scr, barcode="T0001", capacity=10, **extra):
    return client.post(url(scr, "desk_tube"), {"barcode": barcode, "capacity": capacity, **extra})


def scan(client, scr, tube, q="", **extra):
    return client.post(url(scr, "desk_scan"), {"tube": tube.pk, "q": q, **extra})


def tube_of(barcode):
    return Tube.objects.get(barcode=barcode)


# -- who reaches the desk ----------------------------------------------------------------------


def test_the_desk_is_for_those_who_work_the_round(scr, client, client_for):
    assert client.get(url(scr)).status_code == 302  # to log in
    for who in ("town", "kaiwu", "lishui", "erin"):
        assert client_for(who).get(url(scr)).status_code == 200, who
    # alice sees the round (she leads a building in it) but is not posted at its point.
    assert client_for("alice").get(url(scr)).status_code == 403
    assert client_for("charlie").get(url(scr)).status_code == 404
    assert client_for("dave").get(url(scr)).status_code == 404


def test_a_closed_rounds_desk_is_refused(scr, client_for):
    ROUND_WORKFLOW.transition(scr.round, TestRound.Status.CLOSED, by=scr.users["town"])
    assert client_for("erin").get(url(scr)).status_code == 403
    assert open_at_desk(client_for("town"), scr).status_code == 403
    assert not Tube.objects.exists()


def test_a_volunteer_posted_elsewhere_cannot_use_this_point(scr, client_for):
    other = SamplingPoint.objects.create(round=scr.round, town=scr.town, name="西门")
    other.volunteers.add(scr.volunteers["alice"])
    assert client_for("alice").get(url(scr)).status_code == 403
    desk = reverse("screening:desk", args=[other.pk])
    assert client_for("alice").get(desk).status_code == 200


# -- the flow ----------------------------------------------------------------------------------


def test_open_a_tube_sample_three_seal_refuse_a_fourth_and_box(scr, client_for):
    client = client_for("erin")
    response = open_at_desk(client, scr, "T0001")
    tube = tube_of("T0001")
    assert response.status_code == 302 and response["Location"].endswith(f"?tube={tube.pk}")
    assert (tube.capacity, tube.status, tube.point, tube.opened_by) == (
        10,
        Tube.Status.OPEN,
        scr.point,
        scr.users["erin"],
    )
    # Two by their ID numbers (a card reader types them), one by a search and a tap.
    for key in ("wang", "zhao"):
        assert scan(client, scr, tube, scr.residents[key].id_number).status_code == 302
    found = scan(client, scr, tube, "101")
    assert found.status_code == 200
    assert "李*英" not in found.content.decode()  # 101 is 张三丰's and 王建国's, not 李秀英's
    found = scan(client, scr, tube, "李")
    assert "李*英" in found.content.decode()
    assert scan(client, scr, tube, resident=scr.residents["li"].pk).status_code == 302
    page = client.get(url(scr) + f"?tube={tube.pk}").content.decode()
    assert "3 / 10" in page
    assert Sample.objects.filter(tube=tube, source=Sample.Source.DESK).count() == 3
    sealed = client.post(url(scr, "desk_seal"), {"tube": tube.pk})
    assert sealed.status_code == 302
    tube.refresh_from_db()
    assert tube.status == Tube.Status.SEALED and tube.sealed_at is not None
    assert list(tube.changes.values_list("from_status", "to_status")) == [("open", "sealed")]
    # A fourth person into the sealed tube: refused with the reason, nothing lands.
    fourth = scan(client, scr, tube, scr.residents["chen"].id_number)
    assert fourth.status_code == 409
    assert Sample.objects.filter(round=scr.round).count() == 3
    # Box it: scan a box, add the sealed tube, seal the box.
    assert client.post(url(scr, "desk_box"), {"code": "BOX-1"}).status_code == 302
    box = TransportBox.objects.get(code="BOX-1")
    assert client.post(url(scr, "desk_box_add", box.pk), {"code": "T0001"}).status_code == 302
    tube.refresh_from_db()
    assert tube.box == box and tube.status == Tube.Status.SEALED
    assert client.post(url(scr, "desk_box_seal", box.pk)).status_code == 302
    tube.refresh_from_db()
    box.refresh_from_db()
    assert tube.status == Tube.Status.BOXED and box.sealed_at is not None
    # A sealed box takes no more.
    late = open_tube(scr, "T0002")
    sample(scr, "chen", late)
    late.status = Tube.Status.SEALED
    Tube.objects.filter(pk=late.pk).update(status=Tube.Status.SEALED)
    assert client.post(url(scr, "desk_box_add", box.pk), {"code": "T0002"}).status_code == 409


def test_a_full_tube_takes_no_more(scr, client_for):
    client = client_for("erin")
    open_at_desk(client, scr, "T0005", capacity=1)
    tube = tube_of("T0005")
    assert scan(client, scr, tube, scr.residents["wang"].id_number).status_code == 302
    page = client.get(url(scr) + f"?tube={tube.pk}").content.decode()
    assert "1 / 1" in page and 'name="q"' not in page  # the scan field gives way to 封管
    refused = scan(client, scr, tube, scr.residents["zhao"].id_number)
    assert refused.status_code == 409 and "采样管已满" in refused.content.decode()
    assert Sample.objects.count() == 1


def test_an_unopened_or_unsealed_tube_cannot_be_boxed(scr, client_for):
    client = client_for("town")
    open_at_desk(client, scr, "T0007")
    client.post(url(scr, "desk_box"), {"code": "BOX-7"})
    box = TransportBox.objects.get(code="BOX-7")
    still_open = client.post(url(scr, "desk_box_add", box.pk), {"code": "T0007"})
    assert still_open.status_code == 409 and "尚未封管" in still_open.content.decode()
    unknown = client.post(url(scr, "desk_box_add", box.pk), {"code": "NOPE"})
    assert unknown.status_code == 400
    empty = client.post(url(scr, "desk_box_seal", box.pk))
    assert empty.status_code == 400 and "空箱" in empty.content.decode()
    empty_tube = client.post(url(scr, "desk_seal"), {"tube": tube_of("T0007").pk})
    assert empty_tube.status_code == 400


# -- repeated posts ----------------------------------------------------------------------------


def test_the_same_post_twice_is_one_tube_and_one_sample(scr, client_for):
    client = client_for("erin")
    first, second = open_at_desk(client, scr, "T0009"), open_at_desk(client, scr, "T0009")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    tube = tube_of("T0009")
    assert Tube.objects.count() == 1
    wang = scr.residents["wang"].id_number
    assert scan(client, scr, tube, wang).status_code == 302
    assert scan(client, scr, tube, wang).status_code == 302
    tube.refresh_from_db()
    assert tube.filled == 1 and Sample.objects.count() == 1
    assert "已在本管" in client.get(url(scr) + f"?tube={tube.pk}").content.decode()


def test_a_barcode_used_at_another_point_is_refused(scr, client_for):
    other = SamplingPoint.objects.create(round=scr.round, town=scr.town, name="西门")
    open_tube(scr, "T0100", point=other)
    response = open_at_desk(client_for("town"), scr, "T0100")
    assert response.status_code == 409 and "已在其他采样点或轮次使用" in response.content.decode()


# -- refusals, shown in Chinese (English on an English page) ------------------------------------


def test_a_key_group_member_in_a_pooled_tube_is_refused(scr, client_for):
    client = client_for("erin")
    open_at_desk(client, scr, "T0011")
    refused = scan(client, scr, tube_of("T0011"), scr.residents["zhang"].id_number)
    assert refused.status_code == 400 and "重点人群须单管单检" in refused.content.decode()
    assert not Sample.objects.exists()


def test_a_resample_asks_for_a_reason(scr, client_for):
    client = client_for("erin")
    first = open_tube(scr, "T0012")
    sample(scr, "wang", first)
    Tube.objects.filter(pk=first.pk).update(status=Tube.Status.SEALED)
    open_at_desk(client, scr, "T0013")
    second = tube_of("T0013")
    refused = scan(client, scr, second, scr.residents["wang"].id_number)
    html = refused.content.decode()
    assert refused.status_code == 409 and "重采请填写原因" in html and 'name="reason"' in html
    done = scan(client, scr, second, resident=scr.residents["wang"].pk, reason="管子破损")
    assert done.status_code == 302
    again = Sample.objects.get(round=scr.round, attempt=2)
    assert (again.tube, again.reason) == (second, "管子破损")


def test_a_person_not_in_the_round_is_not_found(scr, client_for):
    client = client_for("erin")
    open_at_desk(client, scr, "T0014")
    tube = tube_of("T0014")
    stranger = make_id_number(birth="19990101", seq=999)
    for q in (stranger, "无此人"):
        response = scan(client, scr, tube, q)
        assert response.status_code == 404 and "查无此人" in response.content.decode()
    # Someone of another town's round: not offered, not sampled by a forged tap.
    assert scan(client, scr, tube, resident=999999).status_code == 404
    assert not Sample.objects.exists()


def test_scanning_a_person_before_a_tube_is_refused(scr, client_for):
    response = client_for("erin").post(url(scr, "desk_scan"), {"tube": "", "q": "王"})
    assert response.status_code == 400
    response = client_for("erin").post(url(scr, "desk_scan"), {"tube": 424242, "q": "王"})
    assert response.status_code == 409 and "请先扫描" in response.content.decode()


def test_a_bad_capacity_or_a_missing_barcode_is_a_400(scr, client_for):
    client = client_for("erin")
    assert open_at_desk(client, scr, "T0015", capacity=7).status_code == 400
    assert open_at_desk(client, scr, "   ").status_code == 400
    assert not Tube.objects.exists()


def test_refusals_are_in_english_on_an_english_page(scr):
    client = english_client_for(scr, "erin")
    client.post(url(scr, "desk_tube"), {"barcode": "T0016", "capacity": 10})
    refused = scan(client, scr, tube_of("T0016"), scr.residents["zhang"].id_number)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "key groups are sampled in single tubes" in html and "重点人群" not in html


# -- what volunteers see -----------------------------------------------------------------------


def test_volunteers_see_masked_names_and_staff_full_ones(scr, client_for):
    tube = open_tube(scr, "T0017")
    sample(scr, "wang", tube)
    erin = client_for("erin").get(url(scr) + f"?tube={tube.pk}").content.decode()
    assert "王*国" in erin and "王建国" not in erin
    assert scr.residents["wang"].id_number not in erin
    town = client_for("town").get(url(scr) + f"?tube={tube.pk}").content.decode()
    assert "王建国" in town


def test_the_door_mode_samples_from_the_door_list(scr, client_for):
    disabled = CareTag.objects.get(town=None, code="disabled")
    scr.residents["zhao"].care_tags.add(disabled)
    client = client_for("erin")
    open_at_desk(client, scr, "D0001", capacity=5, mode="door")
    tube = tube_of("D0001")
    page = client.get(url(scr) + f"?tube={tube.pk}&mode=door").content.decode()
    assert "上门采样名单" in page and "赵*华" in page and "王*国" not in page
    done = scan(client, scr, tube, resident=scr.residents["zhao"].pk, mode="door")
    assert done.status_code == 302 and "mode=door" in done["Location"]
    assert Sample.objects.get().source == Sample.Source.DOOR


def test_a_posted_volunteer_finds_the_desk_on_my_tasks(scr, client_for):
    tasks = reverse("care:tasks")
    erin = client_for("erin").get(tasks).content.decode()
    assert "采样点：香樟苑采样点" in erin and url(scr) in erin
    assert "采样点：" not in client_for("alice").get(tasks).content.decode()
    ROUND_WORKFLOW.transition(scr.round, TestRound.Status.CLOSED, by=scr.users["town"])
    assert "采样点：" not in client_for("erin").get(tasks).content.decode()


def test_antigen_rounds_have_no_tubes(scr, client_for):
    antigen = services.round_create(
        user=scr.users["town"],
        town=scr.town,
        name="抗原轮",
        kind=TestRound.Kind.ANTIGEN,
        date=scr.round.date,
        compounds=[scr.xiangzhang],
    )
    services.round_open(user=scr.users["town"], round_=antigen)
    point = SamplingPoint.objects.create(round=antigen, town=scr.town, name="抗原点")
    response = client_for("town").post(
        reverse("screening:desk_tube", args=[point.pk]), {"barcode": "A1", "capacity": 10}
    )
    assert response.status_code == 400 and "抗原自测不用采样管" in response.content.decode()
    assert not Tube.objects.exists()


def test_the_desk_part_pages_are_in_english(scr):
    from linli.core.tests.test_i18n import get_english, leftover_chinese

    disabled = CareTag.objects.get(town=None, code="disabled")
    scr.residents["wang"].care_tags.add(disabled)
    tube = open_tube(scr, "T0018")
    sample(scr, "zhao", tube)
    town = english_client_for(scr, "town")
    wang_tail = scr.residents["wang"].id_number[-4:]
    pages = [
        reverse("screening:rounds"),
        reverse("screening:round_new"),
        scr.round.get_absolute_url(),
        reverse("screening:point_new", args=[scr.round.pk]),
        reverse("screening:exemptions", args=[scr.round.pk]) + "?q=" + wang_tail,
        reverse("screening:door_list", args=[scr.round.pk]),
        url(scr) + f"?tube={tube.pk}&mode=door",
        url(scr),
    ]
    # The round's and the point's names are data, as are a volunteer's masked names.
    data = (scr.round.name, scr.point.name, "王*国", "赵*华")

    def leftover(html):
        for value in data:
            html = html.replace(value, "")
        return leftover_chinese(html)

    for page in pages:
        html = get_english(town, page)
        assert not leftover(html), f"{page}: {leftover(html)}"
    erin = english_client_for(scr, "erin")
    html = get_english(erin, url(scr) + f"?tube={tube.pk}&mode=door")
    assert "Door-to-door list" in html and "Seal tube" in html
    assert not leftover(html), leftover(html)


def test_the_desk_page_takes_a_bounded_number_of_queries(
    scr, client_for, django_assert_max_num_queries
):
    tube = open_tube(scr, "T0019")
    for key in ("wang", "zhao", "li", "chen", "liu"):
        sample(scr, key, tube)
    client = client_for("erin")
    with django_assert_max_num_queries(25):
        page = client.get(url(scr) + f"?tube={tube.pk}")
    assert "5 / 10" in page.content.decode()


def test_a_tube_left_open_is_offered_again_when_the_desk_reloads(scr, client_for):
    client = client_for("erin")
    open_at_desk(client, scr, "T0700", capacity=5)
    scan(client, scr, tube_of("T0700"), q=scr.residents["wang"].id_number)
    # The phone reloads the desk without the tube in its address: the open tube is there to
    # go on with, and a sealed one is not.
    page = client.get(url(scr)).content.decode()
    assert "T0700 · 1 / 5" in page
    assert f"?tube={tube_of('T0700').pk}" in page
    open_at_desk(client, scr, "T0701", capacity=1)
    scan(client, scr, tube_of("T0701"), q=scr.residents["zhao"].id_number)
    client.post(url(scr, "desk_seal"), {"tube": tube_of("T0701").pk})
    page = client.get(url(scr)).content.decode()
    assert "T0700 · 1 / 5" in page and "T0701 ·" not in page
