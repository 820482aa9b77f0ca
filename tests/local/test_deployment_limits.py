"""The local Domino behaving like a deployment: start latency, a per-user executions quota
and queue limit (local/jobs/deployment_limits.py). Each check awaits the server's records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from snakemake_executor_domino.local.jobs.deployment_limits import (
    PROFILES,
    DeploymentLimits,
    LimitsError,
    limits_from,
    parse_latency,
)
from snakemake_executor_domino.local.server import LocalDomino

from .conftest import Api, make_api


def whole_log(api: Api, job_id: str) -> str:
    """Every line of a job's log, the platform's own setup lines included."""
    r = api.get(f"/v4/jobs/{job_id}/logsWithProblemSuggestions")
    return "\n".join(e["log"] for e in r.json()["logset"]["logContent"])


def test_options_override_the_profile_and_bad_ones_are_named() -> None:
    limits = limits_from("realistic", start_latency="3:1", queue_limit=8)
    assert (limits.start_latency, limits.start_jitter, limits.queue_limit) == (3.0, 1.0, 8)
    assert limits.executions_quota == PROFILES["realistic"].executions_quota == 25
    assert parse_latency("45") == (45.0, 0.0)
    for bad in ("x", "3:-1"):
        with pytest.raises(LimitsError, match="start latency"):
            parse_latency(bad)
    with pytest.raises(LimitsError, match="unknown profile 'huge'; use one of realistic"):
        limits_from("huge")
    with pytest.raises(LimitsError, match="executions quota 0: must be at least 1"):
        limits_from(executions_quota=0)
    assert DeploymentLimits().start_delay() == 0.0
    assert 2.0 <= DeploymentLimits(start_latency=3, start_jitter=1).start_delay() <= 4.0


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDomino]:
    limits = DeploymentLimits(executions_quota=2, queue_limit=1)
    with LocalDomino(tmp_path_factory.mktemp("limited"), user="tester",
                     stop_grace_seconds=1, limits=limits) as domino:
        yield domino


def test_quota_queues_and_the_queue_limit_rejects(limited: LocalDomino) -> None:
    api: Api = make_api(limited, "tester/quota")
    running = []
    for _ in range(2):  # one at a time: a job not yet taken from the queue counts as queued
        running.append(api.start("sleep 600"))
        api.wait(running[-1]["id"], "Running")
    waiting = api.start("true")  # over the quota: waits
    assert api.job(waiting["id"])["statuses"]["executionStatus"] == "Queued"
    # the tier's capacity (5.0 HardwareTierCapacity) counts the running and the waiting
    [capacity] = [t["capacity"] for t in api.get(
        f"/v4/projects/{api.project_id}/hardwareTiers").json() if t["hardwareTier"]["isDefault"]]
    assert (capacity["numberOfCurrentlyExecutingRuns"], capacity["numberOfQueuedRuns"]) == (2, 1)
    rejected = api.start("true")  # the queue holds one already: rejected, never run
    ended = api.wait(rejected["id"], "Error")
    assert ended["stageTime"]["runStartTime"] is None
    assert "userExecutionQueueLimit 1" in whole_log(api, rejected["id"])
    api.stop(running[0]["id"])
    api.wait(waiting["id"], "Succeeded")  # the quota freed a place
    api.stop(running[1]["id"])


def test_a_job_waits_its_start_latency_pending_and_stops_at_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    limits = DeploymentLimits(start_latency=600)
    with LocalDomino(tmp_path_factory.mktemp("latent"), user="tester", stop_grace_seconds=1,
                     limits=limits) as domino:
        api = make_api(domino, "tester/latent")
        job = api.start("true")
        assert api.wait(job["id"], "Pending")["stageTime"]["runStartTime"] is None
        assert "starting the execution's pod" in whole_log(api, job["id"])
        api.stop(job["id"])
        assert api.wait(job["id"], "Stopped")["stageTime"]["runStartTime"] is None
