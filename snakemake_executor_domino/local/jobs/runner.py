"""Runs jobs for real: tier slots, the job lifecycle, stopping, and recovery after a restart.

Lifecycle: Queued -> Pending -> Preparing (materialize the input commit into runs/<jobId>/)
-> Running (`bash -c`, own session, output to the job's log) -> Finishing (changed files
become the output commit on top of the project's current head) -> Succeeded / Failed, or
Error when the platform itself fails, or Stopped.

Slots: a started job occupies one slot of its tier, except while it has child jobs (jobs it
started with its per-job token) that are not complete. An orchestrator job waiting for its
children on the same tier would otherwise deadlock a tier with cap 1. Occupancy is recomputed
on every scheduling pass, so a parent whose children are done counts again at once, without
waiting for a free slot (it is running already, and it cannot be paused).

Isolation (isolation.py): chosen once at start. An isolated job sees its directory at /mnt
and nothing of this machine but the compute environment; otherwise it runs in runs/<jobId>/
with everything visible, and the start-up log line says why and how to change that.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from snakemake_executor_domino.local.config import ServerConfig, Tier
from snakemake_executor_domino.local.jobs import memory, process, usage
from snakemake_executor_domino.local.jobs.dataset_mounts import dataset_view
from snakemake_executor_domino.local.jobs.isolation import Isolation, choose, resolve_mode
from snakemake_executor_domino.local.jobs.jobenv import job_environment
from snakemake_executor_domino.local.jobs.joblog import JobLogs
from snakemake_executor_domino.local.jobs.workspace import (
    commit_outputs,
    materialize,
)
from snakemake_executor_domino.local.store.blobs import BlobStore
from snakemake_executor_domino.local.store.database import Store
from snakemake_executor_domino.local.store.rows import ACTIVE_STATUSES, Job, now_ms

SCHEDULER_TICK_SECONDS = 0.5
log = logging.getLogger(__name__)


@dataclass
class StopRequest:
    commit_results: bool
    reason: str


@dataclass
class _Active:
    tier_id: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    proc: subprocess.Popen[bytes] | None = None
    stop: StopRequest | None = None
    thread: threading.Thread | None = None
    isolated: bool = False
    user_id: str = ""
    # set with `stop`: ends a start-latency wait at once
    stopped: threading.Event = field(default_factory=threading.Event)
    start_delay: float = 0.0


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Runner:
    def __init__(
        self, config: ServerConfig, store: Store, blobs: BlobStore, api_key: str
    ) -> None:
        self.config = config
        self.store = store
        self.blobs = blobs
        self.logs = JobLogs(config.logs_dir)
        self._api_key = api_key
        self._lock = threading.Lock()
        self._admission = threading.Lock()  # a start's queue-limit check and its record
        self._wake = threading.Condition(self._lock)
        self._active: dict[str, _Active] = {}
        self._closing = False
        self._scheduler: threading.Thread | None = None
        self.isolation: Isolation | None = None
        for d in (config.runs_dir, config.tokens_dir):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(config.tokens_dir, 0o700)

    # -- lifecycle of the runner itself ----------------------------------------------------

    def start(self) -> None:
        self.isolation = choose(resolve_mode(self.config.job_isolation))
        if self.isolation.isolated or self.isolation.mode == "none":
            log.info("local Domino: %s", self.isolation.summary)
        else:
            log.warning("local Domino: %s", self.isolation.summary)
        self._recover()
        self._scheduler = threading.Thread(
            target=self._schedule_loop, name="local-domino-scheduler", daemon=True
        )
        self._scheduler.start()

    def shutdown(self) -> None:
        with self._lock:
            self._closing = True
            active = dict(self._active)
            self._wake.notify_all()
        for job in self.store.jobs_with_status(("Queued",)):
            self._finish_unstarted(
                job.id, "Stopped", "the server shut down before this job started"
            )
        for job_id in active:
            self.stop_job(job_id, commit_results=False, reason="the server shut down")
        for entry in active.values():
            if entry.thread is not None:
                entry.thread.join(timeout=self.config.stop_grace_seconds + 10)
        if self._scheduler is not None:
            self._scheduler.join(timeout=5)

    def _recover(self) -> None:
        """End jobs a previous server process left unfinished; nothing waits on them forever."""
        for job in self.store.jobs_with_status(ACTIVE_STATUSES):
            killed = process.kill_orphan(job.pid, job.id)
            note = " (its leftover processes were killed)" if killed else ""
            self.logs.platform(
                job.id,
                f"the local Domino server restarted while this job was {job.status}; "
                f"the job ends as Error{note}. Start it again.",
            )
            self.store.update_job(job.id, status="Error", completed_ms=now_ms())
        # no job is active yet, so whatever is here is debris of a crash
        for directory in (self.config.runs_dir, self.config.tokens_dir):
            for leftover in directory.iterdir():
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)

    # -- requests from the API -------------------------------------------------------------

    def submit(
        self,
        *,
        project_id: str,
        command: str,
        commit_id: str,
        tier: Tier,
        environment_id: str,
        title: str,
        user_id: str,
        username: str,
        parent_job_id: str | None,
        is_scheduled: bool = False,
    ) -> Job:
        # checked and created as one step: concurrent starts must not both see room
        with self._admission:
            refusal = self._refusal(user_id)
            job = self.store.create_job(
                project_id=project_id,
                title=title,
                command=command,
                tier_id=tier.id,
                tier_name=tier.name,
                environment_id=environment_id,
                input_commit_id=commit_id,
                started_by_id=user_id,
                started_by_username=username,
                parent_job_id=parent_job_id,
                is_scheduled=int(is_scheduled),
            )
            if refusal:
                self.store.update_job(job.id, status="Error", completed_ms=now_ms())
                self.logs.platform(job.id, refusal)
                return self.store.get_job(job.id)
        self.logs.setup(job.id, f"queued on hardware tier {tier.describe()}")
        self.wake()
        return job

    def _refusal(self, user_id: str) -> str:
        """Why a new execution of this user is rejected (the queue limit), or ''."""
        limit = self.config.limits.queue_limit
        if limit is None:
            return ""
        waiting = sum(1 for j in self.store.jobs_with_status(("Queued",))
                      if j.started_by_id == user_id)
        if waiting < limit:
            return ""
        return (f"rejected: {waiting} of your executions are already queued, the limit of "
                f"this deployment (userExecutionQueueLimit {limit}); start it again once "
                "executions have ended")

    def stop_job(self, job_id: str, *, commit_results: bool, reason: str = "stop requested") -> Job:
        with self._lock:
            entry = self._active.get(job_id)
            if entry is None:
                # not started (or already over): a Queued job just ends here
                self._finish_unstarted(job_id, "Stopped", f"{reason} before the job started")
                return self.store.get_job(job_id)
            with entry.lock:
                if entry.stop is None:
                    entry.stop = StopRequest(commit_results, reason)
                    entry.stopped.set()
                proc = entry.proc
        if proc is not None:
            process.terminate_in_background(
                proc, self.config.stop_grace_seconds, spare_leader=entry.isolated
            )
        self.wake()
        return self.store.get_job(job_id)

    def job_for_token(self, token: str) -> Job | None:
        job = self.store.job_by_token(token_digest(token))
        return job if job is not None and not job.is_completed else None

    def wake(self) -> None:
        with self._lock:
            self._wake.notify_all()

    # -- scheduling ------------------------------------------------------------------------

    def _schedule_loop(self) -> None:
        while True:
            with self._lock:
                if self._closing:
                    return
                self._wake.wait(timeout=SCHEDULER_TICK_SECONDS)
                if self._closing:
                    return
                try:
                    self._schedule_pass()
                except Exception as exc:  # a bad pass must not end scheduling for good
                    print(f"local-domino: scheduling pass failed: {exc!r}", flush=True)

    def _schedule_pass(self) -> None:
        """Start queued jobs, oldest first, while their tier has a free slot. Holds _lock."""
        queued = self.store.jobs_with_status(("Queued",))
        if not queued:
            return
        counted = [entry for job_id, entry in self._active.items()
                   if self.store.incomplete_children(job_id) == 0]
        busy: Counter[str] = Counter(entry.tier_id for entry in counted)
        # the executions quota counts as the tier caps do: a parent waiting for its children
        # does not hold a place its children need
        per_user: Counter[str] = Counter(entry.user_id for entry in counted)
        quota = self.config.limits.executions_quota
        for job in queued:
            tier = self.config.tier(job.tier_id)
            if tier is None:
                self._finish_unstarted(
                    job.id, "Error", f"hardware tier {job.tier_id} is no longer configured"
                )
                continue
            if busy[tier.id] >= tier.max_concurrent:
                continue
            if quota is not None and per_user[job.started_by_id] >= quota:
                continue
            if not self.store.update_job(job.id, only_if_status=("Queued",), status="Pending"):
                continue  # stopped meanwhile
            busy[tier.id] += 1
            per_user[job.started_by_id] += 1
            entry = _Active(tier.id, user_id=job.started_by_id,
                            start_delay=self.config.limits.start_delay())
            if entry.start_delay:
                # logged as the job turns Pending, so a reader who sees Pending sees why
                self.logs.setup(job.id, f"starting the execution's pod ({entry.start_delay:.1f} s)")
            self._active[job.id] = entry
            entry.thread = threading.Thread(
                target=self._run_job, args=(job.id, tier), name=f"job-{job.id}", daemon=True
            )
            entry.thread.start()

    def _finish_unstarted(self, job_id: str, status: str, message: str) -> None:
        if self.store.update_job(
            job_id, only_if_status=("Queued",), status=status, completed_ms=now_ms()
        ):
            self.logs.platform(job_id, message)

    # -- one job ---------------------------------------------------------------------------

    def _run_job(self, job_id: str, tier: Tier) -> None:
        entry = self._active[job_id]
        workdir = self.config.runs_dir / job_id
        status, output_commit, exit_code = "Error", None, None
        try:
            status, output_commit, exit_code = self._execute(job_id, tier, entry, workdir)
        except Exception as exc:
            self.logs.platform(job_id, f"the platform failed to run this job: {exc!r}")
        finally:
            if entry.proc is not None:
                # background processes the command left behind end with the job
                process.kill_group(entry.proc.pid)
            self.store.update_job(
                job_id,
                status=status,
                output_commit_id=output_commit,
                exit_code=exit_code,
                completed_ms=now_ms(),
            )
            self.logs.setup(job_id, f"job ended: {status}")
            self._cleanup_files(job_id)
            with self._lock:
                self._active.pop(job_id, None)
                self._wake.notify_all()

    def _execute(
        self, job_id: str, tier: Tier, entry: _Active, workdir: Path
    ) -> tuple[str, str | None, int | None]:
        job = self.store.get_job(job_id)
        project = self.store.get_project(job.project_id)
        if entry.start_delay and entry.stopped.wait(entry.start_delay):
            return "Stopped", None, None
        self.store.update_job(job_id, status="Preparing")
        self.logs.setup(job_id, f"preparing files of commit {job.input_commit_id}")
        if workdir.exists():
            shutil.rmtree(workdir)
        input_files = self.store.files(job.input_commit_id)
        materialize(input_files, self.blobs, workdir)
        token = secrets.token_urlsafe(32)
        token_file = self._write_token(job_id, token)
        self.store.update_job(job_id, token_sha256=token_digest(token))
        assert self.isolation is not None, "Runner.start() chooses the isolation"
        # an environment no longer configured runs in the default one (as it started)
        environment = self.config.environment(job.environment_id) or (
            self.config.default_environment
        )
        mounts, dataset_env = dataset_view(self.store, self.config, project.id, self.isolation)
        view = self.isolation.view(workdir, token_file, environment.host_paths(), mounts)
        env = dataset_env | job_environment(
            api_host=self.config.public_url,
            project=project,
            job=job,
            tier=tier,
            api_key=self._api_key,
            token_file=view.token_file,
            workdir=view.job_dir,
            home=view.home,
            environment=environment,
        )
        with entry.lock:
            if entry.stop is not None:
                self.logs.platform(job_id, f"{entry.stop.reason} before the command started")
                return "Stopped", None, None
            entry.isolated = view.isolated
            entry.proc = process.spawn(
                job.command,
                cwd=workdir,
                env=env,
                log_path=self.logs.output_path(job_id),
                memory_limit=memory.backstop(tier.memory_limit_bytes),
                wrap=view.command,
            )
        self.store.update_job(job_id, status="Running", started_ms=now_ms(), pid=entry.proc.pid)
        where = f"isolated, its files at {view.job_dir}" if view.isolated else "not isolated"
        self.logs.setup(job_id, f"running ({where}): {job.command}")
        meter = usage.Meter()  # what the job used, seen through the watchdog's eyes
        exit_code, _ = memory.wait_within(
            entry.proc, tier.memory_limit_bytes,
            lambda used: self.logs.out_of_memory(job_id, used, tier.memory_gib),
            usage=meter.sample,
        )
        meter.record(self.store, job_id)
        process.kill_group(entry.proc.pid)  # stragglers must not write during the commit

        stop = entry.stop
        if stop is not None:
            self.logs.platform(job_id, f"{stop.reason}; job stopped")
            status = "Stopped"
        else:
            status = "Succeeded" if exit_code == 0 else "Failed"
            if exit_code != 0:
                self.logs.setup(job_id, f"command exited with status {exit_code}")
        if stop is not None and not stop.commit_results:
            return status, None, exit_code
        self.store.update_job(job_id, status="Finishing")
        output = commit_outputs(self.store, self.blobs, job, workdir, input_files,
                                lambda m: self.logs.setup(job.id, m))
        return status, output, exit_code

    def _write_token(self, job_id: str, token: str) -> Path:
        path = self.config.tokens_dir / job_id
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(token)
        return path

    def _cleanup_files(self, job_id: str) -> None:
        shutil.rmtree(self.config.runs_dir / job_id, ignore_errors=True)
        (self.config.tokens_dir / job_id).unlink(missing_ok=True)
