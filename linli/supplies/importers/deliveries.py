"""Importer kind "deliveries" (发放签收表): a delivery team's sheet marks a round's households.

`linli import deliveries FILE --town NAME --round NAME`; on the upload page, where no option is
given, the sheet names the round in a 发放轮次 column. Columns: 居委, 小区, 楼栋, 室号, 签收人,
时间, and optionally 结果 (已签收 by default; 无人 or 空置 for an exception) and 配送队伍 (the
building's assigned team by default).

- A household already marked as the row says is unchanged, so a sheet imported twice changes
  nothing; a move the delivery workflow does not allow (a resolved exception) is a row error.
- A room of a round's building that is not on the roster is added as not-on-roster (名册外) for
  the committee to resolve, with a warning; a building outside the round is a row error.
- Signed-for rows need the signer and a time not in the future (a blank time is the import's).
- A committee clerk's import reaches only their committee's rows.
The moves are the delivery workflow's (`DELIVERY_WORKFLOW`): the history rows are written in
bulk, with the engine's one audit entry for the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, SUGGESTED, Column, Importer, Plan, Row
from linli.core.validators import Problem
from linli.places.importers import BUILDING, COMMITTEE, COMPOUND, ROOM, building_name, room_name
from linli.supplies.models import (
    PackageDelivery,
    PackageDeliveryChange,
    PackageRound,
    RoundBuilding,
    RoundTeam,
)

D = PackageDelivery.Status
RESULTS = {
    "": D.DELIVERED,
    "已签收": D.DELIVERED,
    "签收": D.DELIVERED,
    "已送达": D.DELIVERED,
    "送达": D.DELIVERED,
    "已发放": D.DELIVERED,
    "delivered": D.DELIVERED,
    "无人": D.ABSENT,
    "无人在家": D.ABSENT,
    "不在家": D.ABSENT,
    "absent": D.ABSENT,
    "空置": D.VACANT,
    "空房": D.VACANT,
    "vacant": D.VACANT,
}
ROUND = Column("round", "发放轮次", ("轮次", "发放批次", "批次"), example="第一轮大礼包")
SIGNER = Column("signer", "签收人", ("签收", "领取人", "收件人"), example="张")
TIME = Column("time", "时间", ("签收时间", "送达时间", "发放时间"), example="2022-04-20 10:30")
RESULT = Column("result", "结果", ("发放结果", "状态", "情况"), example="已签收")
TEAM = Column("team", "配送队伍", ("队伍", "配送组", "配送人"), example="")
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


def parse_time(text: str, now: dt.datetime) -> dt.datetime:
    """A sheet's time: a date and time, a date (noon), or a time of today."""
    text = text.strip()
    if not text:
        return now
    local = timezone.localtime(now)
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            clock = dt.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
        return timezone.make_aware(dt.datetime.combine(local.date(), clock))
    for fmt in _FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt in ("%Y-%m-%d", "%Y/%m/%d"):
            parsed = parsed.replace(hour=12)
        return timezone.make_aware(parsed)
    raise Problem(
        f"时间“{text}”无法识别，请写成 2022-04-20 10:30",
        f"cannot read the time {text!r}; write it as 2022-04-20 10:30",
    )


@dataclass
class Mark:
    round_id: int
    delivery_id: int | None  # None: a room not on the roster, added
    building_id: int
    room: str
    status: str
    signer: str
    at: dt.datetime
    team_id: int | None
    source: str  # the delivery's status before


class DeliveriesImporter(Importer):
    kind = "deliveries"
    label = gettext_noop("发放签收表")
    columns = [
        ROUND,
        COMMITTEE,
        COMPOUND,
        Column(BUILDING.name, BUILDING.label, BUILDING.synonyms, required=True, example="1号楼"),
        Column(ROOM.name, ROOM.label, ROOM.synonyms, required=True, example="101"),
        SIGNER,
        TIME,
        RESULT,
        TEAM,
    ]
    options = [("round", gettext_noop("发放轮次名称 (the package round's name)"))]
    list_url = "supplies:rounds"

    @classmethod
    def suggestions(cls, option: str, town_id: int) -> list[str]:
        if option != "round":
            return []
        rounds = PackageRound.objects.filter(town_id=town_id)  # newest first
        return list(rounds.values_list("name", flat=True)[:SUGGESTED])

    def prepare(self) -> None:
        self.now = timezone.now()
        self.rounds: dict[str, PackageRound | None] = {}
        self.deliveries: dict[tuple[int, str, str, str, str], tuple[int, str, str]] = {}
        self.buildings: dict[tuple[int, str, str, str], tuple[int, int | None]] = {}
        self.teams: dict[tuple[int, str], int] = {}
        self.new_rooms: set[tuple[int, int, str]] = set()

    def check_columns(self, present: set[str]) -> None:
        if "round" not in self.params and "round" not in present:
            raise Problem(
                "请指定发放轮次（命令加 --round，或表格加“发放轮次”列）",
                "name the round: --round NAME, or a 发放轮次 column",
            )

    def _round(self, name: str) -> PackageRound:
        if name not in self.rounds:
            found = PackageRound.objects.filter(town_id=self.town.pk, name=name).first()
            self.rounds[name] = found
            if found is not None:
                self._load(found)
        package_round = self.rounds[name]
        if package_round is None:
            raise Problem(f"找不到发放轮次“{name}”", f"no package round named {name!r}")
        if package_round.status != PackageRound.Status.DELIVERING:
            raise Problem(f"发放轮次“{name}”不在配送中", f"the round {name!r} is not delivering")
        return package_round

    def _load(self, package_round: PackageRound) -> None:
        """The round's deliveries, buildings and teams by name: three queries per round."""
        rows = PackageDelivery.objects.filter(round=package_round).values_list(
            "id",
            "building__compound__committee__name",
            "building__compound__name",
            "building__name",
            "room",
            "status",
            "signer",
        )
        for pk, committee, compound, building, room, status, signer in rows.iterator():
            key = (package_round.pk, committee, compound, building, room)
            self.deliveries[key] = (pk, status, signer)
        for pk, committee, compound, building, team in RoundBuilding.objects.filter(
            round=package_round
        ).values_list(
            "building_id",
            "building__compound__committee__name",
            "building__compound__name",
            "building__name",
            "team_id",
        ):
            self.buildings[(package_round.pk, committee, compound, building)] = (pk, team)
        for pk, name in RoundTeam.objects.filter(round=package_round).values_list("id", "name"):
            self.teams[(package_round.pk, name)] = pk

    def check_row(self, row: Row) -> Mark | None:
        package_round = self._round(self.params.get("round") or row["round"])
        committee = row["committee"]
        if committee:
            self.check_committee(committee)
        elif self.committee is not None:
            committee = self.committee.name
        building, room = building_name(row["building"]), room_name(row["room"])
        place = self._building(package_round, committee, row["compound"], building)
        if place is None:
            row.column = BUILDING.label
            raise Problem(
                f"{row['compound']}{building}不在本轮发放范围内",
                f"{row['compound']} {building} is not in the round",
            )
        (committee_name, building_id, assigned_team) = place
        self.unique(
            row, (package_round.pk, building_id, room), zh="同一户", en="the same household"
        )
        result = row["result"].strip().lower()
        if result not in RESULTS:
            row.column = RESULT.label
            raise Problem(
                f"结果“{row['result']}”应为 已签收、无人 或 空置",
                f"result {row['result']!r} should be 已签收, 无人 or 空置",
            )
        status = RESULTS[result]
        at = row.clean("time", TIME.label, lambda t: parse_time(t, self.now))
        if at > self.now + dt.timedelta(minutes=5):
            row.column = TIME.label
            raise Problem("时间不能晚于现在", "the time is in the future")
        signer = row["signer"].strip()
        if status == D.DELIVERED and not signer:
            row.column = SIGNER.label
            raise Problem("已签收的需填写签收人", "a signed-for package needs the signer")
        if len(signer) > 50:
            raise Problem("签收人不超过50字", "the signer is longer than 50 characters")
        team_id = assigned_team
        if row["team"]:
            team_id = self.teams.get((package_round.pk, row["team"].strip()))
            if team_id is None:
                row.column = TEAM.label
                raise Problem(
                    f"本轮没有队伍“{row['team']}”", f"no team {row['team']!r} in the round"
                )
        key = (package_round.pk, committee_name, row["compound"], building, room)
        found = self.deliveries.get(key)
        if found is None:
            row.warn(
                Problem(
                    f"{building}{room}不在名册中，已记为名册外，请居委核实",
                    f"{building} {room} is not on the roster: recorded for the committee",
                )
            )
            return Mark(package_round.pk, None, building_id, room, status, signer, at, team_id, "")
        pk, current, current_signer = found
        if current == D.NOT_ON_ROSTER:  # reported before; the committee resolves it
            return Mark(
                package_round.pk, pk, building_id, room, current, signer, at, team_id, current
            )
        if current == status and (status != D.DELIVERED or current_signer == signer):
            return Mark(
                package_round.pk, pk, building_id, room, status, signer, at, team_id, status
            )
        from linli.supplies.services_rounds import DELIVERY_WORKFLOW

        if (current, status) not in DELIVERY_WORKFLOW.table:
            raise Problem(
                f"{building}{room}当前为“{D(current).label}”，不能改为“{D(status).label}”",
                f"{building} {room} is {current}; it cannot become {status}",
            )
        return Mark(package_round.pk, pk, building_id, room, status, signer, at, team_id, current)

    def _building(
        self, package_round: PackageRound, committee: str, compound: str, building: str
    ) -> tuple[str, int, int | None] | None:
        if committee:
            found = self.buildings.get((package_round.pk, committee, compound, building))
            return (committee, *found) if found else None
        matches = [
            (k[1], *v)
            for k, v in self.buildings.items()
            if k[0] == package_round.pk and k[2] == compound and k[3] == building
        ]
        return matches[0] if len(matches) == 1 else None

    def plan(self, records: list[Mark]) -> Plan:
        changes = [m for m in records if m.delivery_id is None or m.source != m.status]
        added = [m for m in changes if m.delivery_id is None]
        return Plan(
            created=len(added),
            updated=len(changes) - len(added),
            unchanged=len(records) - len(changes),
            payload=changes,
        )

    def apply(self, plan: Plan) -> None:
        marks: list[Mark] = plan.payload
        user = self.user if self.user is not None and self.user.pk else None
        history: list[PackageDeliveryChange] = []
        reason = f"import {self.file_name}"[:300]
        for done, mark in enumerate(marks, start=1):
            delivered = mark.status == D.DELIVERED
            fields: dict[str, Any] = {
                "status": mark.status if mark.delivery_id else D.NOT_ON_ROSTER,
                "marked_by": user,
                "signer": mark.signer if delivered else "",
                "delivered_at": mark.at if delivered else None,
                "team_id": mark.team_id if delivered else None,
            }
            if mark.delivery_id is None:
                made = PackageDelivery.objects.create(
                    town_id=self.town.pk,
                    round_id=mark.round_id,
                    building_id=mark.building_id,
                    room=mark.room,
                    note=reason[:200],
                    **fields,
                )
                history.append(self._change(made.pk, "", D.NOT_ON_ROSTER, user, mark.at, reason))
            else:
                PackageDelivery.objects.filter(pk=mark.delivery_id).update(**fields)
                history.append(
                    self._change(mark.delivery_id, mark.source, mark.status, user, mark.at, reason)
                )
            if done % BATCH == 0:
                self.progress(done, len(marks))
        PackageDeliveryChange.objects.bulk_create(history, batch_size=BATCH)

    @staticmethod
    def _change(
        pk: int, source: str, target: str, user: Any, at: dt.datetime, reason: str
    ) -> PackageDeliveryChange:
        return PackageDeliveryChange(
            delivery_id=pk, from_status=source, to_status=target, by=user, at=at, reason=reason
        )
