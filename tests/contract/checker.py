"""Check recorded requests and answers against the contract (contract.py).

A record is one line of the local Domino's traffic log (local/api/traffic.py): method, path,
query pairs, the request body (JSON, raw bytes or none), the answer's status and JSON body,
and the API flavor the server spoke. `check_record` returns every way it breaks the
contract; each Violation names the call, the field and the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from .contract import CALLS, LOCAL_PREFIX, Call
from .shapes import RAW, Field, Shape, for_flavor

DEFAULT_FLAVOR = "5.0"


@dataclass(frozen=True)
class Violation:
    call: str  # "start job (POST /v4/jobs/start)", or the request itself if no call matches
    where: str  # route, path, query, request body, status, answer
    field: str  # dotted, "[]" for any array item; "" for the whole
    problem: str
    source: str

    def __str__(self) -> str:
        at = f" field '{self.field}'" if self.field else ""
        source = f" [source: {self.source}]" if self.source else ""
        return f"{self.call}: {self.where}{at}: {self.problem}{source}"


@cache
def _pattern(template: str) -> re.Pattern[str]:
    out = ""
    for part in re.split(r"(\{[A-Za-z]+\*?\})", template):
        if part.startswith("{"):
            name = part.strip("{}*")
            out += f"(?P<{name}>.*)" if part.endswith("*}") else f"(?P<{name}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(f"^{out}$")


def match(method: str, path: str, calls: Iterable[Call] = CALLS) -> tuple[Call, dict[str, str]]:
    """The call a request is, and its path parameters; KeyError if no call matches."""
    found = [
        (c, m.groupdict())
        for c in calls
        if c.method == method and (m := _pattern(c.path).match(path))
    ]
    if not found:
        raise KeyError(f"{method} {path}")
    # the most literal template wins ("/commits/head" over "/commits/{commitId}")
    return max(found, key=lambda cp: len(re.sub(r"\{[^}]*\}", "", cp[0].path)))


def is_local_extra(path: str) -> bool:
    return path.startswith(LOCAL_PREFIX)


def check_record(record: Mapping[str, Any], calls: Iterable[Call] = CALLS) -> list[Violation]:
    method, path = record["method"], record["path"]
    if is_local_extra(path):
        return []
    try:
        call, params = match(method, path, calls)
    except KeyError:
        return [Violation(f"{method} {path}", "route", "", "no Domino document has this route", "")]
    flavor = record.get("flavor") or DEFAULT_FLAVOR
    return [
        *check_request(call, params, record.get("query") or [], record, flavor),
        *check_answer(call, record, flavor),
    ]


def check_request(
    call: Call,
    params: Mapping[str, str],
    query: Iterable[tuple[str, str]] | Iterable[list[str]],
    record: Mapping[str, Any],
    flavor: str,
) -> list[Violation]:
    out = []
    label = f"{call.name} ({call.method} {call.path})"

    def v(where: str, name: str, problem: str) -> None:
        out.append(Violation(label, where, name, problem, call.source))

    for name, regex in call.path_patterns.items():
        if name in params and not re.match(regex, params[name]):
            v("path", name, f"{params[name]!r} does not match {regex}")
    sent = [tuple(pair) for pair in query]
    for name, value in sent:
        documented = call.query.get(name)
        if documented is None:
            v("query", name, "undocumented query parameter")
        elif (problem := _query_problem(documented, value)) is not None:
            v("query", name, problem)
    for name, documented in call.query.items():
        if documented.required and name not in {n for n, _ in sent}:
            v("query", name, "required query parameter missing")
    for name, problem in _body_problems(call, record, flavor):
        v("request body", name, problem)
    return out


def _query_problem(documented: Field, value: str) -> str | None:
    kind = documented.shape.kind
    ok = {
        "integer": lambda: re.fullmatch(r"-?\d+", value) is not None,
        "number": lambda: re.fullmatch(r"-?\d+(\.\d+)?", value) is not None,
        "boolean": lambda: value in ("true", "false"),
    }.get(kind, lambda: True)()
    if not ok:
        return f"{value!r} is not a {kind}"
    if documented.shape.enum and value not in documented.shape.enum:
        return f"{value!r} is not {documented.shape.describe()}"
    return None


def _body_problems(call: Call, record: Mapping[str, Any], flavor: str) -> Iterator[tuple[str, str]]:
    kind = record.get("body_kind", "none")
    documented = for_flavor(call.body, flavor)
    if documented is None:
        if kind != "none":
            yield "", f"a {kind} body where Domino documents none"
        return
    if documented is RAW:
        return
    if kind != "json":
        yield "", f"expected a JSON body ({documented.describe()}), got {kind}"
        return
    yield from check_value(documented, record.get("body"))


def check_answer(call: Call, record: Mapping[str, Any], flavor: str) -> list[Violation]:
    status = record.get("status")
    if not isinstance(status, int) or not 200 <= status < 300:
        return []  # Domino documents no error bodies to hold answers to
    label = f"{call.name} ({call.method} {call.path})"
    out = []
    if status != call.status:
        problem = f"{status}, documented {call.status}"
        out.append(Violation(label, "status", "", problem, call.source))
    documented = for_flavor(call.answer, flavor)
    if documented is None:
        return out
    if record.get("answer_kind") != "json":
        problem = f"not JSON ({record.get('answer_kind')}), expected {documented.describe()}"
        return [*out, Violation(label, "answer", "", problem, call.source)]
    out += [
        Violation(label, "answer", name, problem, call.source)
        for name, problem in check_value(documented, record.get("answer"))
    ]
    return out


# -- values --------------------------------------------------------------------------------


def check_value(shape: Shape, value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field, problem) for every way `value` differs from `shape`."""
    if shape.kind == "any":
        return
    if shape.kind == "one_of":
        if not any(not list(check_value(v, value, path)) for v in shape.variants):
            yield path, f"is {_show(value)}, expected {shape.describe()}"
        return
    if not _is_kind(shape.kind, value):
        yield path, f"is {_type_name(value)}, expected {shape.describe()}"
        return
    if shape.enum and value not in shape.enum:
        yield path, f"is {value!r}, expected {shape.describe()}"
    elif shape.fmt == "date-time" and not _is_iso(value):
        yield path, f"is {value!r}, expected an ISO 8601 date-time"
    if shape.kind == "array" and shape.items is not None:
        for item in value:
            yield from check_value(shape.items, item, f"{path}[]")
    elif shape.kind == "object":
        yield from _check_object(shape, value, path)


def _check_object(shape: Shape, value: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    documented = shape.field_map()
    for name, f in documented.items():
        at = f"{path}.{name}" if path else name
        if name not in value or value[name] is None:
            if f.required and not (name in value and f.nullable):
                yield at, "required field " + ("is null" if name in value else "missing")
            continue
        yield from check_value(f.shape, value[name], at)
    if not shape.open:
        for name in value:
            if name not in documented:
                yield (f"{path}.{name}" if path else name), "undocumented field"


def _is_kind(kind: str, value: Any) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    types = {"string": str, "boolean": bool, "object": dict, "array": list}
    return isinstance(value, types[kind])


def _is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
