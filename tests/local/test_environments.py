"""The local Domino's compute environments: configured like tiers, each job runs with its
environment's Python (isolated or not)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from snakemake_executor_domino.local.config import ConfigError, ServerConfig
from snakemake_executor_domino.local.jobs.compute_envs import (
    DEFAULT_ENVIRONMENTS,
    ComputeEnvironment,
    derived_id,
    load_environments_file,
)
from snakemake_executor_domino.local.jobs.jobenv import ENVIRONMENT_ID
from snakemake_executor_domino.local.server import LocalDomino
from tests.local.conftest import make_api


def test_defaults_the_servers_python_and_deep_learning():
    default, deep = DEFAULT_ENVIRONMENTS
    assert default.is_default and default.id == ENVIRONMENT_ID
    assert deep.name == "Deep Learning" and deep.id == derived_id("Deep Learning")
    assert deep.bin_dir == Path(sys.executable).parent and deep.host_paths() == []
    assert len(deep.id) == 24 and deep.revision_id != default.revision_id


def test_a_file_replaces_them(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    path = tmp_path / "envs.yaml"
    path.write_text(f"environments:\n  - {{name: Base}}\n  - {{name: Other, python: {venv}}}\n")
    base, other = load_environments_file(path)
    assert base.is_default and not other.is_default  # the first is the default
    assert other.bin_dir == venv / "bin" and venv in other.host_paths()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- {name: A}\n- {name: a}\n", "environment name 'a' appears twice"),
        ("- {name: A, id: nothex}\n", "must be 24 hex digits"),
        ("- {name: A, python: /no/such/prefix}\n", "holds no bin/python"),
        ("- {name: A, colour: red}\n", "unknown key(s) ['colour']"),
        ("- {name: A, default: true}\n- {name: B, default: true}\n", "exactly one environment"),
        ("[]\n", "non-empty list"),
    ],
)
def test_bad_files_say_what_to_fix(tmp_path, text, problem):
    path = tmp_path / "envs.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_environments_file(path)
    assert problem in str(info.value)


def test_server_config_finds_environments_by_id(tmp_path):
    config = ServerConfig(root=tmp_path)
    assert config.default_environment.id == ENVIRONMENT_ID
    assert config.environment(derived_id("Deep Learning")).name == "Deep Learning"
    assert config.environment("0" * 24) is None


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A second Python environment (no pip: quick), to tell which one a job ran with."""
    prefix = tmp_path_factory.mktemp("other-env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    return prefix


def test_a_job_runs_with_its_environments_python(tmp_path, venv):
    other = ComputeEnvironment(derived_id("Other"), "Other", str(venv))
    environments = (DEFAULT_ENVIRONMENTS[0], other)
    with LocalDomino(tmp_path / "state", environments=environments, user="tester") as domino:
        api = make_api(domino, "tester/envs")
        command = "python -c 'import sys; print(\"prefix\", sys.prefix)'"
        plain = api.start(command)
        chosen = api.start(command, environmentId=other.id)
        api.wait(plain["id"]), api.wait(chosen["id"])
        assert f"prefix {sys.prefix}" in api.log(plain["id"])
        assert f"prefix {venv}" in api.log(chosen["id"])


DEEP = derived_id("Deep Learning")


def test_the_environment_routes(api):
    useable = api.get(f"/v4/projects/{api.project_id}/useableEnvironments").json()
    assert useable["currentlySelectedEnvironment"]["id"] == ENVIRONMENT_ID
    assert {e["name"]: e["id"] for e in useable["environments"]}["Deep Learning"] == DEEP
    assert api.get("/v4/environments/defaultEnvironment").json()["id"] == ENVIRONMENT_ID
    deep = api.get(f"/v4/environments/{DEEP}").json()
    assert deep["name"] == "Deep Learning" and deep["latestRevision"]["number"] == 1
    assert [e["id"] for e in api.get("/v4/environments/self").json()] == [ENVIRONMENT_ID, DEEP]
    page = api.get(f"/v4/environments/{DEEP}/page/0/pageSize/10/revisions").json()
    # pages count from 0: the one revision is on page 0, page 1 is empty
    later = api.get(f"/v4/environments/{DEEP}/page/1/pageSize/10/revisions").json()
    assert later["revisions"] == []
    assert page["revisions"][0]["id"] == deep["latestRevision"]["id"]
    missing = api.get(f"/v4/environments/{'0' * 24}")
    assert missing.status_code == 404 and "Deep Learning" in missing.json()["message"]


def test_a_start_in_an_unknown_environment_or_revision_is_refused(api):
    body = {"projectId": api.project_id, "commandToRun": "true"}
    refused = api.post("/v4/jobs/start", json={**body, "environmentId": "0" * 24})
    assert refused.status_code == 400
    assert "valid environments: " in refused.json()["message"]
    assert f"Deep Learning (id {DEEP})" in refused.json()["message"]
    spec = {"revisionId": "1" * 24}
    refused = api.post("/v4/jobs/start",
                       json={**body, "environmentId": DEEP, "environmentRevisionSpec": spec})
    assert refused.status_code == 400 and "is not a revision" in refused.json()["message"]
    started = api.post("/v4/jobs/start", json={**body, "environmentId": DEEP,
                                                "environmentRevisionSpec": "LatestRevision"})
    assert started.status_code == 200
