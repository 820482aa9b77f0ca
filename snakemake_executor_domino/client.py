"""DominoClient: the only code that knows Domino's URLs and JSON.

Everything else in the project talks to Domino through this module and gets plain
dataclasses back. Transport concerns live here too: authentication, retries of transient
failures with backoff (urllib3's Retry, which honours Retry-After), and error messages that
carry the HTTP status and Domino's own message but never a credential.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import random
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

# Statuses a job can end in; everything else is still on its way.
SUCCEEDED = "Succeeded"
FAILED_STATES = frozenset({"Failed", "Error", "Stopped"})
TERMINAL_STATES = FAILED_STATES | {SUCCEEDED}
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
CHUNK = 1024 * 1024
# Downloads go socket -> SHA-1 -> file chunk by chunk; a chunk that stays in the CPU cache
# for all three passes pulls back ~1.7x faster, with less than half the CPU, than 1 MiB ones
# (benchmarks/README.md).
DOWNLOAD_CHUNK = 128 * 1024
# Calls that may be repeated blindly; a POST (job start, stop) is retried by its caller.
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 30.0
# The first call (GET /version) gives up sooner: a Domino that cannot be reached at all
# at start-up is nearly always a wrong URL, better said now than after the whole budget.
PROBE_BUDGET = 10.0


class DominoError(Exception):
    """A Domino API call failed; the message names the call, the status and Domino's words."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class DominoAuthError(DominoError):
    pass


class DominoNotFound(DominoError):
    pass


class DominoTransientError(DominoError):
    """Connection trouble, 429 or 5xx that outlasted the retry budget."""


class DominoTimeout(DominoTransientError):
    """No answer within the request timeout: the server may still act on the request."""


class IntegrityError(DominoError):
    """A downloaded file does not match the size or content hash Domino reports."""


@dataclass(frozen=True)
class Project:
    id: str
    owner: str
    name: str


@dataclass(frozen=True)
class HardwareTier:
    id: str
    name: str
    is_default: bool
    cores: float | None = None
    memory_gib: float | None = None


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    key: str | None
    last_modified: int | None
    is_directory: bool


@dataclass(frozen=True)
class Job:
    id: str
    number: int | None
    title: str
    command: str
    status: str
    is_completed: bool
    input_commit_id: str | None
    output_commit_id: str | None
    tier_id: str | None
    tier_name: str | None
    submitted_ms: int | None
    started_ms: int | None
    completed_ms: int | None
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATES

    @property
    def finished(self) -> bool:
        return self.is_completed or self.status in TERMINAL_STATES


@dataclass(frozen=True)
class Credentials:
    """How requests prove who we are. repr() never shows the secret."""

    api_key: str | None = field(default=None, repr=False)
    token_file: str | None = None
    api_proxy: str | None = None

    def describe(self) -> str:
        if self.api_proxy:
            return f"the Domino API proxy at {self.api_proxy}"
        if self.token_file:
            return f"the token in {self.token_file}"
        if self.api_key:
            return "an API key"
        return "no credentials"

    def headers(self) -> dict[str, str]:
        if self.api_proxy:
            return {}  # the proxy adds credentials itself
        if self.token_file:
            try:
                token = Path(self.token_file).read_text().strip()
            except OSError as exc:
                raise DominoAuthError(
                    f"Cannot read the Domino token file {self.token_file}: {exc.strerror}. "
                    "Check --domino-token-file / $DOMINO_TOKEN_FILE."
                ) from None
            return {"Authorization": f"Bearer {token}"}
        if self.api_key:
            return {"X-Domino-Api-Key": self.api_key}
        return {}


def _backoff(retry: int) -> float:
    """Seconds urllib3 waits before its `retry`-th retry (the first is immediate)."""
    return 0.0 if retry <= 1 else min(BACKOFF_FACTOR * 2 ** (retry - 1), BACKOFF_MAX)


def retries_within(budget: float) -> int:
    """How many retries' backoff fits in `budget` seconds (at least 2)."""
    retries, spent = 0, 0.0
    while retries < 50 and spent + _backoff(retries + 1) <= budget:
        retries += 1
        spent += _backoff(retries)
    return max(2, retries)


def _retry_policy(total_seconds: float) -> Retry:
    # As many retries as the backoff (capped at 30 s, plus jitter) fits in the budget.
    attempts = retries_within(total_seconds)
    return Retry(
        total=attempts,
        connect=attempts,
        read=attempts,
        status=attempts,
        backoff_factor=BACKOFF_FACTOR,
        backoff_max=BACKOFF_MAX,
        backoff_jitter=0.5,
        status_forcelist=TRANSIENT_STATUS,
        # POSTs (job start, stop) are not blindly repeated; see start_job.
        allowed_methods=IDEMPOTENT,
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class DominoClient:
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
        self.host = host.rstrip("/")
        self.owner = owner
        self.project_name = project
        self.credentials = credentials
        self.timeout = timeout
        self.retry_budget = retry_budget
        self._on_request = on_request
        self._project: Project | None = None
        self._base = self.host
        if credentials.api_proxy:
            proxy = credentials.api_proxy
            self._base = (proxy if "://" in proxy else f"http://{proxy}").rstrip("/")
        self.session = _session(verify, retry_budget)
        self._probe_session = _session(verify, min(retry_budget, PROBE_BUDGET))

    def with_retry_budget(self, seconds: float) -> DominoClient:
        """This client with a smaller retry budget, for calls that must end soon (stopping
        jobs on Ctrl-C while Domino may be unreachable)."""
        other = copy.copy(self)
        other.retry_budget = seconds
        other.session = _session(self.session.verify, seconds)
        other._probe_session = _session(self.session.verify, min(seconds, PROBE_BUDGET))
        return other

    # ---------------------------------------------------------------- transport
    def _url(self, path: str) -> str:
        return self._base + path

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: IO[bytes] | bytes | None = None,
        stream: bool = False,
        ok: tuple[int, ...] = (200, 201, 204),
        what: str = "",
        headers: dict[str, str] | None = None,
        probe: bool = False,
    ) -> requests.Response:
        label = what or f"{method} {path}"
        all_headers = self.credentials.headers()
        if headers:
            all_headers.update(headers)
        session = self._probe_session if probe else self.session
        deadline = time.monotonic() + (PROBE_BUDGET if probe else self.retry_budget)
        retry = 0
        while True:
            if self._on_request:
                self._on_request(method, path)
            try:
                response = session.request(
                    method,
                    self._url(path),
                    params=params,
                    json=json,
                    data=data,
                    stream=stream,
                    timeout=self.timeout,
                    headers=all_headers,
                )
                break
            except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
                # urllib3 retries what fails before an answer's body; a body cut short is
                # read by requests afterwards, so an idempotent call is repeated here
                if (
                    _exhausted(exc)
                    or isinstance(exc, requests.exceptions.SSLError)
                    or method not in IDEMPOTENT
                    or not _rewindable(data)
                    or time.monotonic() > deadline
                ):
                    raise self._transport_error(label, exc) from None
                retry += 1
                log.debug("%s: answer broke off (%s); retrying", label, _reason(exc))
                time.sleep(_backoff(retry) * random.uniform(0.5, 1.0))
                if hasattr(data, "seek"):
                    data.seek(0)  # type: ignore[union-attr]
            except requests.RequestException as exc:
                raise self._transport_error(label, exc) from None
        if response.status_code in ok:
            return response
        raise self._error(label, response)

    def _transport_error(self, label: str, exc: requests.RequestException) -> DominoError:
        """The DominoError for a request that got no (complete) answer."""
        if isinstance(exc, requests.exceptions.SSLError):
            return DominoError(
                f"{label}: TLS verification of {self.host} failed ({type(exc).__name__}). "
                "Pass --domino-ca-bundle with your CA's certificate."
            )
        if isinstance(exc, requests.exceptions.ReadTimeout):
            # no answer in time: the server may still act on the request
            return DominoTimeout(
                f"{label}: Domino at {self.host} did not answer within "
                f"{self.timeout:g} s (--domino-request-timeout)."
            )
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return DominoTransientError(
                f"{label}: Domino's answer broke off ({_reason(exc)}); retried until "
                "--domino-retry-budget ran out."
            )
        if isinstance(exc, requests.ConnectionError | requests.Timeout):
            return DominoTransientError(
                f"{label}: cannot reach Domino at {self.host} ({_reason(exc)}). "
                "Check --domino-url / $DOMINO_API_HOST and your network."
            )
        return DominoError(f"{label}: {type(exc).__name__}: {_reason(exc)}")

    def _error(self, label: str, response: requests.Response) -> DominoError:
        status = response.status_code
        detail = _domino_message(response)
        if status in (401, 403):
            return DominoAuthError(
                f"{label}: Domino refused the credentials ({status}: {detail}). "
                f"The client used {self.credentials.describe()}; check "
                "--domino-api-key / $DOMINO_USER_API_KEY or the token file.",
                status,
            )
        if status == 404:
            return DominoNotFound(f"{label}: not found (404: {detail})", status)
        if status in TRANSIENT_STATUS:
            return DominoTransientError(
                f"{label}: Domino kept answering {status} ({detail}) through the retry "
                "budget; try again later or raise --domino-retry-budget.",
                status,
            )
        return DominoError(f"{label}: Domino answered {status}: {detail}", status)

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise DominoError(
                f"{kwargs.get('what') or path}: {self.host} answered with something that is "
                f"not JSON (Content-Type {response.headers.get('Content-Type', '?')}). "
                "Is --domino-url really a Domino deployment?"
            ) from None

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
            response = self._request("GET", "/version", what="Domino version check", probe=True)
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
        return str(body["version"])

    @property
    def project(self) -> Project:
        if self._project is None:
            try:
                body = self._json(
                    "GET",
                    "/v4/gateway/projects/findProjectByOwnerAndName",
                    params={"ownerName": self.owner, "projectName": self.project_name},
                    what=f"find project {self.owner}/{self.project_name}",
                )
            except DominoNotFound:
                raise DominoNotFound(
                    f"Domino project {self.owner}/{self.project_name} does not exist at "
                    f"{self.host} (or you cannot see it). Check --domino-project OWNER/NAME.",
                    404,
                ) from None
            self._project = Project(
                id=body["id"],
                owner=body.get("ownerUsername", self.owner),
                name=body.get("name", self.project_name),
            )
        return self._project

    @property
    def project_id(self) -> str:
        return self.project.id

    def _v1(self, suffix: str) -> str:
        return f"/v1/projects/{quote(self.owner)}/{quote(self.project_name)}{suffix}"

    def hardware_tiers(self) -> list[HardwareTier]:
        body = self._json(
            "GET", f"/v4/projects/{self.project_id}/hardwareTiers", what="list hardware tiers"
        )
        tiers = []
        for item in body:
            tier = item.get("hardwareTier", item)
            resources = tier.get("hwtResources") or {}
            memory = resources.get("memory") or {}
            tiers.append(
                HardwareTier(
                    id=tier["id"],
                    name=tier.get("name", tier["id"]),
                    is_default=bool(tier.get("isDefault", item.get("isDefault", False))),
                    cores=resources.get("cores"),
                    memory_gib=memory.get("value"),
                )
            )
        return tiers

    # ---------------------------------------------------------------- files
    def head_commit_id(self) -> str | None:
        commits = self._json("GET", self._v1("/commits"), what="list commits")
        return commits[0]["id"] if commits else None

    def list_files(self, commit_id: str, directory: str = "") -> list[FileEntry]:
        """The direct children of `directory` at `commit_id`; [] if it does not exist."""
        path = quote(directory.strip("/"))
        try:
            body = self._json(
                "GET",
                self._v1(f"/files/{commit_id}/{path}"),
                what=f"list files in {directory or '/'} at commit {commit_id[:12]}",
            )
        except DominoNotFound:
            return []
        return [
            FileEntry(
                path=item["path"].lstrip("/"),
                size=int(item.get("size") or 0),
                key=item.get("key"),
                last_modified=item.get("lastModified"),
                is_directory=bool(item.get("isDirectory", False)),
            )
            for item in body.get("data", [])
        ]

    def walk_files(self, commit_id: str, directory: str = "") -> Iterator[FileEntry]:
        """Every file (not directory) under `directory` at `commit_id`, recursively."""
        for entry in self.list_files(commit_id, directory):
            if entry.is_directory:
                yield from self.walk_files(commit_id, entry.path)
            else:
                yield entry

    def upload_file(self, project_path: str, local_path: Path) -> str | None:
        """Upload one file (streamed); returns the new commit id when Domino reports it."""
        with open(local_path, "rb") as body:
            response = self._request(
                "PUT",
                self._v1("/" + quote(project_path.lstrip("/"))),
                data=body,
                headers={"Content-Type": "application/octet-stream"},
                what=f"upload {project_path}",
            )
        try:
            return response.json().get("commitId")
        except ValueError:
            return None

    def download_file(
        self,
        commit_id: str,
        project_path: str,
        target: Path,
        *,
        expected_size: int | None = None,
        expected_key: str | None = None,
        attempts: int = 4,
    ) -> int:
        """Stream a file to a temp file beside `target`, verify it, rename atomically.

        A broken or short transfer is retried from the start; nothing but a verified file
        ever appears at `target`. Returns the number of bytes written.
        """
        target.parent.mkdir(parents=True, exist_ok=True)
        # temp files of a download that a killed earlier run left behind
        for stale in target.parent.glob(f".{glob_escape(target.name)}.*.part"):
            stale.unlink(missing_ok=True)
        for attempt in range(1, attempts + 1):
            try:
                return self._download_once(
                    commit_id, project_path, target, expected_size, expected_key
                )
            except (DominoTransientError, IntegrityError) as exc:
                if attempt == attempts:
                    raise
                log.debug("retrying download of %s: %s", project_path, exc)
                time.sleep(min(8.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.0))
        raise AssertionError("unreachable")

    def _download_once(
        self,
        commit_id: str,
        project_path: str,
        target: Path,
        expected_size: int | None,
        expected_key: str | None,
    ) -> int:
        label = f"download {project_path} from commit {commit_id[:12]}"
        response = self._request(
            "GET",
            f"/api/projects/v1/projects/{self.project_id}/files/{commit_id}/"
            f"{quote(project_path.lstrip('/'))}/content",
            stream=True,
            what=label,
        )
        announced = response.headers.get("Content-Length")
        digest = hashlib.sha1()
        written = 0
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        try:
            with response, os.fdopen(fd, "wb") as out:
                try:
                    for chunk in response.iter_content(DOWNLOAD_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                    raise DominoTransientError(
                        f"{label}: transfer broke ({_reason(exc)})"
                    ) from None
            for name, want in (("announced", announced), ("listed", expected_size)):
                if want is not None and int(want) != written:
                    raise IntegrityError(
                        f"{label}: got {written} bytes but Domino {name} {want}; not using it."
                    )
            if expected_key and len(expected_key) == 40 and digest.hexdigest() != expected_key:
                raise IntegrityError(
                    f"{label}: content hash differs from Domino's key {expected_key}"
                )
            os.replace(tmp_name, target)
            return written
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    # ---------------------------------------------------------------- jobs
    def start_job(
        self,
        command: str,
        *,
        title: str,
        commit_id: str | None = None,
        tier_id: str | None = None,
        environment_id: str | None = None,
    ) -> Job:
        """Start a job, never twice: after an ambiguous failure, look for it by its title.

        `title` must be unique to this submission; it is how a start that reached Domino
        but whose answer was lost is found again.
        """
        payload = {
            "projectId": self.project_id,
            "commandToRun": command,
            "commitId": commit_id,
            "overrideHardwareTierId": tier_id,
            "environmentId": environment_id,
            "title": title,
        }
        deadline = time.monotonic() + self.retry_budget
        delay = 1.0
        while True:
            try:
                body = self._json(
                    "POST", "/v4/jobs/start", json=payload, what=f"start job '{title}'"
                )
                return parse_job(body)
            except DominoError as exc:
                if not is_transient(exc):
                    raise
                # 429 means "not processed"; anything else may have started the job.
                if exc.status != 429:
                    existing = self._find_started(title, exc)
                    if existing is not None:
                        return existing
                if time.monotonic() > deadline:
                    raise
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 30.0)

    def _find_started(self, title: str, failure: DominoError) -> Job | None:
        """The job a start that failed ambiguously created, if it did.

        A start that timed out may still be on its way inside Domino, so it is looked for
        a while (the request timeout, at least 5 s) before the caller starts it again.
        """
        patience = max(self.timeout, 5.0) if isinstance(failure, DominoTimeout) else 0.0
        until = time.monotonic() + patience
        while True:
            existing = self.find_job_by_title(title)
            if existing is not None or time.monotonic() >= until:
                return existing
            time.sleep(0.5)

    def find_job_by_title(self, title: str, scan: int = 200) -> Job | None:
        jobs, _ = self.list_jobs(page_size=scan)
        return next((job for job in jobs if job.title == title), None)

    def get_job(self, job_id: str) -> Job:
        return parse_job(self._json("GET", f"/v4/jobs/{quote(job_id)}", what=f"job {job_id}"))

    def list_jobs(
        self, *, page_size: int = 50, page_no: int = 1, status: str = "all"
    ) -> tuple[list[Job], int]:
        """One page of the project's jobs, newest first, and the total count."""
        body = self._json(
            "GET",
            "/v4/jobs",
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
        jobs = [parse_job(item) for item in body.get("jobs", [])]
        return jobs, int(body.get("totalCount", len(jobs)))

    def stop_job(self, job_id: str, *, commit_results: bool = False) -> None:
        payload = {"projectId": self.project_id, "jobId": job_id, "commitResults": commit_results}
        deadline = time.monotonic() + min(self.retry_budget, 30.0)
        while True:
            try:
                self._request("POST", "/v4/jobs/stop", json=payload, what=f"stop job {job_id}")
                return
            except DominoError as exc:
                if not is_transient(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(1.0)

    def job_log(self, job_id: str) -> str:
        """The job's output (setup log, then stdout), as the official client's get_run_log."""
        body = self._json(
            "GET", self._v1(f"/run/{quote(job_id)}/stdout"), what=f"log of job {job_id}"
        )
        parts = [body.get("setup") or "", body.get("stdout") or ""]
        return "\n".join(part for part in parts if part)

    def job_url(self, job_id: str) -> str:
        """The job's page in Domino's web UI."""
        return f"{self.host}/jobs/{quote(self.owner)}/{quote(self.project_name)}/{quote(job_id)}"

    # ---------------------------------------------------------------- scheduled jobs
    # Domino's /v4/projects/{projectId}/scheduledjobs, with the fields python-domino's
    # scheduled_job_* calls send. `/run` and `/runs` are local-Domino extras: on a real Domino
    # they are 404, and these methods return None so callers can fall back.
    def current_user_id(self) -> str:
        """Who we are: Domino wants it as a scheduled job's scheduledByUserId."""
        body = self._json("GET", "/v4/users/self", what="look up the current user")
        return str(body["id"])

    def _scheduled(self, schedule_id: str | None = None) -> str:
        base = f"/v4/projects/{self.project_id}/scheduledjobs"
        return base if schedule_id is None else f"{base}/{quote(schedule_id)}"

    def list_scheduled_jobs(self) -> list[ScheduledJob]:
        body = self._json("GET", self._scheduled(), what="list scheduled jobs")
        items = body if isinstance(body, list) else body.get("scheduledJobs") or []
        return [parse_scheduled_job(item) for item in items]

    def get_scheduled_job(self, schedule_id: str) -> ScheduledJob:
        try:
            body = self._json(
                "GET", self._scheduled(schedule_id), what=f"scheduled job {schedule_id}"
            )
        except DominoNotFound:
            raise DominoNotFound(
                f"scheduled job {schedule_id} does not exist in project "
                f"{self.owner}/{self.project_name}.",
                404,
            ) from None
        return parse_scheduled_job(body)

    def create_scheduled_job(self, spec: ScheduleSpec) -> ScheduledJob:
        # a POST is never repeated blindly (see _retry_policy): a lost answer could mean
        # the schedule exists, and a second one would fire every job twice
        payload = spec.payload(self.current_user_id())
        body = self._json(
            "POST", self._scheduled(), json=payload, what=f"create scheduled job '{spec.title}'"
        )
        return parse_scheduled_job(body)

    def set_scheduled_job_paused(self, schedule_id: str, paused: bool) -> ScheduledJob:
        """Domino's PUT replaces every setting, so send back what it holds with isPaused set."""
        current = self.get_scheduled_job(schedule_id)
        payload = {**update_payload(current.raw), "isPaused": paused}
        body = self._json(
            "PUT",
            self._scheduled(schedule_id),
            json=payload,
            what=f"{'pause' if paused else 'resume'} scheduled job {schedule_id}",
        )
        return parse_scheduled_job(body)

    def delete_scheduled_job(self, schedule_id: str) -> None:
        self.get_scheduled_job(schedule_id)  # an unknown id says so, not "404"
        self._request(
            "DELETE", self._scheduled(schedule_id), what=f"delete scheduled job {schedule_id}"
        )

    def run_scheduled_job(self, schedule_id: str) -> Job | None:
        """Fire now (local-Domino route); None where the Domino has no such route."""
        self.get_scheduled_job(schedule_id)
        try:
            body = self._json(
                "POST",
                self._scheduled(schedule_id) + "/run",
                what=f"fire scheduled job {schedule_id}",
            )
        except DominoNotFound:
            return None
        return parse_job(body)

    def scheduled_job_runs(self, schedule_id: str, limit: int = 20) -> list[ScheduledRun] | None:
        """The schedule's fires, newest first (local-Domino route); None where unsupported."""
        try:
            body = self._json(
                "GET",
                self._scheduled(schedule_id) + "/runs",
                params={"limit": limit},
                what=f"fires of scheduled job {schedule_id}",
            )
        except DominoNotFound:
            self.get_scheduled_job(schedule_id)  # an unknown id is an error, not "unsupported"
            return None
        return [parse_scheduled_run(item) for item in body.get("runs", [])]

    def job_log_parts(self, job_id: str) -> tuple[str, str]:
        """The job's setup log and its output, apart: a follower prints the output's new
        part, which it cannot find in `job_log` once the setup log grows in front of it."""
        body = self._json(
            "GET", self._v1(f"/run/{quote(job_id)}/stdout"), what=f"log of job {job_id}"
        )
        return body.get("setup") or "", body.get("stdout") or ""


def parse_job(body: dict[str, Any]) -> Job:
    statuses = body.get("statuses") or {}
    commits = body.get("commitDetails") or {}
    stage = body.get("stageTime") or {}
    tier = body.get("hardwareTier") or {}
    status = statuses.get("executionStatus") or body.get("status") or "Unknown"
    return Job(
        id=body["id"],
        number=body.get("number"),
        title=body.get("title") or "",
        command=body.get("jobRunCommand") or body.get("commandToRun") or "",
        status=status,
        is_completed=bool(statuses.get("isCompleted", status in TERMINAL_STATES)),
        input_commit_id=commits.get("inputCommitId"),
        output_commit_id=commits.get("outputCommitId"),
        tier_id=tier.get("id") or body.get("hardwareTierId"),
        tier_name=tier.get("name"),
        submitted_ms=stage.get("submissionTime"),
        started_ms=stage.get("runStartTime"),
        completed_ms=stage.get("completedTime"),
        raw=body,
    )


def sha1_of_file(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _session(verify: bool | str, retry_budget: float) -> requests.Session:
    session = requests.Session()
    session.verify = verify
    session.headers["User-Agent"] = "snakemake-executor-plugin-domino"
    adapter = HTTPAdapter(max_retries=_retry_policy(retry_budget), pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _exhausted(exc: requests.RequestException) -> bool:
    """True if urllib3 already spent its retries on this failure."""
    return any(isinstance(arg, MaxRetryError) for arg in exc.args)


def _rewindable(data: object) -> bool:
    return data is None or isinstance(data, bytes) or hasattr(data, "seek")


def is_transient(exc: DominoError) -> bool:
    """Worth trying again later: connection trouble, timeouts, 429 and 5xx."""
    return isinstance(exc, DominoTransientError) or exc.status in TRANSIENT_STATUS


def _domino_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip().replace("\n", " ")
        return text[:200] or response.reason or "no message"
    if isinstance(body, dict):
        for key in ("message", "detail", "error", "errors"):
            if body.get(key):
                return str(body[key])[:500]
    return str(body)[:200]


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, e.g. "[Errno 111] Connection refused".

    The wrappers' own words ("Max retries exceeded with url: ...") say nothing the caller's
    message does not, and object reprs say nothing at all.
    """
    inner: BaseException = exc
    for _ in range(6):
        reason = getattr(inner, "reason", None)
        nested = [a for a in getattr(inner, "args", ()) if isinstance(a, BaseException)]
        deeper = reason if isinstance(reason, BaseException) else (nested[0] if nested else None)
        if deeper is None or deeper is inner:
            break
        inner = deeper
    text = str(inner)
    # object reprs and "HTTPConnection(host=..., port=...): " repeat what the caller says
    text = re.sub(r"<[^<>]*object at 0x[0-9a-f]+>:?\s*", "", text)
    text = re.sub(r"^\w*Connection(Pool)?\([^()]*\):\s*", "", text).strip(" :")
    return text[:200] or type(inner).__name__


# ---------------------------------------------------------------- scheduled jobs
# What Domino's scheduled-job PUT takes (python-domino's scheduled_job_update); the other
# fields of a GET answer (id, created, names, local extras) are read-only.
_SCHEDULE_WRITABLE = (
    "title", "command", "schedule", "timezoneId", "isPaused", "allowConcurrentExecution",
    "hardwareTierIdentifier", "environmentRevisionSpec", "scheduledByUserId",
    "notifyOnCompleteEmailAddresses", "publishModelId", "capacityType",
    "overrideEnvironmentId", "externalVolumeMounts", "computeClusterProperties",
    "mainRepoGitRef",
)


@dataclass(frozen=True)
class ScheduleSpec:
    """The settings of a new scheduled job; `cron` is Quartz cron (schedules.py makes it)."""

    title: str
    command: str
    cron: str
    timezone: str = "UTC"
    tier_id: str | None = None
    environment_id: str | None = None
    paused: bool = False
    concurrent: bool = False
    notify: tuple[str, ...] = ()

    def payload(self, user_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": self.title,
            "command": self.command,
            "schedule": {"cronString": self.cron, "isCustom": True},
            "timezoneId": self.timezone,
            "isPaused": self.paused,
            "allowConcurrentExecution": self.concurrent,
            "hardwareTierIdentifier": self.tier_id,
            "environmentRevisionSpec": "ActiveRevision",
            "scheduledByUserId": user_id,
            "notifyOnCompleteEmailAddresses": list(self.notify),
        }
        if self.environment_id:
            body["overrideEnvironmentId"] = self.environment_id
        return body


@dataclass(frozen=True)
class ScheduledRun:
    """A job a schedule started (or, from the fire history, a skipped or missed fire)."""

    job_id: str | None
    job_number: int | None
    status: str | None
    output_commit_id: str | None
    fire_ms: int | None = None
    outcome: str = "started"
    manual: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    title: str
    command: str
    cron: str
    timezone: str
    is_paused: bool
    allow_concurrent: bool
    tier_id: str | None
    tier_name: str | None
    environment_id: str | None
    notify: tuple[str, ...]
    scheduled_by: str | None
    next_fire_ms: int | None
    last_run: ScheduledRun | None
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


def parse_scheduled_job(body: dict[str, Any]) -> ScheduledJob:
    schedule = body.get("schedule") or {}
    last = body.get("lastRun")
    return ScheduledJob(
        id=str(body["id"]),
        title=body.get("title") or "",
        command=body.get("command") or "",
        cron=schedule.get("cronString") or "",
        timezone=body.get("timezoneId") or "UTC",
        is_paused=bool(body.get("isPaused", False)),
        allow_concurrent=bool(body.get("allowConcurrentExecution", False)),
        tier_id=body.get("hardwareTierIdentifier"),
        tier_name=body.get("hardwareTierName"),
        environment_id=body.get("overrideEnvironmentId"),
        notify=tuple(body.get("notifyOnCompleteEmailAddresses") or ()),
        scheduled_by=body.get("scheduledByUserName") or body.get("scheduledByUserId"),
        next_fire_ms=_epoch_ms(body.get("nextScheduledTime")),
        last_run=_job_summary(last) if isinstance(last, dict) else None,
        raw=body,
    )


def parse_scheduled_run(body: dict[str, Any]) -> ScheduledRun:
    job = body.get("job") or {}
    summary = _job_summary(job) if job else ScheduledRun(None, None, None, None)
    return ScheduledRun(
        job_id=summary.job_id,
        job_number=summary.job_number,
        status=summary.status,
        output_commit_id=summary.output_commit_id,
        fire_ms=_epoch_ms(body.get("fireTime")),
        outcome=body.get("outcome") or "started",
        manual=bool(body.get("manual", False)),
        reason=body.get("reason"),
    )


def update_payload(raw: dict[str, Any]) -> dict[str, Any]:
    """A scheduled job's GET answer as the body of its PUT (all settings, kept as they are)."""
    payload = {key: raw[key] for key in _SCHEDULE_WRITABLE if key in raw}
    data = raw.get("dataConfig") or {}
    for key in ("snapshotDatasetsOnCompletion", "snapshotNetAppVolumesOnCompletion"):
        if key in data:
            payload[key] = data[key]
    return payload


def _job_summary(body: dict[str, Any]) -> ScheduledRun:
    return ScheduledRun(
        job_id=body.get("jobId"),
        job_number=body.get("jobNumber"),
        status=body.get("status"),
        output_commit_id=body.get("outputCommitId"),
    )


def _epoch_ms(value: Any) -> int | None:
    """Milliseconds since the epoch from Domino's timestamps (a number or ISO 8601)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    try:
        return int(datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None
