"""config/subsidies.toml and its loader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import load_occupations, load_subsidies, parse_subsidies

GOOD_STANDARD = (
    'occupation = "焊工"\nyuan_per_trainee = 1800\nrequire_certificate = true\nemployed_within_days = 180\n'
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subsidies.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_standards_name_taxonomy_occupations() -> None:
    data = load_subsidies()
    names = {o["name_zh"] for o in load_occupations()}
    assert data["default"] == {
        "yuan_per_trainee": 800,
        "require_certificate": True,
        "employed_within_days": 0,
    }
    assert {s["occupation"] for s in data["standards"]} <= names
    welder = next(s for s in data["standards"] if s["occupation"] == "焊工")
    assert welder == {
        "occupation": "焊工",
        "yuan_per_trainee": 1800,
        "require_certificate": True,
        "employed_within_days": 180,
    }


def test_default_is_optional(tmp_path: Path) -> None:
    data = parse_subsidies(write(tmp_path, "[[standard]]\n" + GOOD_STANDARD))
    assert data["default"] is None and len(data["standards"]) == 1
    assert data["course_rules"] == {"attendance_threshold": 0.8}


def test_course_rules_set_the_attendance_threshold(tmp_path: Path) -> None:
    assert load_subsidies()["course_rules"] == {"attendance_threshold": 0.8}
    data = parse_subsidies(
        write(tmp_path, "[course_rules]\nattendance_threshold = 0.9\n[[standard]]\n" + GOOD_STANDARD)
    )
    assert data["course_rules"]["attendance_threshold"] == 0.9


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[standard]]\n" + GOOD_STANDARD.replace("1800", "0"), "yuan_per_trainee must be a positive"),
        ("[[standard]]\n" + GOOD_STANDARD.replace("1800", "12.5"), "must be a whole number"),
        (
            "[[standard]]\n" + GOOD_STANDARD.replace("true", '"yes"'),
            "require_certificate must be true or false",
        ),
        (
            "[[standard]]\n" + GOOD_STANDARD.replace("days = 180", "days = -1"),
            "employed_within_days must be 0 or more",
        ),
        ("[[standard]]\n" + GOOD_STANDARD + "note = 1\n", "unknown key note"),
        ("[[standard]]\n" + GOOD_STANDARD + "[[standard]]\n" + GOOD_STANDARD, "already has standard #1"),
        ("[default]\nyuan_per_trainee = 1\n[[standard]]\n" + GOOD_STANDARD, "missing require_certificate"),
        ("", "expected one or more [[standard]] tables"),
        ("[[standards]]\n" + GOOD_STANDARD, "unknown top-level key standards"),
        ("[course_rules]\nattendance_threshold = 1.5\n[[standard]]\n" + GOOD_STANDARD, "in (0, 1]"),
        ("[course_rules]\nattendance = 0.5\n[[standard]]\n" + GOOD_STANDARD, "missing attendance_threshold"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_subsidies(write(tmp_path, text))
    assert problem in str(err.value) and "subsidies.toml" in str(err.value)


def test_load_is_cached() -> None:
    first: Any = load_subsidies()
    assert load_subsidies() is first
