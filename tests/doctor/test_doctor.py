"""`snakemake-domino doctor` as a user runs it: against a real local Domino in each API
flavor it passes, canary job included; against a URL that is not Domino, a wrong key and an
unknown project it fails with one clear line and a non-zero exit."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from snakemake_executor_domino.local.server import LocalDomino

CLI = str(Path(sys.executable).parent / "snakemake-domino")
PROJECT = "doc/tor"


def _doctor(url: str, key: str, project: str = PROJECT, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOMINO_", "SNAKEMAKE_"))}
    env.update(SNAKEMAKE_DOMINO_URL=url, SNAKEMAKE_DOMINO_PROJECT=project,
               SNAKEMAKE_DOMINO_API_KEY=key)
    return subprocess.run([CLI, "doctor", "--canary-timeout", "240", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def _lines(result: subprocess.CompletedProcess, check: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line[6:].startswith(check + " ")]


@pytest.fixture(scope="module", params=["5.0", "latest"])
def flavored(request, tmp_path_factory) -> Iterator[LocalDomino]:
    root = tmp_path_factory.mktemp(f"doctor-{request.param}")
    server = LocalDomino(root, projects=[PROJECT], api_flavor=request.param).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_doctor_passes_against_the_local_domino(flavored: LocalDomino) -> None:
    result = _doctor(flavored.url, flavored.api_key)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "FAIL" not in out
    for check in ("domino", "credentials", "project", "tiers", "environment", "canary",
                  "hash", "snakemake"):
        assert _lines(result, check), f"no {check} line:\n{out}"
    assert "default Small" in _lines(result, "tiers")[0]
    assert "Domino File System" in _lines(result, "project")[0]
    assert "SHA-1 of its content" in _lines(result, "hash")[0]
    assert any("identical" in line for line in _lines(result, "canary"))
    assert flavored.api_key not in out + result.stderr
    assert out.rstrip().splitlines()[-1].startswith("doctor passed")


def test_doctor_refuses_a_wrong_key(flavored: LocalDomino) -> None:
    result = _doctor(flavored.url, "not-the-key", PROJECT, "--no-canary")
    assert result.returncode == 1
    (line,) = _lines(result, "credentials")
    assert line.startswith("FAIL") and "refused an API key" in line
    assert "fix: create a new API key" in result.stdout
    assert "not-the-key" not in result.stdout + result.stderr
    assert _lines(result, "project")[0].startswith("skip")


def test_doctor_names_an_unknown_project(flavored: LocalDomino) -> None:
    result = _doctor(flavored.url, flavored.api_key, "doc/nope", "--no-canary")
    assert result.returncode == 1
    (line,) = _lines(result, "project")
    assert line.startswith("FAIL") and "doc/nope does not exist" in line
    assert "fix: pass --project OWNER/NAME" in result.stdout


class _NotDomino(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = b"<html>a web site, not Domino</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_doctor_says_a_url_is_not_domino() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotDomino)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = _doctor(url, "some-key", PROJECT, "--no-canary")
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 1
    (line,) = _lines(result, "domino")
    assert line.startswith("FAIL") and "does not answer as Domino" in line
    assert "fix: set --url" in result.stdout
    assert all(_lines(result, c)[0].startswith("skip") for c in ("credentials", "project"))
