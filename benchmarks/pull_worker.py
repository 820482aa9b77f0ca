"""Pull one file with the plugin's DominoClient.download_file, in a process of its own.

    SNAKEMAKE_DOMINO_API_KEY=... python -m benchmarks.pull_worker URL OWNER/NAME COMMIT PATH TARGET

Prints one JSON line: seconds spent in download_file, bytes, and this process's peak resident
memory (VmHWM) before and after the download, in MiB.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path, PurePosixPath

from snakemake_executor_domino.domino import Credentials, DominoClient


def vm_hwm_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(url: str, project: str, commit: str, path: str, target: str) -> None:
    owner, name = project.split("/")
    key = os.environ["SNAKEMAKE_DOMINO_API_KEY"]
    client = DominoClient(url, owner, name, Credentials(api_key=key))
    parent = str(PurePosixPath(path).parent)
    entry = next(e for e in client.list_files(commit, parent) if e.path == path)
    before = vm_hwm_mib()
    start = time.perf_counter()
    size = client.download_file(
        commit, path, Path(target), expected_size=entry.size, expected_key=entry.key
    ).size
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "bytes": size, "hwm_before_mib": before,
                      "hwm_after_mib": vm_hwm_mib()}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
