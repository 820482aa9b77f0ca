"""`snakemake-domino schedule` against a local Domino, as a user types it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from snakemake_executor_domino.domino import DominoClient
from snakemake_executor_domino.domino.http import Http

from .conftest import Project, wait_for

PIPELINE = ["snakemake", "--executor", "domino", "-j", "3", "score_report.txt"]


def test_create_prints_what_was_scheduled_and_the_next_fire_times(cli, project: Project) -> None:
    result = cli("create", "--cron", "0 3 * * 1-5", "--timezone", "Europe/Berlin",
                 "--tier", "large", "--notify", "ml@example.com", "--", *PIPELINE)
    assert result.code == 0, result.err
    (s,) = project.schedules()
    assert s["command"] == "snakemake --executor domino -j 3 score_report.txt"
    assert s["title"] == s["command"]
    assert s["schedule"]["cronString"] == "0 0 3 ? * MON-FRI"
    assert s["timezoneId"] == "Europe/Berlin"
    assert s["hardwareTierIdentifier"] == "large-k8s"
    assert s["allowConcurrentExecution"] is False
    assert s["notifyOnCompleteEmailAddresses"] == ["ml@example.com"]
    assert f"created scheduled job {s['id']}" in result.out
    assert "(Domino: '0 0 3 ? * MON-FRI', Europe/Berlin)" in result.out
    assert "tier:      Large (large-k8s)" in result.out
    assert "sequential" in result.out
    fire_lines = result.out.split("next fire times:\n")[1].splitlines()
    assert len(fire_lines) == 5
    assert all(" 03:00:00 CE" in line and "(in " in line for line in fire_lines)
    assert project.key not in result.out + result.err


def test_options_reach_domino(cli, project: Project) -> None:
    result = cli("create", "--cron", "@hourly", "--title", "hourly check", "--concurrent",
                 "--paused", "--environment-id", "env-123", "--", "echo a && echo b")
    assert result.code == 0, result.err
    (s,) = project.schedules()
    assert s["title"] == "hourly check"
    assert s["command"] == "echo a && echo b"  # one argument: a shell line, as it is
    assert s["allowConcurrentExecution"] is True
    assert s["isPaused"] is True and project.record(s["id"]).next_fire_ms is None
    assert s["overrideEnvironmentId"] == "env-123"
    assert s["hardwareTierIdentifier"] == "small-k8s"  # the project's default
    assert "fire times once resumed" in result.out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--cron", "0 3 * *", "--", "true"], "has 4 fields"),
        (["--cron", "0 25 * * *", "--", "true"], "'0 25 * * *' is not valid"),
        (["--cron", "0 3 * * *", "--timezone", "Berlin", "--", "true"], "unknown time zone"),
        (["--cron", "0 3 * * *", "--tier", "Huge", "--", "true"],
         "hardware tier 'Huge' does not exist in this Domino project. Valid tiers: Small (id "
         "small-k8s), Medium (id medium-k8s), Large (id large-k8s), GPU (id gpu-small-k8s)."),
        (["--cron", "0 3 * * *", "--notify", "nobody", "--", "true"], "not an email address"),
        (["--cron", "0 3 * * *"], "no command given"),
        (["--cron", "0 3 * * *", "--"], "no command given"),
    ],
)
def test_bad_input_is_a_clear_error_and_creates_nothing(
    cli, project: Project, args: list[str], says: str
) -> None:
    result = cli("create", *args)
    assert result.code == 2
    assert result.err.startswith("snakemake-domino: error: ")
    assert says in result.err
    assert "Traceback" not in result.err
    assert project.schedules() == []


def test_bad_cron_is_refused_before_anything_is_sent(cli, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(Http, "request", lambda self, *a, **k: calls.append(a[1]))
    result = cli("create", "--cron", "61 * * * *", "--", "true")
    assert result.code == 2 and "nothing was created" in result.err
    assert calls == []


def test_dry_run_checks_everything_and_creates_nothing(cli, project: Project) -> None:
    result = cli("create", "--dry-run", "--cron", "*/10 * * * *", "--tier", "GPU", "--", "true")
    assert result.code == 0, result.err
    assert "dry run: nothing was created" in result.out
    assert "tier:      GPU (gpu-small-k8s)" in result.out
    assert project.schedules() == []


def test_unknown_ids_are_clear_errors(cli, project: Project) -> None:
    for command in ("show", "pause", "resume", "run", "delete"):
        result = cli(command, "0123456789abcdef01234567")
        assert result.code == 2, command
        assert ("scheduled job 0123456789abcdef01234567 does not exist in project "
                f"{project.spec}") in result.err
        assert "schedule list" in result.err


def test_list_pause_resume_run_show_delete(cli, project: Project) -> None:
    assert "no scheduled jobs" in cli("list").out
    cli("create", "--cron", "0 3 * * *", "--title", "retrain", "--", "echo done > out.txt")
    (s,) = project.schedules()

    listing = cli("list").out.splitlines()
    assert listing[0].split() == ["ID", "TITLE", "CRON", "TIER", "MODE", "NEXT", "FIRE",
                                  "LAST", "RUN"]
    assert listing[1].startswith(f"{s['id']}  retrain") and "0 0 3 * * ? UTC" in listing[1]
    assert listing[1].rstrip().endswith("-")  # no run yet

    assert "paused scheduled job" in cli("pause", s["id"]).out
    assert project.schedule(s["id"])["isPaused"] is True
    assert " paused " in cli("list").out
    resumed = cli("resume", s["id"])
    assert "resumed scheduled job" in resumed.out and "03:00:00 UTC" in resumed.out
    assert project.schedule(s["id"])["isPaused"] is False
    # what pause/resume send back keeps every other setting
    assert project.schedule(s["id"]) == s

    ran = cli("run", s["id"], "--wait")
    assert ran.code == 0, ran.err
    assert "started job #1" in ran.out and "ended Succeeded; output commit" in ran.out
    assert "#1 Succeeded" in cli("list").out

    shown = cli("show", s["id"])
    assert "recent runs, newest first:" in shown.out
    assert "#1 Succeeded, output commit" in shown.out and "(fired by hand)" in shown.out
    assert cli("show", s["id"], "--cat", "out.txt").out == "done\n"
    missing = cli("show", s["id"], "--cat", "nope.txt")
    assert missing.code == 2 and "nope.txt is not in the output commit of job #1" in missing.err

    as_json = json.loads(cli("list", "--json").out)
    assert [x["id"] for x in as_json] == [s["id"]]

    deleted = cli("delete", s["id"])
    assert "deleted scheduled job" in deleted.out and "jobs it started are kept" in deleted.out
    assert project.schedules() == [] and len(project.jobs()) == 1


def test_run_falls_back_to_an_ordinary_job_where_domino_cannot_fire_now(
    cli, project: Project, monkeypatch
) -> None:
    cli("create", "--cron", "0 3 * * *", "--tier", "Medium", "--title", "t", "--", "true")
    (s,) = project.schedules()
    monkeypatch.setattr(DominoClient, "run_scheduled_job", lambda self, schedule_id: None)
    result = cli("run", s["id"])
    assert result.code == 0, result.err
    assert "has no API to fire a scheduled job now" in result.out
    (job,) = project.jobs()
    assert job["title"].startswith("t (run now ") and project.tier_of(job["id"]) == "medium-k8s"


def test_a_snakemake_schedule_without_a_snakefile_in_the_project_is_warned_about(
    cli, project: Project
) -> None:
    result = cli("create", "--cron", "0 3 * * *", "--", *PIPELINE)
    assert result.code == 0
    assert "warning: the project holds no Snakefile" in result.err
    assert "--push workflow" in result.err


def test_push_uploads_the_pipeline_and_its_dominoignore(cli, project: Project) -> None:
    Path("workflow").mkdir()
    Path("workflow/Snakefile").write_text("rule all:\n    output: 'x'\n")
    result = cli("create", "--cron", "0 3 * * *", "--push", "workflow", "--", *PIPELINE)
    assert result.code == 0, result.err
    assert "pushed 2 file(s)" in result.out
    assert "warning" not in result.err
    head = project.request("GET", f"/v1/projects/{project.spec}/commits").json()[0]["id"]
    listing = project.request("GET", f"/v1/projects/{project.spec}/files/{head}/").json()
    # the v1 list holds every file under the path (python-domino's reading of it)
    assert {e["path"] for e in listing["data"]} == {".dominoignore", "workflow/Snakefile"}
    again = cli("create", "--cron", "0 4 * * *", "--push", "workflow", "--", "true")
    assert "pushed 0 file(s)" in again.out


def test_local_finds_a_running_local_serve(cli, project: Project, scheduling_server,
                                           monkeypatch) -> None:
    monkeypatch.delenv("SNAKEMAKE_DOMINO_URL")
    monkeypatch.delenv("SNAKEMAKE_DOMINO_API_KEY")
    root = str(scheduling_server.root)
    result = cli("create", "--local", "--root", root, "--cron", "0 3 * * *", "--", "true")
    assert result.code == 0, result.err
    assert len(project.schedules()) == 1
    stopped = cli("list", "--local", "--root", str(Path(root) / "elsewhere"))
    assert stopped.code == 2 and "no local Domino is running on" in stopped.err
    nowhere = cli("list")
    assert nowhere.code == 2 and "No Domino configured" in nowhere.err


def test_scheduled_job_started_by_a_fire_shows_in_list(cli, project: Project) -> None:
    cli("create", "--cron", "*/1 * * * * ?", "--title", "tick", "--", "true")
    (s,) = project.schedules()
    wait_for(lambda: project.record(s["id"]).last_job_id, 5, "a fire")
    cli("delete", s["id"])
    assert project.jobs()[0]["statuses"]["isScheduled"] is True
