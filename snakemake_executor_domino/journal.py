"""A journal of submitted Domino jobs, so a rerun after a crash reattaches instead of resubmitting.

One JSON line per event in `.snakemake/domino_journal.jsonl`: `submitted` when a Domino job
starts for a Snakemake job, `settled` once its outcome has been handled. A Snakemake job is
identified by a key over its command, its tier and the content of its inputs, so a changed
input or rule never reattaches to a stale job.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

JOURNAL = Path(".snakemake") / "domino_journal.jsonl"


def job_key(command: str, tier_id: str, inputs: dict[str, str]) -> str:
    digest = hashlib.sha256()
    digest.update(command.encode())
    digest.update(b"\0" + tier_id.encode())
    for path in sorted(inputs):
        digest.update(b"\0" + path.encode() + b"=" + inputs[path].encode())
    return digest.hexdigest()


class Journal:
    def __init__(self, workdir: Path, project_id: str, enabled: bool = True):
        self.path = workdir / JOURNAL
        self.project_id = project_id
        self.enabled = enabled
        self._lock = threading.Lock()
        self._open: dict[str, str] = self._load() if enabled else {}
        if enabled:
            self._compact()

    def _load(self) -> dict[str, str]:
        entries: dict[str, str] = {}
        if not self.path.exists():
            return entries
        for line in self.path.read_text().splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a line torn by a crash mid-write
            if event.get("project") != self.project_id:
                continue
            if event.get("event") == "submitted":
                entries[event["key"]] = event["job"]
            elif event.get("event") == "settled":
                entries.pop(event["key"], None)
        return entries

    def _compact(self) -> None:
        lines = [
            json.dumps({"event": "submitted", "key": k, "job": j, "project": self.project_id})
            for k, j in self._open.items()
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(line + "\n" for line in lines))
        os.replace(tmp, self.path)

    def _append(self, event: dict[str, str]) -> None:
        event["project"] = self.project_id
        with open(self.path, "a") as f:
            f.write(json.dumps(event) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def lookup(self, key: str) -> str | None:
        with self._lock:
            return self._open.get(key)

    def submitted(self, key: str, job_id: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._open[key] = job_id
            self._append({"event": "submitted", "key": key, "job": job_id})

    def settled(self, key: str | None) -> None:
        if not self.enabled or key is None:
            return
        with self._lock:
            if self._open.pop(key, None) is not None:
                self._append({"event": "settled", "key": key})
