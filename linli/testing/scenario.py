"""The base scenario every test starts from.

Town 泗泾镇 has two committees. 新凯五村 holds compound 香樟苑 with buildings 1号楼 and 2号楼;
丽水 holds compound 丽水苑 with 1号楼. Each building has two households with residents, some
with care tags. Logins: `town` (town staff), `kaiwu` (新凯五村 staff), `lishui` (丽水 staff) and
`charlie` (a login with no role and so no scope). Later issues add building leaders and paired
volunteers to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linli.accounts.models import User
from linli.core.pinyin import initials
from linli.core.validators import id_check_digit
from linli.places.models import Building, CareTag, Committee, Compound, Household, Resident, Town

PASSWORD = "linli-test-pw"  # noqa: S105 - the test logins' password


def make_id_number(region: str = "310117", birth: str = "19450312", seq: int = 123) -> str:
    """A valid 18-digit ID number (odd sequence → male)."""
    body = f"{region}{birth}{seq:03d}"
    return body + id_check_digit(body)


@dataclass
class Scenario:
    town: Town
    kaiwu: Committee
    lishui: Committee
    xiangzhang: Compound
    lishuiyuan: Compound
    b1: Building
    b2: Building
    lb1: Building
    households: dict[str, Household] = field(default_factory=dict)
    residents: dict[str, Resident] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    volunteers: dict[str, Any] = field(default_factory=dict)  # set by build_grid_scenario


def build_scenario() -> Scenario:
    town = Town.objects.create(name="泗泾镇")
    kaiwu = Committee.objects.create(town=town, name="新凯五村")
    lishui = Committee.objects.create(town=town, name="丽水")
    xiangzhang = Compound.objects.create(town=town, committee=kaiwu, name="香樟苑")
    lishuiyuan = Compound.objects.create(town=town, committee=lishui, name="丽水苑")
    b1 = Building.objects.create(town=town, compound=xiangzhang, name="1号楼")
    b2 = Building.objects.create(town=town, compound=xiangzhang, name="2号楼")
    lb1 = Building.objects.create(town=town, compound=lishuiyuan, name="1号楼")
    s = Scenario(town, kaiwu, lishui, xiangzhang, lishuiyuan, b1, b2, lb1)
    for key, building, room in [
        ("b1_101", b1, "101"),
        ("b1_102", b1, "102"),
        ("b2_101", b2, "101"),
        ("b2_201", b2, "201"),
        ("lb1_101", lb1, "101"),
        ("lb1_301", lb1, "301"),
    ]:
        s.households[key] = Household.objects.create(town=town, building=building, room=room)
    # Migration places 0002 seeds the built-in tags, but a transactional (browser) test's flush
    # removes them for the next one.
    from linli.places.services import BUILTIN_CARE_TAGS

    for code, name in BUILTIN_CARE_TAGS:
        CareTag.objects.get_or_create(town=None, name=name, defaults={"code": code})
    tags = {t.name: t for t in CareTag.objects.filter(town=None)}
    people = [
        # key, household, name, birth, seq, phone, tags
        ("zhang", "b1_101", "张三丰", "19380412", 131, "13812345678", ["独居老人", "高龄老人"]),
        ("li", "b1_102", "李秀英", "19560708", 242, "13912345601", ["血透"]),
        ("wang", "b2_101", "王建国", "19700101", 351, "13712345602", []),
        ("zhao", "b2_201", "赵丽华", "19920215", 462, "13612345603", ["孕产妇"]),
        ("chen", "lb1_101", "陈国强", "19400808", 571, "13512345604", ["慢性病"]),
        ("liu", "lb1_301", "刘小红", "19881111", 682, "13412345605", []),
    ]
    for key, hh, name, birth, seq, phone, tag_names in people:
        id_number = make_id_number(birth=birth, seq=seq)
        resident = Resident.objects.create(
            town=town,
            household=s.households[hh],
            name=name,
            name_initials=initials(name),
            id_number=id_number,
            gender="M" if seq % 2 else "F",
            phone=phone,
        )
        resident.care_tags.set([tags[t] for t in tag_names])
        s.residents[key] = resident
    for username, role, committee in [
        ("town", User.Role.TOWN_STAFF, None),
        ("kaiwu", User.Role.COMMITTEE_STAFF, kaiwu),
        ("lishui", User.Role.COMMITTEE_STAFF, lishui),
        ("charlie", "", None),
    ]:
        s.users[username] = User.objects.create_user(
            username=username, password=PASSWORD, role=role, town=town, committee=committee
        )
    return s


def build_grid_scenario(s: Scenario) -> Scenario:
    """The responsibility grid on top of the base scenario (issue 3). Volunteers with logins:
    alice leads 香樟苑 1号楼; bob is second secretary of compound 香樟苑; dave is paired with
    陈国强 (丽水); erin keeps household 香樟苑 2号楼 201. Each login's username is their name,
    `s.volunteers[name]` their volunteer record; charlie still has nothing."""
    from linli.duty.models import Duty, Pairing, Volunteer

    people = [
        # key, committee, name, phone, source
        ("alice", s.kaiwu, "艾丽丝", "13900000001", Volunteer.Source.REPORTED_PARTY_MEMBER),
        ("bob", s.kaiwu, "鲍勃", "13900000002", Volunteer.Source.DISPATCHED_CADRE),
        ("dave", s.lishui, "戴维", "13900000004", Volunteer.Source.REPORTED_PARTY_MEMBER),
        ("erin", s.kaiwu, "艾琳", "13900000005", Volunteer.Source.RESIDENT_VOLUNTEER),
    ]
    volunteers = {}
    for key, committee, name, phone, source in people:
        user = User.objects.create_user(
            username=key, password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
        )
        s.users[key] = user
        volunteers[key] = Volunteer.objects.create(
            town=s.town,
            committee=committee,
            user=user,
            name=name,
            name_initials=initials(name),
            phone=phone,
            is_party_member=source != Volunteer.Source.RESIDENT_VOLUNTEER,
            source=source,
        )
    s.volunteers = volunteers
    common = {"town": s.town, "committee": s.kaiwu, "compound": s.xiangzhang}
    Duty.objects.create(
        volunteer=volunteers["alice"], kind=Duty.Kind.BUILDING_LEADER, building=s.b1, **common
    )
    Duty.objects.create(volunteer=volunteers["bob"], kind=Duty.Kind.SECOND_SECRETARY, **common)
    Duty.objects.create(
        volunteer=volunteers["erin"],
        kind=Duty.Kind.NEIGHBOUR_KEEPER,
        building=s.b2,
        household=s.households["b2_201"],
        **common,
    )
    Pairing.objects.create(town=s.town, volunteer=volunteers["dave"], resident=s.residents["chen"])
    return s
