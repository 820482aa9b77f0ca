"""What an isolated job sees, and the command lines that build it with bubblewrap or unshare.

A job gets a new mount namespace whose root is an empty, read-only tmpfs holding only: the
system directories and the compute environment, read-only; its own files at /mnt, writable;
its API token; its project's datasets under /domino/datasets; a private /tmp, /var/tmp,
home, /proc and /dev. The network namespace is
shared, so the job reaches the local Domino on 127.0.0.1 as a scheduled orchestrator must.
The job also gets its own PID namespace (it cannot see or signal the server's processes) and
IPC namespace.

The view is one list of mounts (pure data, unit-tested); `bwrap_argv` and `unshare_argv`
render it for the two tools.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

JOB_DIR = "/mnt"
TOKEN_FILE = "/run/domino/token"
HOME_DIR = "/home/domino"
# the host's system directories, shown read-only; merged-/usr links are recreated as links
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")
PRIVATE_TMPFS = ("/tmp", "/var/tmp", "/home")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


@dataclass(frozen=True)
class Mount:
    kind: str  # "ro", "rw", "tmpfs", "dir", "symlink", "proc" or "dev"
    dest: str
    src: str = ""  # a bind's host path, or a symlink's target


def job_mounts(
    workspace: Path, token_file: Path, environment: Sequence[Path],
    datasets: Sequence[Mount] = (),
) -> list[Mount]:
    """The job's view, in mount order: later mounts may sit inside earlier ones (a venv under
    /home on top of the private /home), never the reverse. `datasets`: the project's
    dataset mounts (jobs/dataset_mounts.py), under /domino."""
    mounts = system_mounts()
    mounts += [Mount("proc", "/proc"), Mount("dev", "/dev")]
    mounts += [Mount("tmpfs", d) for d in PRIVATE_TMPFS]
    mounts.append(Mount("dir", HOME_DIR))
    mounts.append(Mount("rw", JOB_DIR, str(workspace)))
    mounts += [Mount("ro", str(p), str(p)) for p in environment]
    mounts.append(Mount("ro", TOKEN_FILE, str(token_file)))
    mounts += datasets
    return mounts


def system_mounts(host_root: Path = Path("/")) -> list[Mount]:
    mounts = []
    for name in SYSTEM_DIRS:
        host = host_root / name.lstrip("/")
        if host.is_symlink():
            mounts.append(Mount("symlink", name, os.readlink(host)))
        elif host.is_dir():
            mounts.append(Mount("ro", name, name))
    return mounts


# -- bubblewrap --------------------------------------------------------------------------------

_BWRAP_FLAGS = {
    "ro": "--ro-bind", "rw": "--bind", "tmpfs": "--tmpfs", "dir": "--dir",
    "symlink": "--symlink", "proc": "--proc", "dev": "--dev",
}


def bwrap_argv(mounts: Sequence[Mount], argv: Sequence[str], tool: str = "bwrap") -> list[str]:
    out = [tool, "--unshare-pid", "--unshare-ipc"]
    for m in mounts:
        flag = _BWRAP_FLAGS[m.kind]
        out += [flag, m.src, m.dest] if m.kind in ("ro", "rw", "symlink") else [flag, m.dest]
    # the root tmpfs read-only: a job's stray write fails instead of vanishing silently
    out += ["--remount-ro", "/", "--chdir", JOB_DIR, "--", *argv]
    return out


# -- unshare (util-linux) ----------------------------------------------------------------------

# Runs as PID 1 of the new PID namespace, in the new mount namespace: builds the view on a
# tmpfs at $R, pivots into it, then runs the job as a child. Not exec: PID 1 ignores SIGTERM
# from outside, and the job must get the server's SIGTERM to stop gracefully.
_SCRIPT_HEAD = r"""set -eu
R=$1; shift
mkpoint() {
  if [ -d "$1" ]; then mkdir -p "$R$2"; else mkdir -p "$(dirname "$R$2")"; : > "$R$2"; fi
}
ro() { mkpoint "$1" "$2"; mount --bind "$1" "$R$2"; mount -o remount,bind,ro "$R$2"; }
rw() { mkpoint "$1" "$2"; mount --bind "$1" "$R$2"; }
tmpfs() { mkdir -p "$R$1"; mount -t tmpfs -o mode=1777 tmpfs "$R$1"; }
dir() { mkdir -p "$R$1"; }
symlink() { mkdir -p "$(dirname "$R$2")"; ln -s "$1" "$R$2"; }
proc() { mkdir -p "$R$1"; mount -t proc proc "$R$1"; }
dev() {
  mkdir -p "$R$1"; mount -t tmpfs -o mode=0755 tmpfs "$R$1"
  for n in DEVICES; do : > "$R$1/$n"; mount --bind "/dev/$n" "$R$1/$n"; done
  mkdir "$R$1/shm"; mount -t tmpfs -o mode=1777 tmpfs "$R$1/shm"
  ln -s /proc/self/fd "$R$1/fd"
  ln -s fd/0 "$R$1/stdin"; ln -s fd/1 "$R$1/stdout"; ln -s fd/2 "$R$1/stderr"
}
mount -t tmpfs -o mode=0755 domino-job "$R"
""".replace("DEVICES", " ".join(DEVICES))

_SCRIPT_TAIL = f"""cd "$R"; mkdir .oldroot; pivot_root . .oldroot; cd /
umount -l /.oldroot; rmdir /.oldroot
mount -o remount,ro /
cd {JOB_DIR}
status=0; "$@" || status=$?
exit "$status"
"""


def unshare_script(mounts: Sequence[Mount]) -> str:
    lines = []
    for m in mounts:
        args = [m.src, m.dest] if m.kind in ("ro", "rw", "symlink") else [m.dest]
        lines.append(" ".join([m.kind, *(shlex.quote(a) for a in args)]))
    return _SCRIPT_HEAD + "\n".join(lines) + "\n" + _SCRIPT_TAIL


def unshare_argv(
    mounts: Sequence[Mount], argv: Sequence[str], newroot: Path, tool: str = "unshare"
) -> list[str]:
    """`newroot`: an empty host directory; each job mounts its own tmpfs there, visible only
    in its namespace, so jobs can share it."""
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    return [
        tool, "--mount", "--propagation", "private", "--pid", "--ipc", "--fork", *user,
        "--", "bash", "-c", unshare_script(mounts), "domino-job", str(newroot), *argv,
    ]
