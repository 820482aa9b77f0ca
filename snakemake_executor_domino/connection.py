"""Where Domino is and who we are: flags > SNAKEMAKE_DOMINO_* > Domino's own env vars > embedded.

Used by the executor and by the `snakemake-domino` commands alike, so both find the same
Domino the same way. Inside a Domino run, Domino sets DOMINO_API_HOST, DOMINO_PROJECT_OWNER,
DOMINO_PROJECT_NAME and one of DOMINO_API_PROXY / DOMINO_TOKEN_FILE / DOMINO_USER_API_KEY,
so nothing needs to be passed there.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snakemake_executor_domino.domino import Credentials, DominoClient
from snakemake_executor_domino.exceptions import ConfigurationError

LOCAL_OWNER_FALLBACK = "local"
# The embedded Domino prefers the port `snakemake-domino local serve` uses by default, so the
# job URLs a run printed open again once its state directory is served after the run.
EMBEDDED_PREFERRED_PORT = 8899


@dataclass
class Connection:
    client: DominoClient
    embedded: Any = None  # the LocalDomino we started, if any

    def close(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def resolve_credentials(
    api_key: str | None = None, token_file: str | None = None, api_proxy: str | None = None,
    token: str | None = None,
) -> Credentials:
    """Explicit settings first, then Domino's env vars in its official client's order."""
    if api_proxy or token_file or api_key or token:
        return Credentials(
            api_key=api_key, token_file=token_file, api_proxy=api_proxy, token=token
        )
    env = os.environ
    return Credentials(
        api_key=env.get("DOMINO_USER_API_KEY") or None,
        token_file=env.get("DOMINO_TOKEN_FILE") or None,
        api_proxy=env.get("DOMINO_API_PROXY") or None,
    )


def parse_project(spec: str) -> tuple[str, str]:
    owner, sep, name = spec.partition("/")
    if not sep or not owner or not name or "/" in name:
        raise ConfigurationError(
            f"Domino project {spec!r} is not OWNER/NAME. Pass --domino-project OWNER/NAME "
            "(or set $DOMINO_PROJECT_OWNER and $DOMINO_PROJECT_NAME)."
        )
    return owner, name


def default_local_project(workdir: Path) -> str:
    """The embedded Domino's project: the user's name and the working directory's name."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = LOCAL_OWNER_FALLBACK
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", workdir.resolve().name).strip("-.") or "workflow"
    user = re.sub(r"[^A-Za-z0-9_.-]+", "-", user).strip("-.") or LOCAL_OWNER_FALLBACK
    return f"{user}/{clean}"


def connect(
    *,
    url: str | None = None,
    project: str | None = None,
    api_key: str | None = None,
    token_file: str | None = None,
    api_proxy: str | None = None,
    token: str | None = None,
    verify: bool | str = True,
    timeout: float = 60.0,
    retry_budget: float = 300.0,
    local_root: Path | None = None,
    workdir: Path | None = None,
    allow_embedded: bool = True,
    on_request: Any = None,
) -> Connection:
    env = os.environ
    host = _first(url, env.get("DOMINO_API_HOST"))
    if env.get("DOMINO_VERIFY_CERTIFICATE", "").lower() in ("false", "0", "no"):
        verify = False
    workdir = workdir or Path.cwd()
    if host is None:
        if not allow_embedded:
            raise ConfigurationError(
                "No Domino configured: pass --url / --domino-url or set $DOMINO_API_HOST."
            )
        return _embedded(project, workdir, local_root, timeout, retry_budget, on_request)

    spec = project
    if spec is None and env.get("DOMINO_PROJECT_OWNER") and env.get("DOMINO_PROJECT_NAME"):
        spec = f"{env['DOMINO_PROJECT_OWNER']}/{env['DOMINO_PROJECT_NAME']}"
    if spec is None:
        raise ConfigurationError(
            f"Domino is configured ({host}) but no project is: pass --domino-project "
            "OWNER/NAME or set $DOMINO_PROJECT_OWNER and $DOMINO_PROJECT_NAME."
        )
    owner, name = parse_project(spec)
    credentials = resolve_credentials(api_key, token_file, api_proxy, token)
    if credentials.describe() == "no credentials":
        raise ConfigurationError(
            f"No Domino credentials for {host}: set $SNAKEMAKE_DOMINO_API_KEY or "
            "$DOMINO_USER_API_KEY (an API key from your Domino account settings), or "
            "--domino-token-file / --domino-api-proxy."
        )
    client = DominoClient(
        host,
        owner,
        name,
        credentials,
        verify=verify,
        timeout=timeout,
        retry_budget=retry_budget,
        on_request=on_request,
    )
    return Connection(client=client)


def _embedded(
    project: str | None,
    workdir: Path,
    local_root: Path | None,
    timeout: float,
    retry_budget: float,
    on_request: Any,
) -> Connection:
    try:
        from snakemake_executor_domino.local.server import LocalDomino
    except ImportError as exc:
        raise ConfigurationError(
            "No Domino is configured, and the embedded local Domino needs the 'local' extra "
            f"({exc.name} is missing): pip install 'snakemake-executor-plugin-domino[local]', "
            "or point the executor at a Domino with --domino-url."
        ) from None
    spec = project or default_local_project(workdir)
    owner, name = parse_project(spec)
    root = local_root or workdir / ".snakemake" / "domino-local"
    try:
        server = LocalDomino(root, projects=[spec], port=EMBEDDED_PREFERRED_PORT).start()
    except OSError:  # the port is taken: any free one will do
        server = LocalDomino(root, projects=[spec], port=0).start()
    client = DominoClient(
        server.url,
        owner,
        name,
        Credentials(api_key=server.api_key),
        timeout=timeout,
        retry_budget=retry_budget,
        on_request=on_request,
    )
    return Connection(client=client, embedded=server)
