"""The workflow's scripts are plain files run by Snakemake's ``script:``; make them importable."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def config(repo: Path) -> dict:
    import yaml

    return yaml.safe_load((repo / "config" / "config.yaml").read_text())
