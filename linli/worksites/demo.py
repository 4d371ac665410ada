"""The demo town's worksites (`make demo`), built once through the worksites services: each
worksite's profile (person in charge, contractor), its residents' employment (WorkerInfo,
written in bulk as the workers importer writes it), and on the small pipe-works site beside
新凯五村 a valid vehicle permit, a worker's pass expiring in two days, a transport request
awaiting the town's approval and a crew lent to the street tomorrow; its person in charge is
the demo login `foreman`, the site's second secretary (as linli/worksites/rules.py describes).

The sites are in the demo's test rounds (linli/screening/demo.py), so the boards show roster
vs tested.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.core.demo_logins import DemoLogin
from linli.duty.demo import _login
from linli.duty.models import Duty, Volunteer
from linli.duty.services import duty_assign, volunteer_create
from linli.places import demo_data as data
from linli.places.models import Compound, Resident, Town
from linli.worksites import services
from linli.worksites.models import Permit, SiteProfile, TransportRequest, WorkerInfo

# The sites' people in charge and contractors, by site (demo_data.WORKSITES' worksites).
PROFILES = {
    "泗泾站综合开发项目工地": ("钱国强", "13900000101", "中建八局上海分公司", "泗泾站以北，鼓浪路"),
    "九干路商业地块工地": ("赵海波", "13900000102", "上海建工七建集团", "九干路与泗砖公路路口"),
    "张施路保障房项目工地": ("孙立新", "13900000103", "上海松江建设工程有限公司", "张施路88号"),
    "新凯路雨污管网改造工地": ("周永康", "13900000104", "上海市政管网工程有限公司", "新凯路沿线"),
}
# The site with the permits, the transport request, the crew and the `foreman` login: the
# small pipe-works site beside 新凯五村, the one the demo's test rounds sample
# (linli/screening/demo.py's SAMPLED_SITE).
FOREMAN_SITE = "新凯路雨污管网改造工地"
PLATE = "沪D·A2345"
ROUTE = "工地—泗泾站—九亭物资中转站"
NEW_WORKERS = 3  # of the foreman's site, entered within the observation window (under watch)


@transaction.atomic
def build_demo_worksites(town: Town, staff: Any) -> Volunteer | None:
    """Profiles, workers, permits, a transport request and a crew; the foreman's volunteer."""
    sites = list(Compound.objects.filter(town=town, kind=Compound.Kind.WORKSITE).order_by("id"))
    if not sites:
        return None
    for site in sites:
        if site.name not in PROFILES:
            continue
        manager, phone, contractor, address = PROFILES[site.name]
        services.site_profile_save(
            user=staff, compound=site, manager=manager, manager_phone=phone,
            contractor=contractor, address=address, has_transport=site.name == FOREMAN_SITE,
        )  # fmt: skip
    site = next((s for s in sites if s.name == FOREMAN_SITE), sites[0])
    _workers(town, sites, site)
    now = timezone.now()
    today = timezone.localdate()
    services.permit_issue(
        user=staff, compound=site, kind=Permit.Kind.VEHICLE, plate=PLATE, route=ROUTE,
        valid_from=now - dt.timedelta(days=3), valid_until=now + dt.timedelta(days=11),
    )  # fmt: skip
    worker = (
        Resident.objects.filter(household__building__compound=site, status=Resident.Status.PRESENT)
        .order_by("id")
        .first()
    )
    if worker is not None:
        services.permit_issue(
            user=staff, compound=site, kind=Permit.Kind.PERSON, worker=worker,
            route="宿舍—工地", valid_from=now - dt.timedelta(days=12),
            valid_until=now + dt.timedelta(days=2),
        )  # fmt: skip
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9)))
    services.transport_request_create(
        user=staff, compound=site, kind=TransportRequest.Kind.GOODS, plate=PLATE, route=ROUTE,
        window_from=tomorrow, window_to=tomorrow + dt.timedelta(hours=3), escort="钱国强",
        note="钢筋及防疫物资",
    )  # fmt: skip
    crew = list(
        Resident.objects.filter(
            household__building__compound=site, status=Resident.Status.PRESENT
        ).order_by("id")[1:4]
    )
    services.crew_loan_record(
        user=staff, compound=site, task="barriers", place="新凯五村紫藤苑东门", headcount=4,
        hours="4", date=today + dt.timedelta(days=1), transport="工地班车", workers=crew,
    )  # fmt: skip
    return _foreman(staff, site)


def _workers(town: Town, sites: list[Compound], main: Compound) -> None:
    """Each site resident's employer (the site's contractor), trade and day of entry: most
    came a month or more ago, the main site's last few within the observation window."""
    today = timezone.localdate()
    profiles = SiteProfile.objects.filter(town=town)
    contractors = dict(profiles.values_list("compound_id", "contractor"))
    infos = []
    for site in sites:
        residents = list(
            Resident.objects.filter(household__building__compound=site)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for i, resident_id in enumerate(residents):
            recent = site == main and i >= len(residents) - NEW_WORKERS
            infos.append(
                WorkerInfo(
                    town_id=town.pk,
                    resident_id=resident_id,
                    employer=contractors.get(site.pk, ""),
                    trade=data.TRADES[i % len(data.TRADES)],
                    entered_on=today - dt.timedelta(days=(2 + i % 5) if recent else 30 + i % 90),
                )
            )
    WorkerInfo.objects.bulk_create(infos, batch_size=1000)


def _foreman(staff: Any, site: Compound) -> Volunteer:
    """The site's person in charge, a volunteer of its committee and its second secretary."""
    profile = SiteProfile.objects.get(compound=site)
    volunteer = volunteer_create(
        user=staff,
        committee=site.committee,
        name=profile.manager,
        phone=profile.manager_phone,
        source=Volunteer.Source.STAFF,
        post="工地负责人",
    )
    duty_assign(
        user=staff,
        volunteer=volunteer,
        kind=Duty.Kind.SECOND_SECRETARY,
        place=site,
        title="工地负责人",
    )
    return volunteer


def demo_worksite_logins(town: Town, password: str) -> list[DemoLogin]:
    """The demo-login provider: the worksites' data (built once), then `foreman`."""
    from linli.accounts.models import User

    if not SiteProfile.objects.filter(town=town).exists():
        staff = User.objects.filter(username="town", town=town).first()
        if staff is None:
            return []
        build_demo_worksites(town, staff)
    duty = (
        Duty.objects.active()
        .filter(town=town, kind=Duty.Kind.SECOND_SECRETARY, compound__kind=Compound.Kind.WORKSITE)
        .select_related("volunteer", "compound")
        .order_by("id")
        .first()
    )
    if duty is None:
        return []
    _login("foreman", password, town, duty.volunteer)
    return [DemoLogin("foreman", "工地负责人", str(duty.compound), "/worksites/")]
