"""The client's session reads proxies and CA bundles from the environment once per host."""

from __future__ import annotations

import http.server
import threading

import requests

from snakemake_executor_domino.domino.http import HostSession

URL = "https://domino.example.com/v4/jobs"


def settings(session: HostSession, url: str = URL) -> dict:
    return session.merge_environment_settings(url, {}, False, True, None)


def test_proxies_and_ca_bundle_come_from_the_environment(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example.com")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    session = HostSession()
    found = settings(session)
    assert found["proxies"]["https"] == "http://proxy.example.com:3128"
    assert found["verify"] == str(bundle)
    # a host NO_PROXY names goes direct, as requests itself decides
    assert "https" not in settings(session, "https://internal.example.com/x")["proxies"]


def test_read_once_per_host_not_per_request(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    session = HostSession()
    first = settings(session)
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example.com:3128")
    assert settings(session)["proxies"]["https"] == "http://proxy.example.com:3128"
    # a caller changing its copy changes nothing the next request sees
    first["proxies"]["https"] = "changed"
    assert settings(session)["proxies"]["https"] == "http://proxy.example.com:3128"
    # another host is read afresh
    assert settings(session, "https://b.example.com/")["proxies"]["https"] == (
        "http://other.example.com:3128")


def test_proxies_given_with_the_request_still_win(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    session = HostSession()
    given = session.merge_environment_settings(
        URL, {"https": "http://mine.example.com:1"}, False, True, None)
    assert given["proxies"]["https"] == "http://mine.example.com:1"


def test_a_netrc_entry_for_the_host_never_replaces_the_token(monkeypatch, tmp_path):
    """requests would send the netrc login instead of the bearer token it was given."""
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    try:
        url = f"http://127.0.0.1:{server.server_port}/v4/jobs"
        HostSession().get(url, headers={"Authorization": "Bearer the-token"}, timeout=10)
        plain = requests.Session()
        plain.get(url, headers={"Authorization": "Bearer the-token"}, timeout=10)
    finally:
        server.shutdown()
    assert seen[0] == "Bearer the-token"
    assert seen[1] != "Bearer the-token"  # what a plain session sends: this test's premise
