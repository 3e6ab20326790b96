"""Profiles resolved to taxonomy terms: the one normalisation step shared by the reference definitions
(:mod:`matcher.score`) and the fast engine (:mod:`matcher.index`, :mod:`matcher.rank`).

A worker's texts become sets of terms (see :mod:`matcher.taxonomy`):

- ``experience`` — terms of skills, certificates, completed training, plus the occupation that owns each held
  certificate when exactly one occupation lists it (holding 焊工证 is evidence of being a 焊工; a 健康证,
  listed by many occupations, is evidence of none);
- ``wishes`` — terms of desired occupations in order (first occurrence kept);
- ``certificates`` — terms of certificates plus those owning occupations;
- ``training`` — terms of completed training; ``desired_training`` — terms of training wished for;
- ``categories`` — categories of every occupation in ``experience`` and ``wishes``.

An order becomes its occupation term ``occupation`` (``O``), its skill terms ``skills`` (``K``: the order's own,
else the taxonomy's skill keywords of ``O``), required certificate terms ``required`` (``R``) and, when nothing is
required, the occupation's usual certificates ``usual_certificates`` (``D``). Its ``keys`` (``O`` ∪ ``K`` ∪ ``R``)
decide who is a candidate: a worker is *relevant* when one of their terms is a key.

Example:
    >>> from matcher.regions import RegionTree
    >>> from matcher.settings import MatchContext, ScoringConfig
    >>> from matcher.taxonomy import Taxonomy
    >>> from matcher.types import JobOrderProfile, WorkerProfile
    >>> tax = Taxonomy.from_records([{"code": "W", "name_zh": "焊工", "synonyms": ["电焊"],
    ...                               "certificates": ["焊工证"]}])
    >>> ctx = MatchContext(tax, RegionTree([]), ScoringConfig.from_dict({}), date(2019, 12, 17))
    >>> sorted(resolve_worker(WorkerProfile(id=1, region_code="410923", certificates=("焊工证",)), ctx).experience)
    ['c:焊工证', 'o:W']
    >>> resolve_order(JobOrderProfile(id=9, occupation="电焊", region_code="320500"), ctx).usual_certificates
    ('c:焊工证',)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from matcher.settings import MatchContext
from matcher.taxonomy import OCC, TermKind
from matcher.types import JobOrderProfile, WorkerProfile

__all__ = ["OrderTerms", "WorkerTerms", "age_on", "date_key", "resolve_order", "resolve_worker"]


def date_key(day: date) -> int:
    """``yyyymmdd`` as an integer; ages are ``(date_key(today) - date_key(birth)) // 10000``.

    Example:
        >>> date_key(date(1990, 5, 17))
        19900517
    """
    return day.year * 10000 + day.month * 100 + day.day


def age_on(birth: date | None, today: date) -> int | None:
    """Completed years of age on ``today`` (a 29 February birthday counts on 1 March in common years).

    Example:
        >>> age_on(date(1990, 5, 17), date(2019, 5, 16)), age_on(date(1990, 5, 17), date(2019, 5, 17))
        (28, 29)
    """
    if birth is None:
        return None
    return (date_key(today) - date_key(birth)) // 10000


@dataclass(frozen=True, slots=True)
class WorkerTerms:
    """A worker's texts resolved to terms (see the module docstring).

    Example:
        >>> WorkerTerms(frozenset({"o:W"}), ("o:W",), frozenset(), frozenset(), frozenset(), frozenset()).all_terms
        frozenset({'o:W'})
    """

    experience: frozenset[str]
    wishes: tuple[str, ...]
    certificates: frozenset[str]
    training: frozenset[str]
    desired_training: frozenset[str]
    categories: frozenset[str]

    @property
    def all_terms(self) -> frozenset[str]:
        """Every term that makes the worker a candidate: experience and wishes."""
        return self.experience | frozenset(self.wishes)


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """An order's texts resolved to terms (see the module docstring).

    Example:
        >>> sorted(OrderTerms("o:W", "制造", ("k:氩弧焊",), (), ("c:焊工证",)).keys)
        ['k:氩弧焊', 'o:W']
    """

    occupation: str | None
    category: str | None
    skills: tuple[str, ...]
    required: tuple[str, ...]
    usual_certificates: tuple[str, ...]

    @property
    def keys(self) -> frozenset[str]:
        """Terms whose holders are candidates for the order."""
        base = frozenset(self.skills) | frozenset(self.required)
        return base | {self.occupation} if self.occupation is not None else base


def _terms(ctx: MatchContext, texts: Iterable[str], kind: TermKind) -> list[str]:
    cutoff = ctx.scoring.fuzzy_cutoff
    out: list[str] = []
    for text in texts:
        term = ctx.taxonomy.term(text, kind=kind, cutoff=cutoff)
        if term is not None and term not in out:
            out.append(term)
    return out


def resolve_worker(worker: WorkerProfile, ctx: MatchContext) -> WorkerTerms:
    """Resolve a worker's skills, certificates, wishes and training to terms.

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 1, 1))
        >>> resolve_worker(WorkerProfile(id=1, region_code="", desired_occupations=("厨师", "厨师")), ctx).wishes
        ('t:厨师',)
    """
    tax = ctx.taxonomy
    skills = _terms(ctx, worker.skills, "skill")
    certs = _terms(ctx, worker.certificates, "cert")
    training = _terms(ctx, worker.completed_training, "occupation")
    wishes = _terms(ctx, worker.desired_occupations, "occupation")
    desired = _terms(ctx, worker.desired_training, "occupation")
    owned = [owners[0] for owners in map(tax.owners, certs) if len(owners) == 1]
    certificates = frozenset(certs) | frozenset(owned)
    experience = frozenset(skills) | certificates | frozenset(training)
    categories = {tax.category_of_term(t) for t in (*experience, *wishes) if t.startswith(OCC)}
    return WorkerTerms(
        experience=experience,
        wishes=tuple(wishes),
        certificates=certificates,
        training=frozenset(training),
        desired_training=frozenset(desired),
        categories=frozenset(c for c in categories if c is not None),
    )


def resolve_order(order: JobOrderProfile, ctx: MatchContext) -> OrderTerms:
    """Resolve a job order's occupation, skills and certificates to terms.

    Example:
        >>> from matcher.regions import RegionTree
        >>> from matcher.settings import ScoringConfig
        >>> from matcher.taxonomy import Taxonomy
        >>> ctx = MatchContext(Taxonomy([]), RegionTree([]), ScoringConfig.from_dict({}), date(2019, 1, 1))
        >>> resolve_order(JobOrderProfile(id=1, occupation="主播", region_code=""), ctx).occupation
        't:主播'
    """
    tax = ctx.taxonomy
    occupation = tax.term(order.occupation, kind="occupation", cutoff=ctx.scoring.fuzzy_cutoff)
    known = occupation is not None and occupation.startswith(OCC) and occupation[len(OCC) :] in tax
    occ = tax.occupation(occupation[len(OCC) :]) if known and occupation is not None else None
    skills = _terms(ctx, order.skills, "skill")
    if not skills and occ is not None:
        skills = _terms(ctx, occ.skills, "skill")
    required = _terms(ctx, order.certificates_required, "cert")
    usual = _terms(ctx, occ.certificates, "cert") if occ is not None and not required else []
    return OrderTerms(
        occupation=occupation,
        category=tax.category_of_term(occupation) if occupation is not None else None,
        skills=tuple(skills),
        required=tuple(required),
        usual_certificates=tuple(usual),
    )
