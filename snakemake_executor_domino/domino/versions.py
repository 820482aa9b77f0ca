"""What each Domino version has that the client uses, and the source that says so.

The client asks `GET /version` first and chooses its calls from this table once per
connection. Where the version cannot be read, it assumes a current Domino (as python-domino
2.2 does) and `snakemake-domino doctor` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    name: str
    since: tuple[int, int]
    what: str
    source: str
    # what the client does on a version before `since`
    before: str


FEATURES: tuple[Feature, ...] = (
    Feature(
        "job_title",
        (5, 5),
        "`title` on POST /v4/jobs/start",
        "python-domino CHANGELOG 1.2.4 (job_start sends an optional title); its README's "
        "compatibility matrix pairs 1.2.2+ with Domino 5.5+; absent from 5.0's "
        "StartJobRequest (api-docs swagger-5-0.json)",
        "starts without a title, then names the job with POST /v4/jobs/{jobId}/name "
        "(5.0 updateJob); the job's command carries the run marker",
    ),
    Feature(
        "file_content_route",
        (5, 10),
        "GET /api/projects/v1/projects/{projectId}/files/{commitId}/{path}/content",
        "python-domino CHANGELOG 1.3.0 (blobs_get_v2, which deprecates blobs_get); its "
        "README's compatibility matrix pairs 1.3.1 with Domino 5.10+",
        "downloads by key from GET /v1/projects/{owner}/{project}/blobs/{key} (v1 API "
        "description, apiary.apib, \"File contents\")",
    ),
    Feature(
        "bearer_preferred",
        (6, 3),
        "bearer tokens (personal access tokens, service accounts) preferred; "
        "X-Domino-Api-Key deprecated",
        "python-domino README's compatibility matrix (2.1.0+ for Domino 6.3+) and its "
        "2.x auth, which prefers DOMINO_TOKEN_FILE / API proxy tokens over the API key",
        "X-Domino-Api-Key is the documented credential",
    ),
)
BY_NAME = {f.name: f for f in FEATURES}


def parse_version(text: str | None) -> tuple[int, int] | None:
    """(major, minor) of a version string such as '5.10.2' or '6.3.0-rc1'; None if unreadable."""
    match = re.match(r"\s*v?(\d+)\.(\d+)", text or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def has(version: str | None, feature: str) -> bool:
    """Whether a Domino of this version has `feature`; an unreadable version counts as new."""
    parsed = parse_version(version)
    return parsed is None or parsed >= BY_NAME[feature].since


def table(version: str | None) -> list[tuple[Feature, bool]]:
    """Every feature and whether this version has it (doctor's report)."""
    return [(f, has(version, f.name)) for f in FEATURES]
