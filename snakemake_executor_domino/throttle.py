"""Back-pressure from Domino: a start refused by a queue limit is not a failed job.

Domino queues a user's executions beyond its executions quota and rejects new ones beyond
its queue limit "with a failure status" (admin guide, "Execution queue limits"): the
execution ends Error without ever having run. Such a job is started again, as a new Domino
job, once executions of this run have ended; it never costs a Snakemake `--retries`
attempt. The first refusal sets the limit: as many executions as this run had running or
queued then, which the run then keeps to, and it says so once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from snakemake_executor_domino.domino import Job

# a job refused this often in a row is reported failed after all (a deployment that never
# takes it, or an Error that is no refusal)
MAX_RESTARTS = 50


class StartThrottle:
    def __init__(self, say: Callable[[str], None]):
        self.say = say
        self.limit: int | None = None
        self.restarts: Counter[str] = Counter()
        self.started_this_cycle = 0

    @staticmethod
    def refused(job: Job) -> bool:
        """Ended Error before it ever ran: rejected (a queue limit), or lost while queued."""
        return job.status == "Error" and job.started_ms is None

    def may_restart(self, key: str, in_flight: int, what: str) -> bool | None:
        """True: start it again now; False: not yet (wait for executions to end);
        None: refused too often, report it failed."""
        if self.restarts[key] >= MAX_RESTARTS:
            return None
        if self.limit is None:
            self.limit = max(1, in_flight)
            self.say(
                f"Domino executor: Domino refused to start {what}: {in_flight} executions of "
                "this run were running or queued, its queue limit (userExecutionQueueLimit "
                "beyond the executions quota). Refused jobs start again as executions end, "
                f"without using a retry; -j {self.limit} avoids the refusals."
            )
        if in_flight + self.started_this_cycle >= self.limit:
            return False
        self.restarts[key] += 1
        self.started_this_cycle += 1
        return True

    def new_cycle(self) -> None:
        """A status cycle counts its executions once; restarts within it add to that count,
        or every refused job of the cycle would start again into the same full queue."""
        self.started_this_cycle = 0
