"""Paying for what a rule uses, end to end: a rule asking for far more memory than it uses
is flagged with the smaller tier; --domino-right-size moves an undeclared rule to the
smallest tier that held its last peak; the example pipeline's trace reads with csv."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import EXAMPLE_RUN, DominoServer, PipelineRun, run_snakemake
from tests.e2e.test_provenance import cli

pytestmark = pytest.mark.slow

# each job writes the tier it ran on; Snakemake itself, inside the job, peaks near 150 MB
RULES = '''
rule big:
    output: "big.txt"
    resources: mem_mb=12000
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {output}"

rule plain:
    output: "plain.txt"
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {output}"

rule fresh:
    output: "fresh.txt"
    shell: "echo $DOMINO_HARDWARE_TIER_ID > {output}"
'''


def test_oversized_is_flagged_and_right_size_sizes_from_the_last_peak(
        tmp_path, domino: DominoServer):
    project = domino.new_project("rightsize")
    workdir = tmp_path / "wf"
    workdir.mkdir()
    (workdir / "Snakefile").write_text(RULES)
    first = run_snakemake(workdir, domino, project, "--domino-default-tier", "Medium",
                          "big.txt", "plain.txt")
    assert (workdir / "big.txt").read_text().strip() == "large-k8s"
    assert (workdir / "plain.txt").read_text().strip() == "medium-k8s"
    log = " ".join(first.stderr.split())  # the summary's lines are wrapped
    assert re.search(r"oversized: big used memory \d+%, cores \d+% of tier Large \(under "
                     r"25%\): (Small|Medium) \(", log), first.stderr[-3000:]

    (workdir / "plain.txt").unlink()
    second = run_snakemake(workdir, domino, project, "--domino-default-tier", "Medium",
                           "--domino-right-size", "plain.txt", "fresh.txt")
    assert (workdir / "plain.txt").read_text().strip() == "small-k8s"
    assert re.search(r"rule plain: Domino job #\d+ on tier Small \(sized from history "
                     r"\(1 run, peak \d+\.\d MiB\)\)", second.stderr), second.stderr
    # no history: where it would have run without the setting
    assert (workdir / "fresh.txt").read_text().strip() == "medium-k8s"


@EXAMPLE_RUN
def test_the_example_pipelines_trace_parses_with_csv(example_run: PipelineRun):
    logged = re.search(r"Domino run (\w+): (\d+) job\(s\)", example_run.result.stderr)
    assert logged, example_run.result.stderr[-3000:]
    shown = cli(example_run.workdir, "runs", "show", logged.group(1), "--tsv")
    assert shown.returncode == 0, shown.stderr
    rows = list(csv.DictReader(io.StringIO(shown.stdout), delimiter="\t"))
    assert len(rows) == int(logged.group(2)) == 9
    assert len({row["task_id"] for row in rows}) == 9
    # what the local Domino knows of every job (it prices nothing; the pipeline packs
    # nothing and escalates nothing; public-unit CPU peaks are another deployment's)
    always = ("task_id", "process", "name", "native_id", "domino_number", "url", "tier",
              "tier_reason", "environment", "attempt", "status", "exit", "submit", "start",
              "complete", "queued_s", "realtime_s", "duration_s", "cpus", "tier_cpus",
              "tier_memory_gib", "peak_rss", "mean_cores", "%cpu", "cpu_s", "input_commit",
              "output_commit", "run_id")
    for row in rows:
        assert not [c for c in always if row[c] == ""], row
        assert row["status"] == "Succeeded" and row["exit"] == "0"
    assert {row["tag"] for row in rows if row["process"] == "fit"} >= {"model=forest"}
