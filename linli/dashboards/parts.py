"""The parts of the daily briefing and the dashboards: ONE registry, `PARTS`.

Each part is an app's own report (`linli.core.reports`), named by its kind: the briefing's
JSON holds, under the part's key, exactly what `linli report KIND` prints for that town and
day; the dashboards show the same dict. What a part adds here is how to say its figures: the
labels of its keys (the dashboard's tiles, the xlsx rows), the sentence that states every
figure in words (the text a town pastes into a group chat), the sheet's name (the common
upward forms: 网格, 关爱, 配药, 物资, 筛查, 工地) and the page behind each figure.

Adding a part (screening, worksites) is a `say_…` function and one line in `PARTS`::

    Part("screening", "screening", _("筛查"), _("核酸筛查"), say_screening,
         labels={...}, link="screening:rounds", dated=True),
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.care.models import HelpRequest
from linli.duty.models import Volunteer
from linli.screening.models import Zone

Figures = dict[str, Any]


@dataclass(frozen=True)
class Part:
    key: str  # the briefing JSON's key
    report: str  # the app's report kind (`linli report KIND`)
    sheet: Any  # the xlsx sheet's name, as on the upward forms
    title: Any  # the heading on pages and in the text
    say: Callable[[Figures], str]  # every figure in words (Chinese when rendered in Chinese)
    labels: dict[str, Any] = field(default_factory=dict)  # figure key → label
    sublabels: Callable[[str, str], Any] | None = None  # (key, nested key) → label
    link: str = ""  # URL name of the list behind the part's figures
    links: dict[str, str] = field(default_factory=dict)  # figure key → URL name
    dated: bool = False  # the report takes --date (so yesterday can be rebuilt)
    audience: str = "staff"  # who sees the part on dashboards: staff, or "all" in scope
    # figure key → the place level it speaks of: not shown on a dashboard whose viewer's scope
    # does not reach that level (a building leader has no committee to count)
    levels: dict[str, str] = field(default_factory=dict)


def n(value: Any) -> str:
    """A figure as written: None (not the reader's to see) is a dash."""
    return "—" if value is None else str(value)


def yuan(fen: Any) -> str:
    if fen is None:
        return "—"
    return f"{fen // 100}.{fen % 100:02d}"


def listing(part: Part, key: str, values: dict[str, Any], unit: str) -> str:
    label = part.sublabels or (lambda _k, sub: sub)
    return "、".join(f"{label(key, sub)} {n(v)} {unit}" for sub, v in values.items())


# -- grid: `duty-coverage` ---------------------------------------------------------------------

GRID_LISTS = {
    "committees_without_second_secretary": gettext_lazy("未配第二书记的居委"),
    "buildings_without_leader": gettext_lazy("无楼组长的楼栋"),
    "special_residents_unpaired": gettext_lazy("未结对的特殊人群"),
    "volunteers_without_duty": gettext_lazy("未包干的志愿者"),
}


def _source_label(_key: str, code: str) -> Any:
    try:
        return Volunteer.Source(code).label
    except ValueError:
        return code


def say_grid(f: Figures) -> str:
    sources = "、".join(
        f"{_source_label('', code)} {n(v)} 人" for code, v in f["volunteers_by_source"].items()
    )
    gaps = "、".join(f"{label} {len(f.get(key) or [])}" for key, label in GRID_LISTS.items())
    return _(
        "第二书记 {second} 人覆盖 {covered} 个居委（共 {committees} 个）；在岗志愿者 {sources}；"
        "楼组长 {leaders} 人覆盖 {buildings_led} 栋楼（共 {buildings} 栋）；"
        "结对志愿者 {pairing} 人，特殊人群 {special} 人中已结对 {paired} 人；缺口：{gaps}。"
    ).format(
        second=n(f["second_secretaries"]),
        covered=n(f["committees_with_second_secretary"]),
        committees=n(f["committees"]),
        sources=sources,
        leaders=n(f["building_leaders"]),
        buildings_led=n(f["buildings_with_leader"]),
        buildings=n(f["buildings"]),
        pairing=n(f["pairing_volunteers"]),
        special=n(f["special_residents"]),
        paired=n(f["special_residents_paired"]),
        gaps=gaps,
    )


# -- care: `care` ------------------------------------------------------------------------------


def _care_label(key: str, code: str) -> Any:
    choices = HelpRequest.Category if key.endswith("category") else HelpRequest.Urgency
    try:
        return choices(code).label
    except ValueError:
        return code


def say_care(f: Figures) -> str:
    part = PART_BY_KEY["care"]
    return _(
        "在办诉求 {open} 件（{open_cat}；{open_urg}），其中超时 {overdue} 件（{late_cat}；"
        "{late_urg}）；当日新增 {opened} 件、办结 {closed} 件；特殊人群 {special} 人，"
        "应走访 {due} 人，当日已走访 {done} 人；结对 {pairings} 对，已结对特殊人群 {paired} 人。"
    ).format(
        open=n(f["open"]),
        open_cat=listing(part, "open_by_category", f["open_by_category"], _("件")),
        open_urg=listing(part, "open_by_urgency", f["open_by_urgency"], _("件")),
        overdue=n(f["overdue"]),
        late_cat=listing(part, "overdue_by_category", f["overdue_by_category"], _("件")),
        late_urg=listing(part, "overdue_by_urgency", f["overdue_by_urgency"], _("件")),
        opened=n(f["opened"]),
        closed=n(f["closed"]),
        special=n(f["special_residents"]),
        due=n(f["visits_due"]),
        done=n(f["visits_done"]),
        pairings=n(f["pairings"]),
        paired=n(f["paired_residents"]),
    )


# -- medicine: `medicine` ----------------------------------------------------------------------


def say_medicine(f: Figures) -> str:
    return _(
        "配药专班在岗 {team} 人（内场 {desk} 人、外场 {runners} 人）；当日配药需求 {requests} 单，"
        "排入路线 {planned} 单，已送达 {delivered} 单，顺延 {carried} 单；跑医院 {hospitals} 家，"
        "服务居委 {committees} 个，出车 {runs} 人次；医保卡在外 {cards} 张；"
        "垫付未还 {money} 元（{fen} 分）。"
    ).format(
        team=n(f["team"]),
        desk=n(f["desk"]),
        runners=n(f["runners"]),
        requests=n(f["requests"]),
        planned=n(f["planned"]),
        delivered=n(f["delivered"]),
        carried=n(f["carried_over"]),
        hospitals=n(f["hospitals"]),
        committees=n(f["committees_served"]),
        runs=len(f.get("per_runner") or {}),
        cards=n(f["cards_out"]),
        money=yuan(f["advances_open_fen"]),
        fen=n(f["advances_open_fen"]),
    )


# -- supplies: `supplies` ----------------------------------------------------------------------


def say_supplies(f: Figures) -> str:
    by_round = "、".join(
        _("{name} 未报 {n} 户").format(name=name, n=n(v))
        for name, v in f["rounds_missing_by_round"].items()
    )
    return _(
        "在发物资 {rounds} 轮，应发 {households} 户、已签收 {delivered} 户、未报 {missing} 户"
        "{by_round}；当日签收 {today} 户；团购接龙中 {gb_open} 个、当日到货 {gb_arrived} 个、"
        "当日结算 {gb_settled} 个；工地供货当日 {orders} 单、已送达 {orders_done} 单。"
    ).format(
        rounds=n(f["rounds_in_progress"]),
        households=n(f["rounds_households"]),
        delivered=n(f["rounds_delivered"]),
        missing=n(f["rounds_missing"]),
        by_round=f"（{by_round}）" if by_round else "",
        today=n(f["packages_delivered"]),
        gb_open=n(f["group_buys_open"]),
        gb_arrived=n(f["group_buys_arrived"]),
        gb_settled=n(f["group_buys_settled"]),
        orders=n(f["worksite_orders"]),
        orders_done=n(f["worksite_orders_delivered"]),
    )


# -- screening: `screening` --------------------------------------------------------------------


def _zone_label(_key: str, code: str) -> Any:
    try:
        return Zone(code).label
    except ValueError:
        return code


def say_screening(f: Figures) -> str:
    part = PART_BY_KEY["screening"]
    since = f["days_since_last_positive"]
    return _(
        "当日检测 {rounds} 轮（核酸 {pcr} 轮、抗原 {antigen} 轮），"
        "应检 {expected} 人，已检 {sampled} 人，未检 {missing} 人，阳性 {positives} 人；"
        "采样管 {tubes} 管，待出结果 {waiting} 管；"
        "新增病例 {new} 例，在管病例 {open} 例，混管阳性追踪中 {pools} 管；分区：{zones}；{since}。"
    ).format(
        rounds=n(f["rounds"]),
        pcr=n(f["pcr_rounds"]),
        antigen=n(f["antigen_rounds"]),
        expected=n(f["expected"]),
        sampled=n(f["sampled"]),
        missing=n(f["missing"]),
        positives=n(f["positives"]),
        tubes=n(f["tubes"]),
        waiting=n(f["tubes_waiting"]),
        new=n(f["cases_new"]),
        open=n(f["cases_open"]),
        pools=n(f["pools_open"]),
        zones=listing(part, "zones", f["zones"], _("个小区")),
        since=_("距最近一例阳性 {days} 天").format(days=since)
        if since is not None
        else _("尚无阳性"),
    )


# -- worksites: `worksites` --------------------------------------------------------------------


def say_worksites(f: Figures) -> str:
    sites = "；".join(
        _("{name} {workers} 人、检测 {rounds} 轮、最近一轮覆盖 {coverage}").format(
            name=site["name"],
            workers=n(site["workers"]),
            rounds=n(site["rounds"]),
            coverage=n(site["last_round_coverage"]),
        )
        for site in f["per_site"]
    )
    since = f["days_since_last_positive"]
    return _(
        "工地 {sites} 个，工人 {workers} 人（最多 {largest} 人，最少 {smallest} 人）；"
        "核酸 {pcr} 轮、抗原 {antigen} 轮，阳性 {positives} 例{since}。{per_site}"
    ).format(
        sites=n(f["worksites"]),
        workers=n(f["workers"]),
        largest=n(f["largest"]),
        smallest=n(f["smallest"]),
        pcr=n(f["pcr_rounds"]),
        antigen=n(f["antigen_rounds"]),
        positives=n(f["positives"]),
        since=_("，距最近一例阳性 {days} 天").format(days=since) if since is not None else "",
        per_site=_("各工地：{sites}。").format(sites=sites) if sites else "",
    )


PARTS: list[Part] = [
    Part(
        "grid",
        "duty-coverage",
        gettext_lazy("网格"),
        gettext_lazy("网格包干"),
        say_grid,
        labels={
            "committees": gettext_lazy("居委"),
            "committees_with_second_secretary": gettext_lazy("有第二书记的居委"),
            "second_secretaries": gettext_lazy("第二书记"),
            "volunteers_by_source": gettext_lazy("在岗志愿者"),
            "buildings": gettext_lazy("楼栋"),
            "buildings_with_leader": gettext_lazy("有楼组长的楼栋"),
            "building_leaders": gettext_lazy("楼组长"),
            "special_residents": gettext_lazy("特殊人群"),
            "special_residents_paired": gettext_lazy("已结对特殊人群"),
            "pairing_volunteers": gettext_lazy("结对志愿者"),
            **GRID_LISTS,
        },
        sublabels=_source_label,
        link="duty:coverage",
        audience="all",
        levels={
            "committees": "committee",
            "committees_with_second_secretary": "committee",
            "committees_without_second_secretary": "committee",
            "second_secretaries": "compound",
        },
    ),
    Part(
        "care",
        "care",
        gettext_lazy("关爱"),
        gettext_lazy("关爱帮扶"),
        say_care,
        labels={
            "open": gettext_lazy("在办诉求"),
            "open_by_category": gettext_lazy("在办诉求"),
            "open_by_urgency": gettext_lazy("在办诉求"),
            "overdue": gettext_lazy("超时诉求"),
            "overdue_by_category": gettext_lazy("超时诉求"),
            "overdue_by_urgency": gettext_lazy("超时诉求"),
            "opened": gettext_lazy("当日新增诉求"),
            "closed": gettext_lazy("当日办结诉求"),
            "special_residents": gettext_lazy("特殊人群"),
            "visits_due": gettext_lazy("应走访"),
            "visits_done": gettext_lazy("当日已走访"),
            "pairings": gettext_lazy("结对"),
            "paired_residents": gettext_lazy("已结对特殊人群"),
        },
        sublabels=_care_label,
        link="care:index",
        links={"visits_due": "care:coverage", "visits_done": "care:visits"},
        dated=True,
        audience="all",
    ),
    Part(
        "medicine",
        "medicine",
        gettext_lazy("配药"),
        gettext_lazy("配药专班"),
        say_medicine,
        labels={
            "team": gettext_lazy("专班在岗"),
            "desk": gettext_lazy("内场"),
            "runners": gettext_lazy("外场"),
            "hospitals": gettext_lazy("跑医院"),
            "committees_served": gettext_lazy("服务居委"),
            "requests": gettext_lazy("配药需求"),
            "planned": gettext_lazy("排入路线"),
            "delivered": gettext_lazy("已送达"),
            "carried_over": gettext_lazy("顺延"),
            "per_runner": gettext_lazy("出车人次"),
            "cards_out": gettext_lazy("医保卡在外"),
            "advances_open_fen": gettext_lazy("垫付未还（分）"),
        },
        link="medicine:desk",
        links={
            "team": "medicine:team",
            "desk": "medicine:team",
            "runners": "medicine:team",
            "hospitals": "medicine:hospitals",
            "per_runner": "medicine:print",
        },
        dated=True,
    ),
    Part(
        "supplies",
        "supplies",
        gettext_lazy("物资"),
        gettext_lazy("物资保障"),
        say_supplies,
        labels={
            "rounds_in_progress": gettext_lazy("在发轮次"),
            "rounds_households": gettext_lazy("应发户数"),
            "rounds_delivered": gettext_lazy("已签收户数"),
            "rounds_missing": gettext_lazy("未报户数"),
            "rounds_missing_by_round": gettext_lazy("未报户数"),
            "packages_delivered": gettext_lazy("当日签收"),
            "group_buys_open": gettext_lazy("团购接龙中"),
            "group_buys_arrived": gettext_lazy("团购当日到货"),
            "group_buys_settled": gettext_lazy("团购当日结算"),
            "worksite_orders": gettext_lazy("工地供货单"),
            "worksite_orders_delivered": gettext_lazy("工地已送达"),
        },
        link="supplies:rounds",
        links={
            "group_buys_open": "supplies:group_buys",
            "group_buys_arrived": "supplies:group_buys",
            "group_buys_settled": "supplies:group_buys",
            "worksite_orders": "supplies:worksites",
            "worksite_orders_delivered": "supplies:worksites",
        },
        dated=True,
        audience="all",
        levels={"worksite_orders": "committee", "worksite_orders_delivered": "committee"},
    ),
    Part(
        "screening",
        "screening",
        gettext_lazy("筛查"),
        gettext_lazy("核酸筛查"),
        say_screening,
        labels={
            "rounds": gettext_lazy("当日检测轮次"),
            "pcr_rounds": gettext_lazy("核酸轮次"),
            "antigen_rounds": gettext_lazy("抗原轮次"),
            "expected": gettext_lazy("应检"),
            "sampled": gettext_lazy("已检"),
            "missing": gettext_lazy("未检"),
            "positives": gettext_lazy("阳性"),
            "tubes": gettext_lazy("采样管"),
            "tubes_waiting": gettext_lazy("待出结果"),
            "cases_new": gettext_lazy("新增病例"),
            "cases_open": gettext_lazy("在管病例"),
            "pools_open": gettext_lazy("混管追踪中"),
            "zones": gettext_lazy("分区"),
            "days_since_last_positive": gettext_lazy("距最近阳性（天）"),
        },
        sublabels=_zone_label,
        link="screening:rounds",
        links={
            "cases_new": "screening:cases",
            "cases_open": "screening:cases",
            "pools_open": "screening:follow_ups",
            "zones": "screening:zone_board",
            "days_since_last_positive": "screening:zone_board",
        },
        dated=True,
        levels={"tubes": "town", "tubes_waiting": "town"},
    ),
    Part(
        "worksites",
        "worksites",
        gettext_lazy("工地"),
        gettext_lazy("工地防控"),
        say_worksites,
        labels={
            "worksites": gettext_lazy("工地"),
            "workers": gettext_lazy("工人"),
            "largest": gettext_lazy("最大工地人数"),
            "smallest": gettext_lazy("最小工地人数"),
            "pcr_rounds": gettext_lazy("核酸轮次"),
            "antigen_rounds": gettext_lazy("抗原轮次"),
            "positives": gettext_lazy("阳性"),
            "days_since_last_positive": gettext_lazy("距最近阳性（天）"),
            "per_site": gettext_lazy("工地"),
        },
        link="worksites:list",
    ),
]
PART_BY_KEY = {part.key: part for part in PARTS}
# Keys of a report that are about the report, not figures: not repeated as tiles or rows.
NOT_FIGURES = ("town", "date")


def label_of(part: Part, key: str, sub: str | None = None) -> str:
    label = str(part.labels.get(key, key))
    if sub is None:
        return label
    return f"{label}·{part.sublabels(key, sub) if part.sublabels else sub}"


def figure_rows(part: Part, figures: Figures) -> list[tuple[str, str, Any]]:
    """(key, label, value) of every figure in the report's order: a nested figure as
    `key.sub`, a list (names) as its length, never its items."""
    rows: list[tuple[str, str, Any]] = []
    for key, value in figures.items():
        if key in NOT_FIGURES:
            continue
        if isinstance(value, dict):
            if all(isinstance(v, int | None) for v in value.values()):
                rows.extend(
                    (f"{key}.{sub}", label_of(part, key, sub), v) for sub, v in value.items()
                )
            else:  # a dict of lists (a runner → their forms): how many
                rows.append((key, label_of(part, key), len(value)))
        elif isinstance(value, list):
            rows.append((key, label_of(part, key), len(value)))
        else:
            rows.append((key, label_of(part, key), value))
    return rows
