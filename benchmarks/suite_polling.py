"""API economy of polling: requests per polling cycle as the number of active jobs grows.

Jobs are started on a tier that runs one at a time (the first one sleeps, the rest wait
queued, which is active all the same), then the executor's JobPoller polls them, counting
its requests with the client's on_request hook. CPU time per cycle is the poller's own.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from benchmarks.common import Context
from snakemake_executor_domino.polling import JobPoller

CYCLES = 5


def run(ctx: Context, active_counts: list[int]) -> dict[str, Any]:
    project = "bench/polling"
    results: dict[str, Any] = {}
    with ctx.server("polling", [project]) as server:
        calls: Counter[str] = Counter()
        client = server.client(project, on_request=lambda method, path: calls.update([path]))
        poller = JobPoller(client)
        started: list[str] = []
        for k in sorted(active_counts):
            while len(started) < k:
                job = client.start_job(
                    "sleep 600", title=f"poll {len(started)}", tier_id="hold"
                )
                poller.track(job)
                started.append(job.id)
            calls.clear()
            server.reset()
            cpu = time.process_time()
            for _ in range(CYCLES):
                states = poller.poll(started)
                if len(states) != k or any(s.finished for s in states.values()):
                    raise RuntimeError(f"polling {k} active jobs: some are missing or over")
            cpu = time.process_time() - cpu
            counts = server.counts()
            results[str(k)] = {
                "active": k,
                "requests_per_cycle": sum(calls.values()) / CYCLES,
                "server_requests_per_cycle": sum(counts["requests"].values()) / CYCLES,
                "bytes_per_cycle": sum(counts["bytes_out"].values()) / CYCLES,
                "cpu_ms_per_cycle": 1000 * cpu / CYCLES,
            }
        for job_id in started:
            client.stop_job(job_id, commit_results=False)
    return results
