"""Logins from the command line.

    linli user add USERNAME --password P --role ROLE [--town NAME] [--committee NAME]
    linli user add USERNAME --password P --volunteer PHONE [--town NAME]
    linli user list [--town NAME]

Each role names the places it needs through `linli.accounts.roles.register_login_role`, from the
app that owns them (places: town and committee staff; the duty app: `--role volunteer
--volunteer PHONE`). A new role adds its options in `add_role_options` and registers itself.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from linli.accounts.models import User
from linli.accounts.roles import login_roles
from linli.accounts.services import user_create


def _town(name: str) -> Any:
    town_model = User._meta.get_field("town").related_model
    town = town_model._default_manager.filter(name=name).first()  # type: ignore[union-attr]
    if town is None:
        raise CommandError(f"找不到镇/街道 {name!r} (no such town)")
    return town


def add_role_options(parser: CommandParser) -> None:
    parser.add_argument("--town", help="镇/街道名称 (town name)")
    parser.add_argument("--committee", help="居委名称 (committee name, for committee_staff)")
    parser.add_argument(
        "--volunteer", help="志愿者手机号 (a volunteer's phone; implies --role volunteer)"
    )


class Command(BaseCommand):
    help = "管理账号 (manage logins): add, list"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新增账号 (create a login)")
        add.add_argument("username")
        add.add_argument("--password", help="密码；省略则提示输入 (prompted for when omitted)")
        add.add_argument("--role", help=" | ".join(login_roles()))
        add_role_options(add)
        listing = sub.add_parser("list", help="列出账号 (list logins)")
        listing.add_argument("--town", help="只列此镇/街道 (only this town)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            self.add_user(options)
        else:
            self.list_users(options)

    def add_user(self, options: dict[str, Any]) -> None:
        role = options["role"] or (User.Role.VOLUNTEER if options.get("volunteer") else "")
        if not role:
            raise CommandError("需要 --role 或 --volunteer (--role or --volunteer is required)")
        roles = login_roles()
        if role not in roles:
            raise CommandError(f"未知的角色 {role!r} (unknown role; use {' | '.join(roles)})")
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"账号 {options['username']!r} 已存在 (user already exists)")
        places = roles[role].places(options)
        password = options["password"] or getpass.getpass("密码 (password): ")
        if not password:
            raise CommandError("密码不能为空 (the password must not be empty)")
        try:
            with transaction.atomic():
                user = user_create(
                    username=options["username"], password=password, role=role, **places
                )
                link = roles[role].link
                if link is not None:
                    link(options, user)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        where = user.committee.name if user.committee else user.town.name if user.town else ""
        self.stdout.write(f"已创建 {user.username} ({user.get_role_display()}, {where})")

    def list_users(self, options: dict[str, Any]) -> None:
        users = User.objects.select_related("town", "committee").order_by("username")
        if options.get("town"):
            users = users.filter(town=_town(options["town"]))
        for user in users:
            place = user.committee.name if user.committee else user.town.name if user.town else "-"
            active = "" if user.is_active else "  (停用 inactive)"
            self.stdout.write(f"{user.username}\t{user.role or '-'}\t{place}{active}")
