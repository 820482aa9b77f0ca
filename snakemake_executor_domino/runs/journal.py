"""A journal of submitted Domino jobs, so a rerun after a crash reattaches instead of resubmitting.

One JSON line per event in `.snakemake/domino_journal.jsonl`: `starting` (with the job's
unique title) just before a Domino job is started for a Snakemake job, `submitted` once
Domino named its id, `settled` once its outcome has been handled. A crash between the start
and its `submitted` line leaves the title, by which the job is found again. A Snakemake job
is identified by a key over its command, its tier and the content of its inputs, so a
changed input or rule never reattaches to a stale job.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import threading
from dataclasses import dataclass
from pathlib import Path

from snakemake_executor_domino.command import split_words

JOURNAL = Path(".snakemake") / "domino_journal.jsonl"


def canonical_command(command: str) -> str:
    """The job command with each option's values sorted.

    Snakemake writes some set-valued options (e.g. `--rerun-triggers`) in set order, which
    changes from one invocation to the next (string hashing is randomised per process);
    the same job must still get the same key after a crash.
    """
    try:
        words = split_words(command)
    except ValueError:
        return command
    out: list[str] = []
    values: list[str] = []
    for word in [*words, "--"]:
        if word.startswith("--"):
            out.extend(sorted(values))
            values.clear()
            out.append(word)
        else:
            values.append(word)
    return shlex.join(out[:-1])


def job_key(command: str, tier_id: str, inputs: dict[str, str]) -> str:
    digest = hashlib.sha256()
    digest.update(canonical_command(command).encode())
    digest.update(b"\0" + tier_id.encode())
    for path in sorted(inputs):
        digest.update(b"\0" + path.encode() + b"=" + inputs[path].encode())
    return digest.hexdigest()


@dataclass
class _Entry:
    title: str | None = None
    job: str | None = None


class Journal:
    def __init__(self, workdir: Path, project_id: str, enabled: bool = True):
        self.path = workdir / JOURNAL
        self.project_id = project_id
        self.enabled = enabled
        self._lock = threading.Lock()
        # lines of other projects' journals, kept as they are through compaction
        self._foreign: list[str] = []
        self._open: dict[str, _Entry] = self._load() if enabled else {}
        if enabled:
            self._compact()

    def _load(self) -> dict[str, _Entry]:
        entries: dict[str, _Entry] = {}
        if not self.path.exists():
            return entries
        for line in self.path.read_text().splitlines():
            try:
                event = json.loads(line)
                kind, key = event["event"], event["key"]
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a crash mid-write
            if event.get("project") != self.project_id:
                self._foreign.append(line)
            elif kind == "starting":
                entries[key] = _Entry(title=event.get("title"))
            elif kind == "submitted":
                entries.setdefault(key, _Entry()).job = event.get("job")
            elif kind == "settled":
                entries.pop(key, None)
        return entries

    def _line(self, event: dict[str, str | None]) -> str:
        return json.dumps({**event, "project": self.project_id})

    def _compact(self) -> None:
        lines = list(self._foreign)
        for key, entry in self._open.items():
            if entry.title is not None:
                lines.append(self._line({"event": "starting", "key": key, "title": entry.title}))
            if entry.job is not None:
                lines.append(self._line({"event": "submitted", "key": key, "job": entry.job}))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(line + "\n" for line in lines))
        os.replace(tmp, self.path)

    def _append(self, *events: dict[str, str | None]) -> None:
        with open(self.path, "a") as f:
            f.write("".join(self._line(event) + "\n" for event in events))
            f.flush()
            os.fsync(f.fileno())

    def lookup(self, key: str) -> str | None:
        """The Domino job id an earlier run recorded for this key."""
        with self._lock:
            entry = self._open.get(key)
            return entry.job if entry else None

    def intent(self, key: str) -> str | None:
        """The title of a start an earlier run began but never saw answered."""
        with self._lock:
            entry = self._open.get(key)
            return entry.title if entry and entry.job is None else None

    def starting(self, key: str, title: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._open[key] = _Entry(title=title)
            self._append({"event": "starting", "key": key, "title": title})

    def submitted(self, key: str, job_id: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._open.setdefault(key, _Entry()).job = job_id
            self._append({"event": "submitted", "key": key, "job": job_id})

    def settled(self, *keys: str | None) -> None:
        """The jobs of these keys are handled; several in one write (a polling cycle's)."""
        if not self.enabled:
            return
        with self._lock:
            done = [k for k in keys if k is not None and self._open.pop(k, None) is not None]
            if done:
                self._append(*({"event": "settled", "key": k} for k in done))
