"""Every route of the local Domino, its shapes and its error answers, over real HTTP."""

from __future__ import annotations

import hashlib
import re

import requests

from .conftest import Api

HEX24 = re.compile(r"^[0-9a-f]{24}$")
HEX40 = re.compile(r"^[0-9a-f]{40}$")


def test_version(api: Api) -> None:
    body = api.get("/version").json()
    assert body["version"] == "5.0.0"  # the default flavor: Domino 5.0
    assert {"buildId", "commitId"} <= set(body)


def test_find_project(api: Api) -> None:
    r = api.get(
        "/v4/gateway/projects/findProjectByOwnerAndName",
        params={"ownerName": api.owner, "projectName": api.name},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == api.project_id and HEX24.match(body["id"])
    assert body["name"] == api.name and body["owner"]["userName"] == api.owner
    assert HEX24.match(body["owner"]["id"])
    assert body["visibility"] == "Private" and body["description"] == ""
    assert body["hardwareTierId"] == "small-k8s" and body["hardwareTierName"] == "Small"
    assert body["requestingUserRole"] == "Owner" and "Run" in body["allowedOperations"]
    assert body["status"] == {"status": "active", "isBlocked": False}
    # Domino's ProjectGatewayOverview has no ownerUsername or ownerId
    assert "ownerUsername" not in body and "ownerId" not in body


def test_find_project_unknown_is_404_with_fix(api: Api) -> None:
    r = api.get(
        "/v4/gateway/projects/findProjectByOwnerAndName",
        params={"ownerName": "nobody", "projectName": "nothing"},
    )
    assert r.status_code == 404
    assert "nobody/nothing" in r.json()["message"]
    assert "--project" in r.json()["message"]


def test_find_project_missing_parameter_is_400(api: Api) -> None:
    r = api.get("/v4/gateway/projects/findProjectByOwnerAndName", params={"ownerName": "x"})
    assert r.status_code == 400
    assert "projectName" in r.json()["message"]


def test_hardware_tiers(api: Api) -> None:
    r = api.get(f"/v4/projects/{api.project_id}/hardwareTiers")
    assert r.status_code == 200
    tiers = {t["hardwareTier"]["id"]: t["hardwareTier"] for t in r.json()}
    # the default flavor's (5.0's) flat HardwareTierDto; the other shape: test_flavors.py
    small = tiers["small-k8s"]
    assert small["name"] == "Small" and small["isDefault"] is True
    assert small["cores"] == 1.0 and small["memory"] == 4.0
    assert small["runMemoryLimit"]["memoryLimitMegabytes"] == 4096
    assert small["maxSimultaneousExecutions"] == 4
    assert tiers["gpu-small-k8s"]["numberOfGpus"] == 1
    assert {"medium-k8s", "large-k8s"} <= set(tiers)
    assert sum(t["isDefault"] for t in tiers.values()) == 1
    assert not any("hwtResources" in t or "hwtFlags" in t for t in tiers.values())
    capacity = {t["hardwareTier"]["id"]: t["capacity"] for t in r.json()}["small-k8s"]
    assert capacity["maximumConcurrentRuns"] == 4
    assert "numberOfQueuedRuns" in capacity  # counted in test_deployment_limits.py


def test_hardware_tiers_unknown_project(api: Api) -> None:
    assert api.get("/v4/projects/0123456789abcdef01234567/hardwareTiers").status_code == 404


def test_commits_newest_first(api: Api) -> None:
    first = api.head()
    up = api.upload_commit("a.txt", b"a")
    commits = api.get(f"{api.v1}/commits").json()
    # the 5.0 flavor's v1 entries are objects with an id (bare ids: test_flavors.py)
    assert commits[:2] == [{"id": up}, {"id": first}]
    assert all(HEX40.match(c["id"]) for c in commits)
    v4 = api.get(f"/v4/projects/{api.project_id}/commits").json()
    assert [c["id"] for c in v4] == [c["id"] for c in commits]
    assert v4[0]["name"] == "Upload a.txt" and isinstance(v4[0]["commitTime"], int)


def test_head_commit(api: Api) -> None:
    r = api.get(f"/v4/projects/{api.project_id}/commits/head")
    assert r.status_code == 200
    initial = r.json()
    assert HEX40.match(initial["id"]) and initial["name"] == "Initial commit"
    assert isinstance(initial["commitTime"], int)
    assert set(initial) == {"id", "name", "commitTime"}
    up = api.upload_commit("b.txt", b"b")
    assert up != initial["id"]
    assert api.get(f"/v4/projects/{api.project_id}/commits/head").json()["id"] == up
    assert api.get("/v4/projects/0123456789abcdef01234567/commits/head").status_code == 404


def test_upload_makes_a_commit_and_returns_the_blob_key(api: Api) -> None:
    before = api.head()
    r = api.put(f"{api.v1}/data/raw/x.csv", data=b"a,b\n1,2\n")
    assert r.status_code == 201
    body = r.json()
    # apiary.apib's upload answer: path, lastModified, size, key, url; no commit
    assert set(body) == {"path", "lastModified", "size", "key", "url"}
    assert body["path"] == "data/raw/x.csv" and body["size"] == 8
    assert body["key"] == hashlib.sha1(b"a,b\n1,2\n").hexdigest()
    assert isinstance(body["lastModified"], int)
    assert body["url"] == f"{api.url}{api.v1}/blobs/{body['key']}"
    assert r.headers["location"] == body["url"]
    assert api.head() != before
    assert requests.get(body["url"], headers=api.headers, timeout=10).content == b"a,b\n1,2\n"
    # the old commit is an immutable snapshot
    assert api.files(before) == {}


def test_upload_streams_a_large_body(api: Api) -> None:
    data = b"0123456789abcdef" * (1024 * 1024)  # 16 MiB, sent in chunks
    r = api.put(f"{api.v1}/big.bin", data=iter([data[i : i + 65536]
                                                for i in range(0, len(data), 65536)]))
    assert r.status_code == 201, r.text
    assert r.json()["size"] == len(data)
    got = api.content(api.head(), "big.bin")
    assert got.headers["content-length"] == str(len(data)) and got.content == data


def test_upload_file_over_directory_is_409(api: Api) -> None:
    api.upload("dir/file.txt", b"x")
    r = api.put(f"{api.v1}/dir", data=b"y")
    assert r.status_code == 409
    assert "dir/file.txt" in r.json()["message"]


def test_v1_file_list_is_every_file_under_the_path(api: Api) -> None:
    # python-domino's README reads the v1 list as every file of the project, each with its
    # path from the project root; no entry is a directory
    api.upload("top.txt", b"top")
    commit = api.upload_commit("data/raw/x.csv", b"12345")
    for suffix in ("", "/", "//"):
        r = api.get(f"{api.v1}/files/{commit}{suffix}")
        assert r.status_code == 200, (suffix, r.text)
        entries = {e["path"]: e for e in r.json()["data"]}
        assert set(entries) == {"top.txt", "data/raw/x.csv"}
        assert entries["top.txt"]["size"] == 3 and "isDirectory" not in entries["top.txt"]
    for sub in ("data", "data/", "data/raw/"):
        assert set(api.files(commit, sub)) == {"data/raw/x.csv"}
    raw = api.files(commit, "data/raw/")
    assert raw["data/raw/x.csv"]["size"] == 5 and HEX40.match(raw["data/raw/x.csv"]["key"])


def test_v4_file_listings_are_every_file_under_the_path(api: Api) -> None:
    api.upload("top.txt", b"top")
    api.upload("data-x.txt", b"x")
    commit = api.upload_commit("data/raw/x.csv", b"12345")
    base = f"/v4/projects/{api.project_id}/commits"
    at_commit = api.get(f"{base}/{commit}/files/").json()
    assert [e["path"] for e in at_commit] == ["data-x.txt", "data/raw/x.csv", "top.txt"]
    assert set(at_commit[0]) == {"path", "lastModified", "size", "key"}
    assert api.get(f"{base}/head/files/").json() == at_commit
    for sub in ("data", "data/raw", "data/raw/x.csv"):
        assert [e["path"] for e in api.get(f"{base}/head/files/{sub}").json()] == [
            "data/raw/x.csv"], sub
    assert api.get(f"{base}/head/files/nope").status_code == 404


def test_list_files_missing_directory_or_commit_is_404(api: Api) -> None:
    commit = api.upload_commit("a.txt", b"a")
    assert api.get(f"{api.v1}/files/{commit}/nope/").status_code == 404
    r = api.get(f"{api.v1}/files/{'0' * 40}//")
    assert r.status_code == 404 and "commits" in r.json()["message"]


def test_file_content(api: Api) -> None:
    commit = api.upload_commit("d/hello.txt", b"hello world")
    r = api.content(commit, "d/hello.txt")
    assert r.status_code == 200 and r.content == b"hello world"
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-length"] == "11"
    assert api.content(commit, "d/missing.txt").status_code == 404
    assert api.content("f" * 40, "d/hello.txt").status_code == 404


def test_commit_of_another_project_is_not_found(api: Api, server) -> None:
    from .conftest import make_api

    other = make_api(server, "tester/other-project")
    foreign = other.upload_commit("secret.txt", b"s")
    assert api.content(foreign, "secret.txt").status_code == 404
    assert api.get(f"{api.v1}/files/{foreign}//").status_code == 404
    r = api.post("/v4/jobs/start", json={"projectId": api.project_id, "commandToRun": "true",
                                         "commitId": foreign})
    assert r.status_code == 400 and "not a commit of project" in r.json()["message"]


# -- auth ----------------------------------------------------------------------------------


def test_missing_key_is_401_json(api: Api) -> None:
    for path in ("/version", f"/v4/projects/{api.project_id}/hardwareTiers", "/v4/jobs"):
        r = requests.get(api.url + path, timeout=5)
        assert r.status_code == 401
        assert "X-Domino-Api-Key" in r.json()["message"]


def test_wrong_key_is_401_and_not_echoed(api: Api) -> None:
    wrong = "wrong-key-0123456789"
    for headers in ({"X-Domino-Api-Key": wrong}, {"Authorization": f"Bearer {wrong}"}):
        r = requests.get(api.url + "/version", headers=headers, timeout=5)
        assert r.status_code == 401
        assert wrong not in r.text and api.key not in r.text


def test_bearer_key_works(api: Api) -> None:
    r = requests.get(
        api.url + "/version", headers={"Authorization": f"Bearer {api.key}"}, timeout=5
    )
    assert r.status_code == 200


def test_upload_without_key_stores_nothing(api: Api) -> None:
    before = api.head()
    r = requests.put(f"{api.url}{api.v1}/sneaky.txt", data=b"x", timeout=5)
    assert r.status_code == 401
    assert api.head() == before


def test_unknown_route_is_404_json(api: Api) -> None:
    r = api.get("/v4/no/such/thing")
    assert r.status_code == 404 and "message" in r.json()


# -- start-job and stop-job bodies -----------------------------------------------------------


def test_bad_start_bodies(api: Api) -> None:
    cases = [
        (b"{not json", "invalid"),
        (b"[1, 2]", "JSON object"),
        (b'{"commandToRun": "true"}', "projectId"),
        (f'{{"projectId": "{api.project_id}"}}'.encode(), "commandToRun"),
        (f'{{"projectId": "{api.project_id}", "commandToRun": "  "}}'.encode(), "empty"),
        (f'{{"projectId": "{api.project_id}", "commandToRun": 5}}'.encode(), "string"),
        (f'{{"projectId": "{api.project_id}", "commandToRun": "true", "title": []}}'.encode(),
         "title"),
    ]
    for body, expected in cases:
        r = api.post("/v4/jobs/start", data=body, headers={**api.headers,
                                                           "Content-Type": "application/json"})
        assert r.status_code == 400, (body, r.text)
        assert expected in r.json()["message"], (body, r.json())


def test_start_unknown_project_is_404(api: Api) -> None:
    r = api.post("/v4/jobs/start", json={"projectId": "0" * 24, "commandToRun": "true"})
    assert r.status_code == 404


def test_start_unknown_tier_lists_valid_tiers(api: Api) -> None:
    r = api.post("/v4/jobs/start", json={"projectId": api.project_id, "commandToRun": "true",
                                         "overrideHardwareTierId": "huge-k8s"})
    assert r.status_code == 400
    message = r.json()["message"]
    assert "huge-k8s" in message and "small-k8s (Small)" in message and "large-k8s" in message


def test_bad_stop_bodies(api: Api) -> None:
    assert api.post("/v4/jobs/stop", json={}).status_code == 400
    job = api.start("true")
    whole = {"projectId": api.project_id, "jobId": job["id"], "commitResults": False}
    # Domino 5.0's StopJobRequest requires all three fields
    for missing in whole:
        r = api.post("/v4/jobs/stop", json={k: v for k, v in whole.items() if k != missing})
        assert r.status_code == 400 and missing in r.json()["message"], missing
    r = api.post("/v4/jobs/stop", json={**whole, "commitResults": "yes"})
    assert r.status_code == 400 and "commitResults" in r.json()["message"]
    r = api.post("/v4/jobs/stop", json={**whole, "projectId": "f" * 24})
    assert r.status_code == 400
    r = api.post("/v4/jobs/stop", json={**whole, "jobId": "0" * 24})
    assert r.status_code == 404


def test_unknown_job_is_404(api: Api) -> None:
    for path in ("/v4/jobs/0123456789abcdef01234567",
                 "/v4/jobs/0123456789abcdef01234567/logsWithProblemSuggestions",
                 f"{api.v1}/run/0123456789abcdef01234567/stdout"):
        r = api.get(path)
        assert r.status_code == 404 and "not found" in r.json()["message"], path


# -- the job object and job listing ---------------------------------------------------------


def test_job_object_shape(api: Api) -> None:
    job = api.start("echo hi", title="shape test")
    assert HEX24.match(job["id"]) and job["number"] == 1
    # the default flavor is Domino 5.0, whose start keeps no title; 5.0's updateJob names it
    assert job["title"] is None
    named = api.post(f"/v4/jobs/{job['id']}/name", json={"name": "shape test"})
    assert named.status_code == 200 and named.json()["title"] == "shape test"
    assert api.job(job["id"])["title"] == "shape test"
    assert job["jobRunCommand"] == "echo hi"
    assert job["statuses"]["executionStatus"] == "Queued"
    assert job["statuses"]["isCompleted"] is False and job["statuses"]["isArchived"] is False
    assert isinstance(job["stageTime"]["submissionTime"], int)
    assert job["startedBy"]["username"] == "tester"
    assert job["commitDetails"] == {"inputCommitId": api.head(), "outputCommitId": None}
    assert job["statuses"]["volumeRecoverabilityStatus"] == "NoActionNecessary"
    assert job["tags"] == [] and job["commentsCount"] == 0 and job["dominoStats"] == []
    assert job["dependentRepositories"] == [] and job["goalIds"] == []
    # not in Domino 5.0's Job: the tier, the environment, the project (test_flavors.py)
    assert not {"hardwareTier", "environment", "projectId"} & set(job)
    details = api.get(f"/v4/jobs/{job['id']}/runtimeExecutionDetails").json()
    assert details["hardwareTier"] == "Small" and details["hardwareTierId"] == "small-k8s"
    assert details["environment"]["environmentName"].startswith("Local Python")
    assert api.tier_of(job["id"]) == "small-k8s"
    done = api.wait(job["id"])
    assert done["statuses"]["executionStatus"] == "Succeeded"
    assert done["statuses"]["isCompleted"] is True
    stage = done["stageTime"]
    assert stage["submissionTime"] <= stage["runStartTime"] <= stage["completedTime"]
    assert HEX40.match(done["commitDetails"]["outputCommitId"])
    assert api.start("true")["number"] == 2


def test_list_jobs_paging_order_and_status(api: Api) -> None:
    ok = [api.start("true") for _ in range(3)]
    bad = api.start("exit 1")
    for job in [*ok, bad]:
        api.wait(job["id"])
    r = api.get("/v4/jobs", params={"projectId": api.project_id, "order_by": "number",
                                     "sort_by": "desc", "page_size": 2, "page_no": 1,
                                     "status": "all", "show_archived": "false"})
    assert r.status_code == 200
    body = r.json()
    assert body["totalCount"] == 4 and [j["number"] for j in body["jobs"]] == [4, 3]
    assert body["pagination"] == {"pageSize": 2, "pageNo": 1, "sortBy": "desc",
                                  "orderBy": "number"}
    assert body["dominoStatColumns"] == []
    page2 = api.get("/v4/jobs", params={"projectId": api.project_id, "page_size": 2,
                                         "page_no": 2}).json()
    assert [j["number"] for j in page2["jobs"]] == [2, 1]
    asc = api.get("/v4/jobs", params={"projectId": api.project_id, "sort_by": "asc"}).json()
    assert [j["number"] for j in asc["jobs"]] == [1, 2, 3, 4]

    def numbers(status: str) -> list[int]:
        r = api.get("/v4/jobs", params={"projectId": api.project_id, "status": status})
        assert r.status_code == 200, r.text
        return sorted(j["number"] for j in r.json()["jobs"])

    assert numbers("completed") == [1, 2, 3, 4]
    assert numbers("active") == []
    assert numbers("failed") == [4]
    assert numbers("succeeded") == [1, 2, 3]


def test_list_jobs_bad_parameters(api: Api) -> None:
    assert api.get("/v4/jobs").status_code == 400
    for params in ({"status": "sideways"}, {"page_size": 0}, {"page_no": "x"},
                   {"sort_by": "up"}, {"order_by": "submissionTime"}):
        r = api.get("/v4/jobs", params={"projectId": api.project_id, **params})
        assert r.status_code == 400, params
        assert r.json()["message"]
    assert api.get("/v4/jobs", params={"projectId": "0" * 24}).status_code == 404


def test_logs_and_run_stdout(api: Api) -> None:
    job = api.start("echo line one; echo line two >&2")
    api.wait(job["id"])
    r = api.get(f"/v4/jobs/{job['id']}/logsWithProblemSuggestions")
    logset = r.json()["logset"]
    assert logset["isComplete"] is True
    assert logset["pagination"] == {"limit": 10000, "offset": 0}
    content = logset["logContent"]
    assert [e["log"] for e in content if e["logType"] == "stdout"] == ["line one", "line two"]
    assert any("preparing" in e["log"] for e in content if e["logType"] == "prepareoutput")
    assert all(isinstance(e["timestamp"], int) and e["size"] == len(e["log"].encode())
               for e in content)
    only = api.get(f"/v4/jobs/{job['id']}/logsWithProblemSuggestions",
                   params={"logType": "stdout", "offset": 1, "limit": 1}).json()["logset"]
    assert [e["log"] for e in only["logContent"]] == ["line two"]
    out = api.get(f"{api.v1}/run/{job['id']}/stdout").json()
    # HTML in text, which python-domino's runs_stdout strips back to the log
    assert out["stdout"].startswith("<pre style=") and out["stdout"].endswith("</pre>")
    assert ">line one\nline two\n</pre>" in out["stdout"]
    assert "preparing" in out["setup"]


def test_list_jobs_serves_at_most_1000_and_says_so(api: Api) -> None:
    api.start("true")
    body = api.get("/v4/jobs", params={"projectId": api.project_id,
                                       "page_size": 5000}).json()
    assert body["pagination"]["pageSize"] == 1000 and len(body["jobs"]) == 1
