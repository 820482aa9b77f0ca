"""A deployment's API description held against the fields the client reads (pure)."""

from __future__ import annotations

import copy

from snakemake_executor_domino.domino.apispec import FIELDS_READ, check_description


def _object(fields: dict) -> dict:
    return {"type": "object", "properties": fields}


def _leaf() -> dict:
    return {"type": "string"}


def _schema_for(paths: tuple[str, ...]) -> dict:
    """The smallest schema that has each dotted path ("[]" = a list's items)."""
    root: dict = {}
    for dotted in paths:
        node = root
        for part in dotted.split("."):
            if part == "[]":
                node.setdefault("type", "array")
                node = node.setdefault("items", {})
                continue
            node.setdefault("type", "object")
            node = node.setdefault("properties", {}).setdefault(part, {})
        node.setdefault("type", "string")
    return root


def _openapi3(prefix: str = "/v4") -> dict:
    """An OpenAPI 3 document in the layout of Domino 5.0's: routes under a server path,
    answers by $ref into components/schemas."""
    doc: dict = {"openapi": "3.0.0", "servers": [{"url": f"https://d.example{prefix}"}],
                 "paths": {}, "components": {"schemas": {}}}
    for n, (method, route, fields) in enumerate(FIELDS_READ):
        name = f"S{n}"
        doc["components"]["schemas"][name] = _schema_for(fields)
        ref = {"$ref": f"#/components/schemas/{name}"}
        answer = {"content": {"application/json": {"schema": ref}}}
        doc["paths"][route.removeprefix(prefix)] = {method: {"responses": {"200": answer}}}
    return doc


def test_a_complete_description_misses_nothing() -> None:
    findings = check_description(_openapi3())
    assert all(f.described for f in findings)
    assert all(f.missing == () for f in findings)


def test_a_field_the_client_reads_is_named_when_absent() -> None:
    doc = _openapi3()
    index = next(i for i, (_, route, _) in enumerate(FIELDS_READ) if route == "/v4/jobs/{jobId}")
    del doc["components"]["schemas"][f"S{index}"]["properties"]["statuses"]["properties"][
        "executionStatus"]
    jobs = next(f for f in check_description(doc) if f.route == "/v4/jobs/{jobId}")
    assert jobs.missing == ("statuses.executionStatus",)


def test_a_route_the_document_lacks_is_reported_as_undescribed() -> None:
    doc = _openapi3()
    del doc["paths"]["/jobs"]
    jobs = next(f for f in check_description(doc) if f.route == "/v4/jobs")
    assert not jobs.described


def test_swagger2_definitions_and_full_paths_are_read() -> None:
    doc3 = _openapi3(prefix="")
    definitions = copy.deepcopy(doc3["components"]["schemas"])
    doc = {"swagger": "2.0", "paths": {}, "definitions": definitions}
    for route, item in doc3["paths"].items():
        for method, op in item.items():
            ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            schema = {"$ref": ref.replace("#/components/schemas/", "#/definitions/")}
            doc["paths"][route] = {method: {"responses": {"200": {"schema": schema}}}}
    findings = check_description(doc)
    assert all(f.described and not f.missing for f in findings)


def test_allof_compositions_are_merged() -> None:
    doc = _openapi3()
    schemas = doc["components"]["schemas"]
    index = next(i for i, (_, route, _) in enumerate(FIELDS_READ) if route == "/v4/users/self")
    whole = schemas[f"S{index}"]
    schemas["Base"] = {"type": "object", "properties": {"id": _leaf()}}
    schemas[f"S{index}"] = {"allOf": [{"$ref": "#/components/schemas/Base"},
                                      _object({"userName": whole["properties"]["userName"]})]}
    me = next(f for f in check_description(doc) if f.route == "/v4/users/self")
    assert me.described and me.missing == ()


def test_each_served_description_is_held_against_its_own_routes() -> None:
    """swagger.json describes the v4 routes, public-api.json the public /api ones: a v4
    document is never judged for /api routes, nor the public one for v4 routes."""
    from tests.unit.domino.conftest import FakeDomino

    v4 = _openapi3()
    content = "/api/projects/v1/projects/{projectId}/files/{commitId}/{path}/content"
    public = {"openapi": "3.0.0", "paths": {content: {"get": {"responses": {"200": {}}}}}}
    fake = FakeDomino()
    fake.answer("GET", "/assets/swagger.json", v4)
    fake.answer("GET", "/assets/public-api.json", public)
    from snakemake_executor_domino.domino.deployment import DeploymentCalls

    calls = DeploymentCalls()
    calls.http = fake
    served = {family: (path, doc) for path, family, doc in calls.api_descriptions()}
    assert served["v4"][0] == "/assets/swagger.json"
    assert served["public"][0] == "/assets/public-api.json"
    v4_findings = check_description(served["v4"][1], "v4")
    assert all(f.route.startswith("/v4/") and f.described for f in v4_findings)
    (only,) = check_description(served["public"][1], "public")
    assert only.route == content and only.described
    # the public document describes none of the v4 routes, and that is no failure of it
    assert not any(f.described for f in check_description(public, "v4"))
