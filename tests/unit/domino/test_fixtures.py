"""The fixtures the client's unit tests parse are held to the contract (tests/contract/):
each one written from a document must be a valid answer of the call and Domino version it
names in its "source". They are written from those documents, not recorded from a live
Domino; two stand for the local Domino's old answers and are named so (`*_local`,
`files_with_isdirectory`: shapes the client still reads, no longer any document's)."""

from __future__ import annotations

import json

import pytest

from tests.contract.checker import check_record
from tests.unit.domino.conftest import FIXTURES

ID = "0123456789abcdef01234567"
# fixture -> (method, a concrete path of the call it answers, the version its source names)
CLAIMS = {
    "commit_head_v4": ("GET", f"/v4/projects/{ID}/commits/head", "5.0"),
    "commits_v1_ids": ("GET", "/v1/projects/me/p/commits", "latest"),
    "commits_v1_objects": ("GET", "/v1/projects/me/p/commits", "5.0"),
    "environment_revisions_50": ("GET", f"/v4/environments/{ID}/page/0/pageSize/50/revisions",
                                 "5.0"),
    "files_without_isdirectory": ("GET", f"/v1/projects/me/p/files/{'a' * 40}/d", "5.0"),
    "job_usage_50": ("GET", f"/v4/jobs/jobs/{ID}/usage", "5.0"),
    "jobset_50": ("GET", "/v4/jobs", "5.0"),
    "logs_problem_50": ("GET", f"/v4/jobs/{ID}/logsWithProblemSuggestions", "5.0"),
    "logs_v4": ("GET", f"/v4/jobs/{ID}/logsWithProblemSuggestions", "5.0"),
    "own_environments_50": ("GET", "/v4/environments/self", "5.0"),
    "project_50": ("GET", "/v4/gateway/projects/findProjectByOwnerAndName", "5.0"),
    "run_stdout_html": ("GET", f"/v1/projects/me/p/run/{ID}/stdout", "5.0"),
    "runtime_details_50": ("GET", f"/v4/jobs/{ID}/runtimeExecutionDetails", "5.0"),
    "runtime_details_latest": ("GET", f"/v4/jobs/{ID}/runtimeExecutionDetails", "latest"),
    "scheduled_job_50": ("GET", f"/v4/projects/{ID}/scheduledjobs/{ID}", "5.0"),
    "scheduled_job_latest": ("GET", f"/v4/projects/{ID}/scheduledjobs/{ID}", "latest"),
    "tiers_50_flat": ("GET", f"/v4/projects/{ID}/hardwareTiers", "5.0"),
    "tiers_hwtflags": ("GET", f"/v4/projects/{ID}/hardwareTiers", "latest"),
    "tiers_no_default": ("GET", f"/v4/projects/{ID}/hardwareTiers", "5.0"),
    "upload_v1": ("PUT", "/v1/projects/me/p/d/a.txt", "5.0"),
    "useable_environments_50": ("GET", f"/v4/projects/{ID}/useableEnvironments", "5.0"),
}
# the local Domino's answers before it followed Domino's documents: read for old servers
LOCAL_SHAPES = {"jobs_local", "files_with_isdirectory"}


def test_every_fixture_claims_a_call_or_is_named_as_local() -> None:
    names = {p.stem for p in FIXTURES.glob("*.json")}
    assert names == set(CLAIMS) | LOCAL_SHAPES
    for name in LOCAL_SHAPES:
        assert "local Domino" in json.loads((FIXTURES / f"{name}.json").read_text())["source"]


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_fixture_is_a_valid_answer_of_its_call(name: str) -> None:
    method, path, flavor = CLAIMS[name]
    answer = json.loads((FIXTURES / f"{name}.json").read_text())["answer"]
    status = 201 if method == "PUT" else 200
    record = {
        "flavor": flavor, "method": method, "path": path, "query": [],
        "body_kind": "raw" if method == "PUT" else "none", "body": None,
        "status": status, "answer_kind": "json", "answer": answer,
    }
    violations = [v for v in check_record(record) if v.where != "query"]
    assert violations == [], "\n".join(map(str, violations))
