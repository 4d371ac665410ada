"""Importer kind "suppliers": the town's supplier registry from the supply desk's sheet
(`linli import suppliers FILE --town NAME`, or the upload page).

A supplier is matched by name within the town, so a sheet imported twice changes nothing;
empty cells never blank out what is stored. Papers are matched by kind and number (or holder:
a vehicle's plate, a driver's name) and their expiry updated. A new supplier comes in pending
(待审核): vetting is the town staff's move on the registry page, never an import's. The
registry is the town's: only town staff import it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from linli.core.imports import BATCH, Column, Importer, Plan, Row
from linli.core.validators import Problem
from linli.places.models import Committee
from linli.supplies.models import Supplier, SupplierPaper
from linli.supplies.models.suppliers import Category
from linli.supplies.services_suppliers import clean_point

K = SupplierPaper.Kind
SEPARATORS = re.compile(r"[、,，;；/\s]+")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: .*)?$")
_PHONE = re.compile(r"^[0-9+\-() ]{5,30}$")

CATEGORIES = {
    "蔬菜": Category.VEGETABLES,
    "菜": Category.VEGETABLES,
    "蔬果": Category.VEGETABLES,
    "果蔬": Category.VEGETABLES,
    "肉禽蛋": Category.MEAT,
    "肉": Category.MEAT,
    "肉类": Category.MEAT,
    "禽蛋": Category.MEAT,
    "鸡蛋": Category.MEAT,
    "米面粮油": Category.GRAIN_OIL,
    "粮油": Category.GRAIN_OIL,
    "大米": Category.GRAIN_OIL,
    "米面": Category.GRAIN_OIL,
    "乳制品": Category.DAIRY,
    "牛奶": Category.DAIRY,
    "奶制品": Category.DAIRY,
    "医药用品": Category.MEDICAL,
    "医药": Category.MEDICAL,
    "药品": Category.MEDICAL,
    "防疫用品": Category.MEDICAL,
    "日用品": Category.DAILY,
    "日用百货": Category.DAILY,
    "生活用品": Category.DAILY,
    "母婴用品": Category.MATERNAL,
    "母婴": Category.MATERNAL,
    "奶粉": Category.MATERNAL,
    "其他": Category.OTHER,
    **{c.value: c for c in Category},
}
WHOLE_TOWN = {"全镇", "全街道", "全部", "不限", "全域"}

# (kind, number column, holder column or "", expiry column)
PAPER_COLUMNS = (
    (K.BUSINESS_LICENCE, "licence_no", "", "licence_until"),
    (K.FOOD_PERMIT, "food_permit_no", "", "food_permit_until"),
    (K.WHITELIST, "whitelist_no", "", "whitelist_until"),
    (K.VEHICLE_PASS, "vehicle_pass_no", "vehicle_plate", "vehicle_pass_until"),
    (K.DRIVER_TEST, "", "driver", "driver_test_until"),
)


def parse_day(text: str) -> dt.date | None:
    """2022-05-31, 2022/5/31, 2022.5.31, 2022年5月31日 (an Excel date cell reads as the first);
    empty is None."""
    text = text.strip()
    if not text:
        return None
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Problem(
            f"日期“{text}”无法识别，应为2022-05-31", f"date {text!r} not understood"
        ) from None
    if not 2000 <= day.year <= 2100:
        raise Problem(f"日期“{text}”不合理", f"date {text!r} is out of range")
    return day


def parse_categories(text: str) -> list[str]:
    found: list[str] = []
    for word in SEPARATORS.split(text.strip()):
        if not word:
            continue
        value = CATEGORIES.get(word) or CATEGORIES.get(word.lower())
        if value is None:
            known = "、".join(str(c.label) for c in Category)
            raise Problem(f"未知的供应品类“{word}”，可填：{known}", f"unknown category {word!r}")
        if value.value not in found:
            found.append(value.value)
    return [c.value for c in Category if c.value in found]


def parse_capacity(text: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > 1_000_000:
        raise Problem(
            f"日供应能力应为0到1000000的整数，不是“{text}”",
            f"daily capacity must be a whole number 0 to 1,000,000, not {text!r}",
        )
    return int(text)


def parse_phone(text: str) -> str:
    if text and not _PHONE.match(text):
        raise Problem(f"联系电话“{text}”无法识别", "the contact phone is not a phone number")
    return text


@dataclass
class PaperRecord:
    kind: str
    number: str
    holder: str
    expires_on: dt.date | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.number or self.holder)


@dataclass
class SupplierRecord:
    name: str
    categories: list[str]
    fields: dict[str, object]  # only the cells given
    area: list[int] | None  # committee ids; None: the cell was empty; []: the whole town
    papers: list[PaperRecord] = field(default_factory=list)


class SuppliersImporter(Importer):
    kind = "suppliers"
    label = "供应商"
    list_url = "supplies:suppliers"
    columns = [
        Column(
            "name",
            "供应商名称",
            synonyms=("名称", "企业名称", "单位名称", "供应商", "商家名称"),
            required=True,
            example="松江保供蔬菜有限公司",
        ),
        Column(
            "categories",
            "供应品类",
            synonyms=("品类", "经营品类", "供应类别", "物资类别", "经营范围"),
            required=True,
            example="蔬菜、米面粮油",
        ),
        Column(
            "daily_capacity",
            "日供应能力",
            synonyms=("日供应量", "每日可供单数", "供应能力", "日供应能力（单）"),
            example="500",
        ),
        Column("area", "配送范围", synonyms=("配送居委", "配送区域", "服务范围"), example="全镇"),
        Column("address", "地址", synonyms=("企业地址", "仓库地址", "经营地址")),
        Column("lat", "纬度", synonyms=("lat", "latitude")),
        Column("lon", "经度", synonyms=("lon", "lng", "longitude")),
        Column("contact_name", "联系人", synonyms=("负责人", "对接人")),
        Column("contact_phone", "联系电话", synonyms=("电话", "手机", "联系方式")),
        Column(
            "licence_no",
            "营业执照号",
            synonyms=("统一社会信用代码", "营业执照编号", "信用代码"),
            example="91310117MA1XXXXXX",
        ),
        Column(
            "licence_until",
            "营业执照有效期",
            synonyms=("营业执照有效期至", "执照有效期"),
            example="2030-12-31",
        ),
        Column("food_permit_no", "食品经营许可证号", synonyms=("食品许可证号", "食品经营许可证")),
        Column(
            "food_permit_until",
            "食品经营许可证有效期",
            synonyms=("食品许可证有效期", "食品许可有效期至"),
        ),
        Column("whitelist_no", "白名单编号", synonyms=("保供企业白名单", "白名单", "保供编号")),
        Column("whitelist_until", "白名单有效期", synonyms=("白名单有效期至",)),
        Column("vehicle_plate", "车牌号", synonyms=("车牌", "通行车辆", "车辆")),
        Column("vehicle_pass_no", "通行证号", synonyms=("车辆通行证号", "通行证编号", "通行证")),
        Column(
            "vehicle_pass_until", "通行证有效期", synonyms=("车辆通行证有效期", "通行证有效期至")
        ),
        Column("driver", "司机", synonyms=("驾驶员", "司机姓名")),
        Column(
            "driver_test_until",
            "司机核酸有效期",
            synonyms=("核酸有效期", "司机核酸检测有效期", "核酸有效期至"),
        ),
    ]

    def prepare(self) -> None:
        self.existing = {
            s.name: s
            for s in Supplier.objects.filter(town_id=self.town.pk).prefetch_related(
                "papers", "delivery_area"
            )
        }
        self.committees = dict(
            Committee.objects.filter(town_id=self.town.pk).values_list("name", "id")
        )

    def check_columns(self, present: set[str]) -> None:
        if self.committee is not None:
            raise Problem(
                "供应商名录由镇/街道统一管理，只有镇/街道工作人员可以导入",
                "the supplier registry is the town's: only town staff may import it",
            )

    def check_row(self, row: Row) -> SupplierRecord:
        name = row["name"].strip()[:100]
        self.unique(row, ("name", name), zh="供应商名称", en="supplier name")
        categories = row.clean("categories", "供应品类", parse_categories)
        fields: dict[str, object] = {}
        capacity = row.clean("daily_capacity", "日供应能力", parse_capacity)
        if capacity is not None:
            fields["daily_capacity"] = capacity
        for key in ("address", "contact_name"):
            if row[key]:
                fields[key] = row[key].strip()[: 200 if key == "address" else 50]
        phone = row.clean("contact_phone", "联系电话", parse_phone)
        if phone:
            fields["contact_phone"] = phone
        if row["lat"] or row["lon"]:
            try:
                fields["lat"], fields["lon"] = clean_point(row["lat"], row["lon"])
            except Problem:
                row.column = "纬度"
                raise
            if fields["lat"] is None or fields["lon"] is None:
                raise Problem("纬度和经度应同时填写", "give both latitude and longitude")
        area: list[int] | None = None
        if row["area"]:
            words = [w for w in SEPARATORS.split(row["area"]) if w]
            if any(w in WHOLE_TOWN for w in words):
                area = []
            else:
                unknown = [w for w in words if w not in self.committees]
                if unknown:
                    row.column = "配送范围"
                    raise Problem(
                        f"配送范围中的居委不存在：{'、'.join(unknown)}",
                        f"no such committee in the delivery area: {', '.join(unknown)}",
                    )
                area = sorted({self.committees[w] for w in words})
        papers = []
        for kind, number_col, holder_col, until_col in PAPER_COLUMNS:
            number = row[number_col].strip()[:100] if number_col else ""
            holder = row[holder_col].strip()[:100] if holder_col else ""
            label = next(c.label for c in self.columns if c.name == until_col)
            until = row.clean(until_col, label, parse_day)
            if number or holder or until:
                if until is None:
                    row.column = label
                    raise Problem(f"请填写{label}", f"give the {until_col.replace('_', ' ')}")
                papers.append(PaperRecord(kind, number, holder, until))
        return SupplierRecord(name, categories, fields, area, papers)

    def plan(self, records: list[SupplierRecord]) -> Plan:
        new: list[SupplierRecord] = []
        changed: list[tuple[Supplier, SupplierRecord, list[PaperRecord], list[SupplierPaper]]] = []
        unchanged = 0
        for record in records:
            supplier = self.existing.get(record.name)
            if supplier is None:
                new.append(record)
                continue
            dirty = record.categories != supplier.categories or any(
                _differs(getattr(supplier, k), v) for k, v in record.fields.items()
            )
            if record.area is not None:
                dirty |= sorted(c.pk for c in supplier.delivery_area.all()) != record.area
            held = {(p.kind, p.number or p.holder): p for p in supplier.papers.all()}
            added = [p for p in record.papers if p.key not in held]
            renewed = []
            for paper in record.papers:
                old = held.get(paper.key)
                if old is not None and old.expires_on != paper.expires_on:
                    old.expires_on = paper.expires_on
                    renewed.append(old)
            if dirty or added or renewed:
                changed.append((supplier, record, added, renewed))
            else:
                unchanged += 1
        return Plan(
            created=len(new),
            updated=len(changed),
            unchanged=unchanged,
            new={"供应商": [r.name for r in new]},
            payload=(new, changed),
        )

    def apply(self, plan: Plan) -> None:
        new, changed = plan.payload
        made = Supplier.objects.bulk_create(
            [
                Supplier(town_id=self.town.pk, name=r.name, categories=r.categories, **r.fields)
                for r in new
            ],
            batch_size=BATCH,
        )
        if made and made[0].pk is None:  # backends that return no keys
            by_name = dict(
                Supplier.objects.filter(
                    town_id=self.town.pk, name__in=[r.name for r in new]
                ).values_list("name", "pk")
            )
            for supplier in made:
                supplier.pk = by_name[supplier.name]
        papers: list[SupplierPaper] = []
        areas: list[object] = []
        through = Supplier.delivery_area.through
        for supplier, record in zip(made, new, strict=True):
            papers += [_paper(supplier.pk, p) for p in record.papers]
            areas += [through(supplier_id=supplier.pk, committee_id=c) for c in record.area or []]
        renewed: list[SupplierPaper] = []
        for done, (supplier, record, added, renewals) in enumerate(changed, start=1):
            supplier.categories = record.categories
            for key, value in record.fields.items():
                setattr(supplier, key, value)
            supplier.save()
            if record.area is not None:
                supplier.delivery_area.set(record.area)
            papers += [_paper(supplier.pk, p) for p in added]
            renewed += renewals
            self.progress(done, len(changed))
        SupplierPaper.objects.bulk_create(papers, batch_size=BATCH)
        SupplierPaper.objects.bulk_update(renewed, ["expires_on"], batch_size=BATCH)
        through.objects.bulk_create(areas, batch_size=BATCH)  # type: ignore[arg-type]


def _paper(supplier_id: int, paper: PaperRecord) -> SupplierPaper:
    return SupplierPaper(
        supplier_id=supplier_id,
        kind=paper.kind,
        number=paper.number,
        holder=paper.holder,
        expires_on=paper.expires_on,
    )


def _differs(stored: object, given: object) -> bool:
    if isinstance(stored, Decimal) and isinstance(given, Decimal):
        return stored.compare(given) != 0
    return stored != given
