"""The tables the demo town is drawn from: places, names, hometowns, rates.

Everything here is synthetic. The town is modelled on Sijing (泗泾镇, Songjiang district,
Shanghai) in spring 2022: relocation estates (动迁房) of the 新凯 neighbourhoods, 1990s walk-up
新村, newer commercial high-rises, four villages with hamlets and migrant renters, and a few
worksites, a factory and a farm. Committee names 新凯三村 (香樟苑), 新凯四村 (玉兰苑), 新凯五村
and 丽水 follow the seed article; the rest are invented but typical.
"""

from __future__ import annotations

# --- Places ----------------------------------------------------------------------------------

TOWN_NAME = "泗泾镇"

# Compound eras decide the building type and who lives there:
#   old        1990s 新村: 5–7 floor walk-ups, buildings "12号", elderly locals and renters
#   relocation 2005–2012 动迁房: mostly walk-ups, some 11–14 floor blocks, families moved out of
#              the city centre and local farmers whose land was taken
#   commercial 2010s 商品房: 18–30 floor towers, buildings "12号楼", young families from anywhere
RESIDENTIAL: list[tuple[str, list[tuple[str, str, int]]]] = [
    ("新凯一村", [("紫薇苑", "relocation", 60), ("合欢苑", "relocation", 39)]),
    ("新凯二村", [("海棠苑", "relocation", 52), ("石榴苑", "relocation", 36)]),
    ("新凯三村", [("香樟苑", "relocation", 57), ("银杏苑", "relocation", 44)]),
    ("新凯四村", [("玉兰苑", "relocation", 60), ("桂花苑", "relocation", 34)]),
    ("新凯五村", [("紫藤苑", "relocation", 52), ("丁香苑", "relocation", 39)]),
    ("丽水", [("丽水苑", "commercial", 34), ("丽水馨庭", "commercial", 18)]),
    ("江川", [("江川新村", "old", 83)]),
    ("张泾", [("张泾新村", "old", 65), ("泗泾新苑", "old", 36)]),
    ("横港", [("横港小区", "old", 60), ("横港公寓", "old", 18)]),
    ("新南", [("新南小区", "old", 75)]),
    ("景港", [("景港花园", "commercial", 26), ("景港新村", "old", 52)]),
    ("中心路", [("中心路小区", "old", 47), ("古楼公寓", "old", 23)]),
    ("泗宝", [("泗宝新村", "old", 68)]),
    ("古楼", [("古楼新村", "old", 57)]),
    ("合乐", [("合乐苑", "commercial", 23), ("云锦华庭", "commercial", 21)]),
    ("塘泾", [("塘泾花园", "commercial", 21), ("塘泾南苑", "relocation", 39)]),
    ("泗通", [("泗通新村", "old", 57)]),
    ("叶星", [("叶星小区", "old", 49), ("明中路公房", "old", 16)]),
    ("润江", [("润江花苑", "commercial", 26), ("润江花园", "commercial", 21)]),
    ("新龙", [("新龙苑", "relocation", 47), ("泗泾世纪苑", "commercial", 23)]),
]

# Villages (村委会): hamlets (自然村宅) act as compounds, village groups (村民小组) as buildings,
# houses as households. Each hamlet: (name, number of village groups).
VILLAGES: list[tuple[str, list[tuple[str, int]]]] = [
    ("张施村", [("沈家宅", 4), ("陆家宅", 3), ("东浜", 3)]),
    ("中西村", [("顾家宅", 4), ("西宅", 3)]),
    ("周家浜村", [("周家浜", 4), ("北港", 3)]),
    ("高家村", [("高家宅", 4), ("南庄", 3)]),
]

# Non-residential control points: (committee, name, kind, dormitory blocks, rooms per block).
# The worksites span the sizes of the seed article's (from 238 workers down to 9).
WORKSITES: list[tuple[str, str, str, int, int]] = [
    ("新南", "泗泾站综合开发项目工地", "worksite", 3, 10),
    ("泗通", "九干路商业地块工地", "worksite", 2, 8),
    ("张施村", "张施路保障房项目工地", "worksite", 1, 7),
    ("新凯四村", "新凯路雨污管网改造工地", "worksite", 1, 1),
    ("高家村", "上海泗泾精密电子有限公司", "enterprise", 2, 12),
    ("中西村", "中西村蔬菜种植基地", "farm", 1, 8),
]
TRADES = ["钢筋工", "木工", "泥瓦工", "架子工", "电工", "焊工", "水电工", "普工", "普工", "普工"]
ENTERPRISE_JOBS = ["操作工", "操作工", "操作工", "质检员", "仓管员", "技术员", "班组长"]

# --- Hometowns -------------------------------------------------------------------------------
# An ID number carries the region code valid where and when it was first issued (1985 for
# people born before, else the birth year); codes were renumbered when counties were merged or
# moved, so each place is a chain of (code, first year). All codes are in GB/T 2260.

PLACES: dict[str, list[tuple[str, int]]] = {
    # Shanghai
    "松江": [("310227", 0), ("310117", 1998)],
    "黄浦": [("310101", 0)],
    "卢湾": [("310103", 0), ("310101", 2012)],
    "徐汇": [("310104", 0)],
    "长宁": [("310105", 0)],
    "静安": [("310106", 0)],
    "普陀": [("310107", 0)],
    "闸北": [("310108", 0), ("310106", 2016)],
    "虹口": [("310109", 0)],
    "杨浦": [("310110", 0)],
    "闵行": [("310112", 0)],
    # Anhui
    "临泉": [("342122", 0), ("341221", 1996)],
    "太和": [("342123", 0), ("341222", 1996)],
    "颍上": [("342128", 0), ("341226", 1996)],
    "怀远": [("340321", 0)],
    "金寨": [("342426", 0), ("341524", 1999)],
    "霍邱": [("342423", 0), ("341522", 1999)],
    # Jiangsu
    "阜宁": [("320923", 0)],
    "涟水": [("320826", 0)],
    "沭阳": [("320823", 0), ("321322", 1996)],
    "泗阳": [("320825", 0), ("321323", 1996)],
    # Henan
    "罗山": [("413028", 0), ("411521", 1998)],
    "商城": [("413027", 0), ("411524", 1998)],
    "固始": [("413026", 0), ("411525", 1998)],
    "淮阳": [("412727", 0), ("411626", 2000), ("411603", 2019)],
    "太康": [("412724", 0), ("411627", 2000)],
    # Sichuan, Chongqing
    "邻水": [("513031", 0), ("511623", 1998)],
    "南部": [("512922", 0), ("511321", 1993)],
    "中江": [("510623", 0)],
    "射洪": [("510922", 0), ("510981", 2019)],
    "奉节": [("512226", 0), ("511225", 1992), ("500236", 1997)],
    # Hubei, Hunan, Jiangxi, Shandong, Guizhou, Yunnan
    "公安": [("422423", 0), ("421022", 1994)],
    "隆回": [("432622", 0), ("430524", 1986)],
    "于都": [("362132", 0), ("360731", 1998)],
    "鄱阳": [("362330", 0), ("361128", 2000)],
    "沂南": [("372832", 0), ("371321", 1994)],
    "威宁": [("522427", 0), ("520526", 2011)],
    "镇雄": [("532128", 0), ("530627", 2001)],
}
CITY_CENTRE = ["黄浦", "卢湾", "徐汇", "长宁", "静安", "普陀", "闸北", "虹口", "杨浦"]
# Where Shanghai's migrant workers come from, roughly by share.
MIGRANT_HOMETOWNS: list[tuple[str, int]] = [
    ("临泉", 8), ("太和", 6), ("颍上", 5), ("怀远", 4), ("金寨", 3), ("霍邱", 4),
    ("阜宁", 4), ("涟水", 3), ("沭阳", 4), ("泗阳", 3),
    ("罗山", 3), ("商城", 3), ("固始", 4), ("淮阳", 2), ("太康", 2),
    ("邻水", 2), ("南部", 2), ("中江", 2), ("射洪", 1), ("奉节", 2),
    ("公安", 2), ("隆回", 2), ("于都", 2), ("鄱阳", 2), ("沂南", 2), ("威宁", 1), ("镇雄", 1),
]  # fmt: skip

# --- Names -----------------------------------------------------------------------------------
# Surnames by frequency: Songjiang natives (沈 陆 顾 钱 are far commoner than nationally) and
# the national list for everyone else.
LOCAL_SURNAMES = (
    "张沈陆顾朱王徐金李钱陈杨姚吴周黄孙蒋胡倪潘夏施卫何曹唐马汤邱许赵刘郁费盛龚奚诸瞿褚缪俞蔡"
)
NATIONAL_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)

# Given names by birth cohort: (last birth year of the cohort, male names, female names).
GIVEN_NAMES: list[tuple[int, str, str]] = [
    (
        1949,
        "根宝 金根 福根 阿毛 根发 金龙 桂林 永康 德明 炳华 培根 金福 连生 海根 林生 荣根 雪根 "
        "关林 水根 顺林 惠民 志成 忠良 保华 杏生 仁杰 国栋 文彬 耀庭 家骏 庆余 锡林 兴发 福生",
        "秀英 桂英 玉兰 凤英 金妹 杏娣 阿娣 美娟 惠英 彩凤 月娥 菊芳 兰英 秀珍 桂芳 小妹 珍妹 "
        "雪娥 根娣 素珍 佩芳 翠英 招娣 林娣 巧英 琴芳 凤珍 梅英 文娟 宝珠 金娣 月英 银娣",
    ),
    (
        1964,
        "建国 国强 建华 国平 卫国 志明 伟民 国华 建平 援朝 跃进 建军 德华 振华 永明 新华 国庆 "
        "金海 富根 明华 伟国 荣华 正华 国良 海林 长庚 树林 兴华 建新 福林 炳荣 德兴 永福 文龙",
        "秀兰 美华 凤珍 玉珍 秀芳 建英 国英 月芳 美英 卫红 丽华 红英 桂兰 建萍 雪芳 惠芳 玉芳 "
        "金凤 爱华 素芬 凤娟 美玲 彩娣 敏华 慧珍 瑞芳 文英 琴英 丽娟 菊英 美娣 秀娟 雪英 莲芳",
    ),
    (
        1979,
        "伟 强 军 勇 斌 明 华 杰 峰 敏 志刚 海峰 晓东 卫东 文杰 建峰 国伟 永刚 俊 涛 海 刚 忠 "
        "健 立新 春华 红军 晓明 建忠 文斌 海涛 伟华 志强 宏伟 卫星 建东 永华 国明 忠华",
        "丽 敏 静 燕 红 芳 丽华 海燕 晓燕 春梅 美华 雪芳 琴 颖 慧 萍 英 丽萍 红梅 秀华 玲 霞 "
        "莉 娟 洁 晓红 丽娟 春燕 建芳 伟红 晓梅 雪梅 美芳 卫芳 红霞 丽琴 雪琴 惠琴",
    ),
    (
        1994,
        "磊 杰 斌 鹏 超 浩 伟 俊 涛 强 辉 亮 波 凯 晨 俊杰 晓峰 文华 佳明 志伟 海波 建伟 伟杰 "
        "一鸣 宏亮 晓磊 振宇 家豪 立军 天明 春雷 志华 旭东 俊峰 晓龙 文涛 晨阳 昊 骏 毅",
        "婷 倩 雯 静 丽 娜 莉 敏 燕 颖 晶 琳 佳 洁 晓雪 佳怡 雪婷 思佳 晓婷 丽娜 海燕 燕萍 慧敏 "
        "春燕 文静 晓丽 雪莲 晓燕 丹丹 婷婷 佳丽 秋菊 梦洁 诗雨 蕾 瑾 菁 晓敏",
    ),
    (
        2009,
        "浩 杰 宇 鹏 磊 轩 俊杰 子豪 浩然 宇航 天宇 文博 思远 一鸣 嘉俊 佳豪 浩宇 俊豪 子杰 宇豪 "
        "博文 梓豪 家乐 明轩 晨曦 皓 逸飞 子健 泽宇 嘉豪 俊辉 宇杰 天翔 佳乐",
        "婷 倩 雯 佳怡 思琪 欣怡 雨婷 诗涵 梦瑶 佳琪 晓雪 雪婷 婧 雨欣 思雨 佳慧 紫涵 心怡 梦琪 "
        "雅婷 诗琪 子涵 欣然 嘉怡 怡然 晓彤 雨晴 可欣 语嫣 佳妮 雨涵 思颖 静怡",
    ),
    (
        9999,
        "梓轩 浩宇 子墨 宇轩 一诺 沐宸 铭泽 奕辰 俊熙 睿 子睿 浩然 梓睿 宇泽 皓轩 沐阳 子轩 锦程 "
        "承泽 煜祺 亦辰 书恒 嘉懿 辰逸 梓航 翊轩 润泽 瑾瑜 思源 天佑 昊然 宸 毅辰",
        "梓涵 一诺 欣妍 语桐 可馨 若汐 诗琪 雨桐 梓萱 思彤 子涵 欣怡 梓晴 沐晴 语汐 芷若 依诺 "
        "梓琪 佳琪 欣悦 安琪 若曦 梦琪 雨萱 诗涵 可欣 紫萱 梓妍 语嫣 书瑶 芊芊 悦 诺",
    ),
]

# --- Phones ----------------------------------------------------------------------------------
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "198", "199",
]  # fmt: skip
# Share of people with a mobile number on the roster, by age (the rest give none; relatives
# answer for them).
PHONE_RATE_BY_AGE: list[tuple[int, float]] = [
    (12, 0.0),
    (18, 0.4),
    (60, 0.98),
    (70, 0.88),
    (80, 0.66),
    (200, 0.32),
]

# --- Care ------------------------------------------------------------------------------------
CHRONIC_NOTES = ["高血压", "糖尿病", "高血压、糖尿病", "冠心病", "慢阻肺", "高血压", "脑梗后遗症"]
SERIOUS_NOTES = ["肿瘤化疗中", "肿瘤术后", "尿毒症", "心衰"]
DIALYSIS_NOTE = "每周三次血透"
PREGNANT_NOTE = "孕期产检"
AWAY_NOTES = ["滞留外地", "在市区子女家", "住院中"]
RENTER_NOTE = "租户"
NO_ID_NOTE = "证件号待补"
