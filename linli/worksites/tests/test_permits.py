"""Permits: issued by the town, verified on a checkpoint's phone without logging in (valid,
expired, revoked, not yet valid; an unknown token a 404), nothing personal shown beyond the
masked name, misses rate-limited, the card printed with its QR code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import AuditEntry
from linli.worksites import services
from linli.worksites.models import Permit
from linli.worksites.views_permits import VERIFY_MISSES

pytestmark = pytest.mark.django_db


def person_permit(s, *, start: dt.timedelta, length: dt.timedelta) -> Permit:
    now = timezone.now()
    return services.permit_issue(
        user=s.users["town"],
        compound=s.site,
        kind=Permit.Kind.PERSON,
        worker=s.workers["zhou"],
        route="工地→镇卫生院",
        valid_from=now + start,
        valid_until=now + start + length,
    )


def verify(token: str) -> object:
    return Client().get(f"/worksites/permit/{token}/")


def _no_personal_data(s, text: str) -> None:
    zhou = s.workers["zhou"]
    assert zhou.id_number not in text and zhou.id_number[-4:] not in text
    assert zhou.phone not in text and zhou.phone[-4:] not in text
    assert "周大力" not in text
    assert "周*力" in text


def test_a_valid_worker_pass_reads_valid_with_only_the_masked_name(ws):
    permit = person_permit(ws, start=-dt.timedelta(hours=1), length=dt.timedelta(days=2))
    answer = verify(permit.token)
    text = answer.content.decode()
    assert answer.status_code == 200
    assert 'data-state="valid"' in text and "有效" in text
    assert "复工证" in text and "安置房工地" in text and "工地→镇卫生院" in text
    _no_personal_data(ws, text)
    assert answer["Cache-Control"] == "no-store"


def test_an_expired_pass_reads_expired(ws):
    permit = person_permit(ws, start=-dt.timedelta(days=3), length=dt.timedelta(days=1))
    text = verify(permit.token).content.decode()
    assert 'data-state="expired"' in text and "已过期" in text
    _no_personal_data(ws, text)


def test_a_pass_not_yet_valid_says_so(ws):
    permit = person_permit(ws, start=dt.timedelta(days=1), length=dt.timedelta(days=1))
    text = verify(permit.token).content.decode()
    assert 'data-state="not_yet_valid"' in text and "尚未生效" in text


def test_a_revoked_vehicle_permit_reads_revoked_with_its_plate(ws, client_for):
    now = timezone.now()
    permit = services.permit_issue(
        user=ws.users["town"],
        compound=ws.site,
        kind=Permit.Kind.VEHICLE,
        plate="沪A 12345",
        route="工地→镇物资仓库",
        valid_from=now - dt.timedelta(hours=1),
        valid_until=now + dt.timedelta(days=1),
    )
    assert 'data-state="valid"' in verify(permit.token).content.decode()
    answer = client_for("town").post(
        reverse("worksites:permit_revoke", args=[permit.pk]), {"reason": "车辆改派"}
    )
    assert answer.status_code == 302
    text = verify(permit.token).content.decode()
    assert 'data-state="revoked"' in text and "已撤销" in text and "沪A12345" in text
    assert "车辆改派" not in text  # the reason stays with the office
    again = client_for("town").post(
        reverse("worksites:permit_revoke", args=[permit.pk]), {"reason": "再撤一次"}
    )
    assert again.status_code == 409
    assert AuditEntry.objects.filter(summary=f"permit {permit.pk} revoked").count() == 1


def test_an_unknown_token_is_a_404_and_misses_are_limited(ws, monkeypatch):
    permit = person_permit(ws, start=-dt.timedelta(hours=1), length=dt.timedelta(days=1))
    assert verify("x" * 32).status_code == 404
    assert verify("short").status_code == 404
    for _ in range(VERIFY_MISSES.count - 2):
        verify("y" * 32)
    assert verify(permit.token).status_code == 429  # the address used up its misses


def test_only_town_staff_issue_and_revoke_permits(ws, client_for):
    now = timezone.localtime()
    data = {
        "kind": "vehicle",
        "plate": "沪B54321",
        "route": "工地→泗泾站",
        "valid_from": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "valid_until": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    url = reverse("worksites:permit_new", args=[ws.site.pk])
    assert client_for("kaiwu").post(url, data).status_code == 403
    foreman = Client()
    foreman.force_login(ws.users["foreman"])
    assert foreman.post(url, data).status_code == 403
    assert client_for("lishui").post(url, data).status_code == 404
    assert Permit.objects.count() == 0
    answer = client_for("town").post(url, data)
    permit = Permit.objects.get()
    assert answer.status_code == 302 and answer["Location"] == permit.get_absolute_url()
    assert (permit.plate, permit.route, permit.issued_by) == (
        "沪B54321",
        "工地→泗泾站",
        ws.users["town"],
    )
    revoke = reverse("worksites:permit_revoke", args=[permit.pk])
    assert client_for("kaiwu").post(revoke, {"reason": "x"}).status_code == 403
    assert client_for("lishui").post(revoke, {"reason": "x"}).status_code == 404
    permit.refresh_from_db()
    assert permit.revoked_at is None


def test_a_pass_for_someone_not_on_the_site_is_refused(ws, client_for):
    now = timezone.localtime()
    data = {
        "kind": "person",
        "worker": ws.residents["zhang"].pk,  # lives in 香樟苑, not on the site
        "valid_from": now.strftime("%Y-%m-%dT%H:%M"),
        "valid_until": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    answer = client_for("town").post(reverse("worksites:permit_new", args=[ws.site.pk]), data)
    assert answer.status_code == 400 and Permit.objects.count() == 0


def test_a_permit_longer_than_a_month_or_ending_before_it_starts_is_refused(ws):
    from linli.core.validators import Problem

    now = timezone.now()
    for until in (now + dt.timedelta(days=32), now - dt.timedelta(minutes=1)):
        with pytest.raises(Problem):
            services.permit_issue(
                user=ws.users["town"],
                compound=ws.site,
                kind=Permit.Kind.VEHICLE,
                plate="沪A12345",
                route="工地→仓库",
                valid_from=now,
                valid_until=until,
            )


def test_the_card_is_a_pdf_for_those_who_see_the_site(ws, client_for):
    permit = person_permit(ws, start=-dt.timedelta(hours=1), length=dt.timedelta(days=1))
    url = reverse("worksites:permit_card", args=[permit.pk])
    answer = client_for("kaiwu").get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert client_for("lishui").get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_permit_page_shows_the_name_to_staff_and_hides_it_out_of_scope(ws, client_for):
    permit = person_permit(ws, start=-dt.timedelta(hours=1), length=dt.timedelta(days=1))
    url = reverse("worksites:permit", args=[permit.pk])
    text = client_for("kaiwu").get(url).content.decode()
    assert "周大力" in text and ws.workers["zhou"].id_number not in text
    assert client_for("lishui").get(url).status_code == 404
