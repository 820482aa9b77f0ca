"""DominoClient: one Domino project. Projects, tiers, commits and jobs here; the file calls
(files.py), scheduled-job calls (schedules.py) and dataset calls (datasets.py) are mixed
in. Every URL comes from routes.py, every answer goes through parse.py (dataset_parse.py
for datasets), every request through http.py."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from snakemake_executor_domino.domino import parse, routes, versions
from snakemake_executor_domino.domino.datasets import DatasetCalls
from snakemake_executor_domino.domino.deployment import DeploymentCalls
from snakemake_executor_domino.domino.environment_calls import EnvironmentCalls
from snakemake_executor_domino.domino.errors import (
    DominoAuthError,
    DominoError,
    DominoNotFound,
    DominoTimeout,
    DominoTransientError,
    is_transient,
)
from snakemake_executor_domino.domino.files import FileCalls
from snakemake_executor_domino.domino.http import Credentials, Http
from snakemake_executor_domino.domino.job_details import JobDetailCalls
from snakemake_executor_domino.domino.keys import KeyScheme
from snakemake_executor_domino.domino.models import HardwareTier, Job, JobPage, Project
from snakemake_executor_domino.domino.retry import BUDGETS, attempts
from snakemake_executor_domino.domino.schedules import ScheduleCalls

# python-domino's jobs_list pages; a deployment may serve fewer rows than asked (near 100)
JOB_PAGE = 100
MAX_JOB_PAGES = 100


class DominoClient(
    FileCalls, ScheduleCalls, EnvironmentCalls, JobDetailCalls, DeploymentCalls, DatasetCalls
):
    """One Domino project, one requests.Session."""

    def __init__(
        self,
        host: str,
        owner: str,
        project: str,
        credentials: Credentials,
        *,
        verify: bool | str = True,
        timeout: float = 60.0,
        retry_budget: float = 300.0,
        on_request: Callable[[str, str], None] | None = None,
    ):
        self.http = Http(
            host,
            credentials,
            verify=verify,
            timeout=timeout,
            retry_budget=retry_budget,
            on_request=on_request,
        )
        self.owner = owner
        self.project_name = project
        self.keys = KeyScheme()
        self._project: Project | None = None
        self._version: str | None = None
        # None until known: whether GET /v4/projects/{id}/commits/head exists here
        self._head_route: bool | None = None

    @property
    def host(self) -> str:
        return self.http.host

    @property
    def credentials(self) -> Credentials:
        return self.http.credentials

    @property
    def timeout(self) -> float:
        return self.http.timeout

    @property
    def retry_budget(self) -> float:
        return self.http.retry_budget

    @property
    def session(self) -> Any:
        return self.http.session

    def with_retry_budget(self, seconds: float) -> DominoClient:
        """This client with a smaller retry budget, for calls that must end soon (stopping
        jobs on Ctrl-C while Domino may be unreachable)."""
        other = copy.copy(self)
        other.http = self.http.with_retry_budget(seconds)
        return other

    # ---------------------------------------------------------------- project
    def version(self) -> str:
        """Domino's version. The first call: it also tells a wrong URL from a Domino, and
        gives up on an unreachable one within PROBE_BUDGET, not the whole retry budget."""
        not_domino = (
            f"{self.host} does not look like a Domino API: GET /version answered {{}}. "
            "Check --domino-url / $DOMINO_API_HOST: it must be the base URL of your Domino, "
            "e.g. https://domino.example.com."
        )
        try:
            response = self.http.request(
                "GET", routes.version(), what="Domino version check", probe=True
            )
        except DominoError as exc:
            if isinstance(exc, DominoAuthError | DominoTransientError) or exc.status is None:
                raise
            raise DominoError(not_domino.format(f"status {exc.status}"), exc.status) from None
        try:
            body = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no Content-Type")
            raise DominoError(not_domino.format(f"{kind}, not JSON")) from None
        if not isinstance(body, dict) or "version" not in body:
            raise DominoError(not_domino.format("JSON without a 'version' field"))
        self._version = str(body["version"])
        return self._version

    def domino_version(self) -> str:
        """Domino's version, asked once."""
        return self._version if self._version is not None else self.version()

    @property
    def project(self) -> Project:
        if self._project is None:
            try:
                body = self.http.json(
                    "GET",
                    routes.find_project(),
                    params={"ownerName": self.owner, "projectName": self.project_name},
                    what=f"find project {self.owner}/{self.project_name}",
                )
            except DominoNotFound:
                raise DominoNotFound(
                    f"Domino project {self.owner}/{self.project_name} does not exist at "
                    f"{self.host} (or you cannot see it). Check --domino-project OWNER/NAME.",
                    404,
                ) from None
            self._project = parse.project(body, self.owner, self.project_name)
        return self._project

    @property
    def project_id(self) -> str:
        return self.project.id

    def hardware_tiers(self) -> list[HardwareTier]:
        body = self.http.json(
            "GET", routes.hardware_tiers(self.project_id), what="list hardware tiers"
        )
        return parse.hardware_tiers(body)

    def head_commit_id(self) -> str | None:
        """The project's newest commit; None for a project without commits.

        Domino 5.0 documents GET /v4/projects/{id}/commits/head (ProjectCommitDeprecated
        {id, name, commitTime}); where a deployment lacks it (404 while the v1 list shows
        commits), the v1 commit list (newest first) answers instead, from then on.
        """
        if self._head_route is not False:
            try:
                body = self.http.json(
                    "GET", routes.head_commit(self.project_id), what="newest commit"
                )
            except DominoNotFound:
                head = self._head_from_list()
                # a 404 with commits listed means the route is missing, not the commit
                self._head_route = False if head is not None else self._head_route
                return head
            self._head_route = True
            return parse.commit_id(body)
        return self._head_from_list()

    def _head_from_list(self) -> str | None:
        commits = self.http.json(
            "GET", routes.commits(self.owner, self.project_name), what="list commits"
        )
        return parse.head_commit_id(commits if isinstance(commits, list) else [])

    def head_after(self, previous: str | None, *, wait: float = 5.0) -> str | None:
        """The head once it has moved on from `previous` (after uploads), waiting a little
        for a Domino that shows a new commit later than it answers the upload."""
        for attempt in attempts(BUDGETS["head_after"].within(wait)):
            head = self.head_commit_id()
            if head != previous or attempt.last:
                return head
        return None

    # ---------------------------------------------------------------- jobs
    def start_job(
        self,
        command: str,
        *,
        title: str,
        marker: str | None = None,
        commit_id: str | None = None,
        tier_id: str | None = None,
        environment_id: str | None = None,
        environment_revision: str | dict[str, str] | None = None,
    ) -> Job:
        """Start a job, never twice: after an ambiguous failure, look for it by its title,
        or by `marker`, a part of `command` unique to this submission.

        Domino before 5.5 keeps no `title` from a start (versions.py): there the job is
        named afterwards (POST /v4/jobs/{jobId}/name), and a start whose answer was lost is
        found by the marker in the command Domino returns (`jobRunCommand`).
        """
        send_title = versions.has(self.domino_version(), "job_title")
        payload: dict[str, Any] = {"projectId": self.project_id, "commandToRun": command}
        if send_title:
            payload["title"] = title
        # left out rather than null when not wanted: no tier override means the project's
        # default tier, no commit the newest, no environment the project's default
        for name, value in (
            ("commitId", commit_id),
            ("overrideHardwareTierId", tier_id),
            ("environmentId", environment_id),
            # 5.0 StartJobRequest: "ActiveRevision", "LatestRevision" or {"revisionId"}
            ("environmentRevisionSpec", environment_revision),
        ):
            if value is not None:
                payload[name] = value
        for attempt in attempts(BUDGETS["start"].within(self.retry_budget)):
            try:
                body = self.http.json(
                    "POST", routes.job_start(), json=payload, what=f"start job '{title}'"
                )
                job = parse.job(body)
                return job if send_title else self.name_job(job, title)
            except DominoError as exc:
                if not is_transient(exc):
                    raise
                # 429 means "not processed"; anything else may have started the job.
                if exc.status != 429:
                    existing = self._find_started(title, marker, exc)
                    if existing is not None:
                        return existing
                if attempt.last:
                    raise
        raise AssertionError("unreachable: the last attempt raises")

    def name_job(self, job: Job, title: str) -> Job:
        """Give a started job its title (5.0 updateJob). A job left unnamed is still found by
        its command's marker, so a refusal here costs only the name in Domino's UI."""
        # naming is idempotent, so unlike a start it may be repeated after a transient error
        for attempt in attempts(BUDGETS["name"]):
            try:
                body = self.http.json(
                    "POST", routes.job_name(job.id), json={"name": title},
                    what=f"name job {job.id}",
                )
                break
            except DominoError as exc:
                if not is_transient(exc) or attempt.last:
                    return job
        named = parse.job(body) if isinstance(body, dict) and body.get("id") else job
        return dataclasses.replace(named, title=named.title or title)

    def _find_started(
        self, title: str, marker: str | None, failure: DominoError
    ) -> Job | None:
        """The job a start that failed ambiguously created, if it did.

        A start that timed out may still be on its way inside Domino, so it is looked for
        a while (the request timeout, at least 5 s) before the caller starts it again.
        """
        patience = max(self.timeout, 5.0) if isinstance(failure, DominoTimeout) else 0.0
        for attempt in attempts(BUDGETS["find_started"].within(patience)):
            existing = self.find_job(title, marker)
            if existing is not None or attempt.last:
                return existing
        return None

    def find_job(self, title: str, marker: str | None = None) -> Job | None:
        """The job with this title, or whose command holds `marker`, on any page."""
        def found(job: Job) -> bool:
            return bool(title) and job.title == title or bool(marker) and marker in job.command

        return next((job for job in self.iter_jobs() if found(job)), None)

    def iter_jobs(self, *, page_size: int = JOB_PAGE, max_pages: int = MAX_JOB_PAGES):
        """The project's jobs, newest first, page by page (as many as Domino serves a page)."""
        page_no, seen = 1, 0
        while page_no <= max_pages:
            page = self.jobs_page(page_size=page_size, page_no=page_no)
            yield from page.jobs
            seen += len(page.jobs)
            if not page.jobs or seen >= page.total:
                return
            page_no += 1

    def get_job(self, job_id: str) -> Job:
        return parse.job(self.http.json("GET", routes.job(job_id), what=f"job {job_id}"))

    def with_tier(self, job: Job) -> Job:
        """The job with its tier filled in: 5.0's job answer names none, its runtime
        execution details do. Unchanged where those are missing."""
        if job.tier_id or job.tier_name:
            return job
        try:
            body = self.http.json(
                "GET", routes.job_runtime_details(job.id), what=f"tier of job {job.id}"
            )
        except DominoNotFound:
            return job
        tier_id, tier_name = parse.runtime_tier(body if isinstance(body, dict) else {})
        return dataclasses.replace(job, tier_id=tier_id, tier_name=tier_name)

    def list_jobs(
        self, *, page_size: int = 50, page_no: int = 1, status: str = "all"
    ) -> tuple[list[Job], int]:
        """One page of the project's jobs, newest first, and the total count."""
        page = self.jobs_page(page_size=page_size, page_no=page_no, status=status)
        return page.jobs, page.total

    def jobs_page(self, *, page_size: int = 50, page_no: int = 1, status: str = "all") -> JobPage:
        """One page of the project's jobs, newest first, with the paging Domino served.

        The query is python-domino's jobs_list: order_by=number and sort_by=desc are values
        5.0's JobPagination enumerates, status=all its default.
        """
        body = self.http.json(
            "GET",
            routes.jobs(),
            params={
                "projectId": self.project_id,
                "order_by": "number",
                "sort_by": "desc",
                "page_size": page_size,
                "page_no": page_no,
                "show_archived": "false",
                "status": status,
            },
            what="list jobs",
        )
        return parse.job_page(body, page_size, page_no)

    def stop_job(self, job_id: str, *, commit_results: bool = False) -> None:
        payload = {"projectId": self.project_id, "jobId": job_id, "commitResults": commit_results}
        stop = BUDGETS["stop"]
        for attempt in attempts(stop.within(min(self.retry_budget, stop.seconds or 30.0))):
            try:
                self.http.request(
                    "POST", routes.job_stop(), json=payload, what=f"stop job {job_id}"
                )
                return
            except DominoError as exc:
                if not is_transient(exc) or attempt.last:
                    raise

    def job_log(self, job_id: str) -> str:
        """The job's output (setup log, then stdout), as the official client's get_run_log."""
        return "\n".join(part for part in self.job_log_parts(job_id) if part)

    def job_log_parts(self, job_id: str) -> tuple[str, str]:
        """The job's setup log and its output, apart: a follower prints the output's new
        part, which it cannot find in `job_log` once the setup log grows in front of it."""
        body = self.http.json(
            "GET",
            routes.run_stdout(self.owner, self.project_name, job_id),
            what=f"log of job {job_id}",
        )
        return parse.run_log(body)

    def job_problem(self, job_id: str) -> str | None:
        """The problem Domino's job page suggests for a finished job (e.g. that it ran out of
        memory), or None. Only the suggestion is wanted, so one setup line is asked for."""
        try:
            body = self.http.json(
                "GET",
                routes.job_logs(job_id),
                params={"logType": "prepareoutput", "limit": 1},
                what=f"problem suggestion of job {job_id}",
            )
        except DominoNotFound:
            return None
        return parse.problem_suggestion(body)

    def job_url(self, job_id: str) -> str:
        """The job's page in Domino's web UI."""
        return f"{self.host}/jobs/{quote(self.owner)}/{quote(self.project_name)}/{quote(job_id)}"
