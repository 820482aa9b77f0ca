"""One pending re-check of Snakemake's job rate limit instead of a chain per planning round.

Snakemake's scheduler (9.x, snakemake/scheduling/job_scheduler.py) ends every planning
round that leaves ready jobs waiting by booking another round `timespan` later (the
re-check behind `--max-jobs-per-timespan`, default `100/1s`), on a new timer. Each job
that ends starts a round too, which books its own timer, so while jobs wait for a slot the
timer chains add up: after k jobs have ended, k rounds a second (with the default `ilp`
scheduler each builds an integer program and runs a CBC process). A remote executor's jobs
take seconds to minutes, so a long run pays this quadratically; measured, it was half of
the submitting process's CPU at `-j 20` (docs/usage.md, "Many jobs").

What a re-check needs is a round at or after the time it asks for, not one round per ask:
asks are rounded up to the next QUANTUM boundary and share one timer there, so timers give
at most 1 / QUANTUM rounds a second, and no ask waits more than QUANTUM longer than it
asked. The timers are daemons: a long timespan no longer keeps the process alive after the
run. Applied to the scheduler running this executor's jobs only, and only where Snakemake's
scheduler has the shape this was written against; otherwise it changes nothing.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

QUANTUM = 1.0  # seconds: the default --max-jobs-per-timespan is per second
METHOD = "_schedule_reevalutation"  # sic: Snakemake's spelling


class Rechecks:
    """The scheduler's re-check timers, one per QUANTUM boundary."""

    def __init__(self, release: Any) -> None:
        self._release = release  # Snakemake's: wakes its scheduling loop for one round
        self._lock = threading.Lock()
        self._due: set[float] = set()  # boundaries (monotonic seconds) with a timer

    def ask(self, delay: float) -> None:
        """A round at least `delay` seconds from now."""
        due = math.ceil((time.monotonic() + delay) / QUANTUM) * QUANTUM
        with self._lock:
            if due in self._due:
                return
            self._due.add(due)
        timer = threading.Timer(max(0.0, due - time.monotonic()), self._fire, args=(due,))
        timer.daemon = True
        timer.start()

    def pending(self) -> int:
        with self._lock:
            return len(self._due)

    def _fire(self, due: float) -> None:
        self._release()
        with self._lock:  # after the release: an ask meanwhile asks for a later boundary
            self._due.discard(due)


def coalesce_rechecks(scheduler: Any, debug: Any) -> Rechecks | None:
    """Give `scheduler` (Snakemake's JobScheduler) one timer per boundary, saying so once
    through `debug`; None where it does not have the method and semaphore this replaces (a
    Snakemake that changed them)."""
    existing = getattr(scheduler, "_domino_rechecks", None)
    if existing is not None:
        return existing
    semaphore = getattr(scheduler, "_open_jobs", None)
    if not callable(getattr(scheduler, METHOD, None)) or not callable(
        getattr(semaphore, "release", None)
    ):
        return None
    rechecks = Rechecks(semaphore.release)
    setattr(scheduler, METHOD, rechecks.ask)
    scheduler._domino_rechecks = rechecks
    debug(f"Domino executor: Snakemake's rate-limit re-checks share one timer per "
          f"{QUANTUM} s (planning_rounds.py)")
    return rechecks
