"""A tier's memory, enforced on a job's whole process tree, as Kubernetes enforces a pod's.

On Domino a hardware tier sets the memory limit of the job's pod; the kernel kills the
container when its processes together use more (exit status 137, reason OOMKilled). Here a
watchdog sums the resident memory (VmRSS) of the job's processes -- the spawned process and
every descendant, found through /proc -- every SAMPLE_SECONDS, and kills the job's process
group once the sum is over the tier's memory. A spike shorter than a sample can slip
through; a job that holds the memory cannot. RLIMIT_DATA (process.py) stays as a backstop
at BACKSTOP_FACTOR times the tier's memory, so one runaway allocation cannot take the
machine down between two samples.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

from snakemake_executor_domino.local.jobs.usage import descendants

# five looks a second: each costs about a millisecond of the server per running job
SAMPLE_SECONDS = 0.2
BACKSTOP_FACTOR = 2
# the exit status a job killed for its memory reports, as a container the kernel's OOM
# killer ended (128 + SIGKILL)
OOM_EXIT_CODE = 128 + signal.SIGKILL


def backstop(limit_bytes: int | None) -> int | None:
    """The RLIMIT_DATA of a job's processes, given its tier's memory."""
    return None if limit_bytes is None else limit_bytes * BACKSTOP_FACTOR


def tree(pid: int, proc_root: Path = Path("/proc")) -> list[int]:
    """`pid` and every process descended from it."""
    return descendants(pid, proc_root)


def rss_bytes(pid: int, proc_root: Path = Path("/proc")) -> int:
    try:
        for line in (proc_root / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0  # gone, a zombie, or a kernel thread: holds no memory of the job's


def tree_rss(pid: int, proc_root: Path = Path("/proc")) -> int:
    return sum(rss_bytes(p, proc_root) for p in tree(pid, proc_root))


def wait_within(
    proc: subprocess.Popen[bytes],
    limit_bytes: int | None,
    on_exceeded: Callable[[int], None],
    *,
    sample_seconds: float = SAMPLE_SECONDS,
    usage: Callable[[int], int] = tree_rss,
) -> tuple[int, bool]:
    """Wait for the job's process; kill its group if its tree uses more than `limit_bytes`.

    Returns (exit status, killed for its memory). `on_exceeded(used)` is told first, so
    the job's log can say why it ended. No limit: nothing is killed, but `usage` still
    looks at the tree every sample (it may be measuring the job, see usage.py).
    """
    while True:
        try:
            return proc.wait(timeout=sample_seconds), False
        except subprocess.TimeoutExpired:
            pass
        used = usage(proc.pid)
        if limit_bytes is not None and used > limit_bytes:
            on_exceeded(used)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
            return OOM_EXIT_CODE, True
