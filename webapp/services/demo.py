"""The Puyang demo city: employers, job orders, workers and logins for ``make run`` and ``liudan demo``.

:func:`build_demo` is pure: from a seed (and the day that ages and expiry dates count from) it makes plain row
dicts, the same ones for the same seed every time, using only ``random.Random`` instances seeded from it and the
data in ``config/``. :func:`load_demo` writes them into an empty database in one transaction with a few bulk
inserts.

The city follows the newspaper report behind Liudan (``/work/shared/seed``): local firms in each county (清丰
furniture, 南乐 food and bio-based materials, 范县/台前 badminton, golf-club covers and garments, 濮阳县 chemicals and
mushrooms, 华龙区 services and petrochemicals), poverty-alleviation workshops (扶贫车间) in villages, township
governments offering public-welfare posts, and partner factories in Jiangsu, Shanghai, Guangdong, Beijing and
Tianjin. Its people include the four of the article (赵晓权, 李留朝, 李国旗, 张秀花). The first employers are fixed
(``ANCHORS``), each with one open order that one of them fits: first a Kunshan (苏州) steel-structure factory
whose welding order has several certified welders willing to go.

Example:
    >>> data = build_demo(7, workers=20, job_orders=6, employers=5, today=date(2025, 6, 1))
    >>> data.counts()["求职人员"], data.workers[0]["name"], data.job_orders[0]["certificates_required"]
    (20, '赵晓权', ['焊工证'])
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

import config
from webapp.errors import Conflict
from webapp.models import Employer, JobOrder, User, Worker
from webapp.services import transaction
from webapp.services.passwords import check_password_strength

DEMO_PASSWORD = "chunfeng-demo-2026"  # 春风行动: passes the strength check for every demo account


def _words(text: str) -> tuple[str, ...]:
    """Names written as one space-separated text (easier to edit than a list of quoted strings), in order."""
    return tuple(text.split())


def _weights(text: str) -> dict[str, float]:
    """``"焊工:3 电工 钢筋工:2"`` → ``{"焊工": 3.0, "电工": 1.0, "钢筋工": 2.0}`` (weight 1 when left out)."""
    out: dict[str, float] = {}
    for item in text.split():
        name, _, weight = item.partition(":")
        out[name] = float(weight or 1)
    return out


PUYANG = "410900"
COUNTIES: dict[str, str] = {
    "410902": "华龙区",
    "410922": "清丰县",
    "410923": "南乐县",
    "410926": "范县",
    "410927": "台前县",
    "410928": "濮阳县",
}
# Share of registered workers by county (rural counties weigh more in the poverty-alleviation ledger).
COUNTY_WEIGHTS: dict[str, float] = {
    "410902": 0.14,
    "410922": 0.18,
    "410923": 0.14,
    "410926": 0.15,
    "410927": 0.12,
    "410928": 0.27,
}

# ------------------------------------------------------------------------------------------------ people

SURNAMES: tuple[tuple[str, int], ...] = tuple(
    (s, w)
    for group, w in (
        ("王李张刘陈", 60),
        ("杨赵黄周吴", 30),
        ("徐孙马朱胡郭何高林罗", 16),
        ("郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡", 8),
        ("余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺", 4),
        ("顾毛郝龚邵万钱严覃武戴莫孔向汤", 3),
    )
    for s in group
)
GIVEN: dict[tuple[str, str], str] = {
    (
        "M",
        "old",
    ): "国建军志新伟强勇明平刚东海峰文华林军卫红朝留喜全权旗山根来保顺利群福德成永光金春兴庆振长书广学运",
    ("M", "young"): "伟磊杰涛斌超鹏飞鑫波宁亮龙浩宇晨阳凯博帅旭俊豪鸿轩子航睿铭泽一凡然哲昊嘉祥瑞",
    ("F", "old"): "秀英兰凤梅桂芳玲霞丽艳娟花荣爱香月琴燕彩春菊粉叶巧素云莲真环雪红敏静",
    ("F", "young"): "娜敏静丽慧美洁琳婷倩璐欣雨佳悦蕾丹颖晶怡萌雪思梦涵瑶璇妍茜月可馨",
}
ARTICLE_NAMES = frozenset({"赵晓权", "李留朝", "李国旗", "张秀花"})

# (prefix, weight): the common mobile prefixes of the three carriers; the rest of the number is random.
MOBILE_PREFIXES: tuple[tuple[str, int], ...] = tuple(
    (p, w)
    for group, w in (
        ("134 135 136 137 138 139 150 151 152 157 158 159 182 183 187 188 198", 4),
        ("130 131 132 155 156 166 176 185 186", 3),
        ("133 153 173 177 180 181 189 199", 2),
    )
    for p in group.split()
)

# (lowest age, highest age, weight) of the registered labour force; ages are counted on ``today``.
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (17, 25, 0.14),
    (26, 35, 0.25),
    (36, 45, 0.27),
    (46, 55, 0.25),
    (56, 60, 0.09),
)
MOBILITY_WEIGHTS: dict[str, float] = {
    "village": 0.05,
    "township": 0.09,
    "county": 0.22,
    "city": 0.10,
    "province": 0.18,
    "national": 0.36,
}
WORKER_STATUS_WEIGHTS: dict[str, float] = {
    "seeking": 0.78,
    "employed": 0.10,
    "in_training": 0.07,
    "unavailable": 0.05,
}

# What people of each county do or want to do (occupation name_zh → weight). Names must exist in the taxonomy
# (tests check it); an entry the taxonomy lacks is skipped rather than breaking ``make run``.
COMMON_WORK: dict[str, float] = _weights(
    "焊工:3 电工:2 建筑普工:3 钢筋工:2 砌筑工:2 装配工:4 缝纫工:3 母婴护理员:2 家政服务员:2 养老护理员 "
    "中式烹调师:2 餐厅服务员:2 美发师 保安员:2 保洁员:2 快递员 网约配送员 叉车司机 货车司机:2 包装工:2 "
    "大田作物种植工:2 营业员 电子装配工"
)
COUNTY_WORK: dict[str, dict[str, float]] = {
    "410902": _weights(  # 华龙区
        "化工操作工:3 炼油操作工:2 仪表维修工 采油工 餐厅服务员:3 收银员:2 前厅服务员 文员:2 电商客服:2 "
        "仓库管理员:2 小车司机"
    ),
    "410922": _weights(  # 清丰县
        "家具制作工:8 木工:3 喷漆工:2 油漆工 食品加工工:3 蔬菜种植工:2 大棚种植工:2 食用菌种植工"
    ),
    "410923": _weights(  # 南乐县
        "食品加工工:6 面制品加工工:3 速冻食品制作工:2 化工操作工:2 注塑工:2 吹膜工 质检员 大棚种植工:3 "
        "蔬菜种植工:2"
    ),
    "410926": _weights(  # 范县
        "羽毛球制作工:6 缝纫工:5 服装后道工:3 裁剪工 葡萄种植工:3 采油工 钻井工"
    ),
    "410927": _weights(  # 台前县
        "高尔夫球杆套缝制工:6 缝纫工:5 羽毛球制作工:3 服装后道工:2 小吃经营者:2 汽车维修工"
    ),
    "410928": _weights(  # 濮阳县
        "化工操作工:5 食用菌种植工:5 食用菌加工工:2 大棚种植工:3 家禽养殖工:2 蔬菜种植工:2 保健按摩师"
    ),
}
# Occupations that lean towards one sex in the rural labour market: weight ×3 for that sex, ×0.25 otherwise.
MALE_LEANING: frozenset[str] = frozenset(
    _words(
        "焊工 电工 建筑普工 钢筋工 砌筑工 木工 架子工 货车司机 叉车司机 保安员 化工操作工 炼油操作工 采油工 "
        "钻井工 仪表维修工 汽车维修工 挖掘机司机 塔吊司机 快递员 网约配送员 小车司机 喷漆工 油漆工 家具制作工 "
        "装卸工"
    )
)
FEMALE_LEANING: frozenset[str] = frozenset(
    _words(
        "缝纫工 母婴护理员 家政服务员 养老护理员 育婴员 保洁员 营业员 收银员 餐厅服务员 服装后道工 "
        "高尔夫球杆套缝制工 羽毛球制作工 美容师 电商客服 文员 前厅服务员 食用菌加工工 包装工"
    )
)
# What people type for an occupation (the first is the most common); other occupations use name and synonyms.
TYPED_NAMES: dict[str, tuple[str, ...]] = {
    "焊工": ("电焊", "电焊工", "焊工"),
    "母婴护理员": ("月嫂", "母婴护理员"),
    "中式烹调师": ("厨师", "中式烹调师", "大厨"),
    "美发师": ("理发", "美发师", "理发师"),
    "装配工": ("普工", "流水线普工", "装配工"),
    "家政服务员": ("保姆", "家政", "家政服务员"),
    "保安员": ("保安", "保安员"),
    "保洁员": ("保洁", "保洁员"),
    "网约配送员": ("外卖骑手", "外卖员"),
    "建筑普工": ("小工", "建筑普工", "力工"),
    "叉车司机": ("叉车工", "叉车司机"),
    "食品加工工": ("食品厂普工", "食品加工工"),
}
# Certificates as people write them; the taxonomy's own names are used as often.
COLLOQUIAL_CERTS: dict[str, str] = {
    "焊工": "焊工证",
    "电工": "电工证",
    "母婴护理员": "母婴护理员证",
    "美发师": "美发师证",
    "中式烹调师": "中式烹调师证",
    "叉车司机": "叉车证",
    "养老护理员": "养老护理员证",
    "育婴员": "育婴员证",
}
CERT_SHARE: dict[str, float] = {
    "焊工": 0.45,
    "电工": 0.5,
    "母婴护理员": 0.45,
    "美发师": 0.4,
    "中式烹调师": 0.4,
    "叉车司机": 0.6,
    "货车司机": 0.85,
    "小车司机": 0.9,
    "保安员": 0.4,
}
# Free courses of the article and what people most often ask to learn.
TRAINING_WISHES: dict[str, float] = _weights(
    "电焊:4 月嫂:4 厨师:3 美发:2 电工:2 叉车司机 养老护理员:2 面点师:2 电商运营 直播带货 挖掘机司机 "
    "保健按摩师 家政服务员 育婴员"
)
SKILLED: frozenset[str] = frozenset(
    _words(
        "焊工 电工 塔吊司机 挖掘机司机 货车司机 数控车工 加工中心操作工 母婴护理员 中式烹调师 钢筋工 化工操作工 "
        "炼油操作工 仪表维修工 汽车维修工 危险货物运输驾驶员 钢结构安装工 起重机司机 电梯安装维修工 模具工"
    )
)
EDUCATION_WEIGHTS: dict[str, dict[str, float]] = {
    "old": {
        "none": 0.04,
        "primary": 0.22,
        "junior": 0.52,
        "senior": 0.14,
        "vocational": 0.06,
        "college": 0.02,
    },
    "young": {
        "primary": 0.03,
        "junior": 0.38,
        "senior": 0.22,
        "vocational": 0.22,
        "college": 0.11,
        "bachelor": 0.04,
    },
}

# ------------------------------------------------------------------------------------------------ employers

# industry → (occupation name_zh, weight) of the job orders it places
INDUSTRY_JOBS: dict[str, dict[str, float]] = {
    "welding": _weights("焊工:5 钢结构安装工:2 铆工 起重机司机 打磨工"),
    "machinery": _weights("焊工:3 数控车工:2 车工 钳工 机修工 装配工:3 电工 喷漆工 质检员"),
    "petrochem": _weights("化工操作工:5 炼油操作工:2 仪表维修工 化验员 电工 焊工 锅炉操作工"),
    "oilfield": _weights("采油工:3 井下作业工:2 钻井工:2 集输工 电工 焊工"),
    "services": _weights("保安员:3 保洁员:3 前厅服务员 客房服务员:2 物业管理员 餐厅服务员:2"),
    "catering": _weights("中式烹调师:3 中式面点师:2 餐厅服务员:3 厨工:2 凉菜师"),
    "domestic": _weights("母婴护理员:4 育婴员:2 家政服务员:3 养老护理员:2 医疗护理员"),
    "logistics": _weights("快递员:2 快件处理员:2 仓库管理员 叉车司机:2 货车司机:2 装卸工:2 网约配送员:2"),
    "construction": _weights("焊工:2 钢筋工:3 砌筑工:2 木工:2 架子工 混凝土工 电工 建筑普工:3 塔吊司机"),
    "retail": _weights("营业员:3 收银员:2 理货员 电商客服 直播销售员"),
    "beauty": _weights("美发师:3 美容师:2 美发助理:2 保健按摩师:2 美甲师"),
    "furniture": _weights("家具制作工:5 木工 喷漆工:2 包装工:2 装配工 电商客服 货车司机"),
    "food": _weights("食品加工工:5 面制品加工工:2 速冻食品制作工:2 包装工:2 质检员 食品检验员 叉车司机"),
    "biomaterial": _weights("化工操作工:3 注塑工:2 吹膜工:2 化验员 包装工 机修工"),
    "badminton": _weights("羽毛球制作工:6 包装工 质检员"),
    "garment": _weights("缝纫工:6 裁剪工 熨烫工 服装后道工:2 锁眼钉扣工 质检员"),
    "golf_cover": _weights("高尔夫球杆套缝制工:6 缝纫工:2 裁剪工 服装后道工"),
    "mushroom": _weights("食用菌种植工:5 食用菌加工工:3 大棚种植工 包装工"),
    "agriculture": _weights("蔬菜种植工:3 大棚种植工:3 葡萄种植工:2 农作物采摘工:2 果树种植工"),
    "handicraft": _weights("手工编织工:3 工艺品制作工:3"),
    "electronics": _weights("电子装配工:5 SMT操作员:2 装配工:3 质检员 包装工 仓库管理员"),
    "auto_parts": _weights("装配工:4 冲压工:2 注塑工 焊工:2 喷漆工 质检员 机床操作工"),
    "textile": _weights("纺纱挡车工:3 织布工:3 针织工:2 缝纫工"),
    "shoes": _weights("制鞋工:5 缝纫工:2 包装工 质检员"),
    "public_welfare": _weights(
        "公共环境保洁员:4 交通协管员:2 治安巡逻员:2 绿化养护员:2 农村公路养护员 村级就业协管员 助老员 网格员 "
        "水利设施管护员"
    ),
}
# county → (industry, weight, name templates); {b} is a brand, names follow local usage.
LOCAL_FIRMS: dict[str, tuple[tuple[str, float, tuple[str, ...]], ...]] = {
    "410902": (
        ("petrochem", 3, ("濮阳市{b}石化有限公司", "濮阳市{b}化工有限公司")),
        ("oilfield", 1, ("濮阳市{b}石油工程技术服务有限公司",)),
        (
            "services",
            3,
            ("濮阳市{b}物业服务有限公司", "濮阳市{b}保安服务有限公司", "濮阳市{b}酒店管理有限公司"),
        ),
        ("catering", 2, ("濮阳市{b}餐饮管理有限公司",)),
        ("domestic", 2, ("濮阳市{b}家政服务有限公司",)),
        ("logistics", 2, ("濮阳市{b}物流有限公司", "濮阳市{b}快递服务有限公司")),
        ("machinery", 2, ("濮阳市{b}机械有限公司", "濮阳市{b}机电设备有限公司")),
        ("construction", 2, ("濮阳市{b}建筑工程有限公司", "濮阳市{b}建设集团有限公司")),
        ("retail", 1, ("濮阳市{b}商贸有限公司", "濮阳市{b}超市有限公司")),
        ("beauty", 1, ("濮阳市{b}美容美发有限公司",)),
    ),
    "410922": (
        ("furniture", 6, ("清丰县{b}家具厂", "清丰县{b}家居有限公司", "清丰县{b}木业有限公司")),
        ("food", 2, ("清丰县{b}食品有限公司",)),
        ("agriculture", 1, ("清丰县{b}蔬菜种植专业合作社",)),
        ("construction", 1, ("清丰县{b}建筑安装有限公司",)),
        ("machinery", 1, ("清丰县{b}机械制造有限公司",)),
    ),
    "410923": (
        ("food", 4, ("南乐县{b}食品有限公司", "南乐县{b}面业有限公司")),
        ("biomaterial", 3, ("南乐县{b}生物科技有限公司", "南乐县{b}生物基材料有限公司")),
        ("agriculture", 1, ("南乐县{b}果蔬种植专业合作社",)),
        ("construction", 1, ("南乐县{b}建筑工程有限公司",)),
    ),
    "410926": (
        ("badminton", 3, ("范县{b}羽毛球有限公司", "范县{b}体育用品有限公司")),
        ("garment", 3, ("范县{b}服饰有限公司", "范县{b}制衣厂")),
        ("agriculture", 1, ("范县{b}葡萄种植专业合作社",)),
        ("oilfield", 1, ("范县{b}石油机械有限公司",)),
    ),
    "410927": (
        ("golf_cover", 3, ("台前县{b}运动用品有限公司", "台前县{b}体育用品有限公司")),
        ("badminton", 2, ("台前县{b}羽绒制品有限公司",)),
        ("garment", 2, ("台前县{b}服装有限公司",)),
        ("auto_parts", 1, ("台前县{b}汽车配件有限公司",)),
        ("catering", 1, ("台前县{b}餐饮服务有限公司",)),
    ),
    "410928": (
        ("petrochem", 3, ("濮阳县{b}化工有限公司", "濮阳县{b}新材料有限公司")),
        ("mushroom", 3, ("濮阳县{b}食用菌专业合作社", "濮阳县{b}农业科技有限公司")),
        ("agriculture", 1, ("濮阳县{b}种植专业合作社",)),
        ("construction", 2, ("濮阳县{b}建筑工程有限公司",)),
        ("machinery", 1, ("濮阳县{b}机械有限公司",)),
    ),
}
# county → (industry, product named in the workshop's name, weight)
WORKSHOPS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "410902": (("garment", "服装加工", 1),),
    "410922": (("garment", "服装加工", 2), ("handicraft", "手工编织", 1), ("furniture", "家具配件", 1)),
    "410923": (("handicraft", "柳编", 1), ("garment", "服装加工", 1), ("food", "食品包装", 1)),
    "410926": (("badminton", "羽毛球", 3), ("garment", "服装加工", 2)),
    "410927": (("golf_cover", "高尔夫球杆套", 3), ("badminton", "羽毛球", 1), ("garment", "服装加工", 1)),
    "410928": (("mushroom", "食用菌", 3), ("garment", "服装加工", 1), ("handicraft", "工艺品", 1)),
}
WORKSHOP_COUNTY_WEIGHTS: dict[str, float] = {
    "410902": 0.05,
    "410922": 0.18,
    "410923": 0.14,
    "410926": 0.2,
    "410927": 0.2,
    "410928": 0.23,
}
# (region code, name prefix, industries, weight) of partner-province factories (劳务协作)
PARTNER_SITES: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    ("320583", "昆山", ("welding", "electronics", "auto_parts", "machinery"), 3),
    ("320506", "苏州", ("electronics", "machinery", "garment"), 3),
    ("320582", "张家港", ("machinery", "textile"), 1),
    ("320581", "常熟", ("garment", "textile"), 1),
    ("320585", "太仓", ("auto_parts", "logistics"), 1),
    ("320200", "无锡", ("electronics", "textile", "machinery"), 2),
    ("320281", "江阴", ("textile", "welding"), 1),
    ("320400", "常州", ("machinery", "electronics"), 1),
    ("320115", "南京", ("construction", "auto_parts"), 1),
    ("310114", "上海", ("auto_parts", "food"), 1),
    ("310117", "上海", ("electronics", "food"), 1),
    ("310112", "上海", ("food", "services"), 1),
    ("310115", "上海", ("logistics", "domestic", "catering"), 1),
    ("441900", "东莞市", ("electronics", "shoes", "furniture"), 3),
    ("440306", "深圳市", ("electronics",), 2),
    ("440307", "深圳市", ("electronics", "logistics"), 1),
    ("440606", "佛山市", ("furniture", "machinery"), 2),
    ("440605", "佛山市", ("machinery", "textile"), 1),
    ("440111", "广州市", ("garment", "logistics"), 1),
    ("110115", "北京", ("domestic", "services", "logistics"), 1),
    ("120116", "天津", ("welding", "construction"), 1),
)
PARTNER_NAMES: dict[str, tuple[str, ...]] = {
    "welding": ("{c}{b}钢结构工程有限公司", "{c}{b}重工机械有限公司"),
    "machinery": ("{c}{b}精密机械有限公司", "{c}{b}机械制造有限公司"),
    "electronics": ("{c}{b}电子有限公司", "{c}{b}电子科技有限公司", "{c}{b}光电科技有限公司"),
    "auto_parts": ("{c}{b}汽车零部件有限公司", "{c}{b}汽车配件有限公司"),
    "garment": ("{c}{b}服饰有限公司", "{c}{b}制衣有限公司"),
    "textile": ("{c}{b}纺织有限公司", "{c}{b}织造有限公司"),
    "food": ("{c}{b}食品有限公司", "{c}{b}食品科技有限公司"),
    "services": ("{c}{b}物业管理有限公司", "{c}{b}酒店管理有限公司"),
    "logistics": ("{c}{b}物流有限公司", "{c}{b}供应链管理有限公司"),
    "domestic": ("{c}{b}家政服务有限公司", "{c}{b}母婴护理服务有限公司"),
    "catering": ("{c}{b}餐饮管理有限公司",),
    "construction": ("{c}{b}建设工程有限公司", "{c}{b}建筑劳务有限公司"),
    "furniture": ("{c}{b}家具有限公司", "{c}{b}家居制造有限公司"),
    "shoes": ("{c}{b}鞋业有限公司", "{c}{b}制鞋厂"),
}
BRANDS = _words(
    "恒信 华泰 宏达 鑫源 金鼎 瑞丰 中兴 天润 永盛 昌隆 豫龙 濮兴 龙都 中原 华新 盛世 东方 新科 亿联 万通 "
    "广源 聚丰 博远 德润 佳美 家和 顺达 福瑞 银河 光明 三利 嘉禾 富康 鸿运 兴业 安泰 金盾 益民 百川 丰源 "
    "康达 润泽 华瑞 远航 信达 汇通 正泰 金桥 盛达 宏图 天成 众诚 英杰 振华 腾飞 晨光 长青 建业 同力 科创 "
    "欣荣 和顺 兆丰 裕隆 诚信 永兴 龙腾 海纳 金穗 绿源 丰收 红旗 迪兰 佑林 东森 天耕 宇通 美辰 凯旋 荣昌 "
    "万家 德胜 华彩 锦绣"
)
STREETS = _words(
    "人民路 建设路 胜利路 中原路 黄河路 京开大道 长庆路 大庆路 开州路 绿城路 振兴路 工业路 文化路 育才路"
)
SHARES = {"local": 0.5, "workshop": 0.2, "government": 0.05, "partner": 0.25}
ORDER_WEIGHT = {"local": 2.0, "workshop": 1.0, "government": 1.0, "partner": 3.0}
ORDER_STATUS_WEIGHTS = {"open": 0.9, "filled": 0.05, "closed": 0.05}

# Fixed employers, each with one fixed order, so that the article's people find something on the first page:
# the Kunshan welding order for certified welders willing to go (赵晓权), a Shanghai food factory (李留朝), a
# barber's post in 濮阳县 (李国旗 will not leave the county) and a canteen cook at the 夹河乡 clinic (张秀花).
ANCHORS: tuple[dict[str, Any], ...] = (
    {
        "name": "昆山恒信钢结构工程有限公司",
        "kind": "partner",
        "industry": "welding",
        "region_code": "320583",
        "uscc_kind": "91",
        "address": "经济技术开发区黄浦江路88号",
        "order": {
            "title": "电焊工（二保焊、氩弧焊）",
            "occupation": "焊工",
            "description": "昆山钢结构厂房及桥梁构件焊接，持焊工证，包吃住，缴纳五险，组织化输出统一乘车。",
            "skills": ["电焊", "二氧化碳保护焊", "氩弧焊", "看图纸"],
            "certificates_required": ["焊工证"],
            "headcount": 30,
            "filled": 4,
            "wage": (6500, 9000),
            "region_code": "320583",
            "ages": (20, 50),
            "housing": True,
            "board": True,
            "start_in": 7,
            "expires_in": 75,
            "status": "open",
            "route": "out_of_province",
            "public_welfare": False,
        },
    },
    {
        "name": "上海佳美食品有限公司",
        "kind": "partner",
        "industry": "food",
        "region_code": "310112",
        "uscc_kind": "91",
        "address": "莘庄工业区申富路120号",
        "order": {
            "title": "食品生产线操作工（包吃住）",
            "occupation": "食品加工工",
            "description": "速冻食品、糕点生产线操作和包装，两班倒，包吃住，持健康证，可安排夫妻房。",
            "skills": ["食品生产线操作", "食品包装"],
            "certificates_required": ["健康证"],
            "headcount": 40,
            "filled": 6,
            "wage": (5000, 6500),
            "region_code": "310112",
            "ages": (18, 50),
            "housing": True,
            "board": True,
            "start_in": 10,
            "expires_in": 90,
            "status": "open",
            "route": "out_of_province",
            "public_welfare": False,
        },
    },
    {
        "name": "濮阳县城关镇丽人美发店",
        "kind": "local",
        "industry": "beauty",
        "region_code": "410928100",
        "uscc_kind": "92",
        "address": "开州路36号",
        "order": {
            "title": "美发师（男士理发）",
            "occupation": "美发师",
            "description": "县城美发店招聘理发师傅，会剪发、烫染，底薪加提成，可学推拿。",
            "skills": ["剪发", "烫发"],
            "certificates_required": [],
            "headcount": 2,
            "filled": 0,
            "wage": (3000, 5000),
            "region_code": "410928100",
            "ages": (18, 50),
            "housing": False,
            "board": True,
            "start_in": None,
            "expires_in": 60,
            "status": "open",
            "route": "local_enterprise",
            "public_welfare": False,
        },
    },
    {
        "name": "台前县夹河乡卫生院",
        "kind": "local",
        "industry": "catering",
        "region_code": "410927200",
        "uscc_kind": "12",
        "address": "夹河街北段",
        "order": {
            "title": "食堂厨师",
            "occupation": "中式烹调师",
            "description": "卫生院职工食堂和住院病人配餐，早中两餐，持健康证，本乡人员优先。",
            "skills": ["热菜烹调", "配菜"],
            "certificates_required": ["健康证"],
            "headcount": 1,
            "filled": 0,
            "wage": (2800, 3500),
            "region_code": "410927200",
            "ages": (25, 55),
            "housing": False,
            "board": True,
            "start_in": 5,
            "expires_in": 45,
            "status": "open",
            "route": "local_enterprise",
            "public_welfare": False,
        },
    },
)

STAFF_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("hualong_staff", "华龙区人社局 赵静", "410902"),
    ("nanle_staff", "南乐县人社局 张伟", "410923"),
    ("fanxian_staff", "范县人社局 刘洋", "410926"),
    ("taiqian_staff", "台前县人社局 陈丽", "410927"),
    ("puyangxian_staff", "濮阳县人社局 杨帆", "410928"),
)


@dataclass(frozen=True)
class DemoData:
    """The rows of the demo city, ready for bulk inserts.

    ``employers`` and ``workers`` hold model columns only; each job order names its employer by position in
    ``employers`` (``employer_index``) and so does the employer account; accounts carry no password hash.
    """

    employers: list[dict[str, Any]]
    job_orders: list[dict[str, Any]]
    workers: list[dict[str, Any]]
    accounts: list[dict[str, Any]]
    #: 防返贫 monitored households; ``members`` names workers by position in ``workers`` (head first)
    households: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "用工企业": len(self.employers),
            "岗位订单": len(self.job_orders),
            "求职人员": len(self.workers),
            "账号": len(self.accounts),
            "防返贫监测户": len(self.households),
        }


class _Reference:
    """The taxonomy and the Puyang part of the region tree, as the builder needs them."""

    def __init__(self) -> None:
        self.occupations: dict[str, dict[str, Any]] = {o["name_zh"]: o for o in config.load_occupations()}
        regions = config.load_regions()
        self.names: dict[str, str] = {r["code"]: r["name_zh"] for r in regions}
        self.parents: dict[str, str | None] = {r["code"]: r["parent_code"] for r in regions}
        self.villages: dict[str, list[str]] = {c: [] for c in COUNTIES}
        self.townships: dict[str, list[str]] = {c: [] for c in COUNTIES}
        for r in regions:
            county = r["code"][:6]
            if county in COUNTIES and r["level"] == "village":
                self.villages[county].append(r["code"])
            elif county in COUNTIES and r["level"] == "township":
                self.townships[county].append(r["code"])
        # villages of towns and townships (镇、乡), not of urban sub-districts (街道, codes below 100)
        self.rural_villages = {c: [v for v in vs if v[6] != "0"] or vs for c, vs in self.villages.items()}
        for county in COUNTIES:
            if not self.villages[county]:
                raise ValueError(f"regions.csv: no villages under {county} {COUNTIES[county]}")
        self.routes = {r["key"] for r in config.load_routes()}

    def weighted(self, table: Mapping[str, float]) -> dict[str, float]:
        """``table`` without the occupations the taxonomy does not have."""
        return {k: v for k, v in table.items() if k in self.occupations}

    def village(self, township: str, preferred: Sequence[str]) -> str:
        """The village under ``township`` with the first preferred name, else its first village."""
        children = sorted(c for c, p in self.parents.items() if p == township)
        by_name = {self.names[c]: c for c in children}
        for name in preferred:
            if name in by_name:
                return by_name[name]
        if not children:
            raise ValueError(f"regions.csv: no villages under {township}")
        return children[0]

    def path_name(self, code: str) -> str:
        """The names from the county down, e.g. 南乐县杨村乡吴村."""
        parts: list[str] = []
        node: str | None = code
        while node and node != PUYANG and len(node) > 4:
            parts.append(self.names[node])
            node = self.parents.get(node)
        return "".join(reversed(parts))


def _pick(rng: random.Random, table: Mapping[str, float]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def _round100(value: float) -> int:
    return int(round(value / 100.0)) * 100


def _village_label(name: str) -> str:
    return name if name.endswith(("村", "社区", "屯", "寨", "营", "集")) else name + "村"


class _Builder:
    def __init__(self, seed: int, today: date) -> None:
        self.seed = seed
        self.today = today
        self.ref = _Reference()
        self.phones: set[str] = set()
        self.id_numbers: set[str] = set()
        self.usccs: set[str] = set()
        self.employer_names: set[str] = set()
        # experience and card names come from their own stream: the rest of the city stays as it was
        self.extra = self.rng("matching-v2")

    def rng(self, part: str) -> random.Random:
        return random.Random(f"liudan-demo:{self.seed}:{part}")

    # ---------------------------------------------------------------------------------------- shared helpers

    def phone(self, rng: random.Random) -> str:
        while True:
            prefix = rng.choices([p for p, _ in MOBILE_PREFIXES], weights=[w for _, w in MOBILE_PREFIXES])[0]
            number = f"{prefix}{rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    @staticmethod
    def person_name(rng: random.Random, sex: str, era: str) -> str:
        while True:
            surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
            pool = GIVEN[(sex, era)]
            given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.72 else "")
            name = surname + given
            if name not in ARTICLE_NAMES:
                return name

    def id_number(self, county: str, birth: date, male: bool, rng: random.Random) -> str:
        """A GB 11643 number: county code, birth date, a sequence code odd for men, the check digit."""
        seq = rng.randrange(500) * 2 + (1 if male else 0)
        for _ in range(500):
            body = f"{county}{birth:%Y%m%d}{seq:03d}"
            # stdnum's calc_check_digit expects the whole number and ignores its last character
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number
            seq = (seq + 2) % 1000
        raise ValueError(f"no free ID number for {county} {birth}")

    def birth_date(self, age: int, rng: random.Random) -> date:
        """Born in ``today.year - age``: the person is ``age`` or ``age - 1`` years old today."""
        return date(self.today.year - age, 1, 1) + timedelta(days=rng.randrange(365))

    def uscc(self, rng: random.Random, first: str, county: str) -> str:
        """A unified social credit code: authority and kind, region, a GB 11714 organisation code, check."""
        alphabet = string.digits + "ABCDEFGHJKLMNPQRTUWXY"
        while True:
            if rng.random() < 0.75:  # codes issued since 2015 start with MA
                org = "MA" + "".join(rng.choice(alphabet) for _ in range(6))
            else:
                org = "".join(rng.choice(string.digits) for _ in range(8))
            values = [int(ch) if ch.isdigit() else ord(ch) - 55 for ch in org]
            check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
            org += {10: "X", 11: "0"}.get(check, str(check))
            body = f"{first}{county}{org}"
            code = body + uscc.calc_check_digit(body)
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def employer_name(self, rng: random.Random, templates: Sequence[str], **parts: str) -> str:
        """A name not used yet: one brand word, then two (恒信华泰) when one-word names run short."""
        for attempt in range(200):
            brand = rng.choice(BRANDS) + (rng.choice(BRANDS) if attempt >= 20 else "")
            name = rng.choice(templates).format(b=brand, **parts)
            if name not in self.employer_names:
                self.employer_names.add(name)
                return name
        serial = len(self.employer_names)
        while (
            name := rng.choice(templates).format(b=f"{rng.choice(BRANDS)}{serial}", **parts)
        ) in self.employer_names:
            serial += 1
        self.employer_names.add(name)
        return name

    def typed(self, rng: random.Random, occupation: str) -> str:
        """The occupation as a person would type it: a common name, the standard name or a synonym."""
        if occupation in TYPED_NAMES:
            return rng.choice(TYPED_NAMES[occupation])
        synonyms = self.ref.occupations[occupation]["synonyms"][:2]
        return occupation if rng.random() < 0.6 or not synonyms else rng.choice(synonyms)

    def certificate(self, rng: random.Random, occupation: str) -> str | None:
        certs = self.ref.occupations[occupation]["certificates"]
        colloquial = COLLOQUIAL_CERTS.get(occupation)
        if colloquial and (not certs or rng.random() < 0.5):
            return colloquial
        return certs[0] if certs else None

    # ---------------------------------------------------------------------------------------------- employers

    def employers(self, count: int) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
        """Employer rows and, for each, (kind, industry)."""
        rng = self.rng("employers")
        rows: list[dict[str, Any]] = []
        kinds: list[tuple[str, str]] = []
        if count <= 0:
            return rows, kinds
        for anchor in ANCHORS[:count]:
            rows.append(self._anchor(rng, anchor))
            kinds.append((anchor["kind"], anchor["industry"]))
        plan = _apportion(count - len(rows), SHARES)
        for kind in ("local", "workshop", "government", "partner"):
            for _ in range(plan[kind]):
                if kind == "local":
                    county = _pick(rng, COUNTY_WEIGHTS)
                    industry, _, templates = rng.choices(
                        LOCAL_FIRMS[county], weights=[w for _, w, _ in LOCAL_FIRMS[county]]
                    )[0]
                    rows.append(self._local(rng, county, industry, templates))
                elif kind == "workshop":
                    county = _pick(rng, WORKSHOP_COUNTY_WEIGHTS)
                    industry, product, _ = rng.choices(
                        WORKSHOPS[county], weights=[w for *_, w in WORKSHOPS[county]]
                    )[0]
                    rows.append(self._workshop(rng, county, product))
                elif kind == "government":
                    industry = "public_welfare"
                    rows.append(self._government(rng))
                else:
                    code, prefix, industries, _ = rng.choices(
                        PARTNER_SITES, weights=[s[3] for s in PARTNER_SITES]
                    )[0]
                    industry = rng.choice(industries)
                    rows.append(self._partner(rng, code, prefix, industry))
                kinds.append((kind, industry))
        return rows, kinds

    def _employer_row(self, rng: random.Random, **values: Any) -> dict[str, Any]:
        era = "old" if rng.random() < 0.6 else "young"
        sex = "M" if rng.random() < 0.6 else "F"
        row = {
            "name": values["name"],
            "uscc": values["uscc"],
            "region_code": values["region_code"],
            "contact_name": self.person_name(rng, sex, era),
            "contact_phone": self.phone(rng),
            "address": values["address"],
            "is_workshop": values.get("is_workshop", False),
            "is_partner": values.get("is_partner", False),
        }
        return row

    def _local(
        self, rng: random.Random, county: str, industry: str, templates: Sequence[str]
    ) -> dict[str, Any]:
        name = self.employer_name(rng, templates)
        township = rng.choice(self.ref.townships[county]) if industry in ("agriculture", "mushroom") else None
        region = township or county
        if township:
            address = f"濮阳市{self.ref.path_name(township)}"
        else:
            address = f"濮阳市{self.ref.path_name(county)}{rng.choice(STREETS)}{rng.randint(1, 399)}号"
        first = "93" if name.endswith("合作社") else "91"
        return self._employer_row(
            rng, name=name, uscc=self.uscc(rng, first, county), region_code=region, address=address
        )

    def _workshop(self, rng: random.Random, county: str, product: str) -> dict[str, Any]:
        village = rng.choice(self.ref.rural_villages[county])
        township = village[:9]
        label = f"{COUNTIES[county]}{self.ref.names[township]}{_village_label(self.ref.names[village])}"
        name = f"{label}{product}扶贫车间"
        if name in self.employer_names:
            name = self.employer_name(rng, (f"{COUNTIES[county]}{{b}}{product}扶贫车间",))
        self.employer_names.add(name)
        return self._employer_row(
            rng,
            name=name,
            uscc=self.uscc(rng, "91" if rng.random() < 0.7 else "92", county),
            region_code=village,
            address=f"濮阳市{self.ref.path_name(village)}",
            is_workshop=True,
        )

    def _government(self, rng: random.Random) -> dict[str, Any]:
        county = _pick(rng, COUNTY_WEIGHTS)
        for _ in range(100):
            township = rng.choice(self.ref.townships[county])
            town = self.ref.names[township]
            name = f"{COUNTIES[county]}{town}{'办事处' if town.endswith('街道') else '人民政府'}"
            if name not in self.employer_names:
                break
        else:
            name = self.employer_name(rng, (f"{COUNTIES[county]}{{b}}社区服务中心",))
        self.employer_names.add(name)
        return self._employer_row(
            rng,
            name=name,
            uscc=self.uscc(rng, "11", county),
            region_code=township,
            address=f"濮阳市{self.ref.path_name(township)}",
        )

    def _anchor(self, rng: random.Random, anchor: Mapping[str, Any]) -> dict[str, Any]:
        self.employer_names.add(anchor["name"])
        code = anchor["region_code"]
        is_partner = anchor["kind"] == "partner"
        if is_partner:
            address = f"{self.ref.names[code]}{anchor['address']}"
        else:
            address = f"濮阳市{self.ref.path_name(code)}{anchor['address']}"
        return self._employer_row(
            rng,
            name=anchor["name"],
            uscc=self.uscc(rng, anchor["uscc_kind"], code[:6]),
            region_code=code,
            address=address,
            is_partner=is_partner,
        )

    def _partner(self, rng: random.Random, code: str, prefix: str, industry: str) -> dict[str, Any]:
        name = self.employer_name(rng, PARTNER_NAMES[industry], c=prefix)
        area = self.ref.names.get(code, prefix)
        street = rng.choice(("工业园区", "经济技术开发区", "高新区", "产业园"))
        return self._employer_row(
            rng,
            name=name,
            uscc=self.uscc(rng, "91", code),
            region_code=code,
            address=f"{area}{street}{rng.randint(1, 199)}号",
            is_partner=True,
        )

    # --------------------------------------------------------------------------------------------- job orders

    def job_orders(
        self, count: int, employers: list[dict[str, Any]], kinds: list[tuple[str, str]]
    ) -> list[dict[str, Any]]:
        rng = self.rng("job_orders")
        if count <= 0 or not employers:
            return []
        # the anchors' own orders first, then one for every other employer while there are enough, then at random
        anchors = min(len(ANCHORS), len(employers), count)
        orders = [self._order_row(employer_index=i, **ANCHORS[i]["order"]) for i in range(anchors)]
        owners: list[int] = []
        rest = count - anchors
        if rest >= len(employers) - anchors:
            owners += list(range(anchors, len(employers)))
            rest -= len(employers) - anchors
        weights = [ORDER_WEIGHT[k] for k, _ in kinds]
        owners += rng.choices(range(len(employers)), weights=weights, k=rest)
        for index in owners:
            orders.append(self._order(rng, index, employers[index], *kinds[index]))
        self._unclassified(orders, kinds)
        return orders

    def _unclassified(self, orders: list[dict[str, Any]], kinds: list[tuple[str, str]]) -> None:
        """Turn a few open orders of local enterprises into occupations the catalogue does not know yet
        (stored as typed, shown as 待归类, counted in training needs by their text)."""
        rng = self.rng("unclassified")
        local = [
            o
            for o in orders[len(ANCHORS) :]
            if o["status"] == "open" and kinds[o["employer_index"]][0] == "local" and not o["public_welfare"]
        ]
        for order, (text, skills) in zip(
            rng.sample(local, min(len(local), len(UNCLASSIFIED))), UNCLASSIFIED, strict=False
        ):
            order.update(
                title=text,
                occupation_code=text,
                skills=list(skills),
                certificates_required=[],
                description=f"招聘{text}{order['headcount']}人，月薪{order['wage_min']}–{order['wage_max']}元。",
            )

    def _order(
        self, rng: random.Random, index: int, employer: dict[str, Any], kind: str, industry: str
    ) -> dict[str, Any]:
        jobs = self.ref.weighted(INDUSTRY_JOBS[industry]) or self.ref.weighted(INDUSTRY_JOBS["machinery"])
        occupation = _pick(rng, jobs)
        occ = self.ref.occupations[occupation]
        skilled = occupation in SKILLED
        region = employer["region_code"]
        if industry == "construction" and rng.random() < 0.4:  # a building site elsewhere
            if kind == "partner":
                region = rng.choice(("320115", "320500", "310115", "120116", "110115"))
            else:
                region = rng.choice(self.ref.townships[rng.choice(list(COUNTIES))])
        elif kind == "government":
            villages = [v for v in self.ref.villages[region[:6]] if v.startswith(region)]
            if villages and rng.random() < 0.6:
                region = rng.choice(villages)
        if kind == "partner":
            lo, hi = (4500, 8000)
            headcount = rng.randint(10, 60)
            housing = board = rng.random() < 0.85
            route = "out_of_province"
        elif kind == "workshop":
            lo, hi = (2500, 3800)
            headcount = rng.randint(5, 40)
            housing, board = False, rng.random() < 0.3
            route = "workshop"
        elif kind == "government":
            lo, hi = (1200, 2200)
            headcount = rng.randint(2, 30)
            housing = board = False
            route = "public_welfare"
        else:
            lo, hi = (2500, 5000)
            headcount = rng.randint(1, 20)
            housing = rng.random() < 0.3
            board = housing or rng.random() < 0.3
            flexible = occupation in ("网约配送员", "快递员", "农作物采摘工") or (
                industry in ("logistics", "services", "agriculture") and rng.random() < 0.15
            )
            route = "flexible" if flexible else "local_enterprise"
        if skilled and kind != "government":
            lo, hi = lo + 1000, hi + 2000
        wage_min = _round100(rng.uniform(lo, max(lo, hi - 800)))
        wage_max = min(_round100(wage_min + rng.uniform(500, 2000)), hi)
        wage_max = max(wage_max, wage_min + 300)
        ages: tuple[int | None, int | None] = (None, None)
        if rng.random() < 0.55:
            top = 60 if kind in ("workshop", "government") else rng.choice((40, 45, 50, 55))
            ages = (18, top)
        skills = rng.sample(occ["skills"], k=min(len(occ["skills"]), rng.randint(1, 3)))
        certs: list[str] = []
        if occ["certificates"] and rng.random() < (0.6 if occupation in CERT_SHARE or skilled else 0.2):
            certs = ["焊工证" if occupation == "焊工" else occ["certificates"][0]]
        status = "open" if index < len(ANCHORS) else _pick(rng, ORDER_STATUS_WEIGHTS)
        filled = headcount if status == "filled" else rng.randint(0, headcount // 3)
        suffixes = ["", "", "（长期）", "（熟练工）", "（可培训上岗）"]
        if kind == "workshop":
            suffixes = ["（计件，可照顾家庭）", "（就近就业）", ""]
        elif kind == "partner" and housing:
            suffixes = ["（包吃住）", "（组织化输出）", ""]
        elif kind == "government":
            suffixes = ["（公益性岗位）"]
        title = occupation + rng.choice(suffixes)
        place = self.ref.names.get(region, "")
        description = (
            f"{employer['name']}招聘{occupation}{headcount}人，工作地点{place}，月薪{wage_min}–{wage_max}元"
            + ("，包吃住" if housing and board else "，管住宿" if housing else "，管饭" if board else "")
            + ("，须持" + "、".join(certs) if certs else "")
            + "。"
        )
        return self._order_row(
            employer_index=index,
            title=title,
            occupation=occupation,
            description=description,
            skills=skills,
            certificates_required=certs,
            headcount=headcount,
            filled=filled,
            wage=(wage_min, wage_max),
            region_code=region,
            ages=ages,
            housing=housing,
            board=board,
            start_in=rng.choice((None, rng.randint(0, 20))),
            expires_in=rng.randint(30, 120),
            status=status,
            route=route,
            public_welfare=kind == "government",
        )

    def _order_row(
        self,
        *,
        employer_index: int,
        occupation: str,
        wage: tuple[int, int],
        ages: tuple[int | None, int | None],
        start_in: int | None,
        expires_in: int,
        route: str,
        **values: Any,
    ) -> dict[str, Any]:
        if route not in self.ref.routes:
            raise ValueError(f"routes.toml has no route {route!r}")
        return {
            "employer_index": employer_index,
            "title": values["title"],
            "occupation_code": self.ref.occupations[occupation]["code"],
            "description": values["description"],
            "skills": list(values["skills"]),
            "certificates_required": list(values["certificates_required"]),
            "headcount": values["headcount"],
            "filled": values["filled"],
            "wage_min": wage[0],
            "wage_max": wage[1],
            "region_code": values["region_code"],
            "age_min": ages[0],
            "age_max": ages[1],
            "housing": values["housing"],
            "board": values["board"],
            "start_date": None if start_in is None else self.today + timedelta(days=start_in),
            "expires_on": self.today + timedelta(days=expires_in),
            "status": values["status"],
            "route": route,
            "public_welfare": values["public_welfare"],
            "internal": False,
        }

    # ------------------------------------------------------------------------------------------------ workers

    def workers(self, count: int) -> list[dict[str, Any]]:
        rng = self.rng("workers")
        rows = [self._article_person(rng, person) for person in _ARTICLE_PEOPLE[: max(0, count)]]
        welders = min(8, max(0, count - len(rows)))
        rows += [self._worker(rng, welder=True) for _ in range(welders)]
        rows += [self._worker(rng) for _ in range(count - len(rows))]
        return rows

    def _worker_row(
        self, rng: random.Random, *, county: str, region: str, age: int, sex: str, **values: Any
    ) -> dict[str, Any]:
        birth = values.pop("birth_date", None) or self.birth_date(age, rng)
        return {
            "name": values["name"],
            "id_number": self.id_number(county, birth, sex == "M", rng),
            "phone": self.phone(rng),
            "region_code": region,
            "birth_date": birth,
            "sex": sex,
            "education": values["education"],
            "skills": values["skills"],
            "certificates": values["certificates"],
            "desired_occupations": values["desired_occupations"],
            "desired_training": values["desired_training"],
            "completed_training": values["completed_training"],
            "experience_years": values.get("experience_years", []),
            "mobility": values["mobility"],
            "expected_wage": values["expected_wage"],
            "available_from": values.get("available_from"),
            "status": values["status"],
            "poverty_registered": values["poverty_registered"],
            "disability": values["disability"],
            "consent_to_share": values["consent_to_share"],
            "verified": True,
        }

    def _article_person(self, rng: random.Random, person: Mapping[str, Any]) -> dict[str, Any]:
        township = person["township"]
        region = self.ref.village(township, person["villages"])
        age = person["age"]
        # 李国旗 is 36 (the article's words) all through the year; the others were born some day of the year
        birth = date(self.today.year - age, 1, 1) if person["exact_age"] else self.birth_date(age, rng)
        values = {k: v for k, v in person.items() if k not in ("township", "villages", "age", "exact_age")}
        return self._worker_row(rng, county=township[:6], region=region, age=age, birth_date=birth, **values)

    def _worker(self, rng: random.Random, *, welder: bool = False) -> dict[str, Any]:
        ref = self.ref
        county = _pick(rng, COUNTY_WEIGHTS)
        region = rng.choice(ref.villages[county])
        low, high, _ = rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
        age = rng.randint(23, 46) if welder else rng.randint(low, high)
        sex = "M" if welder or rng.random() < 0.53 else "F"
        era = "old" if age >= 40 else "young"
        name = self.person_name(rng, sex, era)
        table = ref.weighted({**COMMON_WORK, **{k: v * 1.5 for k, v in COUNTY_WORK[county].items()}})
        if sex == "M":
            table = {
                k: v * (3 if k in MALE_LEANING else 0.25 if k in FEMALE_LEANING else 1)
                for k, v in table.items()
            }
        else:
            table = {
                k: v * (3 if k in FEMALE_LEANING else 0.25 if k in MALE_LEANING else 1)
                for k, v in table.items()
            }
        primary = "焊工" if welder else _pick(rng, table)
        occ = ref.occupations[primary]
        experienced = welder or rng.random() < 0.85
        skills = (
            rng.sample(occ["skills"], k=min(len(occ["skills"]), rng.randint(1, 3))) if experienced else []
        )
        if welder and "电焊" not in skills:
            skills.insert(0, "电焊")
        wishes = [self.typed(rng, primary)]
        for _ in range(rng.choice((0, 1, 1, 2))):
            other = self.typed(rng, _pick(rng, table))
            if other not in wishes:
                wishes.append(other)
        certificates: list[str] = []
        completed: list[str] = []
        if welder:
            certificates = (
                ["焊工证"] if rng.random() < 0.7 else ["焊工证", "特种作业操作证（焊接与热切割作业）"]
            )
            completed = ["焊工"] if rng.random() < 0.6 else []
        elif experienced and rng.random() < CERT_SHARE.get(primary, 0.15):
            cert = self.certificate(rng, primary)
            if cert:
                certificates.append(cert)
                if rng.random() < 0.55:
                    completed.append(primary)
        if (
            experienced
            and "健康证" in occ["certificates"]
            and "健康证" not in certificates
            and rng.random() < 0.5
        ):
            certificates.append("健康证")
        extra = self.extra
        # years in the trade (an experienced worker, or a welder); some certificates as printed on the card
        experience = (
            [{"occupation": self.typed(extra, primary), "years": extra.choice((1, 2, 3, 5, 8, 12, 20))}]
            if experienced and extra.random() < 0.8
            else []
        )
        certificates = [
            CARD_NAMES[c] if c in CARD_NAMES and not welder and extra.random() < 0.3 else c
            for c in certificates
        ]
        training: list[str] = []
        if not experienced or rng.random() < 0.25:
            wish = _pick(rng, TRAINING_WISHES)
            training.append(wish)
            if not experienced:
                wishes.insert(0, wish)
        if welder:
            mobility = "national"
        else:
            weights = dict(MOBILITY_WEIGHTS)
            if age > 50 or (sex == "F" and 28 <= age <= 45):
                weights.update(village=0.10, township=0.16, county=0.34, national=0.16)
            mobility = _pick(rng, weights)
        skilled = primary in SKILLED or bool(certificates)
        if mobility in ("province", "national"):
            wage = rng.uniform(3500, 6000) + (1000 if skilled else 0)
        else:
            wage = rng.uniform(2000, 3800) + (700 if skilled else 0)
        status = "seeking" if welder else _pick(rng, WORKER_STATUS_WEIGHTS)
        available = None
        if status == "seeking" and rng.random() < 0.3:
            available = self.today + timedelta(days=rng.randint(0, 30))
        elif status == "in_training":
            available = self.today + timedelta(days=rng.randint(15, 60))
            if not training:
                training.append(self.typed(rng, primary))
        education = _pick(rng, EDUCATION_WEIGHTS[era])
        return self._worker_row(
            rng,
            county=county,
            region=region,
            age=age,
            sex=sex,
            name=name,
            education=education,
            skills=skills,
            certificates=certificates,
            desired_occupations=wishes,
            desired_training=training,
            completed_training=completed,
            experience_years=experience,
            mobility=mobility,
            expected_wage=None if rng.random() < 0.05 else _round100(wage),
            available_from=available,
            status=status,
            poverty_registered=rng.random() < 0.4,
            disability=rng.random() < 0.03,
            consent_to_share=welder or rng.random() < 0.92,
        )

    # ----------------------------------------------------------------------------------------------- households

    def households(self, workers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """防返贫 monitoring: about one registered-poor worker in four heads a monitored household of their
        village, with up to two other registered-poor workers of the same village as members."""
        rng = self.rng("households")
        by_village: dict[str, list[int]] = {}
        for index, worker in enumerate(workers):
            if worker["poverty_registered"] and len(worker["region_code"]) == 12:
                by_village.setdefault(worker["region_code"], []).append(index)
        categories = {"unstable": 0.5, "marginal": 0.35, "sudden": 0.15}
        risk_keys = [
            "illness",
            "disability",
            "schooling",
            "disaster",
            "accident",
            "unstable_work",
            "no_labour",
        ]
        rows: list[dict[str, Any]] = []
        for village in sorted(by_village):
            pool = by_village[village]
            while pool and rng.random() < 0.3:
                size = min(len(pool), rng.choice((1, 2, 2, 3)))
                members, pool = pool[:size], pool[size:]
                category = _pick(rng, categories)
                rows.append(
                    {
                        "head_name": workers[members[0]]["name"],
                        "region_code": village,
                        "category": category,
                        "left_poverty_year": rng.choice((2017, 2018, 2019, 2020))
                        if category == "unstable"
                        else None,
                        "risk_flags": sorted(rng.sample(risk_keys, rng.choice((1, 1, 2)))),
                        "next_visit_on": self.today + timedelta(days=rng.randint(-5, 30)),
                        "members": members,
                    }
                )
        return rows

    # ----------------------------------------------------------------------------------------------- accounts

    def accounts(self, has_employer: bool) -> list[dict[str, Any]]:
        rows = [
            _account("admin", "系统管理员", "admin", None),
            _account("city_staff", "濮阳市人社局 王建国", "staff", PUYANG),
            _account("qingfeng_staff", "清丰县人社局 李芳", "staff", "410922"),
        ]
        if has_employer:
            rows.append(
                _account("employer_demo", "昆山恒信钢结构 人事部 周敏", "employer", None, employer_index=0)
            )
        rows.append(_account("trainer_demo", "濮阳市职业技能培训学校 孙老师", "trainer", PUYANG))
        rows += [_account(u, d, "staff", r) for u, d, r in STAFF_ACCOUNTS]
        return rows


def _account(
    username: str, display_name: str, role: str, region_code: str | None, *, employer_index: int | None = None
) -> dict[str, Any]:
    return {
        "username": username,
        "display_name": display_name,
        "role": role,
        "region_code": region_code,
        "employer_index": employer_index,
    }


#: Certificates some workers write as the card prints them (the engine reads both the same way).
CARD_NAMES: Mapping[str, str] = {
    "电工证": "特种作业操作证（低压电工作业）",
    "叉车证": "特种设备作业人员证（N1 叉车司机）",
    "健康证": "健康证明",
}
#: Occupations outside the catalogue that local employers ask for (待归类), with the skills they name.
UNCLASSIFIED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("民宿管家", ("客房整理", "接待")),
    ("电子竞技运营师", ("赛事策划",)),
    ("剧本杀主持人", ("控场", "角色扮演")),
)

_ARTICLE_PEOPLE: tuple[dict[str, Any], ...] = (
    {
        "name": "赵晓权",
        "township": "410923201",  # 南乐县杨村乡
        "villages": ("吴村",),
        "age": 38,
        "exact_age": False,
        "sex": "M",
        "education": "junior",
        "skills": ["电焊", "手工电弧焊", "二氧化碳保护焊", "钢筋焊接"],
        "certificates": ["焊工证"],
        "experience_years": [{"occupation": "电焊工", "years": 3}],
        "desired_occupations": ["电焊工", "钢筋工"],
        "desired_training": [],
        "completed_training": ["焊工"],
        "mobility": "national",
        "expected_wage": 6000,
        "status": "seeking",
        "poverty_registered": True,
        "disability": False,
        "consent_to_share": True,
    },
    {
        "name": "李留朝",
        "township": "410922200",  # 清丰县高堡乡
        "villages": ("范村", "范石村"),
        "age": 42,
        "exact_age": False,
        "sex": "M",
        "education": "junior",
        "skills": ["食品加工", "食品生产线操作", "食品包装"],
        "certificates": ["健康证"],
        "experience_years": [{"occupation": "食品加工工", "years": 4}],
        "desired_occupations": ["食品加工工", "速冻食品制作工"],
        "desired_training": [],
        "completed_training": [],
        "mobility": "national",
        "expected_wage": 5000,
        "status": "seeking",
        "poverty_registered": True,
        "disability": False,
        "consent_to_share": True,
    },
    {
        "name": "李国旗",
        "township": "410928107",  # 濮阳县鲁河镇
        "villages": ("李家屯", "李家屯村", "李家庄"),
        "age": 36,
        "exact_age": True,
        "sex": "M",
        "education": "junior",
        "skills": ["剪发", "理发", "烫发", "吹风造型"],
        "certificates": ["美发师证"],
        "experience_years": [{"occupation": "理发", "years": 2}],
        "desired_occupations": ["美发师", "保健按摩师"],
        "desired_training": ["推拿师"],
        "completed_training": ["美发师"],
        "mobility": "county",
        "expected_wage": 3500,
        "status": "seeking",
        "poverty_registered": True,
        "disability": True,  # stutters (口吃)
        "consent_to_share": True,
    },
    {
        "name": "张秀花",
        "township": "410927200",  # 台前县夹河乡
        "villages": ("南丁桥", "南丁桥村"),
        "age": 47,
        "exact_age": False,
        "sex": "F",
        "education": "primary",
        "skills": ["热菜烹调", "早餐制作", "小吃制作", "刀工"],
        "certificates": ["中式烹调师证", "健康证"],
        "experience_years": [{"occupation": "小吃经营者", "years": 1}],
        "desired_occupations": ["厨师", "小吃经营者"],
        "desired_training": ["面点师"],
        "completed_training": ["中式烹调师"],
        "mobility": "township",
        "expected_wage": 3000,
        "status": "seeking",
        "poverty_registered": True,
        "disability": False,
        "consent_to_share": True,
    },
)


def _apportion(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Split ``total`` by ``shares`` (largest remainders), giving each kind at least one when there is room."""
    exact = {k: total * s for k, s in shares.items()}
    out = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), list(shares).index(k))):
        if sum(out.values()) >= total:
            break
        out[k] += 1
    if total >= len(shares):
        for k in shares:
            if out[k] == 0:
                donor = max(out, key=lambda d: out[d])
                out[donor] -= 1
                out[k] += 1
    return out


def build_demo(
    seed: int = 2019,
    *,
    workers: int = 3000,
    job_orders: int = 400,
    employers: int = 200,
    today: date | None = None,
) -> DemoData:
    """The demo city's rows for ``seed``: equal seeds (and days) give equal rows.

    ``today`` (default: the current date) only moves dates: expiry and start dates, availability, and birth dates
    so that ages stay 16–60; names, ID sequence codes, phones and everything else depend on the seed alone.
    At least one employer is needed for job orders and the employer account; with fewer than four workers only
    the first of the article's people are included.
    """
    builder = _Builder(seed, today or date.today())
    employer_rows, kinds = builder.employers(employers)
    worker_rows = builder.workers(workers)
    return DemoData(
        employers=employer_rows,
        job_orders=builder.job_orders(job_orders, employer_rows, kinds),
        workers=worker_rows,
        accounts=builder.accounts(bool(employer_rows)),
        households=builder.households(worker_rows),
    )


def _insert_households(session: Session, data: DemoData) -> None:
    from webapp.models.households import Household, HouseholdMember
    from webapp.services.households import categories

    numbers = [w["id_number"] for w in data.workers]
    ids = dict(
        session.execute(select(Worker.id_number, Worker.id).where(Worker.id_number.in_(numbers))).all()
    )
    plans = categories()
    for row in data.households:
        values = {k: v for k, v in row.items() if k != "members"}
        household = Household(**values, visit_every_days=plans[row["category"]]["visit_every_days"])
        household.members = [
            HouseholdMember(worker_id=ids[numbers[i]], relation="head" if n == 0 else "other")
            for n, i in enumerate(row["members"])
        ]
        session.add(household)


def load_demo(
    session: Session,
    *,
    workers: int = 3000,
    job_orders: int = 400,
    employers: int = 200,
    seed: int = 2019,
    today: date | None = None,
) -> dict[str, int]:
    """Write the demo city into an empty database in one transaction; return the counts by Chinese label.

    Refuses with :class:`~webapp.errors.Conflict` (and writes nothing) when workers or accounts already exist,
    so that running ``make run`` again keeps the data people entered. The region tree must be loaded first.
    """
    data = build_demo(seed, workers=workers, job_orders=job_orders, employers=employers, today=today)
    with transaction(session):
        taken = session.scalar(select(Worker.id).limit(1)) is not None
        taken = taken or session.scalar(select(User.id).limit(1)) is not None
        if taken:
            raise Conflict(
                "数据库中已有求职人员或账号，演示数据只能载入空数据库；如需重新载入，请先清空数据库。"
            )
        if data.employers:
            session.execute(insert(Employer), data.employers)
        wanted = {row["uscc"] for row in data.employers}
        ids = {u: i for u, i in session.execute(select(Employer.uscc, Employer.id)) if u in wanted}
        uscc_of = [row["uscc"] for row in data.employers]
        if data.job_orders:
            orders = []
            for row in data.job_orders:
                values = dict(row)
                values["employer_id"] = ids[uscc_of[values.pop("employer_index")]]
                orders.append(values)
            session.execute(insert(JobOrder), orders)
        if data.workers:
            session.execute(insert(Worker), data.workers)
        if data.households:
            _insert_households(session, data)
        password_hash = ""
        for account in data.accounts:  # the documented password must pass the check every person's does
            check_password_strength(DEMO_PASSWORD, user_inputs=[account["username"], account["display_name"]])
        for account in data.accounts:
            values = dict(account)
            index = values.pop("employer_index")
            user = User(**values, employer_id=None if index is None else ids[uscc_of[index]])
            if not password_hash:  # one slow, salted hash shared by the accounts: they share the password
                user.set_password(DEMO_PASSWORD)
                password_hash = user.password_hash
            user.password_hash = password_hash
            session.add(user)
    return data.counts()
