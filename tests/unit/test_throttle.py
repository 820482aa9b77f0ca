"""StartThrottle: refused starts are started again only into room the run has left."""

from __future__ import annotations

from snakemake_executor_domino.throttle import UNSEEN_CYCLES, StartThrottle


def test_first_refusal_sets_the_limit_and_says_so_once():
    said: list[str] = []
    throttle = StartThrottle(said.append)
    throttle.new_cycle(12, [f"j{i}" for i in range(13)])
    assert throttle.may_restart("a", 12, "rule a") is False
    assert throttle.may_restart("b", 12, "rule b") is False
    assert len(said) == 1 and "-j 12 avoids" in said[0]


def test_restarts_within_one_cycle_fill_only_the_room_left():
    throttle = StartThrottle(lambda _: None)
    throttle.limit = 12
    throttle.new_cycle(10, [f"j{i}" for i in range(10)])
    verdicts = [throttle.may_restart(f"k{i}", 10, "rule") for i in range(5)]
    assert verdicts == [True, True, False, False, False]
    # the next check shows both restarted jobs and counts its executions afresh
    throttle.new_cycle(9, ["r0", "r1"])
    assert throttle.may_restart("k2", 9, "rule") is True


def test_new_jobs_start_freely_until_a_refusal_then_wait_for_room_in_order():
    throttle = StartThrottle(lambda _: None)
    throttle.new_cycle(0, [])
    assert all(throttle.admit(f"job{i}", f"info{i}") for i in range(8))  # no limit known
    throttle.new_cycle(8, [f"job{i}" for i in range(8)])
    assert throttle.may_restart("refused", 8, "rule") is False  # the limit is now 8
    assert throttle.admit("a", "info-a") is False and throttle.admit("b", "info-b") is False
    assert throttle.holds("info-a") and throttle.release() == []  # still no room
    throttle.new_cycle(7, [])  # one execution ended: the refused one goes first
    assert throttle.may_restart("refused", 7, "rule") is True
    assert throttle.release() == []
    throttle.new_cycle(7, ["refused-again"])  # another ended; the restart is shown
    assert throttle.release() == [("a", "info-a")]
    assert throttle.admit("c", "info-c") is False  # never ahead of one already waiting
    throttle.new_cycle(5, ["a"])
    assert throttle.release() == [("b", "info-b"), ("c", "info-c")]
    assert not throttle.holds("info-b")


def test_a_start_no_check_has_shown_yet_still_takes_its_place():
    """A start sent while a status check was under way is not among the jobs it shows:
    it must still count, or the next start goes into a queue that is already full."""
    throttle = StartThrottle(lambda _: None)
    throttle.limit = 4
    throttle.new_cycle(3, ["j0", "j1", "j2"])
    assert throttle.admit("late", "info-late") is True  # the fourth place
    throttle.new_cycle(3, ["j0", "j1", "j2"])  # the check began before "late" landed
    assert throttle.admit("next", "info-next") is False
    throttle.new_cycle(4, ["j0", "j1", "j2", "late"])  # now shown, and counted once
    assert throttle.release() == []
    throttle.new_cycle(3, ["j1", "j2", "late"])  # j0 ended
    assert throttle.release() == [("next", "info-next")]


def test_a_start_that_made_no_job_stops_holding_a_place():
    throttle = StartThrottle(lambda _: None)
    throttle.limit = 2
    throttle.new_cycle(1, ["j0"])
    assert throttle.admit("failed", "info-failed") is True  # its start then fails
    assert throttle.admit("waits", "info-waits") is False
    for _ in range(UNSEEN_CYCLES):
        throttle.new_cycle(1, ["j0"])
        assert throttle.release() == []
    throttle.new_cycle(1, ["j0"])
    assert throttle.release() == [("waits", "info-waits")]
