"""`linli package-round add --town NAME --round NAME [--committee NAME ...] [--contents TEXT]`.

A package round (物资发放) over the named committees' compounds, or the whole town's by
default: one package for every household on their roster now.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.core.validators import Problem
from linli.places.models import Committee, Compound, Town
from linli.supplies.selectors_rounds import round_figures
from linli.supplies.services_rounds import round_create


class Command(BaseCommand):
    help = "物资发放轮次 (package rounds): add"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新建发放轮次 (add a round)")
        add.add_argument("--town", required=True, help="镇/街道名称 (town name)")
        add.add_argument("--round", required=True, help="轮次名称 (the round's name)")
        add.add_argument(
            "--committee",
            action="append",
            default=[],
            help="居委名称，可多次；不填为全镇 (a committee; repeat; the whole town by default)",
        )
        add.add_argument("--contents", default="", help="物资内容 (what a package holds)")

    def handle(self, *args: Any, **options: Any) -> None:
        town = Town.objects.filter(name=options["town"]).first()
        if town is None:
            raise CommandError(f"找不到镇/街道 {options['town']!r} (no such town)")
        compounds = Compound.objects.filter(town=town)
        names = options["committee"]
        if names:
            found = dict(
                Committee.objects.filter(town=town, name__in=names).values_list("name", "pk")
            )
            unknown = [n for n in names if n not in found]
            if unknown:
                raise CommandError(
                    f"找不到居委 {'、'.join(unknown)} (no such committee: {', '.join(unknown)})"
                )
            compounds = compounds.filter(committee_id__in=found.values())
        try:
            made = round_create(
                user=None,
                town=town,
                name=options["round"],
                contents=options["contents"],
                compounds=compounds.order_by("pk"),
            )
        except Problem as exc:
            raise CommandError(str(exc)) from None
        figures = round_figures(made)
        self.stdout.write(
            f"已新建发放轮次 {made.name}：{made.compounds.count()} 个小区，"
            f"{figures['households']} 户 (round added: compounds, households)"
        )
