"""The error of a configuration the user wrote (tiers, environments), and the reading of
the files holding one: the message says what to fix. Its own module, so the config modules
can share both without importing each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A configuration the user wrote is invalid; the message says what to fix."""


def read_list_file(path: Path, key: str) -> list[Any]:
    """The entries of a YAML or JSON file holding a list, or a mapping with a `key` list."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {key} file {path}: {exc.strerror}") from exc
    try:
        if str(path).endswith(".json"):
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:
        raise ConfigError(f"{key} file {path} is not valid YAML/JSON: {exc}") from exc
    if isinstance(data, dict):
        data = data.get(key)
    if not isinstance(data, list) or not data:
        article = "an" if key[0] in "aeiou" else "a"
        raise ConfigError(
            f"{key} file {path} must hold a non-empty list of {key} "
            f"(or a mapping with {article} '{key}' list)"
        )
    return data
