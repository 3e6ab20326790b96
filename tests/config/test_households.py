"""config/households.toml and its loader (防返贫 monitoring, 四不摘)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import load_household_settings, parse_household_settings

GOOD = (
    '[[category]]\nkey = "unstable"\nname_zh = "脱贫不稳定户"\nname_en = "Unstable"\nvisit_every_days = 30\n'
    '[[risk]]\nkey = "illness"\nname_zh = "因病"\nname_en = "Illness"\n'
    "[reminders]\ndays_before = 7\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "households.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_settings_have_the_three_monitoring_categories() -> None:
    data = load_household_settings()
    assert [c["key"] for c in data["categories"]] == ["unstable", "marginal", "sudden"]
    assert all(c["visit_every_days"] >= 1 for c in data["categories"])
    assert "因病" in {r["name_zh"] for r in data["risks"]}
    assert data["reminders"] == {"days_before": 7}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            GOOD.replace("visit_every_days = 30", "visit_every_days = 0"),
            "visit_every_days must be at least 1",
        ),
        (GOOD.replace("visit_every_days = 30\n", ""), "missing visit_every_days"),
        (GOOD.replace('key = "illness"', 'key = "Illness!"'), "lower-case letters"),
        (GOOD.replace("days_before = 7", "days_before = -1"), "days_before must be at least 0"),
        (GOOD + "[other]\n", "unknown top-level key other"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_household_settings(write(tmp_path, text))
    assert problem in str(err.value) and "households.toml" in str(err.value)
