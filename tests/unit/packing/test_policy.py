"""When and how much to pack: the setting, a rule's cap, the auto decision, the split."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.packing import grouping
from snakemake_executor_domino.packing.policy import (
    AUTO,
    OFF,
    Observations,
    PackSetting,
    decide,
    parse_setting,
)


def test_setting_reads_auto_off_and_a_size_and_names_the_fix_otherwise():
    assert parse_setting(None) == PackSetting(AUTO)
    assert parse_setting(" OFF ") == PackSetting(OFF)
    assert parse_setting("20") == PackSetting("fixed", 20)
    for bad in ("0", "many", "1000"):
        with pytest.raises(ConfigurationError, match="--domino-pack .* auto, off or a number"):
            parse_setting(bad)


def seen(latencies=(), queueing=False, capacity=0) -> Observations:
    obs = Observations()
    for seconds in latencies:
        obs.started(0, int(seconds * 1000))
    obs.queueing, obs.capacity = queueing, capacity
    return obs


def test_auto_packs_nothing_before_it_has_seen_anything_and_says_it_is_unsure():
    decision = decide(PackSetting(AUTO), seen(), None, slots=4, refused=False)
    assert decision.size == 1 and not decision.sure


def test_auto_runs_jobs_alone_when_they_run_longer_than_domino_takes_to_start_them():
    decision = decide(PackSetting(AUTO), seen([5]), 60.0, slots=4, refused=False)
    assert decision.size == 1 and decision.sure


def test_auto_packs_waves_that_end_about_when_a_separate_job_would():
    # 20 s to start, 5 s to run: 1 + 20/5 waves of 2 members end by 25 s, as a lone job
    decision = decide(PackSetting(AUTO), seen([20]), 5.0, slots=2, refused=False)
    assert decision.size == 10 and "start latency 20.0 s > run time 5.0 s" in decision.why


def test_auto_spreads_jobs_over_the_executions_domino_runs_at_once_when_it_queues():
    decision = decide(PackSetting(AUTO), seen([1], queueing=True, capacity=2), None,
                      slots=1, refused=False, count=20)
    assert decision.size == 10 and "queueing" in decision.why


def test_auto_spreads_jobs_over_the_places_this_runs_own_executions_leave():
    # quota 25 with 7 of this run's executions still in flight: 18 places in the next
    # wave; 25 packs would leave 7 of them a wave later
    obs = seen([45], queueing=True, capacity=25)
    obs.in_flight = 7
    assert decide(PackSetting(AUTO), obs, None, slots=1, refused=False, count=900).size == 50
    obs.in_flight = 30  # more than the capacity: the packs wait, then have a whole wave
    assert decide(PackSetting(AUTO), obs, None, slots=1, refused=False, count=900).size == 36


def test_while_domino_queues_the_executions_it_admitted_are_its_capacity():
    obs = Observations()
    obs.cycle(running=0, queued=0, in_flight=20)  # all still starting: nothing known
    assert obs.capacity == 0
    obs.cycle(running=3, queued=7, in_flight=32)  # 25 admitted, most of them starting
    assert (obs.capacity, obs.in_flight) == (25, 32)
    obs.cycle(running=10, queued=0, in_flight=10)  # the most admitted is kept
    assert obs.capacity == 25


def test_off_never_packs_and_a_size_always_does():
    assert decide(PackSetting(OFF), seen([60], True, 1), 1.0, 4, True, count=50).size == 1
    assert decide(PackSetting("fixed", 7), seen(), None, 1, False).size == 7


def test_split_makes_near_equal_packs():
    assert [len(p) for p in grouping.split(list(range(10)), 4)] == [4, 3, 3]
    assert grouping.split([], 4) == []


def test_slots_are_what_the_tier_cores_and_memory_hold():
    assert grouping.slots(4, 16, threads=1, mem_mb=None) == 4
    assert grouping.slots(4, 16, threads=3, mem_mb=None) == 1
    assert grouping.slots(8, 4, threads=1, mem_mb=2048) == 2
    assert grouping.slots(None, None, threads=2, mem_mb=None) == 1
