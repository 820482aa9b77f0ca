"""StartThrottle: refused starts are started again only into room the run has left."""

from __future__ import annotations

from snakemake_executor_domino.throttle import StartThrottle


def test_first_refusal_sets_the_limit_and_says_so_once():
    said: list[str] = []
    throttle = StartThrottle(said.append)
    throttle.new_cycle(12)
    assert throttle.may_restart("a", 12, "rule a") is False
    assert throttle.may_restart("b", 12, "rule b") is False
    assert len(said) == 1 and "-j 12 avoids" in said[0]


def test_restarts_within_one_cycle_fill_only_the_room_left():
    throttle = StartThrottle(lambda _: None)
    throttle.limit = 12
    throttle.new_cycle(10)
    verdicts = [throttle.may_restart(f"k{i}", 10, "rule") for i in range(5)]
    assert verdicts == [True, True, False, False, False]
    throttle.new_cycle(9)  # the next cycle counts its executions afresh
    assert throttle.may_restart("k2", 9, "rule") is True


def test_new_jobs_start_freely_until_a_refusal_then_wait_for_room_in_order():
    throttle = StartThrottle(lambda _: None)
    throttle.new_cycle(0)
    assert all(throttle.admit(f"job{i}", f"info{i}") for i in range(8))  # no limit known
    throttle.new_cycle(8)
    assert throttle.may_restart("refused", 8, "rule") is False  # the limit is now 8
    assert throttle.admit("a", "info-a") is False and throttle.admit("b", "info-b") is False
    assert throttle.holds("info-a") and throttle.release() == []  # still no room
    throttle.new_cycle(7)  # one execution ended: the refused one goes first
    assert throttle.may_restart("refused", 7, "rule") is True
    assert throttle.release() == []
    throttle.new_cycle(7)  # room for one: the first that waited
    assert throttle.release() == [("a", "info-a")]
    assert throttle.admit("c", "info-c") is False  # never ahead of one already waiting
    throttle.new_cycle(5)
    assert throttle.release() == [("b", "info-b"), ("c", "info-c")]
    assert not throttle.holds("info-b")
