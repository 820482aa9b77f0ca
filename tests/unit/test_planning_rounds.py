"""Snakemake's rate-limit re-checks share one timer per boundary (planning_rounds.py)."""

from __future__ import annotations

import threading
import time

from snakemake.scheduling.job_scheduler import JobScheduler

from snakemake_executor_domino.planning_rounds import QUANTUM, Rechecks, coalesce_rechecks


def releases(semaphore: threading.Semaphore, rechecks: Rechecks) -> int:
    """Wake-ups the re-checks gave, once none is pending any more (a timer wakes the
    scheduler before it stops counting as pending)."""
    woken = 0
    deadline = time.monotonic() + 30
    while rechecks.pending() and time.monotonic() < deadline:
        woken += semaphore.acquire(timeout=0.05)
    while semaphore.acquire(blocking=False):
        woken += 1
    return woken


def test_many_asks_within_a_quantum_wake_the_scheduler_once_or_twice():
    semaphore = threading.Semaphore(0)
    rechecks = Rechecks(semaphore.release)
    for _ in range(50):  # 50 planning rounds, each asking for a re-check soon
        rechecks.ask(0.01)
    # every ask rounds up to a boundary; 50 quick asks straddle at most one boundary
    assert 1 <= rechecks.pending() <= 2
    assert 1 <= releases(semaphore, rechecks) <= 2


def test_a_recheck_never_comes_before_it_was_asked_for():
    semaphore = threading.Semaphore(0)
    rechecks = Rechecks(semaphore.release)
    asked = time.monotonic()
    rechecks.ask(0.3)
    assert semaphore.acquire(timeout=30)
    assert time.monotonic() - asked >= 0.3
    # one ask later than the pending boundary gets a timer of its own
    rechecks.ask(QUANTUM * 3)
    rechecks.ask(0.0)
    assert rechecks.pending() == 2


def test_applies_to_snakemakes_own_scheduler_once():
    """A canary for Snakemake upgrades: its JobScheduler still has the method and the
    semaphore this replaces, and the replacement is what its scheduling loop calls."""
    scheduler = object.__new__(JobScheduler)
    scheduler._open_jobs = threading.Semaphore(0)
    said: list[str] = []
    rechecks = coalesce_rechecks(scheduler, said.append)
    assert rechecks is not None and len(said) == 1
    assert coalesce_rechecks(scheduler, said.append) is rechecks and len(said) == 1
    scheduler._schedule_reevalutation(0)
    scheduler._schedule_reevalutation(0)
    assert 1 <= releases(scheduler._open_jobs, rechecks) <= 2


def test_a_scheduler_of_another_shape_is_left_alone():
    class Other:
        pass

    said: list[str] = []
    assert coalesce_rechecks(Other(), said.append) is None and said == []
    assert coalesce_rechecks(None, said.append) is None


def test_an_ask_where_waiting_frees_nothing_books_no_round():
    semaphore = threading.Semaphore(0)
    rechecks = Rechecks(semaphore.release, needed=lambda: False)
    rechecks.ask(0.0)
    assert rechecks.pending() == 0 and not semaphore.acquire(timeout=QUANTUM * 2)


class _Dag:
    def __init__(self, awaiting_queue_input: bool) -> None:
        self.awaiting = awaiting_queue_input

    def has_unfinished_queue_input_jobs(self) -> bool:
        return self.awaiting


def _scheduler(max_jobs: int, started: int, awaiting_queue_input: bool = False):
    """Snakemake's scheduler with its own rate limiter, `started` jobs just registered."""
    from types import SimpleNamespace

    from snakemake.scheduling.job_scheduler import JobRateLimiter
    from snakemake.settings.types import MaxJobsPerTimespan

    scheduler = object.__new__(JobScheduler)
    scheduler._open_jobs = threading.Semaphore(0)
    scheduler.job_rate_limiter = JobRateLimiter(MaxJobsPerTimespan(max_jobs, "1h"))
    scheduler.job_rate_limiter.register_jobs(started)
    scheduler.workflow = SimpleNamespace(dag=_Dag(awaiting_queue_input))
    return scheduler


def test_a_recheck_is_booked_only_where_the_rate_limit_is_spent_or_queue_input_awaited():
    for started, awaiting, booked in [(3, False, 0), (10, False, 1), (3, True, 1)]:
        scheduler = _scheduler(10, started, awaiting)
        rechecks = coalesce_rechecks(scheduler, lambda _: None)
        assert rechecks is not None
        scheduler._schedule_reevalutation(QUANTUM * 100)  # as its planning round does
        assert rechecks.pending() == booked, (started, awaiting)


def test_a_round_with_nothing_free_selects_nothing_without_the_selector():
    from types import SimpleNamespace

    asked: list[int] = []

    def selector(selectable, remaining, available, input_sizes):
        asked.append(len(selectable))
        return list(selectable)[: available["_nodes"]]

    scheduler = object.__new__(JobScheduler)
    scheduler._open_jobs = threading.Semaphore(0)
    scheduler._job_selector = selector
    said: list[str] = []
    assert coalesce_rechecks(scheduler, said.append) is not None
    assert "rounds with nothing free select nothing" in said[0]
    jobs = [SimpleNamespace(scheduler_resources={"_nodes": 1, "mem_mb": m})
            for m in (100, 4000)]
    # every -j slot taken: the integer program would pick none of the waiting jobs
    assert scheduler._job_selector(jobs, jobs, {"_nodes": 0, "mem_mb": 10**6}, {}) == []
    # a slot free, but memory for neither job
    assert scheduler._job_selector(jobs, jobs, {"_nodes": 3, "mem_mb": 50}, {}) == []
    assert asked == []
    # one fits: the selector decides, over every waiting job
    assert scheduler._job_selector(jobs, jobs, {"_nodes": 1, "mem_mb": 200}, {}) == jobs[:1]
    assert asked == [2]


class _Job:
    """What Snakemake's selectors read of a job (hashable, as the ILP keys them)."""

    def __init__(self, mem_mb: int, priority: int = 0):
        self.scheduler_resources = {"_nodes": 1, "_cores": 1, "mem_mb": mem_mb}
        self.priority = priority
        self.input: list = []


def _wrapped(asked: list[int]) -> JobScheduler:
    def selector(selectable, remaining, available, input_sizes):
        asked.append(len(selectable))
        return list(selectable)[:1]

    scheduler = object.__new__(JobScheduler)
    scheduler._open_jobs = threading.Semaphore(0)
    scheduler._job_selector = selector
    assert coalesce_rechecks(scheduler, lambda _: None) is not None
    return scheduler


def test_a_round_where_every_waiting_job_fits_selects_all_without_the_selector():
    asked: list[int] = []
    scheduler = _wrapped(asked)
    jobs = {_Job(100), _Job(200), _Job(300)}
    free = {"_nodes": 3, "_cores": 8, "mem_mb": 600}
    assert set(scheduler._job_selector(jobs, jobs, free, {})) == jobs
    assert asked == []
    # one too many for the slots, or for the memory: the selector decides
    assert len(scheduler._job_selector(jobs, jobs, {**free, "_nodes": 2}, {})) == 1
    assert len(scheduler._job_selector(jobs, jobs, {**free, "mem_mb": 599}, {})) == 1
    # a negative priority, which the integer program may leave out: the selector decides
    low = {_Job(100), _Job(100, priority=-1)}
    assert len(scheduler._job_selector(low, low, free, {})) == 1
    assert asked == [3, 3, 2]


def test_snakemakes_integer_program_selects_every_job_when_all_fit():
    """A canary for Snakemake upgrades: the shortcut above answers what its `ilp` scheduler
    does (which runs the CBC solver here)."""
    import logging

    from snakemake.scheduling.milp import Scheduler, SchedulerSettings

    ilp = Scheduler(None, SchedulerSettings(), logging.getLogger("test"))
    jobs = [_Job(100), _Job(200, priority=5), _Job(300)]
    free = {"_nodes": 3, "_cores": 8, "mem_mb": 600, "_job_count": 100}
    assert set(ilp.select_jobs(jobs, jobs, free, {})) == set(jobs)
    # and where they do not all fit, it leaves some out (the shortcut must not apply)
    assert len(ilp.select_jobs(jobs, jobs, {**free, "_nodes": 2}, {})) == 2
