"""Closed-loop transport requests: the site's side asks, the town approves or refuses, the
trip is marked done or cancelled; each move by role, through the pages and the engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.testing.workflows import check_workflow_table
from linli.worksites import services
from linli.worksites.models import TransportRequest
from linli.worksites.workflow import TRANSPORT_WORKFLOW

pytestmark = pytest.mark.django_db
S = TransportRequest.Status


def _form(**extra: str) -> dict[str, str]:
    now = timezone.localtime()
    return {
        "kind": "people",
        "plate": "沪C 88888",
        "route": "安置房工地→泗泾镇围挡点",
        "escort": "钱工头",
        "window_from": (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "window_to": (now + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "headcount": "12",
        **extra,
    }


def _foreman(ws) -> Client:
    client = Client()
    client.force_login(ws.users["foreman"])
    return client


def test_the_person_in_charge_asks_and_the_town_approves(ws, client_for):
    answer = _foreman(ws).post(reverse("worksites:transport_new", args=[ws.site.pk]), _form())
    transport = TransportRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == transport.get_absolute_url()
    assert (transport.plate, transport.headcount, transport.status) == ("沪C88888", 12, S.REQUESTED)
    status = reverse("worksites:transport_status", args=[transport.pk])
    # The site's side may not approve its own request.
    assert _foreman(ws).post(status, {"to": "approved"}).status_code == 403
    assert client_for("kaiwu").post(status, {"to": "approved"}).status_code == 403
    assert client_for("lishui").post(status, {"to": "approved"}).status_code == 404
    transport.refresh_from_db()
    assert transport.status == S.REQUESTED
    assert client_for("town").post(status, {"to": "approved"}).status_code == 302
    transport.refresh_from_db()
    assert transport.status == S.APPROVED
    # Stale: approving twice is a conflict, not a second approval.
    assert client_for("town").post(status, {"to": "approved"}).status_code == 409
    assert _foreman(ws).post(status, {"to": "done"}).status_code == 302
    transport.refresh_from_db()
    assert transport.status == S.DONE
    history = list(transport.changes.order_by("at", "pk").values_list("to_status", flat=True))
    assert history == [S.REQUESTED, S.APPROVED, S.DONE]


def test_a_bad_request_is_a_400_with_its_reason(ws, client_for):
    url = reverse("worksites:transport_new", args=[ws.site.pk])
    client = client_for("kaiwu")
    no_people = client.post(url, _form(headcount="0"))
    assert no_people.status_code == 400 and "人员转运请填写人数" in no_people.content.decode()
    now = timezone.localtime()
    backwards = client.post(
        url, _form(window_to=(now - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"))
    )
    assert backwards.status_code == 400 and "结束时间应晚于开始时间" in backwards.content.decode()
    bad_plate = client.post(url, _form(plate="沪"))
    assert bad_plate.status_code == 400
    unknown = client.post(reverse("worksites:transport_status", args=[1]), {"to": "approved"})
    assert unknown.status_code == 404
    assert TransportRequest.objects.count() == 0


def test_a_residential_compound_takes_no_transport_request(ws, client_for):
    url = reverse("worksites:transport_new", args=[ws.xiangzhang.pk])
    assert client_for("kaiwu").post(url, _form()).status_code == 404


def test_anonymous_is_sent_to_log_in(ws):
    answer = Client().get(reverse("worksites:transport_new", args=[ws.site.pk]))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_workflow_table_by_role(ws):
    def make(status: str):
        def build() -> TransportRequest:
            now = timezone.now()
            transport = services.transport_request_create(
                user=ws.users["kaiwu"],
                compound=ws.site,
                kind="goods",
                plate="沪A12345",
                route="仓库→工地",
                window_from=now,
                window_to=now + dt.timedelta(hours=2),
            )
            TransportRequest.objects.filter(pk=transport.pk).update(status=status)
            transport.refresh_from_db()
            return transport

        return build

    actors = {
        name: ws.users[name] for name in ("town", "kaiwu", "foreman", "lishui", "bob", "charlie")
    }
    check_workflow_table(
        TRANSPORT_WORKFLOW,
        {status: make(status) for status in (S.REQUESTED, S.APPROVED)},
        actors,
        {
            S.APPROVED: {"town"},
            S.REFUSED: {"town"},
            S.CANCELLED: {"town", "kaiwu", "foreman"},
            S.DONE: {"town", "kaiwu", "foreman"},
        },
    )
