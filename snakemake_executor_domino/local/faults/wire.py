"""The ways an injected fault misbehaves on the wire, as ASGI pieces: a JSON error answer, a
closed connection, a late answer, a body cut in half, and a request body read ahead and handed
over again. Used by the fault injector (injector.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

RETRY_AFTER_SECONDS = "1"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]



async def json_answer(send: Send, status: int, payload: Any, headers: list | None = None) -> None:
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


async def status_answer(send: Send, status: int, when: str) -> None:
    headers = []
    if status in (429, 503):
        headers.append((b"retry-after", RETRY_AFTER_SECONDS.encode()))
    message = f"injected fault: {status} {when} (local Domino fault injection)"
    await json_answer(send, status, {"message": message}, headers)


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over an already read body, then defers to the real one."""
    pending = True

    async def replaying() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying


def _cycle(send: Send) -> Any:
    # uvicorn hands the application its RequestResponseCycle's bound `send`
    return getattr(send, "__self__", None)


async def drop(send: Send) -> None:
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


def late(send: Send, delay: float) -> Send:
    started = False

    async def delaying(message: Message) -> None:
        nonlocal started
        if not started:
            started = True
            await asyncio.sleep(delay)
        await send(message)

    return delaying


def truncating(send: Send, raw: Send) -> Send:
    """Pass on the headers and half the announced body, then close the connection."""
    announced: int | None = None
    sent = 0
    cut = False
    swallowed_start: Message | None = None

    async def cutting(message: Message) -> None:
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
            await drop(raw)
            return
        keep = announced // 2 - sent
        body = message.get("body", b"")
        if len(body) < keep and message.get("more_body", False):
            sent += len(body)
            await send(message)
            return
        cut = True
        await send({"type": "http.response.body", "body": body[:keep], "more_body": True})
        await drop(raw)

    return cutting

