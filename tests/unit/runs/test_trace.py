"""The trace: one row per Snakemake job of a run, as TSV other tools read with csv."""

from __future__ import annotations

import csv
import io
import json

from snakemake_executor_domino.report.records import JobRecord, Run
from snakemake_executor_domino.report.trace import COLUMNS, records, rows, tsv
from tests.unit.runs.test_cli import run_cli
from tests.unit.runs.test_provenance import finish_fit, make_model


def record(job_id: str, rule: str, wildcards: dict[str, str], **extra) -> JobRecord:
    fields = dict(
        run_id="run1", snakemake_jobid=3, rule=rule, wildcards=wildcards,
        title=f"snakemake {rule}", job_id=job_id, number=7, url=f"http://d/jobs/{job_id}",
        status="Succeeded", tier_name="Large", cents_per_minute=10.0, tier_cores=4.0,
        tier_memory_gib=16.0, environment_name="Python", submitted_ms=1_000,
        started_ms=3_000, finished_ms=63_000, threads=2, mem_mb=12000.0,
        cpu_seconds=30.0, peak_memory_bytes=150 * 2**20, attempt=2,
        tier_reason="escalated: attempt 1 ran out of memory on tier Small",
    )
    fields.update(extra)
    return JobRecord(**fields)


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_one_row_per_job_with_times_usage_and_cost():
    run = Run("run1", jobs=[record("d1", "fit", {"model": "forest\tbig"})])
    [row] = parsed(tsv(rows(run)))
    assert list(row) == list(COLUMNS)
    assert row["task_id"] == "3" and row["process"] == "fit"
    assert row["tag"] == "model=forest\tbig"  # a tab in a value survives the quoting
    assert row["native_id"] == "d1" and row["url"] == "http://d/jobs/d1"
    assert row["tier"] == "Large" and row["environment"] == "Python"
    assert row["attempt"] == "2"
    assert row["escalation"] == "attempt 1 ran out of memory on tier Small"
    assert row["status"] == "Succeeded" and row["exit"] == "0" and row["pack"] == ""
    assert row["submit"] == "1970-01-01T00:00:01.000Z"
    assert (row["queued_s"], row["realtime_s"], row["duration_s"]) == ("2.0", "60.0", "62.0")
    assert (row["cpus"], row["memory_mb"]) == ("2", "12000.0")
    assert row["peak_rss"] == str(150 * 2**20)
    assert (row["mean_cores"], row["%cpu"], row["cpu_s"]) == ("0.5", "50.0", "30.0")
    assert row["cost_cents"] == "10.0"  # one minute at 10 cents


def test_a_group_job_gives_each_member_a_row_in_its_pack_and_unknowns_stay_empty():
    members = [{"rule": "a", "wildcards": {}, "snakemake_jobid": 4},
               {"rule": "b", "wildcards": {"n": "1"}, "snakemake_jobid": 5}]
    run = Run("run1", jobs=[record("d2", "group pair", {}, members=members, status="Failed",
                                   cpu_seconds=None, peak_memory_bytes=None,
                                   cents_per_minute=None, tier_reason=None)])
    got = parsed(tsv(rows(run)))
    assert [(r["task_id"], r["name"], r["pack"]) for r in got] == [
        ("4", "a", "group pair"), ("5", "b (n=1)", "group pair")]
    assert {r["native_id"] for r in got} == {"d2"}
    assert all(r["exit"] == r["peak_rss"] == r["cost_cents"] == r["escalation"] == ""
               for r in got)
    [first, _] = records(rows(run))
    assert first["exit"] is None and list(first) == list(COLUMNS)


def test_runs_show_tsv_and_json_trace(tmp_path, capsys):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    code, out, _ = run_cli(capsys, "runs", "show", "last", "-d", str(tmp_path), "--tsv")
    [row] = parsed(out)
    assert code == 0 and row["native_id"] == "j1" and row["name"] == "fit (model=forest)"
    assert row["cost_cents"] == "3.0"  # a minute on Medium at 3 cents
    code, out, _ = run_cli(capsys, "runs", "show", "last", "-d", str(tmp_path), "--json")
    shown = json.loads(out)
    assert [r["native_id"] for r in shown["trace"]] == ["j1"]
    assert shown["efficiency_threshold"] == 25.0
    assert shown["efficiency"][0]["rule"] == "fit"
