"""The demo town's notices (`make demo`), built once through the notices services:

- from the town office to 新凯五村's building leaders (楼组长), the sampling template filled from
  today's test round (linli/screening/demo.py), sent; the `leader` login's receipt unread, so
  the demo shows the one-tap 已读;
- from 新凯五村's committee to the residents of the `leader`'s building, sent: the leader's
  receipt read, and the first household's door receipt (the building's self-service page).

No robot channel: a demo has no webhook to post to. Recipients are the volunteers with a login
(the demo has a few), so the receipts are few.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.demo_logins import DemoLogin
from linli.duty.demo import LOGIN_COMMITTEE
from linli.duty.models import Duty
from linli.notices import fill, services
from linli.notices.models import Notice
from linli.places.models import Committee, Household, Town

BUILDING_NOTICE = "楼栋消杀通知"
BUILDING_BODY = (
    "明天上午9:00–10:00对本楼楼道、电梯进行消杀，请各户关好门窗，消杀期间暂不下楼；"
    "消杀后一小时内请勿开窗。有困难请联系楼组长。"
)


def _end_of(day: dt.date) -> dt.datetime:
    """23:59 of the day; an hour from now if the demo is built later than that (an expiry
    must be in the future: a demo built in the day's last minute failed here)."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
    return max(end, timezone.now() + dt.timedelta(hours=1))


@transaction.atomic
def build_demo_notices(town: Town, staff: User, committee_staff: User | None) -> list[Notice]:
    """The two notices (see the module's docstring), each sent; the ones made."""
    from linli.screening.demo import TODAY_ROUND
    from linli.screening.models import TestRound

    committee = Committee.objects.get(town=town, name=LOGIN_COMMITTEE)
    today = timezone.localdate()
    made = []
    round_ = TestRound.objects.filter(town=town, name=TODAY_ROUND).first()
    if round_ is not None:
        filled = fill.sampling(round_)
        notice = services.notice_create(
            user=staff, town=town, scope=Notice.Scope.DUTY_KIND, committee=committee,
            duty_kind=Duty.Kind.BUILDING_LEADER, title=filled.title, body=filled.body,
            urgency=Notice.Urgency.URGENT, expires_at=_end_of(today),
            template=Notice.Template.SAMPLING,
        )  # fmt: skip
        made.append(services.notice_send(user=staff, notice=notice))
    leader = (
        Duty.objects.active()
        .filter(volunteer__user__username="leader", kind=Duty.Kind.BUILDING_LEADER)
        .select_related("building", "volunteer__user")
        .first()
    )
    if committee_staff is not None and leader is not None and leader.building is not None:
        notice = services.notice_create(
            user=committee_staff, town=town, scope=Notice.Scope.BUILDING,
            building=leader.building, for_residents=True, title=BUILDING_NOTICE,
            body=BUILDING_BODY, urgency=Notice.Urgency.NORMAL,
            expires_at=_end_of(today + dt.timedelta(days=1)),
        )  # fmt: skip
        notice = services.notice_send(user=committee_staff, notice=notice)
        assert leader.volunteer.user is not None
        services.receipt_read(user=leader.volunteer.user, notice=notice)
        first = Household.objects.filter(building=leader.building).order_by("pk").first()
        if first is not None:
            services.household_read(notice=notice, household=first)
        made.append(notice)
    return made


def demo_notice_logins(town: Town, password: str) -> list[DemoLogin]:
    """The demo-login provider: the notices (built once); no login of its own."""
    if Notice.objects.filter(town=town).exists():
        return []
    staff = User.objects.filter(username="town", town=town).first()
    if staff is None or not Committee.objects.filter(town=town, name=LOGIN_COMMITTEE).exists():
        return []
    committee_staff = User.objects.filter(
        username="kaiwu", town=town, role=User.Role.COMMITTEE_STAFF
    ).first()
    build_demo_notices(town, staff, committee_staff)
    return []
