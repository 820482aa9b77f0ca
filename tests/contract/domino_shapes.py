"""Domino's objects as its documents describe them, written by hand (facts, not copied text).

Sources, abbreviated in the comments:
    5.0      github.com/dominodatalab/api-docs, swagger-5-0.json at commit 3993089 (removed
             from the repository later): Domino 5.0's v4 OpenAPI (components/schemas/<name>,
             operations by operationId)
    apiary   github.com/dominodatalab/api-docs, apiary.apib at commit 4365631: the v1 API
             description (sections by title)
    pd 2.2   python-domino 2.2.0 (domino/domino.py, domino/routes.py) and its repository's tests
    pd-sched python-domino branch hiiamelliott/improve-scheduled-job-management (newer
             Domino's scheduled-job bodies: domino/domino.py scheduled_job_create,
             tests/test_scheduled_jobs.py)
"""

from __future__ import annotations

from .shapes import (
    ANY,
    BOOL,
    DATE_TIME,
    INT,
    NUM,
    STR,
    arr,
    enum,
    obj,
    one_of,
    open_obj,
    req,
)

# 5.0 (StartJobRequest.environmentRevisionSpec, NewScheduledJobDto.overrideEnvironmentRevisionSpec)
REVISION_SPEC_50 = one_of(enum("ActiveRevision", "LatestRevision"), obj(revisionId=req(STR)))
# pd-sched scheduled_job_create docstring: newer Domino adds "RestrictedRevision"
REVISION_SPEC_LATEST = one_of(
    enum("ActiveRevision", "LatestRevision", "RestrictedRevision"), obj(revisionId=req(STR))
)

# 5.0 Information (a storage size)
INFORMATION = obj(value=req(NUM), unit=req(STR))
# 5.0 domino.projects.api.repositories.ReferenceDTO
GIT_REF = obj(type=req(STR), value=STR)
# 5.0 domino.projects.api.OnDemandSparkClusterPropertiesSpec
SPARK_CLUSTER = obj(
    computeEnvironmentId=req(STR),
    computeEnvironmentRevisionSpec=REVISION_SPEC_50,
    executorCount=req(INT),
    executorHardwareTierId=req(STR),
    executorStorage=INFORMATION,
    masterHardwareTierId=req(STR),
)
# 5.0 domino.jobs.interface.ComputeClusterConfigSpecDto (= the scheduledrun one)
COMPUTE_CLUSTER = obj(
    clusterType=req(enum("Spark", "Ray", "Dask")),
    computeEnvironmentId=req(STR),
    computeEnvironmentRevisionSpec=REVISION_SPEC_50,
    masterHardwareTierId=req(obj(value=req(STR))),
    workerCount=req(INT),
    maxWorkerCount=INT,
    workerHardwareTierId=req(obj(value=req(STR))),
    workerStorage=INFORMATION,
    extraConfigs=ANY,  # a string-to-string map
)

# -- jobs ------------------------------------------------------------------------------------

# 5.0 domino.jobs.web.StartJobRequest (api-docs swagger-5-0.json, commit 39930890): no title
START_JOB_REQUEST_50 = obj(
    projectId=req(STR),
    commandToRun=req(STR),
    commitId=STR,
    mainRepoGitRef=GIT_REF,
    overrideHardwareTierId=STR,
    dataSetMountConfigName=STR,
    onDemandSparkClusterProperties=SPARK_CLUSTER,
    computeClusterProperties=COMPUTE_CLUSTER,
    environmentId=STR,
    environmentRevisionSpec=REVISION_SPEC_50,
    externalVolumeMounts=arr(STR),
)
# from Domino 5.5: plus `title` (python-domino CHANGELOG 1.2.4, job_start's optional title;
# README compatibility matrix: 1.2.2+ for 5.5+)
START_JOB_REQUEST = obj(**START_JOB_REQUEST_50.field_map(), title=STR)

# 5.0 updateJob, POST /v4/jobs/{jobId}/name: domino.jobs.web.UpdateJobName
UPDATE_JOB_NAME = obj(name=req(STR))

# 5.0 domino.jobs.web.JobStopOperationRequest
STOP_JOB_REQUEST = obj(projectId=req(STR), jobId=req(STR), commitResults=req(BOOL))

# 5.0 domino.jobs.interface.Job (+ `projectId`: pd tests/test_jobs.py's GET /v4/jobs/{id} body)
JOB = obj(
    number=req(INT),
    id=req(STR),
    projectId=STR,
    queuedJobHistoryDetails=obj(
        expectedWait=req(STR), explanation=req(STR), helpText=req(STR)
    ),
    stageTime=req(obj(submissionTime=req(INT), runStartTime=INT, completedTime=INT)),
    tags=req(arr(obj(
        tagId=req(STR), name=req(STR), createdBy=req(STR), createdAt=req(INT),
        projectId=req(STR),
    ))),
    jobRunCommand=req(STR),
    usage=obj(cpu=req(NUM), memory=req(NUM)),
    startedBy=obj(id=req(STR), username=req(STR)),
    commentsCount=req(INT),
    title=STR,
    commitDetails=req(obj(inputCommitId=req(STR), outputCommitId=STR)),
    dominoStats=req(arr(obj(name=req(STR), value=req(STR)))),
    statuses=req(obj(
        isCompleted=req(BOOL),
        isArchived=req(BOOL),
        isScheduled=req(BOOL),
        volumeRecoverabilityStatus=req(
            enum("Unauthorized", "VolumeUnavailable", "Recoverable", "NoActionNecessary")
        ),
        executionStatus=req(STR),
    )),
    mainRepoGitRef=GIT_REF,
    dependentRepositories=req(arr(obj(
        id=req(STR), name=req(STR), uri=req(STR), ref=req(STR), serviceProvider=req(STR),
        startingCommitId=STR, startingCommitUri=STR, finishedCommitId=STR,
        finishedCommitUri=STR, startingBranch=STR, finishedBranch=STR,
    ))),
    dependentDatasetMounts=req(arr(obj(
        datasetId=req(STR), snapshotId=STR, snapshotVersion=INT, datasetName=req(STR),
        projectId=req(STR), isInput=req(BOOL), containerPath=STR,
    ))),
    dependentProjects=req(arr(obj(projectId=req(STR), commitId=req(STR)))),
    suggestDatasets=req(BOOL),
    goalIds=req(arr(STR)),
    runLauncherId=STR,
    dependentExternalVolumeMounts=req(arr(obj(
        name=req(STR), mount=req(obj(mountPath=req(STR), subPath=STR, readOnly=req(BOOL))),
    ))),
    computeCluster=COMPUTE_CLUSTER,
)

# 5.0 domino.jobs.interface.JobSet (GET /v4/jobs)
JOB_SET = obj(
    jobs=req(arr(JOB)),
    totalCount=req(INT),
    pagination=req(obj(
        pageSize=req(INT),
        sortBy=req(enum("asc", "desc")),
        orderBy=req(enum(
            "number", "duration", "dominoStatsField", "queued", "command", "commentCount",
            "status", "title", "user",
        )),
        dominoStatsSortFieldName=STR,
        pageNo=req(INT),
    )),
    dominoStatColumns=req(arr(STR)),
)

# 5.0 domino.jobs.interface.LogsWithProblemSuggestion
JOB_LOGS = obj(
    logset=req(obj(
        logContent=req(arr(obj(
            timestamp=req(INT),
            logType=req(enum("stdout", "stderr", "prepareoutput", "complete")),
            log=req(STR),
            size=req(INT),
        ))),
        isComplete=req(BOOL),
        pagination=req(obj(limit=req(INT), offset=req(INT), latestTimeNano=STR)),
    )),
    problemSuggestion=obj(problem=req(STR), helpLink=req(STR)),
)

# 5.0 domino.jobs.interface.JobRuntimeExecutionDetails
# 5.0 getResourceUsage: domino.jobs.interface.JobResourceUsage, every field required
JOB_USAGE = arr(obj(cpu=req(NUM), memory=req(NUM), timestamp=req(INT)))

JOB_RUNTIME = obj(
    executorInfo=obj(
        executorInstanceId=req(STR), region=req(STR), humanName=STR, publicAddress=STR,
        privateAddress=STR,
    ),
    environment=req(obj(environmentRevisionId=STR, environmentName=req(STR), revisionNumber=INT)),
    hardwareTier=req(STR),
    hardwareTierId=req(STR),
)

# Newer Domino: pd tests/test_jobs.py (live tests) read runtime details' hardwareTier.id and
# .name, an object, where 5.0 has the tier's name as a string; no fuller description on hand
JOB_RUNTIME_LATEST = open_obj(hardwareTier=req(open_obj(id=req(STR), name=req(STR))))

# -- projects, tiers, users --------------------------------------------------------------------

# 5.0 domino.server.projects.api.ProjectGatewayOverview; pd 2.2 project_id reads `id`
PROJECT_OVERVIEW = obj(
    owner=req(obj(id=STR, userName=req(STR))),
    visibility=req(enum("Public", "Searchable", "Private")),
    mainRepositoryUri=STR,
    lastStatusChangeInMillis=INT,
    lastStageChangeInMillis=INT,
    hardwareTierName=req(STR),
    description=req(STR),
    hardwareTierId=req(STR),
    requestingUserRole=req(enum(
        "Admin", "ProjectImporter", "Contributor", "Viewer", "ResultsConsumer",
        "LauncherUser", "Owner",
    )),
    totalRunTime=req(STR),
    tags=req(arr(obj(id=req(STR), name=req(STR), isApproved=req(BOOL)))),
    numComments=req(INT),
    allowedOperations=req(arr(STR)),
    runsCountByType=req(arr(obj(
        runType=req(enum(
            "Other", "SSHProxy", "Endpoint", "App", "Scheduled", "Launcher", "Batch",
            "Workspace",
        )),
        count=req(INT),
    ))),
    environmentName=req(STR),
    name=req(STR),
    serviceProvider=enum(
        "github", "gitlab", "githubEnterprise", "unknown", "gitlabEnterprise", "bitbucket",
        "bitbucketServer",
    ),
    id=req(STR),
    updatedAt=req(DATE_TIME),
    stageId=req(STR),
    status=req(obj(
        status=req(enum("active", "complete")), isBlocked=req(BOOL), blockedReason=STR,
        completedMessage=STR,
    )),
)

# 5.0 domino.hardwaretier.api.HardwareTierDto: flat, the default flag is `isDefault`
HARDWARE_TIER_50 = obj(
    id=req(STR),
    name=req(STR),
    cores=req(NUM),
    coresLimit=NUM,
    memory=req(NUM),
    allowSharedMemoryToExceedDefault=req(BOOL),
    clusterType=enum("ClassicOnPremises", "ClassicAWS", "Kubernetes"),
    numberOfGpus=INT,
    gpuKey=req(STR),
    runMemoryLimit=obj(memoryLimitMegabytes=INT, memorySwapLimitMegabytes=INT),
    isDefault=req(BOOL),
    centsPerMinute=req(NUM),
    isFree=req(BOOL),
    isAllowedDuringTrial=req(BOOL),
    isVisible=req(BOOL),
    isGlobal=req(BOOL),
    isArchived=req(BOOL),
    creationTime=req(DATE_TIME),
    updateTime=req(DATE_TIME),
    nodePool=STR,
    maxSimultaneousExecutions=INT,
    overprovisioning=obj(
        instances=req(INT), schedulingEnabled=req(BOOL), daysOfWeek=req(arr(STR)),
        timezone=req(STR), fromTime=req(STR), toTime=req(STR),
    ),
)
# 5.0 domino.hardwaretier.api.HardwareTierCapacity
TIER_CAPACITY = obj(
    currentNumberOfExecutors=req(INT),
    maximumNumberOfExecutors=req(INT),
    numberOfCurrentlyExecutingRuns=req(INT),
    numberOfQueuedRuns=req(INT),
    maximumConcurrentRuns=req(INT),
    availableCapacityWithoutLaunching=req(INT),
    maximumAvailableCapacity=req(INT),
    capacityLevel=req(enum(
        "CAN_EXECUTE_WITH_CURRENT_INSTANCES", "REQUIRES_LAUNCHING_INSTANCE", "FULL", "UNKNOWN"
    )),
)
# 5.0 domino.hardwaretier.api.HardwareTierWithCapacityDto
TIER_WITH_CAPACITY_50 = obj(hardwareTier=req(HARDWARE_TIER_50), capacity=req(TIER_CAPACITY))

# Newer Domino: pd tests/test_jobs.py (live tests) read hardwareTier.hwtFlags.isDefault,
# .id and .name; pd-sched's mock lists {"hardwareTier": {"id", "name"}}. `hwtResources`
# (cores, memory {value, unit}) is named by the project's DESIGN.md only: unconfirmed here.
# No full description of the newer object is on hand, so it is open.
TIER_WITH_CAPACITY_LATEST = open_obj(
    hardwareTier=req(open_obj(
        id=req(STR),
        name=req(STR),
        hwtFlags=req(open_obj(isDefault=req(BOOL))),
        hwtResources=open_obj(cores=NUM, memory=open_obj(value=NUM, unit=STR)),
    )),
)

# 5.0 domino.common.user.Person (GET /v4/users/self); apiary "v4 user" names the same fields
PERSON = obj(
    firstName=req(STR),
    lastName=req(STR),
    phoneNumber=STR,
    avatarUrl=req(STR),
    companyName=STR,
    fullName=req(STR),
    id=req(STR),
    userName=req(STR),
    email=STR,
)

# 5.0 domino.nucleus.file.ProjectCommitDeprecated (GET /v4/projects/{id}/commits/head)
PROJECT_COMMIT = obj(id=req(STR), name=req(STR), commitTime=req(INT))

# 5.0 domino.nucleus.file.ProjectFileDeprecated (v4 file listings)
PROJECT_FILE = obj(path=req(STR), lastModified=req(INT), size=req(INT), key=req(STR))

# -- compute environments ------------------------------------------------------------------
VISIBILITY = enum("Global", "Private", "Organization")
# 5.0 domino.environments.api.EnvironmentWorkspaceToolDefinition
WORKSPACE_TOOL = obj(
    id=req(STR), name=req(STR), title=req(STR), iconUrl=STR, start=req(arr(STR)),
    proxyConfig=obj(internalPath=req(STR), port=req(INT), rewrite=req(BOOL)),
    supportedFileExtensions=arr(STR),
)
# 5.0 domino.environments.api.RevisionOverview
REVISION_OVERVIEW = obj(
    id=req(STR), number=req(INT),
    status=enum("Pushing", "Killed", "Starting", "Queued", "Pulling", "Succeeded", "Failed",
                "Building"),
    url=req(STR), availableTools=req(arr(WORKSPACE_TOOL)),
)
# 5.0 domino.environments.api.EnvironmentDetails (getEnvironmentById, getDefaultEnvironment,
# getCurrentUserEnvironments)
ENVIRONMENT_DETAILS = obj(
    id=req(STR), archived=req(BOOL), name=req(STR), visibility=req(VISIBILITY),
    owner=obj(id=req(STR), username=req(STR),
              environmentOwnerType=req(enum("Organization", "Individual"))),
    supportedClusters=req(arr(enum("Dask", "Spark", "Ray"))),
    latestRevision=REVISION_OVERVIEW, selectedRevision=REVISION_OVERVIEW,
)
# 5.0 domino.projects.api.UseableProjectEnvironmentsDTO (getUseableEnvironments): the
# selected environment (SelectedEnvironmentDTO) and ProjectEnvironmentDTO entries
USEABLE_ENVIRONMENTS = obj(
    currentlySelectedEnvironment=req(obj(
        id=req(STR),
        v2EnvironmentDetails=obj(
            latestRevision=INT, latestRevisionUrl=req(STR), latestRevisionStatus=STR,
            selectedRevision=INT, selectedRevisionUrl=STR,
        ),
        supportedClusters=req(arr(STR)),
    )),
    environments=req(arr(obj(
        id=req(STR), archived=req(BOOL), name=req(STR), version=req(INT),
        visibility=req(VISIBILITY), owner=obj(id=req(STR), username=req(STR)),
        supportedClusters=req(arr(STR)),
    ))),
)
# 5.0 domino.environments.api.PaginatedRevisionData (getBuiltEnvironmentRevisions)
REVISION_PAGE = obj(
    revisions=req(arr(obj(id=req(STR), number=req(INT), created=req(INT)))),
    pageInfo=req(obj(totalPages=req(INT), currentPage=req(INT), pageSize=req(INT))),
)
