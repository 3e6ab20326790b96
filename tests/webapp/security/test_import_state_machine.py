"""Import and re-import as a state machine (hypothesis.stateful) over the real importer and database.

A clerk keeps one roster file: adds people, corrects phones and names, drops rows from the file, imports it,
imports it again, and now and then imports a copy with one bad row. Whatever the order, the database holds
exactly one worker per ID number ever imported, with the values of the last good import that contained it:
nothing lost, nothing duplicated, and a refused file writes nothing.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.builders import NANLE, id_number
from webapp.models import Worker
from webapp.models.followups import ImportBatch
from webapp.services import imports
from webapp.services.scope import Actor

ADMIN = Actor(None, "admin")
VILLAGE = "410923201001"
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋"


class RosterMachine(RuleBasedStateMachine):
    session: Session
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.file: dict[str, dict[str, str]] = {}  # id number -> the row in the clerk's file
        self.expected: dict[str, dict[str, str]] = {}  # id number -> what the database must hold
        self.serial = 0
        self.imports = 0

    @initialize()
    def empty_database(self) -> None:
        self.session.execute(delete(ImportBatch))
        self.session.execute(delete(Worker))
        self.session.commit()

    def _write(self, rows: list[dict[str, str]]) -> Path:
        self.imports += 1
        path = self.folder / f"roster-{self.imports}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["name", "id_number", "phone", "region_code"])
            for row in rows:
                out.writerow([row["name"], row["id_number"], row["phone"], row["region_code"]])
        return path

    @rule(count=st.integers(min_value=1, max_value=4), data=st.data())
    def add_people(self, count: int, data: st.DataObject) -> None:
        for _ in range(count):
            self.serial += 1
            birth = date(1970, 1, 1) + timedelta(days=self.serial * 37)
            number = id_number(NANLE, birth, self.serial)
            name = data.draw(st.sampled_from(SURNAMES)) + data.draw(st.sampled_from(GIVEN))
            self.file[number] = {
                "name": name,
                "id_number": number,
                "phone": f"137{self.serial:08d}",
                "region_code": VILLAGE,
            }

    @precondition(lambda self: self.file)
    @rule(data=st.data(), field=st.sampled_from(["name", "phone"]))
    def correct_a_row(self, data: st.DataObject, field: str) -> None:
        number = data.draw(st.sampled_from(sorted(self.file)))
        row = self.file[number]
        if field == "phone":
            row["phone"] = f"136{data.draw(st.integers(min_value=0, max_value=99_999_999)):08d}"
        else:
            row["name"] = data.draw(st.sampled_from(SURNAMES)) + data.draw(st.sampled_from(GIVEN)) + "改"

    @precondition(lambda self: self.file)
    @rule(data=st.data())
    def drop_a_row_from_the_file(self, data: st.DataObject) -> None:
        del self.file[data.draw(st.sampled_from(sorted(self.file)))]

    @precondition(lambda self: self.file)
    @rule()
    def import_the_file(self) -> None:
        result = imports.import_file(self.session, ADMIN, "workers", self._write(list(self.file.values())))
        assert result.ok, [e.message for e in result.errors][:3]
        new = [n for n in self.file if n not in self.expected]
        assert result.created == len(new)
        for number, row in self.file.items():
            self.expected[number] = dict(row)

    @precondition(lambda self: self.file and all(self.expected.get(n) == r for n, r in self.file.items()))
    @rule()
    def import_it_again(self) -> None:
        result = imports.import_file(self.session, ADMIN, "workers", self._write(list(self.file.values())))
        assert result.ok and result.created == 0 and result.updated == 0

    @precondition(lambda self: self.file)
    @rule(data=st.data())
    def import_a_copy_with_one_bad_row(self, data: st.DataObject) -> None:
        rows = [dict(r) for r in self.file.values()]
        bad = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
        rows[bad]["id_number"] = rows[bad]["id_number"][:-1] + (
            "0" if rows[bad]["id_number"][-1] != "0" else "1"
        )
        result = imports.import_file(self.session, ADMIN, "workers", self._write(rows))
        assert not result.ok  # refused as a whole: the invariant below proves nothing was written

    @invariant()
    def database_matches_the_imports(self) -> None:
        self.session.expire_all()
        stored = {
            w.id_number: {
                "name": w.name,
                "id_number": w.id_number,
                "phone": w.phone,
                "region_code": w.region_code,
            }
            for w in self.session.scalars(select(Worker))
        }
        assert stored == self.expected
        total = self.session.scalar(select(func.count()).select_from(Worker))
        assert total == len(self.expected)  # no duplicates


def test_import_and_reimport_lose_and_duplicate_nothing(
    app: Flask, db_session: Session, tmp_path: Path
) -> None:
    class Machine(RosterMachine):
        session = db_session
        folder = tmp_path

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=12,
            stateful_step_count=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_the_machine_would_notice_a_lost_row(app: Flask, db_session: Session, tmp_path: Path) -> None:
    """The invariant is not vacuous: deleting one imported worker behind the importer's back fails it."""
    machine = type("M", (RosterMachine,), {"session": db_session, "folder": tmp_path})()
    machine.empty_database()
    machine.add_people(count=2, data=_fixed_data())
    machine.import_the_file()
    machine.database_matches_the_imports()
    db_session.execute(delete(Worker).where(Worker.id_number == sorted(machine.expected)[0]))
    db_session.commit()
    with pytest.raises(AssertionError):
        machine.database_matches_the_imports()


def _fixed_data() -> Any:
    class Fixed:
        def draw(self, strategy: Any) -> Any:
            return "王"

    return Fixed()
