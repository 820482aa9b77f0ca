"""Fires scheduled jobs: at each due time, a job through the same runner as /v4/jobs/start.

Rules, as Domino's scheduled jobs have them:
- A fire starts the schedule's command at the project's newest commit, on its hardware tier
  and environment, titled with the schedule's title, as the user who scheduled it, marked
  `isScheduled`. The job gets Domino's environment (runner.py), so a `snakemake --executor
  domino` inside it reaches this server with no flags.
- Sequential (the default, `allowConcurrentExecution: false`): while the job the previous
  fire started is still active, a fire is skipped and recorded as skipped.
- Fire times that passed while the server was down are not replayed in a burst: on start,
  each schedule's next fire is computed from now, and the missed ones are recorded as one
  "missed" entry.
- A paused schedule has no next fire; resuming computes it from now.

Edits (create, replace, delete, run now) go through this class too, under the same lock as
the fires, so an edit never races with a fire of the schedule it changes.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from croniter import CroniterError  # type: ignore[import-untyped]

from snakemake_executor_domino.domino.cron import from_quartz
from snakemake_executor_domino.exceptions import CronError
from snakemake_executor_domino.local.config import ServerConfig
from snakemake_executor_domino.local.jobs.jobenv import ENVIRONMENT_ID
from snakemake_executor_domino.local.jobs.runner import Runner
from snakemake_executor_domino.local.store.database import Store
from snakemake_executor_domino.local.store.rows import (
    FIRE_MISSED,
    FIRE_SKIPPED,
    FIRE_STARTED,
    Job,
    NotFound,
    ScheduledJob,
    now_ms,
)
from snakemake_executor_domino.local.store.schedule_queries import ScheduleStore

log = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 1.0  # re-read the schedules at least this often
MISSED_COUNT_CAP = 1000  # counting missed fires of a per-second schedule must stay cheap


class FireRefused(Exception):
    """A manual fire that cannot start now; the message says why and what to do."""


class Scheduler:
    def __init__(
        self, config: ServerConfig, store: Store, schedules: ScheduleStore, runner: Runner
    ) -> None:
        self.config = config
        self.store = store
        self.schedules = schedules
        self.runner = runner
        self._fire_lock = threading.RLock()  # fires and edits, one at a time
        self._wake = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Call after the runner has started (it ends jobs a previous server left behind)."""
        self._skip_missed_fires()
        self._thread = threading.Thread(
            target=self._loop, name="local-domino-cron", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _poke(self) -> None:
        with self._wake:
            self._wake.notify_all()

    # -- edits ------------------------------------------------------------------------------

    def create(self, **fields: Any) -> ScheduledJob:
        with self._fire_lock:
            schedule = self.schedules.create(**fields, next_fire_ms=None)
            schedule = self._reschedule(schedule, now_ms())
        self._poke()
        return schedule

    def replace(self, schedule_id: str, **fields: Any) -> ScheduledJob:
        """Domino's PUT: every setting replaced; the next fire is computed from now."""
        with self._fire_lock:
            schedule = self.schedules.update(schedule_id, **fields)
            schedule = self._reschedule(schedule, now_ms())
        self._poke()
        return schedule

    def delete(self, schedule_id: str) -> None:
        with self._fire_lock:
            self.schedules.delete(schedule_id)
        self._poke()

    def run_now(self, schedule_id: str) -> Job:
        """Fire once now (also while paused), by the same rules as a scheduled fire."""
        with self._fire_lock:
            schedule = self.schedules.get(schedule_id)
            job = self._fire(schedule, now_ms(), manual=True)
        assert job is not None  # a manual fire raises instead of skipping
        return job

    # -- the loop ---------------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._wake:
                if self._closing:
                    return
                self._wake.wait(timeout=self._seconds_to_next_fire())
                if self._closing:
                    return
            try:
                self._fire_due()
            except Exception as exc:  # one bad pass must not end scheduling for good
                print(f"local-domino: scheduled-job pass failed: {exc!r}", flush=True)

    def _seconds_to_next_fire(self) -> float:
        pending = [s.next_fire_ms for s in self.schedules.all() if s.next_fire_ms is not None]
        if not pending:
            return MAX_WAIT_SECONDS
        return min(MAX_WAIT_SECONDS, max(0.0, (min(pending) - now_ms()) / 1000))

    def _fire_due(self) -> None:
        with self._fire_lock:
            now = now_ms()
            for schedule in self.schedules.all():
                due = schedule.next_fire_ms
                if schedule.is_paused or due is None or due > now:
                    continue
                try:
                    self._fire(schedule, due, manual=False)
                except Exception as exc:  # one broken schedule must not stop the others
                    self._skip(schedule, due, f"the job could not be started: {exc!r}")
                # from now, not from `due`: a late pass (a suspended machine) fires once
                self._reschedule(schedule, max(now, due))

    def _fire(self, schedule: ScheduledJob, fire_ms: int, *, manual: bool) -> Job | None:
        previous = self._active_job(schedule)
        if previous is not None and not schedule.allow_concurrent:
            reason = (
                f"job #{previous.number} ({previous.id}) started by an earlier fire is still "
                f"{previous.status}, and this schedule runs sequentially"
            )
            if manual:
                raise FireRefused(f"{reason}; wait for it to finish or stop it")
            self._skip(schedule, fire_ms, reason)
            return None
        tier = self.config.tier(schedule.tier_id)
        if tier is None:
            reason = (
                f"hardware tier {schedule.tier_id} is no longer configured; valid tiers: "
                f"{self.config.tier_list_text()}; change the schedule's tier"
            )
            if manual:
                raise FireRefused(reason)
            self._skip(schedule, fire_ms, reason)
            return None
        project = self.store.get_project(schedule.project_id)
        job = self.runner.submit(
            project_id=project.id,
            command=schedule.command,
            commit_id=project.head_commit_id,
            tier=tier,
            environment_id=schedule.environment_id or ENVIRONMENT_ID,
            title=schedule.title,
            user_id=schedule.scheduled_by_id,
            username=schedule.scheduled_by_username,
            parent_job_id=None,
            is_scheduled=True,
        )
        self.runner.logs.setup(
            job.id,
            f"started by scheduled job {schedule.id} ('{schedule.title}', cron "
            f"'{schedule.cron_string}' {schedule.timezone_id})"
            + (", fired by hand" if manual else ""),
        )
        self.schedules.record_fire(
            schedule.id, fire_ms=fire_ms, outcome=FIRE_STARTED, job_id=job.id, manual=manual
        )
        log.info("scheduled job %s started job #%s (%s)", schedule.id, job.number, job.id)
        return job

    def _skip(self, schedule: ScheduledJob, fire_ms: int, reason: str) -> None:
        self.schedules.record_fire(
            schedule.id, fire_ms=fire_ms, outcome=FIRE_SKIPPED, reason=reason
        )
        log.info("scheduled job %s: fire skipped: %s", schedule.id, reason)

    def _active_job(self, schedule: ScheduledJob) -> Job | None:
        if schedule.last_job_id is None:
            return None
        try:
            job = self.store.get_job(schedule.last_job_id)
        except NotFound:
            return None
        return None if job.is_completed else job

    # -- fire times -------------------------------------------------------------------------

    def _reschedule(self, schedule: ScheduledJob, after_ms: int) -> ScheduledJob:
        next_ms = None if schedule.is_paused else next_fire_ms(schedule, after_ms)
        self.schedules.set_next_fire(schedule.id, next_ms)
        return self.schedules.get(schedule.id)

    def _skip_missed_fires(self) -> None:
        """Fire times that passed while no server ran are recorded, never replayed."""
        now = now_ms()
        with self._fire_lock:
            for schedule in self.schedules.all():
                due = schedule.next_fire_ms
                if not schedule.is_paused and due is not None and due <= now:
                    count, last = _missed(schedule, due, now)
                    more = "+" if count >= MISSED_COUNT_CAP else ""
                    self.schedules.record_fire(
                        schedule.id,
                        fire_ms=due,
                        outcome=FIRE_MISSED,
                        reason=f"{count}{more} fire time(s) from {_iso(due)} to {_iso(last)} "
                        "passed while the local Domino was not running; not replayed",
                    )
                self._reschedule(schedule, now)


def next_fire_ms(schedule: ScheduledJob, after_ms: int) -> int | None:
    """The schedule's first fire time after `after_ms`, or None if it never fires again."""
    zone = ZoneInfo(schedule.timezone_id)
    try:
        cron = from_quartz(schedule.cron_string)
        when = cron.next_time(datetime.fromtimestamp(after_ms / 1000, zone))
    except (CronError, CroniterError):
        return None
    return int(when.timestamp() * 1000)


def _missed(schedule: ScheduledJob, first_ms: int, now: int) -> tuple[int, int]:
    count, last, at = 1, first_ms, first_ms
    while count < MISSED_COUNT_CAP:
        following = next_fire_ms(schedule, at)
        if following is None or following > now:
            break
        count, last, at = count + 1, following, following
    return count, last


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).astimezone().isoformat(timespec="seconds")
