"""The Snakemake executor: a thin conductor over the domino client package, files/ and finishing.py.

One Snakemake job (or group job) becomes one Domino job: its inputs are pushed into the
project, the job starts at the commit that holds them with Snakemake's own job command on
the rule's hardware tier, and when it succeeds its declared outputs and logs are pulled back
from the job's output commit.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from pathlib import Path

from snakemake_interface_common.exceptions import WorkflowError
from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo
from snakemake_interface_executor_plugins.executors.remote import RemoteExecutor
from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.cancel import Canceller, Registry
from snakemake_executor_domino.command import portable_command, with_cores
from snakemake_executor_domino.connection import connect
from snakemake_executor_domino.domino import (
    Job,
)
from snakemake_executor_domino.exceptions import (
    ConfigurationError,
    DominoPluginError,
    StartsStopped,
)
from snakemake_executor_domino.files.outputs import (
    plan_outputs,
    recorder_command,
)
from snakemake_executor_domino.files.shared import SharedPaths
from snakemake_executor_domino.files.sources import ensure_dominoignore, push_workflow_files
from snakemake_executor_domino.files.transfer import (
    FileHasher,
    Transfer,
    project_path,
)
from snakemake_executor_domino.finishing import Finisher, Outcome
from snakemake_executor_domino.job_identity import (
    describe_job,
    job_title,
    local_inputs,
    run_marker,
)
from snakemake_executor_domino.packing.packer import Packer
from snakemake_executor_domino.packing.policy import parse_setting
from snakemake_executor_domino.placement.environment import EnvironmentResolver
from snakemake_executor_domino.placement.escalation import Escalations
from snakemake_executor_domino.placement.planner import TierPlanner
from snakemake_executor_domino.placement.preflight import JobChecks
from snakemake_executor_domino.placement.right_size import SizingHistory, check_margin
from snakemake_executor_domino.placement.tiers import TierResolver
from snakemake_executor_domino.planning_rounds import coalesce_rechecks
from snakemake_executor_domino.polling import JobPoller
from snakemake_executor_domino.runs.account import RunAccount, check_threshold
from snakemake_executor_domino.runs.journal import Journal, job_key
from snakemake_executor_domino.signals import take_over_sigterm
from snakemake_executor_domino.starts import Starts
from snakemake_executor_domino.throttle import StartThrottle

LOCAL_POLL_SECONDS = 1.0
REMOTE_POLL_SECONDS = 5.0
# Ctrl-C / SIGTERM: each stop call's retry budget (the full budget would keep an
# interrupted run waiting for minutes when Domino is unreachable); all of them together
# are bounded by --domino-cancel-timeout.
CANCEL_RETRY_BUDGET = 10.0


class Executor(Starts, RemoteExecutor):
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
                token=settings.token,
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
            self.escalations = Escalations(self.tiers.tiers, not settings.no_escalation)
            history = SizingHistory(self.workdir, self.tiers.tiers, enabled=settings.right_size,
                                    margin=check_margin(settings.right_size_margin))
            check_threshold(settings.efficiency_threshold)
            self.checks = JobChecks(
                TierPlanner(self.tiers, self.escalations, history),
                EnvironmentResolver(self.client, settings.environment_id),
                self.logger,
            )
            self.transfer = Transfer(
                self.client,
                self.workdir,
                max_file_size=settings.max_file_size,
                hasher=FileHasher(),
                shared=SharedPaths.discover(settings.shared_path or ()),
            )
            self.pack_setting = parse_setting(settings.pack)
            self.checks.before_any_job(self.workflow.dag.needrun_jobs(), self.transfer)
            ensure_dominoignore(self.workdir)
            self.logger.info(
                push_workflow_files(self.transfer, self.workflow, settings.max_sync_size)
            )
        except DominoPluginError as exc:
            self.connection.close()
            raise WorkflowError(str(exc)) from None
        except WorkflowError:
            self.connection.close()
            raise
        self.poller = JobPoller(self.client)
        self.finisher = Finisher(
            self.client, self.transfer, self.workdir, self.escalations,
            self.workflow.dag.handle_protected, self.logger.warning,
        )
        self.throttle = StartThrottle(self.logger.warning)
        # provenance of pulled files, and the run summary (docs/provenance.md)
        self.account = RunAccount(
            self.workdir, self.run_id, self.client, self.tiers.tiers,
            environment_id=settings.environment_id, sha1=self.transfer.hasher.sha1,
            warn=self.logger.warning, efficiency_threshold=settings.efficiency_threshold,
        )
        self.journal = Journal(self.workdir, self.client.project_id, not settings.no_reattach)
        # Every Domino job this run started, by id; cancel_jobs stops them from here
        # because Snakemake's own active list misses jobs that are being checked.
        self.submitted: dict[str, SubmittedJobInfo] = {}
        # starts sent but not answered yet (title -> journal key), and what each title of
        # this run describes: how cancel_jobs finds and names a start in flight
        self.starting: dict[str, str | None] = {}
        self.labels: dict[str, str] = {}
        self.open_gate()
        self._pulled_keys: list[str | None] = []
        self.packer = Packer(self, self.pack_setting)  # packing/: many jobs per Domino job
        self.next_seconds_between_status_checks = settings.poll_interval or (
            LOCAL_POLL_SECONDS if embedded else REMOTE_POLL_SECONDS
        )
        take_over_sigterm()

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

    # ---------------------------------------------------------------- submit
    def run_jobs(self, jobs: list[JobExecutorInterface]) -> None:
        coalesce_rechecks(self.workflow.scheduler, self.logger.debug)  # once; planning_rounds.py
        for job in jobs:
            self.run_job_pre(job)
        for job in self.packer.submit(jobs):  # starts packs; the rest run alone
            self.run_job(job)

    def run_job(
        self, job: JobExecutorInterface, held: SubmittedJobInfo | None = None
    ) -> None:
        """`held`: a job the packer reported submitted and held back (packing/), now
        started alone; its info is filled in instead of reported again."""
        take_over_sigterm()  # after Snakemake's scheduler has set its own
        if self.stopping:
            return  # cancelling (a held job, from the polling loop): nothing may start now
        if held is None and not self.throttle.admit(job, info := SubmittedJobInfo(job)):
            self.report_job_submission(info)  # waits for executions to end (throttle.py)
            return
        what = describe_job(job)
        try:
            placement = self.checks.at_submission(job)
            inputs = self.transfer.local_files(local_inputs(job))
            command = with_cores(
                portable_command(self.format_job_exec(job), self.workdir),
                placement.cores(getattr(job, "threads", 1)),
            )
            # what the command passes as --unneeded-temp-files: the job may delete those
            unneeded = [str(f) for f in self.workflow.dag.get_unneeded_temp_files(job)]
            key = job_key(command, placement.key_part(),
                          self.transfer.identity(inputs, local_inputs(job)))
            domino_job = self._reattach(key, what)
            uploads = ""
            if domino_job is None:
                pushed = self.transfer.push(inputs)
                title = job_title(job, self.run_id)
                domino_job = self._start(
                    key, title, what, command,
                    commit_id=pushed.commit_id,
                    tier_id=placement.override,
                    environment_id=placement.environment_id,
                    environment_revision=placement.environment_revision,
                )
                if pushed.uploaded:
                    uploads = f", uploaded {len(pushed.uploaded)} input file(s)"
        except StartsStopped:
            return  # cancelling began while this job was being prepared
        except DominoPluginError as exc:
            self.report_job_error(held or SubmittedJobInfo(job), msg=f"{what}: {exc}")
            return
        info = held or SubmittedJobInfo(job)
        info.external_jobid = domino_job.id
        info.aux = {"key": key, "unneeded": unneeded, "placement": placement,
                    "start": (key, job_title(job, self.run_id), what, command)}
        self.submitted[domino_job.id] = info
        self.account.submitted(
            domino_job.id, job, placement.requested, placement.tier, placement.environment,
            reason=placement.reason,
        )
        self.starting.pop(domino_job.title, None)  # only now: cancel_jobs sees it either way
        self.poller.track(domino_job)
        self.logger.info(
            f"{what}: Domino job #{domino_job.number} on {placement.describe()}{uploads}: "
            f"{self.client.job_url(domino_job.id)}"
        )
        if held is None:
            self.report_job_submission(info)

    def get_job_exec_suffix(self, job: JobExecutorInterface) -> str:
        """After Snakemake succeeds in the job: record the links, empty directories and
        executable bits among its outputs, which Domino's file listing cannot show."""
        plan = plan_outputs(job)
        paths = [project_path(p, self.workdir) for p in plan.recorded
                 if not self.transfer.shared.holds(p)]
        return recorder_command(self.get_python_executable(), plan, paths)

    # ---------------------------------------------------------------- poll
    async def check_active_jobs(
        self, active_jobs: list[SubmittedJobInfo]
    ) -> AsyncGenerator[SubmittedJobInfo, None]:
        # Snakemake polls from before __post_init__ has run: nothing here may assume it
        # has until there are jobs (and an exception here would end polling for good)
        if not active_jobs:
            return
        self._settle_pulled()  # reported a cycle ago: Snakemake has recorded them by now
        self.packer.release()  # jobs held back for a pack start now, as packs or alone
        held = [info for info in active_jobs
                if self.packer.holds(info) or self.throttle.holds(info)]
        active_jobs = [info for info in active_jobs if info.external_jobid is not None]
        for info in held:
            yield info
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
        in_flight = sum(1 for job in states.values() if not job.finished)
        self.packer.observe(states)
        self.throttle.new_cycle(in_flight, states)
        for info in active_jobs:
            job = states.get(info.external_jobid)
            if job is None or not job.finished:
                yield info
                continue
            if StartThrottle.refused(job) and self._restart(info, job, in_flight):
                yield info
                continue
            try:
                self._finish(info, job)
                self.account.finished(job, pulled=False)  # if _finish did not record it
            except Exception as exc:  # never let the polling thread die
                if self._retry_finish(info, exc):
                    yield info
        for job, info in [] if self.stopping else self.throttle.release():  # waited for room
            try:
                self.run_job(job, held=info)
            except Exception as exc:  # never let the polling thread die
                self.report_job_error(info, msg=f"{describe_job(job)}: could not start: {exc}")

    def _finish(self, info: SubmittedJobInfo, job: Job) -> None:
        if "pack" in (info.aux or {}):
            self._conclude(info, self.packer.finish(info, job), job)
        else:
            self._conclude(info, self.finisher.finish(info.job, job, info.aux or {}), job)

    def _conclude(self, info: SubmittedJobInfo, outcome: Outcome, job: Job | None) -> None:
        if self.packer.concluded(info, job):  # a pack's Domino job waits for its last member
            self._forget(info, settle=outcome.settle)
        elif outcome.settle:
            self.journal.settled((info.aux or {}).get("key"))
        if not outcome.ok:
            self.report_job_error(info, msg=outcome.message, aux_logs=outcome.aux_logs)
            return
        self._pulled_keys.append((info.aux or {}).get("key"))
        if job is not None:
            self.account.finished(job, pulled=True)
        self.report_job_success(info)

    def _settle_pulled(self) -> None:
        pulled, self._pulled_keys = self._pulled_keys, []
        try:
            self.journal.settled(*pulled)
        except OSError as exc:  # a full disk must not end polling; a rerun just reattaches
            self.logger.warning(f"Domino executor: could not write the job journal: {exc}")

    def _retry_finish(self, info: SubmittedJobInfo, exc: Exception) -> bool:
        """After handling a finished job failed: True to try again next cycle, else the
        job is reported failed."""
        outcome = self.finisher.after_error(info.job, info.external_jobid, exc)
        if outcome is None:
            return True
        self._conclude(info, outcome, None)
        return False

    def print_job_error(self, job_info: SubmittedJobInfo, msg=None, **kwargs) -> None:
        # RemoteExecutor glues "For further error details see the cluster/cloud log..."
        # straight onto the message: end ours with a line break so both stay readable.
        super().print_job_error(job_info, f"{msg.rstrip()}\n" if msg else msg, **kwargs)

    def _forget(self, info: SubmittedJobInfo, *, settle: bool = True) -> None:
        self.submitted.pop(info.external_jobid, None)
        self.finisher.forget(info.external_jobid)
        self.poller.forget(info.external_jobid)
        if settle:
            self.journal.settled((info.aux or {}).get("key"))

    # ---------------------------------------------------------------- stop
    def cancel_jobs(self, active_jobs: list[SubmittedJobInfo]) -> None:
        seconds = self.workflow.executor_settings.cancel_timeout
        registry = Registry(starting=self.close_gate(), labels=self.labels)
        for info in [*self.submitted.values(), *active_jobs]:
            if info.external_jobid is not None:
                key = (info.aux or {}).get("key")
                registry.submitted[info.external_jobid] = (describe_job(info.job), key)
        canceller = Canceller(
            self.client.with_retry_budget(min(CANCEL_RETRY_BUDGET, seconds)),
            run_marker(self.run_id),
            self._settle_quietly,
            seconds=seconds,
        )
        canceller.cancel(registry).report(self.logger)
        self.submitted.clear()
        self.starting.clear()

    def _settle_quietly(self, key: str | None) -> None:
        try:
            self.journal.settled(key)
        except OSError:
            pass  # the job is stopped; a rerun finds it Stopped and starts it afresh

    def shutdown(self) -> None:
        embedded = self.connection.embedded
        try:
            super().shutdown()
            self._settle_pulled()
            summary = self.account.close()
            if summary:
                self.logger.info(summary)
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
