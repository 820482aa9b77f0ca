"""`snakemake-domino local serve` as a user runs it: a subprocess that answers over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from .test_restart import _read_banner

CLI = str(Path(sys.executable).parent / "snakemake-domino")


def _serve(root: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if k != "SNAKEMAKE_DOMINO_LOCAL_API_KEY"}
    return subprocess.Popen(
        [CLI, "local", "serve", "--port", "0", "--root", str(root), *args],
        env={**clean, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    return out


def test_serve_answers_version_and_shows_a_new_key_once(tmp_path: Path) -> None:
    proc = _serve(tmp_path, "--project", "me/demo")
    url, banner = _read_banner(proc)
    key = (tmp_path / "api_key").read_text().strip()
    r = requests.get(f"{url}/version", headers={"X-Domino-Api-Key": key}, timeout=5)
    assert r.status_code == 200 and r.json()["version"].startswith("5.")
    found = requests.get(
        f"{url}/v4/gateway/projects/findProjectByOwnerAndName",
        params={"ownerName": "me", "projectName": "demo"},
        headers={"X-Domino-Api-Key": key}, timeout=5,
    )
    assert found.status_code == 200
    _stop(proc)
    assert f"export SNAKEMAKE_DOMINO_API_KEY={key}" in banner
    assert f"export SNAKEMAKE_DOMINO_URL={url}" in banner
    assert "export SNAKEMAKE_DOMINO_PROJECT=me/demo" in banner
    assert str(tmp_path) in banner

    second = _serve(tmp_path)
    _, banner = _read_banner(second)
    _stop(second)
    assert key not in banner and str(tmp_path / "api_key") in banner
    # the key never lands in a file other than its own 0600 file
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "api_key" and not path.name.startswith("state."):
            assert key.encode() not in path.read_bytes(), path


def test_serve_takes_the_key_from_the_environment(tmp_path: Path) -> None:
    proc = _serve(tmp_path, SNAKEMAKE_DOMINO_LOCAL_API_KEY="env-key-123")
    url, banner = _read_banner(proc)
    ok = requests.get(f"{url}/version", headers={"X-Domino-Api-Key": "env-key-123"}, timeout=5)
    assert ok.status_code == 200
    _stop(proc)
    assert "env-key-123" not in banner
    assert not (tmp_path / "api_key").exists()


def test_serve_answers_in_the_flavor_asked_for(tmp_path: Path) -> None:
    proc = _serve(tmp_path, "--api-flavor", "latest", "--project", "me/demo")
    url, banner = _read_banner(proc)
    key = (tmp_path / "api_key").read_text().strip()
    commits = requests.get(f"{url}/v1/projects/me/demo/commits",
                           headers={"X-Domino-Api-Key": key}, timeout=5).json()
    _stop(proc)
    assert "API:       Domino latest flavor" in banner
    assert isinstance(commits[0], str)  # the latest flavor's v1 commit list: bare ids


def test_serve_reports_user_errors(tmp_path: Path) -> None:
    bad_tiers = tmp_path / "tiers.yaml"
    bad_tiers.write_text("tiers:\n  - id: x\n    name: X\n")
    for args, expected in [
        (["--tiers", str(bad_tiers)], "missing required key 'cores'"),
        (["--tiers", str(tmp_path / "absent.yaml")], "cannot read tiers file"),
        (["--project", "no-slash"], "OWNER/NAME"),
        (["--port", "70000"], "not a port number"),
        (["--api-flavor", "4.6"], "unknown API flavor '4.6'; use one of 5.0, 5.10, latest"),
    ]:
        result = subprocess.run(
            [CLI, "local", "serve", "--root", str(tmp_path / "r"), *args],
            capture_output=True, text=True, timeout=30,
        )
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_serve_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [CLI, "local", "serve", "--root", str(tmp_path), "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )
    assert result.returncode == 2
    assert "--port" in result.stderr and "Traceback" not in result.stderr
