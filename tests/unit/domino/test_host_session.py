"""The client's session reads proxies and CA bundles from the environment once per host."""

from __future__ import annotations

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
