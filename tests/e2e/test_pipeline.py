"""The example ML pipeline through the Domino executor, end to end on a local Domino."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE_RUN, DominoServer, PipelineRun, copy_pipeline, run_snakemake
from tests.contract.recording import recording_domino
from tests.contract.test_contract import assert_run_keeps_contract

pytestmark = pytest.mark.slow

def rule_jobs(domino: DominoServer, project: str) -> list[tuple[str, str, str]]:
    """(rule, wildcards, tier) of every Domino job in the project, oldest first."""
    jobs = domino.jobs(project)
    out = []
    for job in reversed(jobs):
        words = job.title.split()
        wildcards = words[2] if len(words) > 2 and "=" in words[2] else ""
        out.append((words[1], wildcards, job.tier_name))
    return out


@pytest.fixture(scope="module")
def newest(tmp_path_factory) -> Iterator[tuple[DominoServer, Path]]:
    """A local Domino answering as the newest Domino (6.3; docs/local-domino.md, API
    flavors), recording its traffic for the contract check (tests/contract/)."""
    root = tmp_path_factory.mktemp("flavor-latest")
    log = root / "traffic.jsonl"
    with recording_domino(root / "domino", log, flavor="latest") as server:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key), log


def assert_whole_pipeline(workdir: Path, domino: DominoServer, project: str) -> list:
    """The report, a model and a log are back; one job per rule job, each on its tier.
    Returns the project's rule jobs."""
    report = (workdir / "score_report.txt").read_text()
    for model in ("logistic", "forest", "boosting", "mlp", "ensemble"):
        assert f"\n{model} " in report
    assert "<- best" in report
    assert (workdir / "models/forest.pkl").stat().st_size > 0
    assert (workdir / "logs/fit/mlp.log").exists()
    jobs = rule_jobs(domino, project)
    assert sorted(rule for rule, _, _ in jobs) == sorted(
        ["clean", "features", "combine", "predict", "score"] + ["fit"] * 4
    )
    tiers = {(rule, wc): tier for rule, wc, tier in jobs}
    assert tiers[("fit", "model=forest")] == "Medium"
    assert tiers[("fit", "model=boosting")] == "Large"
    assert tiers[("fit", "model=mlp")] == "GPU"
    assert tiers[("fit", "model=logistic")] == "Small"
    assert tiers[("clean", "")] == "Small"
    return jobs


@EXAMPLE_RUN
def test_the_example_run_on_domino_50_keeps_the_contract(example_run: PipelineRun, domino):
    """The session's example run (tests/conftest.py) on the 5.0 flavor: the whole pipeline,
    its tiers, and its traffic as Domino 5.0 documents it (no /api/ route, no title)."""
    assert domino.server.config.flavor.name == "5.0"
    assert_whole_pipeline(example_run.workdir, domino, example_run.project)
    assert_run_keeps_contract(domino, example_run.traffic)


def test_pipeline_runs_incrementally_through_domino(tmp_path, newest):
    """On the newest flavor: one model file first, then the whole pipeline, then what a
    rerun does (on 5.0 the scheduled pipeline's fires rerun it: tests/schedule/), and the
    traffic of it all as Domino documents it."""
    domino, traffic = newest
    project = domino.new_project("pipeline")
    workdir = copy_pipeline(tmp_path / "pipeline")
    # one model file: only its ancestors run
    run_snakemake(workdir, domino, project, "models/forest.pkl")
    assert (workdir / "models/forest.pkl").exists()
    assert not (workdir / "score_report.txt").exists()
    assert sorted((rule, wc) for rule, wc, _ in rule_jobs(domino, project)) == [
        ("clean", ""),
        ("features", ""),
        ("fit", "model=forest"),
    ]
    run_snakemake(workdir, domino, project, "-j", "3", "score_report.txt")
    first = assert_whole_pipeline(workdir, domino, project)
    # nothing changed: no Domino job at all
    run_snakemake(workdir, domino, project, "-j", "3", "score_report.txt")
    assert len(rule_jobs(domino, project)) == len(first)
    # one model's hyperparameters change: that fit and what depends on it rerun
    time.sleep(1.1)
    config_path = workdir / "config/config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["models"]["forest"]["params"]["n_estimators"] = 50
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    run_snakemake(workdir, domino, project, "-j", "3", "score_report.txt")
    rerun = rule_jobs(domino, project)[len(first) :]
    assert sorted((rule, wc) for rule, wc, _ in rerun) == [
        ("combine", ""),
        ("fit", "model=forest"),
        ("predict", ""),
        ("score", ""),
    ]
    # every request and answer of these runs as Domino documents it (tests/contract/)
    assert_run_keeps_contract(domino, traffic)
