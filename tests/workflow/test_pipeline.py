"""The example workflow end to end with plain local Snakemake (no Domino)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import copy_pipeline, unavailable

RULES = ("all", "clean", "features", "fit", "combine", "predict", "score")


def snakemake(workdir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"snakemake {args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
@pytest.mark.xdist_group("local_pipeline_run")  # beside the fault tests that read the run too
def test_workflow_runs_and_reports_every_model(
    repo: Path, config: dict, local_pipeline_run: Path
) -> None:
    """The session's local run (tests/conftest.py). That a second run of the scripts makes
    the same bytes is checked where a run through Domino is compared with this one
    (tests/reliability/test_pipeline_faults.py, COMPARED)."""
    models = list(config["models"])
    first = local_pipeline_run

    report = (first / "score_report.txt").read_text()
    table = report.split("\n\n")[1].splitlines()
    end = table.index(table[1], 2)  # the table sits between two identical rule lines
    names = [line.split()[0] for line in table[2:end]]
    assert names == [*models, "ensemble"]
    assert "best: " in report and "<- best" in report
    for metric in ("accuracy", "ROC AUC", "log loss", "Brier"):
        assert metric in table[0]
    for model in models:
        assert (first / "models" / f"{model}.pkl").stat().st_size > 0
        assert (first / "logs" / "fit" / f"{model}.log").read_text().strip()
    assert (first / "models" / "ensemble.pkl").exists()
    assert (first / "results" / "roc_curves.png").read_bytes()[:4] == b"\x89PNG"

    # nothing left to do on a second invocation
    again = snakemake(first, "--cores", "2", "-n")
    assert "Nothing to be done" in again.stdout + again.stderr


def make_dag_command() -> list[str]:
    """The snakemake arguments of the Makefile's dag target."""
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    line = next(x for x in makefile.splitlines() if "snakemake --dag" in x)
    return line.split("snakemake", 1)[1].split("|")[0].split()


@pytest.mark.slow
def test_dry_run_dag_lists_every_rule(repo: Path, config: dict, tmp_path: Path) -> None:
    workdir = copy_pipeline(tmp_path / "dag")
    # `make dag`'s command runs nothing, and prints only the graph on stdout (with `-n`,
    # Snakemake 9 also prints "Building DAG of jobs..." there, which dot rejects). --dag
    # takes an optional format, so a target right after it must follow the format.
    graph = snakemake(workdir, *make_dag_command()).stdout
    assert graph.startswith("digraph") and graph.rstrip().endswith("}")
    for rule in RULES[1:]:  # every rule but `all`: the picture's target is the report
        assert f'label = "{rule}' in graph, rule
    for model in config["models"]:
        assert f"model: {model}" in graph
    assert not (workdir / "results").exists() and not (workdir / "models").exists()

    # the workflow profile is picked up and the plan names every job's tier, or the memory
    # a model asks for where it names none (the executor then sizes it)
    plan = snakemake(workdir, "-n", "score_report.txt")
    assert "workflow specific profile" in plan.stderr
    for spec in config["models"].values():
        if "tier" in spec:
            assert f"tier={spec['tier']}" in plan.stdout
        else:
            assert f"mem_mb={spec['mem_mb']}" in plan.stdout

    # last: where Graphviz is missing this skips (fails under CI) after the checks above
    if not shutil.which("dot"):
        unavailable("`make dag`'s picture", "Graphviz's dot is not installed "
                    "(apt-get install graphviz; .ci/run does)")
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=graph, capture_output=True, text=True, check=True
    ).stdout
    assert "<svg" in svg and "combine" in svg


@pytest.mark.slow
def test_models_are_a_config_edit(repo: Path, config: dict, tmp_path: Path) -> None:
    workdir = copy_pipeline(tmp_path / "edit")
    edited = dict(config)
    edited["models"] = {
        "logistic": config["models"]["logistic"],
        "trees": {"family": "extra_trees", "tier": "Medium", "params": {"n_estimators": 20}},
    }
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(edited, sort_keys=False))
    plan = snakemake(workdir, "-n", "--quiet", "rules").stdout
    counts = dict(
        line.split()[:2]
        for line in plan.splitlines()
        if len(line.split()) == 2 and line.split()[1].isdigit()
    )
    assert counts.get("fit") == "2", plan
    dag = snakemake(workdir, "-n", "--dag").stdout
    assert "model: trees" in dag and "model: forest" not in dag
