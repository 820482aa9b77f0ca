"""Run a child process and measure it: wall time, and CPU time of that process alone.

The child's own CPU (not its children's: a local Snakemake runs the jobs' shell commands
as children) is read from /proc/PID/stat after it has exited but before it is reaped
(waitid with WNOWAIT), so nothing is missed at the end. os.wait4 then gives the total.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from snakemake_executor_domino.local.jobs.usage import stat_fields

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    returncode: int
    wall: float  # seconds
    cpu_self: float  # user+system seconds of the process itself
    cpu_children: float  # user+system seconds of the descendants it waited for
    max_rss_mb: float  # peak RSS of the process (or its largest waited-for descendant)
    log: Path
    started: float  # wall-clock (epoch) start and end, to line up with other clocks
    ended: float

    def check(self, what: str) -> Measured:
        if self.returncode != 0:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{what} failed with exit code {self.returncode}:\n{tail}")
        return self


def run_measured(
    args: Sequence[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float
) -> Measured:
    with open(log, "wb") as out:
        started = time.time()
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(args), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
        timer.start()
        try:
            os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
            wall = time.perf_counter() - start
            ended = time.time()
            cpu_self, cpu_children = stat_cpu(proc.pid)
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        returncode=proc.returncode,
        wall=wall,
        cpu_self=cpu_self,
        cpu_children=cpu_children,
        max_rss_mb=usage.ru_maxrss / 1024,
        log=log,
        started=started,
        ended=ended,
    )


def stat_cpu(pid: int) -> tuple[float, float]:
    """(own CPU seconds, CPU seconds of reaped children) of a process, from /proc."""
    fields = stat_fields(Path(f"/proc/{pid}/stat").read_text())
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime) / TICK, (cutime + cstime) / TICK


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, 9)
    except ProcessLookupError:
        pass
