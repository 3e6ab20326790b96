"""The README is the truth: every button or link its tour names (「…」) exists on the pages."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _interface_texts() -> set[str]:
    """Every text the templates translate (``_('…')``): the names of buttons, links, headings and menus."""
    texts: set[str] = set()
    for template in (ROOT / "webapp" / "templates").rglob("*.html"):
        texts.update(re.findall(r"_\('([^']+)'\)", template.read_text(encoding="utf-8")))
    return texts


def test_every_button_the_tour_names_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"「([^」]+)」", readme))
    assert len(named) >= 15  # the tour names what a visitor clicks
    missing = sorted(name for name in named if name not in _interface_texts() and name != "…")
    assert not missing, f"README names buttons that no page has: {missing}"


def test_the_production_recipe_names_files_and_commands_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in re.findall(r"docs/systemd/[\w.-]+", readme):
        assert (ROOT / path).is_file(), path
    for unit in ("liudan-web.service", "liudan-scheduler.service"):
        text = (ROOT / "docs" / "systemd" / unit).read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/liudan/liudan.env" in text
    assert "gunicorn" in (ROOT / "docs" / "systemd" / "liudan-web.service").read_text(encoding="utf-8")
    assert "liudan scheduler" in (ROOT / "docs" / "systemd" / "liudan-scheduler.service").read_text(
        encoding="utf-8"
    )
    assert "setup --no-demo" in readme and "pg_dump" in readme and ".backup" in readme
