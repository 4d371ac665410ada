"""The audit log read as sentences (审计日志): who did what to whom, in the reader's language.

The log itself stays as it was written, append-only: a machine summary and JSON detail per
entry. This module only reads it for the page: the actor, the action as a verb, the target by
its name as the reader's scope finds it (out of scope or gone: its kind and number), a status
change by its labels, and the detail's known facts in words. Long digit runs (phone and ID
numbers, which the log never should hold) are masked all the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from linli.core.masking import mask_numbers_in
from linli.core.models import AuditEntry

Action = AuditEntry.Action

VERBS = {
    Action.LOGIN: gettext_lazy("登录了系统"),
    Action.LOGIN_FAILED: gettext_lazy("登录失败"),
    Action.LOGOUT: gettext_lazy("退出了系统"),
    Action.CREATE: gettext_lazy("新增了"),
    Action.UPDATE: gettext_lazy("修改了"),
    Action.DELETE: gettext_lazy("删除了"),
    Action.REVEAL: gettext_lazy("查看了完整号码："),
    Action.EXPORT: gettext_lazy("导出了表格"),
    Action.IMPORT: gettext_lazy("导入了表格"),
}

# What a service's summary says it did, instead of the action's plain verb.
DEEDS = {
    "api token issued": gettext_lazy("签发了"),
    "api token revoked": gettext_lazy("撤销了"),
    "elder mode on": gettext_lazy("开启了适老化（大字）"),
    "elder mode off": gettext_lazy("关闭了适老化（大字）"),
    "move": gettext_lazy("办理了迁户："),
    "status": gettext_lazy("修改了状态："),
    "link login": gettext_lazy("关联了登录账号："),
    "team": gettext_lazy("调整了服务小组："),
    "team leader": gettext_lazy("指定了组长："),
    "pairing": gettext_lazy("建立了结对："),
    "pairing end": gettext_lazy("结束了结对："),
    "claim": gettext_lazy("提交了认领："),
    "help request assigned": gettext_lazy("指派了诉求："),
    "help request status link renewed": gettext_lazy("更新了进度链接："),
    "volunteer committee": gettext_lazy("调整了所属居委："),
    "phone search": gettext_lazy("按完整手机号查找了居民"),
}
DEED_PREFIXES = [
    ("duty end ", gettext_lazy("结束了包干：")),
    ("duty ", gettext_lazy("安排了包干：")),
    ("visit ", gettext_lazy("记录了走访：")),
    ("help request ", gettext_lazy("登记了")),
    ("team ", gettext_lazy("成立了")),
    ("volunteer ", gettext_lazy("登记了")),
    ("user ", gettext_lazy("新建了")),
    ("import rejects ", gettext_lazy("下载了导入的错误行")),
    ("admin: ", gettext_lazy("在管理后台修改了")),
]
# Kinds whose row has no name worth showing (a token): the kind alone.
NAMELESS = {"accounts.apitoken"}

FIELDS = {"phone": gettext_lazy("手机号"), "id_number": gettext_lazy("身份证号")}
VIA = {"command": gettext_lazy("命令行"), "upload": gettext_lazy("上传页面")}


@dataclass(frozen=True)
class Line:
    sentence: str
    facts: list[str]


def _masked(value: Any) -> str:
    return mask_numbers_in(str(value))


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def target_names(user: Any, entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """The names of the entries' targets that the reader's scope finds: one query per kind."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.target_type and entry.target_id.isdigit():
            wanted[entry.target_type].add(int(entry.target_id))
    names: dict[tuple[str, str], str] = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None or label in NAMELESS:
            continue
        # A row's name may follow its foreign keys (a duty's volunteer and place): join them.
        joined = [f.name for f in model._meta.concrete_fields if f.is_relation]
        rows = model._default_manager.select_related(*joined)
        if hasattr(rows, "visible_to"):
            rows = rows.visible_to(user)
        for pk, row in rows.in_bulk(ids).items():
            names[(label, str(pk))] = _masked(row)
    return names


def _status_label(model: type[models.Model] | None, value: Any) -> str:
    if model is not None:
        try:
            choices = dict(model._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
        except FieldDoesNotExist:
            choices = {}
        if value in choices:
            return str(choices[value])
    return _masked(value) if value not in (None, "") else "—"


def _facts(entry: AuditEntry) -> list[str]:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    facts = []
    if "file" in detail:
        facts.append(_("文件 %(name)s") % {"name": _masked(detail["file"])})
    if "rows" in detail:
        rows = int(detail["rows"] or 0)
        facts.append(ngettext("%(n)s 行", "%(n)s 行", rows) % {"n": rows})
    for key, label in (
        ("created", _("新增 %(n)s")),
        ("updated", _("更新 %(n)s")),
        ("held", _("待镇确认 %(n)s")),
        ("rejected", _("错误 %(n)s")),
    ):
        if detail.get(key):
            facts.append(label % {"n": detail[key]})
    if detail.get("field") in FIELDS:
        facts.append(str(FIELDS[detail["field"]]))
    if "residents" in detail and isinstance(detail["residents"], int):
        facts.append(_("找到 %(n)s 人") % {"n": detail["residents"]})
    if detail.get("search"):
        facts.append(_("查找 %(q)s") % {"q": _masked(detail["search"])})
    if detail.get("reason"):
        facts.append(_("理由：%(reason)s") % {"reason": _masked(detail["reason"])})
    if detail.get("via") in VIA:
        facts.append(_("经由%(via)s") % {"via": VIA[detail["via"]]})
    return facts


def describe(entry: AuditEntry, names: dict[tuple[str, str], str]) -> Line:
    """One entry as a sentence and a few facts, e.g. "kaiwu 把诉求「#3 就医配药」从「新诉求」
    改为「已接单」"."""
    who = entry.username or _("系统")
    if entry.action == Action.LOGIN_FAILED:
        who = _masked(entry.summary) if entry.summary else _("有人")
    model = _model(entry.target_type) if entry.target_type else None
    what = ""
    if entry.target_type:
        kind = str(model._meta.verbose_name) if model is not None else entry.target_type
        name = names.get((entry.target_type, entry.target_id))
        if entry.target_type in NAMELESS:
            what = kind
        elif name:
            what = _("%(kind)s「%(name)s」") % {"kind": kind, "name": name}
        else:
            what = _("%(kind)s #%(id)s") % {"kind": kind, "id": entry.target_id}
        if entry.user_id is not None and (entry.target_type, entry.target_id) == (
            "accounts.user",
            str(entry.user_id),
        ):
            what = "" if entry.summary in DEEDS else _("自己的账号")
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if entry.action == Action.UPDATE and "from" in detail and "to" in detail:
        sentence = _("%(who)s 把%(what)s从「%(from)s」改为「%(to)s」") % {
            "who": who,
            "what": what,
            "from": _status_label(model, detail["from"]),
            "to": _status_label(model, detail["to"]),
        }
        return Line(sentence, _facts(entry))
    sentence = _("%(who)s %(did)s%(what)s") % {"who": who, "did": _deed(entry), "what": what}
    return Line(sentence.strip(), _facts(entry))


def _deed(entry: AuditEntry) -> Any:
    if entry.action == Action.LOGIN_FAILED:
        return VERBS[Action.LOGIN_FAILED]
    if entry.summary in DEEDS:
        return DEEDS[entry.summary]
    if entry.action in (Action.CREATE, Action.UPDATE, Action.DELETE, Action.EXPORT):
        for prefix, deed in DEED_PREFIXES:
            if entry.summary.startswith(prefix) and (
                (entry.action == Action.EXPORT) == (prefix == "import rejects ")
            ):
                return deed
    return VERBS.get(entry.action, entry.action)  # type: ignore[call-overload]
