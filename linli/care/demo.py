"""Demo care data: the door-knocks of the past days and help requests in every state, drawn for
a town that already has its registry and grid (`build_demo_town`, `build_demo_grid`).

Bulk-written, like the other demo data: the services are for users' writes, one at a time. The
requests' status links are random and unknown (nobody can open them); the demo's own requests
made through the pages get working links as usual. `demo_care_logins()` is the demo-login
provider that builds them once, after the duty app's provider has built the grid.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import hash_token
from linli.care.models import HelpRequest, HelpRequestTransition, Visit
from linli.care.workflow import due_at_for
from linli.core.demo_logins import DemoLogin
from linli.duty.models import Duty, active_q
from linli.places.models import Household, Resident, Town

VISITED_SHARE = 0.7  # households knocked on in the past days
REQUEST_SHARE = 0.06  # households with a help request in the past 60 hours
OUTCOMES = [("all_well", 70), ("need_found", 12), ("nobody_home", 14), ("refused", 4)]
CATEGORIES = [("medicine", 40), ("supplies", 35), ("medical", 12), ("psychological", 5),
              ("other", 8)]  # fmt: skip
URGENCIES = [("urgent", 10), ("today", 30), ("normal", 60)]
NEEDS = {
    "medicine": ["降压药快吃完了", "胰岛素只剩两支", "需要配慢病药", "孩子退烧药"],
    "supplies": ["家里没有米了", "需要蔬菜和鸡蛋", "婴儿奶粉", "老人需要成人纸尿裤"],
    "medical": ["明天血透需要车", "孕检需要转运", "化疗复诊"],
    "psychological": ["独居老人情绪低落", "隔离太久很焦虑"],
    "other": ["家里水管漏水", "宠物粮食没有了", "需要打印核酸证明"],
}
Status = HelpRequest.Status


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@transaction.atomic
def build_demo_care(
    town: Town, *, seed: int = 2022, now: dt.datetime | None = None
) -> dict[str, int]:
    """Draw and store visits and help requests; returns how many of each were written."""
    rng = random.Random(seed)
    now = now or timezone.now()
    helpers: dict[int | None, list[tuple[int, int | None]]] = defaultdict(list)
    for volunteer_id, user_id, building_id in (
        Duty.objects.filter(active_q(), town=town, building__isnull=False)
        .values_list("volunteer_id", "volunteer__user_id", "building_id")
        .order_by("id")
    ):
        helpers[building_id].append((volunteer_id, user_id))
    residents: dict[int, list[int | None]] = defaultdict(list)
    for pk, household_id in (
        Resident.objects.filter(town=town, status=Resident.Status.PRESENT)
        .values_list("id", "household_id")
        .order_by("id")
    ):
        residents[household_id].append(pk)
    homes = list(
        Household.objects.filter(town=town).values_list("id", "building_id").order_by("id")
    )

    visits: list[Visit] = []
    for household_id, building_id in homes:
        if not helpers[building_id] or rng.random() > VISITED_SHARE:
            continue
        helper, login = rng.choice(helpers[building_id])
        for _ in range(rng.randint(1, 3)):
            visits.append(
                Visit(
                    town=town,
                    household_id=household_id,
                    volunteer_id=helper,
                    recorded_by_id=login,
                    outcome=_pick(rng, OUTCOMES),
                    visited_at=now - dt.timedelta(hours=rng.uniform(1, 24 * 6)),
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)

    requests: list[HelpRequest] = []
    for household_id, building_id in homes:
        if rng.random() > REQUEST_SHARE:
            continue
        category, urgency = _pick(rng, CATEGORIES), _pick(rng, URGENCIES)
        created = now - dt.timedelta(hours=rng.uniform(0.2, 60))
        age = (now - created).total_seconds() / 3600
        status = rng.choices(
            [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE, Status.CANNOT_DO],
            weights=[30, 20, 15, 30, 5] if age < 24 else [6, 8, 8, 70, 8],
        )[0]
        owner = rng.choice(helpers[building_id]) if helpers[building_id] else None
        people = residents.get(household_id) or [None]
        requests.append(
            HelpRequest(
                town=town,
                household_id=household_id,
                resident_id=rng.choice(people),
                category=category,
                urgency=urgency,
                description=rng.choice(NEEDS[category]),
                source=rng.choice(["visit", "visit", "phone", "self_service", "staff"]),
                status=status,
                owner_volunteer_id=owner[0] if owner and status != Status.NEW else None,
                due_at=due_at_for(urgency, created),
                cannot_do_reason="药房缺货，已转居委协调" if status == Status.CANNOT_DO else "",
                access_token_hash=hash_token(secrets.token_urlsafe(32)),
                created_at=created,
                closed_at=created + dt.timedelta(hours=rng.uniform(0.5, min(age, 20)))
                if status in (Status.DONE, Status.CANNOT_DO)
                else None,
            )
        )
    HelpRequest.objects.bulk_create(requests, batch_size=2000)
    HelpRequestTransition.objects.bulk_create(_timelines(requests), batch_size=2000)
    return {"visits": len(visits), "help_requests": len(requests)}


def demo_care_logins(town: Town, password: str) -> list[DemoLogin]:
    """The demo-login provider: the care data, built once (the grid's logins do the work)."""
    if not (
        Visit.objects.filter(town=town).exists() or HelpRequest.objects.filter(town=town).exists()
    ):
        build_demo_care(town)
    return []


def _timelines(requests: list[HelpRequest]) -> list[HelpRequestTransition]:
    path = [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS]
    rows = []
    for hr in requests:
        end = hr.closed_at or hr.created_at + dt.timedelta(minutes=40)
        steps = {
            Status.NEW: [Status.NEW],
            Status.ACCEPTED: path[:2],
            Status.IN_PROGRESS: path,
            Status.DONE: [*path, Status.DONE],
            Status.CANNOT_DO: [*path[:2], Status.CANNOT_DO],
        }[hr.status]  # type: ignore[index]
        span = (end - hr.created_at) / max(len(steps) - 1, 1)
        previous = ""
        for i, step in enumerate(steps):
            rows.append(
                HelpRequestTransition(
                    request=hr,
                    from_status=previous,
                    to_status=step,
                    by_volunteer_id=hr.owner_volunteer_id if i else None,
                    at=hr.created_at + i * span,
                    reason=hr.cannot_do_reason if step == Status.CANNOT_DO else "",
                )
            )
            previous = step
    return rows
