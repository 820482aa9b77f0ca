"""What the local Domino's fault injection is asked to do: the fault spec and its text form.

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
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ENV_VAR = "SNAKEMAKE_DOMINO_LOCAL_FAULTS"
STATUS_KINDS = ("500", "502", "503", "429")
HTTP_KINDS = (*STATUS_KINDS, "drop", "slow", "truncate")
JOB_KINDS = ("kill",)
ALL_KINDS = HTTP_KINDS + JOB_KINDS
# kinds that can strike after the server acted, leaving the client unsure what happened
AFTER_KINDS = ("500", "502", "503", "drop", "slow", "truncate")
PHASES = ("before", "after", "any")


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


def as_spec(value: FaultSpec | str | None) -> FaultSpec | None:
    return value if isinstance(value, FaultSpec) or value is None else FaultSpec.parse(value)
