"""Text normalisation shared by every lookup of the engine.

People type skills, certificates and wishes in many forms: full-width letters (ＣＡＤ), stray spaces, brackets and
punctuation (特种作业操作证（焊接与热切割）), mixed case, traditional characters (縫紉工, 廚師證). :func:`normalize_text`
folds all of these to one key so that equal meanings compare equal before any fuzzy matching is tried;
:func:`strip_filler` removes the words clerks wrap around a trade (急招…师傅); :func:`pinyin_key` spells a short
word in toneless pinyin for typo tolerance.

Example:
    >>> normalize_text(" 特种作业操作证（焊接与热切割） ")
    '特种作业操作证焊接与热切割'
    >>> normalize_text("ＡＵＴＯ　ＣＡＤ"), normalize_text("縫紉工")
    ('autocad', '缝纫工')
    >>> strip_filler("急招电焊师傅"), pinyin_key("电汗工") == pinyin_key("电焊工")
    ('电焊', True)
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

__all__ = ["FILLER_PREFIXES", "FILLER_SUFFIXES", "is_chinese", "normalize_text", "pinyin_key", "strip_filler"]

#: Words wrapped around a trade in job ads and registrations, longest first: 急招电焊师傅 is 电焊.
FILLER_PREFIXES: tuple[str, ...] = (
    "高薪急招",
    "高薪诚聘",
    "长期招聘",
    "急招",
    "急聘",
    "诚聘",
    "招聘",
    "高薪",
    "熟练",
    "想学",
    "想做",
    "招",
    "会",
)
FILLER_SUFFIXES: tuple[str, ...] = ("老师傅", "师傅", "阿姨", "大姐", "熟练工", "若干名", "若干")


@cache
def _converter() -> opencc.OpenCC:
    """Traditional → simplified (OpenCC ``t2s``), built once."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """Fold ``text`` to its comparison key: NFKC (full-width → half-width), traditional → simplified (OpenCC),
    case-folded, no whitespace and no punctuation (Unicode categories P*). Symbols such as ``+`` are kept (C++
    stays distinct from C).

    Example:
        >>> normalize_text("月 嫂。"), normalize_text("C++"), normalize_text("廚師證")
        ('月嫂', 'c++', '厨师证')
    """
    folded = _converter().convert(unicodedata.normalize("NFKC", text)).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def strip_filler(norm: str) -> str:
    """``norm`` (already normalised) without one leading and one trailing filler word, when at least two
    characters remain; else ``norm`` unchanged.

    Example:
        >>> strip_filler("保洁阿姨"), strip_filler("招工"), strip_filler("熟练电工")
        ('保洁', '招工', '电工')
    """
    out = norm
    for prefix in FILLER_PREFIXES:
        if out.startswith(prefix) and len(out) - len(prefix) >= 2:
            out = out[len(prefix) :]
            break
    for suffix in FILLER_SUFFIXES:
        if out.endswith(suffix) and len(out) - len(suffix) >= 2:
            out = out[: -len(suffix)]
            break
    return out


def is_chinese(text: str) -> bool:
    """Whether every character is a CJK ideograph.

    Example:
        >>> is_chinese("电工"), is_chinese("cnc车工")
        (True, False)
    """
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple[str, ...]:
    """Toneless pinyin, one syllable per character (homophones share a key).

    Example:
        >>> pinyin_key("月嫂"), pinyin_key("月扫")
        (('yue', 'sao'), ('yue', 'sao'))
    """
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="default"))
