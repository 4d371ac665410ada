"""`linli report KIND --town NAME --format json|text|xlsx` and the report registry."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from linli.core import reports
from linli.places.models import CareTag, Resident

KEYS = [
    "town",
    "committees",
    "compounds",
    "buildings",
    "households",
    "residents",
    "special_residents",
    "care_tags",
]


def run(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_registry_as_json_has_exactly_the_keys(scenario):
    figures = json.loads(run("registry", "--town", "泗泾镇", "--format", "json"))
    assert list(figures) == KEYS
    assert figures["town"] == "泗泾镇"
    assert (figures["committees"], figures["compounds"], figures["buildings"]) == (2, 2, 3)
    assert (figures["households"], figures["residents"], figures["special_residents"]) == (6, 6, 4)
    assert figures["care_tags"]["独居老人"] == 1 and figures["care_tags"]["高龄老人"] == 1
    assert figures["care_tags"]["血透"] == 1 and figures["care_tags"]["残疾人"] == 0
    assert sum(figures["care_tags"].values()) == 5


@pytest.mark.django_db
def test_registry_counts_people_living_here_and_the_towns_own_tags(scenario):
    Resident.objects.filter(pk=scenario.residents["zhang"].pk).update(status="deceased")
    Resident.objects.filter(pk=scenario.residents["wang"].pk).update(status="away")
    own = CareTag.objects.create(town=scenario.town, name="失独家庭")
    scenario.residents["wang"].care_tags.add(own)
    figures = json.loads(run("registry", "--town", "泗泾镇", "--format", "json"))
    assert figures["residents"] == 5 and figures["special_residents"] == 4
    assert figures["care_tags"]["独居老人"] == 0 and figures["care_tags"]["失独家庭"] == 1


@pytest.mark.django_db
def test_registry_as_text(scenario):
    text = run("registry", "--town", "泗泾镇", "--format", "text")
    lines = text.splitlines()
    assert lines[0] == "town: 泗泾镇"
    assert "residents: 6" in lines and "special_residents: 4" in lines
    assert "care_tags:" in lines and "  血透: 1" in lines


@pytest.mark.django_db
def test_text_is_the_default_format(scenario):
    assert run("registry", "--town", "泗泾镇").startswith("town: 泗泾镇")


@pytest.mark.django_db
def test_registry_as_xlsx(scenario, tmp_path):
    target = tmp_path / "registry.xlsx"
    run("registry", "--town", "泗泾镇", "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True)}
    assert rows["town"] == "泗泾镇" and rows["residents"] == "6" and rows["care_tags.血透"] == "1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["registry", "--town", "无此镇"], "no such town"),
        (["nonsense", "--town", "泗泾镇"], "unknown report"),
        (["registry", "--town", "泗泾镇", "--format", "yaml"], "unknown format"),
        (["registry", "--town", "泗泾镇", "--format", "xlsx"], "--output"),
        (
            ["registry", "--town", "泗泾镇", "--format", "xlsx", "--output", "/nonexistent/x.xlsx"],
            "cannot write",
        ),
    ],
)
def test_mistakes_are_clear_errors(scenario, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.django_db
def test_apps_register_their_own_reports(scenario, tmp_path):
    def lifts(*, town, user=None):
        return {"town": town.name, "lifts": 3, "by_building": {"1号楼": 2, "2号楼": 1}}

    reports.register_report(
        "lifts-test", lifts, rows=lambda f: (["楼栋", "电梯"], list(f["by_building"].items()))
    )
    try:
        assert json.loads(run("lifts-test", "--town", "泗泾镇", "--format", "json"))["lifts"] == 3
        assert "  1号楼: 2" in run("lifts-test", "--town", "泗泾镇", "--format", "text")
        target = tmp_path / "lifts.xlsx"
        run("lifts-test", "--town", "泗泾镇", "--format", "xlsx", "--output", str(target))
        rows = list(load_workbook(target).active.iter_rows(values_only=True))
        assert rows == [("楼栋", "电梯"), ("1号楼", "2"), ("2号楼", "1")]
    finally:
        reports._reports.pop("lifts-test")


@pytest.mark.django_db
def test_the_report_follows_the_viewers_scope(scenario):
    figures = reports.build_report("registry", town=scenario.town, user=scenario.users["lishui"])
    assert (figures["committees"], figures["residents"], figures["special_residents"]) == (1, 2, 1)
    nothing = reports.build_report("registry", town=scenario.town, user=scenario.users["charlie"])
    assert nothing["residents"] == 0 and nothing["committees"] == 0
