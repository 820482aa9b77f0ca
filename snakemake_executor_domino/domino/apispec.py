"""A deployment's own API description, held against the fields this client reads.

Domino serves descriptions of its API (`/assets/public-api.json`, `/assets/swagger.json`);
`doctor` fetches them and asks, for each answer the client parses, whether the deployment
still documents the fields it relies on. Pure: a parsed JSON document in, findings out.
OpenAPI 3 (`components/schemas`) and Swagger 2 (`definitions`) documents are both read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

# (method, v4 route as the client calls it, dotted field paths of the 200 answer it reads;
# "[]" marks a list's items). Kept beside parse.py: a field added there belongs here too.
FIELDS_READ: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("get", "/v4/gateway/projects/findProjectByOwnerAndName", ("id", "name")),
    (
        "get",
        "/v4/projects/{projectId}/hardwareTiers",
        ("[].hardwareTier.id", "[].hardwareTier.name"),
    ),
    ("get", "/v4/projects/{projectId}/commits/head", ("id",)),
    (
        "get",
        "/v4/jobs/{jobId}",
        (
            "id",
            "number",
            "jobRunCommand",
            "statuses.isCompleted",
            "statuses.executionStatus",
            "commitDetails.inputCommitId",
            "commitDetails.outputCommitId",
            "stageTime.submissionTime",
            "stageTime.runStartTime",
            "stageTime.completedTime",
        ),
    ),
    ("get", "/v4/jobs", ("jobs", "totalCount", "pagination.pageSize")),
    ("get", "/v4/users/self", ("id", "userName")),
)


# the public /api/* routes the client calls (public-api.json describes these): file content,
# which streams bytes, so no JSON field is read
PUBLIC_ROUTES_READ: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("get", "/api/projects/v1/projects/{projectId}/files/{commitId}/{path}/content", ()),
)
ROUTES_BY_FAMILY = {"v4": FIELDS_READ, "public": PUBLIC_ROUTES_READ}


@dataclass(frozen=True)
class RouteFinding:
    method: str
    route: str
    described: bool  # the document has this route at all
    missing: tuple[str, ...]  # fields read by the client that the document lacks


def check_description(doc: dict[str, Any], family: str = "v4") -> list[RouteFinding]:
    """For every route of `family` the client reads, which of its fields `doc` does not
    describe (swagger.json is held against the v4 routes, public-api.json the /api ones)."""
    prefix = _server_prefix(doc)
    findings = []
    for method, route, fields in ROUTES_BY_FAMILY[family]:
        operation = _operation(doc, method, route, prefix)
        if operation is None:
            findings.append(RouteFinding(method, route, False, ()))
            continue
        schema = _ok_schema(doc, operation)
        missing = tuple(f for f in fields if schema is None or not _has(doc, schema, f))
        findings.append(RouteFinding(method, route, True, missing))
    return findings


def _server_prefix(doc: dict[str, Any]) -> str:
    """The path every route of the document sits under (5.0's v4 description: `/v4`)."""
    servers = doc.get("servers") or []
    if servers and isinstance(servers[0], dict):
        return urlparse(str(servers[0].get("url", ""))).path.rstrip("/")
    return str(doc.get("basePath") or "").rstrip("/")


def _operation(doc: dict[str, Any], method: str, route: str, prefix: str) -> dict | None:
    paths = doc.get("paths") or {}
    candidates = [route]
    if prefix and route.startswith(prefix + "/"):
        candidates.append(route[len(prefix) :])
    for candidate in candidates:
        item = paths.get(candidate)
        if isinstance(item, dict) and isinstance(item.get(method), dict):
            return item[method]
    return None


def _ok_schema(doc: dict[str, Any], operation: dict[str, Any]) -> dict | None:
    responses = operation.get("responses") or {}
    answer = responses.get("200") or responses.get(200) or {}
    if "schema" in answer:  # Swagger 2
        return _resolve(doc, answer["schema"])
    for media in (answer.get("content") or {}).values():
        if isinstance(media, dict) and "schema" in media:
            return _resolve(doc, media["schema"])
    return None


def _resolve(doc: dict[str, Any], schema: Any, depth: int = 0) -> dict | None:
    if not isinstance(schema, dict) or depth > 20:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = doc
        for part in ref[2:].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        return _resolve(doc, node, depth + 1)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if isinstance(schema.get(combinator), list):
            merged: dict[str, Any] = {"properties": {}}
            for part in schema[combinator]:
                resolved = _resolve(doc, part, depth + 1) or {}
                merged["properties"].update(resolved.get("properties") or {})
            return merged
    return schema


def _has(doc: dict[str, Any], schema: dict[str, Any], dotted: str) -> bool:
    node: dict | None = schema
    for part in dotted.split("."):
        if node is None:
            return False
        if part == "[]":
            node = _resolve(doc, node.get("items")) if node.get("type") == "array" else None
            continue
        if node.get("type") == "array":  # a list answer read through its items
            node = _resolve(doc, node.get("items"))
            if node is None:
                return False
        properties = node.get("properties") or {}
        if part not in properties:
            return False
        node = _resolve(doc, properties[part])
    return node is not None
