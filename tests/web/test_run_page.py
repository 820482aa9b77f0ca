"""A Snakemake run's page over HTTP: the timeline's bars (one per job of the run, each a link
to its job), the summary from the server's records, the project's list of runs, and bad
input. Jobs are started here with the executor's title scheme, no pipeline needed."""

from __future__ import annotations

import re

from tests.conftest import DominoServer
from tests.web.conftest import wait_job


def run_jobs(domino: DominoServer, project: str, run_id: str, commands: dict[str, str]):
    """Jobs titled as the executor titles them, one per (label, command); all waited for."""
    client = domino.client(project)
    started = [
        client.start_job(command, title=f"snakemake {label} [run {run_id} job {i} try 1]")
        for i, (label, command) in enumerate(commands.items())
    ]
    return [wait_job(client, job.id, ("Succeeded", "Failed")) for job in started]


def test_run_page_draws_one_linked_bar_per_job_of_the_run(domino, project, http):
    jobs = run_jobs(domino, project, "r1a2", {"clean": "true", "fit model=forest": "exit 3"})
    other = run_jobs(domino, project, "zz99", {"score": "true"})  # another run: not drawn
    page = http.get(f"{domino.url}/jobs/{project}/runs/r1a2")
    assert page.status_code == 200
    html = page.text
    links = re.findall(r'<a class="job" href="([^"]+)" data-job-id="(\w+)">', html)
    assert sorted(job_id for _, job_id in links) == sorted(j.id for j in jobs)
    for href, job_id in links:
        assert href == f"/jobs/{project}/{job_id}"
    assert other[0].id not in html
    assert "#2 fit (model=forest)" in html and "#1 clean" in html
    # the failed job is outlined; the summary counts both outcomes
    assert 'stroke="#c62828"' in html.split('data-job-id="' + jobs[1].id)[1].split("</a>")[0]
    assert "1 succeeded, 1 failed" in html
    assert 'http-equiv="refresh"' not in html


def test_runs_list_links_each_run(domino, project, http):
    run_jobs(domino, project, "aaa1", {"clean": "true"})
    run_jobs(domino, project, "bbb2", {"clean": "true", "score": "true"})
    client = domino.client(project)
    client.start_job("true", title="not from snakemake")
    html = http.get(f"{domino.url}/jobs/{project}/runs").text
    assert f'href="/jobs/{project}/runs/aaa1"' in html
    assert f'href="/jobs/{project}/runs/bbb2"' in html
    assert html.index("bbb2") < html.index("aaa1")  # newest first
    project_page = http.get(f"{domino.url}/jobs/{project}").text
    assert f'href="/jobs/{project}/runs"' in project_page


def test_job_page_links_its_run_and_shows_what_it_used(domino, project, http):
    # long enough for the runner to look at it (every 0.1 s)
    command = "python -c 'import time; sum(range(10**6)); time.sleep(0.4)'"
    [job] = run_jobs(domino, project, "ccc3", {"clean": command})
    html = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
    assert f'href="/jobs/{project}/runs/ccc3"' in html
    assert "CPU time" in html and "peak memory" in html


def test_run_page_shows_use_as_a_share_of_the_tier_and_names_a_smaller_tier(
        domino, project, http):
    client = domino.client(project)
    command = "python -c 'import time; time.sleep(0.4)'"  # long enough to be measured
    job = client.start_job(command, title="snakemake fit [run eff4 job 1 try 1]",
                           tier_id="large-k8s")
    wait_job(client, job.id, ("Succeeded",))
    html = http.get(f"{domino.url}/jobs/{project}/runs/eff4").text
    assert "Memory used" in html and "Cores used" in html
    oversized = html.split('<ul class="oversized">')[1].split("</ul>")[0]
    assert "fit used memory" in oversized and "of tier Large" in oversized
    assert "Small (1 core, 4 GiB) would have held it" in oversized
    assert "(no price reported)" in oversized  # the local Domino prices nothing


def test_unknown_or_malformed_runs_are_clear_errors(domino, project, http):
    missing = http.get(f"{domino.url}/jobs/{project}/runs/nope1")
    assert missing.status_code == 404 and "no job of run nope1" in missing.text
    bad = http.get(f"{domino.url}/jobs/{project}/runs/a-b")
    assert bad.status_code == 400 and "letters and digits" in bad.text


def test_run_pages_need_a_session(domino, project):
    import requests

    for path in (f"/jobs/{project}/runs", f"/jobs/{project}/runs/r1a2"):
        r = requests.get(domino.url + path, allow_redirects=False, timeout=10)
        assert r.status_code in (302, 303, 307) and "/login" in r.headers["location"]
