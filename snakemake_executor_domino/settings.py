"""Every `--domino-*` option of the executor, with its environment variable and help.

Snakemake turns each field into `--domino-<name>` and, where `env_var` is set, also reads
`SNAKEMAKE_DOMINO_<NAME>`. Domino's own variables (set inside every Domino run) are the
fallback, resolved in `connection.py`. Nothing here is `required`: Snakemake would then
demand it even for a dry run.
"""

from dataclasses import dataclass, field
from typing import Optional

from snakemake_interface_executor_plugins.settings import ExecutorSettingsBase


@dataclass
class ExecutorSettings(ExecutorSettingsBase):
    url: Optional[str] = field(
        default=None,
        metadata={
            "help": "Domino base URL, e.g. https://domino.example.com. Default: "
            "$DOMINO_API_HOST (set inside Domino runs); with neither, an embedded local "
            "Domino is started on 127.0.0.1.",
            "env_var": True,
        },
    )
    project: Optional[str] = field(
        default=None,
        metadata={
            "help": "Domino project as OWNER/NAME. Default: "
            "$DOMINO_PROJECT_OWNER/$DOMINO_PROJECT_NAME (set inside Domino runs).",
            "env_var": True,
        },
    )
    api_key: Optional[str] = field(
        default=None,
        metadata={
            "help": "Domino API key. Prefer the env var SNAKEMAKE_DOMINO_API_KEY or "
            "Domino's own DOMINO_USER_API_KEY: a key on the command line is visible to "
            "other users of the machine. Never logged.",
            "env_var": True,
        },
    )
    token: Optional[str] = field(
        default=None,
        metadata={
            "help": "Domino bearer token: a personal access token or a service account's "
            "token, which Domino 6.3 prefers to API keys. Prefer the env var "
            "SNAKEMAKE_DOMINO_TOKEN (a token on the command line is visible to other users "
            "of the machine). Never logged.",
            "env_var": True,
        },
    )
    token_file: Optional[str] = field(
        default=None,
        metadata={
            "help": "File holding a Domino bearer token (read on every request, so a "
            "rotated token is picked up). Default: $DOMINO_TOKEN_FILE.",
            "env_var": True,
        },
    )
    api_proxy: Optional[str] = field(
        default=None,
        metadata={
            "help": "Domino API proxy (host:port) that adds credentials itself, as "
            "inside newer Domino runs. Default: $DOMINO_API_PROXY.",
            "env_var": True,
        },
    )
    default_tier: Optional[str] = field(
        default=None,
        metadata={
            "help": "Hardware tier (name or id) for rules without resources: tier=... "
            "Default: the project's default tier.",
            "env_var": True,
        },
    )
    no_escalation: bool = field(
        default=False,
        metadata={
            "help": "Do not move a retry (--retries) of a job that ran out of memory to "
            "the next hardware tier by memory; retry it on the same tier.",
            "env_var": True,
        },
    )
    efficiency_threshold: float = field(
        default=25.0,
        metadata={
            "help": "Percent of its tier's memory or cores under which a rule is flagged in "
            "the run summary, with the smaller tier that would have held it and the cost "
            "there. Default 25; 0 flags nothing.",
            "env_var": True,
            "type": float,
        },
    )
    right_size: bool = field(
        default=False,
        metadata={
            "help": "Size a rule that names no tier and asks for no threads, memory or GPUs "
            "from its earlier runs: the smallest tier that held its peak memory plus "
            "--domino-right-size-margin in its last successful runs (the run records under "
            ".snakemake/domino_runs). Per rule: resources: domino_right_size=1 (or 0 to "
            "opt out). Out-of-memory escalation still applies.",
            "env_var": True,
        },
    )
    right_size_margin: float = field(
        default=25.0,
        metadata={
            "help": "Percent of head room over the measured peak memory that "
            "--domino-right-size adds before it picks a tier. Default 25.",
            "env_var": True,
            "type": float,
        },
    )
    environment_id: Optional[str] = field(
        default=None,
        metadata={
            "help": "Domino compute environment id for every job. Default: the "
            "project's default environment.",
            "env_var": True,
        },
    )
    poll_interval: Optional[float] = field(
        default=None,
        metadata={
            "help": "Seconds between status checks of running jobs (one API call per "
            "check for all jobs). Default: 5 s, or 1 s against the embedded local Domino.",
            "env_var": True,
            "type": float,
        },
    )
    no_verify_tls: bool = field(
        default=False,
        metadata={
            "help": "Do not verify the Domino server's TLS certificate (also set by "
            "$DOMINO_VERIFY_CERTIFICATE=false). Prefer --domino-ca-bundle.",
            "env_var": True,
        },
    )
    ca_bundle: Optional[str] = field(
        default=None,
        metadata={
            "help": "CA bundle (PEM file) for a Domino behind a private certificate authority.",
            "env_var": True,
        },
    )
    request_timeout: float = field(
        default=60.0,
        metadata={
            "help": "Seconds to wait for one Domino API response before retrying.",
            "env_var": True,
            "type": float,
        },
    )
    retry_budget: float = field(
        default=300.0,
        metadata={
            "help": "Seconds an API call may spend retrying transient errors "
            "(connection errors, 429, 5xx) with backoff before it fails.",
            "env_var": True,
            "type": float,
        },
    )
    max_file_size: int = field(
        default=5 * 1024**3,
        metadata={
            "help": "Largest single file (bytes) the executor uploads or pulls back; "
            "bigger ones fail the job with a clear message. Default 5 GiB.",
            "env_var": True,
            "type": int,
        },
    )
    max_sync_size: int = field(
        default=200 * 1024**2,
        metadata={
            "help": "Largest total size (bytes) of the workflow files pushed before the "
            "first job (git-tracked files in a git repository, else every file of the "
            "working directory not in .dominoignore); more fails with the biggest files "
            "named. Default 200 MiB.",
            "env_var": True,
            "type": int,
        },
    )
    cancel_timeout: float = field(
        default=60.0,
        metadata={
            "help": "Seconds that stopping this run's Domino jobs on Ctrl-C or SIGTERM "
            "may take in all; jobs not stopped by then are named, to stop in Domino.",
            "env_var": True,
            "type": float,
        },
    )
    local_root: Optional[str] = field(
        default=None,
        metadata={
            "help": "State directory of the embedded local Domino (used only when no "
            "URL is configured). Default: .snakemake/domino-local in the working "
            "directory.",
            "env_var": True,
        },
    )
    no_reattach: bool = field(
        default=False,
        metadata={
            "help": "Do not reattach to Domino jobs that an earlier, interrupted "
            "invocation submitted (recorded in .snakemake/domino_journal/); start "
            "every job afresh instead.",
            "env_var": True,
        },
    )
    pack: Optional[str] = field(
        default="auto",
        metadata={
            "help": "Run many ready Snakemake jobs that share a tier and compute "
            "environment in one Domino job (a pack), each with its own log, status and "
            "outputs: 'auto' (default) packs only once Domino is seen queueing this "
            "run's executions or starting them slower than the jobs run; 'off' never "
            "packs; N always packs, at most N jobs to a pack. A rule with "
            "resources: domino_pack=0 is never packed. See docs/packing.md.",
            "env_var": True,
        },
    )
    shared_path: Optional[list[str]] = field(
        default=None,
        metadata={
            "help": "Absolute paths (one or more) of volumes every Domino job of the "
            "project mounts at the same place as this machine. Files below them are read and "
            "written in place, never pushed or pulled, like files in the project's "
            "Domino datasets, which are found by themselves. See docs/datasets.md.",
            "nargs": "+",
            "metavar": "PREFIX",
        },
    )
