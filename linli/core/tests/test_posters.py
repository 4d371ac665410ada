"""QR posters: one A4 page per poster, the link clickable, shown inline for printing."""

import re

import pytest

from linli.care.models import SelfServiceLink
from linli.core.models import AuditEntry
from linli.core.posters import Poster, poster_link, posters_pdf, posters_response
from linli.duty.models import ReportInLink


def poster(n: int) -> Poster:
    return Poster(
        title=f"香樟苑 {n}号楼",
        heading="居民求助",
        lines=("请用手机扫码提交。",),
        url=f"https://linli.example/care/ask/token-{n}/",
    )


def test_each_poster_is_one_a4_page_with_its_link():
    pdf = posters_pdf([poster(1), poster(2), poster(3)], document_title="居民求助二维码")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 3
    assert pdf.count(b"/MediaBox [ 0 0 595.2756 841.8898 ]") == 3
    for n in (1, 2, 3):  # the QR code and the printed link open it
        assert pdf.count(f"/URI (https://linli.example/care/ask/token-{n}/)".encode()) == 2


def test_the_response_is_an_inline_pdf_named_for_saving():
    response = posters_response([poster(1)], filename="help-poster-7.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="help-poster-7.pdf"'
    assert response.content.startswith(b"%PDF")


def test_a_chinese_file_name_is_sent_in_rfc_6266_form():
    response = posters_response([poster(1)], filename="求助.pdf")
    # 求 is U+6C42 (UTF-8 E6 B1 82), 助 is U+52A9 (UTF-8 E5 8A A9), worked by hand.
    assert response["Content-Disposition"] == "inline; filename*=utf-8''%E6%B1%82%E5%8A%A9.pdf"


@pytest.mark.django_db
def test_a_place_keeps_one_link_until_it_is_renewed(scenario):
    town = scenario.users["town"]
    link = poster_link(SelfServiceLink, user=town, place=scenario.b1)
    assert (link.building, link.town) == (scenario.b1, scenario.town) and len(link.token) >= 32
    assert poster_link(SelfServiceLink, user=town, place=scenario.b1).token == link.token
    renewed = poster_link(SelfServiceLink, user=town, place=scenario.b1, renew=True)
    assert renewed.pk == link.pk and renewed.token != link.token
    committee = poster_link(ReportInLink, user=None, place=scenario.kaiwu, renew=True)
    assert committee.committee == scenario.kaiwu and committee.token not in (link.token, "")
    logged = AuditEntry.objects.filter(
        target_type__in=["care.selfservicelink", "duty.reportinlink"]
    )
    assert sorted(logged.values_list("action", flat=True)) == ["create", "create", "update"]
