"""DominoClient's calls against documented answers: which route it prefers, what it sends,
what it makes of errors."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.domino import Credentials, DominoError, DominoReloginRequired, parse
from tests.unit.domino.conftest import PROJECT, SECRET, documented

HEAD = "9d2a5c0e8f1b3a4d5e6f708192a3b4c5d6e7f809"
V4_HEAD = f"/v4/projects/{PROJECT.id}/commits/head"
V1_COMMITS = "/v1/projects/marks/quick-start/commits"


def test_head_commit_prefers_the_v4_route(client, fake):
    fake.answer("GET", V4_HEAD, documented("commit_head_v4"))
    assert client.head_commit_id() == HEAD
    assert fake.paths() == [V4_HEAD]


@pytest.mark.parametrize("name", ["commits_v1_ids", "commits_v1_objects"])
def test_head_commit_falls_back_to_the_v1_list_where_v4_is_404(client, fake, name):
    fake.answer("GET", V1_COMMITS, documented(name))
    assert client.head_commit_id() == HEAD
    assert client.head_commit_id() == HEAD
    # the missing route is asked once, then the list only
    assert fake.paths() == [V4_HEAD, V1_COMMITS, V1_COMMITS]


def test_project_without_commits_has_no_head(client, fake):
    fake.answer("GET", V1_COMMITS, [])
    assert client.head_commit_id() is None


def test_a_job_without_tier_sends_no_override(client, fake):
    fake.answer("POST", "/v4/jobs/start", documented("jobset_50")["jobs"][0])
    job = client.start_job("python -m snakemake", title="t")
    body = fake.calls[-1][2]["json"]
    assert "overrideHardwareTierId" not in body
    assert "commitId" not in body and "environmentId" not in body
    assert body == {"projectId": PROJECT.id, "commandToRun": "python -m snakemake", "title": "t"}
    assert job.number == 42


def test_a_job_with_tier_and_commit_sends_them(client, fake):
    fake.answer("POST", "/v4/jobs/start", documented("jobset_50")["jobs"][0])
    client.start_job("true", title="t", commit_id="c1", tier_id="gpu-k8s")
    body = fake.calls[-1][2]["json"]
    assert (body["overrideHardwareTierId"], body["commitId"]) == ("gpu-k8s", "c1")


def test_job_list_query_is_the_documented_one(client, fake):
    fake.answer("GET", "/v4/jobs", documented("jobset_50"))
    page = client.jobs_page(page_size=100)
    params = fake.calls[-1][2]["params"]
    assert params == {"projectId": PROJECT.id, "order_by": "number", "sort_by": "desc",
                      "page_size": 100, "page_no": 1, "show_archived": "false", "status": "all"}
    assert (page.page_size, page.page_no) == (2, 3)
    assert client.list_jobs(page_size=100)[1] == 60


def test_409_asks_to_renew_the_credentials_and_names_the_setting(client, fake):
    fake.answer("POST", "/v4/jobs/start", {"redirectPath": "/relogin"}, status=409)
    with pytest.raises(DominoReloginRequired) as info:
        client.start_job("true", title="t")
    message = str(info.value)
    assert info.value.status == 409
    assert "start job 't'" in message and "409" in message and "/relogin" in message
    assert "renew" in message and "--domino-api-key / $DOMINO_USER_API_KEY" in message
    assert SECRET not in message
    assert len(fake.paths("POST")) == 1  # not retried as if transient


def test_409_on_a_public_api_route_is_a_conflict_not_a_relogin(client, fake, tmp_path):
    content = f"/api/projects/v1/projects/{PROJECT.id}/files/c1/out.csv/content"
    fake.answer("GET", content, {"message": "conflict"}, status=409)
    with pytest.raises(DominoError) as info:
        client.download_file("c1", "out.csv", tmp_path / "out.csv")
    assert not isinstance(info.value, DominoReloginRequired)
    assert "conflict" in str(info.value) and "renew" not in str(info.value)


def test_a_bearer_token_is_sent_as_authorization():
    sent = Credentials(token="pat-123").headers()
    assert sent == {"Authorization": "Bearer pat-123"}
    assert "pat-123" not in repr(Credentials(token="pat-123"))
    assert Credentials(api_key="k").is_api_key and not Credentials(token="t").is_api_key


def test_upload_returns_the_stored_file_not_a_commit(client, fake, tmp_path):
    source = tmp_path / "x.rdata"
    source.write_bytes(b"abc")
    path = "/v1/projects/marks/quick-start/data/randomNumbers.rdata"
    fake.answer("PUT", path, documented("upload_v1"), status=201)
    answer = client.upload_file("data/randomNumbers.rdata", source)
    assert answer.key == "5c28ab880e29953e41b91e351f786a833fbf18a5"
    assert fake.calls[-1][2]["data"] == b"abc"


def test_listing_a_commit_without_isdirectory_walks_into_directories(client, fake):
    base = "/v1/projects/marks/quick-start/files/c1/"
    fake.answer("GET", base + "/", {"data": [{"path": "a.txt", "key": "k" * 40, "size": 1},
                                       {"path": "sub", "size": 0}]})
    fake.answer("GET", base + "sub", {"data": [{"path": "sub/b.txt", "key": "b" * 40,
                                                "size": 2}]})
    assert [e.path for e in client.walk_files("c1")] == ["a.txt", "sub/b.txt"]


def test_a_flat_listing_of_every_file_below_walks_without_directory_entries(client, fake):
    # python-domino's README reads the v1 list as every file under the path, from the root
    base = "/v1/projects/marks/quick-start/files/c1/"
    fake.answer("GET", base + "out", {"data": [
        {"path": "out/a.txt", "key": "a" * 40, "size": 1},
        {"path": "out/deep/b.txt", "key": "b" * 40, "size": 2},
        {"path": "outside.txt", "key": "c" * 40, "size": 3}]})
    assert [e.path for e in client.walk_files("c1", "out")] == ["out/a.txt", "out/deep/b.txt"]


@pytest.mark.parametrize("name, tier", [("runtime_details_50", ("medium-k8s", "Medium")),
                                        ("runtime_details_latest", ("gpu-k8s", "GPU"))])
def test_a_jobs_tier_comes_from_its_runtime_execution_details(client, fake, name, tier):
    job = parse.job(documented("jobset_50")["jobs"][0])
    fake.answer("GET", f"/v4/jobs/{job.id}/runtimeExecutionDetails", documented(name))
    filled = client.with_tier(job)
    assert (filled.tier_id, filled.tier_name) == tier


def test_a_job_keeps_no_tier_where_runtime_details_are_missing(client, fake):
    job = parse.job(documented("jobset_50")["jobs"][0])
    assert client.with_tier(job) == job


def test_a_jobs_problem_suggestion_is_read_with_one_setup_line(client, fake):
    path = "/v4/jobs/j1/logsWithProblemSuggestions"
    fake.answer("GET", path, documented("logs_problem_50"))
    assert "ran out of memory" in client.job_problem("j1")
    assert fake.calls[-1][2]["params"] == {"logType": "prepareoutput", "limit": 1}
    fake.answer("GET", "/v4/jobs/j2/logsWithProblemSuggestions", documented("logs_v4"))
    assert client.job_problem("j2") is None  # no suggestion
    assert client.job_problem("missing") is None  # a Domino without the route


def test_the_root_listing_asks_for_path_slash_as_the_v1_description_does(client, fake):
    fake.answer("GET", "/v1/projects/marks/quick-start/files/c1//",
                {"data": [{"path": "a.txt", "key": "k" * 40, "size": 1}]})
    assert [e.path for e in client.list_files("c1")] == ["a.txt"]
    assert fake.paths("GET") == ["/v1/projects/marks/quick-start/files/c1//"]
