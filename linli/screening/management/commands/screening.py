"""The screening office's command group.

    linli screening recount --town NAME --round NAME

`recount` rebuilds a round's coverage counters from its samples (`counters.recount`) and prints
each building whose figures it corrected, before → after; nothing printed but the summary
when the counters were right.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.places.models import Town
from linli.screening import counters, selectors
from linli.screening.models import CoverageCount

FIELDS = ("expected", "exempt", "sampled", "positives")


class Command(BaseCommand):
    help = "筛查 (screening): recount"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recount = sub.add_parser("recount", help="按采样记录重算覆盖计数 (rebuild the counters)")
        recount.add_argument("--town", required=True, help="镇/街道名称 (town name)")
        recount.add_argument("--round", required=True, help="检测轮次名称 (the round's name)")

    def handle(self, *args: Any, **options: Any) -> None:
        town = Town.objects.filter(name=options["town"]).first()
        if town is None:
            raise CommandError(f"找不到镇/街道 {options['town']!r} (no such town)")
        try:
            round_ = selectors.round_by_name(town, options["round"])
        except Problem as exc:
            raise CommandError(str(exc)) from None
        before = self._figures(round_)
        changed = counters.recount(round_)
        after = self._figures(round_)
        corrected = 0
        for building_id, row in sorted(after.items(), key=lambda item: item[1]["place"]):
            old = before.get(building_id)
            diffs = [
                f"{name} {old[name] if old else '-'}→{row[name]}"
                for name in FIELDS
                if old is None or old[name] != row[name]
            ]
            if diffs:
                corrected += 1
                self.stdout.write(f"{row['place']}: {', '.join(diffs)}")
        if corrected:
            audit(
                user=None,
                action=AuditEntry.Action.UPDATE,
                target=round_,
                summary=f"覆盖计数重算 (recount) {round_.name}: {corrected}",
            )
        self.stdout.write(
            f"已核对 {len(after)} 栋，更正 {corrected} 栋 "
            f"(checked {len(after)} buildings, corrected {corrected}; recount changed {changed})"
        )

    @staticmethod
    def _figures(round_: Any) -> dict[int, dict[str, Any]]:
        rows = CoverageCount.objects.filter(round=round_).values(
            "building_id", "compound__name", "building__name", *FIELDS
        )
        return {
            row["building_id"]: {**row, "place": f"{row['compound__name']} {row['building__name']}"}
            for row in rows
        }
