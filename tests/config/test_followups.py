"""config/followups.toml and config/statistics.toml: the shipped files and the checks on edited ones."""

from __future__ import annotations

from pathlib import Path

import pytest

import config

VISITS = """
[[visit]]
key = "week_1"
name_zh = "1周"
name_en = "1 week"
after = "{first}"

[[visit]]
key = "month_1"
name_zh = "1月"
name_en = "1 month"
after = "{second}"
"""


def test_the_shipped_settings() -> None:
    followups = config.load_followup_settings()
    assert [v["after"] for v in followups["visits"]] == ["1w", "1m", "3m", "6m"]
    assert followups["reminders"] == {"days_before": 3, "overdue_after_days": 0}
    assert config.load_statistics_settings() == {
        "home_region": "410900",
        "trend_weeks": 12,
        "top_occupations": 10,
    }
    assert any(r["code"] == "410900" for r in config.load_regions())


@pytest.mark.parametrize(
    ("first", "second", "reminders", "problem"),
    [
        ("1w", "1m", "days_before = 3\noverdue_after_days = 0", None),
        ("10d", "2w", "days_before = 0\noverdue_after_days = 7", None),
        ("1m", "1w", "days_before = 3\noverdue_after_days = 0", "must come after visit week_1"),
        ("1w", "7d", "days_before = 3\noverdue_after_days = 0", "must come after"),
        ("1y", "2y", "days_before = 3\noverdue_after_days = 0", "after must be like"),
        ("0d", "1m", "days_before = 3\noverdue_after_days = 0", "after must be like"),
        ("1w", "1m", "days_before = -1\noverdue_after_days = 0", "days_before must be at least 0"),
        ("1w", "1m", "days_before = 3", "missing overdue_after_days"),
        ("1w", "1m", "days_before = 3\noverdue_after_days = 0\nsms = true", "unknown key sms"),
    ],
)
def test_followup_settings_are_checked(
    tmp_path: Path, first: str, second: str, reminders: str, problem: str | None
) -> None:
    path = tmp_path / "followups.toml"
    path.write_text(
        VISITS.format(first=first, second=second) + "\n[reminders]\n" + reminders + "\n", encoding="utf-8"
    )
    if problem is None:
        assert len(config.parse_followup_settings(path)["visits"]) == 2
    else:
        with pytest.raises(ValueError, match=problem):
            config.parse_followup_settings(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('home_region = "410900"\ntrend_weeks = 4\ntop_occupations = 5', None),
        ('home_region = "4109"\ntrend_weeks = 4\ntop_occupations = 5', "6-digit"),
        ('home_region = "410900"\ntrend_weeks = 0\ntop_occupations = 5', "at least 1"),
        ('home_region = "410900"\ntrend_weeks = 4', "missing top_occupations"),
    ],
)
def test_statistics_settings_are_checked(tmp_path: Path, text: str, problem: str | None) -> None:
    path = tmp_path / "statistics.toml"
    path.write_text(text + "\n", encoding="utf-8")
    if problem is None:
        assert config.parse_statistics_settings(path)["trend_weeks"] == 4
    else:
        with pytest.raises(ValueError, match=problem):
            config.parse_statistics_settings(path)
