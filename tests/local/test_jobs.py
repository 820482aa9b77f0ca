"""Jobs run for real: files in, command, output commit out; failure, stop, caps, deadlock."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
import requests

from snakemake_executor_domino.local.server import LocalDomino

from .conftest import Api, release, wait_for_processes, wait_until_gone


def test_acceptance_script(api: Api) -> None:
    """The issue's acceptance script, with nothing but `requests`."""
    url, headers = api.url, {"X-Domino-Api-Key": api.key}
    project = requests.get(
        f"{url}/v4/gateway/projects/findProjectByOwnerAndName",
        params={"ownerName": api.owner, "projectName": api.name}, headers=headers, timeout=10,
    ).json()
    requests.put(
        f"{url}/v1/projects/{api.owner}/{api.name}/data/numbers.txt",
        data=b"1\n2\n3\n", headers=headers, timeout=10,
    ).raise_for_status()
    # the upload answer names no commit (as Domino's); the newest commit holds it
    uploaded = requests.get(
        f"{url}/v4/projects/{project['id']}/commits/head", headers=headers, timeout=10
    ).json()["id"]
    job = requests.post(
        f"{url}/v4/jobs/start",
        json={
            "projectId": project["id"],
            "commitId": uploaded,
            "commandToRun": "mkdir -p results && python -c \"import sys; "
            "print(sum(int(x) for x in open('data/numbers.txt')))\" > results/sum.txt",
            "title": "acceptance",
        },
        headers=headers, timeout=10,
    ).json()
    deadline = time.monotonic() + 30
    while not job["statuses"]["isCompleted"]:
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
        job = requests.get(f"{url}/v4/jobs/{job['id']}", headers=headers, timeout=10).json()
    assert job["statuses"]["executionStatus"] == "Succeeded"
    output = job["commitDetails"]["outputCommitId"]
    assert job["commitDetails"]["inputCommitId"] == uploaded
    assert api.content(output, "results/sum.txt").content == b"6\n"


def test_failing_command_is_failed_with_its_output(api: Api) -> None:
    job = api.start("echo 'about to fail'; echo 'bad thing' >&2; exit 3")
    done = api.wait(job["id"])
    assert done["statuses"]["executionStatus"] == "Failed"
    log = api.log(job["id"])
    assert "about to fail" in log and "bad thing" in log
    # like Domino, a failed run's files are still committed
    assert done["commitDetails"]["outputCommitId"] is not None


def test_platform_failure_is_error(api: Api, server) -> None:
    """A job whose input cannot be materialized ends Error, with the reason in its log."""
    up = api.upload("vanishing.txt", b"content only this test uses 7f3a")
    server.backend.blobs.path(up["key"]).unlink()
    job = api.start("cat vanishing.txt")
    done = api.wait(job["id"])
    assert done["statuses"]["executionStatus"] == "Error"
    assert "platform failed" in api.log(job["id"])


def test_output_commit_holds_new_changed_and_deleted_files(api: Api) -> None:
    api.upload("keep.txt", b"same")
    api.upload("change.txt", b"old")
    commit = api.upload_commit("remove.txt", b"bye")
    job = api.start(
        "mkdir sub && echo new > sub/new.txt; "
        "echo changed > change.txt; rm remove.txt; echo same > keep.tmp; "
        "printf same > keep.txt",  # rewritten with equal content: not a change
        commitId=commit,
    )
    done = api.wait(job["id"])
    assert done["statuses"]["executionStatus"] == "Succeeded", api.log(job["id"])
    output = done["commitDetails"]["outputCommitId"]
    files = api.all_files(output)
    assert files == {
        "keep.txt": b"same", "change.txt": b"changed\n", "sub/new.txt": b"new\n",
        "keep.tmp": b"same\n",
    }
    assert (api.files(output)["keep.txt"]["lastModified"]
            == api.files(commit)["keep.txt"]["lastModified"])


def test_nothing_changed_gives_the_head(api: Api) -> None:
    commit = api.upload_commit("a.txt", b"a")
    done = api.wait(api.start("cat a.txt")["id"])
    assert done["commitDetails"]["outputCommitId"] == commit == api.head()


def test_output_goes_on_top_of_the_current_head(api: Api, server: LocalDomino) -> None:
    start = api.upload_commit("input.txt", b"in")
    job = api.start("while [ ! -e go ]; do sleep 0.05; done; rm go; echo out > out.txt",
                    commitId=start)
    api.wait(job["id"], "Running")
    api.upload("uploaded-meanwhile.txt", b"later")
    release(server, job["id"], "go")
    done = api.wait(job["id"])
    files = api.all_files(done["commitDetails"]["outputCommitId"])
    assert files == {"input.txt": b"in", "uploaded-meanwhile.txt": b"later",
                     "out.txt": b"out\n"}


def test_files_keep_their_stored_mtime(api: Api) -> None:
    up = api.upload("m.txt", b"m")
    job = api.start("stat -c %Y m.txt")
    api.wait(job["id"])
    assert int(api.log(job["id"]).strip()) == up["lastModified"] // 1000


def test_dominoignore_keeps_paths_out_of_the_output_commit(api: Api) -> None:
    api.upload(".dominoignore", b"# scratch files\n*.tmp\n!keep.tmp\ncache/\n/rootonly.txt\n")
    job = api.start(
        "mkdir -p cache/deep out/cache sub && echo x > a.tmp && echo k > keep.tmp && "
        "echo c > cache/deep/c.txt && echo o > out/result.txt && echo n > out/cache/n.txt && "
        "echo r > rootonly.txt && echo s > sub/rootonly.txt && echo t > sub/b.tmp"
    )
    done = api.wait(job["id"])
    assert done["statuses"]["executionStatus"] == "Succeeded"
    files = set(api.all_files(done["commitDetails"]["outputCommitId"]))
    assert files == {".dominoignore", "keep.tmp", "out/result.txt", "sub/rootonly.txt"}


def test_job_environment(api: Api, server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_SERVICE_SECRET", "s3cr3t-value")
    monkeypatch.setenv("UPSTREAM_API_KEY", "k3y-value")
    monkeypatch.setenv("DOMINO_API_PROXY", "http://outer-domino:8899")
    monkeypatch.setenv("HARMLESS_SETTING", "visible")
    job = api.start("env > env.txt; cat \"$DOMINO_TOKEN_FILE\" > /dev/null && echo token-ok",
                    overrideHardwareTierId="medium-k8s")
    done = api.wait(job["id"])
    assert "token-ok" in api.log(job["id"])
    text = api.content(done["commitDetails"]["outputCommitId"], "env.txt").text
    env = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert env["DOMINO_API_HOST"] == server.url
    assert env["DOMINO_PROJECT_OWNER"] == api.owner and env["DOMINO_PROJECT_NAME"] == api.name
    assert env["DOMINO_PROJECT_ID"] == api.project_id
    assert env["DOMINO_RUN_ID"] == job["id"] and env["DOMINO_RUN_NUMBER"] == "1"
    assert env["DOMINO_STARTING_USERNAME"] == env["DOMINO_USER_NAME"] == "tester"
    assert env["DOMINO_USER_API_KEY"] == server.api_key
    assert env["DOMINO_HARDWARE_TIER_ID"] == "medium-k8s"
    assert env["DOMINO_IS_GIT_BASED"] == "false"
    # Domino's Job names no environment: the server's own record does
    assert env["DOMINO_ENVIRONMENT_ID"] == server.backend.store.get_job(job["id"]).environment_id
    workdir = server.config.runs_dir / job["id"]
    token_file = server.config.tokens_dir / job["id"]
    if server.backend.runner.isolation.isolated:
        assert env["DOMINO_WORKING_DIR"] == "/mnt"
        assert env["DOMINO_TOKEN_FILE"] == "/run/domino/token"
    else:
        assert env["DOMINO_WORKING_DIR"] == str(workdir)
        assert env["DOMINO_TOKEN_FILE"] == str(token_file)
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert env["HARMLESS_SETTING"] == "visible"
    for name in ("MY_SERVICE_SECRET", "UPSTREAM_API_KEY", "DOMINO_API_PROXY"):
        assert name not in env
    assert "s3cr3t-value" not in text
    # finished jobs leave no run directory and no token behind
    assert not workdir.exists() and not token_file.exists()


# -- stopping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("commit_results", [True, False])
def test_stop_running_job(api: Api, commit_results: bool) -> None:
    job = api.start("echo partial > partial.txt; echo ready; sleep 30")
    api.wait_for_log(job["id"], "ready")
    r = api.post("/v4/jobs/stop", json={"projectId": api.project_id, "jobId": job["id"],
                                        "commitResults": commit_results})
    assert r.status_code == 200 and r.json()["id"] == job["id"]
    done = api.wait(job["id"], timeout=10)
    assert done["statuses"]["executionStatus"] == "Stopped"
    output = done["commitDetails"]["outputCommitId"]
    if commit_results:
        assert api.content(output, "partial.txt").content == b"partial\n"
    else:
        assert output is None
        assert "partial.txt" not in api.files(api.head())


def test_stop_kills_the_whole_process_tree(api: Api) -> None:
    job = api.start("(sleep 60 & wait) & sleep 60")
    api.wait(job["id"], "Running")
    # its subshell and the two sleeps at least (bash may exec the last command)
    wait_for_processes(job["id"], at_least=3)
    api.stop(job["id"], commit_results=False)
    api.wait(job["id"], timeout=10)
    wait_until_gone(job["id"])


def test_stop_queued_and_completed_jobs(api: Api, server: LocalDomino) -> None:
    blocker = api.start("while [ ! -e release ]; do sleep 0.05; done",
                        overrideHardwareTierId="stop-k8s")
    queued = api.start("echo never", overrideHardwareTierId="stop-k8s")
    api.wait(blocker["id"], "Running")
    assert api.job(queued["id"])["statuses"]["executionStatus"] == "Queued"
    r = api.stop(queued["id"])
    assert r.status_code == 200
    assert r.json()["statuses"]["executionStatus"] == "Stopped"
    assert "never" not in api.log(queued["id"])
    release(server, blocker["id"])
    done = api.wait(blocker["id"])
    assert done["statuses"]["executionStatus"] == "Succeeded"
    again = api.stop(blocker["id"])
    assert again.status_code == 200 and again.json() == done


# -- hardware tier caps and the deadlock rule -------------------------------------------------


def test_jobs_beyond_the_tier_cap_stay_queued(api: Api, server: LocalDomino) -> None:
    jobs = [api.start("while [ ! -e release ]; do sleep 0.05; done",
                      overrideHardwareTierId="pair-k8s") for _ in range(3)]
    api.wait(jobs[0]["id"], "Running")
    api.wait(jobs[1]["id"], "Running")
    time.sleep(0.8)  # longer than a scheduler tick: the third really waits
    assert api.job(jobs[2]["id"])["statuses"]["executionStatus"] == "Queued"
    release(server, jobs[0]["id"])
    api.wait(jobs[0]["id"])
    api.wait(jobs[2]["id"], "Running", timeout=5)
    release(server, jobs[1]["id"])
    release(server, jobs[2]["id"])
    for job in jobs:
        assert api.wait(job["id"])["statuses"]["executionStatus"] == "Succeeded"


ORCHESTRATOR = """\
import os, sys, time, requests
host = os.environ["DOMINO_API_HOST"]
token = open(os.environ["DOMINO_TOKEN_FILE"]).read().strip()
headers = {"Authorization": "Bearer " + token}
child = requests.post(host + "/v4/jobs/start", headers=headers, json={
    "projectId": os.environ["DOMINO_PROJECT_ID"], "commandToRun": "echo child ran > child.txt",
    "overrideHardwareTierId": os.environ["DOMINO_HARDWARE_TIER_ID"]}).json()
print("child", child["id"], flush=True)
while True:
    job = requests.get(host + "/v4/jobs/" + child["id"], headers=headers).json()
    if job["statuses"]["isCompleted"]:
        break
    time.sleep(0.05)
print("child ended", job["statuses"]["executionStatus"], flush=True)
sys.exit(0 if job["statuses"]["executionStatus"] == "Succeeded" else 1)
"""


def test_waiting_parent_gives_its_slot_to_its_child(api: Api) -> None:
    """Cap-1 tier: an orchestrator job starts a child on the same tier and waits for it."""
    api.upload("orchestrate.py", ORCHESTRATOR.encode())
    parent = api.start("python orchestrate.py", overrideHardwareTierId="solo-k8s")
    done = api.wait(parent["id"], timeout=30)
    log = api.log(parent["id"])
    assert done["statuses"]["executionStatus"] == "Succeeded", log
    assert "child ended Succeeded" in log
    child_id = log.split("child ", 1)[1].split()[0]
    child = api.job(child_id)
    assert child["startedBy"] == done["startedBy"]
    assert api.tier_of(child_id) == "solo-k8s"
    assert api.content(child["commitDetails"]["outputCommitId"], "child.txt").ok


def test_job_token_dies_with_the_job(api: Api) -> None:
    job = api.start("cat \"$DOMINO_TOKEN_FILE\"; echo; echo done-reading; sleep 30")
    api.wait_for_log(job["id"], "done-reading")
    token = api.log(job["id"]).splitlines()[0].strip()
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(api.url + "/version", headers=bearer, timeout=5).status_code == 200
    api.stop(job["id"], commit_results=False)
    api.wait(job["id"], timeout=10)
    assert requests.get(api.url + "/version", headers=bearer, timeout=5).status_code == 401


# -- memory limits ------------------------------------------------------------------------------


def test_memory_limit_fails_a_greedy_job(api: Api) -> None:
    job = api.start("python -c 'b = bytearray(2 * 1024**3); print(\"got it\")'",
                    overrideHardwareTierId="tiny-k8s")
    done = api.wait(job["id"], timeout=30)
    assert done["statuses"]["executionStatus"] == "Failed"
    assert "MemoryError" in api.log(job["id"])


def test_a_tree_over_its_tiers_memory_together_is_killed_as_oomkilled(api: Api) -> None:
    # two processes of 300 MB: each within the tier's 0.5 GiB (and its RLIMIT_DATA), both
    # together over it, as a pod's processes are counted together
    hold = "python -c 'b = b\"x\" * (300 * 2**20); import time; time.sleep(60)'"
    job = api.start(f"{hold} & {hold} & wait", overrideHardwareTierId="tiny-k8s")
    done = api.wait(job["id"], timeout=60)
    assert done["statuses"]["executionStatus"] == "Failed"
    log = api.log(job["id"])
    assert "OOMKilled: the job's processes used" in log
    assert "more than its hardware tier's 0.5 GiB of memory" in log
    # and the job's log page names the problem, where Domino puts its suggestions
    logs = api.get(f"/v4/jobs/{job['id']}/logsWithProblemSuggestions").json()
    assert "ran out of memory (OOMKilled)" in logs["problemSuggestion"]["problem"]


def test_scientific_python_and_snakemake_run_on_the_smallest_tier(api: Api) -> None:
    job = api.start(
        "python -c 'import numpy, pandas, sklearn.ensemble; "
        "a = numpy.random.rand(500, 500); print(\"matmul\", (a @ a).shape)' && "
        "python -m snakemake --version",
        overrideHardwareTierId="small-k8s",
    )
    done = api.wait(job["id"], timeout=60)
    log = api.log(job["id"])
    assert done["statuses"]["executionStatus"] == "Succeeded", log
    assert "matmul (500, 500)" in log


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state
