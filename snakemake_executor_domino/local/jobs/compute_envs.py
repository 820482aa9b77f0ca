"""The local Domino's compute environments: a name, an id, and the Python environment (an
interpreter prefix) its jobs run with, configured like the hardware tiers.

A Domino compute environment is a container image; here it is a Python environment whose
`bin/` comes first on a job's PATH (and which an isolated job sees, read-only). By default
there are two, both the server's own Python: "Local Python" (the default) and "Deep
Learning", so a workflow can send a rule to an environment of its own; point `python:` at
another virtualenv to give one other software. Each has one revision (number 1).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snakemake_executor_domino.local.configerror import ConfigError, read_list_file

_KEYS = {"id", "name", "python", "default"}
# the server's own Python, the default environment (ids as before environments were named)
SERVER_ENVIRONMENT_ID = hashlib.sha1(sys.prefix.encode()).hexdigest()[:24]
SERVER_ENVIRONMENT_NAME = f"Local Python {sys.version.split()[0]} ({sys.prefix})"
HEX24 = "0123456789abcdef"


def derived_id(name: str) -> str:
    """A 24-hex id, as Domino's environment ids are, stable for a name."""
    return hashlib.sha1(f"environment:{name}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class ComputeEnvironment:
    id: str
    name: str
    # the prefix of the Python environment its jobs run with; "" is the server's own
    python: str = ""
    is_default: bool = False

    @property
    def prefix(self) -> Path:
        return Path(self.python) if self.python else Path(sys.prefix)

    @property
    def bin_dir(self) -> Path:
        return self.prefix / "bin" if self.python else Path(sys.executable).parent

    @property
    def revision_id(self) -> str:
        # the one revision: changes with the interpreter it runs
        version = sys.version if not self.python else self.python
        return hashlib.sha1(f"{self.id}:{self.prefix}:{version}".encode()).hexdigest()[:24]

    revision_number = 1

    def host_paths(self) -> list[Path]:
        """What an isolated job must see of this environment beyond the server's own
        Python: the prefix, its real path, and a virtualenv's base interpreter."""
        if not self.python:
            return []
        prefix = self.prefix
        paths = [prefix, prefix.resolve()]
        config = prefix / "pyvenv.cfg"
        if config.is_file():
            for line in config.read_text(errors="replace").splitlines():
                key, _, value = line.partition("=")
                if key.strip() == "home" and value.strip():
                    paths.append(Path(value.strip()).resolve().parent)
        return paths


DEFAULT_ENVIRONMENTS: tuple[ComputeEnvironment, ...] = (
    ComputeEnvironment(SERVER_ENVIRONMENT_ID, SERVER_ENVIRONMENT_NAME, "", is_default=True),
    ComputeEnvironment(derived_id("Deep Learning"), "Deep Learning"),
)


def load_environments_file(path: Path) -> tuple[ComputeEnvironment, ...]:
    """Read environments from YAML or JSON: a list, or a mapping with an `environments` list."""
    data = read_list_file(path, "environments")
    found = tuple(_from_mapping(item, i, path) for i, item in enumerate(data))
    if not any(e.is_default for e in found):
        first = found[0]
        found = (ComputeEnvironment(first.id, first.name, first.python, True), *found[1:])
    validate_environments(found)
    return found


def _from_mapping(item: Any, index: int, path: Path) -> ComputeEnvironment:
    where = f"environments file {path}, environment #{index + 1}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(item).__name__}")
    unknown = set(item) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    if not isinstance(item.get("name"), str) or not item["name"].strip():
        raise ConfigError(f"{where}: missing required key 'name'")
    default = item.get("default", False)
    if not isinstance(default, bool):
        raise ConfigError(f"{where}: 'default' must be true or false, got {default!r}")
    python = str(item.get("python") or "")
    if python and not (Path(python) / "bin" / "python").exists():
        raise ConfigError(
            f"{where}: python: {python} holds no bin/python; give the prefix of a Python "
            "environment (a virtualenv's directory, or sys.prefix of an interpreter)"
        )
    name = item["name"].strip()
    return ComputeEnvironment(str(item.get("id") or derived_id(name)), name, python, default)


def validate_environments(environments: Iterable[ComputeEnvironment]) -> None:
    environments = tuple(environments)
    if not environments:
        raise ConfigError("at least one compute environment is needed")
    ids = [e.id for e in environments]
    for e in environments:
        if len(e.id) != 24 or any(c not in HEX24 for c in e.id):
            raise ConfigError(f"environment id {e.id!r} must be 24 hex digits, as Domino's are")
    for kind, values in (("id", ids), ("name", [e.name.lower() for e in environments])):
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise ConfigError(f"environment {kind} {twice[0]!r} appears twice")
    defaults = [e.name for e in environments if e.is_default]
    if len(defaults) != 1:
        raise ConfigError(
            f"exactly one environment must be the default, found {defaults or 'none'}"
        )
