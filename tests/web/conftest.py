"""Fixtures for the web pages: logged-in HTTP sessions, a real headless Chromium, and jobs.

Browser tests drive Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it)
through Playwright, launched with the system browser's path since Playwright's own browser
download is not reachable here. Without a browser they are skipped, with the reason, except
under CI (the variable `CI` set, as CI services and `.ci/run` do): there they fail, so a CI
run cannot pass without them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from snakemake_executor_domino.domino import DominoClient, Job
from snakemake_executor_domino.local.web.session import login_link
from tests.conftest import DominoServer, unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def logged_in(domino: DominoServer) -> requests.Session:
    """A requests session holding a web session cookie (logged in with the API key)."""
    http = requests.Session()
    r = http.post(
        f"{domino.url}/login", data={"api_key": domino.api_key}, allow_redirects=False
    )
    assert r.status_code == 303, r.text
    return http


def csrf_of(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def wait_job(client: DominoClient, job_id: str, statuses: tuple[str, ...], timeout: float = 30
             ) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get_job(job_id)
        if job.status in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} is {job.status}, not one of {statuses}")
        time.sleep(0.1)


@pytest.fixture
def project(domino: DominoServer) -> str:
    return domino.new_project("web")


@pytest.fixture
def http(domino: DominoServer) -> requests.Session:
    return logged_in(domino)


def browser_missing(reason: str) -> None:
    """Skip the browser tests for `reason`; under CI, fail them instead."""
    unavailable("the browser tests", reason)


# module, not session: Playwright's sync API keeps an asyncio loop running in this thread
# until it exits, and tests that run Snakemake in-process (which calls asyncio.run) fail
# inside a running loop, as they do when a pytest-xdist worker runs them after these
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        browser_missing(
            f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
            "to run the browser tests; .ci/run does"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        browser_missing(f"Playwright is not installed ({exc}): pip install -e '.[test]'")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def anonymous_page(browser: Any) -> Iterator[Any]:
    """A page in a fresh browser context: no session."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, domino: DominoServer) -> Iterator[Any]:
    """A page in a fresh browser context, logged in through the one-time login link."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(login_link(domino.url, domino.api_key))
        assert not page.url.startswith(f"{domino.url}/login"), page.content()
        yield page
    finally:
        context.close()
