"""The medicine team on top of the grid scenario (issue 10), for every medicine test.

Compounds get points (香樟苑 and 丽水苑, a few km apart in 泗泾镇), two hospitals with
departments (松江区中心医院 with a green channel, 泗泾医院), and the town's medicine team
(a 就医配药 team of 新凯五村): `desk` works the desk (内场), `runner` and `runner2` run (外场),
each a volunteer with a login of that name. `make_order()` adds a request the way the desk's
form would leave it (verified unless told), with its lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from linli.accounts.models import User
from linli.core.pinyin import initials
from linli.duty.models import Team, Volunteer
from linli.medicine.models import Department, Hospital, MedicineLine, MedicineOrder, TeamMember
from linli.testing.scenario import PASSWORD, Scenario


def build_medicine_scenario(s: Scenario) -> Scenario:
    """Needs `build_grid_scenario(s)` first. Adds s.hospitals, s.departments, s.team and the
    volunteers (and logins) desk, runner, runner2."""
    s.xiangzhang.lat, s.xiangzhang.lon = Decimal("31.123400"), Decimal("121.265000")
    s.xiangzhang.save(update_fields=["lat", "lon"])
    s.lishuiyuan.lat, s.lishuiyuan.lon = Decimal("31.110000"), Decimal("121.250000")
    s.lishuiyuan.save(update_fields=["lat", "lon"])
    central = Hospital.objects.create(
        town=s.town,
        name="松江区中心医院",
        address="中山中路746号",
        lat=Decimal("31.018000"),
        lon=Decimal("121.225000"),
        green_channel=True,
    )
    local = Hospital.objects.create(
        town=s.town, name="泗泾医院", lat=Decimal("31.117000"), lon=Decimal("121.262000")
    )
    s.hospitals = {"central": central, "local": local}  # type: ignore[attr-defined]
    s.departments = {  # type: ignore[attr-defined]
        "central_internal": Department.objects.create(hospital=central, name="内科"),
        "central_endo": Department.objects.create(hospital=central, name="内分泌科"),
        "local_general": Department.objects.create(hospital=local, name="全科"),
    }
    team = Team.objects.create(town=s.town, committee=s.kaiwu, function=Team.Function.MEDICINE)
    s.team = team  # type: ignore[attr-defined]
    for key, name, phone, post in [
        ("desk", "戴思", "13900000011", TeamMember.Post.DESK),
        ("runner", "冉娜", "13900000012", TeamMember.Post.RUNNER),
        ("runner2", "冉二", "13900000013", TeamMember.Post.RUNNER),
    ]:
        user = User.objects.create_user(
            username=key, password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
        )
        s.users[key] = user
        volunteer = Volunteer.objects.create(
            town=s.town,
            committee=s.kaiwu,
            user=user,
            team=team,
            name=name,
            name_initials=initials(name),
            phone=phone,
            source=Volunteer.Source.RESIDENT_VOLUNTEER,
        )
        s.volunteers[key] = volunteer
        TeamMember.objects.create(town=s.town, volunteer=volunteer, post=post)
    return s


def make_order(
    s: Scenario,
    resident: str = "zhang",
    *,
    hospital: str = "central",
    department: str | None = "central_internal",
    urgency: str = MedicineOrder.Urgency.YELLOW,
    status: str = MedicineOrder.Status.VERIFIED,
    form_number: str | None = None,
    service_date: dt.date | None = None,
    lines: list[dict[str, Any]] | None = None,
) -> MedicineOrder:
    """A request for `s.residents[resident]` with its lines (default: one box of 二甲双胍)."""
    patient = s.residents[resident]
    household = patient.household
    order = MedicineOrder.objects.create(
        town=s.town,
        committee=household.building.compound.committee,
        household=household,
        resident=patient,
        form_number=form_number,
        hospital=s.hospitals[hospital],  # type: ignore[attr-defined]
        department=s.departments[department] if department else None,  # type: ignore[attr-defined]
        urgency=urgency,
        source=MedicineOrder.Source.DESK,
        status=status,
        service_date=service_date or timezone.localdate(),
    )
    for line in lines or [{"generic_name": "二甲双胍", "strength": "0.5g×20片", "boxes": 1}]:
        MedicineLine.objects.create(order=order, **line)
    return order


def make_run(
    s: Scenario,
    orders: list[MedicineOrder],
    *,
    runner: str = "runner",
    day: dt.date | None = None,
    hospitals: list[str] | None = None,
) -> Any:
    """A saved plan's run for `runner` carrying `orders` (moved to planned, as the desk's save
    leaves them), visiting `hospitals` (keys of s.hospitals) in that order."""
    from linli.medicine.models import DayPlan, MedicineRun

    day = day or timezone.localdate()
    plan, _made = DayPlan.objects.get_or_create(
        town=s.town, date=day, defaults={"total_km": Decimal("0")}
    )
    run = MedicineRun.objects.create(
        town=s.town,
        plan=plan,
        date=day,
        runner=s.volunteers[runner].medicine_post,
        hospital_order=[s.hospitals[h].pk for h in (hospitals or ["central", "local"])],  # type: ignore[attr-defined]
        gate_order=sorted({o.committee_id for o in orders}),
        km=Decimal("12.30"),
    )
    MedicineOrder.objects.filter(pk__in=[o.pk for o in orders]).update(
        run=run, status=MedicineOrder.Status.PLANNED, service_date=day
    )
    for o in orders:
        o.refresh_from_db()
    return run
