"""The one retry policy of the client: which failures are tried again (transient ones:
`errors.is_transient`; a job start only after it was looked for, client.py), how long to
wait between tries, and for how long in all. Every call that retries names its budget here,
as data; its loop only asks `attempts(budget)` for the next try.

urllib3 retries the idempotent requests themselves (`urllib3_policy`, with the same
exponential backoff); the budgets below cover what urllib3 cannot: an answer whose body broke
off, POSTs that may be repeated, waiting for something to appear, downloads verified after
they arrived, and the executor's retries across polling cycles. A Retry-After slows the
whole client down (`Pace`), not only the call that got it.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from urllib3.util.retry import Retry

# urllib3's exponential backoff: 0.5 s doubling, at most 30 s (plus its jitter)
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 30.0


@dataclass(frozen=True)
class Budget:
    """How a call retries: at most `tries` tries and/or for `seconds`; the wait before
    try n+1 is first * factor**(n-1), at most `cap`, times a factor drawn from `jitter`."""

    tries: int | None = None
    seconds: float | None = None
    first: float = 0.5
    factor: float = 2.0
    cap: float = BACKOFF_MAX
    jitter: tuple[float, float] = (0.5, 1.5)

    def wait(self, tried: int) -> float:
        return min(self.cap, self.first * self.factor ** (tried - 1)) * random.uniform(
            *self.jitter
        )

    def within(self, seconds: float) -> Budget:
        """This budget, lasting `seconds` (a client's --domino-retry-budget)."""
        return replace(self, seconds=seconds)


@dataclass(frozen=True)
class Attempt:
    number: int
    out_of_tries: bool
    deadline: float | None

    @property
    def last(self) -> bool:
        """No try follows this one: on failure, give up. Judged when asked (after the try),
        so a try that ends past the deadline is the last one."""
        return self.out_of_tries or (
            self.deadline is not None and time.monotonic() > self.deadline
        )


BUDGETS = {
    # a job start, after Domino was asked whether the failed one landed (seconds: the
    # client's retry budget)
    "start": Budget(first=1.0, factor=2.0, cap=30.0, jitter=(0.5, 1.5)),
    # naming a job after its start (Domino before 5.5): idempotent, a few quick tries
    "name": Budget(tries=5, first=0.2, factor=2.0, jitter=(1.0, 1.0)),
    # stopping a job: a fixed short wait, for at most 30 s
    "stop": Budget(seconds=30.0, first=1.0, factor=1.0, jitter=(1.0, 1.0)),
    # looking for a job whose start timed out (seconds: the request timeout, at least 5 s)
    "find_started": Budget(first=0.5, factor=1.0, jitter=(1.0, 1.0)),
    # the head commit after uploads, for a Domino that shows it a little later
    "head_after": Budget(seconds=5.0, first=0.1, factor=2.0, jitter=(1.0, 1.0)),
    # a download that broke or did not verify, fetched again from the start
    "download": Budget(tries=4, first=1.0, factor=2.0, cap=8.0, jitter=(0.5, 1.0)),
    # an idempotent request whose answer's body broke off (seconds: the retry budget)
    "broken_body": Budget(first=BACKOFF_FACTOR, factor=2.0, cap=BACKOFF_MAX,
                          jitter=(0.5, 1.0)),
    # a finished job whose outputs could not be pulled: tried again on later polling cycles
    "pull": Budget(tries=5),
}


def attempts(budget: Budget) -> Iterator[Attempt]:
    """Tries under `budget`: the caller returns on success and, on failure, raises when
    `attempt.last`; otherwise the next try comes after the budget's wait."""
    deadline = time.monotonic() + budget.seconds if budget.seconds is not None else None
    number = 0
    while True:
        number += 1
        attempt = Attempt(number, budget.tries is not None and number >= budget.tries, deadline)
        yield attempt
        if attempt.last:
            return
        time.sleep(budget.wait(number))


def backoff(retry: int) -> float:
    """Seconds urllib3 waits before its `retry`-th retry (the first is immediate)."""
    return 0.0 if retry <= 1 else min(BACKOFF_FACTOR * 2 ** (retry - 1), BACKOFF_MAX)


def retries_within(budget: float) -> int:
    """How many retries' backoff fits in `budget` seconds (at least 2)."""
    retries, spent = 0, 0.0
    while retries < 50 and spent + backoff(retries + 1) <= budget:
        retries += 1
        spent += backoff(retries)
    return max(2, retries)


class Pace:
    """One deployment's pace. A 429 or 503 with Retry-After says the deployment wants fewer
    requests, not that one call should wait: every request of the client (and of its copies
    with other budgets, in every thread) holds until that time has passed."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + min(seconds, BACKOFF_MAX))

    def wait(self) -> None:
        delay = self._until - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def retry_after(status: int, value: str | None) -> float | None:
    """Seconds a 429 or 503 answer asks the client to hold off (a number or an HTTP date)."""
    if status not in (429, 503) or not value:
        return None
    try:
        return max(0.0, Retry().parse_retry_after(value))
    except Exception:  # an unparseable header asks nothing
        return None


class PacedRetry(Retry):
    """urllib3's policy, telling the client's Pace of every Retry-After it honours (the
    intermediate answers of its retries never reach the client)."""

    pace: Pace | None = None

    def new(self, **kw: Any) -> PacedRetry:
        renewed = super().new(**kw)
        renewed.pace = self.pace
        return renewed

    def get_retry_after(self, response: Any) -> float | None:
        seconds = super().get_retry_after(response)
        if seconds is not None and self.pace is not None:
            self.pace.hold(seconds)
        return seconds


def urllib3_policy(
    total_seconds: float, statuses: frozenset[int], methods: frozenset[str],
    pace: Pace | None = None,
) -> Retry:
    """urllib3's part: as many retries as the backoff fits in the budget, on `statuses`
    and broken connections, for idempotent `methods`, honouring Retry-After (and passing
    it on to `pace`)."""
    tries = retries_within(total_seconds)
    policy = PacedRetry(
        total=tries,
        connect=tries,
        read=tries,
        status=tries,
        backoff_factor=BACKOFF_FACTOR,
        backoff_max=BACKOFF_MAX,
        backoff_jitter=0.5,
        status_forcelist=statuses,
        allowed_methods=methods,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    policy.pace = pace
    return policy
