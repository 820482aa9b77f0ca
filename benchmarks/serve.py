"""The benchmark's local Domino, in a process of its own so its CPU is not the executor's.

    python -m benchmarks.serve --root DIR --tiers FILE --ready FILE --project OWNER/NAME

The API key comes from $SNAKEMAKE_DOMINO_LOCAL_API_KEY (never the command line). Requests
are counted by caller and call (counting.py). Once the server answers, its URL is written to
the --ready file; SIGTERM or SIGINT stops it (running jobs end as Stopped).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

from benchmarks.counting import CountingMiddleware
from snakemake_executor_domino.local import server as local_server
from snakemake_executor_domino.local.jobs.deployment_limits import limits_from

API_KEY_ENV = "SNAKEMAKE_DOMINO_LOCAL_API_KEY"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--tiers", type=Path, required=True)
    parser.add_argument("--ready", type=Path, required=True)
    parser.add_argument("--project", action="append", default=[])
    # a deployment's behaviour (docs/local-domino.md): --profile realistic and its parts
    parser.add_argument("--profile", default=None)
    parser.add_argument("--start-latency", default=None)
    parser.add_argument("--executions-quota", type=int, default=None)
    parser.add_argument("--queue-limit", type=int, default=None)
    parser.add_argument("--request-latency", type=int, default=None)
    # which Domino version's API it answers in (local/api/flavor.py; default 5.0's)
    parser.add_argument("--flavor", default=None)
    args = parser.parse_args()
    limits = limits_from(args.profile, args.start_latency, args.executions_quota,
                         args.queue_limit, args.request_latency)
    api_key = os.environ[API_KEY_ENV]

    plain_create_app = local_server.create_app
    # the server builds its app inside start(); wrap it there, nothing else changes
    local_server.create_app = lambda backend: CountingMiddleware(  # type: ignore[assignment]
        plain_create_app(backend), api_key
    )
    domino = local_server.LocalDomino(
        args.root, api_key=api_key, projects=args.project, tiers_file=args.tiers,
        limits=limits, api_flavor=args.flavor,
    ).start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    tmp = args.ready.with_suffix(".tmp")
    tmp.write_text(domino.url)
    tmp.replace(args.ready)
    try:
        stop.wait()
    finally:
        domino.stop()


if __name__ == "__main__":
    main()
