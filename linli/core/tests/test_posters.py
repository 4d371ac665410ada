"""QR posters: one A4 page per poster, the link clickable, shown inline for printing."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics

from linli.care.models import SelfServiceLink
from linli.core.models import AuditEntry
from linli.core.posters import (
    FONT,
    Poster,
    poster_link,
    posters_pdf,
    posters_response,
    register_font,
)
from linli.duty.models import ReportInLink
from linli.testing.pdfread import embedded_fonts, texts


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


def test_the_chinese_text_is_drawn_in_an_embedded_subset_of_the_cjk_font():
    pdf = posters_pdf([poster(1)], document_title="居民求助二维码")
    assert texts(pdf) == [
        "香樟苑 1号楼",
        "居民求助",
        "请用手机扫码提交。",
        "https://linli.example/care/ask/token-1/",
    ]
    assert b"/FontFile2" in pdf and b"STSong" not in pdf
    family = pdfmetrics.getFont(FONT).face.name.decode()  # the file's own name for it
    # A subset is named with six capital letters and "+" before the font's name.
    [embedded] = embedded_fonts(pdf)
    assert re.fullmatch(rf"[A-Z]{{6}}\+{re.escape(family)}.*", embedded)
    assert f"/BaseFont /{embedded}".encode() in pdf
    # Every other font is one of the standard 14 (the link in small print, Helvetica).
    others = set(re.findall(rb"/BaseFont /([^\s/]+)", pdf)) - {embedded.encode()}
    assert others == {b"Helvetica"}


def test_text_past_a_subsets_256_glyphs_reads_back_whole():
    # 300 different ideographs (U+4E00 + 3n): two subsets, one line shown in both.
    line = "".join(chr(0x4E00 + 3 * n) for n in range(300))
    pdf = posters_pdf([Poster(title="甲", heading="乙", lines=(line,), url="https://x.example/")])
    assert line in texts(pdf)
    assert len(embedded_fonts(pdf)) == 2


def test_a_missing_font_file_is_a_clear_bilingual_error(monkeypatch, tmp_path):
    monkeypatch.delitem(pdfmetrics._fonts, FONT, raising=False)  # restored after the test
    monkeypatch.setenv("LINLI_CJK_FONT", str(tmp_path / "no-such-font.ttf"))
    with pytest.raises(ImproperlyConfigured) as refused:
        register_font()
    assert str(refused.value) == (
        "生成 PDF 需要中文字体：apt-get install fonts-wqy-zenhei，或设置 LINLI_CJK_FONT "
        "(PDFs need a CJK TrueType font: install fonts-wqy-zenhei or set LINLI_CJK_FONT)"
    )
    assert FONT not in pdfmetrics.getRegisteredFontNames()
    with pytest.raises(ImproperlyConfigured):
        posters_pdf([poster(1)])


def test_the_font_linli_cjk_font_names_is_the_one_embedded(monkeypatch):
    from linli.core.posters import CJK_FONT_FILES

    monkeypatch.delitem(pdfmetrics._fonts, FONT, raising=False)
    monkeypatch.setenv("LINLI_CJK_FONT", CJK_FONT_FILES[0])
    monkeypatch.setattr("linli.core.posters.CJK_FONT_FILES", ())  # only the variable counts
    pdf = posters_pdf([poster(2)])
    assert "香樟苑 2号楼" in texts(pdf) and b"WenQuanYiZenHei" in pdf


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
