"""Reports: named figures for a town, printed by `linli report KIND --town NAME --format F`.

A report is a function `build(town=..., user=...) -> dict` registered under a kind. The command
prints the dict as JSON or as text, or writes it to an xlsx file; pages and the API call the
same function, so the figures never differ between them.

Registering a report (an app does it in its `AppConfig.ready()`)::

    from linli.core.reports import register_report

    def duty_coverage(*, town, user=None):
        return {"town": town.name, "buildings": 120, "buildings_without_leader": 3}

    class DutyConfig(AppConfig):
        def ready(self):
            register_report("duty-coverage", duty_coverage, title="包干覆盖 (duty coverage)")

`user=None` means the operator running the command: the whole town. A report about one of
several things of a town (a package round) or about one day (the medicine team's) names the
command's extra options it takes with `options=[("round", "help text")]`: `linli report KIND
--round NAME` passes `round="NAME"` (a string, as typed) to the builder, which raises a
`LookupError` (or a Problem) when it finds no such thing; an option the kind does not take is
refused. The API passes the same options from the query (`?round=NAME`, `?date=…`). Views
pass `request.user` so the figures go through the access gate. The dict's values are numbers,
strings, or one level of nested dicts (name → number); text and xlsx output flatten them as
`key.name`. A report may pass `rows=` to lay out its xlsx itself: a function taking the dict
and returning (headers, rows). A report that has its own forms passes `text=` (a function of
the dict returning the text), `xlsx=` (returning a whole workbook's bytes, several sheets) or
`pdf=` (returning a PDF's bytes): `--format pdf` is offered only by kinds that pass `pdf=`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from linli.core.validators import Problem

Builder = Callable[..., dict[str, Any]]
RowsLayout = Callable[[dict[str, Any]], tuple[Sequence[str], Iterable[Sequence[Any]]]]
TextLayout = Callable[[dict[str, Any]], str]
FileLayout = Callable[[dict[str, Any]], bytes]
FORMATS = ("json", "text", "xlsx", "pdf")


@dataclass(frozen=True)
class Report:
    kind: str
    build: Builder
    title: str = ""
    rows: RowsLayout | None = None
    # Extra `--NAME VALUE` options of `linli report` this kind takes: (name, help).
    options: tuple[tuple[str, str], ...] = ()
    # A kind's own forms: its text, its whole xlsx workbook, its PDF.
    text: TextLayout | None = None
    xlsx: FileLayout | None = None
    pdf: FileLayout | None = None


_reports: dict[str, Report] = {}


def register_report(
    kind: str,
    build: Builder,
    *,
    title: str = "",
    rows: RowsLayout | None = None,
    options: Sequence[tuple[str, str]] = (),
    text: TextLayout | None = None,
    xlsx: FileLayout | None = None,
    pdf: FileLayout | None = None,
) -> None:
    """Make `linli report KIND` (and `report_for(KIND)`) available."""
    _reports[kind] = Report(
        kind=kind,
        build=build,
        title=title,
        rows=rows,
        options=tuple(options),
        text=text,
        xlsx=xlsx,
        pdf=pdf,
    )


def report_options() -> dict[str, str]:
    """Every registered kind's extra options (name → help), for the command's parser."""
    return {name: text for report in _reports.values() for name, text in report.options}


def report_kinds() -> list[str]:
    return sorted(_reports)


def report_for(kind: str) -> Report:
    try:
        return _reports[kind]
    except KeyError:
        known = ", ".join(report_kinds())
        raise LookupError(f"未知的报表 {kind!r} (unknown report; known: {known})") from None


def build_report(kind: str, *, town: Any, user: Any = None, **options: Any) -> dict[str, Any]:
    """The figures; `options` are the kind's own (`register_report(options=...)`): an option
    the kind does not take is refused, never silently dropped."""
    report = report_for(kind)
    own = {name for name, _help in report.options}
    for name in options:
        if name not in own:
            raise Problem(f"报表 {kind} 没有 --{name} 选项", f"report {kind!r} takes no {name}")
    return report.build(town=town, user=user, **options)


def flatten(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    """[(key, value)], nested dicts as `key.name`."""
    pairs: list[tuple[str, Any]] = []
    for key, value in figures.items():
        if isinstance(value, dict):
            pairs.extend((f"{key}.{name}", v) for name, v in value.items())
        else:
            pairs.append((key, value))
    return pairs


def as_json(figures: dict[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2)


def _item(value: Any) -> str:
    """A nested value as text: a list as its items joined by commas, a dict (a list's row, as
    `per_site`'s) as its `key: value` pairs."""
    if isinstance(value, list):
        return ", ".join(_item(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_item(v)}" for key, v in value.items())
    return str(value)


def as_text(figures: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, value in figures.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {name}: {_item(v)}" for name, v in value.items())
        elif isinstance(value, list):
            lines.append(f"{key}: ({len(value)})")
            lines.extend(f"  - {_item(item)}" for item in value)
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


def xlsx_layout(
    kind: str, figures: dict[str, Any]
) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
    report = report_for(kind)
    if report.rows is not None:
        return report.rows(figures)
    return ("key", "value"), flatten(figures)


def report_text(kind: str, figures: dict[str, Any]) -> str:
    """The kind's own text form (`text=`), else the figures line by line."""
    report = report_for(kind)
    return report.text(figures) if report.text is not None else as_text(figures)
