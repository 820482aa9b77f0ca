"""Transfer: pulling a large output back with the plugin vs. plain curl, same server, same file.

Each size is uploaded once, then downloaded alternately by curl and by the plugin's
`DominoClient.download_file` (in a separate process, pull_worker.py, which also reports its
peak resident memory), after one untimed curl to warm the page cache. Times are each tool's
own transfer time (curl's time_total; the time spent inside download_file). Both the median
and the best of the repetitions are kept: on a shared machine the best is the least
disturbed by other processes.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import Context
from benchmarks.server import REPO, BenchServer

MIB = 1024 * 1024


def run(ctx: Context, sizes_mib: list[int], repetitions: int) -> dict[str, Any]:
    project = "bench/transfer"
    work = ctx.dir("transfer")
    results: dict[str, Any] = {}
    curl = shutil.which("curl")
    with ctx.server("transfer", [project]) as server:
        client = server.client(project)
        header_file = work / "curl-headers"
        fd = os.open(header_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"X-Domino-Api-Key: {server.api_key}\n")
        for size in sizes_mib:
            path = f"big/payload-{size}MiB.bin"
            payload = work / f"payload-{size}MiB.bin"
            _write_payload(payload, size * MIB)
            client.upload_file(path, payload)  # its answer names no commit
            commit = client.head_commit_id()
            payload.unlink()
            # the route the client itself reads for this Domino's version
            url = server.url + client.content_path(commit, path, None)
            target = work / "pulled.bin"
            curl_runs: list[float] = []
            plugin_runs: list[dict[str, float]] = []
            if curl:
                _curl(curl, url, header_file, target)  # warm the page cache
            for rep in range(repetitions):
                # alternate who goes first, so neither always follows the other's writes
                for tool in ("curl", "plugin") if rep % 2 == 0 else ("plugin", "curl"):
                    if tool == "plugin":
                        plugin_runs.append(_plugin(server, project, commit, path, target))
                    elif curl:
                        curl_runs.append(_curl(curl, url, header_file, target))
            target.unlink(missing_ok=True)
            plugin_s = [r["seconds"] for r in plugin_runs]
            entry: dict[str, Any] = {
                "mib": size,
                "curl_runs_s": curl_runs,
                "plugin_runs_s": plugin_s,
                "plugin_mib_s": size / statistics.median(plugin_s),
                "plugin_best_mib_s": size / min(plugin_s),
                "plugin_hwm_mib": max(r["hwm_after_mib"] for r in plugin_runs),
                "plugin_hwm_before_mib": max(r["hwm_before_mib"] for r in plugin_runs),
            }
            if curl_runs:
                entry["curl_mib_s"] = size / statistics.median(curl_runs)
                entry["curl_best_mib_s"] = size / min(curl_runs)
                entry["ratio"] = entry["plugin_mib_s"] / entry["curl_mib_s"]
                entry["best_ratio"] = entry["plugin_best_mib_s"] / entry["curl_best_mib_s"]
            results[str(size)] = entry
    return results


def _write_payload(path: Path, size: int) -> None:
    block = os.urandom(MIB)
    with open(path, "wb") as f:
        for i in range(size // MIB):
            f.write(i.to_bytes(8, "little") + block[8:])  # no two blocks alike


def _curl(curl: str, url: str, header_file: Path, target: Path) -> float:
    target.unlink(missing_ok=True)
    out = subprocess.run(
        [curl, "--silent", "--show-error", "--fail", "-H", f"@{header_file}",
         "-o", str(target), "-w", "%{time_total}", url],
        check=True, capture_output=True, text=True,
    )
    return float(out.stdout.strip())


def _plugin(
    server: BenchServer, project: str, commit: str, path: str, target: Path
) -> dict[str, float]:
    target.unlink(missing_ok=True)
    env = dict(os.environ, SNAKEMAKE_DOMINO_API_KEY=server.api_key)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.pull_worker", server.url, project, commit, path,
         str(target)],
        check=True, capture_output=True, text=True, cwd=REPO, env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
