"""Notice templates (通知模板), filled from the data: the sender picks a template and its object,
edits the text, sends. Each returns (title, body, suggested scope) from rows the sender sees.

- sampling (核酸采样安排): a test round's time slots in building order, "明天 7:00 起
  按楼栋顺序核酸：香樟苑1号楼 7:00–8:00；香樟苑2号楼 8:00–9:00。…";
- package round (物资发放): what each package holds, how many buildings and packages;
- group buy (团购到货): arrival (or the day expected) and the collection slots by building;
- zone (分区调整): a compound's zone from a day, until when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone, translation

from linli.core.validators import Problem
from linli.notices.models import Notice

if TYPE_CHECKING:
    from linli.accounts.models import User

T = Notice.Template


@dataclass(frozen=True)
class Filled:
    title: str
    body: str
    scope: str  # a Notice.Scope
    place_id: int | None  # the compound (or committee) the scope names, or None: the town


def day_word(day: dt.date, today: dt.date | None = None) -> str:
    """今天, 明天, 后天, or 12月9日."""
    today = today or timezone.localdate()
    words = {0: "今天", 1: "明天", 2: "后天"}
    return words.get((day - today).days, f"{day.month}月{day.day}日")


def _hm(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.hour}:{local.minute:02d}"


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def sampling(round_: Any) -> Filled:
    """A test round's slots, by time then building order."""
    slots = list(
        round_.slots.select_related("building__compound").order_by(
            "starts_at", "building__compound_id", "building__sort_key", "floor_from"
        )
    )
    if not slots:
        raise Problem("该轮次还没有排楼栋时段", "the round has no time slots yet")
    day = day_word(timezone.localtime(slots[0].starts_at).date())
    parts = []
    for slot in slots:
        floors = ""
        if slot.floor_from and slot.floor_to:
            floors = f"{slot.floor_from}–{slot.floor_to}层"
        where = f"{slot.building.compound}{slot.building}{floors}"
        parts.append(f"{where} {_hm(slot.starts_at)}–{_hm(slot.ends_at)}")
    kind = "核酸" if round_.kind == "pcr" else "抗原检测"
    body = (
        f"{day} {_hm(slots[0].starts_at)} 起按楼栋顺序{kind}：" + "；".join(parts) + "。"
        "请按时下楼，戴好口罩，保持一米间距，带好手机健康码。"
    )
    compounds = {slot.building.compound_id for slot in slots}
    scope, place = (
        (Notice.Scope.COMPOUND, compounds.pop()) if len(compounds) == 1 else ("town", None)
    )
    return Filled(f"{day}{kind}安排（{round_.name}）", body, scope, place)


def package_round(round_: Any) -> Filled:
    buildings = round_.buildings.count()
    packages = round_.buildings.aggregate(n=Sum("packages"))["n"] or 0
    contents = f"（{round_.contents}）" if round_.contents else ""
    body = (
        f"{round_.name}{contents}共 {buildings} 栋楼、{packages} 包，"
        "由志愿者按楼栋送到门口，请在家等候，无需下楼领取。"
    )
    return Filled(f"物资发放：{round_.name}", body, Notice.Scope.TOWN, None)


def group_buy(gb: Any) -> Filled:
    if gb.arrived_at:
        arrived = timezone.localtime(gb.arrived_at)
        when = f"已于 {arrived.month}月{arrived.day}日 {_hm(gb.arrived_at)} 到达小区门口"
        if gb.disinfected_at:
            when += "，已消杀"
    else:
        when = f"预计 {_md(gb.delivery_on)} 送达"
    slots = list(gb.slots.select_related("building").order_by("starts_at", "building__sort_key"))
    compounds = list(gb.compounds.order_by("pk"))
    body = f"{gb.compound_names}「{gb.title}」{when}。"
    if slots:
        body += (
            "请按楼栋分时段领取："
            + "；".join(
                f"{slot.building} {_hm(slot.starts_at)}–{_hm(slot.ends_at)}" for slot in slots
            )
            + "。"
        )
    body += "领取时戴好口罩，不聚集。"
    if len(compounds) == 1:
        return Filled(f"团购到货：{gb.title}", body, Notice.Scope.COMPOUND, compounds[0].pk)
    # Over several compounds (of one committee): the committee's notice.
    return Filled(f"团购到货：{gb.title}", body, Notice.Scope.COMMITTEE, gb.committee_id)


ZONE_ADVICE = {
    "sealed": "封控区内足不出户，服务上门。",
    "controlled": "管控区内人不出小区，严禁聚集。",
    "precaution": "防范区内强化社会面管控，严格限制人员聚集。",
}


def zone(assignment: Any) -> Filled:
    # The notice's text is Chinese whatever the sender's page language (the other templates'
    # words are written in Chinese; this one comes from the zone's label).
    with translation.override(settings.LANGUAGE_CODE):
        label = str(assignment.get_zone_display())
    body = f"{assignment.compound}自{_md(assignment.effective_from)}起为{label}"
    if assignment.release_on:
        body += f"，如无新增阳性，预计{_md(assignment.release_on)}解除"
    body += "。" + ZONE_ADVICE.get(assignment.zone, "")
    title = f"分区调整：{assignment.compound}为{label}"
    return Filled(title, body, Notice.Scope.COMPOUND, assignment.compound_id)


def objects_for(user: User, template: str) -> list[tuple[int, str]]:
    """The objects a sender may fill a template from: (id, label), newest first."""
    rows = _rows(user, template)
    return [(obj.pk, _label(template, obj)) for obj in rows[:50]]


def _rows(user: User, template: str) -> Any:
    from linli.core.access import scope_for
    from linli.screening.models import TestRound, ZoneAssignment
    from linli.supplies.models import GroupBuy, PackageRound

    if template == T.SAMPLING:
        return TestRound.objects.visible_to(user).distinct().order_by("-date", "-id")
    if template == T.PACKAGE_ROUND:
        return PackageRound.objects.visible_to(user).distinct().order_by("-created_at", "-id")
    if template == T.GROUP_BUY:
        return GroupBuy.objects.visible_to(user).order_by("-delivery_on", "-id")
    if template == T.ZONE:
        scope = scope_for(user)
        rows = ZoneAssignment.objects.select_related("compound").order_by("-effective_from", "-id")
        if scope.all_towns:
            return rows
        if scope.ids["town"]:
            return rows.filter(town_id__in=sorted(scope.ids["town"]))
        return rows.filter(compound__committee_id__in=sorted(scope.ids["committee"]))
    return []


def _label(template: str, obj: Any) -> str:
    if template == T.ZONE:
        return f"{obj.compound} {obj.get_zone_display()} {_md(obj.effective_from)}"
    if template == T.GROUP_BUY:
        return f"{obj.compound_names} {obj.title}"
    return str(obj)


FILLERS = {
    T.SAMPLING: sampling,
    T.PACKAGE_ROUND: package_round,
    T.GROUP_BUY: group_buy,
    T.ZONE: zone,
}


def fill(user: User, template: str, object_id: int) -> Filled:
    """The template filled from one object the user sees (a Problem when it is not there)."""
    filler = FILLERS.get(template)  # type: ignore[call-overload]
    if filler is None:
        raise Problem("未知模板", "unknown template")
    obj = _rows(user, template).filter(pk=object_id).first()
    if obj is None:
        raise Problem("找不到该对象", "no such object")
    return filler(obj)  # type: ignore[no-any-return]
