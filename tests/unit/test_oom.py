"""Telling an out-of-memory end from any other failure."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.placement.oom import TAIL_CHARS, out_of_memory


@pytest.mark.parametrize(
    "log",
    [
        "step 3\nOOMKilled: the job used more than its tier's 4 GiB of memory",
        "Traceback (most recent call last):\n  ...\nMemoryError\n",
        "numpy.core._exceptions._ArrayMemoryError: Unable to allocate 8.00 GiB for an array",
        "terminate called after throwing an instance of 'std::bad_alloc'",
        "bash: fork: Cannot allocate memory",
        "command exited with status 137",
    ],
)
def test_memory_marks_at_the_end_of_a_log(log):
    assert out_of_memory(log)


def test_other_failures_and_old_marks_are_not_out_of_memory():
    assert not out_of_memory("Traceback ...\nValueError: bad input\nexited with status 1")
    handled = "caught MemoryError, retried with chunks\n" + "x" * TAIL_CHARS + "\nKeyError: 'a'"
    assert not out_of_memory(handled)


def test_a_problem_suggestion_about_memory_decides():
    assert out_of_memory("", "Your job ran out of memory. Choose a larger hardware tier.")
    assert not out_of_memory("", "The environment image could not be pulled.")
