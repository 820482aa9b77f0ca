"""Scheduled jobs (`/v4/projects/{projectId}/scheduledjobs`) as Domino's documents describe
them, per API flavor (sources abbreviated as in domino_shapes.py).

Domino 5.0 and newer Domino disagree: 5.0 requires `publishAfterCompleted` and names the
revision `overrideEnvironmentRevisionSpec`; newer Domino (python-domino's scheduled-job
branch) sends `environmentRevisionSpec` and no `publishAfterCompleted`.
"""

from __future__ import annotations

from .domino_shapes import (
    COMPUTE_CLUSTER,
    GIT_REF,
    REVISION_SPEC_50,
    REVISION_SPEC_LATEST,
    SPARK_CLUSTER,
)
from .shapes import BOOL, DATE_TIME, STR, arr, obj, open_obj, req

# 5.0 domino.scheduledrun.api.EditCronScheduleDTO
EDIT_CRON = obj(cronString=req(STR), isCustom=req(BOOL))

# 5.0 domino.scheduledrun.api.NewScheduledJobDto (POST); UpdatedScheduledJobDTO (PUT) has
# the same fields, the same ones required
SCHEDULE_REQUEST_50 = obj(
    title=req(STR),
    command=req(STR),
    schedule=req(EDIT_CRON),
    timezoneId=req(STR),
    isPaused=req(BOOL),
    publishAfterCompleted=req(BOOL),
    publishModelId=STR,
    allowConcurrentExecution=req(BOOL),
    hardwareTierIdentifier=req(STR),
    overrideEnvironmentId=STR,
    overrideEnvironmentRevisionSpec=REVISION_SPEC_50,
    scheduledByUserId=req(STR),
    notifyOnCompleteEmailAddresses=req(arr(STR)),
    datasetConfig=STR,
    onDemandSparkClusterProperties=SPARK_CLUSTER,
    computeClusterProperties=COMPUTE_CLUSTER,
)

# 5.0 domino.scheduledrun.api.ScheduledJobDto (every answer of these routes but DELETE's)
SCHEDULED_JOB_50 = obj(
    id=req(STR),
    created=req(DATE_TIME),
    projectId=req(STR),
    title=req(STR),
    command=req(STR),
    # 5.0 domino.scheduledrun.api.CronScheduleDTO
    schedule=req(obj(cronString=req(STR), isCustom=req(BOOL), humanReadableCronString=req(STR))),
    timezoneId=req(STR),
    isPaused=req(BOOL),
    publishAfterCompleted=req(BOOL),
    publishModelId=STR,
    allowConcurrentExecution=req(BOOL),
    hardwareTierIdentifier=req(STR),
    hardwareTierName=req(STR),
    overrideEnvironmentId=STR,
    overrideEnvironmentRevisionSpec=REVISION_SPEC_50,
    scheduledByUserId=req(STR),
    scheduledByUserName=req(STR),
    notifyOnCompleteEmailAddresses=req(arr(STR)),
    datasetConfig=STR,
    onDemandSparkClusterProperties=SPARK_CLUSTER,
    computeClusterProperties=COMPUTE_CLUSTER,
)

# pd-sched scheduled_job_create / scheduled_job_update: the ten fields always sent are taken
# as required, the optional ones as that code names them. No description of the newer DTO
# is on hand beyond this, so a field outside these lists is undocumented.
SCHEDULE_REQUEST_LATEST = obj(
    title=req(STR),
    command=req(STR),
    schedule=req(EDIT_CRON),
    timezoneId=req(STR),
    isPaused=req(BOOL),
    allowConcurrentExecution=req(BOOL),
    hardwareTierIdentifier=req(STR),
    environmentRevisionSpec=req(REVISION_SPEC_LATEST),
    scheduledByUserId=req(STR),
    notifyOnCompleteEmailAddresses=req(arr(STR)),
    publishModelId=STR,
    capacityType=STR,  # "on-demand" or "spot"
    overrideEnvironmentId=STR,
    datasetConfig=STR,
    computeClusterProperties=COMPUTE_CLUSTER,
    externalVolumeMounts=arr(STR),
    snapshotDatasetsOnCompletion=BOOL,
    snapshotNetAppVolumesOnCompletion=BOOL,
    mainRepoGitRef=GIT_REF,
)

# pd-sched tests/test_scheduled_jobs.py MOCK_SCHEDULED_JOB: the fields it carries are taken
# as required, `dataConfig` as optional; a mock is no full description, so open
SCHEDULED_JOB_LATEST = open_obj(
    id=req(STR),
    created=req(DATE_TIME),
    projectId=req(STR),
    title=req(STR),
    command=req(STR),
    schedule=req(open_obj(
        cronString=req(STR), isCustom=req(BOOL), humanReadableCronString=req(STR)
    )),
    timezoneId=req(STR),
    isPaused=req(BOOL),
    allowConcurrentExecution=req(BOOL),
    hardwareTierIdentifier=req(STR),
    hardwareTierName=req(STR),
    environmentRevisionSpec=req(REVISION_SPEC_LATEST),
    scheduledByUserId=req(STR),
    scheduledByUserName=req(STR),
    notifyOnCompleteEmailAddresses=req(arr(STR)),
    overrideEnvironmentId=STR,
    dataConfig=open_obj(snapshotDatasetsOnCompletion=BOOL, snapshotNetAppVolumesOnCompletion=BOOL),
)
