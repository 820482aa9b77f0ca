"""Run Snakemake with the Domino executor's own CPU time accounted for.

    python -m benchmarks.cpu_probe OUT.json SNAKEMAKE-ARGS...

This process *is* the Snakemake run (it calls snakemake.cli.main); it only wraps the
executor plugin's entry points (__post_init__, run_job, check_active_jobs, shutdown) to add
up the CPU time of the thread running them, and writes the sums to OUT.json at exit. The
rest of the process's CPU is Snakemake's own (DAG, scheduling, logging).
"""

from __future__ import annotations

import atexit
import functools
import json
import sys
import time
from collections import Counter
from collections.abc import AsyncGenerator, Callable
from typing import Any

from snakemake_executor_domino.executor import Executor

cpu: Counter[str] = Counter()
calls: Counter[str] = Counter()


def _timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return method(*args, **kwargs)
        finally:
            cpu[name] += time.thread_time() - start
            calls[name] += 1

    return wrapper


def _timed_agen(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        calls[name] += 1
        gen = method(*args, **kwargs)
        while True:
            start = time.thread_time()
            try:
                item = await gen.__anext__()
            except StopAsyncIteration:
                return
            finally:
                cpu[name] += time.thread_time() - start
            yield item

    return wrapper


def main() -> None:
    out = sys.argv[1]
    for name in ("__post_init__", "run_job", "shutdown"):
        setattr(Executor, name, _timed(name, getattr(Executor, name)))
    Executor.check_active_jobs = _timed_agen(  # type: ignore[method-assign]
        "check_active_jobs", Executor.check_active_jobs
    )

    def dump() -> None:
        with open(out, "w") as f:
            json.dump({"cpu": dict(cpu), "calls": dict(calls)}, f)

    atexit.register(dump)
    from snakemake.cli import main as snakemake_main

    sys.argv = ["snakemake", *sys.argv[2:]]
    snakemake_main()


if __name__ == "__main__":
    main()
