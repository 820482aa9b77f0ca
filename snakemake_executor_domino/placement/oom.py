"""Did a failed Domino job end because it ran out of memory?

What Domino documents: a job ends with executionStatus Failed or Error (5.0 OpenAPI
JobStatuses.executionStatus); GET /v4/jobs/{id}/logsWithProblemSuggestions may carry a
`problemSuggestion` {problem, helpLink} (5.0 LogsWithProblemSuggestion, JobProblemSuggestion)
next to the log. Neither the OpenAPI, the v1 description nor python-domino documents an exit
code, an out-of-memory flag or the wording of a memory problem.

Our assumption: a job's memory is its Kubernetes pod's limit (Domino's admin guide: a
hardware tier sets the pod's memory request and limit), so a job over it is killed by the
kernel's OOM killer (exit 137, container reason OOMKilled), or a process of it fails to
allocate first (Python's MemoryError, C++'s std::bad_alloc, "Cannot allocate memory"). So a
failed job ran out of memory when its problem suggestion speaks of memory, or when the end
of its log (which holds Domino's own setup and teardown lines) shows one of those marks.
The local Domino reports its own out-of-memory ends both ways (docs/local-domino.md).
"""

from __future__ import annotations

import re

# Only the end of a log is read: an earlier, handled MemoryError must not count.
TAIL_CHARS = 4000

_PROBLEM = re.compile(r"out of memory|\bOOM|memory limit|exceeded .*memory", re.IGNORECASE)
_LOG_MARKS = re.compile(
    r"OOMKilled|Out of memory|out-of-memory|\bMemoryError\b|std::bad_alloc"
    r"|Cannot allocate memory|Unable to allocate .* for an array"
    r"|exit(?:ed with)? (?:code|status) 137",
    re.IGNORECASE,
)


def out_of_memory(log_text: str, problem: str | None = None) -> bool:
    """Whether a failed job's problem suggestion or the end of its log says it ran out of
    memory."""
    if problem and _PROBLEM.search(problem):
        return True
    return bool(_LOG_MARKS.search(log_text[-TAIL_CHARS:]))
