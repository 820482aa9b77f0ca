"""Request bodies against Domino's documented request schemas: every refusal names the field
and what it must be, so a client sees the fix in the message."""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.local.api.api_errors import bad_request


def body_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    return body


def required_str(body: dict[str, Any], name: str) -> str:
    if name not in body or body[name] is None:
        raise bad_request(f"missing required field '{name}'")
    value = optional_str(body, name)
    if value is None or not value.strip():
        raise bad_request(f"field '{name}' must not be empty")
    return value


def optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"field '{name}' must be a string, got {_kind(value)}")
    return value


def required_bool(body: dict[str, Any], name: str) -> bool:
    if name not in body or body[name] is None:
        raise bad_request(f"missing required field '{name}' (true or false)")
    return optional_bool(body, name, False)


def optional_bool(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_request(f"field '{name}' must be true or false, got {value!r}")
    return value


def required_list(body: dict[str, Any], name: str) -> list[Any]:
    value = body.get(name)
    if value is None:
        raise bad_request(f"missing required field '{name}' (a list, [] for none)")
    if not isinstance(value, list):
        raise bad_request(f"field '{name}' must be a list, got {_kind(value)}")
    return value


def required_object(body: dict[str, Any], name: str, example: str) -> dict[str, Any]:
    value = body.get(name)
    if not isinstance(value, dict):
        raise bad_request(f"missing required field '{name}': an object such as {example}")
    return value


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list",
            dict: "an object", str: "a string"}.get(type(value), type(value).__name__)
