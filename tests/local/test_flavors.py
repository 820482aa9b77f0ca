"""API flavors: the same local Domino answers in Domino 5.0's shapes or in newer Domino's,
as its flavor says (snakemake_executor_domino/local/api/flavor.py names each source)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from snakemake_executor_domino.local.api.flavor import FLAVOR_ENV, FlavorError
from snakemake_executor_domino.local.server import LocalDomino

from .conftest import Api, make_api


@pytest.fixture(scope="module")
def latest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDomino]:
    root = tmp_path_factory.mktemp("latest-flavor")
    with LocalDomino(root, user="tester", api_flavor="latest") as domino:
        yield domino


@pytest.fixture
def newer(latest: LocalDomino, request: pytest.FixtureRequest) -> Api:
    return make_api(latest, f"tester/{request.node.name[:40].replace('[', '-').rstrip(']')}")


def test_version_names_a_newer_domino(newer: Api) -> None:
    assert newer.get("/version").json()["version"] == "6.3.0"


@pytest.fixture(scope="module")
def domino_510(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDomino]:
    with LocalDomino(tmp_path_factory.mktemp("flavor-510"), user="tester",
                     api_flavor="5.10") as domino:
        yield domino


@pytest.mark.parametrize("version", ["5.0", "5.10", "latest"])
def test_title_and_content_route_by_version(
    version: str, api: Api, domino_510: LocalDomino, newer: Api
) -> None:
    """5.0 keeps no title from a start and has no content route; 5.10 and later have both
    (python-domino 1.2.4 and 1.3.0); v1 blobs by key are served by every version."""
    target = {"5.0": api, "5.10": make_api(domino_510, "tester/by-version"), "latest": newer}
    server = target[version]
    commit = server.upload_commit("d/hello.txt", b"hello")
    job = server.start("true", title="named at start")
    assert job["title"] == (None if version == "5.0" else "named at start")
    route = f"/api/projects/v1/projects/{server.project_id}/files/{commit}/d/hello.txt/content"
    content = server.get(route)
    if version == "5.0":
        assert content.status_code == 404 and "blobs" in content.json()["message"]
    else:
        assert content.status_code == 200 and content.content == b"hello"
    key = server.files(commit, "d")["d/hello.txt"]["key"]
    assert server.get(f"{server.v1}/blobs/{key}").content == b"hello"


def test_tiers_carry_hwt_resources_and_hwt_flags(newer: Api) -> None:
    body = newer.get(f"/v4/projects/{newer.project_id}/hardwareTiers").json()
    tiers = {t["hardwareTier"]["id"]: t["hardwareTier"] for t in body}
    small = tiers["small-k8s"]
    assert small["hwtFlags"]["isDefault"] is True
    assert [i for i, t in tiers.items() if t["hwtFlags"]["isDefault"]] == ["small-k8s"]
    assert small["hwtResources"]["cores"] == 1.0
    assert small["hwtResources"]["memory"] == {"value": 4, "unit": "GiB"}
    assert tiers["gpu-small-k8s"]["gpuConfiguration"]["numberOfGpus"] == 1
    # no flat 5.0 fields beside the nested ones: a client must read one shape or the other
    assert not {"isDefault", "cores", "memory"} & set(small)
    assert all("capacity" in t for t in body)


def test_v1_commits_are_bare_ids(newer: Api) -> None:
    head = newer.upload_commit("a.txt", b"a")
    commits = newer.get(f"{newer.v1}/commits").json()
    assert commits[0] == head and all(isinstance(c, str) for c in commits)


def test_job_names_its_project(newer: Api) -> None:
    job = newer.start("true")
    assert job["projectId"] == newer.project_id
    details = newer.get(f"/v4/jobs/{job['id']}/runtimeExecutionDetails").json()
    # python-domino's live tests read the tier of a job as an object here
    assert details["hardwareTier"] == {"id": "small-k8s", "name": "Small"}


def test_scheduled_jobs_use_environment_revision_spec(newer: Api) -> None:
    me = newer.get("/v4/users/self").json()
    body = {
        "title": "t", "command": "true",
        "schedule": {"cronString": "0 0 3 * * ?", "isCustom": True},
        "timezoneId": "UTC", "isPaused": True, "allowConcurrentExecution": False,
        "hardwareTierIdentifier": "small-k8s", "scheduledByUserId": me["id"],
        "notifyOnCompleteEmailAddresses": [], "environmentRevisionSpec": "RestrictedRevision",
    }
    # python-domino's body: no publishAfterCompleted, which this flavor does not require
    r = newer.post(f"/v4/projects/{newer.project_id}/scheduledjobs", json=body)
    assert r.status_code == 200, r.text
    created = r.json()
    assert created["environmentRevisionSpec"] == "RestrictedRevision"
    assert "overrideEnvironmentRevisionSpec" not in created
    assert "publishAfterCompleted" not in created


def test_the_5_0_flavor_wants_its_own_revision_field(api: Api) -> None:
    me = api.get("/v4/users/self").json()
    body = {
        "title": "t", "command": "true",
        "schedule": {"cronString": "0 0 3 * * ?", "isCustom": True},
        "timezoneId": "UTC", "isPaused": True, "allowConcurrentExecution": False,
        "publishAfterCompleted": False, "hardwareTierIdentifier": "small-k8s",
        "scheduledByUserId": me["id"], "notifyOnCompleteEmailAddresses": [],
        "overrideEnvironmentRevisionSpec": "RestrictedRevision",
    }
    r = api.post(f"/v4/projects/{api.project_id}/scheduledjobs", json=body)
    assert r.status_code == 400
    assert "overrideEnvironmentRevisionSpec" in r.json()["message"]
    r = api.post(f"/v4/projects/{api.project_id}/scheduledjobs",
                 json={**body, "overrideEnvironmentRevisionSpec": {"revisionId": "r1"}})
    assert r.status_code == 200, r.text
    assert r.json()["overrideEnvironmentRevisionSpec"] == {"revisionId": "r1"}


def test_flavor_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(FLAVOR_ENV, "latest")
    assert LocalDomino(tmp_path / "a").config.flavor.name == "latest"
    monkeypatch.setenv(FLAVOR_ENV, "4.6")
    with pytest.raises(FlavorError,
                       match=r"unknown API flavor '4.6'; use one of 5.0, 5.10, latest"):
        LocalDomino(tmp_path / "b")
    monkeypatch.delenv(FLAVOR_ENV)
    assert LocalDomino(tmp_path / "c").config.flavor.name == "5.0"
    assert LocalDomino(tmp_path / "d", api_flavor="latest").config.flavor.name == "latest"
