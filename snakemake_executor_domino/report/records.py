"""The run records: one JSON-lines file per Snakemake run, `.snakemake/domino_runs/<run>.jsonl`.

Lines are only ever appended: a `run` line when the run's first Domino job is submitted,
a `job` line per finished Domino job, an `output` line per file pulled back from it (the
provenance), and an `end` line when the run shuts down. A file per run, rather than one
shared file, because a scheduled run commits its records into the project, and two runs
writing one file would each commit their own copy of it, one losing the other's lines.
A line torn by a crash is skipped on reading.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

RUNS_DIR = Path(".snakemake") / "domino_runs"
FORMAT = 1


@dataclass(frozen=True)
class JobRecord:
    """One finished Domino job, as the executor saw it."""

    run_id: str
    snakemake_jobid: int | None
    rule: str  # "group NAME" for a group job
    wildcards: dict[str, str]
    title: str
    job_id: str
    number: int | None
    url: str
    status: str
    # what the rule or --domino-default-tier named (None: the project's default)
    tier_requested: str | None = None
    # the tier it ran on: Domino's runtime details where it answers, else what was asked
    tier_id: str | None = None
    tier_name: str | None = None
    cents_per_minute: float | None = None
    tier_cores: float | None = None
    tier_memory_gib: float | None = None
    environment_id: str | None = None
    environment_name: str | None = None
    environment_revision_id: str | None = None
    input_commit: str | None = None
    output_commit: str | None = None
    submitted_ms: int | None = None
    started_ms: int | None = None
    finished_ms: int | None = None
    # what the rule asked for (Snakemake's threads and mem_mb)
    threads: int | None = None
    mem_mb: float | None = None
    # what the job used, where measured: CPU seconds and peak resident memory
    cpu_seconds: float | None = None
    peak_memory_bytes: int | None = None
    # Domino's public units: the maximum CPU, % of what the execution had
    cpu_peak_percent: float | None = None
    usage_source: str | None = None
    recorded_ms: int | None = None
    # the attempt (Snakemake's, from 1) and why it got its tier (e.g. "escalated: ...")
    attempt: int | None = None
    tier_reason: str | None = None
    # a group job's members, each {"rule", "wildcards", "snakemake_jobid"} (None: one job)
    members: list[dict[str, Any]] | None = None
    # a pack (packing/): how many Snakemake jobs ran in this Domino job; None: not one
    pack_size: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobRecord:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class OutputRecord:
    """One file pulled back from a Domino job: what it was then, and who made it."""

    path: str
    sha1: str
    size: int
    rule: str
    wildcards: dict[str, str]
    recorded_ms: int
    job: JobRecord

    def to_dict(self, job: dict[str, Any] | None = None) -> dict[str, Any]:
        """The line's fields; `job`: the job's fields, where the caller has them already."""
        return {"type": "output", **shallow(self), "job": shallow(self.job) if job is None else job}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutputRecord:
        return cls(
            path=str(data["path"]),
            sha1=str(data["sha1"]),
            size=int(data["size"]),
            rule=str(data.get("rule") or ""),
            wildcards=dict(data.get("wildcards") or {}),
            recorded_ms=int(data.get("recorded_ms") or 0),
            job=JobRecord.from_dict(data["job"]),
        )


def shallow(record: Any) -> dict[str, Any]:
    """A record's fields by name, values as they are: what json.dumps needs. (asdict copies
    every nested value, once per line, and a finished job writes one line per output.)"""
    return {name: getattr(record, name) for name in _names(type(record))}


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class TierPrice:
    id: str
    name: str
    cents_per_minute: float | None
    cores: float | None = None
    memory_gib: float | None = None
    gpus: int | None = None


@dataclass
class Run:
    """Everything one run file holds."""

    run_id: str
    started_ms: int | None = None
    finished_ms: int | None = None
    host: str | None = None
    project: str | None = None
    tiers: list[TierPrice] = field(default_factory=list)
    # the --domino-efficiency-threshold of the run (None: written before it existed)
    efficiency_threshold: float | None = None
    jobs: list[JobRecord] = field(default_factory=list)
    outputs: list[OutputRecord] = field(default_factory=list)


def runs_dir(workdir: Path) -> Path:
    return workdir / RUNS_DIR


class RunLog:
    """The executor's writer of one run's file. Thread-safe; each write is flushed and
    fsynced, as the journal's are, so a crash loses at most the lines being written (one
    finished job's, or a torn last line, which readers skip)."""

    def __init__(self, workdir: Path, run_id: str):
        self.path = runs_dir(workdir) / f"{run_id}.jsonl"
        self._lock = threading.Lock()

    def write(self, *records: dict[str, Any]) -> None:
        """Append the records, one line each, in one write and one fsync: a finished job's
        line and its outputs' lines go together (an fsync per line cost the polling loop)."""
        text = "".join(
            json.dumps({"format": FORMAT, **record}, sort_keys=True) + "\n" for record in records
        )
        with self._lock:
            try:
                f = open(self.path, "a")
            except FileNotFoundError:  # the first line, or the directory was removed
                self.path.parent.mkdir(parents=True, exist_ok=True)
                f = open(self.path, "a")
            with f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())

    def job(self, record: JobRecord, outputs: Iterable[OutputRecord] = ()) -> None:
        """A finished job's line, with the lines of the files pulled back for it."""
        job = shallow(record)
        self.write({"type": "job", **job}, *(o.to_dict(job) for o in outputs))


def read_run(path: Path) -> Run:
    run = Run(run_id=path.stem)
    for data in _lines(path):
        kind = data.get("type")
        try:
            if kind == "run":
                run.started_ms = data.get("started_ms")
                run.host = data.get("host")
                run.project = data.get("project")
                run.tiers = [TierPrice(**t) for t in data.get("tiers") or []]
                run.efficiency_threshold = data.get("efficiency_threshold")
            elif kind == "job":
                run.jobs.append(JobRecord.from_dict(data))
            elif kind == "output":
                run.outputs.append(OutputRecord.from_dict(data))
            elif kind == "end":
                run.finished_ms = data.get("finished_ms")
        except (KeyError, TypeError, ValueError):
            continue  # a line of a later format, or a hand-edited one: not ours to judge
    return run


def run_files(workdir: Path) -> list[Path]:
    """The run files, oldest first (by the time their first line was written)."""
    directory = runs_dir(workdir)
    if not directory.is_dir():
        return []
    files = [p for p in directory.glob("*.jsonl") if p.is_file()]
    return sorted(files, key=lambda p: (_first_time(p), p.name))


def read_runs(workdir: Path) -> list[Run]:
    return [read_run(path) for path in run_files(workdir)]


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return
    for line in text.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue  # torn by a crash mid-write
        if isinstance(data, dict):
            yield data


def _first_time(path: Path) -> int:
    for data in _lines(path):
        for key in ("started_ms", "recorded_ms"):
            if isinstance(data.get(key), int):
                return data[key]
        break
    return int(path.stat().st_mtime * 1000)
