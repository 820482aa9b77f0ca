"""`LocalDomino`: a local Domino server in a background thread, for the executor, the CLI
and the tests.

    with LocalDomino(tmp_path, projects=["me/demo"]) as domino:
        requests.get(f"{domino.url}/version", headers={"X-Domino-Api-Key": domino.api_key})
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import requests
import uvicorn

from snakemake_executor_domino.local.api.app import create_app
from snakemake_executor_domino.local.api.flavor import flavor
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.config import (
    DEFAULT_TIERS,
    ServerConfig,
    Tier,
    default_username,
    load_tiers_file,
)
from snakemake_executor_domino.local.faults.injector import FaultInjector
from snakemake_executor_domino.local.faults.spec import FaultSpec, as_spec
from snakemake_executor_domino.local.jobs.compute_envs import (
    DEFAULT_ENVIRONMENTS,
    ComputeEnvironment,
    load_environments_file,
)
from snakemake_executor_domino.local.jobs.deployment_limits import DeploymentLimits
from snakemake_executor_domino.local.jobs.isolation import resolve_mode
from snakemake_executor_domino.local.store.rootlock import RootLock

PROJECT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
START_TIMEOUT_SECONDS = 20


class LocalDomino:
    def __init__(
        self,
        root: Path,
        *,
        api_key: str | None = None,
        projects: Iterable[str] = (),
        tiers_file: Path | None = None,
        tiers: Iterable[Tier] | None = None,
        environments: Iterable[ComputeEnvironment] | None = None,
        environments_file: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        user: str | None = None,
        stop_grace_seconds: float = 3.0,
        faults: FaultSpec | str | None = None,
        isolation: str | None = None,
        api_flavor: str | None = None,
        limits: DeploymentLimits | None = None,
    ) -> None:
        self.root = Path(root).expanduser().resolve()
        self.host = host
        self.port = port
        self._given_api_key = api_key
        self._projects = [_split_project(p) for p in projects]
        tier_list = DEFAULT_TIERS if tiers is None else tuple(tiers)
        if tiers_file is not None:
            tier_list = load_tiers_file(Path(tiers_file))
        env_list = DEFAULT_ENVIRONMENTS if environments is None else tuple(environments)
        if environments_file is not None:
            env_list = load_environments_file(Path(environments_file))
        self.config = ServerConfig(
            root=self.root,
            username=user or default_username(),
            tiers=tier_list,
            environments=env_list,
            stop_grace_seconds=stop_grace_seconds,
            # isolation.MODES, else $SNAKEMAKE_DOMINO_LOCAL_ISOLATION, else auto
            job_isolation=resolve_mode(isolation),
            # None reads $SNAKEMAKE_DOMINO_LOCAL_API_FLAVOR, else Domino 5.0's (local/api/flavor.py)
            flavor=flavor(api_flavor),
            limits=limits or DeploymentLimits(),
        )
        self.url = ""
        self.api_key = ""
        # "given", "file" or "generated" (the CLI shows a generated key once, then never)
        self.api_key_source = ""
        self.backend: Backend | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = RootLock(self.root)
        # fault injection (local/faults/injector.py): None reads
        # $SNAKEMAKE_DOMINO_LOCAL_FAULTS; "off" is off
        self.fault_spec = FaultSpec.from_env() if faults is None else as_spec(faults)
        self.faults: FaultInjector | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> LocalDomino:
        if self._thread is not None:
            raise RuntimeError("this LocalDomino is already started")
        self.root.mkdir(parents=True, exist_ok=True)
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        self.url = f"http://{_url_host(self.host)}:{self.port}"
        try:
            self._lock.acquire(self.url)
        except Exception:
            sock.close()
            raise
        try:
            self._start_on(sock)
        except Exception:
            sock.close()
            self.stop()
            raise
        return self

    def _start_on(self, sock: socket.socket) -> None:
        if self._given_api_key:
            self.api_key, self.api_key_source = self._given_api_key, "given"
        else:
            self.api_key = self._stored_or_new_api_key()
        self.config.public_url = self.url
        self.backend = Backend.open(self.config, self.api_key)
        for owner, name in self._projects:
            self.backend.store.create_project(owner, name)
        self.backend.runner.start()
        self.backend.scheduler.start()
        app = create_app(self.backend)
        if self.fault_spec is not None:
            # outermost, so that it can drop connections itself
            self.faults = FaultInjector(app, self.fault_spec, self.backend)
        self._server = uvicorn.Server(
            uvicorn.Config(
                self.faults or app, log_level="warning", lifespan="off", access_log=False
            )
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="local-domino-http",
            daemon=True,
        )
        self._thread.start()
        self._wait_until_answering()
        if self.faults is not None:
            self.faults.armed = True  # only now: the start-up check above must get through

    def stop(self) -> None:
        """Stop running jobs (they end Stopped, queued ones too), then the HTTP server."""
        if self.backend is not None:
            self.backend.scheduler.stop()  # before the runner: no fire during its shutdown
            self.backend.runner.shutdown()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.backend is not None:
            self.backend.store.close()
        self._lock.release()
        self.backend, self._server, self._thread = None, None, None

    def __enter__(self) -> LocalDomino:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- conveniences for embedders ---------------------------------------------------------

    def create_project(self, owner_name: str) -> str:
        """Create OWNER/NAME if absent; return its project id. Needs a started server."""
        if self.backend is None:
            raise RuntimeError("start the LocalDomino before creating projects")
        owner, name = _split_project(owner_name)
        return self.backend.store.create_project(owner, name).id

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Domino-Api-Key": self.api_key}

    @property
    def api_key_file(self) -> Path:
        return self.config.api_key_file

    # -- internals --------------------------------------------------------------------------

    def _stored_or_new_api_key(self) -> str:
        path = self.config.api_key_file
        if path.exists():
            key = path.read_text().strip()
            if key:
                self.api_key_source = "file"
                return key
        key = secrets.token_urlsafe(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n")
        self.api_key_source = "generated"
        return key

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                r = requests.get(f"{self.url}/version", headers=self.headers, timeout=2)
                if r.status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self._thread is not None and not self._thread.is_alive():
                raise RuntimeError(f"the local Domino server at {self.url} failed to start")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the local Domino server at {self.url} did not answer")
            time.sleep(0.05)


def _split_project(owner_name: str) -> tuple[str, str]:
    owner, sep, name = owner_name.partition("/")
    if not sep or not PROJECT_NAME_RE.match(owner) or not PROJECT_NAME_RE.match(name):
        raise ValueError(
            f"project {owner_name!r} must be OWNER/NAME, each letters, digits, '.', '_' or '-'"
        )
    return owner, name


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it; without it keep-alive requests wait on delayed ACKs
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(False)
    return sock


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
