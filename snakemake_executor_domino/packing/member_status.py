"""What a pack's members left in its Domino job's output commit: status.json (each ended
member's exit status and times, member_runner.py), one log per member, and bundle.tar,
which holds those and the members' small outputs, read first (one request per pack)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from snakemake_executor_domino.domino import Job
from snakemake_executor_domino.exceptions import TransferError
from snakemake_executor_domino.files.commit_index import CommitIndexes
from snakemake_executor_domino.packing.member_runner import BUNDLE_FILE, STATUS_FILE


@dataclass(frozen=True)
class MemberStatus:
    exit: int
    started_ms: int | None = None
    ended_ms: int | None = None

    @property
    def seconds(self) -> float | None:
        if self.started_ms is None or self.ended_ms is None:
            return None
        return max(0, self.ended_ms - self.started_ms) / 1000


def parse_status(text: str) -> dict[str, MemberStatus]:
    """status.json: {member name: {"exit", "started_ms", "ended_ms"}}."""
    try:
        data = json.loads(text)
        return {
            str(name): MemberStatus(
                int(item["exit"]), _int(item.get("started_ms")), _int(item.get("ended_ms"))
            )
            for name, item in dict(data).items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TransferError(f"the pack's status file is unreadable ({exc})") from None


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class PackRecords:
    """Reads each finished pack's records once, however many members ask."""

    def __init__(self, indexes: CommitIndexes):
        self.indexes = indexes  # the transfer's: members and pulls share one listing
        self._statuses: dict[str, dict[str, MemberStatus]] = {}
        self._lock = threading.Lock()

    def statuses(self, job: Job, pack_dir: str) -> dict[str, MemberStatus]:
        """Every ended member's status; {} when the job left no commit or no status."""
        with self._lock:
            if job.id not in self._statuses:
                if job.output_commit_id is not None:  # a runner before bundles left none
                    self.indexes.add_bundle(job.output_commit_id, f"{pack_dir}/{BUNDLE_FILE}")
                text = self.text(job, f"{pack_dir}/{STATUS_FILE}")
                self._statuses[job.id] = parse_status(text) if text is not None else {}
            return self._statuses[job.id]

    def text(self, job: Job, path: str) -> str | None:
        """A small file of the job's output commit, None if it holds none."""
        return self.text_at(job.output_commit_id, path)

    def text_at(self, commit_id: str | None, path: str) -> str | None:
        """A small file of a commit, None if it holds none."""
        return None if commit_id is None else self.indexes.small_text(commit_id, path)

    def forget(self, job: Job) -> None:
        with self._lock:
            self._statuses.pop(job.id, None)
        self.indexes.drop_bundle(job.output_commit_id)
