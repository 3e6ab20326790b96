"""/api/v1/openapi.json: a valid OpenAPI 3.1 document that describes exactly the routes the app serves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate

from webapp.api.openapi import build_document
from webapp.services.employers import EMPLOYER_FIELDS
from webapp.services.job_orders import JOB_ORDER_FIELDS
from webapp.services.reference import routes
from webapp.services.workers import WORKER_FIELDS

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, ref
        node = node[part]
    return node


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def _served(app: Flask) -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) → endpoint for every route under /api/v1."""
    served = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            served[(path, method.lower())] = rule.endpoint
    return served


def test_document_is_valid_openapi(openapi_doc: dict[str, Any]) -> None:
    assert openapi_doc["openapi"].startswith("3.1")
    validate(openapi_doc)


def test_every_ref_resolves_and_every_operation_answers(openapi_doc: dict[str, Any]) -> None:
    refs = set(_refs(openapi_doc))
    assert "#/components/schemas/Error" in {r for r in _refs(openapi_doc["components"]["responses"])}
    for ref in refs:
        _resolve(openapi_doc, ref)
    op_ids = []
    for path, method, op in _operations(openapi_doc):
        assert op["responses"], (path, method)
        assert any(code.startswith("2") for code in op["responses"]), (path, method)
        op_ids.append(op["operationId"])
        templated = set(re.findall(r"{(\w+)}", path))
        params = [
            _resolve(openapi_doc, p["$ref"]) if "$ref" in p else p
            for p in openapi_doc["paths"][path].get("parameters", []) + op.get("parameters", [])
        ]
        assert templated == {p["name"] for p in params if p["in"] == "path"}, path
    assert len(op_ids) == len(set(op_ids)), op_ids


def test_document_lists_exactly_the_served_routes(app: Flask, openapi_doc: dict[str, Any]) -> None:
    served = _served(app)
    documented = {(path, method): op["operationId"] for path, method, op in _operations(openapi_doc)}
    assert set(documented) == set(served)
    for key, endpoint in served.items():
        assert endpoint == f"api.{documented[key]}", key


def test_security(openapi_doc: dict[str, Any]) -> None:
    assert openapi_doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": openapi_doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert openapi_doc["security"] == [{"bearerAuth": []}]
    public = {op["operationId"] for _p, _m, op in _operations(openapi_doc) if op.get("security") == []}
    assert public == {"create_token", "openapi_document"}
    for _path, _method, op in _operations(openapi_doc):
        if op["operationId"] not in public:
            assert op["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}


@pytest.mark.parametrize(
    ("schema", "fields"),
    [
        ("EmployerInput", EMPLOYER_FIELDS),
        ("JobOrderInput", JOB_ORDER_FIELDS),
        ("JobOrderPatch", JOB_ORDER_FIELDS),
        ("WorkerInput", WORKER_FIELDS),
        ("WorkerPatch", WORKER_FIELDS),
    ],
)
def test_request_bodies_name_exactly_the_fields_the_services_accept(
    openapi_doc: dict[str, Any], schema: str, fields: tuple[str, ...]
) -> None:
    body = openapi_doc["components"]["schemas"][schema]
    assert set(body["properties"]) == set(fields)
    assert body["additionalProperties"] is False
    assert set(body.get("required", ())) <= set(fields)


def test_enums_follow_design_and_config(openapi_doc: dict[str, Any]) -> None:
    schemas = openapi_doc["components"]["schemas"]
    worker = schemas["WorkerInput"]["properties"]
    assert worker["mobility"]["enum"] == ["village", "township", "county", "city", "province", "national"]
    assert worker["status"]["enum"] == ["seeking", "in_training", "employed", "unavailable"]
    assert schemas["JobOrderInput"]["properties"]["route"]["enum"] == list(routes())
    assert "id_number" not in schemas["Worker"]["properties"]
    assert "id_number_masked" in schemas["Worker"]["required"]


def test_limit_maximum_follows_the_setting(app: Flask) -> None:
    app.config["MATCH_LIMIT_MAX"] = 50
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    limit = doc["paths"]["/api/v1/job-orders/{job_order_id}/matches"]["get"]["parameters"][0]
    assert (limit["name"], limit["schema"]["maximum"]) == ("limit", 50)


def test_builder_catches_a_dangling_ref() -> None:
    doc = build_document(route_keys=("local_enterprise",))
    doc["paths"]["/api/v1/workers"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Nope"
    }
    with pytest.raises(AssertionError):
        for ref in _refs(doc):
            _resolve(doc, ref)
