"""Without the local Domino's fire history, a schedule's runs are found among the project's
jobs: those Domino marks as started by a schedule (statuses.isScheduled) with its title."""

from __future__ import annotations

from snakemake_executor_domino.cli.schedule.history import runs_from_jobs
from snakemake_executor_domino.domino import parse, schedule_parse
from tests.unit.domino.conftest import documented


class Client:
    def list_jobs(self, page_size: int):
        bodies = documented("jobset_50")["jobs"]
        return [parse.job({**body, "title": "nightly"}) for body in bodies], 2


def test_runs_are_the_scheduled_jobs_with_the_schedules_title():
    schedule = schedule_parse.scheduled_job({**documented("scheduled_job_50"), "title": "nightly"})
    runs = runs_from_jobs(Client(), [schedule], 5)  # type: ignore[arg-type]
    assert [(r.job_number, r.status) for r in runs[schedule.id]] == [(41, "Running")]
