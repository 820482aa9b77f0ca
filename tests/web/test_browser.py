"""The web pages in a real browser: headless Debian Chromium driven by Playwright.

Covers the issue's browser checks: the URL the executor prints for a failed job opens its
page after login; a successful job's page renders a text output and a PNG inline (the example
pipeline's `score` job, which is also the README screenshot); Stop works; pages and actions
are refused without a session; a forged POST is refused; `<script>` in a title or log is
text; the file browser refuses `..` and absolute paths.

The screenshot is written to docs/images/job-page.png only with UPDATE_SCREENSHOT=1 (a test
run must not modify the tree); otherwise to the test's temporary directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from snakemake_executor_domino.domino import Job
from tests.conftest import EXAMPLE_RUN, DominoServer, PipelineRun, run_snakemake
from tests.web.conftest import wait_job

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "docs" / "images" / "job-page.png"
SECONDS = 1000  # Playwright timeouts are in milliseconds


@pytest.fixture(scope="module")
def pipeline(domino: DominoServer, example_run: PipelineRun) -> tuple[str, Job]:
    """The example pipeline, run for real (the session's shared run, tests/conftest.py).
    Returns the project and its `score` job."""
    jobs, _ = domino.client(example_run.project).list_jobs(page_size=100)
    score = next(job for job in jobs if job.title.split()[1] == "score")
    assert score.status == "Succeeded"
    return example_run.project, score


@pytest.fixture
def sleeper(domino: DominoServer, project: str):
    client = domino.client(project)
    job = client.start_job("echo started; sleep 120", title="sleeps")
    wait_job(client, job.id, ("Running",))
    yield client, job
    client.stop_job(job.id)


def status_of(page: Any) -> str:
    return page.locator("main .heading .status").inner_text()


def test_failed_jobs_printed_url_opens_its_page_after_login(domino, project, tmp_path,
                                                            anonymous_page):
    (tmp_path / "Snakefile").write_text(
        'rule all:\n    input: "result.txt"\n'
        'rule boom:\n    output: "result.txt"\n'
        '    shell: "for i in $(seq 1 40); do echo step $i; done; '
        'echo cannot continue: bad input >&2; exit 3"\n'
    )
    result = run_snakemake(tmp_path, domino, project, check=False)
    assert result.returncode != 0
    failed = [job for job in domino.client(project).list_jobs()[0] if job.status == "Failed"]
    assert len(failed) == 1
    printed = re.search(rf"{re.escape(domino.url)}/jobs/{project}/{failed[0].id}\b",
                        result.stderr)
    assert printed, result.stderr

    page = anonymous_page
    page.goto(printed.group(0))
    assert page.url.startswith(f"{domino.url}/login?next=")
    page.fill("#api_key", domino.api_key)
    page.click("button[type=submit]")
    page.wait_for_url(printed.group(0))
    assert status_of(page) == "Failed"
    log = page.locator("#log").inner_text()
    assert "step 40" in log and "cannot continue: bad input" in log
    assert page.locator("#log").is_visible()


@EXAMPLE_RUN
def test_successful_job_page_shows_its_outputs_with_text_and_png_inline(pipeline, page,
                                                                        domino, tmp_path):
    project, score = pipeline
    page.goto(f"{domino.url}/jobs/{project}/{score.id}")
    assert status_of(page) == "Succeeded"
    files = page.locator("section.files table").inner_text()
    for path in ("score_report.txt", "results/roc_curves.png", "logs/score.log"):
        assert path in files
    def preview(path: str):  # the figure captioned exactly `path` (a manifest names it too)
        caption = page.get_by_text(path, exact=True).locator("xpath=ancestor::figure[1]")
        return page.locator("figure.preview").filter(has=caption)

    report = preview("score_report.txt").locator("pre")
    assert "best: ensemble" in report.inner_text()
    picture = preview("results/roc_curves.png").locator("img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=picture.element_handle(), timeout=10 * SECONDS)
    assert picture.evaluate("img => img.naturalWidth") == 600

    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") == "1" else tmp_path / "job.png"
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 20_000


@EXAMPLE_RUN
def test_file_browser_navigates_and_downloads(pipeline, page, domino):
    project, score = pipeline
    page.goto(f"{domino.url}/u/{project}/browse?commitId={score.output_commit_id}")
    page.click("text=results/")
    page.click("text=roc_curves.png")
    picture = page.locator("img.preview")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=picture.element_handle(), timeout=10 * SECONDS)
    assert picture.evaluate("img => img.naturalWidth") == 600
    with page.expect_download() as download:
        page.click("text=download")
    assert download.value.suggested_filename == "roc_curves.png"


def test_stop_button_ends_a_running_job_stopped(domino, project, page, sleeper):
    client, job = sleeper
    page.goto(f"{domino.url}/jobs/{project}/{job.id}")
    assert status_of(page) == "Running"
    page.get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_url(f"{domino.url}/jobs/{project}/{job.id}")
    # the page reloads itself while the job is active, until it shows the outcome
    page.locator("main .heading .status", has_text="Stopped").wait_for(timeout=20 * SECONDS)
    assert client.get_job(job.id).status == "Stopped"
    assert page.get_by_role("button", name="Stop", exact=True).count() == 0


def test_without_a_session_pages_redirect_and_actions_are_refused(domino, project,
                                                                  anonymous_page, sleeper):
    client, job = sleeper
    commit = client.head_commit_id()
    page = anonymous_page
    for url in ("/", f"/jobs/{project}", f"/jobs/{project}/{job.id}",
                f"/jobs/{project}/{job.id}/log", f"/u/{project}/browse",
                f"/u/{project}/browse?commitId={commit}&path=x",
                f"/u/{project}/raw/{commit}/x.txt"):
        page.goto(domino.url + url)
        assert page.url.startswith(f"{domino.url}/login"), url
        assert page.locator("#api_key").is_visible()
    for url in (f"/jobs/{project}/{job.id}/stop", "/logout"):
        response = page.request.post(domino.url + url, form={"commit": "0"})
        assert response.status == 403, url
    assert client.get_job(job.id).status == "Running"


def test_forged_posts_are_refused(domino, project, page, sleeper):
    client, job = sleeper
    stop = f"{domino.url}/jobs/{project}/{job.id}/stop"
    # from another site: a page of the attacker's auto-submits a form to the Stop action
    page.goto("about:blank")
    page.set_content(
        f'<form method="post" action="{stop}"><input name="commit" value="0"></form>'
    )
    with page.expect_navigation() as navigation:
        page.locator("form").evaluate("form => form.submit()")
    assert navigation.value.status == 403
    # with the session cookie but without the page's CSRF token
    response = page.request.post(stop, form={"commit": "0"})
    assert response.status == 403
    assert "CSRF" in response.text()
    response = page.request.post(stop, form={"commit": "0", "csrf": "guessed"})
    assert response.status == 403
    assert client.get_job(job.id).status == "Running"


def test_script_in_title_and_log_is_shown_as_text(domino, project, page):
    client = domino.client(project)
    title = "<script>window.pwned = 'title'</script><img src=x onerror=\"window.pwned='img'\">"
    job = client.start_job(
        "echo \"<script>window.pwned = 'log'</script>\"; echo '<b>bold?</b>'", title=title
    )
    wait_job(client, job.id, ("Succeeded",))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{domino.url}/jobs/{project}/{job.id}")
    assert title in page.locator("main h1").inner_text()
    log = page.locator("#log").inner_text()
    assert "<script>window.pwned = 'log'</script>" in log and "<b>bold?</b>" in log
    assert page.evaluate("() => window.pwned") is None
    assert page.locator("main script, main img[src='x'], #log b").count() == 0
    page.goto(f"{domino.url}/jobs/{project}")
    assert title in page.locator("table.jobs").inner_text()
    assert page.evaluate("() => window.pwned") is None
    assert dialogs == []


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "a/../../b"])
def test_file_browser_refuses_dot_dot_and_absolute_paths(domino, project, page, path):
    response = page.goto(f"{domino.url}/u/{project}/browse?path={path}")
    assert response.status == 400
    assert "invalid path" in page.locator("main").inner_text()
