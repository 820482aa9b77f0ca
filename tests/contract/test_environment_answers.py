"""The local Domino's compute-environment answers hold to Domino 5.0's documented shapes
(each request checked by the contract's own checker, as a recorded request would be)."""

from __future__ import annotations

import pytest
import requests

from snakemake_executor_domino.local.jobs.compute_envs import derived_id
from snakemake_executor_domino.local.server import LocalDomino

from .checker import check_record

DEEP = derived_id("Deep Learning")


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    with LocalDomino(tmp_path_factory.mktemp("env-contract"), projects=["me/envs"]) as domino:
        yield domino


def test_environment_answers_keep_the_contract(local):
    project_id = local.create_project("me/envs")
    paths = [
        f"/v4/projects/{project_id}/useableEnvironments",
        "/v4/environments/self",
        "/v4/environments/defaultEnvironment",
        f"/v4/environments/{DEEP}",
        f"/v4/environments/{DEEP}/page/0/pageSize/50/revisions",
    ]
    for path in paths:
        answer = requests.get(local.url + path, headers=local.headers, timeout=10)
        assert answer.status_code == 200, (path, answer.text)
        record = {"method": "GET", "path": path, "query": [], "status": 200,
                  "answer_kind": "json", "answer": answer.json(), "flavor": "5.0"}
        assert check_record(record) == [], path
