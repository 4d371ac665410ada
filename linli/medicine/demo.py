"""The demo town's medicine team (`make demo`): compound points around the town, six
hospitals with departments, the desk and the runners (a 就医配药 team's volunteers), a day of
requests to plan, and the logins `desk` (内场) and `runner` (外场).

Built once (bulk inserts, like the grid); a later run only refreshes the logins.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from linli.core.demo_logins import DemoLogin
from linli.duty.demo import LOGIN_COMMITTEE, _login
from linli.duty.models import Team, Volunteer
from linli.medicine.models import (
    Department,
    Hospital,
    MedicineLine,
    MedicineOrder,
    MedicineOrderChange,
    TeamMember,
)
from linli.places.models import Committee, Compound, Resident, Town

# Around Sijing town (泗泾镇), Songjiang: the centre and how far the compounds spread.
CENTRE = (31.1200, 121.2650)
SPREAD = 0.03
HOSPITALS = [
    (
        "松江区中心医院",
        "中山中路746号",
        31.0180,
        121.2250,
        "内科、内分泌科、心内科、神经内科",
        True,
    ),
    ("泗泾医院", "泗泾镇江川北路389号", 31.1170, 121.2620, "全科、内科、中医科", False),
    ("松江区九亭医院", "九亭镇九新公路89号", 31.1430, 121.3270, "全科、内科", False),
    ("松江区精神卫生中心", "松江区九峰路1120号", 31.0300, 121.2050, "精神科", False),
    ("岳阳医院", "松江区新松江路", 31.0380, 121.2300, "内科、老年病科", False),
    ("松江区方塔中医医院", "中山东路39号", 31.0050, 121.2450, "中医科、内科", False),
]
DRUGS = [
    ("二甲双胍", "格华止", "中美上海施贵宝", "0.5g×20片", False, False),
    ("氨氯地平", "络活喜", "辉瑞", "5mg×7片", False, False),
    ("阿托伐他汀", "立普妥", "辉瑞", "20mg×7片", False, False),
    ("门冬胰岛素", "诺和锐", "诺和诺德", "3ml:300单位", True, False),
    ("阿司匹林肠溶片", "拜阿司匹灵", "拜耳", "100mg×30片", False, False),
    ("奥氮平", "再普乐", "礼来", "5mg×28片", False, True),
    ("缬沙坦", "代文", "北京诺华", "80mg×7粒", False, False),
]
RUNNERS = 8


def build_demo_medicine(town: Town, *, seed: int = 2022) -> TeamMember | None:
    """Points, hospitals, the team's posts and a day of requests; the desk's post, or None when
    the town has no 就医配药 team to host it."""
    rng = random.Random(seed)
    compounds = list(Compound.objects.filter(town=town, lat__isnull=True).order_by("id"))
    for compound in compounds:
        compound.lat = Decimal(f"{CENTRE[0] + rng.uniform(-SPREAD, SPREAD):.6f}")
        compound.lon = Decimal(f"{CENTRE[1] + rng.uniform(-SPREAD, SPREAD):.6f}")
    Compound.objects.bulk_update(compounds, ["lat", "lon"], batch_size=500)
    for name, address, lat, lon, departments, green in HOSPITALS:
        hospital = Hospital.objects.create(
            town=town,
            name=name,
            address=address,
            lat=Decimal(f"{lat:.6f}"),
            lon=Decimal(f"{lon:.6f}"),
            green_channel=green,
        )
        Department.objects.bulk_create(
            [Department(hospital=hospital, name=d) for d in departments.split("、")]
        )
    host = Committee.objects.filter(town=town, name=LOGIN_COMMITTEE).first()
    team = Team.objects.filter(committee=host, function=Team.Function.MEDICINE).first()
    if team is None:
        return None
    volunteers = list(
        Volunteer.objects.filter(
            town=town, status=Volunteer.Status.ACTIVE, team__function=Team.Function.MEDICINE
        )
        .exclude(user__isnull=False)
        .order_by("team__committee_id", "id")[: RUNNERS + 1]
    )
    if not volunteers:
        return None
    posts = TeamMember.objects.bulk_create(
        [
            TeamMember(
                town=town,
                volunteer=v,
                post=TeamMember.Post.DESK if i == 0 else TeamMember.Post.RUNNER,
            )
            for i, v in enumerate(volunteers)
        ]
    )
    _requests(town, rng)
    return posts[0]


def _requests(town: Town, rng: random.Random) -> None:
    """Tomorrow's verified requests (what the desk plans tonight), a few waiting to be verified."""
    hospitals = list(Hospital.objects.filter(town=town).prefetch_related("departments"))
    living = (Resident.Status.PRESENT, Resident.Status.AWAY)
    residents = list(
        Resident.objects.filter(town=town, status__in=living, birth_date__year__lt=1965)
        .select_related("household__building__compound")
        .order_by("id")[:4000]
    )
    if not residents or not hospitals:
        return
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    chosen = rng.sample(residents, min(120, len(residents)))
    orders = []
    for i, patient in enumerate(chosen):
        hospital = rng.choice(hospitals[:3] if rng.random() < 0.7 else hospitals)
        departments = list(hospital.departments.all())
        orders.append(
            MedicineOrder(
                town=town,
                committee_id=patient.household.building.compound.committee_id,
                household_id=patient.household_id,
                resident=patient,
                form_number=f"SJ-{i + 1:04d}",
                hospital=hospital,
                department=rng.choice(departments) if departments else None,
                urgency=rng.choices(["red", "yellow", "green"], [1, 5, 4])[0],
                source=MedicineOrder.Source.DESK,
                status=(
                    MedicineOrder.Status.SUBMITTED if i % 10 == 9 else MedicineOrder.Status.VERIFIED
                ),
                service_date=tomorrow,
            )
        )
    orders = MedicineOrder.objects.bulk_create(orders)
    lines = []
    for order in orders:
        for name, trade, maker, strength, cold, confidential in rng.sample(
            DRUGS, rng.randint(1, 3)
        ):
            lines.append(
                MedicineLine(
                    order=order,
                    generic_name=name,
                    trade_name=trade,
                    maker=maker,
                    strength=strength,
                    boxes=rng.randint(1, 4),
                    days=rng.choice([14, 28, 30, 56]),
                    cold_chain=cold,
                    confidential=confidential,
                )
            )
    MedicineLine.objects.bulk_create(lines, batch_size=1000)
    MedicineOrderChange.objects.bulk_create(
        [MedicineOrderChange(order=o, from_status="", to_status=o.status) for o in orders]
    )


def demo_medicine_logins(town: Town, password: str) -> list[DemoLogin]:
    """The demo-login provider: the medicine team (built once), then `desk` and `runner`."""
    if not Hospital.objects.filter(town=town).exists():
        build_demo_medicine(town)
    logins = []
    desk = TeamMember.objects.filter(town=town, post=TeamMember.Post.DESK).order_by("id").first()
    if desk is not None:
        _login("desk", password, town, desk.volunteer)
        logins.append(DemoLogin("desk", "配药内场", f"{town.name}配药单", "/medicine/"))
    runner = (
        TeamMember.objects.filter(town=town, post=TeamMember.Post.RUNNER).order_by("id").first()
    )
    if runner is not None:
        _login("runner", password, town, runner.volunteer)
        logins.append(DemoLogin("runner", "配药外场", "当日配药路线"))
    return logins
