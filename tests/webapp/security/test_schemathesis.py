"""Schemathesis against /api/v1/openapi.json, in the suite: generated requests for every operation, as an
administrator and as an employer, must never answer 5xx. Requests valid by the document get answers that match
it (status, content type, body, headers); requests the document forbids (negative mode) get answers that still
match the document for their status.

Example counts are bounded (``EXAMPLES`` per operation and caller) so that the run stays well under a minute.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import checks as st_checks
from sqlalchemy.orm import Session

from tests.builders import api_token, make_employer, make_job_order, make_user, make_worker

EXAMPLES = 10
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    st_checks.response_headers_conformance,
]


#: Requests the document forbids: never a 5xx, and whatever comes back matches the document for its status
#: (a mangled path may meet another route's 405, which is why the status itself is not checked here).
NEGATIVE_CHECKS = [
    st_checks.not_a_server_error,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(app: Flask) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _existing_ids(drawn: tuple[schemathesis.Case, bool]) -> schemathesis.Case:
    """Half of the cases address the rows the test made (id 1) instead of random, missing ids."""
    case, existing = drawn
    if existing and case.path_parameters:
        for name, value in list(case.path_parameters.items()):
            if name.endswith("_id") and isinstance(value, int):
                case.path_parameters[name] = 1
    return case


def _run(
    schema: schemathesis.BaseSchema,
    headers: dict[str, str],
    mode: schemathesis.GenerationMode = schemathesis.GenerationMode.POSITIVE,
) -> list[str]:
    """Every operation with generated cases (``mode``: valid by the schema, or deliberately not)."""
    failures: list[str] = []
    positive = mode == schemathesis.GenerationMode.POSITIVE
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy(mode)
        if positive:
            strategy = st.tuples(strategy, st.booleans()).map(_existing_ids)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=strategy)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS if positive else NEGATIVE_CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as err:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {type(err).__name__}: {str(err)[:1500]}")
    return failures


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
@pytest.mark.parametrize("role", ["admin", "employer"])
def test_generated_requests_never_break_the_api(
    app: Flask, db_session: Session, api_schema: schemathesis.BaseSchema, role: str, mode: Any
) -> None:
    employer = make_employer(db_session)
    make_job_order(db_session, employer_id=employer.id)
    make_worker(db_session)
    if role == "admin":
        user = make_user(db_session, role="admin", region_code=None)
    else:
        user = make_user(db_session, role="employer", region_code=None, employer_id=employer.id)
    headers = api_token(app.test_client(), user)

    failures = _run(api_schema, headers, mode)

    assert failures == [], "\n\n".join(failures)
