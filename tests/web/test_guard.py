"""The pages are as guarded as the API: login, session cookie, CSRF, refusals (over HTTP)."""

from __future__ import annotations

import pytest
import requests

from snakemake_executor_domino.local.web.session import login_link
from tests.conftest import DominoServer
from tests.web.conftest import csrf_of, logged_in, wait_job


@pytest.fixture
def running(domino: DominoServer, project: str):
    client = domino.client(project)
    job = client.start_job("sleep 60", title="a sleeper")
    wait_job(client, job.id, ("Running",))
    yield client, job
    client.stop_job(job.id)


def page_urls(domino: DominoServer, project: str, job_id: str, commit: str) -> list[str]:
    return [
        "/",
        f"/jobs/{project}",
        f"/jobs/{project}?status=failed",
        f"/jobs/{project}/{job_id}",
        f"/jobs/{project}/{job_id}/log",
        f"/u/{project}/browse",
        f"/u/{project}/browse?commitId={commit}&path=x",
        f"/u/{project}/raw/{commit}/x.txt",
        f"/u/{project}/results/{job_id}",
        f"/u/{project}",
        "/jobs/nobody/nothing",  # no hint whether a project exists before login
    ]


def test_every_page_redirects_to_login_without_a_session(domino, project, running):
    client, job = running
    commit = client.head_commit_id()
    for url in page_urls(domino, project, job.id, commit):
        r = requests.get(domino.url + url, allow_redirects=False)
        assert r.status_code == 303, url
        assert r.headers["location"].startswith("/login"), url
        # and back to the page after logging in
        after = requests.post(
            domino.url + "/login",
            data={"api_key": domino.api_key, "next": url},
            allow_redirects=False,
        )
        assert after.headers["location"] == url


def test_every_action_is_refused_without_a_session(domino, project, running):
    client, job = running
    http = logged_in(domino)
    token = csrf_of(http.get(f"{domino.url}/jobs/{project}/{job.id}").text)
    # even with a genuine CSRF token, no session cookie means no action
    for url in (f"/jobs/{project}/{job.id}/stop", "/logout"):
        r = requests.post(domino.url + url, data={"csrf": token}, allow_redirects=False)
        assert r.status_code == 403, url
        assert "not logged in" in r.text
    assert client.get_job(job.id).status == "Running"


def test_stop_needs_the_sessions_csrf_token_and_same_origin(domino, project, running):
    client, job = running
    stop = f"{domino.url}/jobs/{project}/{job.id}/stop"
    http = logged_in(domino)
    token = csrf_of(http.get(f"{domino.url}/jobs/{project}/{job.id}").text)
    other_token = csrf_of(logged_in(domino).get(f"{domino.url}/").text)

    forged = [
        {},  # no token at all
        {"csrf": ""},
        {"csrf": token[:-2] + "xx"},
        {"csrf": other_token},  # another session's token
    ]
    for data in forged:
        r = http.post(stop, data=data, allow_redirects=False)
        assert r.status_code == 403, data
        assert "CSRF" in r.text
    r = http.post(stop, data={"csrf": token}, headers={"Origin": "https://evil.example"},
                  allow_redirects=False)
    assert r.status_code == 403
    assert client.get_job(job.id).status == "Running"

    r = http.post(stop, data={"csrf": token, "commit": "0"}, allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/jobs/{project}/{job.id}"
    assert wait_job(client, job.id, ("Stopped",)).status == "Stopped"


def test_login_cookie_is_httponly_samesite_strict_and_signed(domino):
    r = requests.post(
        f"{domino.url}/login", data={"api_key": domino.api_key}, allow_redirects=False
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1: Secure would drop it
    name, value = cookie.split(";")[0].split("=", 1)
    assert domino.api_key not in cookie

    tampered = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    for bad in (tampered, "", "x.y", value + "." + value):
        r = requests.get(f"{domino.url}/", cookies={name: bad}, allow_redirects=False)
        assert r.status_code == 303, bad
    assert requests.get(f"{domino.url}/", cookies={name: value}).status_code == 200


def test_wrong_key_is_refused_and_next_stays_on_this_site(domino):
    r = requests.post(f"{domino.url}/login", data={"api_key": "wrong"}, allow_redirects=False)
    assert r.status_code == 401
    assert "set-cookie" not in r.headers
    assert "not this server" in r.text
    for evil in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        r = requests.post(
            f"{domino.url}/login", data={"api_key": domino.api_key, "next": evil},
            allow_redirects=False,
        )
        assert r.headers["location"] == "/", evil


def test_login_link_works_once(domino):
    link = login_link(domino.url, domino.api_key, "/jobs/a/b")
    assert domino.api_key not in link
    first = requests.get(link, allow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/jobs/a/b"
    assert "set-cookie" in first.headers
    second = requests.get(link, allow_redirects=False)
    assert second.status_code == 401
    assert "set-cookie" not in second.headers
    assert "expired or was used" in second.text
    forged = link.replace("code=", "code=x")
    assert requests.get(forged, allow_redirects=False).status_code == 401


def test_logout_ends_the_session_in_this_browser(domino, http):
    token = csrf_of(http.get(f"{domino.url}/").text)
    r = http.post(f"{domino.url}/logout", data={"csrf": token}, allow_redirects=False)
    assert r.status_code == 303
    assert http.get(f"{domino.url}/", allow_redirects=False).status_code == 303


def test_no_page_shows_the_api_key(domino, project, http):
    client = domino.client(project)
    # a job that prints its environment: the local Domino hands jobs the key (as Domino does)
    job = client.start_job("env; echo done", title="prints env")
    wait_job(client, job.id, ("Succeeded",))
    commit = client.head_commit_id()
    key = domino.api_key
    for url in page_urls(domino, project, job.id, commit)[:7] + ["/login"]:
        r = http.get(domino.url + url)
        assert r.status_code in (200, 404), url
        assert key not in r.text, url
    # the job did print it, and the page says so without showing it
    page = http.get(f"{domino.url}/jobs/{project}/{job.id}").text
    assert "DOMINO_USER_API_KEY=[API key hidden]" in page


def test_pages_allow_no_script_and_no_framing(domino, http):
    r = http.get(f"{domino.url}/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
