"""The demo town: the same seed draws the same town, it looks like a real roster, it is written
in bulk, and `linli demo` makes a login for each role and prints them."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from stdnum import numdb
from stdnum.cn.ric import calc_check_digit

from linli.accounts.models import User
from linli.core.demo_logins import (
    DemoLogin,
    register_demo_login_provider,
    unregister_demo_login_provider,
)
from linli.core.validators import normalise_phone, parse_id_number
from linli.places import demo_data
from linli.places.demo import TAG, TownPlan, build_demo_town, plan_town
from linli.places.demo_logins import demo_user
from linli.places.models import Building, Committee, Compound, Household, Resident, Town

AS_OF = dt.date(2022, 4, 1)
SCALE = 0.05  # about 4,000 residents


@pytest.fixture(scope="module")
def plan() -> TownPlan:
    return plan_town(seed=2022, scale=SCALE, as_of=AS_OF)


def age(born: dt.date) -> int:
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


def shape(plan: TownPlan) -> list:
    return [(b.name, [(h.room, len(h.people)) for h in b.households]) for b in plan.buildings()]


def test_the_same_seed_draws_the_same_town(plan):
    assert plan_town(seed=2022, scale=SCALE, as_of=AS_OF) == plan
    assert plan_town(seed=7, scale=SCALE, as_of=AS_OF) != plan


def test_the_day_of_the_build_moves_birthdays_but_not_the_shape_of_the_town(plan):
    later = plan_town(seed=2022, scale=SCALE, as_of=dt.date(2024, 2, 29))
    assert shape(later) == shape(plan)
    assert [p.birth_date for p in later.people()] != [p.birth_date for p in plan.people()]


def test_the_town_has_the_seed_articles_committees_and_a_few_worksites(plan):
    committees = {c.name: c for c in plan.committees}
    assert len(committees) == 24
    assert {"新凯三村", "新凯四村", "新凯五村", "丽水", "张施村"} <= set(committees)
    assert "香樟苑" in [c.name for c in committees["新凯三村"].compounds]
    assert "玉兰苑" in [c.name for c in committees["新凯四村"].compounds]
    kinds = Counter(c.kind for committee in plan.committees for c in committee.compounds)
    assert kinds[Compound.Kind.WORKSITE] == 4
    assert kinds[Compound.Kind.ENTERPRISE] == kinds[Compound.Kind.FARM] == 1


def test_id_numbers_are_valid_unique_and_agree_with_gender_and_birth_date(plan):
    people = list(plan.people())
    numbers = [p.id_number for p in people if p.id_number]
    assert len(numbers) == len(set(numbers))
    assert len(numbers) > 0.99 * len(people)
    for person in people:
        if person.id_number:
            info = parse_id_number(person.id_number)
            assert (info.gender, info.birth_date) == (person.gender, person.birth_date)
            assert info.warning is None
            # python-stdnum, used as documented (it takes the whole number), agrees.
            assert calc_check_digit(person.id_number) == person.id_number[17]


def test_region_codes_were_in_use_when_numbers_were_issued():
    """Each hometown's codes cover the years they are used in (first issue: 1985 or birth)."""
    db = numdb.get("cn/loc")
    for place, chain in demo_data.PLACES.items():
        for i, (code, first) in enumerate(chain):
            last = chain[i + 1][1] - 1 if i + 1 < len(chain) else AS_OF.year
            periods = []
            for _, props in db.info(code):
                for county in props.get("county", "").split(","):
                    found = re.match(r"\[(\d*)-(\d*)\]", county)
                    start, end = (found[1], found[2]) if found else ("", "")
                    periods.append((int(start or 0), int(end or 9999)))
            assert periods, f"{place}: {code} is no region code"
            for year in range(max(first, 1985), last + 1):
                assert any(s <= year <= e for s, e in periods), f"{place}: {code} in {year}"


def test_people_live_in_households_of_one_to_five_with_many_elderly(plan):
    people = list(plan.people())
    ages = [age(p.birth_date) for p in people]
    assert 0.03 < sum(a >= 80 for a in ages) / len(people) < 0.08
    assert 0.18 < sum(a >= 60 for a in ages) / len(people) < 0.35
    residential = [
        h
        for c in plan.committees
        for compound in c.compounds
        if compound.kind == Compound.Kind.RESIDENTIAL
        for b in compound.buildings
        for h in b.households
    ]
    assert {len(h.people) for h in residential} == {1, 2, 3, 4, 5}


def test_care_tags_follow_age_and_living_alone_at_realistic_rates(plan):
    people = list(plan.people())
    alone = {id(h.people[0]) for b in plan.buildings() for h in b.households if len(h.people) == 1}
    counts: Counter[str] = Counter()
    for person in people:
        counts.update(person.tags)
        years = age(person.birth_date)
        assert (TAG["aged_80_plus"] in person.tags) == (years >= 80)
        if TAG["living_alone"] in person.tags:
            assert id(person) in alone and years >= 60
        if TAG["pregnant"] in person.tags:
            assert person.gender == "F" and 22 <= years <= 40
    n = len(people)
    assert 0.015 < counts[TAG["living_alone"]] / n < 0.05
    assert 0.02 < counts[TAG["chronic_illness"]] / n < 0.1
    assert counts[TAG["dialysis"]] / n < 0.005
    assert counts[TAG["pregnant"]] and counts[TAG["disabled"]] and counts[TAG["low_income"]]


def test_phones_are_mobile_numbers_and_many_of_the_very_old_have_none(plan):
    people = list(plan.people())
    phones = [p.phone for p in people if p.phone]
    assert len(phones) == len(set(phones))
    assert all(normalise_phone(p) == p for p in phones)
    very_old = [p for p in people if age(p.birth_date) >= 80]
    assert sum(not p.phone for p in very_old) > 0.4 * len(very_old)
    assert not any(p.phone for p in people if age(p.birth_date) < 12)


def test_worksite_workers_are_mostly_men_of_working_age_from_other_provinces(plan):
    sites = [c for cm in plan.committees for c in cm.compounds if c.kind == Compound.Kind.WORKSITE]
    workers = [p for c in sites for b in c.buildings for h in b.households for p in h.people]
    assert sum(p.gender == "M" for p in workers) > 0.85 * len(workers)
    assert all(20 <= age(p.birth_date) <= 56 for p in workers)
    assert not any((p.id_number or "31").startswith("31") for p in workers)
    assert all(b.name.endswith("宿舍") for c in sites for b in c.buildings)


def test_names_are_chinese_and_rooms_follow_floors(plan):
    for person in plan.people():
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", person.name), person.name
    for committee in plan.committees[:20]:  # the residential committees
        for compound in committee.compounds:
            if compound.kind == Compound.Kind.RESIDENTIAL:
                for building in compound.buildings:
                    assert re.fullmatch(r"\d+号楼?", building.name)
                    rooms = [h.room for h in building.households]
                    assert all(re.fullmatch(r"([1-9]|[12]\d|30)0[1-4]", r) for r in rooms), rooms


def test_building_the_town_writes_the_plan_with_bulk_inserts(db, django_assert_max_num_queries):
    plan = plan_town(seed=3, scale=0.02, as_of=AS_OF)
    people = list(plan.people())
    with django_assert_max_num_queries(len(people) // 20):
        town = build_demo_town(seed=3, scale=0.02, as_of=AS_OF)
    assert Committee.objects.filter(town=town).count() == 24
    assert Building.objects.filter(town=town).count() == len(list(plan.buildings()))
    assert Household.objects.filter(town=town).count() == sum(
        len(b.households) for b in plan.buildings()
    )
    residents = Resident.objects.filter(town=town)
    assert residents.count() == len(people)
    assert Resident.care_tags.through.objects.count() == sum(len(p.tags) for p in people)
    first = residents.order_by("id").first()
    assert (first.name, first.id_number) == (people[0].name, people[0].id_number)
    assert not residents.filter(name_initials="").exists()
    zhang = residents.filter(name__startswith="张").first()
    assert zhang.name_initials.startswith("z")


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--scale", "0.01", *args, stdout=out)
    return out.getvalue()


def test_demo_command_builds_the_town_and_prints_a_login_for_each_role(db):
    output = run_demo()
    town = Town.objects.get()
    assert town.name == "泗泾镇" and Resident.objects.count() > 500
    for username, role in [
        ("town", "镇/街道工作人员"),
        ("kaiwu", "居委工作人员"),
        ("lishui", "居委工作人员"),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password("linli-demo") and user.town == town
        assert re.search(rf"{role}\s+{username}\s+linli-demo\s+", output)
    assert User.objects.get(username="kaiwu").committee.name == "新凯五村"
    assert "http://127.0.0.1:8000/accounts/login/" in output


def test_running_the_demo_again_keeps_the_town_and_resets_the_passwords(db):
    run_demo()
    residents = Resident.objects.count()
    output = run_demo("--password", "another-pass", "--addr", "127.0.0.1:9000")
    assert Town.objects.count() == 1 and Resident.objects.count() == residents
    assert User.objects.get(username="town").check_password("another-pass")
    assert "http://127.0.0.1:9000/accounts/login/" in output
    assert "正在生成" not in output


# Flushing needs its own transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_reset_builds_the_town_again_from_an_empty_database():
    run_demo()
    Committee.objects.create(town=Town.objects.get(), name="临时居委")
    output = run_demo("--reset")
    assert Town.objects.count() == 1 and not Committee.objects.filter(name="临时居委").exists()
    assert User.objects.filter(username__in=["town", "kaiwu", "lishui"]).count() == 3
    assert "正在生成" in output


def test_an_app_adds_its_own_demo_logins(db):
    def helper_logins(town: Town, password: str) -> list[DemoLogin]:
        demo_user(username="helper", password=password, role=User.Role.VOLUNTEER, town=town)
        return [DemoLogin("helper", "志愿者", "一栋楼", "/duty/")]

    register_demo_login_provider(helper_logins)
    try:
        output = run_demo()
    finally:
        unregister_demo_login_provider(helper_logins)
    assert User.objects.get(username="helper").check_password("linli-demo")
    assert "/accounts/login/?next=/duty/" in output


def test_no_demo_town_is_built_into_a_database_holding_another_town(db):
    Town.objects.create(name="海湾镇")
    output = run_demo()
    assert not Resident.objects.exists() and not User.objects.exists()
    assert "未生成示范镇" in output


class FakeWorker:
    """The worker process `--serve` starts beside the server (not started in tests)."""

    started: list[list[str]] = []

    def __init__(self, args, **kwargs):
        self.args, self.stopped = args, False
        FakeWorker.started.append(self)

    def terminate(self):
        self.stopped = True

    def wait(self):
        return 0


def test_serving_collects_static_files_and_runs_the_server_and_a_worker(
    db, settings, monkeypatch, tmp_path
):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    calls = []
    real = call_command

    def fake(name, *args, **kwargs):
        if name in ("collectstatic", "runserver"):
            calls.append((name, args, kwargs.get("use_reloader")))
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr("linli.places.management.commands.demo.call_command", fake)
    monkeypatch.setattr("linli.places.management.commands.demo.Popen", FakeWorker)
    FakeWorker.started = []
    run_demo("--serve", "--addr", "127.0.0.1:8123")
    assert calls == [("collectstatic", (), None), ("runserver", ("127.0.0.1:8123",), False)]
    (worker,) = FakeWorker.started
    assert worker.args[1:] == ["-m", "linli", "worker"] and worker.stopped
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    calls.clear()
    run_demo("--serve")  # nothing changed since the last collectstatic: not again
    assert calls == [("runserver", ("127.0.0.1:8000",), False)]
