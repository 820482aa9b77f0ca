"""Fewer planning rounds (planning_rounds.py): one per batch of wake-ups, and Snakemake's
rate-limit re-checks sharing one timer per boundary."""

from __future__ import annotations

import inspect
import threading
import time

from snakemake.scheduling.job_scheduler import JobScheduler

from snakemake_executor_domino.planning_rounds import (
    QUANTUM,
    Rechecks,
    coalesce_rounds,
    drain_wakeups,
)


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
    rechecks = coalesce_rounds(scheduler, said.append)
    assert rechecks is not None and len(said) == 1
    assert coalesce_rounds(scheduler, said.append) is rechecks and len(said) == 1
    scheduler._schedule_reevalutation(0)
    scheduler._schedule_reevalutation(0)
    assert 1 <= releases(scheduler._open_jobs, rechecks) <= 2


def test_a_scheduler_of_another_shape_is_left_alone():
    class Other:
        pass

    said: list[str] = []
    assert coalesce_rounds(Other(), said.append) is None and said == []
    assert coalesce_rounds(None, said.append) is None


def test_wakeups_given_before_a_round_are_served_by_it():
    semaphore = threading.Semaphore(0)
    drain_wakeups(semaphore)
    for _ in range(5):  # five jobs seen ending in one poll
        semaphore.release()
    assert semaphore.acquire()  # one round handles all five
    assert not semaphore.acquire(blocking=False)
    assert not semaphore.acquire(timeout=0.01)
    # a job ending once that round has begun wakes another
    threading.Timer(0.05, semaphore.release).start()
    assert semaphore.acquire(timeout=30)


def test_snakemakes_loop_takes_its_wakeups_through_the_drained_semaphore():
    """A canary for Snakemake upgrades: the scheduling loop wakes on `_open_jobs.acquire()`
    and each ended job releases it once (so a batch gave a round per job)."""
    loop = inspect.getsource(JobScheduler.schedule)
    proceed = inspect.getsource(JobScheduler._proceed)
    assert "self._open_jobs.acquire()" in loop
    assert "self._open_jobs.release()" in proceed
    scheduler = object.__new__(JobScheduler)
    scheduler._open_jobs = threading.Semaphore(0)
    assert coalesce_rounds(scheduler, lambda said: None) is not None
    scheduler._open_jobs.release()
    scheduler._open_jobs.release()
    assert scheduler._open_jobs.acquire() and not scheduler._open_jobs.acquire(False)
