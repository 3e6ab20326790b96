"""config/approval.toml: which regions publish employer job orders without review."""

from __future__ import annotations

from pathlib import Path

import pytest

import config


def test_the_shipped_file_reviews_every_employer_order() -> None:
    assert config.load_approval_settings() == {"auto_approve_regions": []}


def test_a_region_list_parses(tmp_path: Path) -> None:
    path = tmp_path / "approval.toml"
    path.write_text('[job_orders]\nauto_approve_regions = ["410923", "410922100"]\n', encoding="utf-8")
    assert config.parse_approval_settings(path) == {"auto_approve_regions": ["410923", "410922100"]}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "missing [job_orders]"),
        ('[job_orders]\nauto_approve_regions = "410923"\n', "list of region codes"),
        ('[job_orders]\nauto_approve_regions = ["4109"]\n', "not a region code: 4109"),
        ("[job_orders]\nauto_approve_regions = []\nauto = true\n", "unknown key auto"),
        ("[orders]\nauto_approve_regions = []\n", "unknown top-level key orders"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "approval.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        config.parse_approval_settings(path)
    assert problem in str(err.value)
