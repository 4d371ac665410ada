"""Group-buy pages through the users' doors: the residents' self-service door (the building's QR
link), the committee's rules, the list and a group buy's page as anonymous, out of scope and in
scope, the status moves, arrival and disinfection, money, ordering for a household, and the
outputs downloaded and read back."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from linli.care.selfservice import self_service_link
from linli.supplies.models import GroupBuy, GroupBuyItem, GroupBuyOrder, GroupBuyRules
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_groupbuys import RULES_TEXT, group_buy_world, make_group_buy

pytestmark = pytest.mark.django_db
S = GroupBuy.Status


@pytest.fixture
def w(scenario):
    return group_buy_world(build_grid_scenario(scenario))


def _client(w, username: str) -> Client:
    client = Client()
    client.force_login(w.s.users[username])
    return client


def _door(w, building=None) -> str:
    link = self_service_link(user=None, building=building or w.s.b1)
    return link.token


def _door_order(client: Client, token: str, gb, room: str, phone: str, veg=0, rice=0):
    veg_item, rice_item = gb.items.order_by("id")
    page = client.get(reverse("supplies:group_buy_door_order", args=[token, gb.pk]))
    form_token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "form_token": form_token,
        "room": room,
        "phone": phone,
        f"qty_{veg_item.pk}": veg,
        f"qty_{rice_item.pk}": rice,
    }
    return client.post(reverse("supplies:group_buy_door_order", args=[token, gb.pk]), data)


# --- The residents' door -------------------------------------------------------------------


def test_the_door_shows_the_rules_and_the_open_group_buys(w):
    gb = make_group_buy(w)
    make_group_buy(w, status=S.APPROVED)  # not open yet: not listed
    page = Client().get(reverse("supplies:group_buy_door", args=[_door(w)]))
    text = page.content.decode()
    assert page.status_code == 200
    assert RULES_TEXT[:10] in text and text.count("去下单") == 1
    assert reverse("supplies:group_buy_door_order", args=[_door(w), gb.pk]) in text
    assert Client().get(reverse("supplies:group_buy_door", args=["x" * 43])).status_code == 404


def test_a_resident_orders_sees_the_total_changes_and_cancels(w):
    gb = make_group_buy(w)
    client = Client()
    # 张三丰 lives in 1号楼 101 with the phone 13812345678
    answer = _door_order(client, _door(w), gb, "101", "13812345678", veg=2, rice=1)
    assert answer.status_code == 302
    mine = client.get(answer["Location"])
    text = mine.content.decode()
    # 2 × 20.00 + 35.00 + 1.00 fee
    assert "¥76.00" in text and "张三丰" not in text and "13812345678" not in text
    order = GroupBuyOrder.objects.get()
    assert order.source == GroupBuyOrder.Source.SELF_SERVICE and order.household.room == "101"
    veg, rice = gb.items.order_by("id")
    change = client.post(answer["Location"] + "change/", {f"qty_{veg.pk}": 1, f"qty_{rice.pk}": 0})
    assert change.status_code == 302
    assert "¥21.00" in client.get(answer["Location"]).content.decode()
    client.post(answer["Location"] + "change/", {"action": "cancel"})
    order.refresh_from_db()
    assert order.status == GroupBuyOrder.Status.CANCELLED
    assert GroupBuyItem.objects.get(pk=veg.pk).ordered == 0


def test_a_phone_not_of_the_room_is_refused_with_one_neutral_answer(w):
    gb = make_group_buy(w)
    wrong_phone = _door_order(Client(), _door(w), gb, "101", "13912345601", veg=1)
    no_room = _door_order(Client(), _door(w), gb, "999", "13812345678", veg=1)
    assert wrong_phone.status_code == no_room.status_code == 400
    assert "未能下单" in wrong_phone.content.decode() and "未能下单" in no_room.content.decode()
    assert not GroupBuyOrder.objects.exists()


def test_the_door_refuses_more_than_the_stock_left_with_409(w):
    gb = make_group_buy(w, stock=(1, 1))
    answer = _door_order(Client(), _door(w), gb, "101", "13812345678", veg=2)
    assert answer.status_code == 409 and "仅剩1份" in answer.content.decode()


def test_a_building_s_door_does_not_open_another_compound_s_group_buy(w):
    gb = make_group_buy(w)
    token = _door(w, w.s.lb1)
    url = reverse("supplies:group_buy_door_order", args=[token, gb.pk])
    assert Client().get(url).status_code == 404


def test_a_household_consents_to_a_price_change_on_its_order_page(w):
    gb = make_group_buy(w)
    client = Client()
    answer = _door_order(client, _door(w), gb, "101", "13812345678", veg=1)
    veg = gb.items.order_by("id").first()
    bob = _client(w, "bob")
    bob.post(
        reverse("supplies:group_buy_price", args=[gb.pk, veg.pk]),
        {"price": "19.50", "reason": "批发价下调"},
    )
    page = client.get(answer["Location"]).content.decode()
    assert "同意改价" in page
    change = re.search(r"consent/(\d+)/", page).group(1)
    client.post(answer["Location"] + f"consent/{change}/")
    assert GroupBuyItem.objects.get(pk=veg.pk).unit_price_fen == 1950
    assert "¥20.50" in client.get(answer["Location"]).content.decode()  # 19.50 + 1.00 fee


# --- Staff and organiser pages ---------------------------------------------------------------


def test_the_list_and_page_are_hidden_out_of_scope(w, django_assert_max_num_queries):
    gb = make_group_buy(w)
    url = reverse("supplies:group_buy", args=[gb.pk])
    assert Client().get(url).status_code == 302
    assert _client(w, "lishui").get(url).status_code == 404
    assert _client(w, "charlie").get(url).status_code == 404
    for who in ("kaiwu", "town", "bob", "alice"):
        assert _client(w, who).get(url).status_code == 200, who
    kaiwu = _client(w, "kaiwu")
    with django_assert_max_num_queries(25):
        listed = kaiwu.get(reverse("supplies:group_buys"))
    assert gb.title in listed.content.decode()
    assert gb.title not in _client(w, "lishui").get(reverse("supplies:group_buys")).content.decode()


def test_the_committee_sets_its_rules_and_nobody_else_reaches_them(w):
    url = reverse("supplies:group_buy_rules", args=[w.s.kaiwu.pk])
    data = {
        "text": "新规则",
        "organisers": "nominated",
        "max_markup_percent": "5",
        "max_fee": "0.50",
        "max_window_hours": "24",
        "min_orders": "10",
        "disinfection_required": "on",
    }
    assert _client(w, "alice").post(url, data).status_code == 404
    assert _client(w, "lishui").get(url).status_code == 404
    assert _client(w, "kaiwu").post(url, data).status_code == 302
    rules = GroupBuyRules.objects.get(committee=w.s.kaiwu, compound=None)
    assert (rules.max_markup_bp, rules.max_fee_fen, rules.min_orders, rules.suspended) == (
        500,
        50,
        10,
        False,
    )
    bad = _client(w, "kaiwu").post(url, {**data, "max_fee": "1.234"})
    assert bad.status_code == 400


def test_an_organiser_drafts_a_group_buy_and_the_committee_approves_it(w):
    s = w.s
    bob = _client(w, "bob")
    data = {
        "compounds": [s.xiangzhang.pk],
        "organiser": s.volunteers["bob"].pk,
        "supplier": w.supplier.pk,
        "title": "周末米面团",
        "fee": "1",
        "opens_at": "2099-01-01T08:00",
        "closes_at": "2099-01-02T08:00",
        "delivery_on": "2099-01-03",
        "item_0_name": "大米",
        "item_0_unit": "袋",
        "item_0_pack": "10kg",
        "item_0_list": "50",
        "item_0_price": "55",
        "item_0_stock": "40",
    }
    over = bob.post(reverse("supplies:group_buy_new"), {**data, "item_0_price": "55.01"})
    assert over.status_code == 400 and "加价超过" in over.content.decode()
    made = bob.post(reverse("supplies:group_buy_new"), data)
    assert made.status_code == 302
    gb = GroupBuy.objects.get(title="周末米面团")
    assert gb.items.get().unit_price_fen == 5500 and gb.fee_fen == 100
    move = reverse("supplies:group_buy_move", args=[gb.pk])
    assert bob.post(move, {"to": "submitted"}).status_code == 302
    assert bob.post(move, {"to": "approved"}).status_code == 403
    assert _client(w, "lishui").post(move, {"to": "approved"}).status_code == 404
    assert _client(w, "kaiwu").post(move, {"to": "approved"}).status_code == 302
    assert _client(w, "kaiwu").post(move, {"to": "settled"}).status_code == 409
    assert bob.post(move, {"to": "nonsense"}).status_code == 400
    gb.refresh_from_db()
    assert gb.status == S.APPROVED


def test_arrival_disinfection_money_and_outputs_through_the_pages(w):
    s = w.s
    gb = make_group_buy(w, stock=(10, 10))
    bob = _client(w, "bob")
    veg, rice = gb.items.order_by("id")
    order_for = reverse("supplies:group_buy_order_for", args=[gb.pk])
    for hh, v, r in (("b1_101", 3, 1), ("b2_201", 2, 0)):
        answer = bob.post(
            order_for,
            {"household": s.households[hh].pk, f"qty_{veg.pk}": v, f"qty_{rice.pk}": r},
        )
        assert answer.status_code == 302
    first = GroupBuyOrder.objects.get(household=s.households["b1_101"])
    money = reverse("supplies:group_buy_money", args=[gb.pk, "pay"])
    assert bob.post(money, {"order": first.pk, "amount": "96.00"}).status_code == 302
    assert bob.post(money, {"order": first.pk, "amount": "0.01"}).status_code == 400
    move = reverse("supplies:group_buy_move", args=[gb.pk])
    bob.post(move, {"to": "closed"})
    bob.post(move, {"to": "ordered"})
    # The supplier's order sheet, read back: 5 veg at 19.00 = 95.00; 1 rice at 32.00.
    sheet = bob.get(reverse("supplies:group_buy_output", args=[gb.pk, "supplier", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][:6] == ("青菜套餐", "约5斤", "份", "5", "19.00", "95.00")
    assert rows[-1][0] == "合计" and rows[-1][5] == "127.00"
    arrive = reverse("supplies:group_buy_arrive", args=[gb.pk])
    assert bob.post(arrive, {f"arrived_{veg.pk}": 4, f"arrived_{rice.pk}": 1}).status_code == 302
    gb.refresh_from_db()
    assert gb.status == S.ARRIVED
    picks = bob.get(reverse("supplies:group_buy_output", args=[gb.pk, "buildings", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(picks.content)).active.iter_rows(values_only=True))
    # 1号楼 got 3 veg and 1 rice (first come); 2号楼 1 of its 2 veg.
    assert rows[1:] == [
        ("香樟苑", "1号楼", "青菜套餐", "3", "份", "1"),
        ("香樟苑", "1号楼", "大米5kg", "1", "袋", "1"),
        ("香樟苑", "2号楼", "青菜套餐", "1", "份", "1"),
    ]
    households = bob.get(reverse("supplies:group_buy_output", args=[gb.pk, "households", "pdf"]))
    assert households["Content-Type"] == "application/pdf"
    assert households.content.startswith(b"%PDF")
    assert (
        bob.get(reverse("supplies:group_buy_output", args=[gb.pk, "x", "pdf"])).status_code == 404
    )
    assert (
        _client(w, "alice")
        .get(reverse("supplies:group_buy_output", args=[gb.pk, "supplier", "pdf"]))
        .status_code
        == 403
    )
    disinfect = reverse("supplies:group_buy_disinfect", args=[gb.pk])
    assert bob.post(disinfect, {"by_name": "", "method": ""}).status_code == 400
    assert bob.post(disinfect, {"by_name": "老王", "method": "喷洒"}).status_code == 302
    page = bob.get(reverse("supplies:group_buy", args=[gb.pk])).content.decode()
    assert "老王" in page and "喷洒" in page
    orders = bob.get(reverse("supplies:group_buy_orders", args=[gb.pk])).content.decode()
    assert "¥96.00" in orders and "张三丰" not in orders


def test_complaints_per_group_buy_and_per_supplier(w):
    gb = make_group_buy(w)
    kaiwu = _client(w, "kaiwu")
    kaiwu.post(reverse("supplies:group_buy_complain", args=[gb.pk]), {"summary": "青菜短斤少两"})
    assert "青菜短斤少两" in kaiwu.get(reverse("supplies:group_buy", args=[gb.pk])).content.decode()
    listed = kaiwu.get(reverse("supplies:group_buy_complaints") + f"?supplier={w.supplier.pk}")
    assert "青菜短斤少两" in listed.content.decode()
    other = kaiwu.get(reverse("supplies:group_buy_complaints") + "?supplier=999999")
    assert "青菜短斤少两" not in other.content.decode()
    assert kaiwu.post(reverse("supplies:group_buy_complain", args=[gb.pk]), {}).status_code == 400


def test_the_help_poster_s_page_leads_residents_to_the_group_buys(w):
    token = _door(w)
    page = Client().get(reverse("care:ask", args=[token])).content.decode()
    assert reverse("supplies:group_buy_door", args=[token]) in page
