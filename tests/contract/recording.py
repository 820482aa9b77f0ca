"""A local Domino that records its traffic (local/api/traffic.py), and the report of a recording
checked against the contract."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snakemake_executor_domino.local.api.traffic import ENV
from snakemake_executor_domino.local.server import LocalDomino

from .checker import Violation, check_record, is_local_extra, match


@contextmanager
def recording_domino(root: Path, log: Path, flavor: str = "5.0") -> Iterator[LocalDomino]:
    """A started LocalDomino appending its traffic to `log`."""
    kwargs: dict[str, Any] = {"user": "tester", "stop_grace_seconds": 1, "api_flavor": flavor}
    server = start_recording(LocalDomino(root, **kwargs), log)
    try:
        yield server
    finally:
        server.stop()


def start_recording(server: LocalDomino, log: Path) -> LocalDomino:
    """Start `server` recording its traffic to `log`; only this server records (the
    variable is set while it builds its app, then restored)."""
    before = os.environ.get(ENV)
    os.environ[ENV] = str(log)
    try:
        return server.start()
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def read(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line]


@dataclass
class Report:
    records: list[dict[str, Any]]

    def violations(self) -> Counter[Violation]:
        return Counter(v for r in self.records for v in check_record(r))

    def calls_used(self) -> set[str]:
        names = set()
        for r in self.records:
            try:
                names.add(match(r["method"], r["path"])[0].name)
            except KeyError:
                pass
        return names

    def local_extras(self) -> set[str]:
        return {f"{r['method']} {r['path']}" for r in self.records if is_local_extra(r["path"])}

    def text(self) -> str:
        """The violations grouped by call, each call with its source once."""
        found = self.violations()
        lines = [f"{len(found)} kinds of contract violation in {len(self.records)} requests:"]
        by_call: dict[tuple[str, str], list[str]] = {}
        for v, n in sorted(found.items(), key=lambda vn: (vn[0].call, vn[0].where, vn[0].field)):
            at = f" '{v.field}'" if v.field else ""
            by_call.setdefault((v.call, v.source), []).append(f"{v.where}{at}: {v.problem} (x{n})")
        for (call, source), problems in by_call.items():
            lines.append(f"{call}" + (f"  [source: {source}]" if source else ""))
            lines += [f"    {p}" for p in problems]
        if self.local_extras():
            lines.append("local extras used (exempt): " + ", ".join(sorted(self.local_extras())))
        return "\n".join(lines)
