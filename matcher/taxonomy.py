"""The occupation taxonomy and the resolution of free text to *terms*.

Every skill, certificate, wish or training text is resolved once to a **term**, a short string key:

- ``o:<code>`` — an occupation (by code, Chinese or English name, synonym, or a fuzzy match of these);
- ``c:<normalised name>`` — a certificate named in the taxonomy;
- ``k:<normalised keyword>`` — a skill keyword named in the taxonomy;
- ``t:<normalised text>`` — anything else, kept and matched literally.

Resolution is: exact lookup of the normalised text (occupations take precedence over certificates, certificates
over skill keywords; earlier records over later ones); then fuzzy matching with a cut-off, in tiers — plain
:func:`rapidfuzz.fuzz.ratio` (typos, variants of about the same length) before :func:`rapidfuzz.fuzz.WRatio`
(scored only on names that contain the text or are contained in it, e.g. 美发 → 美发师), the latter only against
occupation names (and, for certificates, certificate names) so that a short skill is not swallowed by a long
certificate title; texts shorter than two characters are never fuzzy-matched; else a literal term. Results are
cached per distinct ``(text, kind, cutoff)``, so a city of workers normalises each distinct text once.

Example:
    >>> tax = Taxonomy.from_records([
    ...     {"code": "6-25-01", "name_zh": "焊工", "name_en": "Welder", "category": "制造",
    ...      "synonyms": ["电焊工", "电焊"], "skills": ["氩弧焊"], "certificates": ["焊工证"]},
    ... ])
    >>> tax.resolve("电焊工"), tax.name("6-25-01")
    ('6-25-01', '焊工')
    >>> tax.term("电焊工证", kind="cert"), tax.term("会开车")
    ('c:焊工证', 't:会开车')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz, process

from matcher.normalize import normalize_text

__all__ = ["DEFAULT_FUZZY_CUTOFF", "Occupation", "Taxonomy", "TermKind"]

#: Default rapidfuzz cut-off (0–100) when no scoring settings are at hand.
DEFAULT_FUZZY_CUTOFF = 85.0

#: What a text is: ``occupation`` (wishes, training, an order's occupation), ``skill`` or ``cert``.
TermKind = Literal["occupation", "skill", "cert"]

OCC, CERT, KEYWORD, LITERAL = "o:", "c:", "k:", "t:"
#: How people name a certificate after its occupation: 美发师证, 电工上岗证, 厨师资格证书 ...
CERT_SUFFIXES = ("职业资格证书", "职业资格证", "资格证书", "资格证", "上岗证", "操作证", "证书", "证")


@dataclass(frozen=True, slots=True)
class Occupation:
    """One taxonomy entry.

    Example:
        >>> Occupation("6-25-01", "焊工", "Welder", "制造").synonyms
        ()
    """

    code: str
    name_zh: str
    name_en: str = ""
    category: str = ""
    synonyms: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    public_welfare: bool = False


def _strings(value: Any, field_name: str, code: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"occupation {code}: {field_name} must be a list of strings")
    out = tuple(str(v) for v in value)
    return out


class Taxonomy:
    """The occupation taxonomy with text → term resolution (immutable after construction; the resolution cache
    is an internal memo).

    Build it with :meth:`from_records`; see the module docstring for the term scheme.
    """

    __slots__ = (
        "_by_code",
        "_cache",
        "_cert_choices",
        "_display",
        "_exact",
        "_fuzzy_choices",
        "_norm_cache",
        "_substrings",
        "_occ_choices",
        "_owners",
        "occupations",
    )

    def __init__(self, occupations: Sequence[Occupation]) -> None:
        self.occupations: tuple[Occupation, ...] = tuple(occupations)
        self._by_code: dict[str, Occupation] = {}
        self._exact: dict[str, str] = {}
        self._display: dict[str, str] = {}
        owners: dict[str, list[str]] = {}
        for occ in self.occupations:
            if occ.code in self._by_code:
                raise ValueError(f"duplicate occupation code {occ.code!r}")
            self._by_code[occ.code] = occ
        # Precedence by pass: occupations, then certificates, then skill keywords; first record wins.
        for occ in self.occupations:
            term = OCC + occ.code
            self._display[term] = occ.name_zh
            for text in (occ.code, occ.name_zh, occ.name_en, *occ.synonyms):
                self._add_exact(text, term)
        for occ in self.occupations:
            for text in occ.certificates:
                key = normalize_text(text)
                if not key:
                    continue
                term = self._exact.get(key) or CERT + key
                self._add_exact(text, term)
                self._display.setdefault(term, text.strip())
                if not term.startswith(OCC):
                    owners.setdefault(term, [])
                    if OCC + occ.code not in owners[term]:
                        owners[term].append(OCC + occ.code)
        for occ in self.occupations:
            for text in occ.skills:
                key = normalize_text(text)
                if not key:
                    continue
                term = self._exact.get(key) or KEYWORD + key
                self._add_exact(text, term)
                self._display.setdefault(term, text.strip())
                if not term.startswith(OCC):
                    owners.setdefault(term, [])
                    if OCC + occ.code not in owners[term]:
                        owners[term].append(OCC + occ.code)
        self._owners: dict[str, tuple[str, ...]] = {t: tuple(o) for t, o in owners.items()}
        codes = {normalize_text(o.code) for o in self.occupations}
        choices = [(k, t) for k, t in self._exact.items() if k not in codes]
        self._fuzzy_choices: tuple[list[str], list[str]] = ([k for k, _ in choices], [t for _, t in choices])
        occ_pairs = [(k, t) for k, t in choices if t.startswith(OCC)]
        self._occ_choices: tuple[list[str], list[str]] = (
            [k for k, _ in occ_pairs],
            [t for _, t in occ_pairs],
        )
        cert_pairs = [(k, t) for k, t in choices if t.startswith(CERT)]
        self._cert_choices: tuple[list[str], list[str]] = (
            [k for k, _ in cert_pairs],
            [t for _, t in cert_pairs],
        )
        self._cache: dict[tuple[str, str, float], str | None] = {}
        self._norm_cache: dict[tuple[str, str, float], str | None] = {}
        self._substrings: dict[int, tuple[dict[str, list[int]], dict[str, int]]] = {}

    def _add_exact(self, text: str, term: str) -> None:
        key = normalize_text(text)
        if key and key not in self._exact:
            self._exact[key] = term

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Taxonomy:
        """Build from plain records ``{code, name_zh, name_en, category, synonyms, skills, certificates,
        public_welfare}`` (as ``config.load_occupations()`` returns them).

        Example:
            >>> Taxonomy.from_records([{"code": "4-10-01", "name_zh": "美发师", "synonyms": ["理发师"]}]).resolve("理发")
            '4-10-01'
        """
        occupations = []
        for rec in records:
            code = str(rec["code"]).strip()
            if not code:
                raise ValueError("occupation code must not be empty")
            occupations.append(
                Occupation(
                    code=code,
                    name_zh=str(rec.get("name_zh") or code),
                    name_en=str(rec.get("name_en") or ""),
                    category=str(rec.get("category") or ""),
                    synonyms=_strings(rec.get("synonyms"), "synonyms", code),
                    skills=_strings(rec.get("skills"), "skills", code),
                    certificates=_strings(rec.get("certificates"), "certificates", code),
                    public_welfare=bool(rec.get("public_welfare", False)),
                )
            )
        return cls(occupations)

    # -- lookups ---------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.occupations)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def occupation(self, code: str) -> Occupation:
        """The entry for ``code``; :class:`KeyError` if unknown.

        Example:
            >>> Taxonomy.from_records([{"code": "X1", "name_zh": "月嫂"}]).occupation("X1").name_zh
            '月嫂'
        """
        return self._by_code[code]

    def name(self, code: str) -> str:
        """The Chinese name of occupation ``code``; :class:`KeyError` if unknown.

        Example:
            >>> Taxonomy.from_records([{"code": "X1", "name_zh": "月嫂"}]).name("X1")
            '月嫂'
        """
        return self._by_code[code].name_zh

    def category(self, code: str) -> str:
        """The category of occupation ``code`` (empty string if none); :class:`KeyError` if unknown.

        Example:
            >>> Taxonomy.from_records([{"code": "X1", "name_zh": "月嫂", "category": "家政"}]).category("X1")
            '家政'
        """
        return self._by_code[code].category

    def resolve(self, text: str, *, cutoff: float = DEFAULT_FUZZY_CUTOFF) -> str | None:
        """The occupation code meant by ``text`` (a code, name, synonym, fuzzy match of these, or a certificate or
        skill keyword that belongs to exactly one occupation), else ``None``.

        Example:
            >>> tax = Taxonomy.from_records([{"code": "X1", "name_zh": "母婴护理员", "synonyms": ["月嫂"]}])
            >>> tax.resolve("月嫂"), tax.resolve("母婴护理"), tax.resolve("程序员")
            ('X1', 'X1', None)
        """
        term = self.term(text, kind="occupation", cutoff=cutoff)
        if term is not None and term.startswith(OCC):
            return term[len(OCC) :]
        return None

    def term(
        self, text: str, *, kind: TermKind = "skill", cutoff: float = DEFAULT_FUZZY_CUTOFF
    ) -> str | None:
        """Resolve one free text to its term (see the module docstring); ``None`` for empty text.

        ``kind="cert"`` tries certificate names first when fuzzy matching; ``kind="occupation"`` maps a
        certificate or skill keyword owned by exactly one occupation to that occupation and fuzzy-matches against
        occupation names only.

        Example:
            >>> tax = Taxonomy.from_records([{"code": "X1", "name_zh": "焊工", "skills": ["氩弧焊"]}])
            >>> tax.term("氩弧焊"), tax.term("氩弧焊", kind="occupation"), tax.term("  ")
            ('k:氩弧焊', 'o:X1', None)
        """
        key = (text, kind, cutoff)
        cached = self._cache.get(key, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        stripped = text.strip()
        if stripped in self._by_code:
            result: str | None = OCC + stripped
        else:
            norm = normalize_text(text)
            norm_key = (norm, kind, cutoff)
            found = self._norm_cache.get(norm_key, False)
            if found is False:
                found = self._norm_cache[norm_key] = self._term(norm, kind, cutoff)
            result = found  # type: ignore[assignment]
        self._cache[key] = result
        return result

    def _term(self, norm: str, kind: TermKind, cutoff: float) -> str | None:
        """Resolve already normalised text (see :meth:`term`)."""
        if not norm:
            return None
        exact = self._exact.get(norm)
        if kind == "cert" and (exact is None or exact.startswith(OCC)):
            named = self._certificate_named_after_occupation(norm)
            if named is not None:
                return named
        if exact is not None:
            if kind == "occupation" and not exact.startswith(OCC):
                owners = self._owners.get(exact, ())
                if len(owners) == 1:
                    return owners[0]
            return exact
        if len(norm) >= 2:
            ratio, weighted = fuzz.ratio, fuzz.WRatio
            if kind == "occupation":
                tiers = [(ratio, self._occ_choices), (weighted, self._occ_choices)]
            elif kind == "cert":
                tiers = [
                    (ratio, self._cert_choices),
                    (weighted, self._cert_choices),
                    (ratio, self._fuzzy_choices),
                    (weighted, self._occ_choices),
                ]
            else:
                tiers = [(ratio, self._fuzzy_choices), (weighted, self._occ_choices)]
            for scorer, (names, terms) in tiers:
                if scorer is weighted:
                    # What WRatio adds to ratio is partial matching; keep it to names that contain the text or
                    # are contained in it (exact substrings), which also makes it cheap.
                    picked = self._containing(names, norm)
                    names, terms = [names[i] for i in picked], [terms[i] for i in picked]
                if not names:
                    continue
                best = process.extractOne(norm, names, scorer=scorer, processor=None, score_cutoff=cutoff)
                if best is not None:
                    return terms[best[2]]
        return LITERAL + norm

    def _certificate_named_after_occupation(self, norm: str) -> str | None:
        """``美发师证`` → the 美发师 occupation's first listed certificate, so that a worker who writes the
        colloquial name holds the certificate an order requires (the taxonomy lists the formal title)."""
        for suffix in CERT_SUFFIXES:
            if norm.endswith(suffix) and len(norm) > len(suffix):
                stem = self._exact.get(norm[: -len(suffix)])
                if stem is not None and stem.startswith(OCC):
                    occ = self._by_code[stem[len(OCC) :]]
                    for text in occ.certificates:
                        key = normalize_text(text)
                        if key:
                            return self._exact.get(key) or CERT + key
                return None
        return None

    def _containing(self, names: list[str], norm: str) -> list[int]:
        """Positions of the ``names`` that contain ``norm`` or are contained in it, ascending (from a substring
        index built on first use for each list of names; the lists live as long as the taxonomy)."""
        built = self._substrings.get(id(names))
        if built is None:
            index: dict[str, list[int]] = {}
            for i, name in enumerate(names):
                for a in range(len(name)):
                    for b in range(a + 1, len(name) + 1):
                        at = index.setdefault(name[a:b], [])
                        if not at or at[-1] != i:
                            at.append(i)
            built = self._substrings[id(names)] = (index, {name: i for i, name in enumerate(names)})
        index, position = built
        found = set(index.get(norm, ()))
        for a in range(len(norm)):
            for b in range(a + 1, len(norm) + 1):
                i = position.get(norm[a:b], -1)
                if i >= 0:
                    found.add(i)
        return sorted(found)

    def owners(self, term: str) -> tuple[str, ...]:
        """Occupation terms (``o:…``) that list certificate or keyword ``term``.

        Example:
            >>> Taxonomy.from_records([{"code": "X1", "name_zh": "焊工", "certificates": ["焊工证"]}]).owners("c:焊工证")
            ('o:X1',)
        """
        return self._owners.get(term, ())

    def display(self, term: str) -> str:
        """A short human name for a term: the occupation's Chinese name, the certificate or keyword as written in
        the taxonomy, or the literal text.

        Example:
            >>> Taxonomy.from_records([{"code": "X1", "name_zh": "焊工"}]).display("o:X1")
            '焊工'
        """
        shown = self._display.get(term)
        if shown is not None:
            return shown
        return term.split(":", 1)[1] if ":" in term else term

    def category_of_term(self, term: str) -> str | None:
        """The category of an occupation term, else ``None`` (also for occupations without a category).

        Example:
            >>> Taxonomy.from_records([{"code": "X1", "name_zh": "焊工", "category": "制造"}]).category_of_term("o:X1")
            '制造'
        """
        if term.startswith(OCC):
            occ = self._by_code.get(term[len(OCC) :])
            if occ is not None and occ.category:
                return occ.category
        return None
