"""Listing compute environments and their revisions, on 5.0 answers written from its OpenAPI."""

from __future__ import annotations

from tests.unit.domino.conftest import PROJECT, documented

USEABLE = f"/v4/projects/{PROJECT.id}/useableEnvironments"
GPU_ID = "64f0c1d2e3a4b5c6d7e8f222"


def test_the_projects_environments_with_its_default_flagged(client, fake):
    fake.answer("GET", USEABLE, documented("useable_environments_50"))
    found = {e.name: e for e in client.environments()}
    assert found["Domino Standard Environment"].is_default
    assert found["GPU Tools"].id == GPU_ID and found["GPU Tools"].revision == 3
    assert found["Old"].archived and not found["GPU Tools"].archived
    assert fake.paths() == [USEABLE]


def test_a_deployment_without_the_project_route_lists_your_environments(client, fake):
    fake.answer("GET", "/v4/environments/self", documented("own_environments_50"))
    (only,) = client.environments()
    assert (only.id, only.name, only.revision, only.is_default) == (GPU_ID, "GPU Tools", 2, False)
    assert fake.paths() == [USEABLE, "/v4/environments/self"]


def test_revisions_are_read_page_by_page(client, fake):
    path = f"/v4/environments/{GPU_ID}/page/0/pageSize/50/revisions"
    fake.answer("GET", path, documented("environment_revisions_50"))
    revisions = client.environment_revisions(GPU_ID)
    assert [(r.number, r.id) for r in revisions] == [
        (3, "64f0c1d2e3a4b5c6d7e8f2a3"), (2, "64f0c1d2e3a4b5c6d7e8f2a2")
    ]
    assert fake.paths() == [path]


def test_revision_pages_count_from_zero_and_every_page_is_read(client, fake):
    # 5.0 getBuiltEnvironmentRevisions: `page` is indexed from 0
    first, second = (f"/v4/environments/{GPU_ID}/page/{n}/pageSize/50/revisions" for n in (0, 1))
    fake.answer("GET", first, {"revisions": [{"id": "a" * 24, "number": 9, "created": 1}],
                               "pageInfo": {"totalPages": 2, "currentPage": 0, "pageSize": 50}})
    fake.answer("GET", second, {"revisions": [{"id": "b" * 24, "number": 3, "created": 1}],
                                "pageInfo": {"totalPages": 2, "currentPage": 1, "pageSize": 50}})
    assert [r.number for r in client.environment_revisions(GPU_ID)] == [9, 3]
    assert fake.paths() == [first, second]


def test_a_job_in_an_environment_revision_sends_both(client, fake):
    fake.answer("POST", "/v4/jobs/start", documented("jobset_50")["jobs"][0])
    client.start_job("true", title="t", environment_id=GPU_ID,
                     environment_revision={"revisionId": "64f0c1d2e3a4b5c6d7e8f2a2"})
    body = fake.calls[-1][2]["json"]
    assert body["environmentId"] == GPU_ID
    assert body["environmentRevisionSpec"] == {"revisionId": "64f0c1d2e3a4b5c6d7e8f2a2"}
