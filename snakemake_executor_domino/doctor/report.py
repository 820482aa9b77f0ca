"""What `doctor` says: one line per check, and a fix under each one that failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

OK, WARN, FAIL, SKIP = "ok", "warn", "FAIL", "skip"


@dataclass(frozen=True)
class Finding:
    status: str  # OK, WARN, FAIL or SKIP
    check: str  # short name: "domino", "credentials", "project", ...
    message: str
    fix: str = ""


class Report:
    """Findings as they come, printed at once (a canary job can take minutes)."""

    def __init__(self, out: TextIO):
        self.out = out
        self.findings: list[Finding] = []

    def add(self, status: str, check: str, message: str, fix: str = "") -> Finding:
        finding = Finding(status, check, message, fix)
        self.findings.append(finding)
        print(f"{status:<4}  {check:<12} {message}", file=self.out, flush=True)
        if fix and status in (FAIL, WARN):
            print(f"{'':<4}  {'':<12} fix: {fix}", file=self.out, flush=True)
        return finding

    @property
    def failed(self) -> bool:
        return any(f.status == FAIL for f in self.findings)

    def summary(self) -> str:
        counts = {s: sum(f.status == s for f in self.findings) for s in (OK, WARN, FAIL, SKIP)}
        verdict = "FAILED" if self.failed else "passed"
        parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        return f"doctor {verdict}: {parts}"
