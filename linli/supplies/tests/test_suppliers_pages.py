"""The registry's pages through the test client: who sees what, who may change what, and
bad input answered with a reason, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linli.core.models import AuditEntry
from linli.places.models import Town
from linli.supplies.models import Complaint, Supplier, SupplierPaper
from linli.testing.supplies_suppliers import make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_town_supplier(scenario):
    return make_supplier(Town.objects.create(name="洞泾镇"), "洞泾蔬菜")


def test_the_list_needs_a_login_and_a_scope(scenario, client, client_for):
    url = reverse("supplies:suppliers")
    assert client.get(url).status_code == 302
    assert client_for("charlie").get(url).status_code == 403


def test_town_and_committee_staff_see_the_towns_registry_only(
    scenario, client_for, other_town_supplier
):
    make_supplier(scenario.town, "松江保供蔬菜公司")
    make_supplier(scenario.town, "过期粮油", valid_until=dt.date(2022, 1, 1))
    for who in ("town", "kaiwu"):
        page = client_for(who).get(reverse("supplies:suppliers"))
        body = page.content.decode()
        assert page.status_code == 200
        assert "松江保供蔬菜公司" in body and "过期粮油" in body
        assert "洞泾蔬菜" not in body
        assert "营业执照已于2022-01-01过期" in body
    detail = reverse("supplies:supplier", args=[other_town_supplier.pk])
    assert client_for("town").get(detail).status_code == 404


def test_the_list_filters_by_vetting_and_category(scenario, client_for):
    make_supplier(scenario.town, "蔬菜甲", categories=["vegetables"])
    make_supplier(scenario.town, "日用乙", categories=["daily"], vetting="pending")
    client = client_for("town")
    body = client.get(reverse("supplies:suppliers"), {"category": "daily"}).content.decode()
    assert "日用乙" in body and "蔬菜甲" not in body
    body = client.get(reverse("supplies:suppliers"), {"vetting": "vetted"}).content.decode()
    assert "蔬菜甲" in body and "日用乙" not in body
    bad = client.get(reverse("supplies:suppliers"), {"vetting": "nonsense"})
    assert bad.status_code == 200 and "蔬菜甲" not in bad.content.decode()


def test_the_list_reads_in_a_few_queries_whatever_its_length(
    scenario, client_for, django_assert_max_num_queries
):
    for i in range(25):
        make_supplier(scenario.town, f"供应商{i:02d}")
    client = client_for("town")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supplies:suppliers")).status_code == 200


def test_town_staff_register_a_supplier_which_waits_for_vetting(scenario, client_for):
    data = {
        "name": " 泗泾粮油店 ",
        "categories": ["grain_oil", "daily"],
        "daily_capacity": "300",
        "delivery_area": [scenario.kaiwu.pk],
        "address": "泗泾镇江川北路1号",
        "lat": "31.12",
        "lon": "121.26",
        "contact_name": "王经理",
        "contact_phone": "021-57620000",
    }
    assert client_for("kaiwu").post(reverse("supplies:supplier_new"), data).status_code == 403
    answer = client_for("town").post(reverse("supplies:supplier_new"), data)
    supplier = Supplier.objects.get(name="泗泾粮油店")
    assert answer.status_code == 302 and answer.url == reverse(
        "supplies:supplier", args=[supplier.pk]
    )
    assert supplier.vetting == "pending"
    assert supplier.categories == ["grain_oil", "daily"]
    assert list(supplier.delivery_area.all()) == [scenario.kaiwu]
    entry = AuditEntry.objects.get(action="create", target_type="supplies.supplier")
    assert "021" not in str(entry.detail) + entry.summary
    again = client_for("town").post(reverse("supplies:supplier_new"), data)
    assert again.status_code == 400 and "已登记" in again.content.decode()


def test_bad_input_is_a_400_with_a_reason(scenario, client_for):
    client = client_for("town")
    answer = client.post(
        reverse("supplies:supplier_new"),
        {"name": "甲", "categories": ["rockets"], "daily_capacity": "-1", "lat": "95"},
    )
    assert answer.status_code == 400
    supplier = make_supplier(scenario.town)
    url = reverse("supplies:paper_add", args=[supplier.pk])
    assert client.post(url, {"kind": "nope", "expires_on": "2022-13-40"}).status_code == 400
    vet = reverse("supplies:supplier_vetting", args=[supplier.pk])
    assert client.post(vet, {"to": "flying"}).status_code == 400


def test_editing_keeps_the_vetting_and_changes_the_entry(scenario, client_for):
    supplier = make_supplier(scenario.town)
    url = reverse("supplies:supplier_edit", args=[supplier.pk])
    assert client_for("kaiwu").get(url).status_code == 403
    page = client_for("town").get(url)
    assert page.status_code == 200 and "松江保供蔬菜公司" in page.content.decode()
    answer = client_for("town").post(
        url, {"name": "松江保供蔬菜公司", "categories": ["vegetables"], "daily_capacity": "800"}
    )
    assert answer.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.daily_capacity, supplier.categories, supplier.vetting) == (
        800,
        ["vegetables"],
        "vetted",
    )


def test_vetting_through_the_page_town_only_and_409_when_stale(scenario, client_for):
    supplier = make_supplier(scenario.town, vetting="pending")
    url = reverse("supplies:supplier_vetting", args=[supplier.pk])
    assert client_for("kaiwu").post(url, {"to": "vetted"}).status_code == 403
    assert client_for("town").post(url, {"to": "vetted", "reason": "证照齐全"}).status_code == 302
    supplier.refresh_from_db()
    assert supplier.vetting == "vetted"
    stale = client_for("town").post(url, {"to": "vetted"})
    assert stale.status_code == 409 and "不能改为" in stale.content.decode()
    page = client_for("town").get(reverse("supplies:supplier", args=[supplier.pk])).content.decode()
    assert "暂停供货" in page and "证照齐全" in page


def test_vetting_without_papers_is_refused_on_the_page(scenario, client_for):
    supplier = make_supplier(scenario.town, vetting="pending")
    supplier.papers.filter(kind="whitelist").delete()
    answer = client_for("town").post(
        reverse("supplies:supplier_vetting", args=[supplier.pk]), {"to": "vetted"}
    )
    assert answer.status_code == 400
    assert "缺少保供企业白名单" in answer.content.decode()


def test_papers_are_added_and_removed_by_town_staff(scenario, client_for):
    supplier = make_supplier(scenario.town)
    supplier.papers.filter(kind="driver_test").delete()
    town = client_for("town")
    detail = reverse("supplies:supplier", args=[supplier.pk])
    assert "缺少司机核酸检测" in town.get(detail).content.decode()
    add = reverse("supplies:paper_add", args=[supplier.pk])
    data = {"kind": "driver_test", "holder": "张师傅", "expires_on": "2099-04-22"}
    assert client_for("kaiwu").post(add, data).status_code == 403
    assert town.post(add, data).status_code == 302
    assert "今日可用于团购和工地供货" in town.get(detail).content.decode()
    paper = SupplierPaper.objects.get(supplier=supplier, kind="driver_test")
    remove = reverse("supplies:paper_remove", args=[supplier.pk, paper.pk])
    assert client_for("kaiwu").post(remove).status_code == 403
    assert town.post(remove).status_code == 302
    assert not SupplierPaper.objects.filter(pk=paper.pk).exists()


def test_a_committee_records_a_complaint_and_the_town_resolves_it(scenario, client_for):
    supplier = make_supplier(scenario.town)
    add = reverse("supplies:complaint_add", args=[supplier.pk])
    assert client_for("kaiwu").post(add, {"summary": "  青菜缺斤短两  "}).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.committee, complaint.summary) == (scenario.kaiwu, "青菜缺斤短两")
    # 丽水's clerk does not see 新凯五村's complaint; the town does.
    assert (
        "青菜缺斤短两"
        not in client_for("lishui")
        .get(reverse("supplies:supplier", args=[supplier.pk]))
        .content.decode()
    )
    assert "青菜缺斤短两" in client_for("town").get(reverse("supplies:complaints")).content.decode()
    resolve = reverse("supplies:complaint_status", args=[complaint.pk])
    assert (
        client_for("kaiwu").post(resolve, {"to": "resolved", "reason": "退款"}).status_code == 403
    )
    assert client_for("lishui").post(resolve, {"to": "resolved"}).status_code == 404
    assert client_for("town").post(resolve, {"to": "resolved"}).status_code == 400
    assert (
        client_for("town").post(resolve, {"to": "resolved", "reason": "已退款"}).status_code == 302
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution) == ("resolved", "已退款")
    assert client_for("kaiwu").post(add, {"summary": ""}).status_code == 400


def test_pages_read_in_english(scenario, client_for):
    supplier = make_supplier(scenario.town, vetting="pending")
    client = client_for("town")
    client.cookies["django_language"] = "en"
    body = client.get(reverse("supplies:supplier", args=[supplier.pk])).content.decode()
    assert "Supplier registry" in body and "Pending" in body


def test_the_demo_registry_shows_usable_pending_and_suspended_suppliers(scenario, client_for):
    from linli.supplies.demo import build_demo_suppliers

    built = build_demo_suppliers(scenario.town)
    assert built["suppliers"] == 7
    body = client_for("town").get(reverse("supplies:suppliers")).content.decode()
    assert "泗泾农副产品保供中心" in body
    assert "供应商“新桥母婴用品店”尚未通过审核" in body
    assert "供应商“某生鲜团购平台”已被暂停" in body


def test_the_registry_downloads_as_xlsx_with_each_papers_expiry(scenario, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    make_supplier(
        scenario.town, "蔬菜甲", categories=["vegetables"], valid_until=dt.date(2030, 1, 2)
    )
    make_supplier(scenario.town, "日用乙", categories=["daily"], vetting="pending")
    answer = client_for("town").get(reverse("supplies:supplier_export"), {"category": "vegetables"})
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(answer.streaming_content))).active
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:6] == [
        "名称",
        "供应品类",
        "日供应能力（单）",
        "配送范围",
        "审核状态",
        "今日可用",
    ]
    body = [r for r in rows[1:] if r[0]]
    assert [r[0] for r in body] == ["蔬菜甲"]
    veg = dict(zip(header, body[0], strict=True))
    assert (veg["供应品类"], veg["配送范围"], veg["今日可用"]) == ("蔬菜", "全镇", "可用")
    assert veg["食品经营许可证"] == "2030-01-02"
    assert AuditEntry.objects.filter(action="export").exists()
    bad = client_for("town").get(reverse("supplies:supplier_export"), {"vetting": "x"})
    assert bad.status_code == 400


def test_the_admin_shows_the_registry_read_only(scenario, client):
    from linli.accounts.models import User

    supplier = make_supplier(scenario.town)
    client.force_login(User.objects.create_superuser("root", password="x"))
    for model in ("supplier", "complaint", "worksiteneed", "worksiteorder"):
        assert client.get(f"/admin/supplies/{model}/").status_code == 200, model
        assert client.get(f"/admin/supplies/{model}/add/").status_code == 403, model
    page = client.get(f"/admin/supplies/supplier/{supplier.pk}/change/")
    assert page.status_code == 200 and "松江保供蔬菜公司" in page.content.decode()
    client.post(f"/admin/supplies/supplier/{supplier.pk}/change/", {"vetting": "suspended"})
    assert Supplier.objects.get(pk=supplier.pk).vetting == "vetted"
