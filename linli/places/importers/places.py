"""Importer kind "places": committees, compounds (with their kind), buildings, households.

The town's places are preloaded into dicts keyed by names (`PlaceIndex`), rows are checked in
plain Python, and what is missing is created in bulk, level by level. The residents importer
shares the address columns and the index.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext_noop

from linli.core.imports import BATCH, Column, Importer, Plan, Row, insert_rows
from linli.core.validators import Problem
from linli.places.models import Building, Committee, Compound, Household

COMMITTEE = Column(
    "committee",
    "居委",
    ("居民区", "村居委", "居委会", "村委会", "居村委", "社区", "所属居委"),
    example="新凯五村",
)
COMPOUND = Column(
    "compound",
    "小区",
    ("小区名称", "小区名", "防控点", "小区/防控点"),
    required=True,
    example="香樟苑",
)
BUILDING = Column("building", "楼栋", ("楼号", "楼栋号", "幢", "栋", "楼"), example="1号楼")
ROOM = Column("room", "室号", ("房号", "门牌号", "房间号", "室", "户号", "门牌"), example="101")

KINDS = {
    "住宅小区": Compound.Kind.RESIDENTIAL,
    "住宅": Compound.Kind.RESIDENTIAL,
    "小区": Compound.Kind.RESIDENTIAL,
    "工地": Compound.Kind.WORKSITE,
    "企业": Compound.Kind.ENTERPRISE,
    "农场": Compound.Kind.FARM,
    **{k.value: k.value for k in Compound.Kind},
}
Address = tuple[str, str, str, str]  # committee, compound, building, room
Point = tuple[Decimal, Decimal]  # latitude, longitude (WGS-84 decimal degrees)


@lru_cache(maxsize=4096)
def building_name(text: str) -> str:
    """Building "1" or "1号" is "1号楼", the registry's spelling; anything else stays as written."""
    if text.isdigit():
        return f"{int(text)}号楼"
    if text.endswith("号") and text[:-1].isdigit():
        return f"{int(text[:-1])}号楼"
    return text


@lru_cache(maxsize=16384)
def room_name(text: str) -> str:
    """Room "101室" is "101"."""
    return text[:-1] if text.endswith("室") and len(text) > 1 else text


def _degrees(text: str, label: str, limit: int, en: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("°"))
    except InvalidOperation:
        raise Problem(f"{label}不是数字：{text}", f"the {en} is not a number: {text!r}") from None
    if not value.is_finite() or not -limit <= value <= limit:
        raise Problem(f"{label}超出范围：{text}", f"the {en} is out of range: {text!r}")
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def compound_point(row: Row) -> Point | None:
    """经度/纬度 (longitude/latitude, WGS-84 decimal degrees) when given: both or neither."""
    lon_text, lat_text = row.values.get("lon", ""), row.values.get("lat", "")
    if not lon_text and not lat_text:
        return None
    if not (lon_text and lat_text):
        raise Problem("经度和纬度须同时填写", "give both longitude and latitude")
    lat = row.clean("lat", "纬度", lambda t: _degrees(t, "纬度", 90, "latitude"))
    lon = row.clean("lon", "经度", lambda t: _degrees(t, "经度", 180, "longitude"))
    return (lat, lon)


def max_len(value: str, limit: int, zh: str, en: str) -> str:
    if len(value) > limit:
        raise Problem(f"{zh}过长（最多{limit}字）", f"the {en} is longer than {limit} characters")
    return value


class PlaceIndex:
    """The town's places by name, and the ones an import would add (created in `create`)."""

    def __init__(self, town_id: int | None) -> None:
        self.town_id = town_id
        self.committees: dict[str, int] = {}
        self.compounds: dict[tuple[str, str], int] = {}
        self.kinds: dict[tuple[str, str], str] = {}
        self.points: dict[tuple[str, str], Point] = {}
        self.buildings: dict[tuple[str, str, str], int] = {}
        self.households: dict[Address, int] = {}
        self.new_committees: dict[str, None] = {}
        self.new_compounds: dict[tuple[str, str], str] = {}
        self.new_buildings: dict[tuple[str, str, str], None] = {}
        self.new_households: dict[Address, None] = {}
        if town_id is None:
            return
        self.committees = dict(Committee.objects.filter(town_id=town_id).values_list("name", "id"))
        for pk, name, kind, committee, lat, lon in Compound.objects.filter(
            town_id=town_id
        ).values_list("id", "name", "kind", "committee__name", "lat", "lon"):
            self.compounds[(committee, name)] = pk
            self.kinds[(committee, name)] = kind
            if lat is not None and lon is not None:
                self.points[(committee, name)] = (lat, lon)
        for pk, name, compound, committee in Building.objects.filter(town_id=town_id).values_list(
            "id", "name", "compound__name", "compound__committee__name"
        ):
            self.buildings[(committee, compound, name)] = pk
        rows = Household.objects.filter(town_id=town_id).values_list(
            "id",
            "room",
            "building__name",
            "building__compound__name",
            "building__compound__committee__name",
        )
        for pk, room, building, compound, committee in rows:
            self.households[(committee, compound, building, room)] = pk

    def need(self, address: Address, kind: str = "") -> bool:
        """Note the places an address needs; True when any of them is new."""
        committee, compound, building, room = address
        new = False
        if committee not in self.committees:
            self.new_committees[committee] = None
            new = True
        if (committee, compound) not in self.compounds:
            self.new_compounds.setdefault((committee, compound), kind or Compound.Kind.RESIDENTIAL)
            new = True
        if building and (committee, compound, building) not in self.buildings:
            self.new_buildings[(committee, compound, building)] = None
            new = True
        if room and address not in self.households:
            self.new_households[address] = None
            new = True
        return new

    def new_names(self) -> dict[str, list[str]]:
        return {
            gettext_noop("居委"): list(self.new_committees),
            gettext_noop("小区"): ["/".join(k) for k in self.new_compounds],
            gettext_noop("楼栋"): ["/".join(k) for k in self.new_buildings],
            gettext_noop("户"): ["/".join(k) for k in self.new_households],
        }

    def create(self, town_id: int) -> None:
        """Create the new places, level by level, learning their ids."""
        objs = [Committee(town_id=town_id, name=n) for n in self.new_committees]
        for committee in Committee.objects.bulk_create(objs, batch_size=BATCH):
            self.committees[committee.name] = committee.pk
        compounds = [
            Compound(town_id=town_id, committee_id=self.committees[c], name=n, kind=kind)
            for (c, n), kind in self.new_compounds.items()
        ]
        Compound.objects.bulk_create(compounds, batch_size=BATCH)
        for key, compound in zip(self.new_compounds, compounds, strict=True):
            self.compounds[key] = compound.pk
        buildings = [
            Building(town_id=town_id, compound_id=self.compounds[(c, p)], name=n)
            for (c, p, n) in self.new_buildings
        ]
        Building.objects.bulk_create(buildings, batch_size=BATCH)
        for bkey, building in zip(self.new_buildings, buildings, strict=True):
            self.buildings[bkey] = building.pk
        rows = [(town_id, self.buildings[(c, p, b)], r) for (c, p, b, r) in self.new_households]
        ids = insert_rows(Household, ["town_id", "building_id", "room"], rows)
        self.households.update(zip(self.new_households, ids, strict=True))


class AddressImporter(Importer):
    """What both kinds share: the committee rule and the address columns."""

    def prepare(self) -> None:
        self.places = PlaceIndex(self.town.pk)
        self.default_committee = self.committee.name if self.committee is not None else ""

    def check_columns(self, present: set[str]) -> None:
        if "committee" not in present and not self.default_committee:
            raise Problem("缺少必需的列：居委", "required column missing: committee")

    def address(self, row: Row, *, need_room: bool) -> Address:
        v = row.values
        committee = v.get("committee", "") or self.default_committee
        if not committee:
            row.column = "居委"
            raise Problem("缺少居委", "missing committee")
        if self.committee is not None and committee != self.committee.name:
            row.column = "居委"
            self.check_committee(committee)
        compound = v.get("compound", "")
        building = building_name(v.get("building", ""))
        room = room_name(v.get("room", ""))
        if need_room and not (building and room):
            raise Problem("缺少楼栋或室号", "missing building or room")
        if room and not building:
            raise Problem("有室号但缺少楼栋", "a room without a building")
        if len(committee) > 50 or len(compound) > 50 or len(building) > 50 or len(room) > 30:
            max_len(committee, 50, "居委名", "committee name")
            max_len(compound, 50, "小区名", "compound name")
            max_len(building, 50, "楼栋名", "building name")
            max_len(room, 30, "室号", "room")
        return (committee, compound, building, room)


class PlacesImporter(AddressImporter):
    """Committees, compounds (with their kind), buildings and households (居委/小区/楼栋/户)."""

    kind = "places"
    label = gettext_noop("地点（居委、小区、楼栋、户）")
    columns = (
        COMMITTEE,
        COMPOUND,
        BUILDING,
        ROOM,
        Column("kind", "类型", ("小区类型", "类别", "性质"), example="住宅小区"),
        Column("lon", "经度", ("longitude", "lng", "东经"), example="121.265000"),
        Column("lat", "纬度", ("latitude", "北纬"), example="31.123400"),
    )
    may_create_town = True
    list_url = "places:compounds"

    def prepare(self) -> None:
        super().prepare()
        self.file_kinds: dict[tuple[str, str], tuple[str, int]] = {}
        self.file_points: dict[tuple[str, str], tuple[Point, int]] = {}

    def check_row(self, row: Row) -> tuple[Address, str, Point | None]:
        address = self.address(row, need_room=False)
        point = compound_point(row)
        if point is not None:
            first_point, first_row = self.file_points.setdefault(address[:2], (point, row.number))
            if first_point != point:
                raise Problem(
                    f"坐标与第{first_row}行不一致", f"the coordinates differ from row {first_row}"
                )
        kind = ""
        if row["kind"]:
            kind = KINDS.get(row["kind"].lower(), "")
            if not kind:
                row.column = "类型"
                raise Problem(
                    f"未知的类型“{row['kind']}”，应为住宅小区、工地、企业或农场",
                    f"unknown kind {row['kind']!r}; use 住宅小区, 工地, 企业 or 农场",
                )
            first_kind, first_row = self.file_kinds.setdefault(address[:2], (kind, row.number))
            if first_kind != kind:
                raise Problem(
                    f"类型与第{first_row}行不一致", f"the kind differs from row {first_row}"
                )
        return address, kind, point

    def plan(self, records: list[tuple[Address, str, Point | None]]) -> Plan:
        plan = Plan()
        kind_changes: dict[tuple[str, str], str] = {}
        point_changes: dict[tuple[str, str], Point] = {}
        for address, kind, point in records:
            key = address[:2]
            moved = point is not None and self.places.points.get(key) != point
            if moved and point is not None:
                point_changes[key] = point
            if self.places.need(address, kind):
                plan.created += 1
            elif (kind and self.places.kinds.get(key, kind) != kind) or moved:
                if kind and self.places.kinds.get(key, kind) != kind:
                    kind_changes[key] = kind
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.new = self.places.new_names()
        plan.payload = (kind_changes, point_changes)
        return plan

    def apply(self, plan: Plan) -> None:
        self.places.create(self.town.pk)
        kind_changes, point_changes = plan.payload
        changed = [
            Compound(pk=self.places.compounds[key], kind=kind) for key, kind in kind_changes.items()
        ]
        Compound.objects.bulk_update(changed, ["kind"], batch_size=BATCH)
        # Compound coordinates (经度/纬度, WGS-84) for the medicine team's runs.
        placed = [
            Compound(pk=self.places.compounds[key], lat=lat, lon=lon)
            for key, (lat, lon) in point_changes.items()
        ]
        Compound.objects.bulk_update(placed, ["lat", "lon"], batch_size=BATCH)
