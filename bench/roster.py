"""The import bench's roster: an xlsx as a committee clerk sends it, made by a small generator
of the bench's own (nothing of the project's, so the project's bugs cannot agree with it)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

# -- the roster (the bench's own generator; nothing of the project's) --------------------------

HEADERS = ["序号", "居民区", "小区", "楼号", "房号", "姓名", "性别", "身份证号码", "联系电话"]
HEADERS += ["特殊人群", "备注"]
# Common surnames, most frequent first (roughly the 2020 census order), and given-name characters.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾"
)
GIVEN_M = "伟强磊军勇杰涛明超刚平辉建国志华文斌鹏飞宇浩俊峰海波德明兴根龙福荣林成"
GIVEN_F = "芳娜秀英敏静丽艳娟霞兰玉红桂珍凤琴云莲洁梅琳燕萍婷雪慧颖佳怡欣彤"
# Residential compounds of a Songjiang suburb town, by committee (invented, typical names).
COMPOUNDS = {
    "泗泾一村": ["梧桐苑", "青枫苑"],
    "泗泾二村": ["芙蓉苑", "月季苑"],
    "鼓浪": ["鼓浪新村", "鼓浪花园"],
    "安方": ["安方小区"],
    "望东": ["望东新苑", "望东公寓"],
    "华亭": ["华亭苑", "华亭雅居"],
    "三号桥": ["三号桥小区"],
    "开江": ["开江新村", "开江名邸"],
    "洞泾港": ["洞泾港小区", "港湾花园"],
    "崇福": ["崇福苑"],
    "沪松": ["沪松新村", "沪松锦园"],
    "方塔": ["方塔小区"],
}
# Region codes of the first six digits: Songjiang and central Shanghai, and the hometowns of many
# migrant residents (Anhui, Jiangsu, Henan, Sichuan, Jiangxi).
REGIONS = ["310227", "310117", "310104", "310110", "340823", "320583", "412726", "510823"]
PHONE_PREFIXES = ["130", "133", "135", "136", "138", "139", "150", "152", "158", "159", "177"]
PHONE_PREFIXES += ["180", "186", "187", "189", "199"]
CARE = ["独居老人", "高龄老人", "慢性病", "残疾人", "血透", "孕产妇", "低保"]


def check_character(body: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2): weights 2^(17-i) mod 11; sum mod 11 picks the char."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    return "10X98765432"[total % 11]


def roster_rows(n: int, seed: int = 88031) -> list[list[object]]:
    """n resident rows, household by household, as a clerk's sheet holds them."""
    rng = random.Random(seed)
    surname_weights = [1 / (i + 4) for i in range(len(SURNAMES))]
    places = [(c, p) for c, compounds in COMPOUNDS.items() for p in compounds]
    bodies: set[str] = set()
    phones: set[int] = set()
    rows: list[list[object]] = []
    household = 0
    while len(rows) < n:
        committee, compound = places[household % len(places)]
        index = household // len(places)
        building = index // 24 + 1
        room = (index % 24 // 4 + 1) * 100 + index % 4 + 1  # six floors, four rooms a floor
        household += 1
        surname = rng.choices(SURNAMES, surname_weights)[0]
        for member in range(min(rng.choice((1, 2, 2, 3, 3, 3, 4, 5)), n - len(rows))):
            male = rng.random() < 0.5
            given = GIVEN_M if male else GIVEN_F
            family = surname if member != 1 else rng.choices(SURNAMES, surname_weights)[0]
            name = family + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
            born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(92 * 365))
            while True:
                serial = rng.randrange(500) * 2 + male
                body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{serial:03d}"
                if body not in bodies:
                    bodies.add(body)
                    break
            phone: object = ""
            if rng.random() < (0.5 if born.year < 1945 else 0.95) and born.year < 2010:
                while (
                    mobile := int(f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}")
                ) in phones:
                    pass
                phones.add(mobile)
                phone = mobile
            care = ""
            if born.year < 1942:
                care = "高龄老人"
            if rng.random() < 0.05:
                care = "、".join(dict.fromkeys(filter(None, [care, rng.choice(CARE)])))
            note = rng.choice(["", "", "", "", "", "", "", "", "租户", "外出未归"])
            number = body + check_character(body)
            gender = "男" if male else "女"
            rows.append([len(rows) + 1, committee, compound, building, room, name, gender])
            rows[-1] += [number, phone, care, note]
    return rows


def write_xlsx(
    path: Path, headers: list[object], rows: list[list[object]], title: str | None
) -> None:
    """An xlsx as Excel saves it (written with XlsxWriter in constant-memory mode)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("花名册")
    start = 0
    if title:
        ws.write_string(0, 0, title)
        start = 1
    ws.write_row(start, 0, headers)
    for i, row in enumerate(rows, start=start + 1):
        for j, value in enumerate(row):
            if isinstance(value, str):
                if value:
                    ws.write_string(i, j, value)
            else:
                ws.write_number(i, j, value)
    wb.close()


def build_roster(rows: int, workdir: Path) -> Path:
    path = workdir / f"roster-v2-{rows}.xlsx"
    if not path.exists():
        write_xlsx(path, list(HEADERS), roster_rows(rows), title="泗泾镇居民花名册（2022年4月）")
    return path
