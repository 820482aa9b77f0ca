"""One convention for people: times, durations and binary sizes (formatting.py)."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.formatting import clock, duration, size


@pytest.mark.parametrize(("ms", "shown"), [
    (850, "850 ms"), (900, "900 ms"), (4_200, "4.2 s"), (42_000, "42 s"),
    (61_000, "1 m 01 s"), (185_000, "3 m 05 s"), (3_720_000, "1 h 02 m"),
])
def test_duration(ms, shown):
    assert duration(ms) == shown


@pytest.mark.parametrize(("n", "shown"), [
    (0, "0 B"), (512, "512 B"), (1024, "1 KiB"), (12 * 1024, "12 KiB"),
    (3 * 2**20, "3.0 MiB"), (2_000_000, "1.9 MiB"), (3 * 2**30, "3.0 GiB"),
])
def test_size_is_binary(n, shown):
    assert size(n) == shown


def test_missing_values_and_clock():
    assert duration(None) == clock(None) == size(None) == "-"
    assert clock(None, missing="—") == "—"
    assert len(clock(0)) == len("1970-01-01 00:00:00")
