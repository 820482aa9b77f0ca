"""A Retry-After slows the whole client: the pace one answer sets holds every request of the
client and of its copies, whichever thread sends it, and urllib3's retries report each
Retry-After they honour."""

from __future__ import annotations

import threading

import pytest
import requests
from urllib3.response import HTTPResponse

from snakemake_executor_domino.domino import Credentials, DominoError
from snakemake_executor_domino.domino.http import IDEMPOTENT, Http
from snakemake_executor_domino.domino.retry import BACKOFF_MAX, Pace, retry_after, urllib3_policy


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("snakemake_executor_domino.domino.retry.time.sleep", waits.append)
    return waits


def test_retry_after_is_read_from_429_and_503_only():
    assert retry_after(429, "3") == 3.0 and retry_after(503, "0") == 0.0
    assert retry_after(500, "3") is None and retry_after(429, None) is None
    assert retry_after(429, "soon") is None


def test_a_held_pace_makes_every_request_wait(slept):
    pace = Pace()
    pace.wait()
    assert slept == []  # nothing held: no wait
    pace.hold(5)
    pace.wait()
    assert len(slept) == 1 and 4.0 < slept[0] <= 5.0
    pace.hold(3600)  # a deployment asking for an hour is waited on at most the backoff cap
    pace.wait()
    assert slept[-1] <= BACKOFF_MAX


def test_urllib3_retries_pass_each_retry_after_to_the_pace(slept):
    pace = Pace()
    policy = urllib3_policy(60, frozenset({429}), IDEMPOTENT, pace)
    answer = HTTPResponse(status=429, headers={"Retry-After": "7"})
    after = policy.increment("GET", "/v4/jobs", response=answer)
    assert after.pace is pace  # carried through urllib3's copies
    after.sleep(answer)  # urllib3 honours it for this request...
    pace.wait()  # ...and every other request of the client holds too
    assert len(slept) == 2 and slept[0] == 7.0 and 6.0 < slept[1] <= 7.0


def test_the_client_and_its_copies_share_one_pace_across_threads(slept):
    http = Http("http://127.0.0.1:9", Credentials(api_key="k"))
    quick = http.with_retry_budget(5)
    assert quick.pace is http.pace
    http.pace.hold(4)
    other = threading.Thread(target=quick.pace.wait)
    other.start()
    other.join()
    assert len(slept) == 1 and 3.0 < slept[0] <= 4.0


def test_every_request_of_the_client_waits_for_the_pace_before_it_is_sent(monkeypatch):
    events: list[str] = []
    monkeypatch.setattr("snakemake_executor_domino.domino.retry.time.sleep",
                        lambda seconds: events.append(f"held {seconds:.0f}"))
    http = Http("http://127.0.0.1:9", Credentials(api_key="k"))
    answer = requests.Response()
    answer.status_code = 200
    monkeypatch.setattr(http.session, "request",
                        lambda method, url, **kw: events.append(f"sent {method}") or answer)
    http.request("GET", "/version")
    http.pace.hold(4)  # a 429 elsewhere in the client
    http.request("POST", "/v4/jobs/start", json={})
    assert events == ["sent GET", "held 4", "sent POST"]


def test_a_post_refused_with_retry_after_holds_the_client(monkeypatch):
    http = Http("http://127.0.0.1:9", Credentials(api_key="k"))
    answer = requests.Response()
    answer.status_code = 429
    answer.headers["Retry-After"] = "6"
    answer._content = b'{"message": "too many requests"}'
    monkeypatch.setattr(http.session, "request", lambda method, url, **kw: answer)
    with pytest.raises(DominoError):
        http.request("POST", "/v4/jobs/start", json={})
    waits: list[float] = []
    monkeypatch.setattr("snakemake_executor_domino.domino.retry.time.sleep", waits.append)
    http.pace.wait()
    assert len(waits) == 1 and 5.0 < waits[0] <= 6.0
