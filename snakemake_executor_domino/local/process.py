"""Starting and ending a job's process tree.

The command runs as `bash -c` in a new session, so its process group holds everything it
starts and a stop can end the whole tree. The memory limit is RLIMIT_DATA set by a `ulimit`
in a wrapper shell, rather than by a Python preexec_fn (not safe in a threaded server).
RLIMIT_DATA rather than RLIMIT_AS: it counts memory actually allocated, whereas address-space
reservations (OpenBLAS thread buffers, glibc arenas, CUDA) can exceed RLIMIT_AS long before a
job uses that much memory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path


def job_argv(command: str, memory_limit_bytes: int | None) -> list[str]:
    if memory_limit_bytes is None:
        return ["bash", "-c", command]
    kib = max(memory_limit_bytes // 1024, 1)
    # the command travels as $1, never spliced into the wrapper's own source
    wrapper = f'ulimit -d {kib} || exit 125; exec bash -c "$1"'
    return ["bash", "-c", wrapper, "domino-job", command]


def spawn(
    command: str, *, cwd: Path, env: dict[str, str], log_path: Path, memory_limit: int | None
) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            job_argv(command, memory_limit),
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


def terminate_tree(proc: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """SIGTERM the job's group, SIGKILL it if the main process outlives the grace period."""
    kill_group(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    kill_group(proc.pid, signal.SIGKILL)


def terminate_in_background(proc: subprocess.Popen[bytes], grace_seconds: float) -> None:
    threading.Thread(
        target=terminate_tree, args=(proc, grace_seconds), name=f"stop-{proc.pid}", daemon=True
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
