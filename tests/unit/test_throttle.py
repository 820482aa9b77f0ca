"""StartThrottle: refused starts are started again only into room the run has left."""

from __future__ import annotations

from snakemake_executor_domino.throttle import StartThrottle


def test_first_refusal_sets_the_limit_and_says_so_once():
    said: list[str] = []
    throttle = StartThrottle(said.append)
    throttle.new_cycle()
    assert throttle.may_restart("a", 12, "rule a") is False
    assert throttle.may_restart("b", 12, "rule b") is False
    assert len(said) == 1 and "-j 12 avoids" in said[0]


def test_restarts_within_one_cycle_fill_only_the_room_left():
    throttle = StartThrottle(lambda _: None)
    throttle.limit = 12
    throttle.new_cycle()
    verdicts = [throttle.may_restart(f"k{i}", 10, "rule") for i in range(5)]
    assert verdicts == [True, True, False, False, False]
    throttle.new_cycle()  # the next cycle counts its executions afresh
    assert throttle.may_restart("k2", 9, "rule") is True
