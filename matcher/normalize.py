"""Text normalisation shared by every lookup of the engine.

People type skills, certificates and wishes in many forms: full-width letters (ＣＡＤ), stray spaces, brackets and
punctuation (特种作业操作证（焊接与热切割）), mixed case. :func:`normalize_text` folds all of these to one key so
that equal meanings compare equal before any fuzzy matching is tried.

Example:
    >>> normalize_text(" 特种作业操作证（焊接与热切割） ")
    '特种作业操作证焊接与热切割'
    >>> normalize_text("ＡＵＴＯ　ＣＡＤ")
    'autocad'
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["normalize_text"]


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """Fold ``text`` to its comparison key: NFKC (full-width → half-width), case-folded, no whitespace and no
    punctuation (Unicode categories P*). Symbols such as ``+`` are kept (C++ stays distinct from C).

    Example:
        >>> normalize_text("月 嫂。")
        '月嫂'
        >>> normalize_text("C++")
        'c++'
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))
