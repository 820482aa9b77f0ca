"""Runs inside a pack's Domino job: each member's own Snakemake job command, as many at
once as the tier's cores and memory hold, each with its own log, exit status and timing.

This file is pushed into the project and run as a script (`python runner.py SPEC`), so it
uses the standard library only: the job's compute environment has Snakemake, not the
plugin. SPEC is the pack's JSON (packer.py writes it): cores, mem_mb and the members, each
with name, label, command, threads and mem_mb. Beside SPEC it writes `<name>.log` per
member and `status.json` (every ended member's exit status and times, rewritten as each
ends). The runner exits 1 when a member failed, so Domino's job page shows the pack failed,
and 0 when all succeeded; either way the output commit holds every member's record.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

STATUS_FILE = "status.json"


def now_ms() -> int:
    return int(time.time() * 1000)


class Pack:
    def __init__(self, spec_path: str):
        with open(spec_path, encoding="utf-8") as f:
            spec = json.load(f)
        self.dir = os.path.dirname(spec_path)
        self.cores = max(1.0, float(spec.get("cores") or 1))
        self.mem_mb = spec.get("mem_mb")
        self.waiting = list(spec["members"])
        self.running: dict[int, tuple[dict, subprocess.Popen, int]] = {}
        self.ended: dict[str, dict] = {}

    def _use(self, member: dict) -> tuple[float, float]:
        return max(1.0, float(member.get("threads") or 1)), float(member.get("mem_mb") or 0)

    def _fits(self, member: dict) -> bool:
        if not self.running:
            return True  # a member bigger than the tier still runs, alone
        cores, mem = self._use(member)
        used = [self._use(m) for m, _, _ in self.running.values()]
        if sum(c for c, _ in used) + cores > self.cores:
            return False
        return not self.mem_mb or sum(m for _, m in used) + mem <= float(self.mem_mb)

    def _start(self, member: dict) -> None:
        log = open(os.path.join(self.dir, f"{member['name']}.log"), "wb")
        proc = subprocess.Popen(
            ["bash", "-c", member["command"]], stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # in the runner's process group: Domino's stop and memory kill reach members too
        log.close()
        self.running[proc.pid] = (member, proc, now_ms())
        print(f"pack: started {member['label']}", flush=True)

    def _end(self, pid: int, code: int) -> None:
        member, _, started = self.running.pop(pid)
        self.ended[member["name"]] = {"exit": code, "started_ms": started, "ended_ms": now_ms()}
        self._write_status()
        seconds = (now_ms() - started) / 1000
        print(f"pack: {member['label']} ended with exit status {code} after {seconds:.1f} s",
              flush=True)

    def _write_status(self) -> None:
        path = os.path.join(self.dir, STATUS_FILE)
        with open(path + ".part", "w", encoding="utf-8") as f:
            json.dump(self.ended, f)
        os.replace(path + ".part", path)

    def run(self) -> int:
        while self.waiting or self.running:
            while self.waiting and self._fits(self.waiting[0]):
                self._start(self.waiting.pop(0))
            pid, status = os.wait()
            if pid in self.running:
                self._end(pid, exit_code(status))
        failed = sorted(name for name, s in self.ended.items() if s["exit"] != 0)
        return 1 if failed else 0

    def stop(self, signum: int, _frame: object) -> None:
        """Domino stops the job: stop every member, record them, end."""
        for _, proc, _ in list(self.running.values()):
            try:
                proc.terminate()
            except ProcessLookupError:
                pass
        for pid in list(self.running):
            self._end(pid, exit_code(os.waitpid(pid, 0)[1]))
        sys.exit(128 + signum)


def exit_code(status: int) -> int:
    """As a shell reports it: 128 + N for a member ended by signal N."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def main(argv: list[str]) -> int:
    pack = Pack(argv[1])
    signal.signal(signal.SIGTERM, pack.stop)
    return pack.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
