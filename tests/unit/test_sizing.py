"""Choosing the smallest tier that holds a job, and the next one by memory."""

from __future__ import annotations

from snakemake_executor_domino.domino import HardwareTier
from snakemake_executor_domino.formatting import count, hardware, tier_label
from snakemake_executor_domino.placement.sizing import (
    Ask,
    by_size,
    largest,
    misfits,
    next_by_memory,
    smallest_fit,
    unjudged,
)


def tier(name, cores, memory, gpus=0, cents=None, default=False) -> HardwareTier:
    return HardwareTier(id=name.lower(), name=name, is_default=default, cores=cores,
                        memory_gib=memory, gpus=gpus, cents_per_minute=cents)


SMALL, MEDIUM, LARGE = tier("Small", 1, 4), tier("Medium", 2, 8), tier("Large", 4, 16)
GPU = tier("GPU", 4, 16, gpus=1)
# listed out of order: the choice must not follow the list
TIERS = [GPU, LARGE, SMALL, MEDIUM]


def test_smallest_tier_that_holds_memory_threads_and_gpus():
    assert smallest_fit(TIERS, Ask(mem_mb=1000)) is SMALL
    assert smallest_fit(TIERS, Ask(mem_mb=5000)) is MEDIUM  # 4 GiB = 4295 MB < 5000
    assert smallest_fit(TIERS, Ask(mem_mb=4294)) is SMALL  # 4 GiB = 4294.97 MB
    assert smallest_fit(TIERS, Ask(threads=3)) is LARGE
    assert smallest_fit(TIERS, Ask(threads=2, mem_mb=9000)) is LARGE
    assert smallest_fit(TIERS, Ask(gpus=1)) is GPU
    assert smallest_fit(TIERS, Ask(mem_mb=20000)) is None
    assert smallest_fit(TIERS, Ask(threads=2, disk_mb=10**7)) is MEDIUM  # disk not judged


def test_cpu_jobs_never_land_on_a_gpu_tier_of_the_same_size():
    assert smallest_fit(TIERS, Ask(threads=4, mem_mb=10000)) is LARGE
    assert by_size(TIERS) == [SMALL, MEDIUM, LARGE, GPU]
    assert largest(TIERS) is GPU


def test_ties_go_to_the_cheaper_tier():
    dear, cheap = tier("Dear", 2, 8, cents=9.0), tier("Cheap", 2, 8, cents=3.0)
    assert smallest_fit([dear, cheap], Ask(mem_mb=6000)) is cheap
    unpriced = tier("Unpriced", 2, 8)
    assert smallest_fit([unpriced, dear], Ask(mem_mb=6000)) is dear
    # same size, no prices: the list's order
    twin = tier("Twin", 2, 8)
    assert smallest_fit([unpriced, twin], Ask(mem_mb=6000)) is unpriced


def test_what_no_tier_reports_is_not_judged():
    blind = [tier("A", None, None, gpus=None), tier("B", None, None, gpus=None)]
    assert unjudged(blind, Ask(threads=4, mem_mb=10**6, gpus=1)) == ["threads", "mem_mb", "gpu"]
    assert smallest_fit(blind, Ask(mem_mb=10**6)) is blind[0]
    # a tier that does not report memory while another does cannot be shown to hold it
    partial = [tier("Mystery", 8, None), SMALL]
    assert smallest_fit(partial, Ask(mem_mb=6000)) is None
    assert unjudged(partial, Ask(mem_mb=6000)) == []


def test_next_tier_by_memory():
    assert next_by_memory(TIERS, SMALL) is MEDIUM
    assert next_by_memory(TIERS, MEDIUM) is LARGE  # not the GPU tier of the same memory
    assert next_by_memory(TIERS, LARGE) is None  # GPU has 16 GiB too: not more
    assert next_by_memory(TIERS, SMALL, Ask(threads=3)) is LARGE  # still holds the job
    assert next_by_memory(TIERS, tier("Blind", 1, None)) is None


def test_misfits_name_the_rule_the_ask_and_the_tier():
    assert misfits("r", Ask(threads=1, mem_mb=4000), SMALL) == []
    assert misfits("r", Ask(threads=2), SMALL) == [
        "rule r: threads=2, but tier Small has 1 core"
    ]
    assert misfits("r", Ask(mem_mb=5000), SMALL) == [
        "rule r: mem_mb=5000, but tier Small has 4 GiB (4295 MB)"
    ]
    assert misfits("r", Ask(gpus=1), SMALL) == ["rule r: gpu=1, but tier Small has 0"]
    assert misfits("r", Ask(threads=64, mem_mb=10**6), tier("Odd", None, None, gpus=None)) == []


def test_tier_label_and_ask_description():
    assert tier_label(GPU) == "GPU (4 cores, 16 GiB, 1 GPU)"
    assert Ask(threads=2, mem_mb=6000).describe() == "threads=2, mem_mb=6000"
    assert not Ask(disk_mb=5)  # disk alone chooses nothing
    assert Ask(mem_mb=1).merged(Ask(threads=3, mem_mb=5)) == Ask(threads=3, mem_mb=5)


def test_hardware_reads_the_same_everywhere():
    assert count(1, "core") == "1 core" and count(0.5, "core") == "0.5 cores"
    assert hardware(2, 8, 0) == "2 cores, 8 GiB"  # no GPUs: not named
    assert hardware(None, None) == ""
    assert tier_label(HardwareTier("t", "Tiny", False)) == "Tiny"
