"""Short Chinese reasons for a match, built from a small, hashable *evidence* record.

Both engines compute the same :class:`Evidence` for a pair (the fast one vectorised, for its top-k only) and call
:func:`reasons`, so the words never differ between them; the fast engine memoises on the evidence.

Example:
    >>> from matcher.taxonomy import Taxonomy
    >>> tax = Taxonomy.from_records([{"code": "W", "name_zh": "焊工", "certificates": ["焊工证"]}])
    >>> reasons(Evidence("o:W", OCC_DIRECT, None, "c:焊工证", None, 5, 0, WAGE_OK, False, True, years=6), tax)
    ('工种对口：焊工（从业6年）', '持有焊工证', '期望工种第一志愿', '愿意跨省', '工资符合期望', '建档立卡优先')
"""

from __future__ import annotations

from typing import NamedTuple

from matcher.taxonomy import OCC, Taxonomy

__all__ = [
    "NO_WISHES",
    "NOT_WISHED",
    "OCC_CATEGORY",
    "OCC_DIRECT",
    "OCC_KEYWORD",
    "OCC_NONE",
    "OCC_RELATED",
    "OCC_TRAINED",
    "WAGE_BELOW",
    "WAGE_OK",
    "WAGE_UNKNOWN",
    "Evidence",
    "PRIORITY_REASON",
    "mobility_refusal",
    "reason_component",
    "reasons",
]

OCC_NONE, OCC_DIRECT, OCC_KEYWORD, OCC_CATEGORY, OCC_RELATED, OCC_TRAINED = 0, 1, 2, 3, 4, 5
WAGE_UNKNOWN, WAGE_OK, WAGE_BELOW = 0, 1, 2
NOT_WISHED, NO_WISHES = -1, -2

_NUMERALS = "一二三四五六七八九十"

# Indexed by the closest shared level (index into MOBILITY_LEVELS: village … national).
_DISTANCE_REASONS = ("就近就业", "就近就业", "本县就业", "本市就业", "愿意跨市", "愿意跨省")
_REFUSALS = ("", "不愿出村", "不愿出乡镇", "不愿出县", "不愿跨市", "不愿跨省")
PRIORITY_REASON = "建档立卡优先"
#: The score component each reason of :func:`reasons` explains, by the fixed start of its text.
_REASON_COMPONENTS = (
    ("工种对口", "occupation"),
    ("掌握相关技能", "occupation"),
    ("同类工种", "occupation"),
    ("持有", "certificates"),
    ("缺少", "certificates"),
    ("期望工种", "wish"),
    ("工资", "wage"),
    ("已完成", "training"),
    (PRIORITY_REASON, "priority"),
    *((text, "distance") for text in _DISTANCE_REASONS),
)


class Evidence(NamedTuple):
    """What the reasons of one match are made of.

    ``occupation_kind`` says which part carried the occupation fit (``OCC_DIRECT``: the worker has the order's
    occupation; ``OCC_KEYWORD``: a skill of the order, ``keyword``; ``OCC_RELATED``: experience in the related
    occupation ``related``; ``OCC_TRAINED``: a completed course only; ``OCC_CATEGORY``: an occupation of the
    same category); ``years``: years of experience in the order's occupation; ``via``: how the worker's text for
    it was recognised, when by a typo or fuzzy match;
    ``held``/``missing``: the first certificate held / required but missing; ``level``: index of the closest
    shared region level; ``wish``: 0-based position of the occupation among the wishes, ``NOT_WISHED`` or
    ``NO_WISHES``; ``wage``: ``WAGE_OK``, ``WAGE_BELOW`` (the order pays less than expected) or ``WAGE_UNKNOWN``.
    """

    occupation: str | None
    occupation_kind: int
    keyword: str | None
    held: str | None
    missing: str | None
    level: int
    wish: int
    wage: int
    trained: bool
    poverty: bool
    related: str | None = None
    years: int = 0
    via: str | None = None


def _ordinal(position: int) -> str:
    n = position + 1
    return _NUMERALS[n - 1] if n <= len(_NUMERALS) else str(n)


def _certificate(term: str, taxonomy: Taxonomy) -> str:
    shown = taxonomy.display(term)
    return f"{shown}证书" if term.startswith(OCC) else shown


def reasons(ev: Evidence, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The short Chinese phrases for one match, most telling first.

    Example:
        >>> reasons(Evidence(None, OCC_NONE, None, None, None, 2, NO_WISHES, WAGE_BELOW, False, False), Taxonomy([]))
        ('本县就业', '工资低于期望')
    """
    out: list[str] = []
    occ_name = taxonomy.display(ev.occupation) if ev.occupation is not None else ""
    if ev.occupation_kind == OCC_DIRECT:
        notes = [f"从业{ev.years}年"] if ev.years > 0 else []
        if ev.via is not None:
            notes.append(f"按{ev.via}")
        out.append(f"工种对口：{occ_name}" + (f"（{'，'.join(notes)}）" if notes else ""))
    elif ev.occupation_kind == OCC_KEYWORD and ev.keyword is not None:
        out.append(f"掌握相关技能：{taxonomy.display(ev.keyword)}")
    elif ev.occupation_kind == OCC_RELATED and ev.related is not None:
        out.append(f"按近似工种匹配：{taxonomy.display(ev.related)}≈{occ_name}")
    elif ev.occupation_kind == OCC_TRAINED:
        out.append(f"培训对口：{occ_name}（无从业经历）")
    elif ev.occupation_kind == OCC_CATEGORY:
        out.append("同类工种")
    if ev.held is not None:
        out.append(f"持有{_certificate(ev.held, taxonomy)}")
    if ev.missing is not None:
        out.append(f"缺少{_certificate(ev.missing, taxonomy)}")
    if ev.wish >= 0:
        out.append(f"期望工种第{_ordinal(ev.wish)}志愿")
    out.append(_DISTANCE_REASONS[ev.level])
    if ev.wage == WAGE_OK:
        out.append("工资符合期望")
    elif ev.wage == WAGE_BELOW:
        out.append("工资低于期望")
    if ev.trained:
        out.append(f"已完成{occ_name}培训")
    if ev.poverty:
        out.append(PRIORITY_REASON)
    return tuple(out)


def reason_component(reason: str) -> str | None:
    """The score component (``matcher.settings.COMPONENTS``) that a reason of :func:`reasons` explains, so that a
    viewer not allowed to see a component is not told it in words either.

    Example:
        >>> reason_component("建档立卡优先"), reason_component("持有焊工证"), reason_component("本县就业")
        ('priority', 'certificates', 'distance')
    """
    return next((component for start, component in _REASON_COMPONENTS if reason.startswith(start)), None)


def mobility_refusal(level: int) -> str:
    """Why a worker will not take work whose closest shared region level has index ``level``.

    Example:
        >>> mobility_refusal(5), mobility_refusal(3)
        ('不愿跨省', '不愿出县')
    """
    return _REFUSALS[level]
