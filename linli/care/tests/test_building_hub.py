"""The building's page as the hub: its team with call buttons for those allowed, open help
requests, recent visits and gaps, its QR poster; 404 out of scope. One-tap call buttons only
for numbers the viewer sees in full; the poster names the leader and the committee hotline."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from linli.care.services import visit_record
from linli.care.tests.conftest import make_request
from linli.duty.models import Duty
from linli.testing.pdfread import texts

pytestmark = pytest.mark.django_db


def hub(grid, client_for, who: str):
    return client_for(who).get(reverse("places:building", args=[grid.b1.pk]))


def test_the_building_page_shows_team_requests_visits_gaps_and_poster(grid, client_for):
    common = {"town": grid.town, "committee": grid.kaiwu, "compound": grid.xiangzhang}
    Duty.objects.create(
        volunteer=grid.volunteers["erin"],
        kind=Duty.Kind.BUILDING_TEAM_MEMBER,
        building=grid.b1,
        **common,
    )
    hr = make_request(grid, "zhang")
    visit_record(user=grid.users["alice"], household=grid.households["b1_102"], outcome="all_well")
    page = hub(grid, client_for, "alice")
    assert page.status_code == 200
    text = page.content.decode()
    # The team: leader first, then the member, each a call button for the leader.
    assert text.index("艾丽丝") < text.index("艾琳")
    assert 'href="tel:13900000001"' in text and 'href="tel:13900000005"' in text
    # Open requests, the visit just made, the gap left (101, with 张三丰 never visited).
    assert reverse("care:request", args=[hr.pk]) in text
    assert "一切正常" in text
    assert "1 户近期未走访" in text
    assert reverse("care:visit_resident", args=[grid.residents["zhang"].pk]) in text
    assert 'href="tel:13812345678"' in text
    assert reverse("care:poster", args=[grid.b1.pk]) in text


@pytest.mark.parametrize(
    ("who", "queue"), [("alice", "care:buildings"), ("kaiwu", "care:committee")]
)
def test_more_requests_than_the_hub_shows_link_to_a_queue_the_viewer_has(
    grid, client_for, who, queue
):
    made = [make_request(grid, "zhang") for _ in range(11)]
    text = hub(grid, client_for, who).content.decode()
    args = [grid.kaiwu.pk] if queue == "care:committee" else []
    link = f"{reverse(queue, args=args)}?building={grid.b1.pk}"
    assert f'href="{link}"' in text
    listed = client_for(who).get(link).content.decode()
    assert all(reverse("care:request", args=[r.pk]) in listed for r in made)


def test_a_building_without_leader_says_so(grid, client_for):
    text = client_for("kaiwu").get(reverse("places:building", args=[grid.b2.pk])).content.decode()
    assert "本楼暂无楼组长" in text


def test_the_hub_is_404_out_of_scope(grid, client_for):
    assert hub(grid, client_for, "lishui").status_code == 404  # another committee
    assert hub(grid, client_for, "dave").status_code == 404  # paired in 丽水 only
    assert (
        client_for("alice").get(reverse("places:building", args=[grid.b2.pk])).status_code == 404
    )  # alice leads 1号楼 only


def test_masked_numbers_never_get_a_tel_link(grid, client_for):
    make_request(grid, "zhang", contact_phone="13812345678")
    for who in ("kaiwu", "town", "bob"):  # staff and a second secretary: masked numbers
        text = hub(grid, client_for, who).content.decode()
        assert "tel:" not in text, who
        assert "138****5678" in text and "139****0001" in text
    request_page = client_for("kaiwu").get(
        reverse("care:request", args=[make_request(grid, "li").pk])
    )
    assert "tel:" not in request_page.content.decode()


def test_a_help_requests_contact_phone_is_a_call_button_for_the_building_leader(grid, client_for):
    hr = make_request(grid, "li", contact_phone="13912345601")
    text = client_for("alice").get(reverse("care:request", args=[hr.pk])).content.decode()
    assert re.search(r'<a class="button call" href="tel:13912345601"', text)
    # The helper (a paired volunteer) calls their residents from their page.
    mine = client_for("dave").get(reverse("duty:mine")).content.decode()
    assert 'href="tel:13512345604"' in mine


def _pdf_text(pdf: bytes) -> str:
    """Every string the PDF draws, read back through its embedded font's ToUnicode map."""
    return "\n".join(texts(pdf))


def test_the_poster_names_the_leader_masked_and_the_committee_hotline(grid, client_for):
    grid.kaiwu.hotline = "021-57620001"
    grid.kaiwu.save()
    response = client_for("kaiwu").get(reverse("care:poster", args=[grid.b1.pk]))
    name = unquote(response["Content-Disposition"].split("filename*=utf-8''")[1])
    assert name == f"{grid.b1.compound.name}1号楼-求助二维码.pdf"
    text = _pdf_text(response.content)
    assert "艾丽丝" in text
    assert "139****0001" in text
    assert "13900000001" not in text
    assert "021-57620001" in text
    assert "求助配药" in text


def test_lists_naming_buildings_link_to_the_hub(grid, client_for):
    url = reverse("places:building", args=[grid.b1.pk])
    assert f'href="{url}"' in client_for("alice").get(reverse("duty:mine")).content.decode()
    assert f'href="{url}"' in client_for("kaiwu").get(reverse("care:coverage")).content.decode()
    erin = client_for("erin").get(reverse("duty:mine")).content.decode()  # keeps one household
    assert 'href="/places/buildings/' not in erin


def test_committee_staff_set_the_hotline_the_posters_print(grid, client_for):
    from linli.core.models import AuditEntry

    url = reverse("places:committee_hotline", args=[grid.kaiwu.pk])
    assert client_for("lishui").post(url, {"hotline": "021-1"}).status_code == 404
    assert client_for("alice").post(url, {"hotline": "021-1"}).status_code == 404
    kaiwu = client_for("kaiwu")
    assert kaiwu.get(url).status_code == 405
    refused = kaiwu.post(url, {"hotline": "<script>"}, follow=True)
    assert "热线号码只能包含数字" in refused.content.decode()
    saved = kaiwu.post(url, {"hotline": " 021-5762 0001 "}, follow=True)
    assert "居委热线已保存" in saved.content.decode()
    grid.kaiwu.refresh_from_db()
    assert grid.kaiwu.hotline == "021-5762 0001"
    assert AuditEntry.objects.filter(summary="committee hotline set").count() == 1
    pdf = kaiwu.get(reverse("care:poster", args=[grid.b1.pk])).content
    assert "021-5762 0001" in _pdf_text(pdf)
