"""What a finished job used: its CPU time and peak resident memory.

The memory watchdog (memory.py) looks at the job's process tree in /proc every
SAMPLE_SECONDS while the job runs; a Meter is what it looks with. Each look reads, for the
spawned process and every descendant, the resident memory (whose sum the watchdog holds
against the tier), the memory high-water mark (`VmHWM`, which a new program starts afresh)
and the CPU time with that of the children each has waited for. The meter keeps the
largest high-water mark and the largest CPU total it saw.

So both numbers are as of the last look, at most a sample interval before the job ended,
and a process that lives less than an interval is missed. The kernel's own account of a
reaped child (`wait4`) is no better here: its peak counts the copy of this server a forked
child starts as, so every job would seem to use at least the server's memory, and
bubblewrap's pid namespace does not pass its job's CPU time on. Linux only; elsewhere
nothing is measured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from snakemake_executor_domino.local.store.database import Store

PROC = Path("/proc")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    peak_memory_bytes: int | None


class Meter:
    def __init__(self, proc_root: Path = PROC) -> None:
        self.proc_root = proc_root
        self.looks = 0
        self.peak = 0
        self.cpu_seconds = 0.0

    def sample(self, root: int) -> int:
        """Look at `root` and its descendants; the resident memory they hold together (the
        watchdog's measure), keeping their peak and CPU time."""
        rss, peak, ticks = 0, 0, 0
        for pid, fields in self._tree(root):
            status = _status(self.proc_root / str(pid) / "status")
            rss += status.get("VmRSS:", 0)
            peak = max(peak, status.get("VmHWM:", 0))
            ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        self.looks += 1
        self.peak = max(self.peak, peak)
        self.cpu_seconds = max(self.cpu_seconds, ticks / TICKS_PER_SECOND)
        return rss

    @property
    def usage(self) -> Usage | None:
        if not self.looks:
            return None  # ended before the first look
        return Usage(round(self.cpu_seconds, 3), self.peak or None)

    def record(self, store: Store, job_id: str) -> None:
        used = self.usage
        if used is not None:
            store.update_job(job_id, cpu_seconds=used.cpu_seconds,
                             peak_memory_bytes=used.peak_memory_bytes)

    def _tree(self, root: int) -> list[tuple[int, list[str]]]:
        found = []
        for pid in descendants(root, self.proc_root):
            if fields := _stat(self.proc_root / str(pid) / "stat"):
                found.append((pid, fields))
        return found


def descendants(root: int, proc_root: Path = PROC) -> list[int]:
    """`root` and every process descended from it, `root` first.

    Read from the kernel's per-thread lists of children (/proc/PID/task/TID/children),
    which cost a few reads per process of the tree; the watchdog looks several times a
    second at every running job, and a scan of all of /proc each time cost a core's
    tenth per job on a busy machine. Where the kernel keeps no such lists
    (CONFIG_PROC_CHILDREN off) every process's parent is read from its stat instead."""
    if _has_children_lists(proc_root, root):
        children_of = partial(_listed_children, proc_root)
    else:
        children_of = _scanned_children(proc_root).get
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children_of(pid) or ())
    return found


def _has_children_lists(proc_root: Path, root: int) -> bool:
    tasks = _listdir(proc_root / str(root) / "task")
    return bool(tasks) and (proc_root / str(root) / "task" / tasks[0] / "children").exists()


def _listed_children(proc_root: Path, pid: int) -> list[int]:
    children = []
    for task in _listdir(proc_root / str(pid) / "task"):
        try:
            text = (proc_root / str(pid) / "task" / task / "children").read_text()
        except OSError:
            continue  # the thread or process ended meanwhile
        children += [int(child) for child in text.split()]
    return children


def _scanned_children(proc_root: Path) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in _listdir(proc_root):
        if entry.isdigit() and (fields := _stat(proc_root / entry / "stat")):
            children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _listdir(path: Path) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def stat_fields(text: str) -> list[str]:
    """The fields of a /proc/<pid>/stat text from the state on: [0] is proc(5)'s field 3
    (state), [1] the parent, [11:15] utime, stime, cutime, cstime, [19] starttime."""
    # after the command name, which may hold spaces and parentheses
    return text[text.rfind(")") + 1 :].split()


def _stat(path: Path) -> list[str] | None:
    try:
        fields = stat_fields(path.read_text())
    except OSError:
        return None  # gone meanwhile
    return fields if len(fields) > 14 and fields[1].isdigit() else None


def _status(path: Path) -> dict[str, int]:
    """VmRSS and VmHWM of /proc/<pid>/status, in bytes (none for a zombie or a thread)."""
    found = {}
    try:
        for line in path.read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, value = line.split()[:2]
                found[name] = int(value) * 1024  # reported in kB
    except (OSError, ValueError):
        pass
    return found
