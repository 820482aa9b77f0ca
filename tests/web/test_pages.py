"""What the pages show, over HTTP: jobs, stage times, logs, changed files, the file browser."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.conftest import DominoServer
from tests.web.conftest import wait_job

PNG_1x1 = (
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2dd5e8f0000000049454e44ae426082"
)


def run(domino: DominoServer, project: str, command: str, title: str = "",
        status: str = "Succeeded"):
    client = domino.client(project)
    job = client.start_job(command, title=title)
    return wait_job(client, job.id, (status,))


def test_user_text_is_escaped(domino, project, http):
    title = '<script>alert("title")</script><img src=x onerror=alert(1)>'
    job = run(domino, project, "echo '<script>alert(\"log\")</script>' > '<b>.txt'; "
              "cat '<b>.txt'", title=title)
    page = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
    assert "<script>" not in page and "<img src=x" not in page and "<b>" not in page
    assert str(escape(title)) in page
    assert "&lt;script&gt;alert(&#34;log&#34;)&lt;/script&gt;" in page
    assert "&lt;b&gt;.txt" in page
    listing = http.get(f"{domino.url}/jobs/{project}").text
    assert "<script>" not in listing and "&lt;script&gt;" in listing


def test_job_page_shows_status_times_command_tier_commits_and_log(domino, project, http):
    job = run(domino, project, "echo first line; for i in $(seq 1 50); do echo line $i; done; "
              "echo bad thing >&2; exit 4", title="fails on purpose", status="Failed")
    page = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
    assert 'class="status s-failed">Failed<' in page
    assert "exit code 4" in page
    assert "fails on purpose" in page and "exit 4" in page
    assert "Small" in page and "small-k8s" in page
    for label in ("Submitted", "Started", "Completed", "Waited", "Ran"):
        assert f"<th>{label}</th>" in page
    assert f"commitId={job.input_commit_id}" in page
    assert "line 50" in page and "bad thing" in page
    assert 'http-equiv="refresh"' not in page  # nothing active: no reloading


def test_running_job_page_refreshes_and_offers_stop(domino, project, http):
    client = domino.client(project)
    job = client.start_job("echo started; sleep 60", title="long")
    wait_job(client, job.id, ("Running",))
    try:
        page = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
        assert '<meta http-equiv="refresh" content="2">' in page
        assert f'action="/jobs/{project}/{job.id}/stop"' in page
        assert 'name="csrf"' in page
        listing = http.get(f"{domino.url}/jobs/{project}").text
        assert 'http-equiv="refresh"' in listing
    finally:
        client.stop_job(job.id)


def test_changed_files_are_the_jobs_own_with_inline_previews(domino, project, http):
    client = domino.client(project)
    # `slow` starts first and finishes last: the output commit of `fast` lands in between,
    # and must not be counted as a change of `slow`
    slow = client.start_job(
        f"sleep 1.5; mkdir -p out; echo hello report > out/report.txt; "
        f"python -c \"import sys; sys.stdout.buffer.write(bytes.fromhex('{PNG_1x1}'))\" "
        "> out/pic.png; "
        "head -c 3000 /dev/zero > blob.bin",
        title="slow",
    )
    fast = client.start_job("echo fast > fast.txt", title="fast")
    wait_job(client, fast.id, ("Succeeded",))
    wait_job(client, slow.id, ("Succeeded",))
    page = http.get(f"{domino.url}/jobs/{project}/{slow.id}").text
    assert "fast.txt" not in page
    for path in ("out/report.txt", "out/pic.png", "blob.bin"):
        assert f">{path}</a>" in page
    assert '<pre class="file-text">hello report' in page
    out = client.get_job(slow.id).output_commit_id
    assert f'<img src="/u/{project}/raw/{out}/out/pic.png?inline=1"' in page
    assert "blob.bin</figcaption>" not in page  # binary: a download link only
    fast_page = http.get(f"{domino.url}/jobs/{project}/{fast.id}").text
    assert ">fast.txt</a>" in fast_page and "out/report.txt" not in fast_page


def test_job_that_changed_nothing_lists_no_files(domino, project, http):
    run(domino, project, "echo x > kept.txt", title="writes")
    job = run(domino, project, "true", title="changes nothing")
    page = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
    assert "the run changed no project file" in page
    assert "kept.txt" not in page


def test_long_log_shows_its_tail(domino, project, http):
    job = run(domino, project, "for i in $(seq 1 20000); do echo log line number $i; done")
    page = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
    assert "log line number 20000" in page
    assert "log line number 1\n" not in page
    assert re.search(r"The last \d+ characters of \d+(\.\d)? [KM]iB", page)
    full = http.get(f"{domino.url}/jobs/{project}/{job.id}/log")
    assert full.headers["content-type"].startswith("text/plain")
    assert full.text.startswith("log line number 1\n")


def test_project_page_lists_newest_first_and_filters_by_status(domino, project, http):
    run(domino, project, "true", title="job one")
    run(domino, project, "exit 1", title="job two", status="Failed")
    run(domino, project, "true", title="job three")
    page = http.get(f"{domino.url}/jobs/{project}").text
    assert page.index("job three") < page.index("job two") < page.index("job one")
    failed = http.get(f"{domino.url}/jobs/{project}?status=failed").text
    assert "job two" in failed and "job one" not in failed and "job three" not in failed
    assert 'class="current" aria-current="page">Failed' in failed
    assert http.get(f"{domino.url}/jobs/{project}?status=bogus").status_code == 400
    index = http.get(f"{domino.url}/").text
    assert f'href="/jobs/{project}"' in index


def test_a_job_of_another_project_is_not_found(domino, project, http):
    job = run(domino, project, "true")
    other = domino.new_project("other")
    r = http.get(f"{domino.url}/jobs/{other}/{job.id}")
    assert r.status_code == 404
    assert http.get(f"{domino.url}/jobs/{project}/{'0' * 24}").status_code == 404


def test_legacy_results_url_redirects_to_the_job_page(domino, project, http):
    job = run(domino, project, "true")
    r = http.get(f"{domino.url}/u/{project}/results/{job.id}", allow_redirects=False)
    assert r.headers["location"] == f"/jobs/{project}/{job.id}"


@pytest.mark.parametrize(
    "path", ["../x", "a/../b", "/etc/passwd", "./a", "a//b", "a\\b", "%2e%2e/x", "..%2Fx"]
)
def test_browser_refuses_dot_dot_and_absolute_paths(domino, project, http, path):
    r = http.get(f"{domino.url}/u/{project}/browse?path={path}")
    assert r.status_code == 400, r.text
    assert "invalid path" in r.text


@pytest.mark.parametrize("path", ["%2e%2e/etc/passwd", "a/%2E%2E/b", "%2Fetc/passwd"])
def test_raw_file_refuses_dot_dot_and_absolute_paths(domino, project, http, path):
    commit = domino.client(project).head_commit_id()
    r = http.get(f"{domino.url}/u/{project}/raw/{commit}/{path}")
    assert r.status_code == 400


def test_file_browser_lists_sizes_and_serves_files_safely(domino, project, http):
    run(domino, project,
        "mkdir -p d/e; printf 12345 > d/five.txt; echo '<script>alert(1)</script>' > d/x.html; "
        "echo '<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>' "
        "> d/e/p.svg")
    client = domino.client(project)
    head = client.head_commit_id()
    root = http.get(f"{domino.url}/u/{project}/browse").text
    assert ">d/</a>" in root
    listing = http.get(f"{domino.url}/u/{project}/browse?commitId={head}&path=d").text
    assert ">five.txt</a>" in listing and "5 B" in listing and ">e/</a>" in listing
    assert f'href="/u/{project}/raw/{head}/d/five.txt" download' in listing
    view = http.get(f"{domino.url}/u/{project}/browse?commitId={head}&path=d/five.txt").text
    assert '<pre class="file-text">12345</pre>' in view

    raw = http.get(f"{domino.url}/u/{project}/raw/{head}/d/five.txt")
    assert raw.content == b"12345"
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.headers["content-disposition"].startswith("attachment")
    # an HTML file is never served as a page, even when asked for inline
    page = http.get(f"{domino.url}/u/{project}/raw/{head}/d/x.html?inline=1")
    assert page.headers["content-type"] == "application/octet-stream"
    assert page.headers["x-content-type-options"] == "nosniff"
    # a picture inline, but sandboxed: an SVG opened on its own runs no script
    svg = http.get(f"{domino.url}/u/{project}/raw/{head}/d/e/p.svg?inline=1")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "sandbox" in svg.headers["content-security-policy"]
    assert http.get(f"{domino.url}/u/{project}/raw/{head}/nope.txt").status_code == 404
    bad_commit = http.get(f"{domino.url}/u/{project}/browse?commitId={'f' * 40}")
    assert bad_commit.status_code == 404


def test_schedules_show_with_their_next_fire_time(domino, project, http):
    client = domino.client(project)
    r = client.session.post(
        f"{domino.url}/v4/projects/{client.project_id}/scheduledjobs",
        headers={"X-Domino-Api-Key": domino.api_key},
        json={"title": "nightly <run>", "command": "echo hi",
              "schedule": {"cronString": "0 0 3 * * ?", "isCustom": True},
              "timezoneId": "UTC", "isPaused": False, "publishAfterCompleted": False,
              "allowConcurrentExecution": False, "hardwareTierIdentifier": "small-k8s",
              "scheduledByUserId": client.session.get(
                  f"{domino.url}/v4/users/self", headers={"X-Domino-Api-Key": domino.api_key},
                  timeout=10).json()["id"],
              "notifyOnCompleteEmailAddresses": []},
        timeout=10,
    )
    assert r.status_code in (200, 201), r.text
    page = http.get(f"{domino.url}/jobs/{project}").text
    assert "Scheduled jobs" in page
    assert "nightly &lt;run&gt;" in page and "0 0 3 * * ?" in page
    section = page[page.index("Scheduled jobs"):]
    assert re.search(r"\d{4}-\d\d-\d\d 0?\d:00:00|\d{4}-\d\d-\d\d \d\d:00:00", section)


def test_deleted_files_are_listed_as_deleted(domino, project, http):
    run(domino, project, "echo x > gone.txt", title="writes")
    job = run(domino, project, "rm gone.txt", title="deletes")
    page = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
    assert '<td>gone.txt</td><td class="change-deleted">deleted</td>' in page
