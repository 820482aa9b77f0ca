"""The contract: every Domino API call the plugin, `snakemake-domino` and the local Domino
use, as Domino's own documents describe it (shapes in domino_shapes.py, schedule_shapes.py).

Each call names its method, its path template (`{name}` is one path segment, `{name*}` the
rest of the path, slashes included), the query parameters Domino documents, the JSON body,
the answer's status and JSON shape, and its source. A shape may differ per API flavor
("5.0": Domino 5.0's documents; "latest": newer Domino as python-domino reads it).

Local-only extras (fire a scheduled job now, its fire history, ...) live under LOCAL_PREFIX,
a prefix no Domino route has; they are exempt from the contract and listed by the checker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import datasetrw_shapes as ds
from . import domino_shapes as d
from . import schedule_shapes as s
from . import v1_shapes as v1
from .shapes import BOOL, INT, NUM, RAW, STR, Field, Flavored, Shape, arr, enum, req

LOCAL_PREFIX = "/_local/"
OBJECT_ID = r"^[0-9a-f]{24}$"  # 5.0: the pattern of projectId and jobId path parameters


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    path: str
    source: str
    query: Mapping[str, Field] = field(default_factory=dict)
    body: Shape | Flavored | None = None  # None: no body documented
    answer: Shape | Flavored | None = None  # None: no JSON answer documented
    status: int = 200
    path_patterns: Mapping[str, str] = field(default_factory=dict)


SCHEDULED = "/v4/projects/{projectId}/scheduledjobs"
V1 = "/v1/projects/{owner}/{project}"
IDS = {"projectId": OBJECT_ID, "jobId": OBJECT_ID}

CALLS: tuple[Call, ...] = (
    # pd 2.2 routes.deployment_version; Domino.__init__ reads its "version"
    Call("version", "GET", "/version", "pd 2.2 routes.py deployment_version", answer=v1.VERSION),
    # A deployment's own API descriptions (DESIGN.md's last source; `snakemake-domino doctor`
    # reads them): the answer is an OpenAPI/Swagger document, whatever it describes
    Call(
        "served API description", "GET", "/assets/public-api.json",
        "project DESIGN.md: a deployment's own /assets/public-api.json",
    ),
    Call(
        "served API description (v4)", "GET", "/assets/swagger.json",
        "project DESIGN.md: a deployment's own /assets/swagger.json",
    ),
    # 5.0 GET /gateway/projects/findProjectByOwnerAndName (findProjectByOwnerAndName)
    Call(
        "find project", "GET", "/v4/gateway/projects/findProjectByOwnerAndName",
        "5.0 OpenAPI findProjectByOwnerAndName / ProjectGatewayOverview",
        query={"ownerName": req(STR), "projectName": req(STR)},
        answer=d.PROJECT_OVERVIEW,
    ),
    # 5.0 listHardwareTiersForProject; newer Domino: pd tests/test_jobs.py live tests
    Call(
        "hardware tiers", "GET", "/v4/projects/{projectId}/hardwareTiers",
        "5.0 OpenAPI listHardwareTiersForProject / HardwareTierWithCapacityDto; latest: "
        "python-domino tests/test_jobs.py hwtFlags.isDefault",
        answer=Flavored({
            "5.0": arr(d.TIER_WITH_CAPACITY_50),
            "latest": arr(d.TIER_WITH_CAPACITY_LATEST),
        }),
        path_patterns=IDS,
    ),
    # 5.0 getProjectHeadCommit
    Call(
        "head commit", "GET", "/v4/projects/{projectId}/commits/head",
        "5.0 OpenAPI getProjectHeadCommit / ProjectCommitDeprecated",
        answer=d.PROJECT_COMMIT, path_patterns=IDS,
    ),
    # 5.0 getProjectCommits / getProjectFiles / getProjectFilesFromHead: v4 listings
    Call(
        "commits (v4)", "GET", "/v4/projects/{projectId}/commits",
        "5.0 OpenAPI getProjectCommits / ProjectCommitDeprecated",
        answer=arr(d.PROJECT_COMMIT), path_patterns=IDS,
    ),
    Call(
        "list files (v4)", "GET", "/v4/projects/{projectId}/commits/{commitId}/files/{path*}",
        "5.0 OpenAPI getProjectFiles / ProjectFileDeprecated",
        answer=arr(d.PROJECT_FILE), path_patterns=IDS,
    ),
    Call(
        "list head files (v4)", "GET", "/v4/projects/{projectId}/commits/head/files/{path*}",
        "5.0 OpenAPI getProjectFilesFromHead / ProjectFileDeprecated",
        answer=arr(d.PROJECT_FILE), path_patterns=IDS,
    ),
    # pd 2.2 routes.commits_list; ids or objects (see COMMIT_LIST)
    Call(
        "commits", "GET", f"{V1}/commits",
        "python-domino 2.2 routes.py commits_list; tests/test_projects.py, tests/test_files.py",
        answer=v1.COMMIT_LIST,
    ),
    # apiary: Project files; pd 2.2 routes.files_list (path "/" gives ".../{commitId}//")
    Call(
        "list files", "GET", f"{V1}/files/{{commitId}}/{{path*}}",
        "apiary.apib: Project files > Get a list of files in a commit; python-domino 2.2 "
        "files_list", answer=v1.FILE_LIST,
    ),
    Call(
        "list files (root)", "GET", f"{V1}/files/{{commitId}}",
        "apiary.apib: Project files (path '/'); python-domino 2.2 files_list",
        answer=v1.FILE_LIST,
    ),
    # apiary: File uploads (PUT, raw body, 201); pd 2.2 routes.files_upload
    Call(
        "upload file", "PUT", f"{V1}/{{path*}}",
        "apiary.apib: File uploads > Upload a file to a project",
        body=RAW, answer=v1.UPLOADED_FILE, status=201,
    ),
    # apiary: File contents (deprecated; pd 2.2 routes.blobs_get): raw bytes by blob key
    Call(
        "blob", "GET", f"{V1}/blobs/{{key}}",
        "apiary.apib: File contents > Get the contents of a file",
    ),
    # pd 2.2 routes.blobs_get_v2: streamed bytes
    Call(
        "file content", "GET",
        "/api/projects/v1/projects/{projectId}/files/{commitId}/{path*}/content",
        "python-domino 2.2 routes.py blobs_get_v2", path_patterns=IDS,
    ),
    # 5.0 startJob; python-domino 1.2.4 job_start adds `title` (Domino 5.5+)
    Call(
        "start job", "POST", "/v4/jobs/start",
        "5.0 OpenAPI startJob / StartJobRequest, Job; python-domino 1.2.4+ job_start (title)",
        body=Flavored({"5.0": d.START_JOB_REQUEST_50, "5.10": d.START_JOB_REQUEST,
                       "latest": d.START_JOB_REQUEST}),
        answer=d.JOB,
    ),
    # 5.0 updateJob: a job's title, which the client sets after a start before Domino 5.5
    Call(
        "name job", "POST", "/v4/jobs/{jobId}/name",
        "api-docs swagger-5-0.json (commit 39930890) updateJob / UpdateJobName, Job",
        path_patterns=IDS, body=d.UPDATE_JOB_NAME, answer=d.JOB,
    ),
    # 5.0 stopJob
    Call(
        "stop job", "POST", "/v4/jobs/stop", "5.0 OpenAPI stopJob / JobStopOperationRequest, Job",
        body=d.STOP_JOB_REQUEST, answer=d.JOB,
    ),
    # 5.0 getJobs; pd 2.2 routes.jobs_list sends the same names
    Call(
        "list jobs", "GET", "/v4/jobs", "5.0 OpenAPI getJobs / domino.jobs.interface.JobSet",
        query={
            "projectId": req(STR),
            "page_size": Field(NUM),
            "page_no": Field(NUM),
            "sort_by": Field(STR),
            "order_by": Field(STR),
            "status": Field(STR),
            "tag": Field(STR),
            "query": Field(STR),
            "show_archived": Field(BOOL),
            "dominoStatsSortFieldName": Field(STR, nullable=True),
        },
        answer=d.JOB_SET,
    ),
    # 5.0 getJob
    Call(
        "job", "GET", "/v4/jobs/{jobId}", "5.0 OpenAPI getJob / domino.jobs.interface.Job",
        answer=d.JOB, path_patterns=IDS,
    ),
    # 5.0 getRuntimeExecutionDetails (pd 2.2 job_runtime_execution_details: the job's tier)
    Call(
        "job runtime details", "GET", "/v4/jobs/{jobId}/runtimeExecutionDetails",
        "5.0 OpenAPI getRuntimeExecutionDetails / JobRuntimeExecutionDetails; latest: "
        "python-domino tests/test_jobs.py job_runtime_execution_details",
        answer=Flavored({"5.0": d.JOB_RUNTIME, "latest": d.JOB_RUNTIME_LATEST}),
        path_patterns=IDS,
    ),
    # 5.0 getResourceUsage ("jobs" twice in the path, as 5.0's OpenAPI has it)
    Call(
        "job usage", "GET", "/v4/jobs/jobs/{jobId}/usage",
        "5.0 OpenAPI getResourceUsage / JobResourceUsage",
        answer=d.JOB_USAGE, path_patterns=IDS,
    ),
    # 5.0 getLogsWithProblemSuggestions
    Call(
        "job logs", "GET", "/v4/jobs/{jobId}/logsWithProblemSuggestions",
        "5.0 OpenAPI getLogsWithProblemSuggestions / LogsWithProblemSuggestion",
        query={
            "logType": Field(enum("console", "stdout", "stderr", "stdoutstderr", "prepareoutput")),
            "limit": Field(NUM),
            "offset": Field(NUM),
            "latestTimeNano": Field(STR),
        },
        answer=d.JOB_LOGS, path_patterns=IDS,
    ),
    # apiary: Project runs, Run status (the v1 runs; pd 2.2 runs_list / runs_start / runs_status)
    Call(
        "list runs", "GET", f"{V1}/runs", "apiary.apib: Project runs > Get a list of runs",
        answer=v1.RUN_LIST,
    ),
    Call(
        "start run", "POST", f"{V1}/runs", "apiary.apib: Project runs > Start a run",
        body=v1.START_RUN_REQUEST, answer=v1.STARTED_RUN,
    ),
    Call(
        "run status", "GET", f"{V1}/runs/{{runId}}",
        "apiary.apib: Run status > Get the status of a run", answer=v1.RUN_STATUS,
    ),
    # apiary: Run logs; pd 2.2 routes.runs_stdout / domino.py get_run_log
    Call(
        "run stdout", "GET", f"{V1}/run/{{runId}}/stdout",
        "apiary.apib: Run logs; python-domino 2.2 routes.py runs_stdout / domino.py get_run_log",
        query={"previewNumberOfLines": Field(INT)},
        answer=v1.RUN_STDOUT,
    ),
    # compute environments: 5.0 getUseableEnvironments (python-domino 2.2
    # _useable_environments_list, what job_start checks an environment id against),
    # getCurrentUserEnvironments, getDefaultEnvironment (pd 2.2 get_default_environment),
    # getEnvironmentById, getBuiltEnvironmentRevisions
    Call(
        "project environments", "GET", "/v4/projects/{projectId}/useableEnvironments",
        "5.0 OpenAPI getUseableEnvironments / UseableProjectEnvironmentsDTO; python-domino 2.2 "
        "routes.py useable_environments_list",
        answer=d.USEABLE_ENVIRONMENTS, path_patterns=IDS,
    ),
    Call(
        "your environments", "GET", "/v4/environments/self",
        "5.0 OpenAPI getCurrentUserEnvironments / EnvironmentDetails",
        answer=arr(d.ENVIRONMENT_DETAILS),
    ),
    Call(
        "default environment", "GET", "/v4/environments/defaultEnvironment",
        "5.0 OpenAPI getDefaultEnvironment / EnvironmentDetails; python-domino 2.2 "
        "routes.py environment_default_get",
        answer=d.ENVIRONMENT_DETAILS,
    ),
    Call(
        "environment", "GET", "/v4/environments/{environmentId}",
        "5.0 OpenAPI getEnvironmentById / EnvironmentDetails",
        answer=d.ENVIRONMENT_DETAILS, path_patterns={"environmentId": OBJECT_ID},
    ),
    Call(
        "environment revisions", "GET",
        "/v4/environments/{environmentId}/page/{page}/pageSize/{pageSize}/revisions",
        "5.0 OpenAPI getBuiltEnvironmentRevisions / PaginatedRevisionData",
        answer=d.REVISION_PAGE,
        path_patterns={"environmentId": OBJECT_ID, "page": r"^[0-9]+$", "pageSize": r"^[0-9]+$"},
    ),
    # 5.0 getCurrentUser (a scheduled job's scheduledByUserId)
    Call(
        "current user", "GET", "/v4/users/self", "5.0 OpenAPI getCurrentUser / Person",
        answer=d.PERSON,
    ),
    # 5.0 listUsers (apiary "Query users"); pd 2.2 get_user_id looks a user up by name
    Call(
        "users", "GET", "/v4/users", "5.0 OpenAPI listUsers / Person; apiary.apib: Query users",
        query={"userId": Field(STR, nullable=True), "userName": Field(STR, nullable=True),
               "query": Field(STR, nullable=True)},
        answer=arr(d.PERSON),
    ),
    # 5.0 listScheduledJobs / createScheduledJob; latest: pd-sched scheduled_jobs_list/_create
    Call(
        "list scheduled jobs", "GET", SCHEDULED,
        "5.0 OpenAPI listScheduledJobs / ScheduledJobDto; latest: python-domino "
        "scheduled-job branch tests/test_scheduled_jobs.py",
        answer=Flavored({
            "5.0": arr(s.SCHEDULED_JOB_50), "latest": arr(s.SCHEDULED_JOB_LATEST)
        }),
        path_patterns=IDS,
    ),
    Call(
        "create scheduled job", "POST", SCHEDULED,
        "5.0 OpenAPI createScheduledJob / NewScheduledJobDto; latest: python-domino "
        "scheduled-job branch scheduled_job_create",
        body=Flavored({"5.0": s.SCHEDULE_REQUEST_50, "latest": s.SCHEDULE_REQUEST_LATEST}),
        answer=Flavored({"5.0": s.SCHEDULED_JOB_50, "latest": s.SCHEDULED_JOB_LATEST}),
        path_patterns=IDS,
    ),
    # 5.0 getScheduledJob / updateScheduledJob / unscheduleJob (path key: scheduledJobKey)
    Call(
        "scheduled job", "GET", f"{SCHEDULED}/{{scheduledJobKey}}",
        "5.0 OpenAPI getScheduledJob / ScheduledJobDto; latest: python-domino scheduled-job "
        "branch scheduled_job_get",
        answer=Flavored({"5.0": s.SCHEDULED_JOB_50, "latest": s.SCHEDULED_JOB_LATEST}),
        path_patterns=IDS,
    ),
    Call(
        "update scheduled job", "PUT", f"{SCHEDULED}/{{scheduledJobKey}}",
        "5.0 OpenAPI updateScheduledJob / UpdatedScheduledJobDTO; latest: python-domino "
        "scheduled-job branch scheduled_job_update",
        body=Flavored({"5.0": s.SCHEDULE_REQUEST_50, "latest": s.SCHEDULE_REQUEST_LATEST}),
        answer=Flavored({"5.0": s.SCHEDULED_JOB_50, "latest": s.SCHEDULED_JOB_LATEST}),
        path_patterns=IDS,
    ),
    # 5.0 unscheduleJob: 200 with no content described
    Call(
        "delete scheduled job", "DELETE", f"{SCHEDULED}/{{scheduledJobKey}}",
        "5.0 OpenAPI unscheduleJob", path_patterns=IDS,
    ),
    # python-domino datasets_list / datasets_create / datasets_details (routes.py)
    Call(
        "datasets (python-domino)", "GET", "/dataset",
        "python-domino routes.py datasets_list; tests/test_datasets.py",
        query={"projectId": Field(STR)}, answer=arr(ds.DATASET_PD),
    ),
    Call(
        "create dataset (python-domino)", "POST", "/dataset",
        "python-domino domino.py datasets_create; tests/test_datasets.py",
        body=ds.CREATE_DATASET_REQUEST, answer=ds.DATASET_PD,
    ),
    Call(
        "dataset (python-domino)", "GET", "/dataset/{datasetId}",
        "python-domino routes.py datasets_details; tests/test_datasets.py",
        answer=ds.DATASET_PD,
    ),
    # 5.0 getDatasets / createDataset / getDataset / getSnapshots / createSnapshot /
    # getLocalDatasetProjectMounts
    Call(
        "datasets", "GET", "/v4/datasetrw/datasets", "5.0 OpenAPI getDatasets / DatasetRwDto",
        query={"projectId": Field(STR)}, answer=arr(ds.DATASET_RW),
    ),
    Call(
        "create dataset", "POST", "/v4/datasetrw",
        "5.0 OpenAPI createDataset / CreateDatasetRequest, DatasetRwViewDto",
        body=ds.CREATE_DATASET_REQUEST, answer=ds.DATASET_RW_VIEW,
    ),
    Call(
        "dataset", "GET", "/v4/datasetrw/datasets/{datasetId}",
        "5.0 OpenAPI getDataset / DatasetRwDto", answer=ds.DATASET_RW,
        path_patterns={"datasetId": OBJECT_ID},
    ),
    Call(
        "dataset snapshots", "GET", "/v4/datasetrw/snapshots/{datasetId}",
        "5.0 OpenAPI getSnapshots / DatasetRwSnapshotDto", answer=arr(ds.SNAPSHOT),
        path_patterns={"datasetId": OBJECT_ID},
    ),
    Call(
        "create dataset snapshot", "POST", "/v4/datasetrw/snapshot",
        "5.0 OpenAPI createSnapshot / CreateSnapshotRequest, DatasetRwSnapshotDto",
        body=ds.CREATE_SNAPSHOT_REQUEST, answer=ds.SNAPSHOT,
    ),
    Call(
        "project dataset mounts", "GET", "/v4/datasetrw/mounts/{projectId}/local",
        "5.0 OpenAPI getLocalDatasetProjectMounts / DatasetRwProjectMountDto",
        answer=arr(ds.PROJECT_MOUNT), path_patterns=IDS,
    ),
)
