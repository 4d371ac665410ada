"""The demo: a synthetic town, a login for each role, and (with --serve) the server.

    linli demo [--serve] [--addr 127.0.0.1:8000] [--reset] [--scale 1.0] [--seed 2022]

Writes a random secret key to var/secret_key on the first run when none is configured (and
uses it afterwards; the settings read it too), migrates the database when needed, builds the
demo town 泗泾镇 when the database holds no town, creates or refreshes the demo logins (see
linli/core/demo_logins.py) and prints them. `--serve` runs the server and, beside it, a
worker for the queued tasks (`linli worker`, a child process stopped when the server stops).
`--reset` starts from an empty database: the SQLite file is deleted, any other database is
flushed (all its tables emptied).
"""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path
from subprocess import Popen
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from linli.core.demo_logins import DemoLogin, ensure_demo_logins
from linli.core.secret_key import configured_key, local_key
from linli.places import demo_data
from linli.places.demo import build_demo_town
from linli.places.models import Building, Committee, Household, Resident, Town

DEMO_PASSWORD = "linli-demo"  # noqa: S105 (printed by the command; demo only)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: list[list[str]]) -> str:
    """Rows as aligned columns; Chinese characters count as two columns."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Build the demo town 泗泾镇, create a login for each role, print them; --serve serves it."
    )
    # The checks refuse to run without a secret key, which this command writes first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--serve", action="store_true", help="then run the web server")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--reset", action="store_true", help="start from an empty database")
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 80,000 residents")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--password", default=DEMO_PASSWORD, help="password of every demo login"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale 须为正数 (--scale must be positive)")
        self.ensure_secret_key()
        if not options.get("skip_checks"):
            self.check()
        self.prepare_database(reset=options["reset"])
        town = Town.objects.filter(name=demo_data.TOWN_NAME).first()
        if town is None and not Town.objects.exists():
            started = time.perf_counter()
            self.stdout.write(
                f"正在生成示范镇 (building the demo town, scale {options['scale']}) …"
            )
            town = build_demo_town(seed=options["seed"], scale=options["scale"])
            self.stdout.write(f"用时 {time.perf_counter() - started:.1f} 秒 (seconds)")
        if town is None:
            self.stdout.write(
                "数据库中已有其他镇/街道的数据，未生成示范镇，也未创建示范账号"
                " (the database holds other towns: no demo town, no demo logins)"
            )
        else:
            self.stdout.write(self.figures(town))
            logins = ensure_demo_logins(town, options["password"])
            self.stdout.write(self.logins_table(logins, options["addr"], options["password"]))
        if options["serve"]:
            self.serve(options["addr"])

    def ensure_secret_key(self) -> None:
        """Without a configured key, use the one under var/, written on the first run."""
        if configured_key():
            return
        path = Path(settings.LINLI_SECRET_KEY_PATH)
        if not path.exists():
            self.stdout.write(f"生成密钥 (writing a random secret key to {path})")
        settings.SECRET_KEY = local_key(path, create=True)

    def prepare_database(self, *, reset: bool) -> None:
        name = str(connection.settings_dict["NAME"])
        on_disk = (
            connection.vendor == "sqlite" and not name.startswith("file:") and name != ":memory:"
        )
        if reset:
            if on_disk:
                connection.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(name + suffix).unlink(missing_ok=True)
            else:
                self.stdout.write("清空数据库 (flushing the database)")
                call_command("flush", interactive=False, verbosity=0)
        if on_disk:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("正在建库 (applying migrations) …")
            call_command("migrate", interactive=False, verbosity=0)

    def figures(self, town: Town) -> str:
        committees = Committee.objects.filter(town=town).count()
        buildings = Building.objects.filter(town=town).count()
        households = Household.objects.filter(town=town).count()
        residents = Resident.objects.filter(town=town).count()
        return (
            f"{town.name}：{committees} 个居委/村，{buildings:,} 栋楼，{households:,} 户，"
            f"{residents:,} 位居民"
        )

    def logins_table(self, logins: list[DemoLogin], addr: str, password: str) -> str:
        base = f"http://{addr}"
        login_url = base + reverse("login")
        rows = [["角色 role", "账号 username", "密码 password", "范围 sees", "网址 URL"]]
        for login in logins:
            url = login_url if login.path == "/" else f"{login_url}?next={login.path}"
            rows.append([login.role, login.username, password, login.sees, url])
        return "\n示范账号 (demo logins)\n" + table(rows) + "\n"

    def serve(self, addr: str) -> None:
        if isinstance(staticfiles_storage, ManifestFilesMixin) and static_files_stale():
            # With DEBUG off, pages name hashed static files: collect them first.
            self.stdout.write(f"收集静态文件 (collecting static files into {settings.STATIC_ROOT})")
            call_command("collectstatic", interactive=False, verbosity=0)
        # Its own session: Ctrl-C stops the server, and the worker then gets one SIGTERM, which
        # lets a running import finish (a second Ctrl-C kills it; it runs again next time).
        worker = Popen([sys.executable, "-m", "linli", "worker"], start_new_session=True)
        try:
            call_command("runserver", addr, use_reloader=False, use_threading=True)
        finally:
            worker.terminate()
            try:
                worker.wait()
            except KeyboardInterrupt:
                worker.kill()
                worker.wait()


def static_files_stale() -> bool:
    """Whether a static file changed since the last collectstatic (or none ran)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if Path(storage.path(path)).stat().st_mtime > collected:
                return True
    return False
