"""Where the executor finds Domino and who it says it is, checked against a real local Domino.

Precedence (docs/usage.md, "Settings"): explicit settings, then Domino's own
environment variables (set inside every Domino run), then the embedded local Domino.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from snakemake_executor_domino.connection import (
    ConfigurationError,
    connect,
    parse_project,
    resolve_credentials,
)
from snakemake_executor_domino.domino import DominoAuthError
from tests.conftest import DominoServer, closed_port

SECRET = "s3cr3t-key-never-shown"
DOMINO_VARS = (
    "DOMINO_API_HOST",
    "DOMINO_PROJECT_OWNER",
    "DOMINO_PROJECT_NAME",
    "DOMINO_USER_API_KEY",
    "DOMINO_TOKEN_FILE",
    "DOMINO_API_PROXY",
    "DOMINO_VERIFY_CERTIFICATE",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in DOMINO_VARS:
        monkeypatch.delenv(name, raising=False)


def closed_url() -> str:
    return f"http://127.0.0.1:{closed_port()}"


def test_inside_a_domino_run_everything_comes_from_dominos_variables(
    domino: DominoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = domino.new_project("conn")
    owner, name = project.split("/")
    monkeypatch.setenv("DOMINO_API_HOST", domino.url)
    monkeypatch.setenv("DOMINO_PROJECT_OWNER", owner)
    monkeypatch.setenv("DOMINO_PROJECT_NAME", name)
    monkeypatch.setenv("DOMINO_USER_API_KEY", domino.api_key)
    connection = connect(workdir=tmp_path)
    assert connection.embedded is None
    assert connection.client.project.name == name
    assert connection.client.project.owner == owner


def test_settings_beat_dominos_variables(
    domino: DominoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = domino.new_project("conn")
    # Domino's variables name a dead host, another project and a wrong key: all overridden
    monkeypatch.setenv("DOMINO_API_HOST", closed_url())
    monkeypatch.setenv("DOMINO_PROJECT_OWNER", "someone")
    monkeypatch.setenv("DOMINO_PROJECT_NAME", "elsewhere")
    monkeypatch.setenv("DOMINO_USER_API_KEY", "wrong-key")
    connection = connect(
        url=domino.url, project=project, api_key=domino.api_key, workdir=tmp_path
    )
    assert connection.client.project.name == project.split("/")[1]


def test_a_token_file_is_read_and_sent_as_a_bearer_token(
    domino: DominoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = domino.new_project("conn")
    token_file = tmp_path / "token"
    token_file.write_text(domino.api_key + "\n")
    monkeypatch.setenv("DOMINO_TOKEN_FILE", str(token_file))
    connection = connect(url=domino.url, project=project, workdir=tmp_path)
    assert connection.client.credentials.describe() == f"the token in {token_file}"
    assert connection.client.version()
    # re-read on every request (Domino rotates it): a changed token is used at once
    token_file.write_text("expired-token\n")
    with pytest.raises(DominoAuthError, match="401"):
        connection.client.version()
    token_file.unlink()
    with pytest.raises(DominoAuthError, match="Cannot read the Domino token file"):
        connection.client.credentials.headers()


def test_the_api_proxy_receives_every_request_and_adds_credentials_itself(
    domino: DominoServer, tmp_path: Path
) -> None:
    project = domino.new_project("conn")
    proxy = domino.url.split("://", 1)[1]  # host:port, as Domino sets it
    connection = connect(url=closed_url(), project=project, api_proxy=proxy, workdir=tmp_path)
    assert connection.client.credentials.headers() == {}
    # the request went to the "proxy" (our server), not to the dead host, and without a
    # key the server refuses it: the proxy is the only place credentials could come from
    with pytest.raises(DominoAuthError):
        connection.client.version()


def test_credentials_follow_the_official_clients_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOMINO_USER_API_KEY", "env-key")
    monkeypatch.setenv("DOMINO_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("DOMINO_API_PROXY", "localhost:8899")
    assert resolve_credentials().describe() == "the Domino API proxy at localhost:8899"
    monkeypatch.delenv("DOMINO_API_PROXY")
    assert resolve_credentials().describe().startswith("the token in")
    monkeypatch.delenv("DOMINO_TOKEN_FILE")
    assert resolve_credentials().headers() == {"X-Domino-Api-Key": "env-key"}
    # an explicit setting replaces all of Domino's variables
    explicit = resolve_credentials(api_key="flag-key")
    assert explicit.headers() == {"X-Domino-Api-Key": "flag-key"}
    assert "flag-key" not in repr(explicit)


def test_verify_certificate_false_turns_tls_checks_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOMINO_VERIFY_CERTIFICATE", "false")
    connection = connect(url="https://domino.example", project="a/b", api_key="k",
                         workdir=tmp_path)
    assert connection.client.session.verify is False


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"url": "https://domino.example"}, "no project is: pass --domino-project"),
        ({"url": "https://domino.example", "project": "a/b"}, "No Domino credentials"),
        ({"url": "https://domino.example", "project": "just-a-name", "api_key": SECRET},
         "is not OWNER/NAME"),
    ],
)
def test_incomplete_settings_say_what_to_set(settings: dict, says: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=says) as info:
        connect(workdir=tmp_path, **settings)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("spec", ["", "a", "a/", "/b", "a/b/c"])
def test_project_must_be_owner_slash_name(spec: str) -> None:
    with pytest.raises(ConfigurationError, match="OWNER/NAME"):
        parse_project(spec)


def test_nothing_configured_starts_the_embedded_domino(tmp_path: Path) -> None:
    connection = connect(workdir=tmp_path / "my workflow", local_root=tmp_path / "state")
    try:
        assert connection.embedded is not None
        assert connection.client.host.startswith("http://127.0.0.1:")
        # the project is <user>/<working directory>, with unsafe characters replaced
        assert connection.client.project.name == "my-workflow"
        assert (tmp_path / "state").is_dir()
    finally:
        connection.close()
