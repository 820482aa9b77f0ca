"""Starting Domino jobs for the executor: a start recorded before it is sent, reattaching to
what an interrupted earlier run started, starting again what a queue limit refused, and
stopping a second start of one job. A mixin of executor.Executor, whose state it uses (the
client, journal, throttle, poller, packer and the maps of jobs submitted and starting)."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo

from snakemake_executor_domino.domino import DominoError, DominoNotFound, Job, is_transient
from snakemake_executor_domino.exceptions import StartsStopped
from snakemake_executor_domino.job_identity import command_marker, marked_command, marker_in


class Starts:
    """Executor methods around job starts (see the module's docstring)."""

    client: Any
    journal: Any
    logger: Any
    throttle: Any
    poller: Any
    packer: Any
    labels: dict[str, str]
    starting: dict[str, str | None]
    submitted: dict[str, SubmittedJobInfo]
    _forget: Any  # the executor's: drop a job from what it polls
    # Set once cancelling begins: the polling thread starts held jobs too, and a start it
    # sent after cancel_jobs had read `starting` would run on, stopped by no one.
    stopping = False
    _gate: threading.Lock

    def open_gate(self) -> None:
        """Starts may go ahead (the executor's __post_init__)."""
        self.stopping = False
        self._gate = threading.Lock()

    def close_gate(self) -> dict[str, str | None]:
        """No start from now on; the starts in flight (title -> journal key), which the
        caller must find and stop."""
        with self._gate:
            self.stopping = True
            return dict(self.starting)

    def _start(self, key: str, title: str, what: str, command: str, **where) -> Job:
        with self._gate:
            if self.stopping:
                raise StartsStopped(f"{what}: not started, the run is being cancelled")
            # recorded before the start: a crash before its answer leaves the title, and
            # an interrupt meanwhile finds the job by it
            self.journal.starting(key, title)
            self.labels[title] = what
            self.starting[title] = key
        try:
            domino_job = self.client.start_job(
                marked_command(command, title), title=title, marker=command_marker(title),
                **where,
            )
        except DominoError as exc:
            if not is_transient(exc):  # refused: nothing started
                self.starting.pop(title, None)
            raise
        self.journal.submitted(key, domino_job.id)
        # the callers retire the start from `starting` by the job's title; a job found
        # again by its command's marker, or left unnamed on Domino before 5.5, has none
        # (or another): the start would stay "in flight" and a Ctrl-C would report the
        # job as never started after stopping it
        return dataclasses.replace(domino_job, title=title)

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
                job = self.client.find_job(title or "", command_marker(title or ""))
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

    def _restart(self, info: SubmittedJobInfo, job: Job, in_flight: int) -> bool:
        """A start Domino refused: start it again once executions end (throttle.py). False
        when it is to be reported failed after all."""
        aux = info.aux or {}
        if "start" not in aux:
            return False
        if self.stopping:
            return True  # cancelling: it stays as it is, refused and never restarted
        if self.packer.retarget(info):  # its pack was started again for another member
            return True
        key, title, what, command = aux["start"]
        verdict = self.throttle.may_restart(key, in_flight, what)
        if verdict is None:
            return False
        if verdict:
            placement = aux["placement"]
            try:
                new = self._start(
                    key, title, what, command, commit_id=job.input_commit_id,
                    tier_id=placement.override, environment_id=placement.environment_id,
                    environment_revision=placement.environment_revision,
                )
            except DominoError as exc:
                self.logger.warning(f"{what}: starting it again failed, will retry: {exc}")
                return True
            self._forget(info, settle=False)
            self.packer.moved[info.external_jobid] = new.id
            info.external_jobid = new.id
            self.submitted[new.id] = info
            self.starting.pop(title, None)
            self.poller.track(new)
            self.logger.info(f"{what}: started again as Domino job #{new.number}")
        return True

    def _stop_duplicate(self, job: Job) -> None:
        """A second Domino job for one Snakemake job (a lost start answer, then a start
        request that reached Domino later than it was looked for): only one may run."""
        try:
            self.client.stop_job(job.id, commit_results=False)
        except DominoError as exc:
            self.logger.warning(f"Domino executor: could not stop duplicate job: {exc}")
            return
        self.logger.warning(
            f"Domino executor: stopped Domino job #{job.number} "
            f"('{job.title or marker_in(job.command)}'), a second "
            "start of a job that is already running (a start request arrived late)."
        )
