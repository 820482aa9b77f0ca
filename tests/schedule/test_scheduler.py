"""The scheduler really fires: on time, sequentially by default, never in a burst after
downtime, and its state survives a restart."""

from __future__ import annotations

import time
from pathlib import Path

from snakemake_executor_domino.local.server import LocalDomino

from .conftest import (
    EVERY_SECOND,
    WAIT_FOR_RELEASE,
    Project,
    new_project,
    release_running,
    wait_for,
)


def started(project: Project, schedule_id: str) -> list[dict]:
    return [r for r in project.runs(schedule_id) if r["outcome"] == "started"]


def test_a_due_schedule_starts_jobs_titled_and_marked_scheduled(project: Project) -> None:
    s = project.create(title="tick", command="echo tick > tick.txt",
                       schedule={"cronString": EVERY_SECOND})
    runs = wait_for(lambda: started(project, s["id"]), 5, "a first fire")
    job = project.wait_job(runs[0]["job"]["jobId"])
    assert job["title"] == "tick" and job["statuses"]["isScheduled"] is True
    assert job["statuses"]["executionStatus"] == "Succeeded"
    assert runs[0]["manual"] is False
    # fires land on the cron's whole seconds
    assert runs[0]["fireTime"].endswith(".000Z")
    project.request("DELETE", f"{project.scheduled}/{s['id']}")


def test_sequential_skips_fires_while_the_last_job_runs(
    project: Project, scheduling_server: LocalDomino
) -> None:
    s = project.create(title="slow", command=WAIT_FOR_RELEASE,
                       schedule={"cronString": EVERY_SECOND})
    wait_for(lambda: len([r for r in project.runs(s["id"]) if r["outcome"] == "skipped"]) >= 2,
             8, "two skipped fires")
    runs = project.runs(s["id"])
    assert len([r for r in runs if r["outcome"] == "started"]) == 1
    skipped = [r for r in runs if r["outcome"] == "skipped"]
    assert "still Running, and this schedule runs sequentially" in skipped[0]["reason"]
    # firing by hand is refused the same way, and says what to do
    r = project.fire(s["id"])
    assert r.status_code == 409 and "wait for it to finish or stop it" in r.json()["message"]
    release_running(scheduling_server, project)
    wait_for(lambda: len(started(project, s["id"])) >= 2, 8, "a fire after the job ended")
    project.request("DELETE", f"{project.scheduled}/{s['id']}")


def test_concurrent_schedules_overlap(
    project: Project, scheduling_server: LocalDomino
) -> None:
    s = project.create(title="overlap", allowConcurrentExecution=True,
                       command=WAIT_FOR_RELEASE, schedule={"cronString": EVERY_SECOND})
    try:
        wait_for(lambda: len(started(project, s["id"])) >= 2, 8, "two overlapping fires")
        running = [j for j in project.jobs() if not j["statuses"]["isCompleted"]]
        assert len(running) >= 2
    finally:
        project.request("DELETE", f"{project.scheduled}/{s['id']}")
        release_running(scheduling_server, project)


def test_pause_stops_fires_and_resume_starts_them_from_now(project: Project) -> None:
    s = project.create(title="pausable", command="true", schedule={"cronString": EVERY_SECOND},
                       isPaused=True)
    assert project.record(s["id"]).next_fire_ms is None
    time.sleep(2.2)
    assert project.runs(s["id"]) == []
    body = project.replacing(s)
    r = project.request("PUT", f"{project.scheduled}/{s['id']}", json={**body, "isPaused": False})
    assert r.status_code == 200, r.text
    assert project.record(s["id"]).next_fire_ms is not None
    wait_for(lambda: started(project, s["id"]), 5, "a fire after resuming")
    # fires missed while paused are not made up
    assert all(r["outcome"] == "started" for r in project.runs(s["id"]))
    project.request("PUT", f"{project.scheduled}/{s['id']}", json={**body, "isPaused": True})
    count = len(project.runs(s["id"]))
    time.sleep(2.2)
    assert len(project.runs(s["id"])) == count


def test_a_deleted_schedule_fires_no_more(project: Project) -> None:
    s = project.create(title="gone", command="true", schedule={"cronString": EVERY_SECOND})
    wait_for(lambda: started(project, s["id"]), 5, "a first fire")
    project.request("DELETE", f"{project.scheduled}/{s['id']}")
    jobs = len(project.jobs())
    time.sleep(2.2)
    assert len(project.jobs()) == jobs


def test_schedules_survive_a_restart_and_downtime_is_not_replayed(tmp_path: Path) -> None:
    with LocalDomino(tmp_path, user="tester") as first:
        project = new_project(first)
        nightly = project.create(title="nightly", notifyOnCompleteEmailAddresses=["a@b.io"])
        ticking = project.create(title="tick", command="true",
                                 schedule={"cronString": EVERY_SECOND})
        wait_for(lambda: started(project, ticking["id"]), 5, "a first fire")
        before = project.schedules()
    time.sleep(3.5)  # at least three fire times pass with no server

    with LocalDomino(tmp_path, user="tester") as second:
        project.url = second.url
        jobs_at_start = len(project.jobs())
        after = {s["id"]: s for s in project.schedules()}
        assert set(after) == {nightly["id"], ticking["id"]}
        kept = after[nightly["id"]]
        assert kept == next(s for s in before if s["id"] == nightly["id"])
        missed = [r for r in project.runs(ticking["id"]) if r["outcome"] == "missed"]
        assert len(missed) == 1
        assert "passed while the local Domino was not running; not replayed" in missed[0][
            "reason"]
        assert int(missed[0]["reason"].split(" ")[0]) >= 3
        # no burst: the next fire is the cron's next time from now, one job at a time
        time.sleep(0.5)
        assert len(project.jobs()) <= jobs_at_start + 1
        wait_for(lambda: len(project.jobs()) > jobs_at_start, 5, "the first fire after restart")


def test_a_job_keeps_what_its_own_dominoignore_names_out_of_the_project(
    project: Project,
) -> None:
    """A scheduled `snakemake` run writes .dominoignore (.snakemake/) into a project that had
    none; its bookkeeping must not land in the output commit."""
    s = project.create(
        command="mkdir -p .snakemake && echo x > .snakemake/log && "
        "printf '.snakemake/\\n' > .dominoignore && echo r > result.txt"
    )
    job = project.wait_job(project.fire(s["id"]).json()["id"])
    commit = job["commitDetails"]["outputCommitId"]
    listing = project.request("GET", f"/v1/projects/{project.spec}/files/{commit}/").json()
    assert sorted(e["path"] for e in listing["data"]) == [".dominoignore", "result.txt"]
