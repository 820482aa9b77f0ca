"""The Domino client package: the only code that knows Domino's URLs and JSON.

Everything else imports from here: DominoClient for the calls, the models it answers with,
and the errors it raises.
"""

from snakemake_executor_domino.domino.client import DominoClient
from snakemake_executor_domino.domino.errors import (
    DominoAuthError,
    DominoError,
    DominoNotFound,
    DominoTimeout,
    DominoTransientError,
    IntegrityError,
    is_transient,
)
from snakemake_executor_domino.domino.files import sha1_of_file
from snakemake_executor_domino.domino.http import Credentials
from snakemake_executor_domino.domino.models import (
    FAILED_STATES,
    SUCCEEDED,
    TERMINAL_STATES,
    FileEntry,
    HardwareTier,
    Job,
    Project,
    ScheduledJob,
    ScheduledRun,
    ScheduleSpec,
)

__all__ = [
    "FAILED_STATES",
    "SUCCEEDED",
    "TERMINAL_STATES",
    "Credentials",
    "DominoAuthError",
    "DominoClient",
    "DominoError",
    "DominoNotFound",
    "DominoTimeout",
    "DominoTransientError",
    "FileEntry",
    "HardwareTier",
    "IntegrityError",
    "Job",
    "Project",
    "ScheduleSpec",
    "ScheduledJob",
    "ScheduledRun",
    "is_transient",
    "sha1_of_file",
]
