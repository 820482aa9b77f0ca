"""Back-pressure from Domino: a start refused by a queue limit is not a failed job.

Domino queues a user's executions beyond its executions quota and rejects new ones beyond
its queue limit "with a failure status" (admin guide, "Execution queue limits"): the
execution ends Error without ever having run. Such a job is started again, as a new Domino
job, once executions of this run have ended; it never costs a Snakemake `--retries`
attempt. The first refusal sets the limit: as many executions as this run had running or
queued then, which the run then keeps to, and it says so once. From then on a new job
waits here too (reported submitted to Snakemake, no Domino job yet) until executions end,
so that a run with `-j` above the limit is not refused again and again.

A status check counts the executions it shows; a start it could not show yet (sent while
the check was under way, or still being prepared) counts until a check shows its job, or
for UNSEEN_CYCLES checks at most (a start that failed made no job, and must not hold a
place for ever). Counting from each check afresh lost those starts, and let a start
through into a queue that was already full.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any

from snakemake_executor_domino.domino import Job

# a job refused this often in a row is reported failed after all (a deployment that never
# takes it, or an Error that is no refusal)
MAX_RESTARTS = 50
UNSEEN_CYCLES = 5


class StartThrottle:
    def __init__(self, say: Callable[[str], None]):
        self.say = say
        self.limit: int | None = None
        self.restarts: Counter[str] = Counter()
        self.in_flight = 0  # this run's executions running or queued at the last poll
        self.started_this_cycle = 0
        self.unseen: deque[int] = deque()  # earlier cycles' starts no poll showed, oldest first
        self._seen: set[str] = set()  # the Domino jobs some poll has shown
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
            if in_flight + self._pending() >= self.limit:
                return False
            self.restarts[key] += 1
            self.started_this_cycle += 1
            return True

    def admit(self, job: Any, info: Any) -> bool:
        """A new job about to start: True to start it now; False: it waits (kept here)
        because this run already has as many executions as Domino let it have."""
        with self._lock:
            if self.limit is not None and (
                self.waiting or self.in_flight + self._pending() >= self.limit
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
                free = max(0, self.limit - self.in_flight - self._pending())
            ready, self.waiting = self.waiting[:free], self.waiting[free:]
            self._waiting_ids.difference_update(id(info) for _, info in ready)
            self.started_this_cycle += len(ready)
            return ready

    def new_cycle(self, in_flight: int, polled: Iterable[str]) -> None:
        """A status check counted `in_flight` executions among the jobs it showed
        (`polled`); starts within the cycle add to that count, or every refused job of the
        cycle would start again into the same full queue. Jobs shown for the first time
        are starts of earlier cycles, oldest first; the rest of those still count."""
        with self._lock:
            shown = [job_id for job_id in polled if job_id not in self._seen]
            self._seen.update(shown)
            self.unseen.append(self.started_this_cycle)
            self.started_this_cycle = 0
            left = len(shown)
            while left and self.unseen:
                taken = min(left, self.unseen[0])
                left -= taken
                self.unseen[0] -= taken
                if not self.unseen[0]:
                    self.unseen.popleft()
            while len(self.unseen) > UNSEEN_CYCLES:
                self.unseen.popleft()
            self.in_flight = in_flight

    def _pending(self) -> int:
        """Starts no status check has shown yet (the caller holds the lock)."""
        return self.started_this_cycle + sum(self.unseen)
