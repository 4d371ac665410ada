"""The morning run sheet (PDF and xlsx) and each committee's hand-over list, downloaded and read
back; the print page listing what each user may print."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.models import AuditEntry
from linli.medicine.tests.printday import DAY, build_day
from linli.testing.medicine import make_order
from linli.testing.pdfread import texts

pytestmark = pytest.mark.django_db
DATE = f"?date={DAY.isoformat()}"


@pytest.fixture
def day(med):
    return build_day(med)


def _sheet(content: bytes) -> list[list[str]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [
        [c if c is not None else "" for c in row] for row in book.active.iter_rows(values_only=True)
    ]


def test_the_run_sheet_xlsx_lists_lines_in_visiting_order_with_blank_columns(day, client_for):
    response = client_for("runner").get(reverse("medicine:run_sheet_xlsx", args=[day.run.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = _sheet(response.content)
    head = rows[0]
    assert head[:9] == [
        "外场",
        "医院",
        "科室",
        "序号",
        "配药单号",
        "紧急程度",
        "患者",
        "居委",
        "楼栋室号",
    ]
    assert head[-4:] == ["已挂号", "已付费", "已取药", "发票金额（元）"]
    col = {name: i for i, name in enumerate(head)}
    # 泗泾医院 first (the run's order), then 中心医院's 内分泌科 before 内科 (分 U+5206 < 科
    # U+79D1); in 内科 丽水's gate comes first but both are 新凯五村's, so by number.
    assert [(r[col["配药单号"]], r[col["药品"]]) for r in rows[1:]] == [
        ("A-03", "二甲双胍"),
        ("A-02", "奥氮平"),
        ("A-02", "阿卡波糖"),
        ("A-01", "二甲双胍"),
        ("A-01", "门冬胰岛素（诺和锐）"),
        ("A-04", "二甲双胍"),
    ]
    assert [r[col["序号"]] for r in rows[1:]] == ["1", "2", "2", "3", "3", "4"]
    assert rows[1][col["医院"]] == "泗泾医院" and rows[2][col["科室"]] == "内分泌科"
    insulin = rows[5]
    assert insulin[col["厂家"]] == "厂家不限" and insulin[col["冷链"]] == "是"
    assert rows[4][col["厂家"]] == "施贵宝" and rows[4][col["数量（盒）"]] == "2"
    assert rows[2][col["保密"]] == "是" and rows[3][col["保密"]] == ""
    assert rows[4][col["患者"]] == "张三丰" and rows[4][col["楼栋室号"]] == "香樟苑 1号楼 101"
    assert all(r[-4:] == ["", "", "", ""] for r in rows[1:])
    assert "13812345678" not in str(rows)


def test_the_run_sheet_pdf_heads_each_hospital_and_department(day, client_for):
    response = client_for("runner").get(reverse("medicine:run_sheet_pdf", args=[day.run.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    joined = "\n".join(texts(response.content))
    heads = ["泗泾医院 · 全科", "松江区中心医院 · 内分泌科", "松江区中心医院 · 内科"]
    positions = [joined.find(h) for h in heads]
    assert -1 not in positions and positions == sorted(positions)
    assert "冉娜" in joined and "48.20" in joined
    assert joined.find("奥氮平") > joined.find("内分泌科") and "保密" in joined
    assert "丽水 → 新凯五村" in joined


def test_the_desk_downloads_every_run_in_one_workbook(day, client_for):
    response = client_for("desk").get(reverse("medicine:day_sheets_xlsx") + DATE)
    rows = _sheet(response.content)
    runners = [r[0] for r in rows[1:]]
    assert runners == ["冉二"] + ["冉娜"] * 6  # by name: 二 U+4E8C < 娜 U+5A1C
    assert client_for("runner").get(reverse("medicine:day_sheets_xlsx") + DATE).status_code == 403
    pdf = client_for("desk").get(reverse("medicine:day_sheets_pdf") + DATE)
    assert pdf.status_code == 200 and "B-01" in texts(pdf.content)
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=day.s.users["desk"])
    assert logged.count() == 2 and logged.first().detail["requests"] == 5


def test_a_run_sheet_is_its_runners_and_the_desks(day, client_for):
    url = reverse("medicine:run_sheet_pdf", args=[day.run.pk])
    assert client_for("desk").get(url).status_code == 200
    assert client_for("town").get(url).status_code == 200
    assert client_for("runner2").get(url).status_code == 404
    assert client_for("kaiwu").get(url).status_code == 403
    assert client_for("alice").get(url).status_code == 403  # sees 张三丰's request, not the run
    assert client_for("charlie").get(url).status_code == 404
    assert client_for("desk").get("/medicine/runs/99999999/sheet.xlsx").status_code == 404


def test_the_hand_over_list_counts_a_committees_bags_with_names_masked(day, client_for):
    url = reverse("medicine:handover_xlsx", args=[day.s.kaiwu.pk]) + DATE
    rows = _sheet(client_for("kaiwu").get(url).content)
    assert rows[0] == ["序号", "配药单号", "患者", "楼栋室号", "冷链", "外场", "状态", "签收"]
    # 香樟苑 1号楼 101, 1号楼 102, 2号楼 101.
    assert [r[1:6] for r in rows[1:]] == [
        ["A-01", "张*丰", "香樟苑 1号楼 101", "是", "冉娜"],
        ["A-03", "李*英", "香樟苑 1号楼 102", "", "冉娜"],
        ["A-04", "王*国", "香樟苑 2号楼 101", "", "冉娜"],
    ]
    pdf = client_for("desk").get(reverse("medicine:handover_pdf", args=[day.s.kaiwu.pk]) + DATE)
    shown = "\n".join(texts(pdf.content))
    assert "新凯五村 配药交接清单 2022-04-12" in shown
    assert "共 3 袋，其中冷链 1 袋。交接时请逐袋清点签收。" in shown
    assert "张三丰" not in shown and "二甲双胍" not in shown


def test_a_committee_prints_its_own_hand_over_list_only(day, client_for):
    kaiwu = reverse("medicine:handover_pdf", args=[day.s.kaiwu.pk]) + DATE
    assert client_for("lishui").get(kaiwu).status_code == 403
    assert client_for("alice").get(kaiwu).status_code == 403
    assert client_for("runner").get(kaiwu).status_code == 403
    assert client_for("town").get(kaiwu).status_code == 200
    assert client_for("kaiwu").get(kaiwu.replace(DATE, "?date=tomorrow")).status_code == 400
    assert client_for("kaiwu").get("/medicine/committees/99999999/handover.pdf").status_code == 404


def test_the_print_page_offers_each_user_what_they_may_print(day, client_for):
    desk = client_for("desk").get(reverse("medicine:print") + DATE).content.decode()
    assert reverse("medicine:day_labels") in desk
    assert reverse("medicine:run_sheet_pdf", args=[day.run.pk]) in desk
    assert reverse("medicine:run_sheet_pdf", args=[day.run2.pk]) in desk
    assert reverse("medicine:handover_pdf", args=[day.s.lishui.pk]) in desk
    runner = client_for("runner").get(reverse("medicine:print") + DATE).content.decode()
    assert reverse("medicine:run_sheet_pdf", args=[day.run.pk]) in runner
    assert reverse("medicine:run_sheet_pdf", args=[day.run2.pk]) not in runner
    assert reverse("medicine:day_labels") not in runner
    kaiwu = client_for("kaiwu").get(reverse("medicine:print") + DATE).content.decode()
    assert reverse("medicine:handover_pdf", args=[day.s.kaiwu.pk]) in kaiwu
    assert reverse("medicine:handover_pdf", args=[day.s.lishui.pk]) not in kaiwu
    assert reverse("medicine:run_sheet_pdf", args=[day.run.pk]) not in kaiwu
    assert client_for("desk").get(reverse("medicine:print") + "?date=2022-13-01").status_code == 400


def test_the_print_page_reads_the_day_in_a_few_queries(
    day, client_for, django_assert_max_num_queries
):
    # Ten more requests on the two runs, for two more committees' worth of rows: the count of
    # queries stays (22 measured for the day as built: session, login, scope, orders and
    # lines twice, the plan, carried, team counts, cards, advances, permissions).
    for n in range(10):
        order = make_order(
            day.s, ["zhao", "liu"][n % 2], form_number=f"X-{n:02d}", service_date=DAY
        )
        order.run = [day.run, day.run2][n % 2]
        order.save(update_fields=["run"])
    client = client_for("desk")
    with django_assert_max_num_queries(22):
        page = client.get(reverse("medicine:print") + DATE)
    assert page.status_code == 200 and "X-09" not in page.content.decode()  # numbers in files


def test_the_print_page_is_in_english_for_english_readers(day, client_for):
    client = client_for("desk")
    page = client.get(reverse("medicine:print") + DATE, headers={"accept-language": "en"})
    text = page.content.decode()
    assert "Run sheets" in text and "配药路线单" not in text
