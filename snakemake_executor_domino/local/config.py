"""Settings of the local Domino: where state lives, who the user is, and the hardware tiers.

Tiers come from built-in defaults or from a YAML/JSON file that replaces them entirely (a
partial merge would make it unclear which tiers a project really has).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snakemake_executor_domino.local.configerror import ConfigError, read_list_file
from snakemake_executor_domino.local.jobs.compute_envs import (
    DEFAULT_ENVIRONMENTS,
    ComputeEnvironment,
    validate_environments,
)

__all__ = ["ConfigError", "ServerConfig", "Tier"]
from snakemake_executor_domino.local.api.flavor import DEFAULT_FLAVOR, FLAVORS, Flavor
from snakemake_executor_domino.local.jobs.deployment_limits import DeploymentLimits

GIB = 1024**3
TIER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    cores: float
    memory_gib: float
    max_concurrent: int
    gpus: int = 0
    is_default: bool = False
    # RLIMIT_DATA on the job's process tree; off for tiers meant to mimic unlimited hosts
    enforce_memory: bool = True

    @property
    def memory_limit_bytes(self) -> int | None:
        return int(self.memory_gib * GIB) if self.enforce_memory else None

    def describe(self) -> str:
        return f"{self.id} ({self.name})"


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("small-k8s", "Small", 1, 4, 4, is_default=True),
    Tier("medium-k8s", "Medium", 2, 8, 3),
    Tier("large-k8s", "Large", 4, 16, 2),
    Tier("gpu-small-k8s", "GPU", 4, 16, 1, gpus=1),
)

_TIER_KEYS = {
    "id", "name", "cores", "memory_gib", "max_concurrent", "gpus", "default", "enforce_memory",
}


def default_root() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "snakemake-domino" / "local"


def default_username() -> str:
    try:
        import getpass

        name = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        name = "local-user"
    return re.sub(r"[^A-Za-z0-9._-]", "-", name) or "local-user"


@dataclass
class ServerConfig:
    root: Path
    username: str = field(default_factory=default_username)
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    # seconds between SIGTERM and SIGKILL when a job is stopped
    stop_grace_seconds: float = 3.0
    # base URL jobs use to call back; set by the server once it knows its port
    public_url: str = ""
    # isolation.MODES; None: $SNAKEMAKE_DOMINO_LOCAL_ISOLATION, else auto
    job_isolation: str | None = None
    # which of Domino's documented API variants the server answers in (local/api/flavor.py)
    flavor: Flavor = FLAVORS[DEFAULT_FLAVOR]
    # start latency, executions quota, queue limit, request latency (jobs/deployment_limits.py)
    limits: DeploymentLimits = field(default_factory=DeploymentLimits)
    # when this server started: the tiers' creation time (they are born with the config)
    started_ms: int = 0

    # compute environments (local/jobs/compute_envs.py); the first flagged default is the default
    environments: tuple[ComputeEnvironment, ...] = DEFAULT_ENVIRONMENTS

    def __post_init__(self) -> None:
        validate_tiers(self.tiers)
        validate_environments(self.environments)
        self.started_ms = self.started_ms or int(time.time() * 1000)

    @property
    def default_tier(self) -> Tier:
        return next(t for t in self.tiers if t.is_default)

    def tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    def tier_list_text(self) -> str:
        return ", ".join(t.describe() for t in self.tiers)

    @property
    def default_environment(self) -> ComputeEnvironment:
        return next(e for e in self.environments if e.is_default)

    def environment(self, environment_id: str) -> ComputeEnvironment | None:
        return next((e for e in self.environments if e.id == environment_id), None)

    def environment_list_text(self) -> str:
        return ", ".join(f"{e.name} (id {e.id})" for e in self.environments)

    # state layout under root, in one place so nothing else invents paths
    @property
    def db_path(self) -> Path:
        return self.root / "state.sqlite3"

    @property
    def blobs_dir(self) -> Path:
        return self.root / "blobs"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def tokens_dir(self) -> Path:
        return self.root / "tokens"

    @property
    def datasets_dir(self) -> Path:
        return self.root / "datasets"

    @property
    def api_key_file(self) -> Path:
        return self.root / "api_key"


def load_tiers_file(path: Path) -> tuple[Tier, ...]:
    """Read tiers from YAML or JSON: a list of tiers, or a mapping with a `tiers` list."""
    data = read_list_file(path, "tiers")
    tiers = tuple(_tier_from_mapping(item, i, path) for i, item in enumerate(data))
    if not any(t.is_default for t in tiers):
        # the first tier is the natural default when the file names none
        first = tiers[0]
        tiers = (Tier(**{**first.__dict__, "is_default": True}),) + tiers[1:]
    validate_tiers(tiers)
    return tiers


def _tier_from_mapping(item: Any, index: int, path: Path) -> Tier:
    where = f"tiers file {path}, tier #{index + 1}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(item).__name__}")
    unknown = set(item) - _TIER_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TIER_KEYS)}"
        )
    for key in ("id", "name", "cores", "memory_gib", "max_concurrent"):
        if key not in item:
            raise ConfigError(f"{where}: missing required key '{key}'")
    try:
        tier = Tier(
            id=str(item["id"]),
            name=str(item["name"]),
            cores=float(item["cores"]),
            memory_gib=float(item["memory_gib"]),
            max_concurrent=_int(item["max_concurrent"]),
            gpus=_int(item.get("gpus", 0)),
            is_default=_bool(item.get("default", False)),
            enforce_memory=_bool(item.get("enforce_memory", True)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return tier


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def validate_tiers(tiers: Iterable[Tier]) -> None:
    tiers = tuple(tiers)
    if not tiers:
        raise ConfigError("at least one hardware tier is needed")
    seen: set[str] = set()
    for t in tiers:
        if not TIER_ID_RE.match(t.id):
            raise ConfigError(f"tier id {t.id!r} must be letters, digits, '.', '_' or '-'")
        if t.id in seen:
            raise ConfigError(f"tier id {t.id!r} appears twice")
        seen.add(t.id)
        if t.max_concurrent < 1:
            raise ConfigError(f"tier {t.id}: max_concurrent must be at least 1")
        if t.cores <= 0 or t.memory_gib <= 0:
            raise ConfigError(f"tier {t.id}: cores and memory_gib must be positive")
        if t.gpus < 0:
            raise ConfigError(f"tier {t.id}: gpus must not be negative")
    defaults = [t.id for t in tiers if t.is_default]
    if len(defaults) != 1:
        raise ConfigError(f"exactly one tier must be the default, found {defaults or 'none'}")
