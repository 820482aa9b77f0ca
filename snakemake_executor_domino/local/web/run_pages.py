"""Pages of Snakemake runs: a project's runs, and one run's timeline (the Gantt chart the
`report` package draws) beside its summary.

A run is recognised by the executor's job titles, which name it (`[run ID job N try A]`);
the numbers come from this server's own records of those jobs, not from the executor's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup

from snakemake_executor_domino import formatting
from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.store.rows import (
    ACTIVE_STATUSES,
    ALL_STATUSES,
    Job,
    NotFound,
    Project,
    now_ms,
)
from snakemake_executor_domino.local.web.guard import WebError
from snakemake_executor_domino.local.web.templating import job_url, page
from snakemake_executor_domino.report import efficiency, timeline
from snakemake_executor_domino.report import summary_text as text
from snakemake_executor_domino.report.records import TierPrice
from snakemake_executor_domino.report.spans import JobSpan, title_label, title_run
from snakemake_executor_domino.report.summary import Summary, summarise

RUN_ID = re.compile(r"[0-9A-Za-z]{1,64}")
MAX_JOBS = 10_000
REFRESH_SECONDS = 3


@dataclass(frozen=True)
class RunRow:
    run_id: str
    jobs: int
    active: int
    failed: int
    first_ms: int
    last_ms: int | None


def runs_page(request: Request, owner: str, project: str) -> Response:
    be = backend(request)
    p = _project(be, owner, project)
    rows = project_runs(_jobs(be, p))
    return page(request, "runs.html", title=f"{p.full_name} · runs", project=p, runs=rows,
                refresh=REFRESH_SECONDS if any(r.active for r in rows) else None)


def run_page(request: Request, owner: str, project: str, runId: str) -> Response:  # noqa: N803
    be = backend(request)
    p = _project(be, owner, project)
    if not RUN_ID.fullmatch(runId):
        raise WebError(400, "a run id is letters and digits, as in a job title's [run ID ...]")
    jobs = [j for j in _jobs(be, p) if title_run(j.title) == runId]
    if not jobs:
        raise WebError(404, f"no job of run {runId} in project {p.full_name}")
    spans = [span(be, p, j) for j in jobs]
    tiers = [t.name for t in be.config.tiers]
    summary = summarise(runId, spans, tiers)
    assessed = efficiency.assess(summary, [_price(t) for t in be.config.tiers])
    active = any(j.status in ACTIVE_STATUSES for j in jobs)
    title = f"Snakemake run {runId} in {p.full_name}"
    picture = timeline.render(spans, title=title, now_ms=now_ms(), tiers=tiers)
    return page(
        request, "run.html", title=f"run {runId} · {p.full_name}", project=p, run_id=runId,
        # the renderer escapes every text it draws (report/timeline.py)
        timeline=Markup(picture), summary=summary, fmt=text, rows=_rows(summary),
        shares={(e.rule, e.tier): e for e in assessed},
        advice=[a for a in (efficiency.advice(e) for e in assessed) if a],
        threshold=efficiency.DEFAULT_THRESHOLD,
        refresh=REFRESH_SECONDS if active else None,
    )


def span(be: Backend, project: Project, job: Job) -> JobSpan:
    """This server's record of a job as the summary and timeline read it."""
    rule, label = title_label(job.title)
    tier = be.config.tier(job.tier_id)
    return JobSpan(
        job_id=job.id, number=job.number, label=label, rule=rule, status=job.status,
        tier=job.tier_name, cents_per_minute=None,  # the local Domino prices nothing
        submitted_ms=job.submitted_ms, started_ms=job.started_ms,
        finished_ms=job.completed_ms,
        url=job_url(project.owner_username, project.name, job.id),
        tier_cores=tier.cores if tier else None,
        tier_memory_gib=tier.memory_gib if tier else None,
        cpu_seconds=job.cpu_seconds, peak_memory_bytes=job.peak_memory_bytes,
    )


def _price(tier) -> TierPrice:
    # the local Domino prices nothing, so a smaller tier's saving is told in tier-minutes
    return TierPrice(tier.id, tier.name, None, tier.cores, tier.memory_gib, tier.gpus)


def project_runs(jobs: list[Job]) -> list[RunRow]:
    """The runs the project's jobs belong to, newest first."""
    by_run: dict[str, list[Job]] = {}
    for job in jobs:
        run_id = title_run(job.title)
        if run_id:
            by_run.setdefault(run_id, []).append(job)
    rows = []
    for run_id, mine in by_run.items():
        ends = [j.completed_ms for j in mine if j.completed_ms is not None]
        rows.append(RunRow(
            run_id=run_id, jobs=len(mine),
            active=sum(j.status in ACTIVE_STATUSES for j in mine),
            failed=sum(j.status in ("Failed", "Error", "Stopped") for j in mine),
            first_ms=min(j.submitted_ms for j in mine),
            last_ms=max(ends) if ends and len(ends) == len(mine) else None,
        ))
    return sorted(rows, key=lambda r: -r.first_ms)


def _rows(summary: Summary) -> list[tuple[str, str]]:
    return [
        ("jobs", ", ".join(f"{n} {s.lower()}" for s, n in summary.statuses.items())),
        ("wall time", formatting.duration(summary.wall_ms)),
        ("queued", formatting.duration(summary.queued_ms)),
        ("running", formatting.duration(summary.run_ms)),
        ("tier-minutes", f"{summary.tier_minutes:.2f}"),
    ]


def _jobs(be: Backend, project: Project) -> list[Job]:
    jobs, _ = be.store.list_jobs(project.id, ALL_STATUSES, descending=False,
                                 order_by="number", limit=MAX_JOBS, offset=0)
    return jobs


def _project(be: Backend, owner: str, name: str) -> Project:
    try:
        return be.store.find_project(owner, name)
    except NotFound:
        raise WebError(404, f"project {owner}/{name} not found") from None
