"""The memory watchdog: a job's whole process tree counts, and going over kills it."""

from __future__ import annotations

import subprocess
import sys

from snakemake_executor_domino.local.jobs import memory

HOLD = "import sys, time; b = b'x' * (64 * 2**20); print('ready', flush=True); time.sleep(60)"


def spawn(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            start_new_session=True)


def test_the_tree_holds_children_and_grandchildren():
    outer = spawn(
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', {HOLD!r}])\n"
        "time.sleep(60)\n"
    )
    try:
        # the grandchild prints "ready" once it holds its 64 MB (stdout is inherited)
        assert outer.stdout.readline().strip() == b"ready"
        pids = memory.tree(outer.pid)
        assert len(pids) == 2 and pids[0] == outer.pid
        assert memory.tree_rss(outer.pid) > 64 * 2**20
    finally:
        memory.os.killpg(outer.pid, memory.signal.SIGKILL)
        outer.wait()


def test_over_the_limit_the_job_is_killed_and_says_so():
    job = spawn(HOLD)
    assert job.stdout.readline().strip() == b"ready"
    told = []
    status, oom = memory.wait_within(job, 32 * 2**20, told.append)
    assert (status, oom) == (137, True)
    assert told and told[0] > 32 * 2**20


def test_within_the_limit_or_without_one_it_is_a_plain_wait():
    job = spawn("print('done')")
    assert memory.wait_within(job, 2**40, lambda used: None) == (0, False)
    job = spawn("raise SystemExit(3)")
    assert memory.wait_within(job, None, lambda used: None) == (3, False)
