"""The import engine's contract, through a small importer kind of the test's own."""

from __future__ import annotations

import pytest

from linli.core.imports import (
    Column,
    Importer,
    Plan,
    Row,
    get_importer,
    importer_kinds,
    register_importer,
    run_import,
)
from linli.core.models import AuditEntry
from linli.core.validators import Problem, normalise_phone
from linli.testing.rosters import write_roster_csv

WRITTEN: list[dict[str, str]] = []


class PhoneBookImporter(Importer):
    kind = "test-phonebook"
    label = "电话簿"
    columns = (
        Column("name", "姓名", required=True),
        Column("phone", "手机号", ("电话",), required=True),
    )

    def check_row(self, row: Row) -> dict[str, str]:
        phone = row.clean("phone", "手机号", normalise_phone)
        self.unique(row, phone, zh="手机号", en="phone number")
        return {"name": row["name"], "phone": phone}

    def plan(self, records: list[dict[str, str]]) -> Plan:
        known = {r["phone"] for r in WRITTEN}
        new = [r for r in records if r["phone"] not in known]
        return Plan(
            created=len(new),
            unchanged=len(records) - len(new),
            new={"号码": [r["phone"] for r in new]},
            payload=new,
        )

    def apply(self, plan: Plan) -> None:
        WRITTEN.extend(plan.payload)


@pytest.fixture
def phonebook(monkeypatch):
    from linli.core import imports

    monkeypatch.setattr(imports, "_registry", dict(imports._registry))
    register_importer(PhoneBookImporter)
    WRITTEN.clear()
    yield


def book(tmp_path, rows):
    return write_roster_csv(
        tmp_path / "book.csv", rows, headers=["姓名", "电话"], encoding="utf-8-sig"
    )


def test_a_registered_kind_is_offered(phonebook):
    assert get_importer("test-phonebook") is PhoneBookImporter
    assert "test-phonebook" in importer_kinds()
    with pytest.raises(Problem, match="未知的导入类型"):
        get_importer("nope")


def test_a_kind_cannot_be_registered_twice_by_different_classes(phonebook):
    class Other(PhoneBookImporter):
        pass

    with pytest.raises(ValueError, match="already registered"):
        register_importer(Other)


def test_all_or_nothing_by_default(phonebook, scenario, tmp_path):
    path = book(tmp_path, [["甲", "13812345678"], ["乙", "12345"], ["丙", "13812345678"]])
    result = run_import("test-phonebook", path, town=scenario.town)
    assert not result.ok and not result.written and WRITTEN == []
    assert [(e.row, e.column) for e in result.errors] == [(3, "手机号"), (4, "")]
    assert result.errors[1].zh == "手机号与第2行重复"
    assert result.rejected == 2 and result.good_rows == 1


def test_skip_bad_rows_writes_the_good_ones_and_audits_once(phonebook, scenario, tmp_path):
    path = book(tmp_path, [["甲", "13812345678"], ["乙", "12345"]])
    result = run_import(
        "test-phonebook",
        path,
        town=scenario.town,
        user=scenario.users["town"],
        skip_bad_rows=True,
        rejects=tmp_path / "x.xlsx",
    )
    assert result.ok and result.written and result.created == 1
    assert WRITTEN == [{"name": "甲", "phone": "13812345678"}]
    assert (tmp_path / "x.xlsx").is_file()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.detail["kind"] == "test-phonebook" and entry.detail["rejected"] == 1


def test_dry_run_plans_and_writes_nothing(phonebook, scenario, tmp_path):
    result = run_import(
        "test-phonebook", book(tmp_path, [["甲", "13812345678"]]), town=scenario.town, dry_run=True
    )
    assert result.ok and not result.written and result.created == 1
    assert result.new == {"号码": ["13812345678"]}
    assert WRITTEN == [] and not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()


def test_a_refused_file_is_a_file_problem_not_an_exception(phonebook, scenario, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_import("test-phonebook", path, town=scenario.town)
    assert not result.ok and "损坏" in result.file_problem


def test_the_result_survives_a_round_trip_through_json(phonebook, scenario, tmp_path):
    import json

    from linli.core.imports import ImportResult

    path = book(tmp_path, [["甲", "13812345678"], ["乙", "12345"]])
    result = run_import("test-phonebook", path, town=scenario.town, dry_run=True)
    again = ImportResult.from_dict(json.loads(json.dumps(result.as_dict())))
    assert again.as_text() == result.as_text()
