"""Unit tests of the contract checker: each kind of break is caught, named and sourced."""

from __future__ import annotations

import copy
import re
from typing import Any

from . import domino_shapes as d
from . import schedule_shapes as s
from . import v1_shapes as v1
from .checker import Violation, check_record, check_value, match
from .contract import CALLS, LOCAL_PREFIX
from .samples import sample

PROJECT = "0123456789abcdef01234567"
JOB = "89abcdef0123456789abcdef"


def record(method: str, path: str, **kw: Any) -> dict[str, Any]:
    base = {
        "flavor": "5.0", "method": method, "path": path, "query": [], "body_kind": "none",
        "body": None, "status": 200, "answer_kind": "none", "answer": None,
    }
    if "body" in kw:
        base["body_kind"] = "json"
    if "answer" in kw:
        base["answer_kind"] = "json"
    return {**base, **kw}


def start_job(body: Any = None, answer: Any = None, **kw: Any) -> dict[str, Any]:
    return record(
        "POST", "/v4/jobs/start",
        body=body if body is not None else {"projectId": PROJECT, "commandToRun": "echo"},
        answer=answer if answer is not None else sample(d.JOB), **kw,
    )


def only(violations: list[Violation]) -> Violation:
    assert len(violations) == 1, "\n".join(map(str, violations))
    return violations[0]


def test_a_documented_exchange_passes() -> None:
    assert check_record(start_job()) == []
    full = {"projectId": PROJECT, "commandToRun": "echo", "commitId": None, "title": "t",
            "overrideHardwareTierId": "small-k8s", "environmentId": None}
    assert check_record(start_job(body=full, flavor="latest")) == []


def test_a_title_on_a_50_start_is_an_undocumented_field() -> None:
    """5.0's StartJobRequest has no title; Domino 5.5+ (python-domino 1.2.4) takes one."""
    body = {"projectId": PROJECT, "commandToRun": "echo", "title": "t"}
    v = only(check_record(start_job(body=body, flavor="5.0")))
    assert (v.where, v.field, v.problem) == ("request body", "title", "undocumented field")
    assert check_record(start_job(body=body, flavor="5.10")) == []


def test_a_missing_required_answer_field_fails_naming_call_field_and_source() -> None:
    answer = sample(d.JOB)
    del answer["statuses"]["executionStatus"]
    v = only(check_record(start_job(answer=answer)))
    assert (v.where, v.field, v.problem) == (
        "answer", "statuses.executionStatus", "required field missing"
    )
    text = str(v)
    assert text.startswith(
        "start job (POST /v4/jobs/start): answer field 'statuses.executionStatus'"
    )
    assert "[source: 5.0 OpenAPI startJob" in text


def test_a_missing_required_body_field_fails() -> None:
    v = only(check_record(start_job(body={"projectId": PROJECT})))
    assert (v.where, v.field, v.problem) == ("request body", "commandToRun",
                                             "required field missing")


def test_a_null_required_field_fails_but_a_null_optional_one_passes() -> None:
    answer = sample(d.JOB)
    answer["jobRunCommand"] = None
    answer["title"] = None
    v = only(check_record(start_job(answer=answer)))
    assert (v.field, v.problem) == ("jobRunCommand", "required field is null")


def test_an_undocumented_route_fails() -> None:
    v = only(check_record(record("POST", f"/v4/projects/{PROJECT}/scheduledjobs/abc/run")))
    assert v.where == "route"
    assert v.call == f"POST /v4/projects/{PROJECT}/scheduledjobs/abc/run"
    assert "no Domino document" in v.problem


def test_local_extras_under_the_prefix_are_exempt() -> None:
    assert check_record(record("POST", f"{LOCAL_PREFIX}scheduledjobs/abc/run",
                               body={"anything": 1})) == []


def test_a_wrong_type_fails() -> None:
    answer = sample(d.JOB)
    answer["number"] = "12"
    answer["stageTime"]["submissionTime"] = 1.5
    problems = {(v.field, v.problem) for v in check_record(start_job(answer=answer))}
    assert problems == {
        ("number", "is a string, expected integer"),
        ("stageTime.submissionTime", "is a number, expected integer"),
    }
    v = only(check_record(start_job(body={"projectId": PROJECT, "commandToRun": ["echo"]})))
    assert (v.where, v.field, v.problem) == ("request body", "commandToRun",
                                             "is an array, expected string")


def test_undocumented_fields_fail_in_bodies_and_described_answers() -> None:
    body = {"projectId": PROJECT, "commandToRun": "echo", "tierId": "small"}
    v = only(check_record(start_job(body=body)))
    assert (v.where, v.field, v.problem) == ("request body", "tierId", "undocumented field")
    answer = {**sample(d.JOB), "hardwareTier": {"id": "small-k8s"}}
    v = only(check_record(start_job(answer=answer)))
    assert (v.where, v.field, v.problem) == ("answer", "hardwareTier", "undocumented field")


def test_query_parameters_are_checked() -> None:
    ok = [("projectId", PROJECT), ("page_size", "50"), ("show_archived", "false")]
    assert check_record(record("GET", "/v4/jobs", query=ok, answer=sample(d.JOB_SET))) == []
    bad = [("page_size", "many"), ("limit", "5")]
    problems = {(v.field, v.problem)
                for v in check_record(record("GET", "/v4/jobs", query=bad, status=400))}
    assert problems == {
        ("page_size", "'many' is not a number"),
        ("limit", "undocumented query parameter"),
        ("projectId", "required query parameter missing"),
    }


def test_path_parameters_follow_domino_id_pattern() -> None:
    v = only(check_record(record("GET", "/v4/jobs/job-12", answer=sample(d.JOB))))
    assert (v.where, v.field) == ("path", "jobId")


def test_a_wrong_status_or_a_non_json_answer_fails() -> None:
    v = only(check_record(start_job(status=201)))
    assert (v.where, v.problem) == ("status", "201, documented 200")
    upload = record("PUT", "/v1/projects/me/p/data/a.csv", body_kind="raw", body=3,
                    answer=sample(v1.UPLOADED_FILE))
    assert check_record({**upload, "status": 201}) == []
    v = only(check_record({**upload, "status": 201, "answer_kind": "raw", "answer": 10}))
    assert v.where == "answer" and "not JSON" in v.problem


def test_error_answers_are_not_held_to_the_success_shape() -> None:
    assert check_record(start_job(status=404, answer={"message": "no such project"})) == []


def test_a_body_where_none_is_documented_fails() -> None:
    v = only(check_record(record("GET", f"/v4/jobs/{JOB}", body={"x": 1},
                                 answer=sample(d.JOB))))
    assert (v.where, v.problem) == ("request body", "a json body where Domino documents none")


def test_commit_lists_of_ids_and_of_objects_both_pass() -> None:
    path = "/v1/projects/me/p/commits"
    assert check_record(record("GET", path, answer=["abc", "def"])) == []
    assert check_record(record("GET", path, answer=[{"id": "abc", "message": "m"}])) == []
    v = only(check_record(record("GET", path, answer=[{"commitId": "abc"}])))
    assert v.field == "[]" and "expected string or object" in v.problem


def test_default_tier_flag_per_flavor() -> None:
    path = f"/v4/projects/{PROJECT}/hardwareTiers"
    flat = [sample(d.TIER_WITH_CAPACITY_50)]
    nested = [{"hardwareTier": {"id": "s", "name": "Small", "hwtFlags": {"isDefault": True},
                                "hwtResources": {"cores": 1, "memory": {"value": 4,
                                                                        "unit": "GiB"}}}}]
    assert check_record(record("GET", path, answer=flat)) == []
    assert check_record(record("GET", path, answer=nested, flavor="latest")) == []
    assert {v.field for v in check_record(record("GET", path, answer=nested))} >= {
        "[].hardwareTier.isDefault", "[].hardwareTier.hwtFlags"
    }
    missing = copy.deepcopy(nested)
    del missing[0]["hardwareTier"]["hwtFlags"]
    v = only(check_record(record("GET", path, answer=missing, flavor="latest")))
    assert v.field == "[].hardwareTier.hwtFlags"


def test_scheduled_job_revision_field_per_flavor() -> None:
    path = f"/v4/projects/{PROJECT}/scheduledjobs"
    body_50 = sample(s.SCHEDULE_REQUEST_50) | {"overrideEnvironmentRevisionSpec": "ActiveRevision"}
    body_latest = sample(s.SCHEDULE_REQUEST_LATEST)
    assert check_record(record("POST", path, body=body_50, answer=sample(s.SCHEDULED_JOB_50))) == []
    assert check_record(record("POST", path, body=body_latest, flavor="latest",
                               answer=sample(s.SCHEDULED_JOB_LATEST))) == []
    problems = {(v.field, v.problem) for v in check_record(record("POST", path, body=body_latest))}
    assert ("environmentRevisionSpec", "undocumented field") in problems
    assert ("publishAfterCompleted", "required field missing") in problems


def test_one_of_and_enum_and_date_time() -> None:
    spec = d.REVISION_SPEC_50
    assert list(check_value(spec, {"revisionId": "r1"})) == []
    assert list(check_value(spec, "NewestRevision")) == [
        ("", "is 'NewestRevision', expected one of 'ActiveRevision', 'LatestRevision' or object")
    ]
    assert list(check_value(d.DATE_TIME, "yesterday")) == [
        ("", "is 'yesterday', expected an ISO 8601 date-time")
    ]


def test_every_call_is_well_formed_and_unambiguous() -> None:
    seen = set()
    for call in CALLS:
        assert call.source and call.name, call
        assert call.path.startswith("/") and not call.path.startswith(LOCAL_PREFIX)
        key = (call.method, call.path)
        assert key not in seen, key
        seen.add(key)
        concrete = re.sub(r"\{[A-Za-z]+\*?\}", "0123456789abcdef01234567", call.path)
        assert match(call.method, concrete)[0] is call, call.path
