"""Translations: the msgids are the Chinese texts, ``translations/en`` holds the English catalogue.

Texts are marked with ``_()``/``gettext`` or ``lazy_gettext`` (``_l``) where they are shown, or with :func:`N_`
where they are only defined (a message kept in a table and translated when shown). ``make translations``
re-extracts them (see ``babel.cfg``) and updates the catalogue; ``tests/webapp/test_i18n.py`` fails while a
msgid has no English translation.

The compiled ``.mo`` files are build output (not in git): :func:`compile_catalogues` writes them from the
``.po`` files when they are missing or older, so a fresh clone, ``pip install`` and ``make run`` all work.

Example:
    >>> N_("请先登录")
    '请先登录'
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (it is translated where it is shown)."""
    return message


def compile_catalogues(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``directory`` whose ``.mo`` is missing or older.

    Fuzzy entries are left out (they show the Chinese text). The ``.mo`` is written beside the ``.po`` through
    a temporary file and an atomic rename, so a process that reads it never sees half a file. Returns the
    files written; a read-only installation logs a warning and keeps what it has.
    """
    written: list[Path] = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        try:
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
            with partial.open("wb") as target:
                write_mo(target, catalog)
            os.replace(partial, mo)
        except OSError as err:
            log.warning("could not compile %s: %s", po, err)
            continue
        written.append(mo)
    return written
