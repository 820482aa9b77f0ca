"""What a job used: the runner keeps each finished job's CPU time and peak memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from snakemake_executor_domino.local.jobs import usage
from tests.local.conftest import Api

MIB = 2**20
# the work happens in a grandchild of the job's shell; it stays alive a moment after it, as
# a real step does: the samples see a job up to the last one
GREEDY = (
    "bash -c \"python -c 'import time\n"
    "b = bytearray(300 * 1024**2)\n"
    "b[::4096] = b\\\"x\\\" * len(b[::4096])\n"
    "end = time.process_time() + 0.6\n"
    "while time.process_time() < end: pass\n"
    "time.sleep(0.5)'\"; echo done"
)


def test_a_finished_job_records_its_cpu_time_and_peak_memory(api: Api, server) -> None:
    job = api.start(GREEDY, overrideHardwareTierId="small-k8s")
    done = api.wait(job["id"], timeout=60)
    assert done["statuses"]["executionStatus"] == "Succeeded", api.log(job["id"])
    record = server.backend.store.get_job(job["id"])
    assert record.cpu_seconds is not None and record.cpu_seconds >= 0.6
    assert 300 * MIB <= record.peak_memory_bytes < 2048 * MIB


def test_usage_is_served_in_domino_50s_shape(api: Api, server) -> None:
    job = api.start(GREEDY, overrideHardwareTierId="small-k8s")
    done = api.wait(job["id"], timeout=60)
    record = server.backend.store.get_job(job["id"])
    r = api.get(f"/v4/jobs/jobs/{job['id']}/usage")
    assert r.status_code == 200
    [sample] = r.json()
    assert set(sample) == {"cpu", "memory", "timestamp"}
    ran = (done["stageTime"]["completedTime"] - done["stageTime"]["runStartTime"]) / 1000
    assert abs(sample["cpu"] * ran - record.cpu_seconds) < 0.01  # mean cores
    assert sample["memory"] == record.peak_memory_bytes
    assert sample["timestamp"] == done["stageTime"]["completedTime"]
    assert api.get(f"/v4/jobs/jobs/{'0' * 24}/usage").status_code == 404
    # and in the Job itself (5.0's nullable JobUsageInJob), so no extra call is needed
    assert done["usage"] == {"cpu": sample["cpu"], "memory": sample["memory"]}


def test_a_job_that_never_ran_has_no_usage_samples(api: Api) -> None:
    def stop(job_id: str) -> None:
        api.post("/v4/jobs/stop", json={"projectId": api.project_id, "jobId": job_id,
                                        "commitResults": False})
        api.wait(job_id, timeout=30)

    # the tier's one slot is taken, so the second job waits in the queue until stopped
    blocker = api.start("sleep 60", overrideHardwareTierId="unused-k8s")
    api.wait(blocker["id"], "Running")
    queued = api.start("sleep 60", overrideHardwareTierId="unused-k8s")
    assert "usage" not in api.get(f"/v4/jobs/{queued['id']}").json()
    stop(queued["id"])
    stop(blocker["id"])
    assert api.job(queued["id"])["stageTime"]["runStartTime"] is None
    assert api.get(f"/v4/jobs/jobs/{queued['id']}/usage").json() == []


def test_a_small_job_is_not_charged_the_servers_memory(api: Api, server) -> None:
    # a child forked from the server starts as a copy of it; the kernel's high-water mark
    # of that copy must not count as the job's
    job = api.start("sleep 0.5", overrideHardwareTierId="small-k8s")
    api.wait(job["id"], timeout=30)
    record = server.backend.store.get_job(job["id"])
    assert record.cpu_seconds is not None and record.cpu_seconds < 0.5
    assert record.peak_memory_bytes is not None and record.peak_memory_bytes < 20 * MIB


def test_a_meter_sees_cpu_and_memory_of_a_live_tree():
    child = (
        "import subprocess, sys, time\n"
        "b = bytearray(50 * 1024**2)\n"
        "end = time.process_time() + 0.3\n"
        "while time.process_time() < end: pass\n"
        "time.sleep(5)"
    )
    # the measured process is the parent of the one doing the work
    proc = subprocess.Popen(["bash", "-c", f"{sys.executable} -c '{child}'; true"],
                            start_new_session=True)
    meter = usage.Meter()
    assert meter.usage is None  # nothing seen yet
    try:
        deadline = time.monotonic() + 10
        while meter.cpu_seconds < 0.3:
            rss = meter.sample(proc.pid)
            assert time.monotonic() < deadline, meter.usage
            time.sleep(0.05)
        assert rss >= 50 * MIB and meter.peak >= 50 * MIB
        assert meter.usage.peak_memory_bytes == meter.peak
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the test's own process group, nothing else
        proc.wait()


def test_a_gone_process_is_no_usage():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    meter = usage.Meter()
    assert meter.sample(proc.pid) == 0
    assert meter.usage == usage.Usage(0.0, None)


def test_stat_fields_follow_a_command_name_with_spaces_and_parentheses():
    fields = usage.stat_fields("42 (a) b (c)) S 7 8 9\n")
    assert fields[:2] == ["S", "7"]
