"""Profiles resolved to taxonomy terms: the one normalisation step shared by the reference definitions
(:mod:`matcher.score`) and the fast engine (:mod:`matcher.index`, :mod:`matcher.rank`).

A worker's texts become sets of terms (see :mod:`matcher.taxonomy`):

- ``experience`` — terms of skills, certificates and occupations with years of experience, plus the occupation
  that owns each held certificate when exactly one occupation lists it (holding 焊工证 is evidence of being a
  焊工; a 健康证, listed by many occupations, is evidence of none). A completed course is *not* experience;
- ``years`` — years of experience per occupation term (the largest when one is named twice);
- ``via`` — for experience terms resolved by a typo, fuzzy or short-form match, a Chinese note of how
  ("拼音纠错：电汗工"), for the reasons;
- ``wishes`` — terms of desired occupations in order (first occurrence kept);
- ``certificates`` — terms of certificates, those they cover (an A2 licence covers B2 and C1 …) and their owning
  occupations;
- ``training`` — terms of completed training; ``desired_training`` — terms of training wished for;
- ``categories`` — categories of every occupation in ``experience`` and ``wishes``.

An order becomes its occupation term ``occupation`` (``O``), the occupations related to it with their similarity
``related``, its skill terms ``skills`` (``K``: the order's own, else the taxonomy's skill keywords of ``O``),
required certificate terms ``required`` (``R``: those the order names, ``explicit``, then those the law requires
for ``O``) and, when nothing is required, the occupation's usual certificates ``usual_certificates`` (``D``). Its
``keys`` (``O`` ∪ related ∪ ``K`` ∪ explicit) decide who is a candidate: a worker is *relevant* when one of their
terms is a key. An empty occupation is refused (:class:`ValueError` naming the field).

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
    years: tuple[tuple[str, int], ...] = ()
    via: tuple[tuple[str, str], ...] = ()

    def years_in(self, term: str | None) -> int:
        """Years of experience in occupation ``term`` (0 when not said).

        Example:
            >>> e = frozenset()
            >>> WorkerTerms(e, (), e, e, e, e, years=(("o:W", 5),)).years_in("o:W")
            5
        """
        for t, n in self.years:
            if t == term:
                return n
        return 0

    def note(self, term: str | None) -> str | None:
        """How experience ``term`` was recognised, when not by its name or a synonym (else ``None``)."""
        for t, text in self.via:
            if t == term:
                return text
        return None

    @property
    def all_terms(self) -> frozenset[str]:
        """Every term that makes the worker a candidate: experience, completed courses and wishes."""
        return self.experience | self.training | frozenset(self.wishes)


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
    related: tuple[tuple[str, float], ...] = ()
    explicit: tuple[str, ...] | None = (
        None  # required certificates the order names (None: all of ``required``)
    )

    @property
    def keys(self) -> frozenset[str]:
        """Terms whose holders are candidates for the order."""
        named = self.required if self.explicit is None else self.explicit
        base = frozenset(self.skills) | frozenset(named) | frozenset(t for t, _ in self.related)
        return base | {self.occupation} if self.occupation is not None else base


def _terms(
    ctx: MatchContext, texts: Iterable[str], kind: TermKind, notes: dict[str, str] | None = None
) -> list[str]:
    cutoff = ctx.scoring.fuzzy_cutoff
    out: list[str] = []
    for text in texts:
        found = ctx.taxonomy.resolution(text, kind=kind, cutoff=cutoff)
        term = found.term
        if term is not None and term not in out:
            out.append(term)
            if notes is not None and found.method in _NOTED and term not in notes:
                notes[term] = f"{found.label}：{text.strip()}"
    return out


#: Resolution methods worth telling people about in a reason.
_NOTED = frozenset({"pinyin", "fuzzy", "contained"})


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
    notes: dict[str, str] = {}
    skills = _terms(ctx, worker.skills, "skill", notes)
    certs = _terms(ctx, worker.certificates, "cert")
    training = _terms(ctx, worker.completed_training, "occupation")
    wishes = _terms(ctx, worker.desired_occupations, "occupation")
    desired = _terms(ctx, worker.desired_training, "occupation")
    years: dict[str, int] = {}
    for text, count in worker.experience_years:
        for term in _terms(ctx, (text,), "occupation", notes):
            years[term] = max(years.get(term, 0), int(count))
    owned = [owners[0] for owners in map(tax.owners, certs) if len(owners) == 1]
    certificates = tax.covered(certs) | frozenset(owned)
    experience = frozenset(skills) | frozenset(certs) | frozenset(owned) | frozenset(years)
    categories = {tax.category_of_term(t) for t in (*experience, *wishes) if t.startswith(OCC)}
    return WorkerTerms(
        experience=experience,
        wishes=tuple(wishes),
        certificates=certificates,
        training=frozenset(training),
        desired_training=frozenset(desired),
        categories=frozenset(c for c in categories if c is not None),
        years=tuple(sorted(years.items())),
        via=tuple(sorted((t, n) for t, n in notes.items() if t in experience)),
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
    if not order.occupation.strip():
        raise ValueError(f"job order {order.id}: occupation must not be empty")
    occupation = tax.term(order.occupation, kind="occupation", cutoff=ctx.scoring.fuzzy_cutoff)
    known = occupation is not None and occupation.startswith(OCC) and occupation[len(OCC) :] in tax
    occ = tax.occupation(occupation[len(OCC) :]) if known and occupation is not None else None
    skills = _terms(ctx, order.skills, "skill")
    if not skills and occ is not None:
        skills = _terms(ctx, occ.skills, "skill")
    explicit = _terms(ctx, order.certificates_required, "cert")
    legal = tax.legal_requirements(occupation) if occupation is not None else ()
    required = list(dict.fromkeys((*explicit, *legal)))
    usual = _terms(ctx, occ.certificates, "cert") if occ is not None and not required else []
    return OrderTerms(
        occupation=occupation,
        category=tax.category_of_term(occupation) if occupation is not None else None,
        skills=tuple(skills),
        required=tuple(required),
        usual_certificates=tuple(usual),
        related=tax.related(occupation) if occupation is not None else (),
        explicit=tuple(explicit),
    )
