"""The pick list per household as PDF, downloaded and read back: every household's room and
amount due in their columns, over several pages, and each page's cells written as one text
object (the speed-up of a 200-household list: one `drawString` per cell took twice as long)."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse

from linli.places.models import Household
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies.models import GroupBuyOrder
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy

pytestmark = pytest.mark.django_db
MM = 72 / 25.4
CELL = re.compile(
    rb"1 0 0 1 ([\d.]+) ([\d.]+) Tm (?:/\S+ [\d.]+ Tf [\d.]+ TL )?\(((?:[^()\\]|\\.)*)\) Tj"
)


def _pages(pdf: bytes) -> list[bytes]:
    """The decoded content streams that draw text (one a page)."""
    pages = []
    for match in re.finditer(rb"<<([^>]*?)>>\s*stream\r?\n(.*?)endstream", pdf, re.S):
        spec, data = match.group(1), match.group(2)
        if b"/Subtype" in spec:  # the embedded font, not a page
            continue
        if b"ASCII85Decode" in spec:
            data = base64.a85decode(data.strip(), adobe=True)
        if b"FlateDecode" in spec:
            data = zlib.decompress(data)
        if b" Tj" in data:
            pages.append(data)
    return pages


def test_the_household_pick_list_pdf_shows_each_household_in_its_columns(scenario):
    w = group_buy_world(build_grid_scenario(scenario))
    s = w.s
    gb = make_group_buy(w, stock=(100, 50))
    veg, rice = gb.items.order_by("id")
    rooms = [f"{floor}0{n}" for floor in range(2, 7) for n in range(1, 5)]  # 20 households
    for room in rooms:
        household = Household.objects.create(town=s.town, building=s.b1, room=room)
        order_services.order_place(
            user=s.users["bob"],
            group_buy=gb,
            household=household,
            items=[(veg.pk, 1), (rice.pk, 1)],
            source=GroupBuyOrder.Source.VOLUNTEER,
        )
    bob = Client()
    bob.force_login(s.users["bob"])
    got = bob.get(reverse("supplies:group_buy_output", args=[gb.pk, "households", "pdf"]))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    pages = _pages(got.content)
    # 40 rows (a household's vegetables and rice) at 7 mm from 254 mm down to 20 mm: 34 fit
    # on the first page, 6 on the second.
    assert len(pages) == 2
    # the rows' cells (the title, subtitle and headers are above 258 mm)
    cells = [
        (round(float(x) / MM), text)
        for page in pages
        for x, y, text in CELL.findall(page)
        if float(y) / MM < 258
    ]
    # Columns (mm from the left edge): 小区 15, 楼栋 40, 室号 60, 商品 75, 数量 120, 单位 135,
    # 应付 150, 已付 173. Each household: 1 × 20.00 + 1 × 35.00 + the fee 1.00 = 56.00 due,
    # on both its rows; nothing paid yet.
    room_cells = [text.decode() for x, text in cells if x == 60]
    assert room_cells == [room for room in rooms for _ in range(2)]
    assert [text for x, text in cells if x == 120] == [b"1"] * 40
    assert [text for x, text in cells if x == 150] == [b"56.00"] * 40
    assert [text for x, text in cells if x == 173] == [b"0.00"] * 40
    for page in pages:
        # the title, the subtitle, eight headers, one text object of all the page's cells
        # (and reportlab's initial empty one): not one per cell (34 rows × 8 = 272)
        assert page.count(b"BT ") <= 12
