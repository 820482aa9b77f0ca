"""Every request the plugin and `snakemake-domino` send, and every answer the local Domino
gives, recorded on the wire and held to Domino's documents (contract.py).

The local Domino records its traffic (local/api/traffic.py); a real `snakemake --executor domino`
run of the example pipeline and the CLI commands talk to it; then each record must match a
documented call: route, query parameters, body fields and types, answer fields and types.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from snakemake_executor_domino.cli import main
from snakemake_executor_domino.local.api.route_table import ROUTES
from snakemake_executor_domino.local.api.traffic import ENV
from tests.conftest import PIPELINE_PARTS, DominoServer, copy_pipeline
from tests.local.test_cli import _serve, _stop
from tests.local.test_restart import _read_banner
from tests.web.conftest import wait_job

from .checker import is_local_extra, match
from .recording import Report, read, recording_domino
from .shapes import FLAVORS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=FLAVORS)
def recorded(request, tmp_path: Path) -> Iterator[tuple[DominoServer, Path]]:
    log = tmp_path / "traffic.jsonl"
    with recording_domino(tmp_path / "domino", log, flavor=request.param) as server:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key), log


def assert_keeps_contract(log: Path, must_use: set[str]) -> None:
    report = Report(read(log))
    assert report.records, "nothing was recorded: is the traffic recorder installed?"
    missing = must_use - report.calls_used()
    assert not missing, f"these calls were never made, so never checked: {sorted(missing)}"
    if report.violations():
        pytest.fail(report.text(), pytrace=False)


def test_local_domino_serves_only_documented_routes() -> None:
    undocumented = []
    for method, path, _ in ROUTES:
        concrete = path.replace(":filepath", "").replace("{path}", "a/b.txt")
        try:
            match(method, concrete.format_map(_Ids()))
        except KeyError:
            if not is_local_extra(path):
                undocumented.append(f"{method} {path}")
    assert not undocumented, f"local routes outside the contract and /_local/: {undocumented}"


class _Ids(dict):
    def __missing__(self, key: str) -> str:
        return "0123456789abcdef01234567"


def assert_run_keeps_contract(domino: DominoServer, log: Path) -> None:
    """A workflow run's traffic (recorded in tests/e2e: the session's example run on 5.0,
    the incremental pipeline runs on latest, a job chain on every flavor): every exchange
    as documented, the calls a run makes all made; on 5.0 no /api/ route and no job start
    with a title."""
    flavor = domino.server.config.flavor
    # Domino 5.0 has no content route and keeps no title: files come from v1 blobs, and jobs
    # are named after their start (python-domino 1.2.4 and 1.3.0; domino/versions.py)
    downloads = "file content" if flavor.content_route else "blob"
    naming = set() if flavor.keeps_title else {"name job"}
    assert_keeps_contract(log, {
        "version", "find project", "hardware tiers", "upload file", "start job",
        "list jobs", downloads, *naming,
    })
    if flavor.name == "5.0":
        sent = read(log)
        assert not [r["path"] for r in sent if r["path"].startswith("/api/")]
        starts = [r for r in sent if r["path"] == "/v4/jobs/start"]
        assert starts and not [r for r in starts if "title" in (r.get("body") or {})]


@pytest.fixture
def cli(monkeypatch, capsys) -> Callable[..., Callable[..., str]]:
    """`snakemake-domino ...` in this process, pointed at a project; returns its stdout."""

    def pointed_at(domino: DominoServer, project: str) -> Callable[..., str]:
        for name in list(os.environ):
            if name.startswith(("DOMINO_", "SNAKEMAKE_DOMINO_")):
                monkeypatch.delenv(name)
        monkeypatch.setenv("SNAKEMAKE_DOMINO_URL", domino.url)
        monkeypatch.setenv("SNAKEMAKE_DOMINO_PROJECT", project)
        monkeypatch.setenv("SNAKEMAKE_DOMINO_API_KEY", domino.api_key)

        def run(*argv: str) -> str:
            code = main(list(argv))
            out = capsys.readouterr()
            assert code == 0, f"snakemake-domino {' '.join(argv)}: {out.err}"
            return out.out

        return run

    return pointed_at


@pytest.mark.slow
def test_scheduled_run_keeps_the_contract(recorded, cli, tmp_path, monkeypatch) -> None:
    """The pipeline as a scheduled job: Snakemake inside a Domino job reaches Domino through
    the run's own variables (and its token), as in a real scheduled retrain. One rule job
    (its first step) makes every call a rule job makes; the whole pipeline runs scheduled
    in tests/schedule/test_pipeline.py."""
    domino, log = recorded
    workdir = copy_pipeline(tmp_path / "pipeline")
    monkeypatch.chdir(workdir)
    run = cli(domino, domino.new_project("contract-sched"))
    pushes = [arg for part in PIPELINE_PARTS for arg in ("--push", part)]
    out = run("schedule", "create", "--cron", "0 3 * * *", *pushes,
              "--", "snakemake", "--executor", "domino", "-j", "2", "results/clean.csv")
    run("schedule", "run", "--wait", out.split("created scheduled job ")[1].split()[0])
    downloads = "file content" if domino.server.config.flavor.content_route else "blob"
    assert_keeps_contract(log, {
        "version", "find project", "hardware tiers", "start job", "list jobs",
        downloads, "upload file", "create scheduled job",
    })


@pytest.mark.slow
def test_cli_commands_keep_the_contract(recorded, cli, tmp_path, monkeypatch) -> None:
    domino, log = recorded
    project = domino.new_project("contract-cli")
    run = cli(domino, project)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hello.txt").write_text("hello\n")
    _run_jobs_commands(domino, project, run)
    _run_schedule_commands(run)
    run("doctor")
    assert_keeps_contract(log, {
        "version", "find project", "list jobs", "job", "stop job", "run stdout",
        "current user", "create scheduled job", "list scheduled jobs", "scheduled job",
        "update scheduled job", "delete scheduled job", "upload file",
        "served API description", "job runtime details",
    })


@pytest.mark.slow
@pytest.mark.parametrize("flavor", FLAVORS)
def test_local_serve_keeps_the_contract(flavor, tmp_path, monkeypatch, capsys) -> None:
    """`snakemake-domino local serve` as its own process, and commands that find it with
    --local (its URL and key read from its state directory)."""
    log = tmp_path / "traffic.jsonl"
    root = tmp_path / "domino"
    for name in list(os.environ):
        if name.startswith(("DOMINO_", "SNAKEMAKE_DOMINO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv(ENV, str(log))  # the server process inherits it
    proc = _serve(root, "--api-flavor", flavor, "--project", "tester/contract-local")
    monkeypatch.delenv(ENV)
    try:
        _read_banner(proc)
        local = ["--local", "--root", str(root), "--project", "tester/contract-local"]
        for argv in (["jobs", "list"], ["schedule", "list"], ["doctor", "--no-canary"]):
            code = main([*argv, *local])
            assert code == 0, capsys.readouterr().err
    finally:
        _stop(proc)
    assert_keeps_contract(log, {"version", "find project", "list jobs", "list scheduled jobs"})


def _run_jobs_commands(domino: DominoServer, project: str, cli) -> None:
    client = domino.client(project)
    done = client.start_job("echo done", title="contract: done")
    wait_job(client, done.id, ("Succeeded",))
    running = client.start_job("sleep 60", title="contract: to stop")
    wait_job(client, running.id, ("Running",))
    cli("jobs", "list")
    cli("jobs", "list", "--status", "failed", "--limit", "5")
    cli("jobs", "show", "1")
    cli("jobs", "log", done.id)
    cli("jobs", "log", "--setup", done.id)
    cli("jobs", "stop", running.id)
    wait_job(client, running.id, ("Stopped",))


def _run_schedule_commands(cli) -> None:
    out = cli("schedule", "create", "--cron", "0 3 * * *", "--tier", "Medium",
              "--push", "hello.txt", "--", "cat", "hello.txt")
    schedule_id = out.split("created scheduled job ")[1].split()[0]
    cli("schedule", "list")
    cli("schedule", "list", "--json")
    cli("schedule", "show", schedule_id)
    cli("schedule", "pause", schedule_id)
    cli("schedule", "resume", schedule_id)
    cli("schedule", "run", "--wait", schedule_id)
    cli("schedule", "delete", schedule_id)
