"""Back-pressure from Domino: a start refused by a queue limit is not a failed job.

Domino queues a user's executions beyond its executions quota and rejects new ones beyond
its queue limit "with a failure status" (admin guide, "Execution queue limits"): the
execution ends Error without ever having run. Such a job is started again, as a new Domino
job, once executions of this run have ended; it never costs a Snakemake `--retries`
attempt. The first refusal sets the limit: as many executions as this run had running or
queued then, which the run then keeps to, and it says so once. From then on a new job
waits here too (reported submitted to Snakemake, no Domino job yet) until executions end,
so that a run with `-j` above the limit is not refused again and again.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from snakemake_executor_domino.domino import Job

# a job refused this often in a row is reported failed after all (a deployment that never
# takes it, or an Error that is no refusal)
MAX_RESTARTS = 50


class StartThrottle:
    def __init__(self, say: Callable[[str], None]):
        self.say = say
        self.limit: int | None = None
        self.restarts: Counter[str] = Counter()
        self.in_flight = 0  # this run's executions running or queued at the last poll
        self.started_this_cycle = 0
        self.waiting: list[tuple[Any, Any]] = []  # (Snakemake job, SubmittedJobInfo)
        self._waiting_ids: set[int] = set()  # id() of each waiting info, while it waits
        self._lock = threading.Lock()

    @staticmethod
    def refused(job: Job) -> bool:
        """Ended Error before it ever ran: rejected (a queue limit), or lost while queued."""
        return job.status == "Error" and job.started_ms is None

    def may_restart(self, key: str, in_flight: int, what: str) -> bool | None:
        """True: start it again now; False: not yet (wait for executions to end);
        None: refused too often, report it failed."""
        if self.restarts[key] >= MAX_RESTARTS:
            return None
        with self._lock:
            if self.limit is None:
                self.limit = max(1, in_flight)
                self.say(
                    f"Domino executor: Domino refused to start {what}: {in_flight} executions "
                    "of this run were running or queued, its queue limit "
                    "(userExecutionQueueLimit beyond the executions quota). Refused jobs and "
                    "new ones start as executions end, without using a retry; "
                    f"-j {self.limit} avoids the refusals."
                )
            if in_flight + self.started_this_cycle >= self.limit:
                return False
            self.restarts[key] += 1
            self.started_this_cycle += 1
            return True

    def admit(self, job: Any, info: Any) -> bool:
        """A new job about to start: True to start it now; False: it waits (kept here)
        because this run already has as many executions as Domino let it have."""
        with self._lock:
            if self.limit is not None and (
                self.waiting or self.in_flight + self.started_this_cycle >= self.limit
            ):
                self.waiting.append((job, info))
                self._waiting_ids.add(id(info))
                return False
            self.started_this_cycle += 1
            return True

    def holds(self, info: Any) -> bool:
        # asked for every active job each polling cycle: a set, not a scan of the list
        with self._lock:
            return id(info) in self._waiting_ids

    def release(self) -> list[tuple[Any, Any]]:
        """The waiting jobs that may start now (after restarts, which went first)."""
        with self._lock:
            if self.limit is None:
                free = len(self.waiting)
            else:
                free = max(0, self.limit - self.in_flight - self.started_this_cycle)
            ready, self.waiting = self.waiting[:free], self.waiting[free:]
            self._waiting_ids.difference_update(id(info) for _, info in ready)
            self.started_this_cycle += len(ready)
            return ready

    def new_cycle(self, in_flight: int) -> None:
        """A status cycle counts its executions once; starts within it add to that count,
        or every refused job of the cycle would start again into the same full queue."""
        with self._lock:
            self.in_flight = in_flight
            self.started_this_cycle = 0
