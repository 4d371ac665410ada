"""Importing the place registry through `linli import places`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linli.core.models import AuditEntry
from linli.places.models import Building, Committee, Compound, Household, Town
from linli.testing.rosters import write_roster_csv, write_roster_xlsx

HEADERS = ["村居委", "小区名称", "楼栋", "室号", "类型"]


def run(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_places_create_committees_compounds_buildings_and_households(scenario, tmp_path):
    path = write_roster_xlsx(
        tmp_path / "places.xlsx",
        [
            ["新凯五村", "香樟苑", 3, 101, "住宅小区"],
            ["新凯五村", "香樟苑", 3, 102, ""],
            ["新桥村", "中建八局工地", "A栋", "", "工地"],
            ["新桥村", "绿禾农场", "", "", "农场"],
        ],
        headers=HEADERS,
        title="泗泾镇防控点清单",
    )
    report = run("places", str(path), "--town", "泗泾镇")
    assert "新增4" in report
    site = Compound.objects.get(name="中建八局工地")
    assert site.kind == Compound.Kind.WORKSITE and site.committee.name == "新桥村"
    assert Compound.objects.get(name="绿禾农场").kind == Compound.Kind.FARM
    assert Building.objects.filter(compound=site, name="A栋").exists()
    assert (
        Household.objects.filter(
            building__compound=scenario.xiangzhang, building__name="3号楼"
        ).count()
        == 2
    )
    again = run("places", str(path), "--town", "泗泾镇")
    assert "新增0，更新0，不变4" in again


def test_a_changed_kind_is_an_update(scenario, tmp_path):
    path = write_roster_csv(
        tmp_path / "p.csv", [["丽水", "丽水苑", "", "", "企业"]], headers=HEADERS
    )
    assert "更新1" in run("places", str(path), "--town", "泗泾镇")
    assert Compound.objects.get(pk=scenario.lishuiyuan.pk).kind == Compound.Kind.ENTERPRISE


def test_unknown_kind_and_conflicting_kinds_are_row_errors(scenario, tmp_path):
    path = write_roster_xlsx(
        tmp_path / "p.xlsx",
        [
            ["丽水", "新苑", "", "", "别墅"],
            ["丽水", "工地甲", "", "", "工地"],
            ["丽水", "工地甲", "2", "", "企业"],
        ],
        headers=HEADERS,
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "places", str(path), "--town", "泗泾镇", stdout=out)
    report = out.getvalue()
    assert "第3行 [类型]: 未知的类型“别墅”" in report
    assert "第5行: 类型与第4行不一致" in report
    assert not Compound.objects.filter(name__in=["新苑", "工地甲"]).exists()


def test_a_new_town_needs_create_town(db, tmp_path):
    path = write_roster_xlsx(
        tmp_path / "p.xlsx", [["一村", "一苑", "1", "101", ""]], headers=HEADERS
    )
    with pytest.raises(CommandError, match="--create-town"):
        run("places", str(path), "--town", "新浜镇")
    dry = run("places", str(path), "--town", "新浜镇", "--create-town", "--dry-run")
    assert "将新增1" in dry and not Town.objects.filter(name="新浜镇").exists()
    run("places", str(path), "--town", "新浜镇", "--create-town")
    town = Town.objects.get(name="新浜镇")
    assert Committee.objects.get(town=town).name == "一村"
    assert Household.objects.get(town=town).room == "101"
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.CREATE, target_type="places.town"
        ).count()
        == 1
    )
