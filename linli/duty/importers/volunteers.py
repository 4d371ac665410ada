"""Importer kind "volunteers": identified by phone number within the town, so a roster
imported twice changes nothing; empty cells never blank out what is stored, skills only add.

A committee clerk's import matches only their committee's volunteers: a phone number of a
volunteer registered in another committee is held as a transfer request for the town office
(linli.places.transfers), never moved and never named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, Column, Importer, Plan, Row
from linli.core.pinyin import initials
from linli.core.validators import (
    EXAMPLE_ID_NUMBER,
    EXAMPLE_PHONE,
    Problem,
    normalise_phone,
    parse_id_number,
)
from linli.duty.models import Duty, Team, Volunteer
from linli.places.models import Committee, Resident, TransferRequest
from linli.places.transfers import transfers_hold

GENDERS = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F"}
SEPARATORS = re.compile(r"[、,，;；/\s]+")
PHONE_SYNONYMS = ("联系电话", "电话", "手机", "手机号码", "联系方式", "电话号码")
ID_SYNONYMS = ("身份证号码", "证件号码", "身份证", "公民身份号码", "证件号")
COMMITTEE_SYNONYMS = ("居委", "居民区", "居委会", "村居委", "社区", "报到居委", "报到社区")

SOURCES = {
    "报到党员": Volunteer.Source.REPORTED_PARTY_MEMBER,
    "在职党员": Volunteer.Source.REPORTED_PARTY_MEMBER,
    "在职党员报到": Volunteer.Source.REPORTED_PARTY_MEMBER,
    "双报到": Volunteer.Source.REPORTED_PARTY_MEMBER,
    "下沉干部": Volunteer.Source.DISPATCHED_CADRE,
    "机关干部": Volunteer.Source.DISPATCHED_CADRE,
    "下沉": Volunteer.Source.DISPATCHED_CADRE,
    "居民志愿者": Volunteer.Source.RESIDENT_VOLUNTEER,
    "志愿者": Volunteer.Source.RESIDENT_VOLUNTEER,
    "居民": Volunteer.Source.RESIDENT_VOLUNTEER,
    "社工": Volunteer.Source.STAFF,
    "居委干部": Volunteer.Source.STAFF,
    "社工/居委干部": Volunteer.Source.STAFF,
    "居委工作人员": Volunteer.Source.STAFF,
    **{s.value: s.value for s in Volunteer.Source},
}
TEAMS = {
    "就医配药": Team.Function.MEDICINE,
    "配药": Team.Function.MEDICINE,
    "就医": Team.Function.MEDICINE,
    "巡视宣传": Team.Function.PATROL,
    "巡视": Team.Function.PATROL,
    "宣传": Team.Function.PATROL,
    "巡逻": Team.Function.PATROL,
    "物资配送": Team.Function.DELIVERY,
    "配送": Team.Function.DELIVERY,
    "核酸采样": Team.Function.SAMPLING,
    "采样": Team.Function.SAMPLING,
    "核酸": Team.Function.SAMPLING,
    "物资消杀": Team.Function.DISINFECTION,
    "消杀": Team.Function.DISINFECTION,
    "运输": Team.Function.TRANSPORT,
    "转运": Team.Function.TRANSPORT,
    **{f.value: f.value for f in Team.Function},
}
POSTS = {
    "组织员": Volunteer.Post.ORGANISER,
    "生活员": Volunteer.Post.LIVELIHOOD,
    "卫生员": Volunteer.Post.HEALTH,
    **{p.value: p.value for p in Volunteer.Post},
}
LEADER_POSTS = {"组长", "小组长", "队长", "负责人"}
SKILLS = {
    "医护": Volunteer.Skill.MEDICAL,
    "医生": Volunteer.Skill.MEDICAL,
    "护士": Volunteer.Skill.MEDICAL,
    "医疗": Volunteer.Skill.MEDICAL,
    "驾驶": Volunteer.Skill.DRIVING,
    "司机": Volunteer.Skill.DRIVING,
    "心理疏导": Volunteer.Skill.PSYCHOLOGY,
    "心理": Volunteer.Skill.PSYCHOLOGY,
    "信息录入": Volunteer.Skill.IT,
    "电脑": Volunteer.Skill.IT,
    "方言": Volunteer.Skill.DIALECT,
    "外语": Volunteer.Skill.DIALECT,
    "翻译": Volunteer.Skill.DIALECT,
    **{s.value: s.value for s in Volunteer.Skill},
}
DUTY_KINDS = {
    "第二书记": Duty.Kind.SECOND_SECRETARY,
    "楼组长": Duty.Kind.BUILDING_LEADER,
    "党员楼组长": Duty.Kind.BUILDING_LEADER,
    "党员第二楼组长": Duty.Kind.BUILDING_LEADER,
    "第二楼组长": Duty.Kind.BUILDING_LEADER,
    "楼组成员": Duty.Kind.BUILDING_TEAM_MEMBER,
    "楼组志愿者": Duty.Kind.BUILDING_TEAM_MEMBER,
    "楼道志愿者": Duty.Kind.BUILDING_TEAM_MEMBER,
    "包邻里": Duty.Kind.NEIGHBOUR_KEEPER,
    "邻里守望": Duty.Kind.NEIGHBOUR_KEEPER,
    "包户": Duty.Kind.NEIGHBOUR_KEEPER,
    **{k.value: k.value for k in Duty.Kind},
}
NOT_PARTY = ("非", "群众", "团员", "民主党派", "无党派", "否", "无")


def lookup(table: dict[str, str], text: str, zh: str, en: str) -> str:
    found = table.get(text.strip()) or table.get(text.strip().lower())
    if found is None:
        known = "、".join(k for k in table if not k.isascii())
        raise Problem(f"未知的{zh}“{text}”，可填：{known}", f"unknown {en} {text!r}")
    return found


def is_party(text: str) -> bool | None:
    """政治面貌: 中共党员 / 预备党员 / 是 → True; 群众, 共青团员, 否 … → False; empty → None."""
    text = text.strip()
    if not text:
        return None
    if any(word in text for word in NOT_PARTY):
        return False
    return "党员" in text or text.lower() in {"是", "y", "yes", "true", "1"}


def committees_by_name(town_id: int) -> dict[str, int]:
    return dict(Committee.objects.filter(town_id=town_id).values_list("name", "id"))


@dataclass(slots=True)
class VolunteerRecord:
    phone: str
    name: str
    gender: str
    id_number: str | None
    party: bool | None
    source: str
    committee_id: int
    team: str
    post: str
    leads_team: bool
    skills: list[str] = field(default_factory=list)


class VolunteersImporter(Importer):
    """Volunteers (志愿者) with their committee, team and post; identified by phone number."""

    kind = "volunteers"
    label = gettext_noop("志愿者名册")
    list_url, committee_url = "duty:index", "duty:committee"
    columns = (
        Column("name", "姓名", ("名字", "志愿者姓名"), required=True, example="李四"),
        Column("gender", "性别", example="女"),
        Column("phone", "手机号", PHONE_SYNONYMS, required=True, example=EXAMPLE_PHONE),
        Column("id_number", "身份证号", ID_SYNONYMS, example=EXAMPLE_ID_NUMBER),
        Column("politics", "政治面貌", ("是否党员", "党员"), example="中共党员"),
        Column("source", "来源", ("志愿者来源", "志愿者类型", "类别", "身份"), example="报到党员"),
        Column("committee", "所属居委", COMMITTEE_SYNONYMS, example="新凯五村"),
        Column(
            "team", "服务小组", ("小组", "服务队", "志愿服务队", "服务类别"), example="物资配送"
        ),
        Column("post", "岗位", ("职务", "分工"), example="生活员"),
        Column("skills", "技能", ("特长", "专长")),
    )

    def prepare(self) -> None:
        self.committees = committees_by_name(self.town.pk)
        self.default_committee = self.committee.name if self.committee is not None else ""
        fields = ["id", "phone", "name", "gender", "id_number", "is_party_member", "source"]
        fields += ["committee_id", "team_id", "post", "skills"]
        self.by_phone = {
            v["phone"]: v for v in Volunteer.objects.filter(town_id=self.town.pk).values(*fields)
        }
        self.teams = {
            (t.committee_id, t.function): t.pk for t in Team.objects.filter(town_id=self.town.pk)
        }

    def check_columns(self, present: set[str]) -> None:
        if "committee" not in present and not self.default_committee:
            raise Problem("缺少必需的列：所属居委", "required column missing: committee")

    def check_row(self, row: Row) -> VolunteerRecord:
        name = row["name"].strip()
        if len(name) > 50:
            raise Problem("姓名过长（最多50字）", "the name is longer than 50 characters")
        phone = row.clean("phone", "手机号", normalise_phone)
        self.unique(row, ("phone", phone), zh="手机号", en="phone number")
        gender = ""
        if row["gender"]:
            gender = row.clean("gender", "性别", lambda v: lookup(GENDERS, v, "性别", "gender"))
        id_number = None
        if row["id_number"]:
            info = row.clean("id_number", "身份证号", parse_id_number)
            if gender and gender != info.gender:
                row.column = "性别"
                raise Problem("性别与身份证号不符", "the gender contradicts the ID number")
            id_number, gender = info.number, info.gender
        party = is_party(row["politics"])
        if row["source"]:
            source = row.clean("source", "来源", lambda v: lookup(SOURCES, v, "来源", "source"))
        else:
            source = (
                Volunteer.Source.REPORTED_PARTY_MEMBER
                if party
                else Volunteer.Source.RESIDENT_VOLUNTEER
            )
        committee = row["committee"].strip() or self.default_committee
        if not committee:
            row.column = "所属居委"
            raise Problem("缺少所属居委", "missing committee")
        row.clean("committee", "所属居委", lambda _: self.check_committee(committee))
        if committee not in self.committees:
            row.column = "所属居委"
            raise Problem(f"居委“{committee}”不存在", f"no committee {committee!r} in the town")
        team = ""
        if row["team"]:
            team = row.clean("team", "服务小组", lambda v: lookup(TEAMS, v, "服务小组", "team"))
        post, leads = "", False
        if row["post"].strip() in LEADER_POSTS:
            leads = True
        elif row["post"]:
            post = row.clean("post", "岗位", lambda v: lookup(POSTS, v, "岗位", "post"))
        if leads and not team:
            row.column = "岗位"
            raise Problem("组长需填写服务小组", "a team leader needs a team")
        skills = [
            row.clean("skills", "技能", lambda _, s=s: lookup(SKILLS, s, "技能", "skill"))
            for s in SEPARATORS.split(row["skills"])
            if s
        ]
        return VolunteerRecord(
            phone,
            name,
            gender,
            id_number,
            party,
            source,
            self.committees[committee],
            team,
            post,
            leads,
            sorted(set(skills)),
        )

    def _changes(self, rec: VolunteerRecord, old: dict[str, Any]) -> dict[str, Any]:
        """The fields a row would change; empty cells change nothing, skills only add."""
        new: dict[str, Any] = {
            "name": rec.name,
            "committee_id": rec.committee_id,
            "source": rec.source,
            "gender": rec.gender,
            "id_number": rec.id_number,
            "is_party_member": rec.party,
            "post": rec.post,
        }
        changes = {k: v for k, v in new.items() if v not in ("", None) and old[k] != v}
        skills = sorted(set(old["skills"]) | set(rec.skills))
        if skills != sorted(old["skills"]):
            changes["skills"] = skills
        return changes

    def plan(self, records: list[VolunteerRecord]) -> Plan:
        plan = Plan(payload=([], [], []))
        new_teams: set[tuple[int, str]] = set()
        own = self.committee.pk if self.committee is not None else None
        for rec in records:
            old = self.by_phone.get(rec.phone)
            if old is not None and own is not None and old["committee_id"] != own:
                plan.payload[2].append((old, rec))
                plan.held += 1
                continue
            if rec.team and (rec.committee_id, rec.team) not in self.teams:
                new_teams.add((rec.committee_id, rec.team))
            if old is None:
                plan.payload[0].append(rec)
                plan.created += 1
                continue
            changes = self._changes(rec, old)
            team_changes = (
                rec.team and self.teams.get((rec.committee_id, rec.team)) != old["team_id"]
            )
            if changes or team_changes or rec.leads_team:
                plan.payload[1].append((old, rec, changes))
            if changes or team_changes:
                plan.updated += 1
            else:
                plan.unchanged += 1
        names = {pk: name for name, pk in self.committees.items()}
        plan.new = {
            gettext_noop("服务小组"): [
                f"{names[c]}/{Team.Function(f).label}" for c, f in sorted(new_teams)
            ],
        }
        return plan

    def apply(self, plan: Plan) -> None:
        new, changed, held = plan.payload
        transfers_hold(
            TransferRequest(
                town_id=self.town.pk,
                kind=TransferRequest.Kind.VOLUNTEER,
                subject_id=old["id"],
                name=rec.name,
                from_committee_id=old["committee_id"],
                to_committee_id=rec.committee_id,
                file_name=self.file_name,
                requested_by=self.user,
            )
            for old, rec in held
        )
        wanted = {(r.committee_id, r.team) for r in new if r.team}
        wanted |= {(r.committee_id, r.team) for _o, r, _c in changed if r.team}
        teams = [
            Team(town_id=self.town.pk, committee_id=c, function=f)
            for c, f in sorted(wanted - set(self.teams))
        ]
        for team in Team.objects.bulk_create(teams, batch_size=BATCH):
            self.teams[(team.committee_id, team.function)] = team.pk
        residents = self._residents(new)
        volunteers = [
            Volunteer(
                town_id=self.town.pk,
                committee_id=r.committee_id,
                resident_id=residents.get(r.id_number or "") or residents.get((r.name, r.phone)),
                team_id=self.teams.get((r.committee_id, r.team)),
                name=r.name,
                name_initials=initials(r.name),
                gender=r.gender,
                phone=r.phone,
                id_number=r.id_number,
                is_party_member=bool(r.party),
                source=r.source,
                post=r.post,
                skills=r.skills,
                status=Volunteer.Status.ACTIVE,
            )
            for r in new
        ]
        created = Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
        self.progress(len(created), len(new) + len(changed))
        leaders: dict[int, int] = {}
        for volunteer, rec in zip(created, new, strict=True):
            if rec.leads_team:
                leaders[self.teams[(rec.committee_id, rec.team)]] = volunteer.pk
        updates = []
        for old, rec, changes in changed:
            team_id = self.teams.get((rec.committee_id, rec.team)) if rec.team else old["team_id"]
            if changes or team_id != old["team_id"]:
                changes = {**changes, "team_id": team_id}
                updates.append(Volunteer(pk=old["id"], **{**_old_fields(old), **changes}))
            if rec.leads_team and team_id is not None:
                leaders[team_id] = old["id"]
        fields = ["name", "committee_id", "source", "gender", "id_number", "is_party_member"]
        fields += ["post", "skills", "team_id"]
        Volunteer.objects.bulk_update(updates, fields, batch_size=BATCH)
        for team_id, volunteer_id in leaders.items():
            Team.objects.filter(pk=team_id).update(leader_id=volunteer_id)

    def _residents(self, records: list[VolunteerRecord]) -> dict[Any, int]:
        """Registry records of new volunteers living in the town: by ID number, by name+phone."""
        found: dict[Any, int] = {}
        residents = Resident.objects.filter(town_id=self.town.pk)
        if self.committee is not None:  # never link a person the uploader may not see
            residents = residents.filter(household__building__compound__committee=self.committee)
        id_numbers = [r.id_number for r in records if r.id_number]
        phones = [r.phone for r in records]
        for start in range(0, max(len(id_numbers), len(phones)), 500):
            chunk = id_numbers[start : start + 500]
            rows = residents.filter(id_number__in=chunk)
            found.update(rows.values_list("id_number", "id"))
            rows = residents.filter(phone__in=phones[start : start + 500])
            found.update(((n, p), pk) for n, p, pk in rows.values_list("name", "phone", "id"))
        return found


def _old_fields(old: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in old.items() if k not in ("id", "phone")}
