"""The labelled evaluation set of the matching engine: 44 job orders × 250 workers, every pair graded 0–3.

Written by hand for this project (not drawn from the engine or from ``config/``): each worker has a *truth* —
the trade they really practise, for how many years, the licences they really hold, a course completed without
practice, a wish — and the texts a clerk or the worker typed for it (colloquial and dialect names, traditional
characters, one-character typos, certificate names as printed on the card). Each order has its true trade, the
licences the job legally needs (our own reading of ``shared/seed/LICENCES.md``, listed in :data:`LEGAL`), and the
text typed for it. Grades follow from the truths alone (:func:`grade`):

- 3 — practises the order's trade and holds every licence the job needs;
- 2 — practises a close trade (:data:`CLOSE`), or completed a course in the order's trade, licences held;
- 1 — practises a trade of the same family (:data:`FAMILY`) or only wishes for the order's trade, licences held;
- 0 — anything else; a worker of grades 1–3 who lacks a needed licence is 0 *and ineligible*.

Workers are built from :data:`TRADES` by a seeded generator so the 250 differ in years, certificates and
wording, but every text they carry comes from the hand-written lists below.

Example:
    >>> ds = build()
    >>> len(ds.orders), len(ds.workers)
    (44, 250)
    >>> sorted({o.category for o in ds.orders})[:3]
    ['certificate', 'colloquial', 'hard_constraint']
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["CATEGORIES", "Dataset", "EvalOrder", "EvalWorker", "build", "grade", "ineligible"]

#: The challenge each order stands for (figures are reported per category).
CATEGORIES = (
    "colloquial",
    "traditional",
    "typo",
    "certificate",
    "related",
    "unknown",
    "misleading",
    "hard_constraint",
)

# Licence kinds of the truth (our own names, not the catalogue's ids).
WELD, ELEC_LOW, ELEC_HIGH, FORK, CRANE, BOILER, GUARD, HEALTH = (
    "weld",
    "elec_low",
    "elec_high",
    "forklift",
    "crane",
    "boiler",
    "guard",
    "health",
)
DRIVE_A2, DRIVE_B2, DRIVE_C1 = "A2", "B2", "C1"

#: Licences the law needs for a trade: each inner tuple is one need, met by any licence listed in it.
LEGAL: dict[str, tuple[tuple[str, ...], ...]] = {
    "焊工": ((WELD,),),
    "电工": ((ELEC_LOW, ELEC_HIGH),),  # our bureau lets a high-voltage card cover low-voltage work
    "叉车司机": ((FORK,),),
    "货车司机": ((DRIVE_B2, DRIVE_A2),),  # A2 covers B2
    "塔吊司机": ((CRANE,),),
    "锅炉操作工": ((BOILER,),),
    "保安员": ((GUARD,),),
    "中式烹调师": ((HEALTH,),),
}

#: Close trades (grade 2): practising the second is good for an order of the first.
CLOSE: dict[str, tuple[str, ...]] = {
    "育婴员": ("保育员", "母婴护理员"),
    "保育员": ("育婴员",),
    "母婴护理员": ("育婴员",),
    "车工": ("数控车工", "铣工"),
    "数控车工": ("车工",),
    "铣工": ("车工", "数控车工"),
    "电子装配工": ("注塑工",),
    "快件处理员": ("快递员", "装卸工"),
    "快递员": ("快件处理员",),
    "民宿管家": ("客房服务员",),
    "客房服务员": ("民宿管家",),
    "养老护理员": ("母婴护理员",),
}

#: Trade families (grade 1 between different trades of one family).
FAMILY: dict[str, str] = {
    "焊工": "metal",
    "车工": "metal",
    "数控车工": "metal",
    "铣工": "metal",
    "电工": "building",
    "塔吊司机": "building",
    "挖掘机司机": "building",
    "叉车司机": "logistics",
    "货车司机": "logistics",
    "快递员": "logistics",
    "快件处理员": "logistics",
    "装卸工": "logistics",
    "育婴员": "care",
    "保育员": "care",
    "母婴护理员": "care",
    "养老护理员": "care",
    "缝纫工": "sewing",
    "电子装配工": "factory",
    "注塑工": "factory",
    "中式烹调师": "catering",
    "客房服务员": "hotel",
    "民宿管家": "hotel",
    "保洁员": "cleaning",
    "保安员": "security",
    "锅炉操作工": "energy",
    "美发师": "beauty",
    "电子竞技运营师": "office",
}


@dataclass(frozen=True)
class Trade:
    """How people type one trade and its licences.

    ``names``: texts typed for the trade (skills or occupation fields); ``wishes``: texts typed as a wish;
    ``licences``: (licence kind, typed certificate text) pairs a practitioner may hold; ``short``: typed licence
    texts that do *not* meet the need (e.g. a C1 for a truck); ``skills``: extra skill words.
    """

    names: tuple[str, ...]
    licences: tuple[tuple[str, str], ...] = ()
    short: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    count: int = 8


TRADES: dict[str, Trade] = {
    "焊工": Trade(
        ("电焊工", "电焊", "焊工师傅", "電焊工", "电汗工", "氩弧焊工", "二保焊工", "焊工"),
        (
            (WELD, "焊工证"),
            (WELD, "电焊证"),
            (WELD, "電焊證"),
            (WELD, "特种作业操作证（焊接与热切割作业）"),
            (WELD, "熔化焊接与热切割作业操作证"),
        ),
        skills=("氩弧焊", "二保焊", "看图纸"),
        count=12,
    ),
    "电工": Trade(
        ("电工", "电工师傅", "電工", "维修电工", "低压电工", "店工"),
        (
            (ELEC_LOW, "电工证"),
            (ELEC_LOW, "低压证"),
            (ELEC_HIGH, "高压证"),
            (ELEC_LOW, "特种作业操作证（低压电工作业）"),
            (ELEC_LOW, "電工證"),
        ),
        skills=("配电", "接线"),
        count=11,
    ),
    "叉车司机": Trade(
        ("叉车司机", "开叉车", "叉車司機", "叉车师傅", "插车司机", "叉车工"),
        ((FORK, "叉车证"), (FORK, "N1证"), (FORK, "特种设备作业人员证（N1叉车司机）"), (FORK, "叉車證")),
        count=11,
    ),
    "货车司机": Trade(
        ("大车司机", "货车司机", "开大车", "貨車司機", "卡车司机", "货车师傅"),
        ((DRIVE_B2, "B2驾照"), (DRIVE_A2, "A2驾照"), (DRIVE_B2, "驾照B2"), (DRIVE_A2, "A照")),
        short=("C1驾照", "小车本"),
        count=11,
    ),
    "塔吊司机": Trade(
        ("塔吊司机", "开塔吊", "塔機司機", "塔吊师傅"),
        ((CRANE, "塔吊证"), (CRANE, "Q2证"), (CRANE, "特种设备作业人员证（Q2起重机司机）")),
        count=7,
    ),
    "锅炉操作工": Trade(
        ("司炉工", "烧锅炉", "锅炉工", "鍋爐工"),
        ((BOILER, "司炉证"), (BOILER, "G1证"), (BOILER, "特种设备作业人员证（G1工业锅炉司炉）")),
        count=7,
    ),
    "保安员": Trade(
        ("保安", "保安員", "看门保安", "保安员"),
        ((GUARD, "保安证"), (GUARD, "保安員證"), (GUARD, "保安员证")),
        count=10,
    ),
    "中式烹调师": Trade(
        ("厨师", "大厨", "炒菜师傅", "廚師", "中餐厨师", "橱师"),
        ((HEALTH, "健康证"), (HEALTH, "健康證明"), (HEALTH, "健康证明")),
        skills=("炒菜", "川菜", "豫菜"),
        count=11,
    ),
    "育婴员": Trade(("育婴师", "育儿嫂", "育嬰員", "育婴员", "育婴园"), count=8),
    "保育员": Trade(("保育员", "幼儿园保育", "保育員", "保育阿姨"), count=8),
    "母婴护理员": Trade(("月嫂", "母婴护理", "月子保姆", "母嬰護理員", "月扫"), count=9),
    "养老护理员": Trade(("护工", "养老护理", "老人护理", "養老護理員"), count=8),
    "缝纫工": Trade(("缝纫工", "车位工", "衣车工", "服装车工", "縫紉工", "平车工"), count=11),
    "车工": Trade(("车工", "车床工", "開車床", "車床工", "普车工"), count=8),
    "铣工": Trade(("铣工", "铣床工", "銑工", "洗工"), count=7),
    "数控车工": Trade(("数控车床", "CNC车工", "ＣＮＣ车床", "数控车工"), count=7),
    "电子装配工": Trade(("电子装配", "插件工", "電子裝配", "电子装配工"), count=8),
    "注塑工": Trade(("注塑工", "注塑机操作", "啤机工", "註塑工"), count=8),
    "快件处理员": Trade(("分拣员", "快递分拣", "分拣工", "快件处理员"), count=8),
    "快递员": Trade(("快递员", "快递小哥", "送快递", "快遞員"), count=8),
    "装卸工": Trade(("搬运工", "装卸工", "装卸", "裝卸工"), count=7),
    "客房服务员": Trade(("客房服务员", "酒店客房", "做房阿姨", "客房服務員"), count=8),
    "民宿管家": Trade(("民宿管家", "民宿管家"), count=4),
    "电子竞技运营师": Trade(("电子竞技运营师",), count=3),
    "保洁员": Trade(("保洁", "保洁阿姨", "打扫卫生", "保潔員"), count=8),
    "美发师": Trade(("理发师", "剃头师傅", "美髮師", "发型师"), count=8),
    "挖掘机司机": Trade(("挖机师傅", "勾机司机", "挖掘機司機", "挖掘机司机"), count=7),
}


@dataclass(frozen=True)
class EvalWorker:
    """A worker with truth and typed texts."""

    id: int
    trade: str  # truth: practised trade ("" for a trainee or a wish-only worker)
    years: int
    licences: frozenset[str]
    trained: str = ""  # truth: course completed in this trade, never practised
    wish: str = ""  # truth: only wishes for this trade
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    desired: tuple[str, ...] = ()
    completed_training: tuple[str, ...] = ()
    experience: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class EvalOrder:
    """A job order with truth and typed texts."""

    id: int
    trade: str
    category: str
    occupation: str
    certificates_required: tuple[str, ...] = ()
    extra_need: tuple[tuple[str, ...], ...] = ()  # licences the order itself requires (beyond the law)
    skills: tuple[str, ...] = ()

    @property
    def needs(self) -> tuple[tuple[str, ...], ...]:
        return LEGAL.get(self.trade, ()) + self.extra_need


#: The orders: (true trade, category, typed occupation, typed required certificates, extra needs).
_ORDERS: tuple[tuple[str, str, str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    ("焊工", "colloquial", "急招电焊师傅", (), ()),
    ("货车司机", "colloquial", "大车司机", (), ()),
    ("中式烹调师", "colloquial", "炒菜师傅", (), ()),
    ("母婴护理员", "colloquial", "月嫂", (), ()),
    ("缝纫工", "colloquial", "车位工", (), ()),
    ("挖掘机司机", "colloquial", "勾机司机", (), ()),
    ("焊工", "traditional", "電焊工", (), ()),
    ("缝纫工", "traditional", "縫紉工", (), ()),
    ("保安员", "traditional", "保安員", (), ()),
    ("养老护理员", "traditional", "養老護理員", (), ()),
    ("美发师", "traditional", "美髮師", (), ()),
    ("焊工", "typo", "电汗工", (), ()),
    ("叉车司机", "typo", "插车司机", (), ()),
    ("母婴护理员", "typo", "月扫", (), ()),
    ("育婴员", "typo", "育婴园", (), ()),
    ("中式烹调师", "typo", "橱师", (), ()),
    ("电工", "certificate", "电工", ("特种作业操作证（低压电工作业）",), ()),
    ("货车司机", "certificate", "货车司机", ("B2驾照",), ()),
    ("叉车司机", "certificate", "叉车司机", ("特种设备作业人员证 N1",), ()),
    ("塔吊司机", "certificate", "塔吊司机", ("Q2",), ()),
    ("锅炉操作工", "certificate", "司炉工", ("G1工业锅炉司炉",), ()),
    ("育婴员", "related", "育婴员", (), ()),
    ("电子装配工", "related", "电子装配工", (), ()),
    ("车工", "related", "车工", (), ()),
    ("快件处理员", "related", "仓库分拣", (), ()),
    ("保育员", "related", "保育员", (), ()),
    ("铣工", "related", "铣工", (), ()),
    ("民宿管家", "unknown", "民宿管家", (), ()),
    ("电子竞技运营师", "unknown", "电子竞技运营师", (), ()),
    ("客房服务员", "unknown", "酒店做房", (), ()),
    ("快递员", "unknown", "快递小哥", (), ()),
    ("车工", "misleading", "车工", (), ()),
    ("母婴护理员", "misleading", "母婴护理员", (), ()),
    ("养老护理员", "misleading", "养老护理员", (), ()),
    ("保育员", "misleading", "保育员", (), ()),
    ("数控车工", "misleading", "数控车工", (), ()),
    ("焊工", "hard_constraint", "焊工", (), ()),
    ("电工", "hard_constraint", "电工", (), ()),
    ("叉车司机", "hard_constraint", "叉车司机", (), ()),
    ("保安员", "hard_constraint", "保安员", (), ()),
    ("货车司机", "hard_constraint", "货车司机", (), ()),
    ("中式烹调师", "hard_constraint", "厨师", (), ()),
    ("锅炉操作工", "hard_constraint", "锅炉工", (), ()),
    ("塔吊司机", "hard_constraint", "塔吊", (), ()),
)


@dataclass(frozen=True)
class Dataset:
    orders: tuple[EvalOrder, ...]
    workers: tuple[EvalWorker, ...]
    grades: dict[tuple[int, int], int] = field(default_factory=dict)  # (order id, worker id) → grade
    ineligible: frozenset[tuple[int, int]] = frozenset()


def _meets(needs: tuple[tuple[str, ...], ...], licences: frozenset[str]) -> bool:
    return all(any(option in licences for option in need) for need in needs)


def grade(order: EvalOrder, worker: EvalWorker) -> int:
    """The grade of a pair from the truths (see the module docstring).

    Example:
        >>> o = EvalOrder(1, "焊工", "hard_constraint", "焊工")
        >>> grade(o, EvalWorker(1, "焊工", 5, frozenset({WELD}))), grade(o, EvalWorker(2, "焊工", 5, frozenset()))
        (3, 0)
    """
    if not _meets(order.needs, worker.licences):
        return 0
    if worker.trade == order.trade:
        return 3
    if worker.trade in CLOSE.get(order.trade, ()) or worker.trained == order.trade:
        return 2
    family = FAMILY.get(order.trade)
    if worker.wish == order.trade or (
        worker.trade and family is not None and FAMILY.get(worker.trade) == family
    ):
        return 1
    return 0


def ineligible(order: EvalOrder, worker: EvalWorker) -> bool:
    """A worker who would be useful but lacks a licence the job needs.

    Example:
        >>> ineligible(EvalOrder(1, "焊工", "hard_constraint", "焊工"), EvalWorker(1, "焊工", 5, frozenset()))
        True
    """
    if _meets(order.needs, worker.licences):
        return False
    useful = (
        worker.trade == order.trade
        or worker.trade in CLOSE.get(order.trade, ())
        or worker.trained == order.trade
        or worker.wish == order.trade
    )
    return useful


def _workers(rng: random.Random) -> list[EvalWorker]:
    out: list[EvalWorker] = []
    next_id = 1
    for name, trade in TRADES.items():
        for j in range(trade.count):
            typed = trade.names[j % len(trade.names)]
            years = rng.choice((0, 1, 2, 3, 5, 8, 12))
            licences: set[str] = set()
            certs: list[str] = []
            if trade.licences:
                roll = j % 4
                if roll in (0, 1, 2):  # three in four hold a proper licence, typed in some way
                    kind, text = trade.licences[(j // 4 + j) % len(trade.licences)]
                    licences.add(kind)
                    certs.append(text)
                elif trade.short:  # the fourth holds a licence that falls short, or none
                    certs.append(trade.short[j % len(trade.short)])
            skills = [typed]
            if trade.skills and j % 3 == 0:
                skills.append(trade.skills[j % len(trade.skills)])
            desired = (typed,) if j % 2 == 0 else ()
            if name in LEGAL and DRIVE_C1 not in licences and any(c in ("C1驾照", "小车本") for c in certs):
                licences.add(DRIVE_C1)
            experience = ((typed, years),) if years else ()
            out.append(
                EvalWorker(
                    id=next_id,
                    trade=name,
                    years=years,
                    licences=frozenset(licences),
                    skills=tuple(skills),
                    certificates=tuple(certs),
                    desired=desired,
                    experience=experience,
                )
            )
            next_id += 1
    # trainees: a completed course, no practice (and, for licensed trades, sometimes the card from the course)
    trainees = (
        ("焊工", "电焊", WELD, "焊工证"),
        ("焊工", "焊工", None, None),
        ("中式烹调师", "厨师", HEALTH, "健康证"),
        ("母婴护理员", "月嫂", None, None),
        ("育婴员", "育婴员", None, None),
        ("美发师", "美发", None, None),
        ("电工", "电工", ELEC_LOW, "低压电工作业证"),
        ("缝纫工", "缝纫", None, None),
        ("叉车司机", "叉车", FORK, "叉车证"),
        ("保育员", "保育员", None, None),
    )
    for trade_name, course, kind, card in trainees:
        out.append(
            EvalWorker(
                id=next_id,
                trade="",
                years=0,
                licences=frozenset({kind}) if kind else frozenset(),
                trained=trade_name,
                completed_training=(course,),
                certificates=(card,) if card else (),
            )
        )
        next_id += 1
    # wish-only workers: they name a trade they want, nothing more
    wishes = (
        ("焊工", "想学电焊"),
        ("保安员", "保安"),
        ("快递员", "快递"),
        ("缝纫工", "缝纫"),
        ("车工", "车工"),
    )
    for trade_name, text in wishes:
        out.append(
            EvalWorker(id=next_id, trade="", years=0, licences=frozenset(), wish=trade_name, desired=(text,))
        )
        next_id += 1
    # everyone else: general labourers with free text the catalogue need not know
    fillers = ("普工", "能吃苦", "会开车", "种地", "服从安排", "打零工", "力气大", "身体好")
    while len(out) < 250:
        text = fillers[len(out) % len(fillers)]
        out.append(EvalWorker(id=next_id, trade="", years=0, licences=frozenset(), skills=(text,)))
        next_id += 1
    return out


def build(seed: int = 20191217) -> Dataset:
    """The whole set, graded.

    Example:
        >>> ds = build()
        >>> sum(1 for g in ds.grades.values() if g == 3) > 100
        True
    """
    rng = random.Random(seed)
    workers = _workers(rng)
    orders = [
        EvalOrder(
            id=1000 + i, trade=t, category=c, occupation=typed, certificates_required=req, extra_need=extra
        )
        for i, (t, c, typed, req, extra) in enumerate(_ORDERS, start=1)
    ]
    grades = {(o.id, w.id): grade(o, w) for o in orders for w in workers}
    bad = frozenset((o.id, w.id) for o in orders for w in workers if ineligible(o, w))
    return Dataset(tuple(orders), tuple(workers), grades, bad)
