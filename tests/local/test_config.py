"""Hardware tier configuration: defaults, the YAML/JSON file, and its error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from snakemake_executor_domino.local.config import (
    DEFAULT_TIERS,
    ConfigError,
    ServerConfig,
    load_tiers_file,
)
from snakemake_executor_domino.local.server import LocalDomino


def test_default_tiers() -> None:
    by_id = {t.id: t for t in DEFAULT_TIERS}
    assert [(t.id, t.name, t.cores, t.memory_gib, t.max_concurrent) for t in DEFAULT_TIERS] == [
        ("small-k8s", "Small", 1, 4, 4),
        ("medium-k8s", "Medium", 2, 8, 3),
        ("large-k8s", "Large", 4, 16, 2),
        ("gpu-small-k8s", "GPU", 4, 16, 1),
    ]
    assert by_id["gpu-small-k8s"].gpus == 1
    assert ServerConfig(Path("/tmp/x")).default_tier.id == "small-k8s"
    assert by_id["small-k8s"].memory_limit_bytes == 4 * 1024**3


def test_yaml_tiers_file(tmp_path: Path) -> None:
    path = tmp_path / "tiers.yaml"
    path.write_text(
        "tiers:\n"
        "  - {id: cpu-k8s, name: CPU, cores: 2, memory_gib: 0.5, max_concurrent: 2}\n"
        "  - {id: big-k8s, name: Big, cores: 8, memory_gib: 32, max_concurrent: 1,\n"
        "     default: true, gpus: 2, enforce_memory: false}\n"
    )
    cpu, big = load_tiers_file(path)
    assert cpu.memory_limit_bytes == 512 * 1024**2 and not cpu.is_default
    assert big.is_default and big.gpus == 2 and big.memory_limit_bytes is None


def test_json_list_and_first_tier_defaults(tmp_path: Path) -> None:
    path = tmp_path / "tiers.json"
    path.write_text(json.dumps([
        {"id": "a", "name": "A", "cores": 1, "memory_gib": 1, "max_concurrent": 1},
        {"id": "b", "name": "B", "cores": 1, "memory_gib": 1, "max_concurrent": 1},
    ]))
    tiers = load_tiers_file(path)
    assert [t.is_default for t in tiers] == [True, False]


@pytest.mark.parametrize(
    "text, message",
    [
        ("[]", "non-empty list"),
        ("tiers: 3", "non-empty list"),
        ("- 5", "expected a mapping"),
        ("- {id: a, name: A, cores: 1, memory_gib: 1}", "missing required key 'max_concurrent'"),
        ("- {id: a, name: A, cores: 1, memory_gib: 1, max_concurrent: 1, colour: red}",
         "unknown key"),
        ("- {id: a, name: A, cores: 1, memory_gib: 1, max_concurrent: two}", "integer"),
        ("- {id: a, name: A, cores: 1, memory_gib: 1, max_concurrent: 0}", "at least 1"),
        ("- {id: 'a b', name: A, cores: 1, memory_gib: 1, max_concurrent: 1}", "tier id"),
        ("- {id: a, name: A, cores: 1, memory_gib: 1, max_concurrent: 1}\n"
         "- {id: a, name: B, cores: 1, memory_gib: 1, max_concurrent: 1}", "appears twice"),
        ("- {id: a, name: A, cores: 1, memory_gib: 1, max_concurrent: 1, default: true}\n"
         "- {id: b, name: B, cores: 1, memory_gib: 1, max_concurrent: 1, default: true}",
         "exactly one tier"),
        ("tiers: [unclosed", "not valid YAML"),
    ],
)
def test_bad_tiers_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tiers.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_tiers_file(path)


def test_server_serves_the_configured_tiers(tmp_path: Path) -> None:
    path = tmp_path / "tiers.yaml"
    path.write_text("- {id: only-k8s, name: Only, cores: 3, memory_gib: 2, max_concurrent: 1}\n")
    with LocalDomino(tmp_path / "root", tiers_file=path, projects=["me/p"]) as domino:
        import requests

        pid = domino.create_project("me/p")
        tiers = requests.get(f"{domino.url}/v4/projects/{pid}/hardwareTiers",
                             headers=domino.headers, timeout=5).json()
        assert [t["hardwareTier"]["id"] for t in tiers] == ["only-k8s"]
        assert tiers[0]["hardwareTier"]["isDefault"] is True
        assert tiers[0]["hardwareTier"]["cores"] == 3  # the default (5.0) flavor's flat tier
