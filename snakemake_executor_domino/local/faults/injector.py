"""Fault injection for the local Domino: what a real deployment does to its clients, on demand.

The spec (which faults, how often, on which requests) and its text form are in spec.py;
how each fault misbehaves on the wire is in wire.py; the `kill` fault's hooks are in
kill.py. This module is the injector that draws the faults and applies them.

The injector is the outermost ASGI layer, so it can close the connection itself: it reaches
uvicorn's transport through the `send` callable uvicorn hands to the application. It also
serves a few control routes under `/_local/faults` (same API key as the API; never faulted):

    GET  /_local/faults                  the spec in force and what was injected so far
    PUT  /_local/faults                  a new spec as the request body ("off" = rate 0)
    POST /_local/faults/kill/{jobId}     SIGKILL that running job's processes now
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from snakemake_executor_domino.local.faults.kill import (
    START_ROUTE,
    JobKiller,
    started_job_id,
    watch_job_start,
)
from snakemake_executor_domino.local.faults.spec import (
    AFTER_KINDS,
    HTTP_KINDS,
    FaultSpec,
    FaultSpecError,
    as_spec,
)
from snakemake_executor_domino.local.faults.wire import (
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    drop,
    json_answer,
    late,
    read_body,
    replay,
    status_answer,
    truncating,
)

CONTROL_PREFIX = "/_local/faults"
# the Domino API; the web pages (web/) are for people, not for the executor under test
API_PREFIXES = ("/version", "/v1/", "/v4/", "/api/")


@dataclass(frozen=True)
class Fault:
    kind: str
    phase: str  # "before" or "after" the server acted


@dataclass
class FaultStats:
    injected: Counter[str] = field(default_factory=Counter)
    killed: list[str] = field(default_factory=list)
    hot: int = 0  # of the injected faults, how many struck `hot` requests

    def as_dict(self) -> dict[str, Any]:
        return {"injected": dict(self.injected), "killed": list(self.killed), "hot": self.hot}


class FaultInjector:
    """ASGI middleware: `FaultInjector(app, spec, backend)`; the outermost layer."""

    def __init__(self, app: ASGIApp, spec: FaultSpec, backend: Any) -> None:
        self.app = app
        self.backend = backend
        self._lock = threading.Lock()
        self.stats = FaultStats()
        self.killer = JobKiller(backend, self._killed)
        # off until the server has answered its own start-up check (LocalDomino arms it)
        self.armed = False
        self.configure(spec)

    # -- settings ---------------------------------------------------------------------------

    def configure(self, spec: FaultSpec | str | None) -> FaultSpec:
        spec = as_spec(spec) or FaultSpec(rate=0.0)
        with self._lock:
            self.spec = spec
            self._rng = random.Random(spec.seed)
            self._left = spec.limit
            self._turn = 0
            self._hot_turn = 0
            self._paths = re.compile(spec.paths) if spec.paths else None
            self._hot = re.compile(spec.hot) if spec.hot else None
        return spec

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"spec": self.spec.describe(), "armed": self.armed, **self.stats.as_dict()}

    # -- drawing faults ---------------------------------------------------------------------

    def _draw(self, method: str, path: str) -> Fault | None:
        with self._lock:
            spec = self.spec
            kinds = [k for k in spec.kinds if k in HTTP_KINDS]
            if not (self.armed and kinds and self._left != 0):
                return None
            if not path.startswith(API_PREFIXES):
                return None
            request = f"{method} {path}"
            if self._paths is not None and not self._paths.search(request):
                return None
            if self._hot is not None and self._hot.search(request):
                return self._hot_fault(kinds)
            if spec.rate <= 0 or self._rng.random() >= spec.rate:
                return None
            if spec.pick == "cycle":
                # kinds in turn; the phase flips each time round the list
                kind = kinds[self._turn % len(kinds)]
                flip = ("before", "after")[(self._turn // len(kinds)) % 2]
                self._turn += 1
            else:
                kind = self._rng.choice(kinds)
                flip = self._rng.choice(("before", "after"))
            if kind == "429":
                phase = "before"  # a rate limiter answers instead of the server, never after
            elif kind == "truncate":
                phase = "after"
            else:
                phase = flip if spec.when == "any" else spec.when
            return self._count(Fault(kind, phase))

    def _hot_fault(self, kinds: list[str]) -> Fault | None:
        """A fault after the server acted, for a `hot` request; holds _lock."""
        after = [k for k in kinds if k in AFTER_KINDS]
        if not after or self._rng.random() >= self.spec.hot_rate:
            return None
        kind = after[self._hot_turn % len(after)]
        self._hot_turn += 1
        self.stats.hot += 1
        return self._count(Fault(kind, "after"))

    def _count(self, fault: Fault) -> Fault:
        if self._left is not None:
            self._left -= 1
        self.stats.injected[f"{fault.kind}-{fault.phase}"] += 1
        return fault

    def _draw_kill(self) -> float | None:
        """Seconds of running after which a just-started job is killed, or None."""
        with self._lock:
            spec = self.spec
            if not (self.armed and "kill" in spec.kinds and spec.rate > 0 and self._left != 0):
                return None
            if self._rng.random() >= spec.rate:
                return None
            if self._left is not None:
                self._left -= 1
            self.stats.injected["kill"] += 1
            return self._rng.uniform(0.0, spec.kill_after)

    # -- killing jobs -----------------------------------------------------------------------

    def kill_job(self, job_id: str) -> bool:
        """SIGKILL a running job's whole process group (the job ends Failed); False if it
        is not running."""
        return self.killer.kill(job_id)

    def _killed(self, job_id: str) -> None:
        with self._lock:
            self.stats.killed.append(job_id)

    def _maybe_kill(self, body: bytes) -> None:
        after = self._draw_kill()
        if after is None:
            return
        job_id = started_job_id(body)
        if job_id is not None:
            self.killer.kill_later(job_id, after)

    # -- ASGI -------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            await self._control(scope, receive, send, method, path)
            return
        # `raw` is uvicorn's own send, the handle on the connection that drops need
        raw = send
        if (method, path) == START_ROUTE:
            send = watch_job_start(send, self._maybe_kill)
        fault = self._draw(method, path)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.phase == "before":
            await self._before(fault.kind, scope, receive, send, raw)
        else:
            await self._after(fault.kind, scope, receive, send, raw)

    async def _before(
        self, kind: str, scope: Scope, receive: Receive, send: Send, raw: Send
    ) -> None:
        if kind == "slow":
            # the request is in (a proxy took it), the server gets to it late: it acts even
            # if the client has given up waiting meanwhile, as a real Domino behind a
            # gateway would, instead of noticing the disconnect while reading the body
            body = await read_body(receive)
            await asyncio.sleep(self.spec.delay)
            await self.app(scope, replay(body, receive), send)
        elif kind == "drop":
            await drop(raw)
        else:
            await status_answer(send, int(kind), "before the server acted")

    async def _after(
        self, kind: str, scope: Scope, receive: Receive, send: Send, raw: Send
    ) -> None:
        if kind == "slow":
            await self.app(scope, receive, late(send, self.spec.delay))
        elif kind == "truncate":
            await self.app(scope, receive, truncating(send, raw))
        else:
            async def swallow(message: Message) -> None:
                pass  # the server did its work; its answer is lost on the way

            await self.app(scope, receive, swallow)
            if kind == "drop":
                await drop(raw)
            else:
                await status_answer(send, int(kind), "after the server acted")

    # -- control routes ---------------------------------------------------------------------

    async def _control(
        self, scope: Scope, receive: Receive, send: Send, method: str, path: str
    ) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get("x-domino-api-key", "")
        if not secrets.compare_digest(key.encode(), self.backend.api_key.encode()):
            await json_answer(send, 401, {"message": "send the header 'X-Domino-Api-Key: <key>'"})
            return
        if path == CONTROL_PREFIX and method == "GET":
            await json_answer(send, 200, self.state())
        elif path == CONTROL_PREFIX and method == "PUT":
            text = (await read_body(receive)).decode("utf-8", errors="replace")
            try:
                self.configure(text)
            except FaultSpecError as exc:
                await json_answer(send, 400, {"message": str(exc)})
                return
            await json_answer(send, 200, self.state())
        elif path.startswith(CONTROL_PREFIX + "/kill/") and method == "POST":
            await self._control_kill(send, path.rsplit("/", 1)[1])
        else:
            await json_answer(send, 404, {"message": f"no fault control route {method} {path}"})

    async def _control_kill(self, send: Send, job_id: str) -> None:
        try:
            killed = self.kill_job(job_id)
        except Exception:
            await json_answer(send, 404, {"message": f"job {job_id} not found"})
            return
        if not killed:
            await json_answer(send, 409, {"message": f"job {job_id} is not running"})
            return
        await json_answer(send, 200, {"killed": job_id})
