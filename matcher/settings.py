"""Scoring settings and the frozen bundle of everything a match needs.

Example:
    >>> cfg = ScoringConfig.from_dict({"weights": {"occupation": 0.5, "wage": 0.5}})
    >>> cfg.weight("occupation"), cfg.weight("training"), cfg.min_working_age
    (0.5, 0.0, 16)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from matcher.regions import RegionTree
from matcher.taxonomy import Taxonomy
from matcher.types import MOBILITY_LEVELS

__all__ = ["COMPONENTS", "DEFAULT_SCORING", "MatchContext", "ScoringConfig"]

#: Score components, in the order in which the weighted sum is taken.
COMPONENTS: tuple[str, ...] = (
    "occupation",
    "certificates",
    "distance",
    "wage",
    "wish",
    "training",
    "priority",
)

#: The settings used for anything ``from_dict`` is not told (same shape as ``config/scoring.toml``).
DEFAULT_SCORING: Mapping[str, Any] = MappingProxyType(
    {
        "weights": {
            "occupation": 0.35,
            "certificates": 0.15,
            "distance": 0.15,
            "wage": 0.15,
            "wish": 0.10,
            "training": 0.05,
            "priority": 0.05,
        },
        "distance": {
            "village": 1.0,
            "township": 1.0,
            "county": 0.9,
            "city": 0.75,
            "province": 0.55,
            "national": 0.35,
        },
        "fuzzy": {"cutoff": 85},
        "age": {"min_working_age": 16, "max_working_age": 60},
        "ranking": {"default_k": 50, "min_score": 0.2},
        "training_needs": {"qualified_threshold": 0.6},
        "occupation": {"wish_only": 0.7, "same_category": 0.4, "trained": 0.6},
        "wish": {"step": 0.25, "none": 0.5},
        "certificates": {"not_required_missing": 0.5},
    }
)


def _unit(value: Any, what: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{what} must be in [0, 1], got {value!r}")
    return number


def _section(d: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = d.get(name)
    default: Mapping[str, Any] = DEFAULT_SCORING[name]
    if value is None:
        return default
    if not isinstance(value, Mapping):
        raise ValueError(f"scoring section {name!r} must be a table")
    return {**default, **value}


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Weights and knobs of the score (frozen). Build with :meth:`from_dict`.

    - ``weights``: component → weight ≥ 0 (missing components weigh 0; at least one must be positive).
    - ``distance``: closest shared region level → value in [0, 1].
    - ``wish_only_fit`` / ``same_category_fit`` / ``trained_fit``: occupation fit when the order's occupation is
      only wished for, only shares a category with the worker's occupations, or was only trained for (a
      completed course, no experience). Experience in a related occupation fits by its similarity.
    - ``wish_step`` / ``no_wish``: the wish component is ``max(0, 1 − step × position)`` for the position of
      the order's occupation among the wishes, 0 when not wished, ``no_wish`` when the worker stated no wishes.
    - ``not_required_missing``: certificate component when the order requires none, the occupation has
      certificates, and the worker holds none of them.

    Example:
        >>> ScoringConfig.from_dict({}).distance["national"]
        0.35
    """

    weights: Mapping[str, float]
    distance: Mapping[str, float]
    fuzzy_cutoff: float = 85.0
    min_working_age: int = 16
    max_working_age: int = 60
    default_k: int = 50
    min_score: float = 0.2
    qualified_threshold: float = 0.6
    wish_only_fit: float = 0.7
    same_category_fit: float = 0.4
    trained_fit: float = 0.6
    wish_step: float = 0.25
    no_wish: float = 0.5
    not_required_missing: float = 0.5
    weight_vector: tuple[float, ...] = field(default=(), repr=False)
    total_weight: float = field(default=0.0, repr=False)
    distance_vector: tuple[float, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown score components in weights: {sorted(unknown)}")
        vector = tuple(float(self.weights.get(c, 0.0)) for c in COMPONENTS)
        if any(w < 0 for w in vector) or sum(vector) <= 0:
            raise ValueError("weights must be ≥ 0 with a positive sum")
        missing = set(MOBILITY_LEVELS) - set(self.distance)
        if missing:
            raise ValueError(f"distance values missing for {sorted(missing)}")
        for level in MOBILITY_LEVELS:
            _unit(self.distance[level], f"distance.{level}")
        for name in (
            "min_score",
            "qualified_threshold",
            "wish_only_fit",
            "same_category_fit",
            "trained_fit",
            "no_wish",
        ):
            _unit(getattr(self, name), name)
        _unit(self.not_required_missing, "not_required_missing")
        if not 0 <= self.min_working_age <= self.max_working_age:
            raise ValueError("working ages must satisfy 0 ≤ min ≤ max")
        if self.wish_step < 0 or self.default_k < 1 or not 0 <= self.fuzzy_cutoff <= 100:
            raise ValueError("wish.step ≥ 0, ranking.default_k ≥ 1 and 0 ≤ fuzzy.cutoff ≤ 100 are required")
        object.__setattr__(
            self, "weights", MappingProxyType({c: float(self.weights.get(c, 0.0)) for c in COMPONENTS})
        )
        object.__setattr__(
            self, "distance", MappingProxyType({lv: float(self.distance[lv]) for lv in MOBILITY_LEVELS})
        )
        object.__setattr__(self, "weight_vector", vector)
        total = 0.0
        for w in vector:
            total += w
        object.__setattr__(self, "total_weight", total)
        object.__setattr__(self, "distance_vector", tuple(self.distance[lv] for lv in MOBILITY_LEVELS))

    def score_without(self, breakdown: Mapping[str, float], hidden: Collection[str]) -> float:
        """The score of ``breakdown`` as if the ``hidden`` components did not exist (the other weights
        renormalised), so that a viewer who may not see a component cannot work it out from the total.

        Example:
            >>> cfg = ScoringConfig.from_dict({"weights": {"occupation": 3, "priority": 1}})
            >>> cfg.score_without({"occupation": 0.5, "priority": 1.0}, ("priority",))
            0.5
        """
        total = 0.0
        weight = 0.0
        for name, w in zip(COMPONENTS, self.weight_vector, strict=True):
            if name not in hidden:
                total += w * breakdown.get(name, 0.0)
                weight += w
        return total / weight if weight > 0 else 0.0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScoringConfig:
        """Build from the plain mapping of ``config.load_scoring()``; sections or keys left out take the values of
        :data:`DEFAULT_SCORING` (except ``weights``: when given, components it leaves out weigh 0).

        Example:
            >>> ScoringConfig.from_dict({"ranking": {"min_score": 0.3}}).min_score
            0.3
        """
        weights = d.get("weights")
        if weights is not None and not isinstance(weights, Mapping):
            raise ValueError("scoring section 'weights' must be a table")
        age = _section(d, "age")
        ranking = _section(d, "ranking")
        occupation = _section(d, "occupation")
        wish = _section(d, "wish")
        return cls(
            weights=dict(weights if weights is not None else DEFAULT_SCORING["weights"]),
            distance=dict(_section(d, "distance")),
            fuzzy_cutoff=float(_section(d, "fuzzy")["cutoff"]),
            min_working_age=int(age["min_working_age"]),
            max_working_age=int(age["max_working_age"]),
            default_k=int(ranking["default_k"]),
            min_score=float(ranking["min_score"]),
            qualified_threshold=float(_section(d, "training_needs")["qualified_threshold"]),
            wish_only_fit=float(occupation["wish_only"]),
            same_category_fit=float(occupation["same_category"]),
            trained_fit=float(occupation["trained"]),
            wish_step=float(wish["step"]),
            no_wish=float(wish["none"]),
            not_required_missing=float(_section(d, "certificates")["not_required_missing"]),
        )

    def weight(self, component: str) -> float:
        """The weight of one component (see :data:`COMPONENTS`).

        Example:
            >>> ScoringConfig.from_dict({}).weight("wish")
            0.1
        """
        return self.weights[component]

    def wish_value(self, position: int) -> float:
        """The wish component for the order's occupation at 0-based ``position`` among the worker's wishes.

        Example:
            >>> ScoringConfig.from_dict({}).wish_value(1)
            0.75
        """
        return max(0.0, 1.0 - self.wish_step * position)


@dataclass(frozen=True, slots=True)
class MatchContext:
    """Everything a match depends on besides the two parties: taxonomy, region tree, settings, and the day on
    which ages are computed.

    Example:
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
        >>> ctx.today.year
        2019
    """

    taxonomy: Taxonomy
    regions: RegionTree
    scoring: ScoringConfig
    today: date
