"""Ctrl-C / SIGTERM: stop every Domino job this workflow run started, in one bounded pass.

Snakemake's own list of active jobs misses jobs that are being checked and jobs whose start
was in flight when the signal came, so the executor keeps its own registry: the jobs Domino
named (`submitted`) and the starts sent but not yet answered (`starting`, by title). A start
in flight may reach Domino only after the signal (a request queued in a gateway), so its
title is looked for until it shows up or a short patience runs out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from snakemake_executor_domino.domino import DominoClient, DominoError, Job
from snakemake_executor_domino.job_identity import command_marker
from snakemake_executor_domino.throttle import StartThrottle

# Seconds to keep looking for a job whose start was in flight at the interrupt.
IN_FLIGHT_PATIENCE = 10.0
LOOK_AGAIN_SECONDS = 0.5
LIST_PAGE = 100


@dataclass
class Registry:
    """The Domino jobs of one workflow run, as the executor knows them."""

    # Domino job id -> (description, journal key)
    submitted: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # title -> journal key: starts sent that Domino has not answered yet
    starting: dict[str, str | None] = field(default_factory=dict)
    # title -> description, for every start of this run
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    stopped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unseen: list[str] = field(default_factory=list)  # starts that never showed up
    notes: list[str] = field(default_factory=list)

    def report(self, logger: Any) -> None:
        if self.stopped:
            logger.info(
                f"Domino executor: stopped {len(self.stopped)} Domino job(s): "
                + "; ".join(self.stopped)
            )
        for note in self.notes:
            logger.warning(f"Domino executor: {note}")
        if self.unseen:
            logger.warning(
                "Domino executor: no Domino job appeared for these interrupted starts, so "
                "they most likely never started: " + "; ".join(self.unseen) + ". If "
                "Domino lists a job with such a title, stop it there."
            )
        if self.failed:
            logger.error(
                "Domino executor: could not stop: " + "; ".join(self.failed) + ". Stop "
                "them in Domino's UI or with `snakemake-domino jobs stop ID`."
            )


class Canceller:
    def __init__(
        self,
        client: DominoClient,
        marker: str,
        settle: Callable[[str | None], None],
        *,
        seconds: float,
    ):
        self.client = client
        self.marker = marker  # the part of every title that names this run
        self.settle = settle
        self.deadline = time.monotonic() + seconds
        self.outcome = Outcome()

    def cancel(self, registry: Registry) -> Outcome:
        for job_id, (label, key) in list(registry.submitted.items()):
            self._stop(job_id, label, key)
        self._stop_unrecorded(registry, set(registry.submitted))
        return self.outcome

    def _stop(self, job_id: str, label: str, key: str | None) -> None:
        if time.monotonic() > self.deadline:
            self.outcome.failed.append(f"{label} (no time left)")
            return
        try:
            self.client.stop_job(job_id, commit_results=False)
        except DominoError as exc:
            self.outcome.failed.append(f"{label} ({exc})")
            return
        self.outcome.stopped.append(label)
        self.settle(key)

    def _stop_unrecorded(self, registry: Registry, handled: set[str]) -> None:
        """Stop this run's jobs that no answer named: starts in flight at the interrupt,
        found by their titles, waiting a little for those that have not landed yet."""
        waiting = dict(registry.starting)
        patience = min(self.deadline, time.monotonic() + IN_FLIGHT_PATIENCE)
        while True:
            try:
                jobs, _ = self.client.list_jobs(page_size=LIST_PAGE)
            except DominoError as exc:
                self._listing_failed(registry, waiting, exc)
                return
            for job in jobs:
                title = self._title_of(job, registry)
                if title is None:
                    continue
                if job.id in handled:
                    # stopped above: its start was answered after the snapshot of starts
                    # in flight was taken (a refused job's start may be in flight again)
                    if not StartThrottle.refused(job):
                        waiting.pop(title, None)
                    continue
                handled.add(job.id)
                key = waiting.pop(title, registry.starting.get(title))
                if not job.finished:
                    label = registry.labels.get(title, title)
                    self._stop(job.id, f"{label} (its start was in flight)", key)
            if not waiting or time.monotonic() >= patience:
                break
            time.sleep(LOOK_AGAIN_SECONDS)
        self.outcome.unseen.extend(
            f"{registry.labels.get(title, title)} ('{title}')" for title in waiting
        )

    def _title_of(self, job: Job, registry: Registry) -> str | None:
        """The title this run gave `job`, if it is one of this run's: from its title, or,
        where Domino kept none (before 5.5), from the marker its command ends with."""
        if self.marker in job.title:
            return job.title
        if self.marker not in job.command:
            return None
        return next(
            (t for t in registry.starting if command_marker(t) in job.command), job.command
        )

    def _listing_failed(
        self, registry: Registry, waiting: dict[str, str | None], exc: DominoError
    ) -> None:
        if not waiting:
            self.outcome.notes.append(f"could not list jobs to look for unanswered starts: {exc}")
        for title in waiting:
            label = registry.labels.get(title, title)
            self.outcome.failed.append(
                f"{label} (its start was in flight, and listing jobs failed: {exc})"
            )
