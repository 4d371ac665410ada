"""`linli import samples FILE --town NAME --round NAME [--kind pcr --date D]`: sampling done
elsewhere, from a sheet written as a hospital's Excel holds it (openpyxl, in the test)."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli.core.imports import run_import as engine
from linli.core.models import AuditEntry
from linli.screening.models import CoverageCount, Sample, TestRound, Tube, TubeChange
from linli.testing.rosters import write_roster_xlsx
from linli.testing.scenario import make_id_number

pytestmark = pytest.mark.django_db
HEADERS = ["采样管条码", "身份证号", "姓名", "采样时间", "采样点"]


def sheet(tmp_path, rows, name="采样记录.xlsx"):
    return write_roster_xlsx(tmp_path / name, rows, headers=HEADERS, title="区中心医院采样登记")


def run(path, *extra):
    out = StringIO()
    call_command(
        "import", "samples", str(path), "--town", "泗泾镇", *extra, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def rows_of(s):
    r = s.residents
    return [
        ["SY0001", r["wang"].id_number, "王建国", "2022-04-20 07:30", "区中心医院"],
        ["SY0001", r["zhao"].id_number, "赵丽华", "2022-04-20 07:31", "区中心医院"],
        ["SY0002", r["zhang"].id_number, "张三丰", "2022-04-20 07:40", "区中心医院"],
        ["SY0003", r["chen"].id_number, "陈国强", "2022-04-20 08:00", "区中心医院"],
        ["SY0003", r["liu"].id_number, "刘小红", "2022-04-20 08:01", "区中心医院"],
        ["SY0003", r["li"].id_number, "李秀英", "2022-04-20 08:02", "区中心医院"],
    ]


def test_a_sheet_creates_and_opens_the_round_seals_its_tubes_and_a_reimport_changes_nothing(
    scr, tmp_path
):
    s = scr
    path = sheet(tmp_path, rows_of(s))
    run(path, "--round", "4月20日外院核酸", "--kind", "pcr", "--date", "2022-04-20")
    made = TestRound.objects.get(name="4月20日外院核酸")
    assert made.status == TestRound.Status.OPEN and made.date == dt.date(2022, 4, 20)
    assert set(made.compounds.all()) == {s.xiangzhang, s.lishuiyuan}
    tubes = {t.barcode: t for t in Tube.objects.filter(round=made)}
    # 2 rows → a 5-tube, 1 row → a single tube, 3 rows → a 5-tube; all sealed, filled.
    assert {b: (t.capacity, t.filled, t.status) for b, t in tubes.items()} == {
        "SY0001": (5, 2, "sealed"),
        "SY0002": (1, 1, "sealed"),
        "SY0003": (5, 3, "sealed"),
    }
    assert timezone.localtime(tubes["SY0003"].sealed_at).replace(tzinfo=None) == dt.datetime(
        2022, 4, 20, 8, 2
    )
    wang = Sample.objects.get(round=made, resident=s.residents["wang"])
    assert wang.source == Sample.Source.IMPORT and wang.tube == tubes["SY0001"]
    assert timezone.localtime(wang.taken_at).replace(tzinfo=None) == dt.datetime(2022, 4, 20, 7, 30)
    sampled = dict(CoverageCount.objects.filter(round=made).values_list("building", "sampled"))
    assert sampled == {s.b1.pk: 2, s.b2.pk: 2, s.lb1.pk: 2}
    imports = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count()
    changes = TubeChange.objects.count()
    run(path, "--round", "4月20日外院核酸")
    assert Sample.objects.filter(round=made).count() == 6
    assert TubeChange.objects.count() == changes
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == imports + 1
    sampled = dict(CoverageCount.objects.filter(round=made).values_list("building", "sampled"))
    assert sampled == {s.b1.pk: 2, s.b2.pk: 2, s.lb1.pk: 2}


def test_bad_rows_land_nothing_and_each_is_named_in_chinese_and_english(scr, tmp_path):
    s = scr
    r = s.residents
    stranger = make_id_number(birth="19800101", seq=999)
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    path = sheet(
        tmp_path,
        [
            ["SY0001", r["wang"].id_number, "王建国", "2022-04-20 07:30", ""],
            ["SY0001", stranger, "路人甲", "2022-04-20 07:31", ""],
            ["SY0002", r["zhao"].id_number, "赵丽", "2022-04-20 07:32", ""],
            ["SY0003", r["chen"].id_number, "陈国强", future, ""],
            ["SY0004", r["liu"].id_number, "刘小红", "昨天早上", ""],
            ["SY0005", "31011719450312123", "某某", "2022-04-20 07:33", ""],
        ],
    )
    params = {"round": "外院核酸", "kind": "pcr", "date": "2022-04-20"}
    result = engine("samples", path, town=s.town, user=s.users["town"], params=params)
    reasons = {e.row: (e.zh, e.en) for e in result.errors}
    assert "找不到此身份证号" in reasons[4][0] and "no resident" in reasons[4][1]
    assert "姓名" in reasons[5][0] and "name does not match" in reasons[5][1]
    assert "晚于现在" in reasons[6][0] and "future" in reasons[6][1]
    assert "无法识别" in reasons[7][0] and "cannot read" in reasons[7][1]
    assert "身份证号" in reasons[8][0]
    assert 3 not in reasons
    assert not result.written
    assert not TestRound.objects.filter(name="外院核酸").exists()
    assert not Tube.objects.filter(barcode="SY0001").exists()
    with pytest.raises(CommandError):
        run(path, "--round", "外院核酸", "--kind", "pcr", "--date", "2022-04-20")


def test_without_kind_and_date_the_round_must_exist(scr, tmp_path):
    path = sheet(tmp_path, rows_of(scr)[:1])
    result = engine("samples", path, town=scr.town, params={"round": "没有的轮次"})
    assert "--kind" in result.file_problem_zh and "--kind" in result.file_problem_en
    assert not TestRound.objects.filter(name="没有的轮次").exists()


def test_into_an_existing_round_a_desk_sample_and_a_key_group_in_a_pool_are_bad_rows(scr, tmp_path):
    from linli.testing.screening import open_tube, sample

    s = scr
    sample(s, "wang", open_tube(s, "DESK01"))
    r = s.residents
    path = sheet(
        tmp_path,
        [
            ["SY0009", r["wang"].id_number, "王建国", "2022-04-20 07:30", ""],
            ["SY0009", r["zhao"].id_number, "赵丽华", "2022-04-20 07:31", ""],
            ["SY0009", r["zhang"].id_number, "张三丰", "2022-04-20 07:32", ""],
        ],
    )
    result = engine("samples", path, town=s.town, params={"round": s.round.name})
    assert [e.row for e in result.errors] == [3, 5]
    assert "已在其他采样管" in result.errors[0].zh
    # 张三丰 is 独居老人, sampled in single tubes in this round.
    assert "单管单检" in result.errors[1].zh and "single tubes" in result.errors[1].en
    assert not Sample.objects.filter(resident=r["zhao"]).exists()


def test_a_committee_clerk_reaches_only_their_committees_people(scr, tmp_path):
    s = scr
    r = s.residents
    path = sheet(
        tmp_path,
        [
            ["SY0010", r["wang"].id_number, "王建国", "2022-04-20 07:30", ""],
            ["SY0011", r["chen"].id_number, "陈国强", "2022-04-20 07:31", ""],
        ],
    )
    result = engine(
        "samples",
        path,
        town=s.town,
        user=s.users["kaiwu"],
        committee=s.kaiwu,
        params={"round": s.round.name},
    )
    assert [e.row for e in result.errors] == [4]
    assert "丽水" not in result.errors[0].zh  # never says where they live
    assert not result.written


def test_the_upload_page_takes_the_round_and_a_round_to_create(scr, client_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from linli.core.models import ImportJob

    path = sheet(tmp_path, rows_of(scr))
    client = client_for("town")
    page = client.get(reverse("places:import")).content.decode()
    assert 'data-for-kind="samples"' in page and 'name="samples-round"' in page
    assert offered(page, "samples-round") == ["第1轮核酸"]
    assert offered(page, "samples-kind") == ["pcr"]

    def upload(**fields):
        data = {"kind": "samples", "file": SimpleUploadedFile(path.name, path.read_bytes())}
        response = client.post(reverse("places:import"), {**data, **fields})
        assert response.status_code == 302
        return ImportJob.objects.latest("pk"), client.get(response["Location"]).content.decode()

    # Without the round: the preview says what to fill in, and nothing lands.
    job, preview = upload(**{"antigen-results-round": "4月20日外院核酸"})  # another kind's field
    assert job.params == {} and "请指定检测轮次" in preview
    job, preview = upload(
        **{
            "samples-round": " 4月20日外院核酸 ",
            "samples-kind": "pcr",
            "samples-date": "2022-04-20",
        }
    )
    assert job.params == {"round": "4月20日外院核酸", "kind": "pcr", "date": "2022-04-20"}
    assert "将新增" in preview and not TestRound.objects.filter(name="4月20日外院核酸").exists()
    done = client.post(reverse("places:import_confirm", args=[job.pk]), follow=True)
    assert "导入完成" in done.content.decode()
    made = TestRound.objects.get(name="4月20日外院核酸")
    assert Sample.objects.filter(round=made).count() == 6


def offered(page, field):
    """The values a field's datalist offers on the upload page."""
    found = re.search(f'<datalist id="{field}-list">(.*?)</datalist>', page, re.S)
    return re.findall(r'<option value="([^"]*)">', found.group(1)) if found else []


def test_the_upload_page_offers_the_towns_rounds_of_each_kind(scr, client_for):
    """The round fields offer the town's open and closed rounds of the kind the import takes,
    newest first; a planned round, and another town's, are not offered."""
    from django.urls import reverse

    from linli.places.models import Town

    s = scr
    earlier = timezone.localdate() - dt.timedelta(days=3)
    for name, kind, status, day, town in [
        ("4月17日抗原", "antigen", "closed", earlier, s.town),
        ("4月19日抗原", "antigen", "open", timezone.localdate(), s.town),
        ("4月17日核酸", "pcr", "closed", earlier, s.town),
        ("明日核酸", "pcr", "planned", timezone.localdate(), s.town),
        ("别镇核酸", "pcr", "open", timezone.localdate(), Town.objects.create(name="洞泾镇")),
    ]:
        TestRound.objects.create(town=town, name=name, kind=kind, status=status, date=day)
    page = client_for("town").get(reverse("places:import")).content.decode()
    assert offered(page, "samples-round") == ["第1轮核酸", "4月17日核酸"]
    assert offered(page, "antigen-results-round") == ["4月19日抗原", "4月17日抗原"]
    assert offered(page, "antigen-results-date") == []
    assert 'name="antigen-results-date" value="" maxlength="200" autocomplete="off">' in page
