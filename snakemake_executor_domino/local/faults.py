"""Fault injection for the local Domino: what a real deployment does to its clients, on demand.

Off unless asked for (`LocalDomino(faults=...)`, `snakemake-domino local serve --faults`, or
$SNAKEMAKE_DOMINO_LOCAL_FAULTS). A spec is a comma-separated list of settings:

    rate=0.1,kinds=500,502,503,429,drop,slow,truncate,kill,seed=7

A fraction `rate` of API requests (not the web pages) is hit by one fault drawn from `kinds`:

    500 502 503  that status, with a JSON message (503 also with Retry-After)
    429          "too many requests" with Retry-After; always BEFORE the server acts
    drop         the connection is closed without a response
    slow         the answer comes `delay` seconds late
    truncate     the response's headers and half its body, then the connection closes
                 (downloads break mid-stream, JSON answers arrive cut)
    kill         not a request fault: each job started through the API is, with
                 probability `rate`, SIGKILLed within `kill_after` seconds of running

500/502/503, drop and slow hit a request either BEFORE the server acts or AFTER it acted
(the job really started, the file really uploaded, but the answer is lost or late) --
`when=before|after|any` (default any, a coin flip per fault). That second half is what
proves a client never starts a job twice. Truncation is always after.

`hot=REGEX` picks out requests ("METHOD /path", e.g. `hot=^POST /v4/jobs/start`) that are
hit at `hot_rate` (default 1) by faults that come AFTER the server acted (500, 502, 503,
drop, slow, truncate, in turn): with `hot_rate=1` every job start really starts the job and
loses or delays its answer, so a client that starts jobs twice shows it every time.

Other settings: `seed=N` (repeatable draws), `pick=random|cycle` (how a hit request's kind
is chosen; `cycle` takes the kinds in turn, so every kind shows up once there have been as
many faults as kinds), `delay=SECONDS` (slow answers; default 2),
`kill_after=SECONDS` (default 2), `paths=REGEX` (only requests whose "METHOD /path" matches;
no commas), `limit=N` (at most N faults in all, for deterministic tests).

The injector is the outermost ASGI layer, so it can close the connection itself: it reaches
uvicorn's transport through the `send` callable uvicorn hands to the application. It also
serves a few control routes under `/_faults` (same API key as the API; never faulted):

    GET  /_faults                  the spec in force and what was injected so far
    PUT  /_faults                  a new spec as the request body ("off" = rate 0)
    POST /_faults/kill/{jobId}     SIGKILL that running job's processes now
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import secrets
import signal
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from . import process

ENV_VAR = "SNAKEMAKE_DOMINO_LOCAL_FAULTS"
STATUS_KINDS = ("500", "502", "503", "429")
HTTP_KINDS = (*STATUS_KINDS, "drop", "slow", "truncate")
JOB_KINDS = ("kill",)
ALL_KINDS = HTTP_KINDS + JOB_KINDS
# kinds that can strike after the server acted, leaving the client unsure what happened
AFTER_KINDS = ("500", "502", "503", "drop", "slow", "truncate")
PHASES = ("before", "after", "any")
CONTROL_PREFIX = "/_faults"
# the Domino API; the web pages (web/) are for people, not for the executor under test
API_PREFIXES = ("/version", "/v1/", "/v4/", "/api/")
START_ROUTE = ("POST", "/v4/jobs/start")
RETRY_AFTER_SECONDS = "1"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class FaultSpecError(ValueError):
    """A fault spec the user wrote is invalid; the message says what to fix."""


@dataclass(frozen=True)
class FaultSpec:
    rate: float = 0.0
    kinds: tuple[str, ...] = HTTP_KINDS
    seed: int | None = None
    when: str = "any"
    delay: float = 2.0
    kill_after: float = 2.0
    paths: str | None = None
    limit: int | None = None
    pick: str = "random"
    hot: str | None = None
    hot_rate: float = 1.0

    def __post_init__(self) -> None:
        for name in ("rate", "hot_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise FaultSpecError(f"fault {name} {getattr(self, name)} is not between 0 and 1")
        unknown = [k for k in self.kinds if k not in ALL_KINDS]
        if unknown:
            raise FaultSpecError(
                f"unknown fault kind(s) {', '.join(unknown)}; known: {', '.join(ALL_KINDS)}"
            )
        if not self.kinds:
            raise FaultSpecError("no fault kinds given; e.g. kinds=500,502,503,429,drop,slow")
        if self.pick not in ("random", "cycle"):
            raise FaultSpecError(f"pick={self.pick}: use random or cycle")
        if self.when not in PHASES:
            raise FaultSpecError(f"when={self.when}: use one of {', '.join(PHASES)}")
        if self.delay < 0 or self.kill_after < 0:
            raise FaultSpecError("delay and kill_after must not be negative")
        if self.limit is not None and self.limit < 0:
            raise FaultSpecError("limit must not be negative")
        for name in ("paths", "hot"):
            pattern = getattr(self, name)
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                raise FaultSpecError(
                    f"{name}={pattern!r} is not a regular expression: {exc}"
                ) from None

    @classmethod
    def parse(cls, text: str | None) -> FaultSpec | None:
        """A spec from its text form; None for "", "off", "none" (no injector at all)."""
        if text is None or text.strip().lower() in ("", "off", "none", "0"):
            return None
        values: dict[str, Any] = {}
        kinds: list[str] = []
        key = None
        for token in (t.strip() for t in text.split(",")):
            if not token:
                continue
            if "=" in token:
                key, _, value = token.partition("=")
                key = key.strip().lower()
                value = value.strip()
            elif key == "kinds":
                value = token  # `kinds=500,502,drop`: later bare words are more kinds
            else:
                raise FaultSpecError(
                    f"fault setting {token!r} is not KEY=VALUE (in {text!r}); e.g. "
                    "rate=0.1,kinds=500,502,503,429,drop,slow,seed=7"
                )
            if key == "kinds":
                kinds.extend(HTTP_KINDS if value.lower() == "all" else [value.lower()])
                continue
            values[key] = value
        converters: dict[str, Callable[[str], Any]] = {
            "rate": float, "seed": int, "when": str.lower, "delay": float,
            "kill_after": float, "paths": str, "limit": int, "pick": str.lower,
            "hot": str, "hot_rate": float,
        }
        unknown = set(values) - set(converters)
        if unknown:
            raise FaultSpecError(
                f"unknown fault setting(s) {', '.join(sorted(unknown))}; known: kinds, "
                + ", ".join(converters)
            )
        try:
            settings = {k: converters[k](v) for k, v in values.items()}
        except ValueError as exc:
            raise FaultSpecError(f"fault spec {text!r}: {exc}") from None
        if kinds:
            settings["kinds"] = tuple(dict.fromkeys(kinds))
        return cls(**settings)

    @classmethod
    def from_env(cls) -> FaultSpec | None:
        return cls.parse(os.environ.get(ENV_VAR))

    def describe(self) -> str:
        parts = [f"rate={self.rate:g}", "kinds=" + ",".join(self.kinds), f"when={self.when}"]
        if self.pick != "random":
            parts.append(f"pick={self.pick}")
        parts += [f"delay={self.delay:g}", f"kill_after={self.kill_after:g}"]
        for name in ("seed", "paths", "limit", "hot"):
            if getattr(self, name) is not None:
                parts.append(f"{name}={getattr(self, name)}")
        if self.hot is not None:
            parts.append(f"hot_rate={self.hot_rate:g}")
        return ",".join(parts)


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


def as_spec(value: FaultSpec | str | None) -> FaultSpec | None:
    return value if isinstance(value, FaultSpec) or value is None else FaultSpec.parse(value)


class FaultInjector:
    """ASGI middleware: `FaultInjector(app, spec, backend)`; the outermost layer."""

    def __init__(self, app: ASGIApp, spec: FaultSpec, backend: Any) -> None:
        self.app = app
        self.backend = backend
        self._lock = threading.Lock()
        self.stats = FaultStats()
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
        job = self.backend.store.get_job(job_id)
        if job.status != "Running" or not job.pid:
            return False
        # the job's command runs in its own session: its pid is its process group
        if not process.kill_group(job.pid, signal.SIGKILL):
            return False
        with self._lock:
            self.stats.killed.append(job_id)
        return True

    def _kill_later(self, job_id: str, after: float) -> None:
        def run() -> None:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                try:
                    job = self.backend.store.get_job(job_id)
                except Exception:
                    return  # the server is shutting down
                if job.is_completed:
                    return
                if job.status == "Running" and job.pid:
                    time.sleep(after)
                    self.kill_job(job_id)
                    return
                time.sleep(0.05)

        threading.Thread(target=run, name=f"fault-kill-{job_id}", daemon=True).start()

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
            send = self._watch_job_start(send)
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
            body = await _body(receive)
            await asyncio.sleep(self.spec.delay)
            await self.app(scope, _replay(body, receive), send)
        elif kind == "drop":
            await _drop(raw)
        else:
            await _status(send, int(kind), "before the server acted")

    async def _after(
        self, kind: str, scope: Scope, receive: Receive, send: Send, raw: Send
    ) -> None:
        if kind == "slow":
            await self.app(scope, receive, _late(send, self.spec.delay))
        elif kind == "truncate":
            await self.app(scope, receive, _truncating(send, raw))
        else:
            async def swallow(message: Message) -> None:
                pass  # the server did its work; its answer is lost on the way

            await self.app(scope, receive, swallow)
            if kind == "drop":
                await _drop(raw)
            else:
                await _status(send, int(kind), "after the server acted")

    def _watch_job_start(self, send: Send) -> Send:
        """Remember started jobs' ids so a `kill` fault can end them mid-run."""
        status = 0
        body = bytearray()

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and status == 200:
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    self._maybe_kill(bytes(body))
            await send(message)

        return watching

    def _maybe_kill(self, body: bytes) -> None:
        after = self._draw_kill()
        if after is None:
            return
        try:
            job_id = json.loads(body)["id"]
        except (ValueError, KeyError, TypeError):
            return
        self._kill_later(str(job_id), after)

    # -- control routes ---------------------------------------------------------------------

    async def _control(
        self, scope: Scope, receive: Receive, send: Send, method: str, path: str
    ) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get("x-domino-api-key", "")
        if not secrets.compare_digest(key.encode(), self.backend.api_key.encode()):
            await _json(send, 401, {"message": "send the header 'X-Domino-Api-Key: <key>'"})
            return
        if path == CONTROL_PREFIX and method == "GET":
            await _json(send, 200, self.state())
        elif path == CONTROL_PREFIX and method == "PUT":
            text = (await _body(receive)).decode("utf-8", errors="replace")
            try:
                self.configure(text)
            except FaultSpecError as exc:
                await _json(send, 400, {"message": str(exc)})
                return
            await _json(send, 200, self.state())
        elif path.startswith(CONTROL_PREFIX + "/kill/") and method == "POST":
            job_id = path.rsplit("/", 1)[1]
            try:
                killed = self.kill_job(job_id)
            except Exception:
                await _json(send, 404, {"message": f"job {job_id} not found"})
                return
            if not killed:
                await _json(send, 409, {"message": f"job {job_id} is not running"})
                return
            await _json(send, 200, {"killed": job_id})
        else:
            await _json(send, 404, {"message": f"no fault control route {method} {path}"})

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"spec": self.spec.describe(), "armed": self.armed, **self.stats.as_dict()}


# -- response helpers ---------------------------------------------------------------------


async def _json(send: Send, status: int, payload: Any, headers: list | None = None) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _status(send: Send, status: int, when: str) -> None:
    headers = []
    if status in (429, 503):
        headers.append((b"retry-after", RETRY_AFTER_SECONDS.encode()))
    message = f"injected fault: {status} {when} (local Domino fault injection)"
    await _json(send, status, {"message": message}, headers)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over an already read body, then defers to the real one."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _cycle(send: Send) -> Any:
    # uvicorn hands the application its RequestResponseCycle's bound `send`
    return getattr(send, "__self__", None)


async def _drop(send: Send) -> None:
    """Close the connection without answering."""
    cycle = _cycle(send)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("fault injection: dropped connection (no transport)")
    transport.close()
    await _until_disconnected(cycle)


async def _until_disconnected(cycle: Any) -> None:
    # uvicorn marks the cycle disconnected once connection_lost has run; returning before
    # that would make it log "returned without a response" and try to send a 500 itself
    for _ in range(200):
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0.005)


def _late(send: Send, delay: float) -> Send:
    started = False

    async def late(message: Message) -> None:
        nonlocal started
        if not started:
            started = True
            await asyncio.sleep(delay)
        await send(message)

    return late


def _truncating(send: Send, raw: Send) -> Send:
    """Pass on the headers and half the announced body, then close the connection."""
    announced: int | None = None
    sent = 0
    cut = False
    swallowed_start: Message | None = None

    async def truncating(message: Message) -> None:
        nonlocal announced, sent, cut, swallowed_start
        if cut:
            return  # the rest goes nowhere; the client has already lost the connection
        if message["type"] == "http.response.start":
            for name, value in message.get("headers", []):
                if name.lower() == b"content-length":
                    announced = int(value)
            if not announced:
                swallowed_start = message  # nothing to cut in half: drop it instead
                return
            await send(message)
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        if swallowed_start is not None or announced is None:
            cut = True
            await _drop(raw)
            return
        keep = announced // 2 - sent
        body = message.get("body", b"")
        if len(body) < keep and message.get("more_body", False):
            sent += len(body)
            await send(message)
            return
        cut = True
        await send({"type": "http.response.body", "body": body[:keep], "more_body": True})
        await _drop(raw)

    return truncating

