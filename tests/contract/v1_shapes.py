"""Domino's v1 objects (runs, run logs, files, commits) and `/version`, as the v1 description
(apiary.apib) and python-domino describe them; sources abbreviated as in domino_shapes.py."""

from __future__ import annotations

from .shapes import ANY, BOOL, INT, NUM, STR, arr, enum, obj, one_of, open_obj, req

# -- runs -------------------------------------------------------------------------------------

# apiary data structure "Run status" (v1 runs): no attribute marked required
RUN_STATUS = obj(
    id=STR,
    projectId=STR,
    number=NUM,
    startingUserId=STR,
    queued=NUM,
    started=NUM,
    completed=NUM,
    status=enum(
        "Queued", "Scheduled", "Preparing", "Building", "Pulling", "Running", "Serving",
        "StopRequested", "StopAndDiscardRequested", "Stopping", "Finishing", "Stopped",
        "Succeeded", "Failed", "Error",
    ),
    commitId=STR,
    executor=STR,
    outputCommitId=STR,
    title=STR,
    isArchived=BOOL,
    postProcessedTimestamp=NUM,
    diagnosticStatistics=obj(isError=BOOL, data=arr(obj(key=STR, value=ANY))),
    isCompleted=BOOL,
    hardwareTierId=STR,
)
# apiary "Project runs" > Get a list of runs
RUN_LIST = obj(objectType=STR, uri=STR, data=arr(RUN_STATUS))
# apiary "Project runs" > Start a run
START_RUN_REQUEST = obj(
    command=req(arr(STR)),
    isDirect=req(BOOL),
    title=STR,
    tier=STR,
    commitId=STR,
    publishApiEndpoint=BOOL,
    datasetConfig=STR,
)
STARTED_RUN = obj(runId=STR, message=STR)

# apiary "Run logs" (attributes setup, stdout); pd 2.2 get_run_log reads both by key
RUN_STDOUT = obj(setup=req(STR), stdout=req(STR))

# -- files ------------------------------------------------------------------------------------

# GET /v1/projects/{owner}/{project}/commits: pd tests/test_projects.py mocks a list of ids
# (and pd 2.2 _validate_commit_id compares items to an id); pd tests/test_files.py mocks a
# list of {"id": ...} objects (and files_download reads commits[0]["id"]). Either is Domino's.
COMMIT_LIST = arr(one_of(STR, open_obj(id=req(STR))))

# GET /v1/projects/{owner}/{project}/files/{commitId}/{path}: apiary gives no attributes;
# pd tests/test_projects.py mocks {"data": [{"path", "key"}]}, pd README's example reads
# file["path"], file["url"], file["key"]; size and lastModified as the upload answer names
# them. Incomplete, so open.
FILE_LIST = open_obj(
    data=req(arr(open_obj(path=req(STR), key=STR, url=STR, size=INT, lastModified=INT))),
)

# apiary "File uploads" (PUT, 201): every attribute marked required; no commit is named
UPLOADED_FILE = obj(
    path=req(STR), lastModified=req(NUM), size=req(NUM), key=req(STR), url=req(STR)
)

# GET /version: pd 2.2 Domino.__init__ reads deployment_version()["version"]; other fields
# are not described anywhere on hand
VERSION = open_obj(version=req(STR))
