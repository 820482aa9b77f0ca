"""Starting and ending a job's process tree.

The command runs as `bash -c` in a new session, so its process group holds everything it
starts and a stop can end the whole tree. The memory limit is RLIMIT_DATA set by a `ulimit`
in a wrapper shell, rather than by a Python preexec_fn (not safe in a threaded server).
RLIMIT_DATA rather than RLIMIT_AS: it counts memory actually allocated, whereas address-space
reservations (OpenBLAS thread buffers, glibc arenas, CUDA) can exceed RLIMIT_AS long before a
job uses that much memory.

An isolated job's process is a sandbox tool (bwrap, unshare) with the job inside it, all in
one process group. bwrap dies at once on SIGTERM, and the runner would take its end for the
job's and kill the rest; so a graceful stop sends SIGTERM to the group's other members only,
and the tool ends when the job does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

Wrap = Callable[[Sequence[str]], list[str]]


def job_argv(command: str, memory_limit_bytes: int | None) -> list[str]:
    if memory_limit_bytes is None:
        return ["bash", "-c", command]
    kib = max(memory_limit_bytes // 1024, 1)
    # the command travels as $1, never spliced into the wrapper's own source
    wrapper = f'ulimit -d {kib} || exit 125; exec bash -c "$1"'
    return ["bash", "-c", wrapper, "domino-job", command]


def spawn(
    command: str,
    *,
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    memory_limit: int | None,
    wrap: Wrap | None = None,
) -> subprocess.Popen[bytes]:
    argv = job_argv(command, memory_limit)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            wrap(argv) if wrap is not None else argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> bool:
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group (Linux: read from /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # fields after the command name (which may hold spaces and parentheses)
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def terminate_group_except_leader(pgid: int) -> None:
    for pid in group_members(pgid):
        if pid != pgid:
            try:
                os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass


def terminate_tree(
    proc: subprocess.Popen[bytes], grace_seconds: float, spare_leader: bool = False
) -> None:
    """SIGTERM the job's group, SIGKILL it if the main process outlives the grace period.

    spare_leader: the main process is a sandbox tool that ends with the job inside it."""
    if spare_leader:
        terminate_group_except_leader(proc.pid)
    else:
        kill_group(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    kill_group(proc.pid, signal.SIGKILL)


def terminate_in_background(
    proc: subprocess.Popen[bytes], grace_seconds: float, spare_leader: bool = False
) -> None:
    threading.Thread(
        target=terminate_tree, args=(proc, grace_seconds, spare_leader),
        name=f"stop-{proc.pid}", daemon=True,
    ).start()


def kill_orphan(pid: int | None, job_id: str) -> bool:
    """Kill a job's process group left behind by a previous server, if it is still that job.

    Checks the process's environment for the job's DOMINO_RUN_ID, so a recycled pid is never
    killed by mistake. Linux only; elsewhere it does nothing.
    """
    if not pid:
        return False
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False
    if f"DOMINO_RUN_ID={job_id}".encode() not in environ.split(b"\0"):
        return False
    return kill_group(pid)
