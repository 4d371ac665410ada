"""`linli import KIND FILE --town NAME | --user LOGIN [--dry-run] [--skip-bad-rows --rejects OUT]`.

With `--user`, the import acts with that login's scope exactly as the upload page does
(`linli.core.imports.import_scope`): committee staff match and update only their committee's
people, and logins that may not import are refused. Without it, the operator imports for the
whole town (or `--committee`).

KIND is any registered importer kind (linli.core.imports): places and residents from the places
app, more from other apps. The report goes to standard output; the exit code is 1 when nothing
was imported because of bad rows or a refused file.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.core.imports import get_importer, import_scope, importer_options, run_import
from linli.core.validators import Problem

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.places.models import Committee, Town


class Command(BaseCommand):
    help = "导入表格 (import a spreadsheet: xlsx, xls or csv)"
    requires_system_checks: list[str] = []  # the URL checks would import every app's API

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="导入类型 (import kind), e.g. places, residents")
        parser.add_argument("file", help="xlsx / xls / csv 文件 (the file)")
        parser.add_argument(
            "--town", help="镇/街道名称 (town name; with --user, the login's town by default)"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入 (check only)")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="导入合格行，跳过错误行 (land the good rows)",
        )
        parser.add_argument("--rejects", help="错误行写入此xlsx (write bad rows to this xlsx)")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="'表头=字段'",
            help="指定列对应的字段 (map a source header to a field), e.g. '单元=building'",
        )
        parser.add_argument(
            "--create-town", action="store_true", help="镇/街道不存在时新建 (places only)"
        )
        parser.add_argument("--committee", help="限定居委 (only this committee's rows)")
        parser.add_argument(
            "--user",
            help="以此账号的名义和权限范围导入 (import as this login, within its scope)",
        )
        for name, text in importer_options().items():  # a kind's own options, e.g. --round
            # Its own dest: a kind's --kind (a round's kind) must not overwrite KIND.
            parser.add_argument(f"--{name}", dest=f"param_{name}", help=text)

    def handle(self, *args: Any, **options: Any) -> None:
        # The rows and records of an import all live until it ends: the cyclic garbage collector
        # would only walk them again and again (a tenth of a 100,000-row import's time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.import_file(options)
        finally:
            if collecting:
                gc.enable()

    def import_file(self, options: dict[str, Any]) -> None:
        try:
            cls = get_importer(options["kind"])
        except Problem as exc:
            raise CommandError(str(exc)) from None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path} (no such file)")
        if options["skip_bad_rows"] and not options["rejects"]:
            raise CommandError(
                "--skip-bad-rows 需要 --rejects 文件 (--skip-bad-rows needs --rejects OUT.xlsx)"
            )
        mapping = {}
        for item in options["map"]:
            source, sep, target = item.partition("=")
            if not sep or not source.strip():
                raise CommandError(
                    f"--map 应写成 '表头=字段' (--map takes 'header=field'): {item!r}"
                )
            mapping[source.strip()] = target.strip()

        user, committee = self._scope(options)
        if user is not None:
            town = self._user_town(user, options["town"])
        elif options["town"] is None:
            raise CommandError("需要 --town 或 --user (give --town or --user)")
        else:
            town = self._town(options, cls.may_create_town)
        if options["committee"]:
            if (
                user is not None
                and committee is not None
                and committee.name != options["committee"]
            ):
                raise CommandError(
                    f"账号{user.username}只能导入{committee.name}的数据 "
                    f"(the login may import only into its own committee)"
                )
            committees = apps.get_model(settings.LINLI_COMMITTEE_MODEL)._default_manager
            committee = committees.filter(town_id=town.pk, name=options["committee"]).first()
            if committee is None:
                raise CommandError(f"找不到居委 {options['committee']!r} (no such committee)")

        try:
            result = run_import(
                options["kind"],
                path,
                town=town,
                user=user,
                committee=committee,
                dry_run=options["dry_run"],
                skip_bad_rows=options["skip_bad_rows"],
                rejects=options["rejects"],
                mapping=mapping,
                audit_detail={"via": "command"},
                params={
                    k: options[f"param_{k}"]
                    for k in importer_options()
                    if options.get(f"param_{k}")
                },
            )
        except Problem as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.as_text())
        if not result.ok:
            raise CommandError("未导入 (nothing imported)", returncode=1)

    def _scope(self, options: dict[str, Any]) -> tuple[User | None, Committee | None]:
        """With --user, the login's scope exactly as the upload page derives it."""
        if not options["user"]:
            return None, None
        logins = get_user_model()._default_manager.select_related("town", "committee")
        found = logins.filter(username=options["user"]).first()
        if found is None or not found.is_active:
            raise CommandError(f"找不到账号 {options['user']!r} (no such user)")
        try:
            return found, import_scope(found)
        except Problem as exc:
            raise CommandError(str(exc)) from None

    def _user_town(self, user: User, name: str | None) -> Town:
        town = user.town
        if town is None or name not in (None, town.name):
            raise CommandError(
                f"账号{user.username}不属于{name} (the login belongs to another town)"
            )
        return town

    def _town(self, options: dict[str, Any], may_create: bool) -> Town:
        town_model = apps.get_model(settings.LINLI_TOWN_MODEL)
        town = town_model._default_manager.filter(name=options["town"]).first()
        if town is not None:
            return town
        if not options["create_town"]:
            hint = (
                "；可加 --create-town 新建"
                if may_create
                else "；请先用 linli import places --create-town 建立"
            )
            raise CommandError(
                f"镇/街道“{options['town']}”不存在{hint} (no such town {options['town']!r})"
            )
        if not may_create:
            raise CommandError(
                f"导入{options['kind']}不能新建镇/街道 (--create-town is for places only)"
            )
        return town_model(name=options["town"])
