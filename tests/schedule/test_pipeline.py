"""The issue's "done when": the example pipeline as a Domino scheduled job on a local Domino.

The scheduled job runs `snakemake --executor domino -j 3 score_report.txt` with no connection
flags (only a shorter status-check interval than a remote Domino's 5 s, to keep the test
short): it reaches the same server through Domino's environment variables, and each rule runs as a
further Domino job on its own tier. Small has room for ONE job here, so the orchestrator
(itself on Small) waiting for its Small children would deadlock a runner that kept its slot.
A second fire with nothing changed starts no rule job: the fresh working directory gets each
file's stored time, and outputs were committed later than their inputs.
"""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from snakemake_executor_domino.cli import main
from snakemake_executor_domino.domino import DominoClient, Job
from snakemake_executor_domino.local.config import DEFAULT_TIERS
from snakemake_executor_domino.local.server import LocalDomino
from tests.conftest import copy_pipeline

from .conftest import Project, new_project

pytestmark = pytest.mark.slow

COMMAND = ["snakemake", "--executor", "domino", "-j", "3", "--domino-poll-interval", "0.5",
           "score_report.txt"]
# Small (the orchestrator's tier and most rules') runs one job at a time
ONE_SMALL_SLOT = tuple(
    dataclasses.replace(t, max_concurrent=1) if t.id == "small-k8s" else t for t in DEFAULT_TIERS
)
EXPECTED_TIERS = {
    "clean": "Small", "features": "Small", "fit model=logistic": "Small",
    "fit model=forest": "Medium", "fit model=boosting": "Large", "fit model=mlp": "GPU",
    "combine": "Small", "predict": "Small", "score": "Small",
}


def fire_and_wait(client: DominoClient, schedule_id: str, timeout: float = 400) -> Job:
    job = client.run_scheduled_job(schedule_id)
    assert job is not None
    deadline = time.monotonic() + timeout
    while not job.finished:
        assert time.monotonic() < deadline, f"scheduled job still {job.status}"
        time.sleep(1)
        job = client.get_job(job.id)
    return job


def rule_jobs(client, jobs: list[Job]) -> dict[str, str]:
    """'rule wildcards' -> tier of the executor's jobs (titled 'snakemake RULE [WC] [run..]'),
    the tier from each job's runtime execution details."""
    found = {}
    for job in map(client.with_tier, jobs):
        words = job.title.split(" [run ")[0].split()
        if words and words[0] == "snakemake":
            found[" ".join(words[1:])] = job.tier_name
    return found


def test_scheduled_pipeline_runs_its_rules_as_domino_jobs(tmp_path, monkeypatch) -> None:
    copy_pipeline(tmp_path / "pipeline")
    with LocalDomino(tmp_path / "domino", tiers=ONE_SMALL_SLOT) as domino:
        project: Project = new_project(domino, "scheduled-pipeline")
        client = project.client()
        for name in ("DOMINO_API_HOST", "DOMINO_PROJECT_OWNER", "DOMINO_PROJECT_NAME",
                     "DOMINO_USER_API_KEY", "DOMINO_TOKEN_FILE", "DOMINO_API_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SNAKEMAKE_DOMINO_URL", project.url)
        monkeypatch.setenv("SNAKEMAKE_DOMINO_PROJECT", project.spec)
        monkeypatch.setenv("SNAKEMAKE_DOMINO_API_KEY", project.key)
        monkeypatch.chdir(tmp_path / "pipeline")
        code = main(["schedule", "create", "--cron", "0 3 * * *", "--title", "retrain",
                     *[arg for part in ("workflow", "scripts", "config", "data")
                       for arg in ("--push", part)],
                     "--", *COMMAND])
        assert code == 0
        (schedule,) = client.list_scheduled_jobs()
        assert schedule.command == " ".join(COMMAND)

        first = fire_and_wait(client, schedule.id)
        log = client.job_log(first.id)
        assert first.status == "Succeeded", log[-3000:]
        assert first.title == "retrain" and first.raw["statuses"]["isScheduled"] is True
        # the tier a job ran on: its runtime execution details (5.0's Job names none)
        assert client.with_tier(first).tier_name == "Small"
        jobs, _ = client.list_jobs(page_size=100)
        assert rule_jobs(client, jobs) == EXPECTED_TIERS
        assert len(jobs) == 1 + len(EXPECTED_TIERS)
        assert all(j.status == "Succeeded" for j in jobs)

        output = {f.path: f for f in client.walk_files(first.output_commit_id or "")}
        assert "score_report.txt" in output
        report = tmp_path / "score_report.txt"
        client.download_file(first.output_commit_id or "", "score_report.txt", report)
        assert "<- best" in report.read_text()
        # Snakemake's bookkeeping stays out; only its metadata records come along, the
        # executor's record of this run (the provenance of each output it pulled back) and
        # each job's output manifest (files/outputs.py), one per rule job
        assert not [
            p for p in output
            if p.startswith(".snakemake/") and not p.startswith(
                (".snakemake/metadata/", ".snakemake/domino_runs/", ".snakemake/domino_outputs/"))
        ]
        manifests = [p for p in output if p.startswith(".snakemake/domino_outputs/")]
        assert len(manifests) == len(EXPECTED_TIERS)
        [record] = [p for p in output if p.startswith(".snakemake/domino_runs/")]
        client.download_file(first.output_commit_id or "", record, tmp_path / "run.jsonl")
        lines = (tmp_path / "run.jsonl").read_text().splitlines()
        forest = next(r for r in map(json.loads, lines) if r.get("path") == "models/forest.pkl")
        assert forest["job"]["job_id"] in {j.id for j in jobs}
        # each output is newer than its inputs, which is what the next fire relies on
        def stamp(path: str) -> int:
            return output[path].last_modified or 0
        assert stamp("results/clean.csv") >= stamp("data/raw/penguins_raw.csv")
        assert stamp("models/forest.pkl") >= stamp("results/split/train.csv")
        assert stamp("score_report.txt") >= stamp("results/predictions.csv")

        second = fire_and_wait(client, schedule.id)
        assert second.status == "Succeeded", client.job_log(second.id)[-3000:]
        assert "Nothing to be done" in client.job_log(second.id)
        again, _ = client.list_jobs(page_size=100)
        assert len(again) == len(jobs) + 1  # the scheduled job itself, no rule job
        runs = client.scheduled_job_runs(schedule.id)
        assert [r.job_id for r in runs or []] == [second.id, first.id]

        # one model's hyperparameters change in the project: Snakemake's metadata records,
        # kept in the project, let the next fire rerun that fit and what depends on it
        config = tmp_path / "pipeline" / "config" / "config.yaml"
        config.write_text(config.read_text().replace("n_estimators: 200", "n_estimators: 50"))
        client.upload_file("config/config.yaml", config)
        third = fire_and_wait(client, schedule.id)
        assert third.status == "Succeeded", client.job_log(third.id)[-3000:]
        latest, _ = client.list_jobs(page_size=100)
        rerun = latest[: len(latest) - len(again) - 1]
        assert sorted(rule_jobs(client, rerun)) == [
            "combine", "fit model=forest", "predict", "score"]
