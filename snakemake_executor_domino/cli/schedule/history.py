"""A schedule's runs: from the local Domino's fire history where there is one, else found
among the project's jobs (Domino marks those a schedule started, with its title)."""

from __future__ import annotations

from snakemake_executor_domino.domino import DominoClient, ScheduledJob, ScheduledRun

JOB_SCAN = 200  # jobs looked through for a schedule's runs where Domino keeps no record


def recent_runs(client: DominoClient, s: ScheduledJob, limit: int) -> list[ScheduledRun]:
    runs = client.scheduled_job_runs(s.id, limit)
    if runs is not None:
        return runs
    return runs_from_jobs(client, [s], limit).get(s.id, [])


def latest_runs(client: DominoClient, schedules: list[ScheduledJob]) -> dict[str, ScheduledRun]:
    found = {s.id: s.last_run for s in schedules if s.last_run is not None}
    unknown = [s for s in schedules if "lastRun" not in s.raw]  # a Domino that keeps none
    if unknown:
        for schedule_id, runs in runs_from_jobs(client, unknown, 1).items():
            found[schedule_id] = runs[0]
    return found


def runs_from_jobs(
    client: DominoClient, schedules: list[ScheduledJob], limit: int
) -> dict[str, list[ScheduledRun]]:
    """Where Domino keeps no per-schedule record: its scheduled jobs carry the title."""
    jobs, _ = client.list_jobs(page_size=JOB_SCAN)
    by_title = {s.title: s.id for s in schedules}
    found: dict[str, list[ScheduledRun]] = {}
    for job in jobs:  # newest first
        schedule_id = by_title.get(job.title)
        if job.is_scheduled and schedule_id:
            runs = found.setdefault(schedule_id, [])
            if len(runs) < limit:
                runs.append(
                    ScheduledRun(job.id, job.number, job.status, job.output_commit_id,
                                 fire_ms=job.submitted_ms)
                )
    return found
