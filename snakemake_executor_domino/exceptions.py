"""The one exception root of the plugin, and the kinds below it that callers tell apart.

Everything the plugin raises on purpose derives from `DominoPluginError`: a caller that
wants "any failure we understand" catches that, never a list of unrelated names. The
client's errors (`domino/errors.py`: `DominoError` and its kinds) derive from it too. The
local Domino's own errors are the server's answers, not the plugin's, and stay apart.

    DominoPluginError
    ├── DominoError            a Domino call failed (domino/errors.py: auth, not found, ...)
    ├── DatasetAnswerError     a dataset answer in no documented shape (domino/dataset_parse.py)
    ├── KeyMismatch            downloaded bytes differ from Domino's key (domino/keys.py)
    ├── ConfigurationError     settings or a workflow the user must fix
    │   └── CronError          a cron expression (also a ValueError)
    ├── TransferError          a file cannot be moved (files/transfer.py: too big, links)
    ├── ManifestError          what a job left behind cannot be read
    ├── StartsStopped          a start asked for after Ctrl-C / SIGTERM began cancelling
    └── CliError               `snakemake-domino` input the user can fix
"""

from __future__ import annotations


class DominoPluginError(Exception):
    """Every error the plugin raises on purpose; the message names the problem and the fix."""


class ConfigurationError(DominoPluginError):
    """The settings are incomplete or contradictory; the message says how to fix them."""


class CronError(ConfigurationError, ValueError):
    """The expression is not valid (or never fires); the message names it and the fix."""


class TransferError(DominoPluginError):
    """A file cannot be moved; the message names the file and the fix."""


class ManifestError(DominoPluginError):
    """A job's output manifest cannot be read; the message says why."""


class StartsStopped(DominoPluginError):
    """The run is being cancelled: no further Domino job may start (executor's stop gate)."""


class CliError(DominoPluginError):
    """An error the user can fix; printed without a traceback."""
