"""Report-in (报到): the public page behind a committee's QR poster, and the approval queue."""

from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from linli.duty.models import ReportInLink, Volunteer
from linli.duty.reportin import LOOKUP_MISSES_PER_ADDRESS, SUBMIT_MISSES, report_in_link

pytestmark = pytest.mark.django_db

FORM = {
    "name": "王志愿",
    "phone": "139 0000 7777",
    "gender": "F",
    "source": "reported_party_member",
    "is_party_member": "on",
    "skills": ["medical"],
}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def join_url(grid):
    return reverse("duty:join", args=[report_in_link(user=None, committee=grid.kaiwu).token])


def test_a_volunteer_reports_in_without_a_login_and_waits_for_approval(grid, join_url, client):
    page = client.get(join_url)
    assert page.status_code == 200 and "新凯五村" in page.content.decode()
    response = client.post(join_url, FORM)
    assert response.status_code == 200 and "已收到" in response.content.decode()
    volunteer = Volunteer.objects.get(phone="13900007777")
    assert (volunteer.status, volunteer.committee, volunteer.skills) == (
        "applied",
        grid.kaiwu,
        ["medical"],
    )
    assert volunteer.is_party_member and volunteer.user is None


def test_staff_approve_from_the_queue(grid, join_url, client, client_for):
    client.post(join_url, FORM)
    volunteer = Volunteer.objects.get(phone="13900007777")
    staff = client_for("kaiwu")
    queue = staff.get(reverse("duty:committee", args=[grid.kaiwu.pk])).content.decode()
    assert "王志愿" in queue and "139****7777" in queue
    staff.post(reverse("duty:volunteer_status", args=[volunteer.pk]), {"status": "active"})
    assert Volunteer.objects.get(pk=volunteer.pk).status == "active"


def test_staff_of_another_committee_cannot_approve(grid, join_url, client, client_for):
    client.post(join_url, FORM)
    volunteer = Volunteer.objects.get(phone="13900007777")
    response = client_for("lishui").post(
        reverse("duty:volunteer_status", args=[volunteer.pk]), {"status": "active"}
    )
    assert response.status_code == 404
    assert Volunteer.objects.get(pk=volunteer.pk).status == "applied"


def test_an_unknown_token_is_a_404(grid, client):
    assert client.get(reverse("duty:join", args=["not-a-token"])).status_code == 404


def test_bad_input_is_refused_with_a_reason(grid, join_url, client):
    response = client.post(join_url, {**FORM, "phone": "12345"})
    assert response.status_code == 400 and "手机号应为11位" in response.content.decode()
    assert not Volunteer.objects.filter(name="王志愿").exists()


def test_a_known_phone_number_gets_the_same_answer_and_no_second_record(grid, join_url, client):
    response = client.post(join_url, {**FORM, "phone": grid.volunteers["alice"].phone})
    assert response.status_code == 200 and "已收到" in response.content.decode()
    assert Volunteer.objects.filter(phone=grid.volunteers["alice"].phone).count() == 1


def test_refused_submissions_are_limited_per_link_and_address_but_good_ones_never(
    grid, join_url, client
):
    office = Client(REMOTE_ADDR="203.0.113.20")  # many volunteers behind the office's address
    for _ in range(SUBMIT_MISSES.count):
        assert office.post(join_url, {**FORM, "phone": "12345"}).status_code == 400
    assert office.post(join_url, {**FORM, "phone": "12345"}).status_code == 429
    for i in range(12):
        answer = office.post(join_url, {**FORM, "phone": f"1365555{i:04d}"})
        assert answer.status_code == 200
    assert Volunteer.objects.filter(name="王志愿").count() == 12


def test_guessing_tokens_is_limited_per_address_but_a_valid_link_always_opens(grid, join_url):
    guesser = Client(REMOTE_ADDR="203.0.113.21")
    for i in range(LOOKUP_MISSES_PER_ADDRESS.count):
        assert guesser.get(reverse("duty:join", args=[f"guess{i:03d}"])).status_code == 404
    assert guesser.get(reverse("duty:join", args=["guess-more"])).status_code == 429
    assert guesser.get(join_url).status_code == 200


def test_large_bodies_are_refused(grid, join_url, client):
    response = client.post(join_url, {**FORM, "name": "王" * 10_000})
    assert response.status_code == 413


def test_the_form_is_csrf_protected(grid, join_url):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(join_url, FORM).status_code == 403
    assert not Volunteer.objects.filter(name="王志愿").exists()


def test_the_poster_is_a_pdf_with_the_link(grid, client_for):
    response = client_for("kaiwu").get(reverse("duty:poster", args=[grid.kaiwu.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert unquote(response["Content-Disposition"]).endswith("新凯五村-志愿者报到二维码.pdf")
    token = ReportInLink.objects.get(committee=grid.kaiwu).token
    assert token.encode() in response.content


def test_renewing_the_poster_retires_the_old_link(grid, join_url, client, client_for):
    client_for("kaiwu").post(reverse("duty:poster", args=[grid.kaiwu.pk]), {"renew": "1"})
    assert client.get(join_url).status_code == 404
