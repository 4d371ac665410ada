"""The report of an import or dry run: counts, row errors and warnings (Chinese first, English
in parentheses), as the upload page shows it, `linli import` prints it and ImportJob stores it;
and the rejects file (`write_rejects`), the bad rows as they were with their reasons."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linli.core.validators import Problem, in_language

if TYPE_CHECKING:
    from linli.core.imports import Row

FIRST_OF_GROUP = 5  # rows shown under each reason on the page; the rejects file has them all
_NUMBERS = re.compile(r"[0-9]+")


def held_text(count: int) -> str:
    """What a report says of rows held for the town office: the same before and after."""
    return f"待镇/街道确认 {count} 行 ({count} rows await the town office)"


@dataclass
class RowProblem:
    """A bad row (or a warning) in the report: where, which column, why (Chinese and English)."""

    sheet: str
    row: int
    column: str
    zh: str
    en: str

    def __str__(self) -> str:
        where = f"{self.sheet} 第{self.row}行" if self.sheet else f"第{self.row}行"
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.zh} ({self.en})"

    @property
    def reason(self) -> str:
        """The reason in the active language."""
        return in_language(self.zh, self.en)


def group_problems(problems: list[RowProblem], first: int = FIRST_OF_GROUP) -> list[dict[str, Any]]:
    """Problems grouped by reason (and column), commonest first, each with its count and its
    first rows: a file with 1,000 bad rows has a handful of reasons. Numbers in a reason (the
    row a duplicate repeats) are not part of it, so "与第5行重复" and "与第9行重复" are one."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for p in problems:
        key = (p.column, _NUMBERS.sub("…", p.zh))
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "column": p.column,
                "zh": key[1],
                "en": _NUMBERS.sub("…", p.en),
                "count": 0,
                "rows": [],
            }
        group["count"] += 1
        if len(group["rows"]) < first:
            group["rows"].append(asdict(p))
    return sorted(groups.values(), key=lambda g: -g["count"])


_COMPUTED = {"ok", "error_count", "warning_count", "error_groups", "warning_groups"}


@dataclass
class ImportResult:
    """The report of one import or dry run."""

    kind: str
    file_name: str
    dry_run: bool
    skip_bad_rows: bool
    rows: int = 0
    good_rows: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: int = 0
    new: dict[str, list[str]] = field(default_factory=dict)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    file_problem: str = ""  # both languages, as the command prints it
    file_problem_zh: str = ""
    file_problem_en: str = ""
    written: bool = False
    seconds: float = 0.0
    rejects_file: str = ""

    def refuse(self, problem: Problem) -> None:
        """The file as a whole cannot be imported, for this reason."""
        self.file_problem = str(problem)
        self.file_problem_zh, self.file_problem_en = problem.zh, problem.en

    @property
    def file_problem_text(self) -> str:
        """Why the file was refused, in the active language (reports stored before the two
        languages were kept apart have only both together)."""
        if self.file_problem_zh:
            return in_language(self.file_problem_zh, self.file_problem_en)
        return self.file_problem

    @property
    def ok(self) -> bool:
        """True when the import landed (or, for a dry run, would land)."""
        if self.file_problem:
            return False
        return not self.errors or self.skip_bad_rows

    def as_dict(self, limit: int | None = None) -> dict[str, Any]:
        """JSON-ready; with `limit`, only the first errors and warnings are kept."""
        data = asdict(self)
        data["ok"] = self.ok
        data["error_count"] = len(self.errors)
        data["warning_count"] = len(self.warnings)
        data["error_groups"] = group_problems(self.errors)
        data["warning_groups"] = group_problems(self.warnings)
        if limit is not None:
            data["errors"] = data["errors"][:limit]
            data["warnings"] = data["warnings"][:limit]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportResult:
        data = {k: v for k, v in data.items() if k not in _COMPUTED}
        data["errors"] = [RowProblem(**e) for e in data.get("errors", [])]
        data["warnings"] = [RowProblem(**w) for w in data.get("warnings", [])]
        return cls(**data)

    def as_text(self, limit: int | None = None) -> str:
        """The report as the command prints it: Chinese first, English in parentheses."""
        lines = []
        if self.file_problem:
            lines.append(f"文件无法导入 (file refused): {self.file_problem}")
            return "\n".join(lines)
        for s in self.sheets:
            cols = ", ".join(f"{h}→{f}" for h, f in s["mapping"].items())
            sheet = f"工作表 (sheet) {s['name']}: " if s["name"] else ""
            row = s["header_row"]
            lines.append(f"{sheet}表头在第{row}行 (header row {row}): {cols}")
            if s.get("ignored"):
                lines.append(f"  未使用的列 (ignored columns): {', '.join(s['ignored'])}")
        lines.append(
            f"共{self.rows}行，合格{self.good_rows}行，错误{self.rejected}行 "
            f"({self.rows} rows, {self.good_rows} good, {self.rejected} bad)"
        )
        verb = "将" if self.dry_run or not self.written else ""
        lines.append(
            f"{verb}新增{self.created}，{verb}更新{self.updated}，不变{self.unchanged} "
            f"(created {self.created}, updated {self.updated}, unchanged {self.unchanged})"
        )
        if self.held:
            lines.append(held_text(self.held))
        for label, names in self.new.items():
            shown = "、".join(names[:50]) + (f" …(+{len(names) - 50})" if len(names) > 50 else "")
            lines.append(f"{verb}新建{label} {len(names)}个 (new {label}): {shown}")
        for heading, problems in (
            ("错误 (errors):", self.errors),
            ("提示 (warnings):", self.warnings),
        ):
            if problems:
                lines.append(heading)
                lines.extend(f"  {p}" for p in problems[:limit])
                if limit is not None and len(problems) > limit:
                    more = len(problems) - limit
                    lines.append(f"  …另有{more}条 ({more} more)")
        if self.dry_run:
            lines.append("试运行，未写入任何数据 (dry run: nothing was written)")
        elif self.written:
            lines.append(f"已导入 (imported) in {self.seconds:.1f}s")
        else:
            lines.append("有错误行，未导入任何数据 (bad rows: nothing was imported)")
        if self.rejects_file:
            lines.append(f"错误行已写入 (bad rows written to): {self.rejects_file}")
        return "\n".join(lines)


REJECTS_HEADINGS = {
    "zh-hans": ("工作表", "行号", "错误原因", "错误行"),
    "en": ("sheet", "row", "reason", "bad rows"),
    "": ("工作表 (sheet)", "行号 (row)", "错误原因 (reason)", "错误行"),
}


def write_rejects(
    target: str | Path,
    bad_rows: Iterable[tuple[Row, Problem]],
    table: Any,
    *,
    language: str = "",
) -> None:
    """The bad rows with their original cells and a reason column, as text (export writer);
    headings and reasons in `language` ("zh-hans", "en"), or in both ("")."""
    from linli.core.export import write_xlsx

    sheet, number, reason, title = REJECTS_HEADINGS[language]
    headers = [sheet, number, *table.union_headers(), reason]
    width = len(headers) - 3
    pick = {"zh-hans": lambda p: p.zh, "en": lambda p: p.en}.get(language, str)
    rows = []
    for row, problem in bad_rows:
        cells = table.cells_by_union_header(row)
        rows.append([row.sheet, row.number, *cells[:width], pick(problem)])
    write_xlsx(str(target), headers, rows, sheet_title=title)
