"""The Snakemake executor: a thin conductor over the domino client package and transfer.py.

One Snakemake job (or group job) becomes one Domino job: its inputs are pushed into the
project, the job starts at the commit that holds them with Snakemake's own job command on
the rule's hardware tier, and when it succeeds its declared outputs and logs are pulled back
from the job's output commit.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import AsyncGenerator
from pathlib import Path

from snakemake_interface_common.exceptions import WorkflowError
from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo
from snakemake_interface_executor_plugins.executors.remote import RemoteExecutor
from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.connection import ConfigurationError, connect
from snakemake_executor_domino.domino import (
    DominoClient,
    DominoError,
    DominoNotFound,
    Job,
    is_transient,
)
from snakemake_executor_domino.jobs import (
    describe_job,
    job_title,
    output_paths,
    run_marker,
    save_job_log,
    tail,
)
from snakemake_executor_domino.journal import Journal, job_key
from snakemake_executor_domino.polling import JobPoller
from snakemake_executor_domino.sources import ensure_dominoignore, workflow_sources
from snakemake_executor_domino.tiers import TierResolver, requested_tier
from snakemake_executor_domino.tiers import describe as describe_tier
from snakemake_executor_domino.transfer import FileHasher, Transfer, TransferError

LOCAL_POLL_SECONDS = 1.0
REMOTE_POLL_SECONDS = 5.0
# Ctrl-C / SIGTERM: seconds all stop requests together may take, and each call's retry
# budget meanwhile (the full budget would keep an interrupted run waiting for minutes when
# Domino is unreachable).
CANCEL_SECONDS = 60
CANCEL_RETRY_BUDGET = 10.0
# Polling cycles in which pulling back a succeeded job's outputs may fail transiently
# (each after the client's own retries) before the job is reported failed.
MAX_PULL_CYCLES = 5


class Executor(RemoteExecutor):
    def __post_init__(self) -> None:
        settings = self.workflow.executor_settings
        self.workdir = Path.cwd()
        self.run_id = uuid.uuid4().hex[:8]
        try:
            self.connection = connect(
                url=settings.url,
                project=settings.project,
                api_key=settings.api_key,
                token_file=settings.token_file,
                api_proxy=settings.api_proxy,
                verify=settings.ca_bundle or not settings.no_verify_tls,
                timeout=settings.request_timeout,
                retry_budget=settings.retry_budget,
                local_root=Path(settings.local_root) if settings.local_root else None,
                workdir=self.workdir,
            )
        except ConfigurationError as exc:
            raise WorkflowError(str(exc)) from None
        self.client = self.connection.client
        embedded = self.connection.embedded
        try:
            self._announce(embedded)
            self.tiers = TierResolver(
                self.client.hardware_tiers(),
                settings.default_tier,
                self.client.project.default_tier_id,
            )
            self._check_tiers()
            self.transfer = Transfer(
                self.client,
                self.workdir,
                max_file_size=settings.max_file_size,
                hasher=FileHasher(),
            )
            self._check_files()
            self._push_sources()
        except (DominoError, TransferError) as exc:
            self.connection.close()
            raise WorkflowError(str(exc)) from None
        except WorkflowError:
            self.connection.close()
            raise
        self.poller = JobPoller(self.client)
        self.journal = Journal(self.workdir, self.client.project_id, not settings.no_reattach)
        # Every Domino job this run started, by id; cancel_jobs stops them from here
        # because Snakemake's own active list misses jobs that are being checked.
        self.submitted: dict[str, SubmittedJobInfo] = {}
        self._pull_failures: dict[str, int] = {}
        self._pulled_keys: list[str | None] = []
        self.next_seconds_between_status_checks = settings.poll_interval or (
            LOCAL_POLL_SECONDS if embedded else REMOTE_POLL_SECONDS
        )
        _treat_sigterm_as_interrupt()

    # ---------------------------------------------------------------- setup
    def _announce(self, embedded) -> None:
        client = self.client
        if embedded is not None:
            self.logger.info(
                f"Domino executor: no Domino configured, started the embedded local Domino "
                f"at {client.host} (state in {embedded.root}); project "
                f"{client.owner}/{client.project_name}."
            )
            if getattr(embedded, "fault_spec", None) is not None:
                # $SNAKEMAKE_DOMINO_LOCAL_FAULTS reached the embedded Domino: say so loudly
                self.logger.warning(
                    "Domino executor: fault injection is ON in the embedded local Domino "
                    f"({embedded.fault_spec.describe()})."
                )
        version = client.version()
        project = client.project
        if embedded is None:
            self.logger.info(
                f"Domino executor: Domino {version} at {client.host}, project "
                f"{project.owner}/{project.name}."
            )

    def _check_tiers(self) -> None:
        """Fail before any job starts if a rule names a tier the project lacks."""
        problems = []
        for job in self.workflow.dag.needrun_jobs():
            try:
                self.tiers.resolve(requested_tier(job))
            except ConfigurationError as exc:
                problems.append(f"rule {job.rule.name}: {exc}")
        if problems:
            unique = sorted(set(problems))
            raise WorkflowError(
                "Unknown Domino hardware tier; no job was started.\n" + "\n".join(unique)
            )

    def _check_files(self) -> None:
        """Fail before any job starts if a job's file lies outside the working directory
        (it could be neither pushed nor pulled back) or an input is over the size limit."""
        problems = []
        for job in self.workflow.dag.needrun_jobs():
            outputs, logs = output_paths(job)
            for path in [*_local_inputs(job), *outputs, *logs]:
                try:
                    self.transfer.check_path(path)
                except TransferError as exc:
                    problems.append(f"rule {job.rule.name}: {exc}")
        if problems:
            unique = sorted(set(problems))
            raise WorkflowError(
                "A job's files cannot be moved to or from Domino; no job was started.\n"
                + "\n".join(unique)
            )

    def _push_sources(self) -> None:
        ignore_changed = ensure_dominoignore(self.workdir)
        sources = workflow_sources(self.workflow, self.workdir)
        if ignore_changed:
            sources.append(".dominoignore")
        result = self.transfer.push(sources)
        if result.uploaded:
            self.logger.info(
                f"Domino executor: pushed {len(result.uploaded)} workflow source file(s) "
                f"({result.bytes_uploaded} bytes) to the project."
            )

    # ---------------------------------------------------------------- submit
    def run_job(self, job: JobExecutorInterface) -> None:
        _treat_sigterm_as_interrupt()  # after Snakemake's scheduler has set its own
        settings = self.workflow.executor_settings
        what = describe_job(job)
        try:
            requested = requested_tier(job)
            tier = self.tiers.resolve(requested)
            inputs = self.transfer.local_files(_local_inputs(job))
            command = self.format_job_exec(job)
            key = job_key(command, tier.id if tier else "", self.transfer.hashes(inputs))
            domino_job = self._reattach(key, what)
            uploads = ""
            if domino_job is None:
                pushed = self.transfer.push(inputs)
                title = job_title(job, self.run_id)
                # recorded before the start: a crash before its answer leaves the title
                self.journal.starting(key, title)
                domino_job = self.client.start_job(
                    command,
                    title=title,
                    commit_id=pushed.commit_id,
                    tier_id=self.tiers.override(requested),
                    environment_id=settings.environment_id,
                )
                self.journal.submitted(key, domino_job.id)
                if pushed.uploaded:
                    uploads = f", uploaded {len(pushed.uploaded)} input file(s)"
        except (DominoError, TransferError, ConfigurationError) as exc:
            self.report_job_error(SubmittedJobInfo(job), msg=f"{what}: {exc}")
            return
        info = SubmittedJobInfo(job, external_jobid=domino_job.id, aux={"key": key})
        self.submitted[domino_job.id] = info
        self.poller.track(domino_job)
        self.logger.info(
            f"{what}: Domino job #{domino_job.number} on {describe_tier(tier)}{uploads}: "
            f"{self.client.job_url(domino_job.id)}"
        )
        self.report_job_submission(info)

    def _reattach(self, key: str, what: str) -> Job | None:
        """The Domino job an interrupted earlier run started for this very job, if usable."""
        job_id = self.journal.lookup(key)
        title = self.journal.intent(key)
        if job_id is None and title is None:
            return None
        job: Job | None
        try:
            if job_id is not None:
                job = self.client.get_job(job_id)
            else:  # the earlier run died before Domino's answer: did the start land?
                job = self.client.find_job_by_title(title or "")
        except DominoNotFound:
            job = None
        if job is None or job.failed:
            self.journal.settled(key)
            return None
        if job_id is None:
            self.journal.submitted(key, job.id)
        self.logger.info(
            f"{what}: reattached to Domino job #{job.number} ({job.status}) started by an "
            "earlier, interrupted run."
        )
        return job

    # ---------------------------------------------------------------- poll
    async def check_active_jobs(
        self, active_jobs: list[SubmittedJobInfo]
    ) -> AsyncGenerator[SubmittedJobInfo, None]:
        # Snakemake polls from before __post_init__ has run: nothing here may assume it
        # has until there are jobs (and an exception here would end polling for good)
        if not active_jobs:
            return
        self._settle_pulled()  # reported a cycle ago: Snakemake has recorded them by now
        try:
            async with self.status_rate_limiter:
                states = self.poller.poll([info.external_jobid for info in active_jobs])
        except Exception as exc:  # a DominoError or a garbled answer: never end polling
            self.logger.warning(f"Domino status check failed, will retry: {exc}")
            for info in active_jobs:
                yield info
            return
        for duplicate in self.poller.duplicates:
            self._stop_duplicate(duplicate)
        for info in active_jobs:
            job = states.get(info.external_jobid)
            if job is None or not job.finished:
                yield info
                continue
            try:
                self._finish(info, job)
            except Exception as exc:  # never let the polling thread die
                if self._retry_finish(info, exc):
                    yield info

    def _finish(self, info: SubmittedJobInfo, job: Job) -> None:
        what = describe_job(info.job)
        url = self.client.job_url(job.id)
        outputs, logs = output_paths(info.job)
        commit = job.output_commit_id
        if job.succeeded:
            if commit is None:
                self._forget(info)
                self.report_job_error(info, msg=f"{what}: Domino job {url} has no output commit.")
                return
            _, missing = self.transfer.pull(commit, outputs)
            self.transfer.pull(commit, logs)
            if missing:
                self._forget(info)
                self.report_job_error(
                    info,
                    msg=f"{what}: Domino job {url} succeeded, but its output commit holds no "
                    f"{', '.join(missing)}. Check that the rule writes these paths and "
                    "that the project's .dominoignore does not exclude them.",
                )
                return
            # Settled a polling cycle later (or at shutdown): until Snakemake has recorded
            # the outputs as complete, a crash makes the rerun redo this job, which should
            # then reattach and pull them again, not run the job again.
            self._forget(info, settle=False)
            self._pulled_keys.append((info.aux or {}).get("key"))
            self.report_job_success(info)
            return
        log_text = self._fetch_log(job)
        log_file = save_job_log(self.workdir, info.job, job, log_text)
        if commit is not None:
            try:
                self.transfer.pull(commit, logs)  # the rule's own log: why it failed
            except (DominoError, TransferError) as exc:
                self.logger.warning(f"{what}: its log files could not be pulled back: {exc}")
        self._forget(info)
        self.report_job_error(
            info,
            msg=f"{what}: Domino job #{job.number} ended {job.status}. {url}\n"
            f"Last lines of its log (all of it in {log_file}):\n{tail(log_text)}",
            aux_logs=[str(log_file)],
        )

    def _settle_pulled(self) -> None:
        pulled, self._pulled_keys = self._pulled_keys, []
        try:
            for key in pulled:
                self.journal.settled(key)
        except OSError as exc:  # a full disk must not end polling; a rerun just reattaches
            self.logger.warning(f"Domino executor: could not write the job journal: {exc}")

    def _stop_duplicate(self, job: Job) -> None:
        """A second Domino job for one Snakemake job (a lost start answer, then a start
        request that reached Domino later than it was looked for): only one may run."""
        try:
            self.client.stop_job(job.id, commit_results=False)
        except DominoError as exc:
            self.logger.warning(f"Domino executor: could not stop duplicate job: {exc}")
            return
        self.logger.warning(
            f"Domino executor: stopped Domino job #{job.number} ('{job.title}'), a second "
            "start of a job that is already running (a start request arrived late)."
        )

    def _retry_finish(self, info: SubmittedJobInfo, exc: Exception) -> bool:
        """After handling a finished job failed: True to try again next cycle, else the
        job is reported failed."""
        what = describe_job(info.job)
        failures = self._pull_failures.get(info.external_jobid, 0) + 1
        self._pull_failures[info.external_jobid] = failures
        if isinstance(exc, DominoError) and is_transient(exc) and failures < MAX_PULL_CYCLES:
            self.logger.warning(f"{what}: {exc}; retrying.")
            return True
        # Left in the journal: a rerun reattaches to the finished Domino job and pulls its
        # outputs again instead of running it again.
        self._forget(info, settle=False)
        url = self.client.job_url(info.external_jobid)
        self.report_job_error(
            info,
            msg=f"{what}: Domino job {url} finished, but its outputs could not be pulled "
            f"back: {exc}\nRun Snakemake again to retry: it reattaches to this Domino job "
            "instead of running it again.",
        )
        return False

    def print_job_error(self, job_info: SubmittedJobInfo, msg=None, **kwargs) -> None:
        # RemoteExecutor glues "For further error details see the cluster/cloud log..."
        # straight onto the message: end ours with a line break so both stay readable.
        super().print_job_error(job_info, f"{msg.rstrip()}\n" if msg else msg, **kwargs)

    def _fetch_log(self, job: Job) -> str:
        try:
            return self.client.job_log(job.id)
        except DominoError as exc:
            return f"(the job's log could not be fetched: {exc})"

    def _forget(self, info: SubmittedJobInfo, *, settle: bool = True) -> None:
        self.submitted.pop(info.external_jobid, None)
        self._pull_failures.pop(info.external_jobid, None)
        self.poller.forget(info.external_jobid)
        if settle:
            self.journal.settled((info.aux or {}).get("key"))

    # ---------------------------------------------------------------- stop
    def cancel_jobs(self, active_jobs: list[SubmittedJobInfo]) -> None:
        ids = list(dict.fromkeys([*self.submitted, *(i.external_jobid for i in active_jobs)]))
        stopped, failed = [], []
        deadline = time.monotonic() + CANCEL_SECONDS
        client = self.client.with_retry_budget(CANCEL_RETRY_BUDGET)
        for job_id in ids:
            if job_id is None:
                continue
            info = self.submitted.get(job_id)
            label = describe_job(info.job) if info else job_id
            if time.monotonic() > deadline:
                failed.append(f"{label} (no time left)")
                continue
            try:
                client.stop_job(job_id, commit_results=False)
                stopped.append(label)
                if info is not None:
                    self.journal.settled(info.aux.get("key"))
            except DominoError as exc:
                failed.append(f"{label} ({exc})")
        for job in self._unrecorded_jobs(client, set(ids)):
            try:
                client.stop_job(job.id, commit_results=False)
                stopped.append(f"{job.title} (started as the run was interrupted)")
            except DominoError as exc:
                failed.append(f"{job.title} ({exc})")
        if stopped:
            self.logger.info(
                f"Domino executor: stopped {len(stopped)} Domino job(s): " + "; ".join(stopped)
            )
        if failed:
            self.logger.error(
                "Domino executor: could not stop: " + "; ".join(failed) + ". Stop them in "
                "Domino's UI or with `snakemake-domino jobs stop ID`."
            )
        self.submitted.clear()

    def _unrecorded_jobs(self, client: DominoClient, known: set[str | None]) -> list[Job]:
        """Jobs of this run that are still going but that no submission recorded: a start
        interrupted after it reached Domino. Found by the run's mark in their titles."""
        try:
            jobs, _ = client.list_jobs(page_size=100)
        except DominoError as exc:
            self.logger.warning(f"Domino executor: could not list jobs to stop: {exc}")
            return []
        marker = run_marker(self.run_id)
        return [j for j in jobs if marker in j.title and j.id not in known and not j.finished]

    def shutdown(self) -> None:
        embedded = self.connection.embedded
        try:
            super().shutdown()
            self._settle_pulled()
        finally:
            self.connection.close()
        if embedded is not None:
            self.logger.info(
                "Domino executor: the embedded local Domino has stopped. To open the job "
                "pages above again: snakemake-domino local serve --root "
                f"{_shown(embedded.root, self.workdir)} --port {embedded.port}"
            )


def _shown(path: Path, workdir: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(workdir.resolve()))
    except ValueError:
        return str(path)


def _treat_sigterm_as_interrupt() -> None:
    """Make SIGTERM cancel like Ctrl-C does.

    Snakemake's scheduler installs its own SIGTERM handler right after creating the
    executor, and that one only stops scheduling new jobs: the running ones would go on
    for hours on Domino while the machine that asked for them shuts down. So this runs
    again whenever jobs are submitted, and takes SIGTERM over from Snakemake's scheduler,
    but from no one else.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    current = signal.getsignal(signal.SIGTERM)
    if current is _interrupt:
        return
    owner = type(getattr(current, "__self__", None)).__name__
    if current not in (signal.SIG_DFL, None) and owner != "JobScheduler":
        return  # someone else handles it; leave theirs alone
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _local_inputs(job: JobExecutorInterface) -> list[str]:
    """The job's input files that exist here (storage-backed ones are fetched in the job)."""
    return [str(f) for f in job.input if os.path.exists(f)]
