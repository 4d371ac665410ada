"""Bag labels (一人一档): the PDF the desk prints, read back; and the bag's page its QR code
opens, for those allowed only."""

from __future__ import annotations

import re

import pytest
import segno
from django.urls import reverse
from reportlab.pdfbase import pdfmetrics

from linli.core.masking import mask_name
from linli.core.posters import FONT
from linli.medicine.labels import COLUMNS, ROWS
from linli.medicine.tests.printday import DAY, build_day
from linli.testing.medicine import make_order
from linli.testing.pdfread import embedded_fonts, page_streams, qr_matrices, texts

pytestmark = pytest.mark.django_db
DATE = f"?date={DAY.isoformat()}"


@pytest.fixture
def day(med):
    return build_day(med)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_a_name_is_masked_between_its_first_and_last_characters():
    # Worked by hand: one star per hidden character.
    assert [mask_name(n) for n in ("张三丰", "李四", "欧阳小明", "王", " 陈国强 ")] == [
        "张*丰",
        "李*",
        "欧**明",
        "王",
        "陈*强",
    ]


def test_the_desk_prints_one_label_per_bag_of_the_day_sorted_for_the_gate(day, client_for):
    response = client_for("desk").get(reverse("medicine:day_labels") + DATE)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    shown = texts(response.content)
    # By committee (丽水 before 新凯五村 in code-point order: 丽 U+4E3D, 新 U+65B0), then place.
    numbers = [t for t in shown if re.fullmatch(r"[A-Z]-\d\d", t)]
    assert numbers == ["A-02", "B-01", "A-01", "A-03", "A-04"]
    assert {"张*丰", "陈*强", "李*英", "王*国", "刘*红"} <= set(shown)
    assert "香樟苑 1号楼 101" in shown and "丽水苑 1号楼 301" in shown
    assert "新凯五村" in shown and "丽水" in shown
    # No full name, no drug (a confidential one would show through the bag).
    joined = "".join(shown)
    for secret in ("张三丰", "陈国强", "奥氮平", "二甲双胍", "13812345678"):
        assert secret not in joined
    # Only A-01 holds a cold-chain line: one mark on the sheet.
    assert shown.count("冷链") == 1
    assert shown[shown.index("A-01") + 1] == "冷链"
    assert _pages(response.content) == 1


def test_each_label_carries_a_qr_code_of_its_bag_page(day, client_for):
    pdf = client_for("desk").get(reverse("medicine:day_labels") + DATE).content
    order = day.orders["A-02"]  # the first label
    url = f"http://testserver/medicine/bags/{order.pk}/"
    expected = [[bool(m) for m in row] for row in segno.make(url, error="m", mask=0).matrix]
    codes = qr_matrices(pdf)
    assert len(codes) == 5 and codes[0] == expected
    assert codes[1] != expected  # each bag its own code
    assert pdf.count(f"/URI ({url})".encode()) == 1


def test_the_labels_embed_the_cjk_font_they_are_written_in(day, client_for):
    # A print shop's PC without Chinese fonts must print the names, not empty boxes.
    pdf = client_for("desk").get(reverse("medicine:day_labels") + DATE).content
    [embedded] = embedded_fonts(pdf)  # one subset: the few dozen glyphs of five labels
    family = pdfmetrics.getFont(FONT).face.name.decode()  # WenQuanYiZenHei, from the file
    assert re.fullmatch(rf"[A-Z]{{6}}\+{re.escape(family)}.*", embedded)
    assert b"/FontFile2" in pdf and f"/BaseFont /{embedded}".encode() in pdf
    # Besides it, only the canvas's initial font (Helvetica, one of the standard 14, unused).
    assert set(re.findall(rb"/BaseFont /([^\s/]+)", pdf)) == {embedded.encode(), b"Helvetica"}
    assert {"张*丰", "香樟苑 1号楼 101", "冷链"} <= set(texts(pdf))
    assert b"STSong" not in pdf


def test_a_label_shows_its_urgency_as_a_coloured_stripe(day, client_for):
    pdf = client_for("desk").get(reverse("medicine:day_labels") + DATE).content
    stream = page_streams(pdf)[0].decode("latin-1")
    # Fill colours set before each stripe, in label order A-02 red (#d32f2f), B-01 and A-01
    # yellow (#f9a825), A-03 green (#2e7d32), A-04 yellow: 0xd3/255 = .827451, 0x2f/255 =
    # .184314, 0xf9/255 = .976471, 0xa8/255 = .658824, 0x25/255 = .145098, 0x2e/255 = .180392,
    # 0x7d/255 = .490196, worked by hand.
    red, yellow, green = (
        ".827451 .184314 .184314 rg",
        ".976471 .658824 .145098 rg",
        (".180392 .490196 .196078 rg"),
    )
    colours = re.findall(r"[.\d]+ [.\d]+ [.\d]+ rg", stream)
    stripes = [c for c in colours if c in (red, yellow, green)]
    assert stripes == [red, yellow, yellow, green, yellow]


def test_a_sheet_holds_twenty_four_labels(med, client_for):
    from linli.medicine.tests.printday import make_run

    run = make_run(med, "runner", DAY, hospitals=["central"], gates=[med.kaiwu], km="9")
    for n in range(COLUMNS * ROWS + 1):
        order = make_order(med, "zhang", form_number=f"N{n:02d}", service_date=DAY)
        order.run = run
        order.save(update_fields=["run"])
    pdf = client_for("runner").get(reverse("medicine:run_labels", args=[run.pk])).content
    assert _pages(pdf) == 2
    assert len(qr_matrices(pdf)) == 25


def test_only_the_desk_and_town_staff_print_the_whole_day(day, client_for):
    url = reverse("medicine:day_labels") + DATE
    assert client_for("town").get(url).status_code == 200
    for who in ("runner", "kaiwu", "alice", "charlie"):
        assert client_for(who).get(url).status_code == 403, who
    assert client_for("desk").get(reverse("medicine:day_labels") + "?date=12/04").status_code == 400


def test_a_runner_prints_the_labels_of_their_own_run_only(day, client_for):
    mine = reverse("medicine:run_labels", args=[day.run.pk])
    theirs = reverse("medicine:run_labels", args=[day.run2.pk])
    response = client_for("runner").get(mine)
    assert response.status_code == 200
    assert [t for t in texts(response.content) if re.fullmatch(r"[A-Z]-\d\d", t)] == [
        "A-02",
        "A-01",
        "A-03",
        "A-04",
    ]
    assert client_for("runner").get(theirs).status_code == 404  # carries none of them
    assert client_for("kaiwu").get(mine).status_code == 403  # sees its requests, not a printer
    assert client_for("lishui").get(theirs).status_code == 403
    assert client_for("charlie").get(mine).status_code == 404
    assert client_for("desk").get(theirs).status_code == 200


# The bag's page: the QR code's door.


def test_the_bag_page_opens_for_those_who_move_the_bag(day, client_for):
    order = day.orders["A-01"]  # 张三丰, 香樟苑 1号楼 101 (alice's building), on runner's run
    url = reverse("medicine:bag", args=[order.pk])
    for who in ("desk", "runner", "town", "kaiwu", "bob", "alice"):
        response = client_for(who).get(url)
        assert response.status_code == 200, who
        assert "张三丰" in response.content.decode() and "A-01" in response.content.decode()
    for who in ("runner2", "lishui", "charlie", "dave", "erin"):
        assert client_for(who).get(url).status_code == 404, who
    assert client_for("lishui").get("/medicine/bags/99999999/").status_code == 404
    anonymous = client_for("desk")
    anonymous.logout()
    assert anonymous.get(url).status_code == 302


def test_the_bag_page_refuses_who_sees_the_patient_but_does_not_carry_bags(day, client_for):
    # erin keeps 香樟苑 2号楼 201 (赵丽华's household): she sees the request, she moves no bags.
    order = make_order(day.s, "zhao", form_number="Z-1", service_date=DAY)
    assert client_for("erin").get(reverse("medicine:bag", args=[order.pk])).status_code == 403
    # dave is paired with 陈国强: the same.
    assert (
        client_for("dave").get(reverse("medicine:bag", args=[day.orders["A-02"].pk])).status_code
        == 403
    )


def test_the_bag_page_names_confidential_drugs_to_the_desk_and_runner_only(day, client_for):
    url = reverse("medicine:bag", args=[day.orders["A-02"].pk])  # 陈国强, 丽水
    for who in ("desk", "runner"):
        page = client_for(who).get(url).content.decode()
        assert "奥氮平" in page and "阿卡波糖" in page, who
    page = client_for("lishui").get(url).content.decode()
    assert "奥氮平" not in page and "保密药品" in page and "阿卡波糖" in page
