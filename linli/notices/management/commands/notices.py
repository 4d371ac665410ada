"""The notices command group.

    linli notices expire

`expire` moves every sent notice past its expiry to expired (run it from a timer every few
minutes: deploy/systemd, docs/operations.md); pages already show a notice past its expiry as
expired, and its readers can no longer tap 已读 nor be reminded.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linli.notices import services


class Command(BaseCommand):
    help = "通知：到期处理 (notices: expire the ones past their expiry)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("expire", help="到期的通知改为已过期 (expire notices past their expiry)")

    def handle(self, *args: Any, **options: Any) -> None:
        moved = services.notices_expire()
        self.stdout.write(f"已过期 {moved} 条通知 ({moved} notices expired)")
