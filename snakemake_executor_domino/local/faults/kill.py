"""The `kill` fault's hooks: SIGKILL a running local Domino job now or once it has run a
while, and notice the jobs the API starts so a drawn kill can find them."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from snakemake_executor_domino.local.faults.wire import Message, Send
from snakemake_executor_domino.local.jobs import process

START_ROUTE = ("POST", "/v4/jobs/start")
# a kill waits for its job to run at most this long before giving up on it
WAIT_FOR_RUNNING_SECONDS = 600


class JobKiller:
    """Kills jobs of `backend`'s store; `on_killed(job_id)` hears of each kill."""

    def __init__(self, backend: Any, on_killed: Callable[[str], None]) -> None:
        self.backend = backend
        self.on_killed = on_killed

    def kill(self, job_id: str) -> bool:
        """SIGKILL a running job's whole process group (the job ends Failed); False if it
        is not running."""
        job = self.backend.store.get_job(job_id)
        if job.status != "Running" or not job.pid:
            return False
        # the job's command runs in its own session: its pid is its process group
        if not process.kill_group(job.pid, signal.SIGKILL):
            return False
        self.on_killed(job_id)
        return True

    def kill_later(self, job_id: str, after: float) -> None:
        """Kill the job `after` seconds into its running, from a thread of its own."""

        def run() -> None:
            deadline = time.monotonic() + WAIT_FOR_RUNNING_SECONDS
            while time.monotonic() < deadline:
                try:
                    job = self.backend.store.get_job(job_id)
                except Exception:
                    return  # the server is shutting down
                if job.is_completed:
                    return
                if job.status == "Running" and job.pid:
                    time.sleep(after)
                    self.kill(job_id)
                    return
                time.sleep(0.05)

        threading.Thread(target=run, name=f"fault-kill-{job_id}", daemon=True).start()


def watch_job_start(send: Send, on_started: Callable[[bytes], None]) -> Send:
    """A `send` that passes a successful job start's answer body to `on_started`."""
    status = 0
    body = bytearray()

    async def watching(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body" and status == 200:
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                on_started(bytes(body))
        await send(message)

    return watching


def started_job_id(body: bytes) -> str | None:
    """The job id in a job start's answer, None if the answer names none."""
    try:
        return str(json.loads(body)["id"])
    except (ValueError, KeyError, TypeError):
        return None
