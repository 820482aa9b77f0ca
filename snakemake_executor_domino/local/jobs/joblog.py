"""Where a job's logs live and how the server adds its own lines to them.

A job has two files under `<root>/logs/`: `<jobId>.log`, the command's merged stdout+stderr
(the process writes it directly, so output survives a server crash), and `<jobId>.setup.log`,
the platform's preparation steps. Platform messages that explain an outcome (why a job is
Error, that it was stopped) go into the main log too, since that is what clients show.
"""

from __future__ import annotations

import time
from pathlib import Path

PREFIX = "[local-domino]"
# opens the platform line of a job killed for its memory (memory.py): how Kubernetes names a
# container the kernel's OOM killer ended
OOM_MARK = "OOMKilled:"


class JobLogs:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def output_path(self, job_id: str) -> Path:
        return self.directory / f"{job_id}.log"

    def setup_path(self, job_id: str) -> Path:
        return self.directory / f"{job_id}.setup.log"

    def setup(self, job_id: str, message: str) -> None:
        _append(self.setup_path(job_id), f"{_stamp()} {message}")

    def platform(self, job_id: str, message: str) -> None:
        _append(self.output_path(job_id), f"{PREFIX} {message}")
        self.setup(job_id, message)

    def out_of_memory(self, job_id: str, used_bytes: int, tier_gib: float) -> None:
        self.platform(
            job_id,
            f"{OOM_MARK} the job's processes used {used_bytes / 2**30:.2f} GiB, more than "
            f"its hardware tier's {tier_gib:g} GiB of memory; it was killed (exit status 137)",
        )

    def ended_out_of_memory(self, job_id: str) -> bool:
        """Whether the platform killed the job for its memory (only the platform writes the
        setup log, so a job cannot claim it)."""
        return any(OOM_MARK in line for line in self.setup_text(job_id).splitlines())

    def output(self, job_id: str) -> str:
        return _read(self.output_path(job_id))

    def setup_text(self, job_id: str) -> str:
        return _read(self.setup_path(job_id))


def _append(path: Path, line: str) -> None:
    with open(path, "ab") as f:
        # a job's last line may lack a newline; never glue our line onto it
        if f.tell() > 0:
            with open(path, "rb") as r:
                r.seek(-1, 2)
                if r.read(1) != b"\n":
                    f.write(b"\n")
        f.write(line.encode() + b"\n")


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
