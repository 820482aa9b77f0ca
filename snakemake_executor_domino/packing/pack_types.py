"""What the packer keeps of a pack, of a job that may be packed, and how a pack looks to
the run's records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from snakemake_interface_executor_plugins.executors.base import SubmittedJobInfo


@dataclass
class Pack:
    pack_id: str
    dir: str
    key: str  # the journal key of the pack's start
    size: int
    left: set[str] = field(default_factory=set)  # members not concluded yet
    pulled: list[Any] = field(default_factory=list)  # members whose outputs came back


@dataclass
class Candidate:
    """A ready job that may be packed, where it would run, and its rule's pack cap."""

    job: Any
    placement: Any
    cap: int | None
    info: SubmittedJobInfo = None  # type: ignore[assignment]
    aux: dict = field(default_factory=dict)
    reported: bool = False  # Snakemake was told it is submitted (held jobs are)
    # its own job command in a pack, that command's journal key, its local input files
    command: str = ""
    key: str = ""
    files: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.info is None:
            self.info = SubmittedJobInfo(self.job)


def threads_of(job: Any) -> int:
    return max(1, int(getattr(job, "threads", 1) or 1))


@dataclass
class PackView:
    """A pack as the run's records see it: like a group job, a job of several members."""

    label: str
    jobs: list[Any]
    jobid: int | None = None

    @property
    def name(self) -> str:
        return self.label

    @property
    def pack_size(self) -> int:
        return len(self.jobs)

    def is_group(self) -> bool:
        return True
