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
asked. And a re-check is booked only where the rate limit may be what holds ready jobs back
(it has no free jobs left) or queue input is awaited: where it still has free jobs, `-j`
or other resources held them, and only an ending job frees those, whose end starts a round
anyway. Without that, a long run re-planned every waiting job once a second for nothing:
measured, 75 ms of CPU per job for 1,000 jobs waiting on a Domino that starts executions
after 45 s (benchmarks/README.md, "Scale"). The timers are daemons: a long timespan no
longer keeps the process alive after the run. Applied to the scheduler running this
executor's jobs only, and only where Snakemake's scheduler has the shape this was written
against; otherwise it changes nothing.

A round that can start nothing also skips Snakemake's job selection: for a remote executor
its scheduler short-circuits only on zero free cores, which it never counts here (`-j` is
its `_nodes`), so every round with all `-j` slots taken built and solved an integer program
over every waiting job to select none; with a thousand jobs waiting, most of the process's
CPU. Where no waiting job fits what is free, the selection is empty without asking the
selector (any selector's answer: each job it picks must fit on its own). And where every
waiting job fits what is free at once, the selection is all of them, again without the
selector: Snakemake's integer program maximises a sum in which each selected job adds a
positive amount (its priority, when none is negative, and its cores), and the greedy
selector takes jobs while they fit. That is the usual round of a remote run (a status
check ends jobs, their successors take the freed slots), and each one solved an integer
program in a CBC process of its own: a third of the Python samples py-spy took of the
submitting process for the per-sample workflow; measured, its CPU per job went from 19 to
17 ms on the realistic profile (benchmarks/README.md, "Scale on the realistic profile").
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

QUANTUM = 1.0  # seconds: the default --max-jobs-per-timespan is per second
METHOD = "_schedule_reevalutation"  # sic: Snakemake's spelling
SELECTOR = "_job_selector"  # the scheduler plugin's select_jobs (ilp or greedy)
SKIPPING = "; rounds with nothing free select nothing, rounds where all fit select all"


class Rechecks:
    """The scheduler's re-check timers, one per QUANTUM boundary."""

    def __init__(self, release: Any, needed: Callable[[], bool] = lambda: True) -> None:
        self._release = release  # Snakemake's: wakes its scheduling loop for one round
        self._needed = needed  # whether a round later could start what this one could not
        self._lock = threading.Lock()
        self._due: set[float] = set()  # boundaries (monotonic seconds) with a timer

    def ask(self, delay: float) -> None:
        """A round at least `delay` seconds from now, where one may start something."""
        if not self._needed():
            return
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
    rechecks = Rechecks(semaphore.release, lambda: _time_may_free_jobs(scheduler))
    setattr(scheduler, METHOD, rechecks.ask)
    scheduler._domino_rechecks = rechecks
    skipping = _skip_futile_selections(scheduler)
    debug(f"Domino executor: Snakemake's rate-limit re-checks share one timer per "
          f"{QUANTUM} s{SKIPPING if skipping else ''} "
          "(planning_rounds.py)")
    return rechecks


def _skip_futile_selections(scheduler: Any) -> bool:
    """Wrap the scheduler's job selector (SELECTOR) so that a round in which no waiting job
    fits the free resources selects none, and one in which all of them fit selects all,
    without it; False where there is no selector."""
    select = getattr(scheduler, SELECTOR, None)
    if not callable(select):
        return False

    def selector(selectable: Any, remaining: Any, available: Any, input_sizes: Any) -> Any:
        if not any(fits(job, available) for job in selectable):
            return []
        if all_fit(selectable, available):
            return list(selectable)
        return select(selectable, remaining, available, input_sizes)

    setattr(scheduler, SELECTOR, selector)
    return True


def fits(job: Any, available: Any) -> bool:
    """Whether `job` alone fits the free resources (a resource that is not a number is
    left to the selector)."""
    needs = job.scheduler_resources
    for name, free in available.items():
        need = needs.get(name, 0)
        if isinstance(free, int | float) and isinstance(need, int | float) and need > free:
            return False
    return True


def all_fit(jobs: Any, available: Any) -> bool:
    """Whether `jobs` fit the free resources all at once, none with a negative priority
    (which the integer program may leave out); a resource that is not a number is left to
    the selector."""
    if any(getattr(job, "priority", 0) < 0 for job in jobs):
        return False
    uses = [job.scheduler_resources for job in jobs]  # read once, not once per resource
    for name, free in available.items():
        needs = [use.get(name, 0) for use in uses]
        if not isinstance(free, int | float) or not all(
            isinstance(need, int | float) for need in needs
        ):
            return False
        if sum(needs) > free:
            return False
    return True


def _time_may_free_jobs(scheduler: Any) -> bool:
    """Whether waiting alone may let the scheduler start a job it could not: its rate limit
    is spent (it frees up as time passes), or queue input is awaited. Called in the
    scheduling loop's own thread, as Snakemake calls the rate limiter; True wherever
    Snakemake's scheduler lacks the parts this reads."""
    limiter = getattr(scheduler, "job_rate_limiter", None)
    dag = getattr(getattr(scheduler, "workflow", None), "dag", None)
    try:
        if limiter is None or dag is None or dag.has_unfinished_queue_input_jobs():
            return True
        return limiter.get_free_jobs() == 0
    except (AttributeError, TypeError):
        return True
