"""A group buy over several compounds of one committee: households of each covered compound
order (door, volunteer page, API) and a third compound's are refused with the reason; the
strictest of the compounds' rules governs (mark-up, fee, window, minimum, disinfection, the
suspend switch), the organiser must be eligible in each; compounds of two committees are
refused; the gate shows such a group buy once; each compound's door shows its own rules; the
pick lists cover both compounds (read back); the migration keeps each group buy's compound."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.accounts.models import ApiToken
from linli.care.selfservice import self_service_link
from linli.core.validators import Problem
from linli.core.workflow import Conflict, transition
from linli.duty.models import Duty
from linli.places.models import Compound, Household
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies import services_group_buys as services
from linli.supplies.models import GroupBuy, GroupBuyOrder
from linli.testing.scenario import build_grid_scenario
from linli.testing.supplies_groupbuys import (
    RULES_TEXT,
    add_compound,
    group_buy_world,
    make_group_buy,
)

pytestmark = pytest.mark.django_db
S = GroupBuy.Status
B_TEXT = "桂花苑团购细则：只接受本小区登记居民下单，加价不超过5%。"


@pytest.fixture
def w(scenario):
    """香樟苑 (A, the committee's rules: mark-up 10%, fee 2 yuan, 48 hours, 1 order), 桂花苑 (B)
    and 银杏苑 (C), all of 新凯五村; bob, a resident of A, is nominated by the committee so
    that he may organise in B and C too (they follow the committee's rules)."""
    world = group_buy_world(build_grid_scenario(scenario))
    world.guihua = add_compound(world.s, "桂花苑", phone_prefix="1350000")  # type: ignore[attr-defined]
    world.yinxing = add_compound(world.s, "银杏苑", phone_prefix="1360000")  # type: ignore[attr-defined]
    world.rules.nominated.add(world.s.volunteers["bob"])
    return world


def _ab(w) -> list[Compound]:
    return [w.s.xiangzhang, w.guihua]


def _household(compound: Compound, room: str) -> Household:
    return Household.objects.get(building__compound=compound, room=room)


def _own_rules(w, compound: Compound, **numbers) -> None:
    fields = {
        "text": B_TEXT,
        "organisers": "either",
        "max_markup_bp": 1000,
        "max_fee_fen": 200,
        "max_window_hours": 48,
        "min_orders": 1,
        "disinfection_required": False,
        "suspended": False,
    }
    fields.update(numbers)
    saved = services.group_buy_rules_save(
        user=w.s.users["kaiwu"], committee=w.s.kaiwu, compound=compound, **fields
    )
    saved.nominated.add(w.s.volunteers["bob"])  # B's own rules nominate bob too


def _create(w, compounds, **overrides) -> GroupBuy:
    now = timezone.now()
    args = {
        "user": w.s.users["bob"],
        "compounds": compounds,
        "organiser": w.s.volunteers["bob"],
        "supplier": w.supplier,
        "title": "两小区团",
        "fee_fen": 0,
        "opens_at": now,
        "closes_at": now + dt.timedelta(hours=12),
        "delivery_on": timezone.localdate(),
        "items": [services.ItemIn("青菜", 1995, 1900, 10)],
    }
    args.update(overrides)
    return services.group_buy_create(**args)


def _order(w, gb, household: Household, veg: int = 0, rice: int = 0) -> GroupBuyOrder:
    veg_item, rice_item = list(gb.items.order_by("id"))
    return order_services.order_place(
        user=w.s.users["kaiwu"],
        group_buy=gb,
        household=household,
        items=[(veg_item.pk, veg), (rice_item.pk, rice)],
        source=GroupBuyOrder.Source.VOLUNTEER,
    ).order


def _client(w, username: str) -> Client:
    client = Client()
    client.force_login(w.s.users[username])
    return client


def _door_order(token: str, gb, room: str, phone: str, veg: int = 1):
    client = Client()
    veg_item, rice_item = gb.items.order_by("id")
    page = client.get(reverse("supplies:group_buy_door_order", args=[token, gb.pk]))
    form_token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "form_token": form_token,
        "room": room,
        "phone": phone,
        f"qty_{veg_item.pk}": veg,
        f"qty_{rice_item.pk}": 0,
    }
    return client.post(reverse("supplies:group_buy_door_order", args=[token, gb.pk]), data)


def _token(compound: Compound) -> str:
    return self_service_link(user=None, building=compound.buildings.get()).token


# --- Who orders -------------------------------------------------------------------------------


def test_households_of_each_covered_compound_order_at_their_doors_and_a_third_s_cannot(w):
    gb = make_group_buy(w, compounds=_ab(w))
    a_door = self_service_link(user=None, building=w.s.b1).token
    assert _door_order(a_door, gb, "101", "13812345678").status_code == 302  # 张三丰, A
    b_door = _token(w.guihua)
    assert _door_order(b_door, gb, "101", "13500000101").status_code == 302
    c_door = _token(w.yinxing)
    assert gb.title not in Client().get(reverse("supplies:group_buy_door", args=[c_door])).text
    refused = _door_order_page_status(c_door, gb)
    assert refused == 404
    placed = GroupBuyOrder.objects.filter(group_buy=gb).values_list(
        "household__building__compound__name", flat=True
    )
    assert sorted(placed) == sorted(["香樟苑", "桂花苑"])


def _door_order_page_status(token: str, gb) -> int:
    return Client().get(reverse("supplies:group_buy_door_order", args=[token, gb.pk])).status_code


def test_a_volunteer_orders_for_a_covered_household_and_a_third_compound_s_is_refused(w):
    gb = make_group_buy(w, compounds=_ab(w))
    kaiwu = _client(w, "kaiwu")
    url = reverse("supplies:group_buy_order_for", args=[gb.pk])
    veg, _rice = gb.items.order_by("id")
    page = kaiwu.get(url).text
    # Households of both compounds are listed with their compound; none of the third's.
    assert "桂花苑 1号楼 102" in page and "香樟苑 2号楼 201" in page and "银杏苑" not in page
    ok = kaiwu.post(url, {"household": _household(w.guihua, "102").pk, f"qty_{veg.pk}": 1})
    assert ok.status_code == 302
    third = kaiwu.post(url, {"household": _household(w.yinxing, "101").pk, f"qty_{veg.pk}": 1})
    assert third.status_code == 400
    assert "该户不在本团购的小区" in third.text
    assert not GroupBuyOrder.objects.filter(household__building__compound=w.yinxing).exists()


def test_the_api_takes_orders_from_both_compounds_and_refuses_a_third_s_with_422(w):
    gb = make_group_buy(w, compounds=_ab(w))
    api = Client(headers={"authorization": f"Bearer {ApiToken.issue(w.s.users['kaiwu'])}"})
    veg = gb.items.order_by("id").first()

    def post(household: Household):
        body = {"household": household.pk, "items": [{"item": veg.pk, "qty": 1}]}
        url = f"/api/v1/group-buys/{gb.pk}/orders/"
        return api.post(url, json.dumps(body), content_type="application/json")

    assert post(w.s.households["b2_101"]).status_code == 201
    assert post(_household(w.guihua, "101")).status_code == 201
    refused = post(_household(w.yinxing, "101"))
    assert refused.status_code == 422
    assert "该户不在本团购的小区" in refused.json()["detail"]
    detail = api.get(f"/api/v1/group-buys/{gb.pk}/").json()
    assert detail["compound_ids"] == sorted([w.s.xiangzhang.pk, w.guihua.pk])
    veg.refresh_from_db()
    assert veg.ordered == 2


# --- The strictest rules -----------------------------------------------------------------------


def test_the_combination_takes_the_strictest_of_each_number(w):
    _own_rules(
        w,
        w.guihua,
        max_markup_bp=500,
        max_fee_fen=50,
        max_window_hours=12,
        min_orders=3,
        disinfection_required=False,
    )
    # A (the committee's): 1000 bp, 200 fen, 48 h, 1 order, disinfection required.
    both = services.rules_for_compounds(_ab(w))
    assert (both.max_markup_bp, both.max_fee_fen, both.max_window_hours) == (500, 50, 12)
    assert (both.min_orders, both.disinfection_required, both.suspended) == (3, True, False)
    assert RULES_TEXT in both.text and B_TEXT in both.text


def test_a_markup_allowed_in_a_but_above_b_s_cap_is_refused(w):
    _own_rules(w, w.guihua, max_markup_bp=500)
    # 5% of 1,900 fen is 95: 1,995 is at B's cap, 1,996 over it; A allows up to 2,090.
    over = [services.ItemIn("青菜", 1996, 1900, 10)]
    assert _create(w, [w.s.xiangzhang], items=over).items.get().unit_price_fen == 1996
    with pytest.raises(Problem, match=r"加价超过规定上限（5%）"):
        _create(w, _ab(w), items=over)
    assert _create(w, _ab(w)).items.get().unit_price_fen == 1995


def test_b_s_fee_cap_and_window_govern_the_group_buy_over_both(w):
    _own_rules(w, w.guihua, max_fee_fen=50, max_window_hours=6)
    with pytest.raises(Problem, match="服务费51分超过规定上限50分"):
        _create(w, _ab(w), fee_fen=51, closes_at=timezone.now() + dt.timedelta(hours=6))
    with pytest.raises(Problem, match="6小时"):
        _create(w, _ab(w), fee_fen=50)  # 12 hours: A allows 48, B 6


def test_b_suspended_suspends_the_group_buy_over_both_not_a_s_own(w):
    over_both = make_group_buy(w, compounds=_ab(w))
    a_only = make_group_buy(w)
    _own_rules(w, w.guihua, suspended=True)
    with pytest.raises(Conflict, match="暂停"):
        _order(w, over_both, w.s.households["b1_101"], veg=1)  # a household of A
    assert _order(w, a_only, w.s.households["b1_101"], veg=1).status == "active"
    page = _client(w, "kaiwu").get(reverse("supplies:group_buy", args=[over_both.pk])).text
    assert "居委已暂停本小区全部团购" in page


def test_b_s_minimum_of_orders_holds_back_the_order_to_the_supplier(w):
    _own_rules(w, w.guihua, min_orders=2)
    gb = make_group_buy(w, compounds=_ab(w))
    _order(w, gb, w.s.households["b1_101"], veg=1)
    transition(gb, S.CLOSED, by=w.s.users["bob"])
    with pytest.raises(Conflict, match="未达最低成团2户"):
        transition(gb, S.ORDERED, by=w.s.users["bob"])


def test_an_organiser_eligible_in_a_but_not_in_b_is_refused(w):
    w.rules.nominated.remove(w.s.volunteers["bob"])
    with pytest.raises(Problem, match="团长不符合本小区规定：桂花苑"):
        _create(w, _ab(w))
    assert _create(w, [w.s.xiangzhang]).organiser == w.s.volunteers["bob"]  # a resident of A
    # Nominated by the committee: B (following the committee's rules) accepts him, unless B's
    # own rules take residents only.
    w.rules.nominated.add(w.s.volunteers["bob"])
    assert set(_create(w, _ab(w)).compounds.all()) == set(_ab(w))
    _own_rules(w, w.guihua, organisers="resident")
    with pytest.raises(Problem, match="桂花苑：仅本小区登记居民"):
        _create(w, _ab(w))


def test_compounds_of_two_committees_are_refused_by_the_service_and_the_page(w):
    with pytest.raises(Problem, match="所选小区须属于同一居委：丽水苑不属于新凯五村"):
        _create(w, [w.s.xiangzhang, w.s.lishuiyuan])
    assert not GroupBuy.objects.exists()
    town = _client(w, "town")
    data = {
        "compounds": [w.s.xiangzhang.pk, w.s.lishuiyuan.pk],
        "organiser": w.s.volunteers["bob"].pk,
        "supplier": w.supplier.pk,
        "title": "跨居委团",
        "fee": "0",
        "opens_at": "2099-01-01T08:00",
        "closes_at": "2099-01-01T20:00",
        "delivery_on": "2099-01-03",
        "item_0_name": "大米",
        "item_0_unit": "袋",
        "item_0_list": "50",
        "item_0_price": "50",
        "item_0_stock": "40",
    }
    refused = town.post(reverse("supplies:group_buy_new"), data)
    assert refused.status_code == 400 and "所选小区须属于同一居委" in refused.text
    none = town.post(reverse("supplies:group_buy_new"), {**data, "compounds": []})
    assert none.status_code == 400 and "请至少选择一个小区" in none.text
    made = town.post(
        reverse("supplies:group_buy_new"), {**data, "compounds": [c.pk for c in _ab(w)]}
    )
    assert made.status_code == 302
    gb = GroupBuy.objects.get(title="跨居委团")
    assert set(gb.compounds.all()) == set(_ab(w)) and gb.committee == w.s.kaiwu


# --- Seen once, each door its own rules, slots -------------------------------------------------


def test_the_gate_yields_a_group_buy_over_two_compounds_once(w):
    gb = make_group_buy(w, compounds=_ab(w))
    s = w.s
    # bob: second secretary of both compounds and the organiser; alice leads A's 1号楼.
    Duty.objects.create(
        volunteer=s.volunteers["bob"],
        kind=Duty.Kind.SECOND_SECRETARY,
        town=s.town,
        committee=s.kaiwu,
        compound=w.guihua,
    )
    for name in ("alice", "bob", "kaiwu"):
        seen = list(GroupBuy.objects.visible_to(s.users[name]))
        assert seen == [gb], name
        assert GroupBuy.objects.visible_to(s.users[name]).count() == 1, name
    assert not GroupBuy.objects.visible_to(s.users["dave"]).exists()
    listed = _client(w, "alice").get(reverse("supplies:group_buys")).text
    assert listed.count(f'href="/supplies/group-buys/{gb.pk}/"') == 1
    assert "香樟苑、桂花苑" in listed
    building = _client(w, "alice").get(reverse("places:building", args=[s.b1.pk])).text
    assert building.count(gb.title) == 1


def test_each_compound_s_door_shows_its_own_rules_and_the_group_buy(w):
    _own_rules(w, w.guihua)
    gb = make_group_buy(w, compounds=_ab(w))
    a_page = Client().get(reverse("supplies:group_buy_door", args=[_token_a(w)])).text
    b_page = Client().get(reverse("supplies:group_buy_door", args=[_token(w.guihua)])).text
    assert gb.title in a_page and gb.title in b_page
    assert RULES_TEXT in a_page and B_TEXT not in a_page
    assert B_TEXT in b_page and RULES_TEXT not in b_page


def _token_a(w) -> str:
    return self_service_link(user=None, building=w.s.b1).token


def test_slots_take_buildings_of_either_compound_not_of_a_third(w):
    gb = make_group_buy(w, compounds=_ab(w))
    start = timezone.now() + dt.timedelta(days=1)
    b_building = w.guihua.buildings.get()
    bob = w.s.users["bob"]
    with pytest.raises(Problem, match="结束时间须晚于开始时间"):
        services.slot_add(
            user=bob, group_buy=gb, building=b_building, starts_at=start, ends_at=start
        )
    made = services.slot_add(
        user=bob,
        group_buy=gb,
        building=b_building,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    assert made.building == b_building
    with pytest.raises(Problem, match="楼栋不在本团购的小区"):
        services.slot_add(
            user=bob,
            group_buy=gb,
            building=w.yinxing.buildings.get(),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )
    page = _client(w, "bob").get(reverse("supplies:group_buy", args=[gb.pk])).text
    assert "桂花苑 1号楼" in page  # the slot listed, and offered in the slot form


# --- Pick lists ---------------------------------------------------------------------------------


def test_the_pick_lists_cover_both_compounds_compound_by_compound(w):
    gb = make_group_buy(w, compounds=_ab(w))
    a, b = w.s.xiangzhang, w.guihua
    _order(w, gb, w.s.households["b1_101"], veg=2)
    _order(w, gb, w.s.households["b2_101"], veg=1, rice=1)
    _order(w, gb, _household(b, "101"), rice=2)
    _order(w, gb, _household(b, "102"), veg=1)
    bob = w.s.users["bob"]
    transition(gb, S.CLOSED, by=bob)
    transition(gb, S.ORDERED, by=bob)
    client = _client(w, "bob")

    def rows(kind: str) -> tuple[list[tuple], str]:
        got = client.get(reverse("supplies:group_buy_output", args=[gb.pk, kind, "xlsx"]))
        assert got.status_code == 200
        book = load_workbook(io.BytesIO(got.content)).active
        return list(book.iter_rows(values_only=True)), got["Content-Disposition"]

    # Worked by hand: 青菜套餐 20.00 a 份, 大米5kg 35.00 a 袋, fee 1.00 an order; A (香樟苑)
    # was registered before B (桂花苑), so it comes first.
    picks, disposition = rows("buildings")
    assert picks[0] == ("小区", "楼栋", "商品", "数量", "单位", "户数")
    assert picks[1:] == [
        ("香樟苑", "1号楼", "青菜套餐", "2", "份", "1"),
        ("香樟苑", "2号楼", "青菜套餐", "1", "份", "1"),
        ("香樟苑", "2号楼", "大米5kg", "1", "袋", "1"),
        ("桂花苑", "1号楼", "青菜套餐", "1", "份", "1"),
        ("桂花苑", "1号楼", "大米5kg", "2", "袋", "1"),
    ]
    assert quote("香樟苑、桂花苑-香樟苑蔬菜团-分楼栋拣货单.xlsx") in disposition
    households, _ = rows("households")
    assert households[1:] == [
        ("香樟苑", "1号楼", "101", "青菜套餐", "2", "份", "41.00", "0.00"),
        ("香樟苑", "2号楼", "101", "青菜套餐", "1", "份", "56.00", "0.00"),
        ("香樟苑", "2号楼", "101", "大米5kg", "1", "袋", "56.00", "0.00"),
        ("桂花苑", "1号楼", "101", "大米5kg", "2", "袋", "71.00", "0.00"),
        ("桂花苑", "1号楼", "102", "青菜套餐", "1", "份", "21.00", "0.00"),
    ]
    assert a.pk < b.pk


# --- The migration ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_group_buy_s_compound_both_ways(scenario):
    s = scenario
    second = Compound.objects.create(town=s.town, committee=s.kaiwu, name="后来苑")
    before, after = ("supplies", "0001_initial"), ("supplies", "0002_group_buy_compounds")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        volunteer = old.get_model("duty", "Volunteer").objects.create(
            town_id=s.town.pk, committee_id=s.kaiwu.pk, name="团长"
        )
        supplier = old.get_model("supplies", "Supplier").objects.create(
            town_id=s.town.pk, name="迁移供应商", vetting="vetted"
        )
        now = timezone.now()
        made = {}
        for compound in (s.xiangzhang, second, s.lishuiyuan):
            row = old.get_model("supplies", "GroupBuy").objects.create(
                town_id=s.town.pk,
                committee_id=compound.committee_id,
                compound_id=compound.pk,
                organiser_id=volunteer.pk,
                supplier_id=supplier.pk,
                title=f"{compound.name}团",
                opens_at=now,
                closes_at=now,
                delivery_on=now.date(),
            )
            made[row.pk] = compound.pk
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps.get_model("supplies", "GroupBuy")
        for pk, compound_id in made.items():
            assert list(new.objects.get(pk=pk).compounds.values_list("pk", flat=True)) == [
                compound_id
            ]
        # A group buy given a second compound after the migration goes back to its first.
        first_pk = next(iter(made))
        new.objects.get(pk=first_pk).compounds.add(second.pk)
        executor = MigrationExecutor(connection)
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps.get_model("supplies", "GroupBuy")
        assert dict(old.objects.values_list("pk", "compound_id")) == made
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert GroupBuy.objects.get(title="香樟苑团").compounds.get() == s.xiangzhang
