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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz, process

from matcher.normalize import is_chinese, normalize_text, pinyin_key, strip_filler

__all__ = [
    "DEFAULT_FUZZY_CUTOFF",
    "METHODS",
    "Certificate",
    "Occupation",
    "Resolution",
    "Taxonomy",
    "TermKind",
]

#: Default rapidfuzz cut-off (0–100) when no scoring settings are at hand.
DEFAULT_FUZZY_CUTOFF = 85.0

#: What a text is: ``occupation`` (wishes, training, an order's occupation), ``skill`` or ``cert``.
TermKind = Literal["occupation", "skill", "cert"]

OCC, CERT, KEYWORD, LITERAL = "o:", "c:", "k:", "t:"
#: How people name a certificate after its occupation: 美发师证, 电工上岗证, 厨师资格证书 ...
CERT_SUFFIXES = ("职业资格证书", "职业资格证", "资格证书", "资格证", "上岗证", "操作证", "证书", "证")

#: How a text was resolved, and its Chinese label (shown in reasons when it is not plain).
METHODS: Mapping[str, str] = {
    "exact": "标准名称",
    "synonym": "常用叫法",
    "code": "证件代码",
    "pinyin": "拼音纠错",
    "fuzzy": "近似写法",
    "contained": "简称",
    "literal": "未归类",
}
#: Confidence of each method (filler stripping costs 0.05 more).
_CONFIDENCE: Mapping[str, float] = {
    "exact": 1.0,
    "synonym": 0.95,
    "code": 0.95,
    "pinyin": 0.9,
    "fuzzy": 0.8,
    "contained": 0.8,
    "literal": 0.0,
}
#: Verbs people put before a trade ("开叉车", "做保洁"): the only extra text containment tolerates.
_VERBS = ("从事", "开", "做", "干", "当", "懂", "会")
#: Scheme words around a certificate code ("特种设备作业人员证 N1", "驾照B2", "A2证").
_CODE_NOISE = re.compile(
    r"特种设备安全管理和作业人员证|特种设备作业人员证|作业人员证|机动车驾驶证|驾驶证|驾照|准驾车型|证书|证|本|照"
)
_CODE = re.compile(r"([a-z])([0-9]?)(.*)")
#: Dialect confusions of initials and finals that a near-homophone typo may carry.
_NEAR = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


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
    related: tuple[
        tuple[str, float], ...
    ] = ()  # (name_zh or code of another occupation, similarity in (0, 1])


@dataclass(frozen=True, slots=True)
class Certificate:
    """One entry of the certificate catalogue (see ``config/certificates.toml``).

    Example:
        >>> Certificate("drive_a2", "机动车驾驶证（A2 牵引车）", code="A2", covers=("drive_b2",)).covers
        ('drive_b2',)
    """

    id: str
    name: str
    scheme: str = ""
    code: str = ""
    card_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()
    required_for: tuple[str, ...] = ()  # occupations (name_zh or code) for which the law requires it


@dataclass(frozen=True, slots=True)
class Resolution:
    """How one text was resolved: its ``term`` (``None`` for empty text), the ``method`` (a key of
    :data:`METHODS`), a ``confidence`` in [0, 1] and the catalogue name it was matched to (the text itself for a
    literal).

    Example:
        >>> Resolution("o:W", "pinyin", 0.9, "电焊工").label
        '拼音纠错'
    """

    term: str | None
    method: str
    confidence: float
    matched: str

    @property
    def label(self) -> str:
        """The Chinese name of the method."""
        return METHODS[self.method]


def _near(a: str, b: str) -> bool:
    """Whether two toneless syllables differ only by a common dialect confusion (zh/z, ang/an, l/n …)."""
    for long, short in _NEAR:
        a, b = a.replace(long, short), b.replace(long, short)
    if a[:1] == "l":
        a = "n" + a[1:]
    if b[:1] == "l":
        b = "n" + b[1:]
    return a == b


def _strings(value: Any, field_name: str, code: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"occupation {code}: {field_name} must be a list of strings")
    out = tuple(str(v) for v in value)
    return out


class Taxonomy:
    """The occupation taxonomy and certificate catalogue with text → term resolution (immutable after
    construction; the resolution caches are internal memos).

    Build it with :meth:`from_records`; see the module docstring for the term scheme.
    """

    __slots__ = (
        "_by_code",
        "_cache",
        "_cert_choices",
        "_certificates",
        "_closure",
        "_codes",
        "_display",
        "_exact",
        "_fuzzy_choices",
        "_legal",
        "_norm_cache",
        "_occ_choices",
        "_owners",
        "_pinyin",
        "_related",
        "_substrings",
        "certificates",
        "occupations",
    )

    def __init__(self, occupations: Sequence[Occupation], certificates: Sequence[Certificate] = ()) -> None:
        self.occupations: tuple[Occupation, ...] = tuple(occupations)
        self.certificates: tuple[Certificate, ...] = tuple(certificates)
        self._by_code: dict[str, Occupation] = {}
        self._exact: dict[str, tuple[str, str]] = {}  # normalised text → (term, method)
        self._display: dict[str, str] = {}
        owners: dict[str, list[str]] = {}
        by_name: dict[str, str] = {}
        for occ in self.occupations:
            if occ.code in self._by_code:
                raise ValueError(f"duplicate occupation code {occ.code!r}")
            self._by_code[occ.code] = occ
            by_name[occ.name_zh] = occ.code
        # Precedence by pass: occupations, the certificate catalogue, occupations' certificate lists, then skill
        # keywords; first record wins.
        for occ in self.occupations:
            term = OCC + occ.code
            self._display[term] = occ.name_zh
            for text in (occ.code, occ.name_zh, occ.name_en):
                self._add_exact(text, term, "exact")
            for text in occ.synonyms:
                self._add_exact(text, term, "synonym")
        self._certificates: dict[str, Certificate] = {}
        self._codes: dict[str, list[str]] = {}  # normalised code → certificate terms
        for cert in self.certificates:
            if cert.id in self._certificates:
                raise ValueError(f"duplicate certificate id {cert.id!r}")
            self._certificates[cert.id] = cert
            term = CERT + cert.id
            self._display[term] = cert.aliases[0] if cert.aliases else cert.name  # the name people know
            self._add_exact(cert.name, term, "exact")
            for text in (*cert.card_names, *cert.aliases):
                self._add_exact(text, term, "synonym")
            if cert.code:
                self._codes.setdefault(cert.code.casefold(), []).append(term)
        self._closure: dict[str, frozenset[str]] = {}
        for cert in self.certificates:
            seen = {cert.id}
            todo = list(cert.covers)
            while todo:
                other = todo.pop()
                if other not in self._certificates:
                    raise ValueError(f"certificate {cert.id!r} covers unknown certificate {other!r}")
                if other not in seen:
                    seen.add(other)
                    todo.extend(self._certificates[other].covers)
            self._closure[CERT + cert.id] = frozenset(CERT + c for c in seen)
        self._legal: dict[str, tuple[str, ...]] = {}
        for cert in self.certificates:
            for name in cert.required_for:
                code = by_name.get(name, name if name in self._by_code else None)
                if code is None:
                    raise ValueError(
                        f"certificate {cert.id!r}: required_for names unknown occupation {name!r}"
                    )
                self._legal[OCC + code] = (*self._legal.get(OCC + code, ()), CERT + cert.id)
        for occ in self.occupations:
            for text in occ.certificates:
                key = normalize_text(text)
                if not key:
                    continue
                known = self._exact.get(key)
                term = known[0] if known is not None else self._code_term(key) or CERT + key
                self._add_exact(text, term, "synonym")
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
                known = self._exact.get(key)
                term = known[0] if known is not None else KEYWORD + key
                self._add_exact(text, term, "synonym")
                self._display.setdefault(term, text.strip())
                if not term.startswith(OCC):
                    owners.setdefault(term, [])
                    if OCC + occ.code not in owners[term]:
                        owners[term].append(OCC + occ.code)
        self._owners: dict[str, tuple[str, ...]] = {t: tuple(o) for t, o in owners.items()}
        self._related: dict[str, tuple[tuple[str, float], ...]] = {}
        for occ in self.occupations:
            related: list[tuple[str, float]] = []
            for name, similarity in occ.related:
                code = by_name.get(name, name if name in self._by_code else None)
                if code is None or code == occ.code:
                    raise ValueError(f"occupation {occ.code}: related names unknown occupation {name!r}")
                if not 0.0 < similarity <= 1.0:
                    raise ValueError(f"occupation {occ.code}: similarity of {name!r} must be in (0, 1]")
                related.append((OCC + code, float(similarity)))
            self._related[OCC + occ.code] = tuple(related)
        codes = {normalize_text(o.code) for o in self.occupations}
        choices = [(k, t) for k, (t, _) in self._exact.items() if k not in codes]
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
        self._cache: dict[tuple[str, str, float], Resolution] = {}
        self._norm_cache: dict[tuple[str, str, float], Resolution] = {}
        self._substrings: dict[int, tuple[dict[str, list[int]], dict[str, int]]] = {}
        self._pinyin: dict[int, dict[int, list[tuple[str, tuple[str, ...], str]]]] = {}

    def _add_exact(self, text: str, term: str, method: str) -> None:
        key = normalize_text(text)
        if key and key not in self._exact:
            self._exact[key] = (term, method)

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any]], *, certificates: Iterable[Mapping[str, Any]] = ()
    ) -> Taxonomy:
        """Build from plain records ``{code, name_zh, name_en, category, synonyms, skills, certificates,
        public_welfare, related}`` (as ``config.load_occupations()`` returns them; ``related`` holds
        ``{name, similarity}`` tables) and certificate records ``{id, name, scheme, code, card_names, aliases,
        covers, required_for}`` (``config.load_certificates()``).

        Example:
            >>> Taxonomy.from_records([{"code": "4-10-01", "name_zh": "美发师", "synonyms": ["理发师"]}]).resolve("理发")
            '4-10-01'
        """
        occupations = []
        for rec in records:
            code = str(rec["code"]).strip()
            if not code:
                raise ValueError("occupation code must not be empty")
            related = tuple(
                (str(r["name"]), float(r["similarity"]))
                for r in (rec.get("related") or ())
                if isinstance(r, Mapping)
            )
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
                    related=related,
                )
            )
        certs = [
            Certificate(
                id=str(rec["id"]),
                name=str(rec["name"]),
                scheme=str(rec.get("scheme") or ""),
                code=str(rec.get("code") or ""),
                card_names=_strings(rec.get("card_names"), "card_names", str(rec["id"])),
                aliases=_strings(rec.get("aliases"), "aliases", str(rec["id"])),
                covers=_strings(rec.get("covers"), "covers", str(rec["id"])),
                required_for=_strings(rec.get("required_for"), "required_for", str(rec["id"])),
            )
            for rec in certificates
        ]
        return cls(occupations, certs)

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

    def related(self, term: str) -> tuple[tuple[str, float], ...]:
        """The related occupation terms of an occupation term with their similarity, in catalogue order.

        Example:
            >>> tax = Taxonomy.from_records([{"code": "A", "name_zh": "育婴员",
            ...                               "related": [{"name": "保育员", "similarity": 0.8}]},
            ...                              {"code": "B", "name_zh": "保育员"}])
            >>> tax.related("o:A"), tax.related("o:B")
            ((('o:B', 0.8),), ())
        """
        return self._related.get(term, ())

    def legal_requirements(self, term: str) -> tuple[str, ...]:
        """Certificate terms the law requires for an occupation term (持证上岗), in catalogue order.

        Example:
            >>> tax = Taxonomy.from_records([{"code": "W", "name_zh": "焊工"}],
            ...     certificates=[{"id": "weld", "name": "焊接与热切割作业", "required_for": ["焊工"]}])
            >>> tax.legal_requirements("o:W")
            ('c:weld',)
        """
        return self._legal.get(term, ())

    def covered(self, terms: Iterable[str]) -> frozenset[str]:
        """The certificate terms ``terms`` meet, following ``covers`` transitively (A2 → B2 → C1 …).

        Example:
            >>> tax = Taxonomy.from_records([], certificates=[
            ...     {"id": "a2", "name": "A2", "covers": ["b2"]}, {"id": "b2", "name": "B2", "covers": ["c1"]},
            ...     {"id": "c1", "name": "C1"}])
            >>> sorted(tax.covered(["c:a2"]))
            ['c:a2', 'c:b2', 'c:c1']
        """
        out: set[str] = set()
        for term in terms:
            out |= self._closure.get(term, frozenset((term,)))
        return frozenset(out)

    def resolve(self, text: str, *, cutoff: float = DEFAULT_FUZZY_CUTOFF) -> str | None:
        """The occupation code meant by ``text`` (a code, name, synonym, typo or fuzzy match of these, or a
        certificate or skill keyword that belongs to exactly one occupation), else ``None``.

        Example:
            >>> tax = Taxonomy.from_records([{"code": "X1", "name_zh": "母婴护理员", "synonyms": ["月嫂"]}])
            >>> tax.resolve("月嫂"), tax.resolve("母婴护理"), tax.resolve("程序员"), tax.resolve("月扫")
            ('X1', 'X1', None, 'X1')
        """
        term = self.term(text, kind="occupation", cutoff=cutoff)
        if term is not None and term.startswith(OCC):
            return term[len(OCC) :]
        return None

    def term(
        self, text: str, *, kind: TermKind = "skill", cutoff: float = DEFAULT_FUZZY_CUTOFF
    ) -> str | None:
        """Resolve one free text to its term (see :meth:`resolution`); ``None`` for empty text.

        Example:
            >>> tax = Taxonomy.from_records([{"code": "X1", "name_zh": "焊工", "skills": ["氩弧焊"]}])
            >>> tax.term("氩弧焊"), tax.term("氩弧焊", kind="occupation"), tax.term("  ")
            ('k:氩弧焊', 'o:X1', None)
        """
        return self.resolution(text, kind=kind, cutoff=cutoff).term

    def resolution(
        self, text: str, *, kind: TermKind = "skill", cutoff: float = DEFAULT_FUZZY_CUTOFF
    ) -> Resolution:
        """Resolve one free text, saying how. In this order: exact lookup of the normalised text (traditional
        folded to simplified; occupations before certificates before skill keywords); the same after stripping
        filler words (急招…师傅); for certificates a scheme code (N1, B2 …) or a name formed from an
        occupation (美发师证); a one-character typo of a short Chinese name with the same pinyin (or, from three
        characters, a dialect-near one), when it points to one term only; rapidfuzz ``ratio`` ≥ ``cutoff``;
        a name that contains the text (a short form such as 美发 → 美发师, or a verb before it: 开叉车), when
        exactly one term has such a name — a text that merely *contains* a different, shorter name
        (服装车工 ⊃ 车工) is never equated with it; else the literal text.

        ``kind="cert"`` matches certificate names first; ``kind="occupation"`` maps a certificate or skill keyword
        owned by exactly one occupation to that occupation and matches occupation names only.

        Example:
            >>> tax = Taxonomy.from_records([{"code": "W", "name_zh": "焊工", "synonyms": ["电焊工"]},
            ...                              {"code": "L", "name_zh": "车工"}])
            >>> r = tax.resolution("电汗工", kind="occupation")
            >>> r.term, r.method, r.confidence
            ('o:W', 'pinyin', 0.9)
            >>> tax.resolution("服装车工", kind="occupation").term, tax.resolution("急招电焊工师傅").method
            ('t:服装车工', 'synonym')
        """
        key = (text, kind, cutoff)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        stripped = text.strip()
        if stripped in self._by_code:
            result = Resolution(OCC + stripped, "exact", 1.0, self._by_code[stripped].name_zh)
        else:
            norm = normalize_text(text)
            norm_key = (norm, kind, cutoff)
            found = self._norm_cache.get(norm_key)
            if found is None:
                found = self._norm_cache[norm_key] = self._resolve(norm, kind, cutoff)
            result = found
        self._cache[key] = result
        return result

    def _from_exact(self, norm: str, kind: TermKind, penalty: float) -> Resolution | None:
        hit = self._exact.get(norm)
        if kind == "cert" and (hit is None or hit[0].startswith(OCC)):
            coded = self._code_term(norm)
            if coded is not None:
                return Resolution(coded, "code", _CONFIDENCE["code"] - penalty, self.display(coded))
            named = self._certificate_named_after_occupation(norm)
            if named is not None:
                return Resolution(named, "synonym", _CONFIDENCE["synonym"] - penalty, self.display(named))
        if hit is None:
            return None
        term, method = hit
        if kind == "occupation" and not term.startswith(OCC):
            owners = self._owners.get(term, ())
            if len(owners) == 1:
                term, method = owners[0], "synonym"
        return Resolution(term, method, round(_CONFIDENCE[method] - penalty, 3), self.display(term))

    def _resolve(self, norm: str, kind: TermKind, cutoff: float) -> Resolution:
        """Resolve already normalised text (see :meth:`resolution`)."""
        if not norm:
            return Resolution(None, "literal", 0.0, "")
        found = self._from_exact(norm, kind, 0.0)
        if found is not None:
            return found
        bare = strip_filler(norm)
        if bare != norm:
            found = self._from_exact(bare, kind, 0.05)
            if found is not None:
                return found
        if kind == "occupation":
            choices = self._occ_choices
            tiers = [self._occ_choices]
        elif kind == "cert":
            choices = self._cert_choices
            tiers = [self._cert_choices, self._fuzzy_choices]
        else:
            choices = self._occ_choices
            tiers = [self._fuzzy_choices]
        for text in dict.fromkeys((norm, bare)):
            typo = self._pinyin_typo(text, choices)
            if typo is not None:
                return typo
        if len(norm) >= 2:
            for names, terms in tiers:
                if not names:
                    continue
                best = process.extractOne(norm, names, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
                if best is not None:
                    return Resolution(terms[best[2]], "fuzzy", round(best[1] / 100 * 0.9, 3), names[best[2]])
            for text in dict.fromkeys((norm, bare)):
                short = self._short_form(text, choices)
                if short is not None:
                    return short
        return Resolution(LITERAL + norm, "literal", 0.0, norm)

    def _pinyin_typo(self, norm: str, choices: tuple[list[str], list[str]]) -> Resolution | None:
        """One wrong character in a two- to four-character Chinese name: the same pinyin (confidence 0.9) or,
        from three characters on, a dialect-near syllable (0.75); ``None`` unless exactly one term fits best."""
        size = len(norm)
        if not 2 <= size <= 4 or not is_chinese(norm):
            return None
        by_length = self._pinyin.get(id(choices))
        if by_length is None:
            by_length = {}
            for name, term in zip(*choices, strict=True):
                if 2 <= len(name) <= 4 and is_chinese(name):
                    by_length.setdefault(len(name), []).append((name, pinyin_key(name), term))
            self._pinyin[id(choices)] = by_length
        sound = pinyin_key(norm)
        best: dict[str, tuple[float, str]] = {}
        for name, name_sound, term in by_length.get(size, ()):
            wrong = [i for i in range(size) if name[i] != norm[i]]
            if len(wrong) != 1:
                continue
            i = wrong[0]
            if name_sound[i] == sound[i]:
                confidence = 0.9
            elif size >= 3 and _near(name_sound[i], sound[i]):
                confidence = 0.75
            else:
                continue
            if confidence > best.get(term, (0.0, ""))[0]:
                best[term] = (confidence, name)
        if not best:
            return None
        top = max(c for c, _ in best.values())
        winners = sorted(t for t, (c, _) in best.items() if c == top)
        if len(winners) != 1:
            return None
        return Resolution(winners[0], "pinyin", top, best[winners[0]][1])

    def _short_form(self, norm: str, choices: tuple[list[str], list[str]]) -> Resolution | None:
        """A name containing ``norm`` (or ``norm`` = verb + name), when all such names are of one term — or all
        names beginning with ``norm`` are."""
        names, terms = choices
        if len(norm) < 2 or not names:
            return None
        around = [i for i in self._containing(names, norm) if norm in names[i]]
        # a name that begins with the text (缝纫 → 缝纫工) speaks for it before one that merely contains it
        starting = {terms[i] for i in around if names[i].startswith(norm)}
        hits = starting if len(starting) == 1 else {terms[i] for i in around}
        for verb in _VERBS:
            if norm.startswith(verb) and len(norm) - len(verb) >= 2:
                rest = norm[len(verb) :]
                hits |= {
                    terms[i] for i in self._containing(names, rest) if names[i] == rest or rest in names[i]
                }
                break
        if len(hits) != 1:
            return None
        term = next(iter(hits))
        return Resolution(term, "contained", _CONFIDENCE["contained"], self.display(term))

    def _code_term(self, norm: str) -> str | None:
        """A certificate named by its scheme code: "n1证", "驾照b2", "特种设备作业人员证n1叉车司机", "q2", "a照"."""
        if not self._codes:
            return None
        driving_words = any(w in norm for w in ("驾", "照", "本"))
        rest = _CODE_NOISE.sub("", norm)
        match = _CODE.fullmatch(rest)
        if match is None or (match.group(3) and not is_chinese(match.group(3))):
            return None
        code = match.group(1) + match.group(2)
        found = self._codes.get(code)
        if not found:
            return None
        if len(found) > 1:
            driving = [t for t in found if self._certificates[t[len(CERT) :]].scheme == "driving"]
            other = [t for t in found if t not in driving]
            found = driving if driving_words and driving else other or found
        return found[0]

    def _certificate_named_after_occupation(self, norm: str) -> str | None:
        """``美发师证`` → the 美发师 occupation's first listed certificate, so that a worker who writes the
        colloquial name holds the certificate an order requires (the taxonomy lists the formal title)."""
        for suffix in CERT_SUFFIXES:
            if norm.endswith(suffix) and len(norm) > len(suffix):
                stem = self._exact.get(norm[: -len(suffix)])
                if stem is not None and stem[0].startswith(OCC):
                    occ = self._by_code[stem[0][len(OCC) :]]
                    for text in occ.certificates:
                        key = normalize_text(text)
                        if key:
                            known = self._exact.get(key)
                            return known[0] if known is not None else CERT + key
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

    def nearest(self, text: str, *, limit: int = 3) -> list[tuple[str, str, float]]:
        """The catalogue occupations closest to ``text`` as ``(code, name_zh, score 0–100)``, best first (for
        staff extending the vocabulary; rapidfuzz ``WRatio`` over names and synonyms, one row per occupation).

        Example:
            >>> tax = Taxonomy.from_records([{"code": "K", "name_zh": "客房服务员"}, {"code": "W", "name_zh": "焊工"}])
            >>> tax.nearest("民宿客房管家", limit=1)[0][:2]
            ('K', '客房服务员')
        """
        norm = normalize_text(text)
        names, terms = self._occ_choices
        if not norm or not names:
            return []
        scored = process.extract(norm, names, scorer=fuzz.WRatio, processor=None, limit=None)
        best: dict[str, float] = {}
        for _, score, i in scored:
            term = terms[i]
            if score > best.get(term, -1.0):
                best[term] = float(score)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(t[len(OCC) :], self.display(t), round(s, 1)) for t, s in ranked]

    def owners(self, term: str) -> tuple[str, ...]:
        """Occupation terms (``o:…``) that list certificate or keyword ``term``.

        Example:
            >>> Taxonomy.from_records([{"code": "X1", "name_zh": "焊工", "certificates": ["焊工证"]}]).owners("c:焊工证")
            ('o:X1',)
        """
        return self._owners.get(term, ())

    def display(self, term: str) -> str:
        """A short human name for a term: the occupation's Chinese name, a catalogue certificate's first alias
        (else its official name), a certificate or keyword as written in the taxonomy, or the literal text.

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
