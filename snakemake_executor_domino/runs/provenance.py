"""Provenance: which Domino job made a local file, and whether the file is still what it
pulled back. Records come from every run file (report/records.py); for each path the newest
record wins, the older ones stay as its history."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from snakemake_executor_domino.report.records import (
    JobRecord,
    OutputRecord,
    read_runs,
)

UNCHANGED, CHANGED, MISSING = "unchanged", "changed", "missing"


@dataclass(frozen=True)
class Finding:
    """A local file and what the records say of it."""

    path: str
    record: OutputRecord | None  # the newest; None if no Domino job is recorded for it
    history: tuple[OutputRecord, ...]  # every record of it, oldest first
    state: str | None  # UNCHANGED, CHANGED or MISSING; None without a record
    sha1: str | None  # the file's SHA-1 now, when it exists


def output_records(
    workdir: Path,
    outputs: Iterable[tuple[str, str, dict[str, str]]],
    job: JobRecord,
    sha1: Callable[[Path], str],
    now_ms: int,
) -> list[OutputRecord]:
    """One record per file below each (path, rule, wildcards): a directory output gives
    one per file in it. Paths that do not exist locally give none."""
    records = []
    for raw, rule, wildcards in outputs:
        for path in _files(workdir, raw):
            local = workdir / path
            records.append(OutputRecord(
                path=path, sha1=sha1(local), size=local.stat().st_size, rule=rule,
                wildcards=dict(wildcards), recorded_ms=now_ms, job=job,
            ))
    return records


def _files(workdir: Path, raw: str) -> list[str]:
    local = workdir / raw
    if local.is_file():
        return [_relative(local, workdir)]
    if local.is_dir():
        return [_relative(p, workdir) for p in sorted(local.rglob("*")) if p.is_file()]
    return []


def _relative(path: Path, workdir: Path) -> str:
    """Relative to workdir; a file outside it (written in place on a dataset or shared
    volume) keeps its absolute path, which is how every job saw it."""
    relative = Path(os.path.relpath(path, workdir)).as_posix()
    return Path(os.path.abspath(path)).as_posix() if relative.startswith("../") else relative


def history(workdir: Path) -> dict[str, list[OutputRecord]]:
    """Every output record of every run, by path, oldest first."""
    by_path: dict[str, list[OutputRecord]] = {}
    for run in read_runs(workdir):
        for record in run.outputs:
            by_path.setdefault(record.path, []).append(record)
    for records in by_path.values():
        records.sort(key=lambda r: r.recorded_ms)
    return by_path


def examine(workdir: Path, paths: Iterable[str], sha1: Callable[[Path], str]) -> list[Finding]:
    """What the records say of each path (relative to workdir, or absolute below it)."""
    known = history(workdir)
    findings = []
    for raw in paths:
        path = _relative(Path(os.path.abspath(workdir / raw)), Path(os.path.abspath(workdir)))
        records = tuple(known.get(path, ()))
        local = workdir / path
        current = sha1(local) if local.is_file() else None
        if not records:
            findings.append(Finding(path, None, (), None, current))
            continue
        newest = records[-1]
        if current is None:
            state = MISSING
        elif current == newest.sha1 and local.stat().st_size == newest.size:
            state = UNCHANGED
        else:
            state = CHANGED
        findings.append(Finding(path, newest, records, state, current))
    return findings
