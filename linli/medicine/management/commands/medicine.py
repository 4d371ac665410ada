"""The medicine team's command group.

    linli medicine plan --town NAME [--date D] [--time-limit SECONDS] [--save] [--user NAME]
                        [--format json|text]
    linli medicine post PHONE --town NAME --post desk|runner [--capacity N]
                        [--home LAT,LON] [--off-duty] --user NAME

`plan` assigns the day's verified, unplanned requests to the runners on duty (the planner,
least total distance) and prints the issue's JSON or the morning run sheet; `--save` keeps it
(a DayPlan with a MedicineRun per runner; requests verified → planned; the carried-over ones
moved to the next day). `post` gives a volunteer of a 就医配药 team a post, as town staff.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linli.accounts.models import User
from linli.core.validators import Problem, parse_day
from linli.duty.models import Volunteer
from linli.medicine import plans, selectors, services
from linli.places.models import Town


def _town(name: str) -> Town:
    town = Town.objects.filter(name=name).first()
    if town is None:
        raise CommandError(f"找不到镇/街道 {name!r} (no such town)")
    return town


def _user(name: str | None) -> User | None:
    if not name:
        return None
    user = User.objects.filter(username=name).first()
    if user is None:
        raise CommandError(f"找不到账号 {name!r} (no such user)")
    return user


def _date(text: str | None) -> dt.date:
    try:
        return parse_day(text) or timezone.localdate()
    except Problem as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "配药队 (the medicine team): plan, post"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help="排班 (plan the day's runs)")
        plan.add_argument("--town", required=True, help="镇/街道名称 (town name)")
        plan.add_argument("--date", help="日期 YYYY-MM-DD，默认今天 (default today)")
        plan.add_argument("--time-limit", type=float, default=10.0, help="秒 (seconds)")
        plan.add_argument("--save", action="store_true", help="保存排班 (save the plan)")
        plan.add_argument("--user", help="以此账号保存 (save as this login)")
        plan.add_argument("--format", choices=["json", "text"], default="text")
        post = sub.add_parser("post", help="设置配药岗位 (set a team member's post)")
        post.add_argument("phone", help="志愿者手机号 (the volunteer's phone)")
        post.add_argument("--town", required=True)
        post.add_argument("--post", required=True, choices=["desk", "runner"])
        post.add_argument("--capacity", type=int, default=30)
        post.add_argument("--home", help="出发点 纬度,经度 (home point LAT,LON)")
        post.add_argument("--off-duty", action="store_true", help="不在岗 (off duty)")
        post.add_argument("--user", required=True, help="镇工作人员账号 (a town staff login)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "plan":
                self.plan(options)
            else:
                self.post(options)
        except Problem as exc:
            raise CommandError(str(exc)) from None

    def plan(self, options: dict[str, Any]) -> None:
        town = _town(options["town"])
        date = _date(options["date"])
        limit = options["time_limit"]
        if not 0 < limit <= 3600:
            raise CommandError("--time-limit 应在 0 到 3600 秒之间 (0 to 3600 seconds)")
        outcome = selectors.plan_day(town, date, time_limit=limit)
        if options["save"]:
            plans.plan_save(user=_user(options["user"]), town=town, draft=outcome.draft)
        if options["format"] == "json":
            self.stdout.write(json.dumps(outcome.answer, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(selectors.plan_text(outcome.answer))
            if options["save"]:
                self.stdout.write("已保存 (saved)")

    def post(self, options: dict[str, Any]) -> None:
        town = _town(options["town"])
        user = _user(options["user"])
        assert user is not None
        volunteer = Volunteer.objects.filter(town=town, phone=options["phone"]).first()
        if volunteer is None:
            raise CommandError("找不到该手机号的志愿者 (no volunteer with that phone)")
        home = None
        if options["home"]:
            try:
                lat, lon = (Decimal(p.strip()) for p in options["home"].split(","))
            except (ValueError, InvalidOperation):
                raise CommandError("--home 应为 纬度,经度 (LAT,LON)") from None
            home = (lat, lon)
        member = services.post_set(
            user=user,
            volunteer=volunteer,
            post=options["post"],
            capacity=options["capacity"],
            home=home,
            on_duty=not options["off_duty"],
        )
        self.stdout.write(f"{volunteer.name}: {member.get_post_display()} ({member.post})")
