"""The Domino client package: the only code that knows Domino's URLs and JSON.

Everything else imports from here: DominoClient for the calls, the models it answers with,
and the errors it raises.
"""

from snakemake_executor_domino.domino.client import DominoClient
from snakemake_executor_domino.domino.dataset_parse import Dataset, DatasetMount, DatasetSnapshot
from snakemake_executor_domino.domino.errors import (
    DominoAuthError,
    DominoError,
    DominoNotFound,
    DominoReloginRequired,
    DominoTimeout,
    DominoTransientError,
    IntegrityError,
    is_transient,
)
from snakemake_executor_domino.domino.files import sha1_of_file
from snakemake_executor_domino.domino.http import Credentials
from snakemake_executor_domino.domino.keys import Digests, file_digests
from snakemake_executor_domino.domino.models import (
    FAILED_STATES,
    SUCCEEDED,
    TERMINAL_STATES,
    Downloaded,
    Environment,
    FileEntry,
    HardwareTier,
    Job,
    JobPage,
    JobUsage,
    Project,
    RuntimeDetails,
    ScheduledJob,
    ScheduledRun,
    ScheduleSpec,
    Uploaded,
    User,
)

__all__ = [
    "FAILED_STATES",
    "SUCCEEDED",
    "TERMINAL_STATES",
    "Credentials",
    "Dataset",
    "DatasetMount",
    "DatasetSnapshot",
    "DominoAuthError",
    "DominoClient",
    "DominoError",
    "DominoNotFound",
    "DominoReloginRequired",
    "DominoTimeout",
    "DominoTransientError",
    "Digests",
    "Downloaded",
    "Environment",
    "FileEntry",
    "HardwareTier",
    "IntegrityError",
    "Job",
    "JobPage",
    "JobUsage",
    "Project",
    "RuntimeDetails",
    "ScheduleSpec",
    "ScheduledJob",
    "ScheduledRun",
    "Uploaded",
    "file_digests",
    "User",
    "is_transient",
    "sha1_of_file",
]
