"""Run records and provenance: what RunAccount writes for a finished Domino job, how the
newest record of a path wins, and how a changed or missing file is told apart."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from snakemake_executor_domino.domino import (
    HardwareTier,
    Job,
    JobUsage,
    RuntimeDetails,
    sha1_of_file,
)
from snakemake_executor_domino.report.records import read_run, read_runs, run_files
from snakemake_executor_domino.runs.account import RunAccount
from snakemake_executor_domino.runs.provenance import (
    CHANGED,
    MISSING,
    UNCHANGED,
    examine,
)

MEDIUM = HardwareTier("medium", "Medium", False, cores=2, memory_gib=8, cents_per_minute=3.0)
LARGE = HardwareTier("large", "Large", False, cores=8, memory_gib=32, cents_per_minute=12.0)


@dataclass
class FakeSnakemakeJob:
    rule_name: str
    wildcards_dict: dict[str, str]
    output: list[str]
    log: list[str] = field(default_factory=list)
    jobid: int = 5
    resources: dict = field(default_factory=lambda: {"_cores": 2, "mem_mb": 1000})

    @property
    def rule(self):
        return SimpleNamespace(name=self.rule_name)

    def is_group(self) -> bool:
        return False


def domino_job(job_id: str, status: str = "Succeeded", number: int = 7) -> Job:
    return Job(
        id=job_id, number=number, title=f"snakemake fit [run r job {number} try 1]",
        command="python -m snakemake ...", status=status, is_completed=True,
        input_commit_id="in1", output_commit_id="out1", tier_id=None, tier_name=None,
        submitted_ms=1_000, started_ms=3_000, completed_ms=63_000,
    )


def account(workdir: Path, run_id: str = "run1", warnings: list[str] | None = None,
            runtime: RuntimeDetails | None = None, usage: JobUsage | None = None):
    """A RunAccount over a stand-in client: Domino's runtime details and usage as given."""
    client = SimpleNamespace(
        host="http://domino", owner="o", project_name="p",
        job_url=lambda job_id: f"http://domino/jobs/o/p/{job_id}",
        runtime_details=lambda job_id: runtime,
        job_usage=lambda job: usage,
    )
    return RunAccount(
        workdir, run_id, client, [MEDIUM, LARGE], environment_id="env1", sha1=sha1_of_file,
        warn=(warnings if warnings is not None else []).append,
    )


def make_model(workdir: Path, content: bytes = b"model v1") -> None:
    (workdir / "models").mkdir(exist_ok=True)
    (workdir / "models/forest.pkl").write_bytes(content)
    (workdir / "logs").mkdir(exist_ok=True)
    (workdir / "logs/fit.log").write_text("fitted\n")


def finish_fit(workdir: Path, run_id: str, job_id: str) -> RunAccount:
    acc = account(workdir, run_id)
    job = FakeSnakemakeJob("fit", {"model": "forest"}, ["models/forest.pkl"], ["logs/fit.log"])
    acc.submitted(job_id, job, "Medium", MEDIUM)
    acc.finished(domino_job(job_id), pulled=True)
    acc.close()
    return acc


def test_a_pulled_output_names_its_job_tier_commits_and_times(tmp_path):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    [finding] = examine(tmp_path, ["models/forest.pkl"], sha1_of_file)
    assert finding.state == UNCHANGED
    record = finding.record
    assert record.sha1 == sha1_of_file(tmp_path / "models/forest.pkl") and record.size == 8
    assert (record.rule, record.wildcards) == ("fit", {"model": "forest"})
    job = record.job
    assert (job.job_id, job.number, job.url) == ("j1", 7, "http://domino/jobs/o/p/j1")
    assert (job.tier_name, job.tier_requested, job.cents_per_minute) == ("Medium", "Medium", 3.0)
    assert (job.environment_id, job.input_commit, job.output_commit) == ("env1", "in1", "out1")
    assert (job.submitted_ms, job.started_ms, job.finished_ms) == (1_000, 3_000, 63_000)
    assert (job.run_id, job.snakemake_jobid, job.threads, job.mem_mb) == ("run1", 5, 2, 1000)
    # the rule's log file is recorded too: it was pulled from the same job
    assert examine(tmp_path, ["logs/fit.log"], sha1_of_file)[0].record.job.job_id == "j1"


def test_an_edited_file_is_changed_and_a_deleted_one_missing(tmp_path):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    (tmp_path / "models/forest.pkl").write_bytes(b"model v2")  # same size, other bytes
    [finding] = examine(tmp_path, ["models/forest.pkl"], sha1_of_file)
    assert finding.state == CHANGED and finding.sha1 == sha1_of_file(tmp_path / "models/forest.pkl")
    (tmp_path / "models/forest.pkl").unlink()
    assert examine(tmp_path, ["models/forest.pkl"], sha1_of_file)[0].state == MISSING


def test_a_file_no_job_made_has_no_record(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    [finding] = examine(tmp_path, ["notes.txt"], sha1_of_file)
    assert finding.record is None and finding.state is None


def test_reruns_append_and_the_newest_record_wins(tmp_path):
    make_model(tmp_path, b"model v1")
    finish_fit(tmp_path, "run1", "j1")
    make_model(tmp_path, b"model v2 longer")
    finish_fit(tmp_path, "run2", "j2")
    assert [p.stem for p in run_files(tmp_path)] == ["run1", "run2"]
    [finding] = examine(tmp_path, [str(tmp_path / "models/forest.pkl")], sha1_of_file)
    assert finding.state == UNCHANGED
    assert [r.job.job_id for r in finding.history] == ["j1", "j2"]
    assert finding.record.job.job_id == "j2"


def test_run_file_holds_header_jobs_outputs_and_end_and_skips_torn_lines(tmp_path):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    path = run_files(tmp_path)[0]
    with open(path, "a") as f:
        f.write('{"type": "job", "run_id": "run1", "job_')
    run = read_run(path)
    assert run.project == "o/p" and run.host == "http://domino"
    assert [t.name for t in run.tiers] == ["Medium", "Large"]
    assert run.tiers[0].cents_per_minute == 3.0
    assert [j.job_id for j in run.jobs] == ["j1"]
    assert sorted(o.path for o in run.outputs) == ["logs/fit.log", "models/forest.pkl"]
    assert run.started_ms is not None and run.finished_ms is not None


def test_a_failed_job_is_recorded_without_outputs(tmp_path):
    acc = account(tmp_path)
    acc.submitted("j9", FakeSnakemakeJob("fit", {}, ["models/x.pkl"]), None, None)
    acc.finished(domino_job("j9", status="Failed"), pulled=False)
    acc.finished(domino_job("j9", status="Failed"), pulled=True)  # recorded once only
    summary = acc.close()
    [run] = read_runs(tmp_path)
    assert [j.status for j in run.jobs] == ["Failed"] and run.outputs == []
    assert run.jobs[0].tier_name is None  # the project's default tier, not known
    assert "1 failed" in summary


def test_a_job_submitted_in_another_run_is_not_recorded(tmp_path):
    acc = account(tmp_path)
    acc.finished(domino_job("unknown"), pulled=True)
    assert acc.close() is None
    assert run_files(tmp_path) == []


def test_records_that_cannot_be_written_warn_once_and_never_raise(tmp_path):
    make_model(tmp_path)
    (tmp_path / ".snakemake").write_text("a file where a directory should be")
    warnings: list[str] = []
    acc = account(tmp_path, warnings=warnings)
    for job_id in ("j1", "j2"):
        acc.submitted(job_id, FakeSnakemakeJob("fit", {}, ["models/forest.pkl"]), None, None)
        acc.finished(domino_job(job_id), pulled=True)
    assert len(warnings) == 1 and "could not keep the run's records" in warnings[0]
    assert "2 succeeded" in (acc.close() or "")  # the summary still comes from memory


@pytest.mark.parametrize("bad", [None, "not a job"])
def test_a_job_the_account_cannot_read_is_a_warning(tmp_path, bad):
    warnings: list[str] = []
    acc = account(tmp_path, warnings=warnings)
    acc.submitted("j1", bad, None, None)
    assert warnings


def test_what_domino_says_of_the_job_wins_over_what_was_asked(tmp_path):
    # the job ran on another tier than asked (an admin's override, say), and Domino
    # reports its environment and usage: mean cores over the run, peak bytes
    runtime = RuntimeDetails("large", "Large", "Domino Standard", "rev7", 7)
    acc = account(tmp_path, runtime=runtime, usage=JobUsage(cpu=1.5, memory=3 * 2**30))
    acc.submitted("j1", FakeSnakemakeJob("fit", {}, []), "Medium", MEDIUM)
    acc.finished(domino_job("j1"), pulled=False)
    [job] = read_run(run_files(tmp_path)[0]).jobs
    assert (job.tier_id, job.tier_name, job.cents_per_minute) == ("large", "Large", 12.0)
    assert job.tier_requested == "Medium"
    assert (job.environment_name, job.environment_revision_id) == ("Domino Standard", "rev7")
    assert job.cpu_seconds == 90.0  # 1.5 cores for the job's 60 s
    assert job.peak_memory_bytes == 3 * 2**30 and job.usage_source == "domino"
    assert "Large" in (acc.close() or "")


def test_a_domino_that_reports_nothing_more_leaves_usage_unknown(tmp_path):
    acc = account(tmp_path)
    acc.submitted("j1", FakeSnakemakeJob("fit", {}, []), "Medium", MEDIUM)
    acc.finished(domino_job("j1"), pulled=False)
    [job] = read_run(run_files(tmp_path)[0]).jobs
    assert job.tier_name == "Medium" and job.environment_name is None
    assert job.cpu_seconds is None and job.peak_memory_bytes is None and job.usage_source is None


def test_the_environment_a_job_was_started_with_is_recorded(tmp_path):
    choice = SimpleNamespace(id="env-dl", name="Deep Learning")
    acc = account(tmp_path)
    acc.submitted("j1", FakeSnakemakeJob("fit", {}, []), None, None, choice)
    acc.finished(domino_job("j1"), pulled=False)
    [job] = read_run(run_files(tmp_path)[0]).jobs
    assert (job.environment_id, job.environment_name) == ("env-dl", "Deep Learning")


@pytest.mark.parametrize("tier_in_answer", [True, False])
def test_a_revision_pinned_by_id_is_recorded_without_asking_domino(tmp_path, tier_in_answer):
    """A start that named the revision id ran with it: where the job's answer also names
    its tier (newer Domino; 5.0's does not), the runtime-details call is not needed."""
    asked_for: list[str] = []
    runtime = RuntimeDetails("medium", "Medium", "Deep Learning", "rev3", 3)
    acc = account(tmp_path, runtime=runtime)
    acc.client.runtime_details = lambda job_id: asked_for.append(job_id) or runtime
    choice = SimpleNamespace(id="env-dl", name="Deep Learning",
                             revision_spec={"revisionId": "rev3"})
    acc.submitted("j1", FakeSnakemakeJob("fit", {}, []), "Medium", MEDIUM, choice)
    job = domino_job("j1")
    if tier_in_answer:
        job = dataclasses.replace(job, tier_id="medium", tier_name="Medium")
    acc.finished(job, pulled=False)
    [record] = read_run(run_files(tmp_path)[0]).jobs
    assert (record.environment_name, record.environment_revision_id) == ("Deep Learning",
                                                                         "rev3")
    assert record.tier_name == "Medium"
    assert asked_for == ([] if tier_in_answer else ["j1"])
