"""The vocabulary files: related occupations in ``occupations.toml`` and the certificate catalogue
``certificates.toml`` — the shipped files load, and bad data is refused naming file, entry and problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import load_certificates, load_occupations, parse_certificates, parse_occupations
from matcher import Taxonomy
from tests.config.test_data import make_occupation, occupations_toml, toml_value, write

NAMES = ["焊工", "电工", "货车司机"]


def make_certificate(**overrides: Any) -> dict[str, Any]:
    cert: dict[str, Any] = {
        "id": "weld",
        "name": "特种作业操作证（焊接与热切割作业）",
        "scheme": "special_operations",
        "code": "",
        "card_names": [],
        "aliases": ["焊工证"],
        "covers": [],
        "required_for": ["焊工"],
    }
    cert.update(overrides)
    return cert


def certificates_toml(*certs: dict[str, Any]) -> str:
    blocks = ["[[certificate]]\n" + "\n".join(f"{k} = {toml_value(v)}" for k, v in c.items()) for c in certs]
    return "\n\n".join(blocks) + "\n"


def test_shipped_catalogue_loads_and_builds() -> None:
    certs = load_certificates()
    by_code = {c["code"]: c for c in certs if c["code"]}
    assert {"N1", "Q2", "G1", "A2", "B2", "C1"} <= set(by_code)
    tax = Taxonomy.from_records(load_occupations(), certificates=certs)
    a2 = tax.covered(["c:drive_a2"])
    assert {"c:drive_b2", "c:drive_c1"} <= a2  # A2 ⊇ B2 ⊇ C1
    assert "c:drive_a2" not in tax.covered(["c:drive_b2"])
    welder = tax.resolve("焊工")
    assert welder is not None and tax.legal_requirements(f"o:{welder}") == ("c:weld",)
    nanny = tax.resolve("育婴员")
    assert nanny is not None and tax.legal_requirements(f"o:{nanny}") == ()  # not legally required
    assert tax.term("特种设备作业人员证（N1叉车司机）", kind="cert") == "c:forklift_n1"
    assert tax.term("叉車證", kind="cert") == "c:forklift_n1"


def test_shipped_occupations_have_valid_related_lists() -> None:
    occupations = load_occupations()
    names = {o["name_zh"] for o in occupations}
    related = [(o["name_zh"], r) for o in occupations for r in o["related"]]
    assert len(related) > 30
    assert all(r["name"] in names and 0 < r["similarity"] <= 1 for _, r in related)
    assert all(o["code_2022"] is None for o in occupations)  # none verified against the 2022 大典 yet


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id": "Weld"}, r"certificate #1 \(Weld\): id 'Weld' must be lower-case"),
        ({"scheme": "guild"}, r"certificate #1 \(weld\): unknown scheme 'guild'"),
        ({"code": "n-1"}, r"code must be '' or like 'N1'"),
        ({"covers": ["nothing"]}, r"certificate #1 \(weld\) covers: unknown certificate id 'nothing'"),
        ({"covers": ["weld"]}, r"a certificate cannot cover itself"),
        ({"required_for": ["钓鱼佬"]}, r"required_for: unknown occupation '钓鱼佬'"),
        ({"scheme": "skill"}, r"a skill certificate is never legally required"),
        ({"aliases": ["焊工证", "焊工證 "]}, None),  # fine: the engine folds traditional characters later
        ({"aliases": ["ＨＧ证", "hg证"]}, r"name clash: 'hg证' is also a name of weld"),
        ({"aliases": "焊工证"}, r"aliases must be a list of strings"),
    ],
)
def test_bad_certificates_are_refused_naming_entry_and_field(
    tmp_path: Path, overrides: dict[str, Any], message: str | None
) -> None:
    path = write(tmp_path, "certificates.toml", certificates_toml(make_certificate(**overrides)))
    if message is None:
        assert parse_certificates(path, NAMES)[0]["id"] == "weld"
        return
    with pytest.raises(ValueError, match=message) as excinfo:
        parse_certificates(path, NAMES)
    assert str(excinfo.value).startswith("certificates.toml: ")


def test_duplicate_certificate_ids_and_codes_are_refused(tmp_path: Path) -> None:
    one = make_certificate(id="b2", name="B2", aliases=[], required_for=[], scheme="driving", code="B2")
    path = write(tmp_path, "certificates.toml", certificates_toml(one, {**one, "name": "B2 again"}))
    with pytest.raises(ValueError, match=r"certificate #2 \(b2\): duplicate id 'b2'"):
        parse_certificates(path, NAMES)
    other = {**one, "id": "b2x", "name": "B2 again"}
    path = write(tmp_path, "certificates.toml", certificates_toml(one, other))
    with pytest.raises(ValueError, match=r"code 'B2' of scheme driving is already b2"):
        parse_certificates(path, NAMES)


@pytest.mark.parametrize(
    ("related", "message"),
    [
        ([{"name": "钓鱼佬", "similarity": 0.5}], r"related: unknown occupation '钓鱼佬'"),
        ([{"name": "测试工", "similarity": 0.5}], r"cannot be related to itself"),
        ([{"name": "试验工", "similarity": 1.5}], r"similarity must be in \(0, 1\]"),
        ([{"name": "试验工", "similarity": 0}], r"similarity must be in \(0, 1\]"),
        ([{"name": "试验工"}], r"missing similarity"),
        ([{"name": "试验工", "similarity": 0.5}, {"name": "试验工", "similarity": 0.6}], r"listed twice"),
        ("试验工", r"related must be a list"),
    ],
)
def test_bad_related_lists_are_refused(tmp_path: Path, related: Any, message: str) -> None:
    first = make_occupation(related=related)
    second = make_occupation(code="ISCO-9999-02", name_zh="试验工", synonyms=["试验员"])
    path = write(tmp_path, "occupations.toml", occupations_toml(first, second))
    with pytest.raises(ValueError, match=message) as excinfo:
        parse_occupations(path)
    assert "occupation #1 (测试工)" in str(excinfo.value)
