"""The environment a job's command runs under: Domino's variables on a scrubbed copy of ours.

The server's own environment may hold credentials (cloud keys, tokens) that a job has no
business seeing, so anything secret-looking is dropped, as is any DOMINO_* variable from an
outer Domino, which would point the job at the wrong server. An isolated job gets a home
and a temporary directory of its own, as the server's point at paths it cannot see.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from snakemake_executor_domino.local.config import Tier
from snakemake_executor_domino.local.jobs.compute_envs import (
    DEFAULT_ENVIRONMENTS,
    ComputeEnvironment,
)
from snakemake_executor_domino.local.store.rows import Job, Project

SECRET_NAME = re.compile(
    r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE", re.IGNORECASE
)
DROPPED_PREFIXES = ("DOMINO_", "SNAKEMAKE_DOMINO_")
# host paths an isolated job could not use (XDG_* directories are dropped as a family)
HOST_PATH_VARIABLES = ("PWD", "OLDPWD", "TMPDIR", "TEMP", "TMP")

# the default compute environment: the Python environment the server runs in
PYTHON_BIN = str(Path(sys.executable).parent)
ENVIRONMENT_ID = DEFAULT_ENVIRONMENTS[0].id
ENVIRONMENT_REVISION_ID = DEFAULT_ENVIRONMENTS[0].revision_id
ENVIRONMENT_NAME = DEFAULT_ENVIRONMENTS[0].name


def scrubbed(base: Mapping[str, str]) -> dict[str, str]:
    return {
        k: v
        for k, v in base.items()
        if not SECRET_NAME.search(k) and not k.startswith(DROPPED_PREFIXES)
    }


def job_environment(
    *,
    base: Mapping[str, str] | None = None,
    api_host: str,
    project: Project,
    job: Job,
    tier: Tier,
    api_key: str,
    token_file: Path | str,
    workdir: Path | str,
    home: str | None = None,
    environment: ComputeEnvironment | None = None,
) -> dict[str, str]:
    """`workdir`, `token_file`: as the job sees them; `home`: an isolated job's home;
    `environment`: the compute environment whose Python comes first on PATH (default: the
    server's own)."""
    env = scrubbed(os.environ if base is None else base)
    if home is not None:
        for name in [*HOST_PATH_VARIABLES, *(k for k in env if k.startswith("XDG_"))]:
            env.pop(name, None)
        env.update(HOME=home, TMPDIR="/tmp")
    path = env.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update(
        {
            "PATH": os.pathsep.join(
                [str(environment.bin_dir) if environment else PYTHON_BIN, path]
            ),
            "DOMINO_API_HOST": api_host,
            "DOMINO_PROJECT_OWNER": project.owner_username,
            "DOMINO_PROJECT_NAME": project.name,
            "DOMINO_PROJECT_ID": project.id,
            "DOMINO_RUN_ID": job.id,
            "DOMINO_RUN_NUMBER": str(job.number),
            "DOMINO_STARTING_USERNAME": job.started_by_username,
            "DOMINO_USER_NAME": job.started_by_username,
            "DOMINO_USER_API_KEY": api_key,
            "DOMINO_TOKEN_FILE": str(token_file),
            "DOMINO_HARDWARE_TIER_ID": tier.id,
            "DOMINO_WORKING_DIR": str(workdir),
            "DOMINO_IS_GIT_BASED": "false",
            "DOMINO_ENVIRONMENT_ID": job.environment_id,
        }
    )
    return env
