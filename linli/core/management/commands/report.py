"""`linli report KIND --town NAME [--date D | --round NAME …] --format json|text|xlsx|pdf
[--output FILE]`: the options between brackets are a kind's own (`register_report(options=)`);
pdf is offered by the kinds that lay one out (`register_report(pdf=)`: `daily`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.core.export import write_xlsx
from linli.core.reports import (
    FORMATS,
    as_json,
    build_report,
    report_for,
    report_kinds,
    report_options,
    report_text,
    xlsx_layout,
)
from linli.core.validators import Problem


class Command(BaseCommand):
    help = "打印报表 (print a report): " + ", ".join(report_kinds())

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="报表类型 (report kind): " + ", ".join(report_kinds()))
        parser.add_argument("--town", required=True, help="镇/街道名称 (town name)")
        parser.add_argument("--format", default="text", help="json | text | xlsx | pdf")
        parser.add_argument(
            "--output", help="xlsx/pdf 文件路径 (file to write, for --format xlsx or pdf)"
        )
        for name, text in report_options().items():  # a kind's own options, e.g. --round
            parser.add_argument(f"--{name}", help=text)

    def handle(self, *args: Any, **options: Any) -> None:
        kind, fmt, output = options["kind"], options["format"], options["output"]
        if kind not in report_kinds():
            raise CommandError(
                f"未知的报表 {kind!r} (unknown report; known: {', '.join(report_kinds())})"
            )
        if fmt not in FORMATS:
            raise CommandError(f"未知的格式 {fmt!r} (unknown format; use {' | '.join(FORMATS)})")
        if fmt == "pdf" and report_for(kind).pdf is None:
            raise CommandError(f"报表 {kind} 没有 PDF 格式 (report {kind!r} has no pdf form)")
        if fmt in ("xlsx", "pdf") and not output:
            raise CommandError(
                f"{fmt} 格式需要 --output 文件路径 (--format {fmt} needs --output FILE)"
            )
        if fmt in ("xlsx", "pdf") and not Path(output).resolve().parent.is_dir():
            raise CommandError(f"无法写入 {output} (cannot write the file: no such folder)")
        towns = apps.get_model(settings.LINLI_TOWN_MODEL)._default_manager
        town = towns.filter(name=options["town"]).first()
        if town is None:
            raise CommandError(f"找不到镇/街道 {options['town']!r} (no such town)")
        extra = {name: options[name] for name in report_options() if options.get(name)}
        try:
            figures = build_report(kind, town=town, **extra)
        except (LookupError, Problem) as exc:
            raise CommandError(str(exc)) from None
        if fmt == "json":
            self.stdout.write(as_json(figures))
        elif fmt == "text":
            self.stdout.write(report_text(kind, figures))
        else:
            report = report_for(kind)
            whole = report.pdf if fmt == "pdf" else report.xlsx
            try:
                if whole is not None:
                    Path(output).write_bytes(whole(figures))
                else:
                    headers, rows = xlsx_layout(kind, figures)
                    write_xlsx(output, headers, rows, sheet_title=kind)
            except OSError as exc:
                raise CommandError(f"无法写入 {output} (cannot write the file): {exc}") from exc
            self.stdout.write(f"{output}")
