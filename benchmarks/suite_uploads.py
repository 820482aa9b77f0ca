"""Upload economy: what the executor uploads on a first run, an unchanged rerun, one edit.

A workflow copies K input files of S bytes each (one Domino job per file). Run 1 pushes the
sources and the inputs; run 2 (`--forceall`, inputs unchanged) must upload nothing; run 3,
after one input file changed, must upload that file only. Counted at the server.
"""

from __future__ import annotations

import os
from typing import Any

from benchmarks.common import SNAKEMAKE, Context
from benchmarks.procs import run_measured

FILES = 4


def run(ctx: Context, file_bytes: int) -> dict[str, Any]:
    project = "bench/uploads"
    work = ctx.dir("uploads")
    # outside the working directory: outside git the executor syncs the whole directory, so
    # a log written there would be a new file to push on every run
    logs = ctx.dir("uploads-logs")
    (work / "data").mkdir(exist_ok=True)
    for i in range(FILES):
        (work / "data" / f"in{i}.bin").write_bytes(os.urandom(file_bytes))
    (work / "Snakefile").write_text(
        f'rule all:\n    input: expand("out/{{i}}.bin", i=range({FILES}))\n\n'
        'rule copy:\n    input: "data/in{i}.bin"\n    output: "out/{i}.bin"\n'
        '    shell: "cp {input} {output}"\n'
    )
    steps = [
        ("first run", []),
        ("rerun, inputs unchanged (--forceall)", ["--forceall"]),
        ("rerun after one input changed", []),
    ]
    results: dict[str, Any] = {"file_bytes": file_bytes, "files": FILES, "runs": []}
    with ctx.server("uploads", [project]) as server:
        for index, (label, extra) in enumerate(steps):
            if index == 2:
                (work / "data" / "in0.bin").write_bytes(os.urandom(file_bytes))
            server.reset()
            run_measured(
                [*SNAKEMAKE, "--executor", "domino", "--jobs", str(FILES), *extra],
                cwd=work, env=server.snakemake_env(project, ctx.poll_seconds),
                log=logs / f"snakemake-{index}.log", timeout=600,
            ).check(f"upload run '{label}'")
            counts = server.counts()
            key = "plugin upload_file"
            results["runs"].append({
                "label": label,
                "puts": counts["requests"].get(key, 0),
                "bytes": counts["bytes_in"].get(key, 0),
                "jobs": counts["requests"].get("plugin start_job", 0),
            })
    return results
